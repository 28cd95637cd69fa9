-- +goose Up
-- Moderation. Members flag posts they may read, with a fixed reason and
-- optional words; a member holds one open flag per post (dismissed flags
-- stay, closed, so that the queue shows only what is still to decide).
-- A moderator hides a post (hidden_at, and the reason category its author
-- is told) and may show it again; a locked thread takes no new replies.
-- Reveals and every other act are read from the audit log by post number.
CREATE TABLE post_flags (
    id            INTEGER PRIMARY KEY,
    post_id       INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    reason        TEXT NOT NULL CHECK (reason IN ('abusive', 'reveals', 'off_topic', 'spam', 'other')),
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    dismissed_at  TIMESTAMP
);
CREATE UNIQUE INDEX post_flags_open ON post_flags (post_id, member_id) WHERE dismissed_at IS NULL;
CREATE INDEX post_flags_queue ON post_flags (dismissed_at, created_at, post_id);

ALTER TABLE posts ADD COLUMN hidden_at TIMESTAMP;
ALTER TABLE posts ADD COLUMN hidden_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE threads ADD COLUMN locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1));
CREATE INDEX audit_log_post ON audit_log (post_id, action);
