-- +goose Up
-- The key that signs device cookies (the browsers a member signed in from
-- before), kept with the network so that every instance sharing the
-- database accepts the cookies any of them issued. Made on first start.
ALTER TABLE network ADD COLUMN device_key TEXT;
