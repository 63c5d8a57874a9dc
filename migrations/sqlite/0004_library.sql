-- The bookmark library: bookmarks, folders, tags, teams, sharing and go-link preferences.
-- Every tenant-owned row carries org_id and disappears with its organization. Join tables
-- reference (org_id, id) pairs, so the database itself refuses to link a bookmark to a folder,
-- tag, team or person of another organization; shares and team memberships reference
-- org_members, so a person who leaves an organization loses what was shared with them there.

CREATE TABLE bookmarks (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    slug TEXT,
    forwarding_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    share_all_teams BOOLEAN NOT NULL DEFAULT FALSE,
    access_count BIGINT NOT NULL DEFAULT 0,
    last_accessed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, id)
);
-- Slugs are unique per owner within an organization, case-insensitively; the index decides
-- between concurrent creates.
CREATE UNIQUE INDEX bookmarks_slug_per_owner ON bookmarks (org_id, user_id, lower(slug)) WHERE slug IS NOT NULL;
CREATE INDEX bookmarks_by_owner ON bookmarks (org_id, user_id, created_at DESC);
-- The go-link resolver looks slugs up across an organization.
CREATE INDEX bookmarks_by_slug ON bookmarks (org_id, lower(slug)) WHERE slug IS NOT NULL;

CREATE TABLE folders (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    icon TEXT,
    share_all_teams BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX folders_name_per_owner ON folders (org_id, user_id, lower(name));

CREATE TABLE tags (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX tags_name_per_owner ON tags (org_id, user_id, lower(name));

CREATE TABLE bookmark_folders (
    org_id TEXT NOT NULL,
    bookmark_id TEXT NOT NULL,
    folder_id TEXT NOT NULL,
    PRIMARY KEY (bookmark_id, folder_id),
    FOREIGN KEY (org_id, bookmark_id) REFERENCES bookmarks(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, folder_id) REFERENCES folders(org_id, id) ON DELETE CASCADE
);
CREATE INDEX bookmark_folders_by_folder ON bookmark_folders (folder_id);

CREATE TABLE bookmark_tags (
    org_id TEXT NOT NULL,
    bookmark_id TEXT NOT NULL,
    tag_id TEXT NOT NULL,
    PRIMARY KEY (bookmark_id, tag_id),
    FOREIGN KEY (org_id, bookmark_id) REFERENCES bookmarks(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, tag_id) REFERENCES tags(org_id, id) ON DELETE CASCADE
);
CREATE INDEX bookmark_tags_by_tag ON bookmark_tags (tag_id);

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX teams_name_per_org ON teams (org_id, lower(name));

CREATE TABLE team_members (
    org_id TEXT NOT NULL,
    team_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (team_id, user_id),
    FOREIGN KEY (org_id, team_id) REFERENCES teams(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES org_members(org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX team_members_by_user ON team_members (org_id, user_id);

CREATE TABLE bookmark_user_shares (
    org_id TEXT NOT NULL,
    bookmark_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (bookmark_id, user_id),
    FOREIGN KEY (org_id, bookmark_id) REFERENCES bookmarks(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES org_members(org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX bookmark_user_shares_by_user ON bookmark_user_shares (org_id, user_id);

CREATE TABLE bookmark_team_shares (
    org_id TEXT NOT NULL,
    bookmark_id TEXT NOT NULL,
    team_id TEXT NOT NULL,
    PRIMARY KEY (bookmark_id, team_id),
    FOREIGN KEY (org_id, bookmark_id) REFERENCES bookmarks(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, team_id) REFERENCES teams(org_id, id) ON DELETE CASCADE
);
CREATE INDEX bookmark_team_shares_by_team ON bookmark_team_shares (team_id);

CREATE TABLE folder_user_shares (
    org_id TEXT NOT NULL,
    folder_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (folder_id, user_id),
    FOREIGN KEY (org_id, folder_id) REFERENCES folders(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES org_members(org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX folder_user_shares_by_user ON folder_user_shares (org_id, user_id);

CREATE TABLE folder_team_shares (
    org_id TEXT NOT NULL,
    folder_id TEXT NOT NULL,
    team_id TEXT NOT NULL,
    PRIMARY KEY (folder_id, team_id),
    FOREIGN KEY (org_id, folder_id) REFERENCES folders(org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, team_id) REFERENCES teams(org_id, id) ON DELETE CASCADE
);
CREATE INDEX folder_team_shares_by_team ON folder_team_shares (team_id);

-- "Always use this bookmark for go/<slug>", per person and organization.
CREATE TABLE go_preferences (
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    slug_lower TEXT NOT NULL,
    bookmark_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id, slug_lower),
    FOREIGN KEY (org_id, bookmark_id) REFERENCES bookmarks(org_id, id) ON DELETE CASCADE
);
CREATE INDEX go_preferences_by_bookmark ON go_preferences (bookmark_id);

-- Full-text search over title, url and slug: an external-content FTS5 index over the bookmarks'
-- rowids, kept in step by triggers (which also fire for cascaded deletes). Nothing here runs
-- VACUUM; should an operator run it (it may renumber rowids), rebuild the index with
-- INSERT INTO bookmarks_fts(bookmarks_fts) VALUES ('rebuild').
CREATE VIRTUAL TABLE bookmarks_fts USING fts5(title, url, slug, content = 'bookmarks', content_rowid = 'rowid');

CREATE TRIGGER bookmarks_fts_insert AFTER INSERT ON bookmarks BEGIN
    INSERT INTO bookmarks_fts (rowid, title, url, slug) VALUES (new.rowid, new.title, new.url, new.slug);
END;
CREATE TRIGGER bookmarks_fts_delete AFTER DELETE ON bookmarks BEGIN
    INSERT INTO bookmarks_fts (bookmarks_fts, rowid, title, url, slug) VALUES ('delete', old.rowid, old.title, old.url, old.slug);
END;
CREATE TRIGGER bookmarks_fts_update AFTER UPDATE OF title, url, slug ON bookmarks BEGIN
    INSERT INTO bookmarks_fts (bookmarks_fts, rowid, title, url, slug) VALUES ('delete', old.rowid, old.title, old.url, old.slug);
    INSERT INTO bookmarks_fts (rowid, title, url, slug) VALUES (new.rowid, new.title, new.url, new.slug);
END;
