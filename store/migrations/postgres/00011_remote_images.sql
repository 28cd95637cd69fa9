-- +goose Up
-- Images in members' Markdown load only from Sharefair itself now; one from
-- another server is shown as a link to it, so that no third party learns
-- who opened a post. What was rendered before kept such images as <img>:
-- that HTML is emptied here, and the store renders it again from the
-- Markdown when it opens (renderPosts, renderHubDescriptions), as new
-- writes are rendered. The partial index lets every start find posts left
-- to render without reading them all.
UPDATE posts SET html = '' WHERE html LIKE '%<img%';
UPDATE hubs SET description_html = '' WHERE description_html LIKE '%<img%';
CREATE INDEX posts_unrendered ON posts (id) WHERE html = '';
