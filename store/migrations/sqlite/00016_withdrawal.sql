-- +goose Up
-- An author may withdraw what they wrote. A withdrawn post keeps its row
-- and its place in the thread, so that the thread stays readable and its
-- pages and links stay where they were, but its Markdown and HTML are
-- emptied in the same transaction: a tombstone, not a hidden post.
-- A withdrawn opening post withdraws the thread's title with it (the
-- author's words too): the thread stays, untitled, while others' replies
-- do. A thread left with no post that is not withdrawn is deleted.
--
-- retired_handles keeps the handles of deleted accounts as digests, so
-- that nobody takes one to pass as the member others mentioned, without
-- keeping the handle itself.
ALTER TABLE posts ADD COLUMN withdrawn_at TIMESTAMP;
ALTER TABLE threads ADD COLUMN withdrawn_at TIMESTAMP;
CREATE TABLE retired_handles (
    digest TEXT PRIMARY KEY
);
