-- +goose Up
-- The limits on writing (store/limit.go) count a member's latest posts and
-- invitations inside the write's transaction: these find them without
-- reading everything the member ever wrote.
CREATE INDEX posts_author_created ON posts (author_id, created_at);
CREATE INDEX invitations_inviter ON invitations (invited_by, created_at);
