-- +goose Up
-- A thread may be held under the Chatham House rule: its posts show a
-- pseudonym stable within the thread ("Participant 2"), numbered in the
-- order of each writer's first post. thread_pseudonyms is written in the
-- transaction of that first post; pseudonyms counts the numbers given.
-- last_post_hidden tells that the latest post hides its author, whose
-- time the thread's latest activity then is: it is shown to the day.
ALTER TABLE threads ADD COLUMN chatham_house INTEGER NOT NULL DEFAULT 0 CHECK (chatham_house IN (0, 1));
ALTER TABLE threads ADD COLUMN pseudonyms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE threads ADD COLUMN last_post_hidden INTEGER NOT NULL DEFAULT 0 CHECK (last_post_hidden IN (0, 1));
CREATE TABLE thread_pseudonyms (
    thread_id  INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    number     INTEGER NOT NULL CHECK (number > 0),
    PRIMARY KEY (thread_id, member_id),
    UNIQUE (thread_id, number)
);
