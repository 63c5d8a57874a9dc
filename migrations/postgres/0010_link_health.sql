-- Link health: what the background checker last found at each bookmark's URL, and when the
-- bookmark is due again. A new or changed URL is due at once (link_check_due_at 0).
-- link_check_claimed_until: an instance checking the bookmark holds it until then (milliseconds
-- since the epoch), so no URL is checked twice at once; the checker clears it when done.
ALTER TABLE bookmarks ADD COLUMN link_status TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE bookmarks ADD COLUMN link_status_code INTEGER;
ALTER TABLE bookmarks ADD COLUMN link_checked_at BIGINT;
ALTER TABLE bookmarks ADD COLUMN link_final_url TEXT;
ALTER TABLE bookmarks ADD COLUMN link_check_due_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE bookmarks ADD COLUMN link_check_claimed_until BIGINT;
CREATE INDEX bookmarks_link_check_due ON bookmarks (link_check_due_at);
CREATE INDEX bookmarks_link_status ON bookmarks (org_id, link_status);
