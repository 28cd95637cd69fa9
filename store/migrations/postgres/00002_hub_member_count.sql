-- +goose Up
-- Each hub keeps its number of members, so that lists of hubs (every home
-- page shows one) need not count the memberships of every hub each time.
-- Joining and leaving keep it up to date in the same transaction.
ALTER TABLE hubs ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;
UPDATE hubs SET member_count = (SELECT COUNT(*) FROM hub_members WHERE hub_members.hub_id = hubs.id);
