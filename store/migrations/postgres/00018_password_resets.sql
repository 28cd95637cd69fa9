-- +goose Up
-- Password resets: a link with a secret, kept as its hash, for one
-- member, used once before it expires. A newer link replaces an older.
CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY,
    member_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_resets_member ON password_resets (member_id);

-- +goose Down
DROP TABLE password_resets;
