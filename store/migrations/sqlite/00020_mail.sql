-- +goose Up
-- Mail. Every message goes through the outbox: a row says whom it is
-- for and what it tells of (a notification, an invitation, a password
-- reset), never its words, which are written from what it points to when
-- it is sent, so that a withdrawal or a hide in between applies. A job of
-- kind 'mail' sends each; without a mail relay the rows wait, queued.
-- event_id is the event a notification's mail came of, so that its jobs
-- are made in one statement.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    kind             TEXT NOT NULL,
    member_id        INTEGER REFERENCES members (id) ON DELETE CASCADE,
    address          TEXT NOT NULL DEFAULT '',
    notification_id  INTEGER REFERENCES notifications (id) ON DELETE CASCADE,
    invitation_id    INTEGER REFERENCES invitations (id) ON DELETE CASCADE,
    event_id         INTEGER,
    state            TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'dropped', 'failed')),
    reason           TEXT NOT NULL DEFAULT '',
    -- The secret of the link a message carries (a password reset, an
    -- invitation, a new address), kept while the message is queued so
    -- that a retry sends the same link; emptied once it leaves the queue.
    link_secret      TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    sent_at          TIMESTAMP
);
CREATE INDEX outbox_created ON outbox (created_at, id);
CREATE INDEX outbox_event ON outbox (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX outbox_notification ON outbox (notification_id, state) WHERE notification_id IS NOT NULL;

-- How each kind of notification reaches a member: 'email' (at once, a
-- few minutes after, a thread's replies together), 'app' (in Sharefair
-- only) or 'off'. No row is the kind's default.
CREATE TABLE mail_prefs (
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    delivery   TEXT NOT NULL CHECK (delivery IN ('email', 'app', 'off')),
    PRIMARY KEY (member_id, kind)
);

-- An address that keeps bouncing stops receiving mail (mail_stopped_at),
-- until its member asks for it again.
ALTER TABLE members ADD COLUMN bounces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN mail_stopped_at TIMESTAMP;
-- The last of a thread's replies a notification's mail has told.
CREATE INDEX notifications_by_event ON notifications (event_id);
ALTER TABLE notifications ADD COLUMN emailed_post_id INTEGER;

-- An invitation's emailed link has a secret of its own, made when the
-- message is sent, beside the one the inviter was shown.
ALTER TABLE invitations ADD COLUMN mail_token_hash TEXT;
CREATE UNIQUE INDEX invitations_mail_token ON invitations (mail_token_hash) WHERE mail_token_hash IS NOT NULL;

-- A change of a member's email address, waiting to be confirmed from the
-- new address: the secret of the link mailed there, kept as its hash. A
-- newer request replaces an older.
CREATE TABLE email_changes (
    token_hash  TEXT PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    new_email   TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);
CREATE INDEX email_changes_member ON email_changes (member_id);

-- +goose Down
DROP TABLE email_changes;
DROP INDEX invitations_mail_token;
ALTER TABLE invitations DROP COLUMN mail_token_hash;
ALTER TABLE notifications DROP COLUMN emailed_post_id;
DROP INDEX notifications_by_event;
ALTER TABLE members DROP COLUMN mail_stopped_at;
ALTER TABLE members DROP COLUMN bounces;
DROP TABLE mail_prefs;
DROP TABLE outbox;
