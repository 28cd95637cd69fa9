-- +goose Up
-- The network, its members and hubs, invitations, sessions and tokens, and
-- discussions. Times are UTC, stored as text that sorts in time order.

CREATE TABLE network (
    id               INTEGER PRIMARY KEY CHECK (id = 1),
    name             TEXT NOT NULL DEFAULT '',
    setup_code_hash  TEXT,
    set_up_at        TIMESTAMP,
    created_at       TIMESTAMP NOT NULL
);
INSERT INTO network (id, name, created_at) VALUES (1, '', strftime('%Y-%m-%d %H:%M:%f', 'now'));

CREATE TABLE members (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,
    handle            TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    search_key        TEXT NOT NULL DEFAULT '',
    organisation      TEXT NOT NULL DEFAULT '',
    organisation_key  TEXT NOT NULL DEFAULT '',
    title             TEXT NOT NULL DEFAULT '',
    city              TEXT NOT NULL DEFAULT '',
    country           TEXT NOT NULL DEFAULT '',
    time_zone         TEXT NOT NULL DEFAULT '',
    bio               TEXT NOT NULL DEFAULT '',
    role              TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    password_hash     TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX members_organisation_key ON members (organisation_key);
CREATE INDEX members_name ON members (name, id);

CREATE TABLE member_languages (
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    PRIMARY KEY (member_id, code)
);
CREATE INDEX member_languages_code ON member_languages (code);

CREATE TABLE member_expertise (
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    tag        TEXT NOT NULL,
    PRIMARY KEY (member_id, tag)
);
CREATE INDEX member_expertise_tag ON member_expertise (tag);

CREATE TABLE hubs (
    id           INTEGER PRIMARY KEY,
    slug         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE hub_members (
    hub_id     INTEGER NOT NULL REFERENCES hubs (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role       TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'coordinator')),
    joined_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (hub_id, member_id)
);
CREATE INDEX hub_members_member ON hub_members (member_id, hub_id);

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    email        TEXT NOT NULL,
    hub_id       INTEGER REFERENCES hubs (id) ON DELETE CASCADE,
    invited_by   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    accepted_at  TIMESTAMP,
    accepted_by  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    revoked_at   TIMESTAMP
);
CREATE INDEX invitations_created ON invitations (created_at, id);

CREATE TABLE sessions (
    secret_hash   TEXT PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    created_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL
);
CREATE INDEX sessions_member ON sessions (member_id);

CREATE TABLE tokens (
    id            INTEGER PRIMARY KEY,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    hint          TEXT NOT NULL,
    secret_hash   TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP
);
CREATE INDEX tokens_member ON tokens (member_id);

CREATE TABLE threads (
    id                INTEGER PRIMARY KEY,
    title             TEXT NOT NULL,
    audience          TEXT NOT NULL CHECK (audience IN ('network', 'hub')),
    hub_id            INTEGER REFERENCES hubs (id) ON DELETE RESTRICT,
    author_id         INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    attribution       TEXT NOT NULL DEFAULT 'named' CHECK (attribution IN ('named', 'chatham', 'anonymous')),
    created_at        TIMESTAMP NOT NULL,
    last_activity_at  TIMESTAMP NOT NULL,
    post_count        INTEGER NOT NULL DEFAULT 0,
    CHECK ((audience = 'network' AND hub_id IS NULL) OR (audience = 'hub' AND hub_id IS NOT NULL))
);
CREATE INDEX threads_activity ON threads (last_activity_at DESC, id DESC);
CREATE INDEX threads_hub_activity ON threads (hub_id, last_activity_at DESC, id DESC);

CREATE TABLE posts (
    id           INTEGER PRIMARY KEY,
    thread_id    INTEGER NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    author_id    INTEGER NOT NULL REFERENCES members (id) ON DELETE RESTRICT,
    attribution  TEXT NOT NULL DEFAULT 'named' CHECK (attribution IN ('named', 'chatham', 'anonymous')),
    source       TEXT NOT NULL,
    html         TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    edited_at    TIMESTAMP
);
CREATE INDEX posts_thread ON posts (thread_id, id);
CREATE INDEX posts_author ON posts (author_id, thread_id);
