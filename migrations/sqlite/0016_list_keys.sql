-- Lists at a real library's size (100,000 bookmarks, 1,000 folders): a page is chosen from the
-- sort keys alone and only its rows are read, so the indexes below hold what choosing needs.
--
-- A person's own bookmarks newest first, with the tie-break, so the keys of a page come from
-- the index alone (a deep page walks 25,000 entries, not 25,000 rows).
DROP INDEX bookmarks_by_owner;
CREATE INDEX bookmarks_by_owner ON bookmarks (org_id, user_id, created_at DESC, id);

-- Bookmarks shared with all teams: whose they are and their id, without reading the row.
DROP INDEX bookmarks_shared_with_all_teams;
CREATE INDEX bookmarks_shared_with_all_teams ON bookmarks (org_id, share_all_teams, user_id, id);

-- The owner, date and pin of a bookmark by its id: the bookmarks shared with someone (often over a
-- thousand for a member of a busy team) are ordered from this index rather than their rows.
CREATE INDEX bookmarks_keys ON bookmarks (org_id, id, user_id, created_at, pinned);

-- A folder's and a tag's bookmarks from the index alone.
DROP INDEX bookmark_folders_by_folder;
CREATE INDEX bookmark_folders_by_folder ON bookmark_folders (folder_id, bookmark_id);
DROP INDEX bookmark_tags_by_tag;
CREATE INDEX bookmark_tags_by_tag ON bookmark_tags (tag_id, bookmark_id);

-- A person's own bookmarks, most used first ("mine", most used: a member with a few hundred
-- bookmarks in an organization of 100,000 is not looked for along the organization's index).
CREATE INDEX bookmarks_most_used_by_owner ON bookmarks (org_id, user_id, access_count DESC, created_at DESC, id);
