-- +goose Up
-- A hub has a city and a time zone (its gatherings happen there), a
-- description rendered from Markdown on write (the store fills it in for
-- hubs made before), and a join policy: open to anyone, by request (a
-- coordinator approves), or by invitation only. Hubs made before stay open.
ALTER TABLE hubs ADD COLUMN description_html TEXT NOT NULL DEFAULT '';
ALTER TABLE hubs ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE hubs ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE hubs ADD COLUMN join_policy TEXT NOT NULL DEFAULT 'open'
    CHECK (join_policy IN ('open', 'request', 'invitation'));

-- Requests to join a hub, waiting for a coordinator. Approving makes the
-- member a member of the hub; approving, declining, joining and leaving
-- remove the request.
CREATE TABLE hub_join_requests (
    hub_id      BIGINT NOT NULL REFERENCES hubs (id) ON DELETE CASCADE,
    member_id   BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (hub_id, member_id)
);
CREATE INDEX hub_join_requests_waiting ON hub_join_requests (hub_id, created_at, member_id);
