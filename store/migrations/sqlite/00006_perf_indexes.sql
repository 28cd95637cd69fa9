-- +goose Up
-- A hub's coordinators, read on every hub page, found without reading
-- every membership of the hub.
CREATE INDEX hub_members_coordinators ON hub_members (hub_id, member_id) WHERE role = 'coordinator';
