-- +goose Up
-- Versions let a page of posts, rendered once, be reused until something
-- it shows changes: a thread's version grows with every post written or
-- edited in it; the network's profiles version grows whenever a member's
-- name or handle (shown beside their posts) changes.
ALTER TABLE threads ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE network ADD COLUMN profiles_version BIGINT NOT NULL DEFAULT 0;
