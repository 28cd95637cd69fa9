-- +goose Up
-- The network says what it is (a description shown to members and on the
-- sign-in page) and in which time zone it shows times to members who chose
-- none. A session keeps a public reference (so its member can end it from
-- a list without its secret ever being shown) and the client it began on.
ALTER TABLE network ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE network ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE sessions ADD COLUMN ref TEXT;
ALTER TABLE sessions ADD COLUMN client_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
UPDATE sessions SET ref = md5(random()::text || secret_hash);
CREATE UNIQUE INDEX sessions_ref ON sessions (ref);
CREATE INDEX sessions_member_created ON sessions (member_id, created_at);
