-- The dashboard's quick access (most used first) reads this index in order and stops after a
-- few rows, instead of sorting every visible bookmark by its visits.
CREATE INDEX bookmarks_most_used ON bookmarks (org_id, access_count DESC, created_at DESC, id);
