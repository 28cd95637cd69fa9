-- +goose Up
-- Notifications: what a member is told of (replies in the threads they
-- take part in or follow, mentions, invitations, moderation of their
-- posts), made by a job from the event that tells of it. A row points to
-- what it tells of; what a member is shown of it is read through the
-- access rules each time, so a post withdrawn or hidden since, or a thread
-- the member may no longer read, leaves the list. One unread row gathers a
-- thread's new replies (notifications_unread_replies): post_id is the
-- first of them, last_post_id and updated_at the latest.
CREATE TABLE notifications (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id      INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    event_id       INTEGER NOT NULL,
    actor_id       INTEGER REFERENCES members (id) ON DELETE SET NULL,
    thread_id      INTEGER REFERENCES threads (id) ON DELETE CASCADE,
    post_id        INTEGER REFERENCES posts (id) ON DELETE CASCADE,
    last_post_id   INTEGER,
    hub_id         INTEGER REFERENCES hubs (id) ON DELETE CASCADE,
    circle_id      INTEGER REFERENCES circles (id) ON DELETE CASCADE,
    invitation_id  INTEGER REFERENCES invitations (id) ON DELETE CASCADE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    read_at        TIMESTAMP
);
-- A retried job makes no second notification of one event.
CREATE UNIQUE INDEX notifications_event ON notifications (member_id, event_id) WHERE kind <> 'reply';
CREATE UNIQUE INDEX notifications_unread_replies ON notifications (member_id, thread_id) WHERE kind = 'reply' AND read_at IS NULL;
CREATE INDEX notifications_member ON notifications (member_id, updated_at, id);
CREATE INDEX notifications_unread ON notifications (member_id) WHERE read_at IS NULL;
CREATE INDEX notifications_thread ON notifications (thread_id, member_id) WHERE thread_id IS NOT NULL;
-- A reply's job leaves out those its mentions tell of.
CREATE INDEX events_post ON events (post_id) WHERE post_id IS NOT NULL;

-- How a member follows a thread: 'following' (told of every reply) or
-- 'muted' (told of none); no row is the default, told of replies once
-- they took part.
CREATE TABLE thread_follows (
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    thread_id   INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    level       TEXT NOT NULL CHECK (level IN ('following', 'muted')),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, thread_id)
);
CREATE INDEX thread_follows_thread ON thread_follows (thread_id, level);

-- How far a member read a thread: the last post they were shown.
CREATE TABLE thread_reads (
    member_id          INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    thread_id          INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    last_read_post_id  INTEGER NOT NULL,
    read_at            TIMESTAMP NOT NULL,
    PRIMARY KEY (member_id, thread_id)
);

-- +goose Down
DROP TABLE thread_reads;
DROP TABLE thread_follows;
DROP INDEX events_post;
DROP TABLE notifications;
