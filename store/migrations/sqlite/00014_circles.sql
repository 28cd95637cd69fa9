-- +goose NO TRANSACTION
-- +goose Up
-- Circles, and one audience model for all content.
--
-- A circle is a small group across hubs: open (anyone joins), closed
-- (members ask, hosts approve) or secret (invitation only, and to everyone
-- else it does not exist). It is addressed by a random key, never by its
-- name, so names need not be unique and no conflict can tell that a secret
-- circle exists. circle_members holds members and hosts; circle_requests
-- the requests to join a closed circle; circle_invitations the invitations
-- a host sent that the invitee has not answered yet.
--
-- Every kind of content carries the same audience columns (audience,
-- hub_id, circle_id); a named-members audience lists its readers in
-- audience_members, shared by every kind of content. threads is the first
-- such table. SQLite cannot change a CHECK constraint, so threads is
-- rebuilt, with foreign keys off (outside a transaction, which the pragma
-- needs) so that dropping the old table touches no post.
PRAGMA foreign_keys = OFF;

BEGIN;

CREATE TABLE circles (
    id                INTEGER PRIMARY KEY,
    key               TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    description_html  TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL CHECK (kind IN ('open', 'closed', 'secret')),
    created_by        INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    created_at        TIMESTAMP NOT NULL,
    member_count      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX circles_kind ON circles (kind, name, id);

CREATE TABLE circle_members (
    circle_id  INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role       TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'host')),
    joined_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (circle_id, member_id)
);
CREATE INDEX circle_members_member ON circle_members (member_id, circle_id);

CREATE TABLE circle_requests (
    circle_id   INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (circle_id, member_id)
);

CREATE TABLE circle_invitations (
    circle_id   INTEGER NOT NULL REFERENCES circles (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    invited_by  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (circle_id, member_id)
);
CREATE INDEX circle_invitations_member ON circle_invitations (member_id, circle_id);

CREATE TABLE audience_members (
    content_kind  TEXT NOT NULL,
    content_id    INTEGER NOT NULL,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (content_kind, content_id, member_id)
);
CREATE INDEX audience_members_member ON audience_members (member_id, content_kind, content_id);

CREATE TABLE threads_new (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    audience          TEXT NOT NULL CHECK (audience IN ('network', 'hub', 'circle', 'members')),
    hub_id            INTEGER REFERENCES hubs (id) ON DELETE RESTRICT,
    circle_id         INTEGER REFERENCES circles (id) ON DELETE RESTRICT,
    author_id         INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    attribution       TEXT NOT NULL DEFAULT 'named' CHECK (attribution IN ('named', 'chatham', 'anonymous')),
    created_at        TIMESTAMP NOT NULL,
    last_activity_at  TIMESTAMP NOT NULL,
    post_count        INTEGER NOT NULL DEFAULT 0,
    version           BIGINT NOT NULL DEFAULT 0,
    chatham_house     INTEGER NOT NULL DEFAULT 0 CHECK (chatham_house IN (0, 1)),
    pseudonyms        INTEGER NOT NULL DEFAULT 0,
    last_post_hidden  INTEGER NOT NULL DEFAULT 0 CHECK (last_post_hidden IN (0, 1)),
    CHECK ((audience = 'network' AND hub_id IS NULL AND circle_id IS NULL)
        OR (audience = 'hub' AND hub_id IS NOT NULL AND circle_id IS NULL)
        OR (audience = 'circle' AND circle_id IS NOT NULL AND hub_id IS NULL)
        OR (audience = 'members' AND hub_id IS NULL AND circle_id IS NULL))
);
INSERT INTO threads_new (id, title, audience, hub_id, author_id, attribution, created_at, last_activity_at,
        post_count, version, chatham_house, pseudonyms, last_post_hidden)
    SELECT id, title, audience, hub_id, author_id, attribution, created_at, last_activity_at,
        post_count, version, chatham_house, pseudonyms, last_post_hidden
    FROM threads;
DROP TABLE threads;
ALTER TABLE threads_new RENAME TO threads;
CREATE INDEX threads_activity ON threads (last_activity_at DESC, id DESC);
CREATE INDEX threads_hub_activity ON threads (hub_id, last_activity_at DESC, id DESC);
CREATE INDEX threads_circle_activity ON threads (circle_id, last_activity_at DESC, id DESC);

COMMIT;

PRAGMA foreign_keys = ON;
