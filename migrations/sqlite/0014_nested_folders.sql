-- Nested folders, and the folder and tag totals kept with them.
--
-- `parent_id` names another folder of the same owner and organization (the use cases check
-- both, and that no folder ends up inside itself); NULL is the top level. Deleting a folder
-- moves its children up first, so no foreign-key action is needed. Names are unique among
-- siblings, as in a browser's bookmark tree, instead of across all of a person's folders.
--
-- `bookmark_count` is how many bookmarks the folder (or tag) holds, kept by the triggers below
-- (which also fire for cascaded deletes), so lists never count bookmarks per folder or tag per
-- request. A bookmark can only be put in its owner's folders and tags, so whoever may see a
-- folder sees all of its bookmarks.
ALTER TABLE folders ADD COLUMN parent_id TEXT;
ALTER TABLE folders ADD COLUMN bookmark_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tags ADD COLUMN bookmark_count BIGINT NOT NULL DEFAULT 0;
DROP INDEX folders_name_per_owner;
CREATE UNIQUE INDEX folders_name_per_parent ON folders (org_id, user_id, COALESCE(parent_id, ''), lower(name));
CREATE INDEX folders_by_parent ON folders (parent_id) WHERE parent_id IS NOT NULL;

UPDATE folders SET bookmark_count = (SELECT COUNT(*) FROM bookmark_folders bf WHERE bf.folder_id = folders.id);
UPDATE tags SET bookmark_count = (SELECT COUNT(*) FROM bookmark_tags bt WHERE bt.tag_id = tags.id);
CREATE INDEX tags_by_use ON tags (org_id, user_id, bookmark_count DESC);
-- Lists read the bookmarks shared with someone as a set of ids (see store::access).
CREATE INDEX bookmarks_shared_with_all_teams ON bookmarks (org_id) WHERE share_all_teams;

CREATE TRIGGER bookmark_folders_counted_in AFTER INSERT ON bookmark_folders BEGIN
    UPDATE folders SET bookmark_count = bookmark_count + 1 WHERE id = NEW.folder_id;
END;
CREATE TRIGGER bookmark_folders_counted_out AFTER DELETE ON bookmark_folders BEGIN
    UPDATE folders SET bookmark_count = bookmark_count - 1 WHERE id = OLD.folder_id;
END;
CREATE TRIGGER bookmark_tags_counted_in AFTER INSERT ON bookmark_tags BEGIN
    UPDATE tags SET bookmark_count = bookmark_count + 1 WHERE id = NEW.tag_id;
END;
CREATE TRIGGER bookmark_tags_counted_out AFTER DELETE ON bookmark_tags BEGIN
    UPDATE tags SET bookmark_count = bookmark_count - 1 WHERE id = OLD.tag_id;
END;
