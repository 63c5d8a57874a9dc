-- What changed on a bookmark, field by field: its title, URL, slug and forwarding. Written in the
-- transaction of the change; old values are put back by the owner through a restore, which is a
-- change of its own. Gone with the bookmark. `seq` orders one bookmark's changes (1, 2, …), also
-- those made within the same millisecond.
CREATE TABLE bookmark_history (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    bookmark_id TEXT NOT NULL REFERENCES bookmarks(id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    changed_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX bookmark_history_by_bookmark ON bookmark_history (bookmark_id, seq DESC);

-- Visits per bookmark and UTC day (days since 1970-01-01): counts only, nothing about who.
-- Added to, never overwritten, so each instance's counts add up; days older than 90 are removed
-- by the cleanup job.
CREATE TABLE bookmark_visit_days (
    bookmark_id TEXT NOT NULL REFERENCES bookmarks(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (bookmark_id, day)
);
CREATE INDEX bookmark_visit_days_by_day ON bookmark_visit_days (day);
