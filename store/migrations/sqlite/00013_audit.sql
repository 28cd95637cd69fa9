-- +goose Up
-- The ground the safe-sharing work stands on.
--
-- A member's state: active, suspended by a moderator (signs in to nothing
-- until reinstated), deactivated by a network admin, or deleted at their
-- own request (the row stays, emptied of everything personal, so that
-- what they wrote can stay as a former member's).
--
-- The audit log: every privileged act, appended and never changed. It
-- names members and content by number, never copying what they wrote, so
-- that a withdrawn post or a deleted member leaves only a number in it:
-- no foreign keys, since those numbers outlive their rows. reason is the
-- actor's own words, for the acts that ask for one (a reveal); detail is
-- a short, fixed description of the change (a role from and to).
ALTER TABLE members ADD COLUMN state TEXT NOT NULL DEFAULT 'active'
    CHECK (state IN ('active', 'suspended', 'deactivated', 'deleted'));

CREATE TABLE audit_log (
    id                 INTEGER PRIMARY KEY,
    at                 TIMESTAMP NOT NULL,
    actor_id           INTEGER,
    action             TEXT NOT NULL,
    subject_member_id  INTEGER,
    hub_id             INTEGER,
    circle_id          INTEGER,
    thread_id          INTEGER,
    post_id            INTEGER,
    reason             TEXT NOT NULL DEFAULT '',
    detail             TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_action ON audit_log (action, at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC, id DESC);
CREATE INDEX audit_log_subject ON audit_log (subject_member_id, at DESC, id DESC);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd
