-- +goose Up
-- A hub's coordinators, read on every hub page, found without reading
-- every membership of the hub.
CREATE INDEX hub_members_coordinators ON hub_members (hub_id, member_id) WHERE role = 'coordinator';

-- Each hub keeps its number of threads, so that its page numbers need not
-- count them: starting a thread keeps it up to date in the same
-- transaction (threads are never deleted nor moved between hubs).
ALTER TABLE hubs ADD COLUMN thread_count INTEGER NOT NULL DEFAULT 0;
UPDATE hubs SET thread_count = (SELECT COUNT(*) FROM threads WHERE threads.hub_id = hubs.id);
