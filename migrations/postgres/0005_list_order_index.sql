-- Newest-first lists of an organization read this index in order and stop after a page,
-- instead of sorting every visible bookmark.
CREATE INDEX bookmarks_newest ON bookmarks (org_id, created_at DESC, id);
