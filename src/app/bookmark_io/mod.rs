//! Importing and exporting a person's bookmarks in one organization. The files themselves are
//! read and written by [`crate::domain::bookmark_file`]; this module connects them to the store.
//!
//! Folders keep their tree both ways: an import puts each folder of a file inside its parent,
//! matching the caller's folders by place and name (ignoring case), and an export writes every
//! folder inside its parent. A large file is imported in the background instead (see
//! [`crate::app::import_jobs`]), by the same [`Importer`].

mod importer;
mod report;

use std::collections::HashMap;

pub use importer::{Importer, Owner};
pub use report::{ImportError, ImportItem, ImportReport, Outcome, LISTED_ITEMS};

use crate::app::link_checks::LinkChecker;
use crate::app::tenancy::CurrentOrg;
use crate::domain::bookmark_file::{BookmarkFile, Entry, FolderPath};
use crate::domain::Timestamp;
use crate::error::Result;
use crate::store::bookmark_list::{links, Detail, Links};
use crate::store::bookmarks;
use crate::store::{folders, Conn, Store};

/// How many bookmarks' tags or folders to load per query (bound parameters are limited).
const LINK_CHUNK: usize = 500;

/// What an export holds: the bookmarks, and every folder (empty ones too), each as its path.
#[derive(Clone, Debug, Default)]
pub struct Export {
    pub entries: Vec<Entry>,
    pub folders: Vec<FolderPath>,
}

/// Every bookmark `user_id` owns in the organization, with its tag names and folder paths,
/// oldest first, and every folder of theirs.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn export(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Export> {
    let tree = folders::own_tree(c, org_id, user_id).await?;
    let paths = folder_paths(&tree);
    let rows = bookmarks::owned(c, org_id, user_id).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let (mut tag_links, mut folder_links) = (Links::new(), Links::new());
    for chunk in ids.chunks(LINK_CHUNK) {
        tag_links.extend(links(c, Detail::BookmarkTags, org_id, user_id, chunk).await?);
        folder_links.extend(links(c, Detail::BookmarkFolders, org_id, user_id, chunk).await?);
    }
    let entries = rows
        .into_iter()
        .map(|r| Entry {
            tags: take(&mut tag_links, &r.id)
                .into_iter()
                .map(|l| l.name)
                .collect(),
            folders: take(&mut folder_links, &r.id)
                .into_iter()
                .map(|l| paths.get(&l.id).cloned().unwrap_or_else(|| vec![l.name]))
                .collect(),
            title: r.title,
            url: r.url,
            slug: r.slug,
            forwarding_enabled: Some(r.forwarding_enabled),
            pinned: r.pinned,
            created_at: Some(r.created_at),
            repeats: 0,
        })
        .collect();
    let mut folders: Vec<FolderPath> = paths.into_values().collect();
    folders.sort();
    Ok(Export { entries, folders })
}

/// Each folder's path, from `(id, name, parent_id)` rows. A parent that is missing (or a chain
/// that loops, which the use cases never make) ends the path there.
fn folder_paths(tree: &[(String, String, Option<String>)]) -> HashMap<String, FolderPath> {
    let by_id: HashMap<&str, (&str, Option<&str>)> = tree
        .iter()
        .map(|(id, name, parent)| (id.as_str(), (name.as_str(), parent.as_deref())))
        .collect();
    tree.iter()
        .map(|(id, name, parent)| {
            let mut path = vec![name.clone()];
            let mut seen = vec![id.as_str()];
            let mut up = parent.as_deref();
            while let Some(p) = up.filter(|p| !seen.contains(p)) {
                let Some((name, next)) = by_id.get(p) else {
                    break;
                };
                path.push(name.to_string());
                seen.push(p);
                up = *next;
            }
            path.reverse();
            (id.clone(), path)
        })
        .collect()
}

/// An export as a file: its text, media type and extension (a Netscape bookmark file that
/// browsers import, or SlugBase's JSON array, where folders without bookmarks have no place).
pub fn export_file(export: Export, html: bool) -> Result<(String, &'static str, &'static str)> {
    if html {
        return Ok((
            crate::domain::bookmark_file::netscape::render(&export.entries, &export.folders),
            "text/html; charset=utf-8",
            "html",
        ));
    }
    let list: Vec<crate::domain::bookmark_file::json::JsonBookmark> =
        export.entries.into_iter().map(Into::into).collect();
    let text = serde_json::to_string(&list).map_err(anyhow::Error::from)?;
    Ok((text, "application/json", "json"))
}

/// The links `map` holds for bookmark `id`, taken out of it.
fn take(map: &mut Links, id: &str) -> Vec<crate::store::bookmark_list::LinkRow> {
    map.remove(id).unwrap_or_default()
}

/// Adds the good items of a file as bookmarks of the caller and reports the rest, in one
/// transaction: nothing is written unless the whole import succeeds.
///
/// Each item goes through the rules of creating a bookmark by hand (`NewBookmark`, the Free
/// plan's `Quota`); it is refused when it cannot be read, a field fails those checks, or the
/// caller's bookmarks would pass the plan's limit. A keyword that is invalid or already one of
/// the caller's (or an earlier item's) costs only the slug. Slugs are checked before writing
/// because a refused insert would abort the whole transaction on PostgreSQL.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn import(
    store: &Store,
    checker: &LinkChecker,
    org: &CurrentOrg,
    file: BookmarkFile,
) -> Result<ImportReport> {
    let owner = Owner {
        org_id: org.id().to_string(),
        user_id: org.user_id().to_string(),
        rules: org.rules,
    };
    let now = Timestamp::now().millis();
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    let mut importer = Importer::load(&mut c, owner, now, ImportReport::default(), true).await?;
    importer.make_folders(&mut c, &file.folders).await?;
    importer
        .batch(&mut c, file.items.into_iter().enumerate())
        .await?;
    let report = importer.finish();
    tx.invalidates_org(org.id());
    tx.commit().await?;
    // The imported URLs are checked soon, not at the next round.
    checker.wake();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, parent: Option<&str>) -> (String, String, Option<String>) {
        (id.into(), name.into(), parent.map(str::to_string))
    }

    #[test]
    fn folder_paths_follow_parents_and_stop_at_missing_ones_or_loops() {
        let tree = vec![
            row("w", "Work", None),
            row("d", "Docs", Some("w")),
            row("r", "Rust", Some("d")),
            row("o", "Orphan", Some("gone")),
            row("a", "A", Some("b")),
            row("b", "B", Some("a")),
        ];
        let paths = folder_paths(&tree);
        assert_eq!(paths["r"], ["Work", "Docs", "Rust"]);
        assert_eq!(paths["w"], ["Work"]);
        assert_eq!(paths["o"], ["Orphan"]);
        assert_eq!(paths["a"], ["B", "A"]);
    }
}
