-- +goose Up
-- Events and jobs. An event is what happened (a post written, a member
-- mentioned, an invitation sent, a post hidden), recorded in the
-- transaction of the change, so that nothing is announced that did not
-- happen and nothing that happened is missed. What consumes events
-- (notifications, email) is to be given a job in that same transaction,
-- not a cursor over event numbers: on PostgreSQL a number is handed out
-- before its transaction commits, so numbers can commit out of order.
--
-- A job is work done beside the requests: its kind, what it works on
-- (payload), when it is due, how often it was tried. A worker claims due
-- jobs by setting a lease (locked_by, locked_until); a job whose lease ran
-- out (its worker stopped mid-way) is due again. key, when set, makes a
-- job unique for its kind: a scheduled run of a recurring job is keyed by
-- its time slot, so instances that schedule it at once make one job.
-- AUTOINCREMENT: a job's number names what it sends (a message's
-- Message-ID), and must never be given to another job once pruned.
CREATE TABLE events (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    kind               TEXT NOT NULL,
    at                 TIMESTAMP NOT NULL,
    actor_id           INTEGER REFERENCES members (id),
    subject_member_id  INTEGER REFERENCES members (id),
    hub_id             INTEGER,
    circle_id          INTEGER,
    thread_id          INTEGER,
    post_id            INTEGER,
    invitation_id      INTEGER
);
CREATE INDEX events_at ON events (at);

CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    key           TEXT NOT NULL DEFAULT '',
    payload       TEXT NOT NULL DEFAULT '',
    state         TEXT NOT NULL DEFAULT 'ready' CHECK (state IN ('ready', 'running', 'done', 'failed')),
    run_at        TIMESTAMP NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    locked_by     TEXT NOT NULL DEFAULT '',
    locked_until  TIMESTAMP,
    last_error    TEXT NOT NULL DEFAULT '',
    failed_at     TIMESTAMP,
    created_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state IN ('ready', 'running');
CREATE UNIQUE INDEX jobs_key ON jobs (kind, key) WHERE key <> '';
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX jobs_failed ON jobs (kind, failed_at) WHERE failed_at IS NOT NULL;
-- The hourly sweep deletes expired sessions.
CREATE INDEX sessions_expires ON sessions (expires_at);

-- +goose Down
DROP INDEX sessions_expires;
DROP TABLE jobs;
DROP TABLE events;
