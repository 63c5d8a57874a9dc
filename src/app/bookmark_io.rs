//! Importing and exporting a person's bookmarks in one organization. The files themselves are
//! read and written by [`crate::domain::bookmark_file`]; this module connects them to the store.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use crate::app::bookmarks::{insert_new, Quota};
use crate::app::link_checks::LinkChecker;
use crate::app::tenancy::CurrentOrg;
use crate::domain::bookmark_file::{Entry, Items, ValidEntry};
use crate::domain::{new_id, DomainError, Timestamp};
use crate::error::Result;
use crate::store::bookmark_list::{links, Detail, Links};
use crate::store::bookmarks::{self, Link, Target};
use crate::store::{folders, tags, Conn, Store};

/// How many bookmarks' tags or folders to load per query (bound parameters are limited).
const LINK_CHUNK: usize = 500;

/// Every bookmark `user_id` owns in the organization, with its tag and folder names, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn export(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Vec<Entry>> {
    let rows = bookmarks::owned(c, org_id, user_id).await?;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let (mut tag_links, mut folder_links) = (Links::new(), Links::new());
    for chunk in ids.chunks(LINK_CHUNK) {
        tag_links.extend(links(c, Detail::BookmarkTags, org_id, user_id, chunk).await?);
        folder_links.extend(links(c, Detail::BookmarkFolders, org_id, user_id, chunk).await?);
    }
    Ok(rows
        .into_iter()
        .map(|r| Entry {
            tags: names(&mut tag_links, &r.id),
            folders: names(&mut folder_links, &r.id),
            title: r.title,
            url: r.url,
            slug: r.slug,
            forwarding_enabled: Some(r.forwarding_enabled),
            pinned: r.pinned,
            created_at: Some(r.created_at),
            repeats: 0,
        })
        .collect())
}

/// An export as a file: its text, media type and extension (a Netscape bookmark file that
/// browsers import, or SlugBase's JSON array).
pub fn export_file(
    entries: Vec<Entry>,
    html: bool,
) -> Result<(String, &'static str, &'static str)> {
    if html {
        return Ok((
            crate::domain::bookmark_file::netscape::render(&entries),
            "text/html; charset=utf-8",
            "html",
        ));
    }
    let list: Vec<crate::domain::bookmark_file::json::JsonBookmark> =
        entries.into_iter().map(Into::into).collect();
    let text = serde_json::to_string(&list).map_err(anyhow::Error::from)?;
    Ok((text, "application/json", "json"))
}

/// The names `map` holds for bookmark `id`, taken out of it.
fn names(map: &mut Links, id: &str) -> Vec<String> {
    map.remove(id)
        .unwrap_or_default()
        .into_iter()
        .map(|l| l.name)
        .collect()
}

/// What an import did.
#[derive(Serialize, ToSchema, Debug, Default)]
pub struct ImportReport {
    /// A sentence for people, e.g. "Imported 3 bookmark(s), 2 failed".
    pub message: String,
    /// Bookmarks added.
    pub imported: usize,
    /// Items not added, each explained in `errors`.
    pub skipped: usize,
    /// The published SlugBase API's name for `imported`.
    pub success: usize,
    /// The published SlugBase API's name for `skipped`.
    pub failed: usize,
    pub errors: Vec<ImportError>,
    /// Folders and tags made because no folder or tag of the caller had the name (any case).
    pub folders_created: usize,
    pub tags_created: usize,
    /// Links the file held more than once (in several folders, say): each became one bookmark,
    /// in all of its folders.
    pub merged: usize,
    /// Links the caller already had a bookmark for (same URL): not added again.
    pub already_there: usize,
    /// Bookmarks added without their keyword, because it was not a valid slug or was taken.
    pub kept_without_slug: usize,
    /// Every item that was not simply added, with what happened to it; at most
    /// [`LISTED_ITEMS`] of them (`items_truncated` says when there were more).
    pub items: Vec<ImportItem>,
    pub items_truncated: bool,
}

/// How many items a report lists one by one.
pub const LISTED_ITEMS: usize = 1_000;

/// An item of the file that was not simply added.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq, Eq)]
pub struct ImportItem {
    /// Its position in the file, from 0.
    pub index: usize,
    pub title: Option<String>,
    pub url: Option<String>,
    pub outcome: Outcome,
    /// Why, in words (for `kept_without_slug` and `failed`).
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Merged,
    AlreadyThere,
    KeptWithoutSlug,
    Failed,
}

/// An item that was not imported.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// Its position in the file, from 0.
    pub index: usize,
    pub title: Option<String>,
    pub url: Option<String>,
    pub error: String,
    /// A machine-readable reason where there is one (`PLAN_LIMIT_BOOKMARKS`).
    pub code: Option<String>,
}

/// Adds the good items of a file as bookmarks of the caller and reports the rest, in one
/// transaction: nothing is written unless the whole import succeeds.
///
/// Each item goes through the rules of creating a bookmark by hand ([`NewBookmark`], the Free
/// plan's [`Quota`], [`insert_new`]); it is refused when it cannot be read, a field fails those
/// checks, its slug is already one of the caller's (or an earlier item's), or the caller's
/// bookmarks would pass the plan's limit. Slugs are checked before writing because a refused
/// insert would abort the whole transaction on PostgreSQL.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn import(
    store: &Store,
    checker: &LinkChecker,
    org: &CurrentOrg,
    items: Items,
) -> Result<ImportReport> {
    let importer = Importer {
        org,
        now: Timestamp::now().millis(),
    };
    let mut tx = store.begin().await?;
    let report = importer.run(&mut tx.conn(), items).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    // The imported URLs are checked soon, not at the next round.
    checker.wake();
    Ok(report)
}

/// A bookmark this import added, and what it is linked to.
struct Added {
    id: String,
    folders: HashSet<String>,
    tags: HashSet<String>,
}

impl ImportReport {
    fn note(
        &mut self,
        index: usize,
        title: Option<String>,
        url: Option<String>,
        outcome: Outcome,
        reason: Option<String>,
    ) {
        if self.items.len() >= LISTED_ITEMS {
            self.items_truncated = true;
            return;
        }
        self.items.push(ImportItem {
            index,
            title,
            url,
            outcome,
            reason,
        });
    }

    fn fail(
        &mut self,
        index: usize,
        title: Option<String>,
        url: Option<String>,
        error: String,
        code: Option<String>,
    ) {
        self.note(
            index,
            title.clone(),
            url.clone(),
            Outcome::Failed,
            Some(error.clone()),
        );
        self.errors.push(ImportError {
            index,
            title,
            url,
            error,
            code,
        });
    }
}

/// Who is importing, and when.
struct Importer<'a> {
    org: &'a CurrentOrg,
    now: i64,
}

/// The caller's folders (`OwnFolders`) or tags (`OwnTags`) by lower-cased name, and how many
/// the import made.
struct NameIds {
    target: Target,
    ids: HashMap<String, String>,
    created: usize,
}

impl NameIds {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn load(c: &mut Conn<'_>, target: Target, org_id: &str, user_id: &str) -> Result<Self> {
        let ids = bookmarks::own_names(c, target, org_id, user_id)
            .await?
            .into_iter()
            .map(|(id, name)| (name.to_lowercase(), id))
            .collect();
        Ok(Self {
            target,
            ids,
            created: 0,
        })
    }
}

impl Importer<'_> {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn run(&self, c: &mut Conn<'_>, items: Items) -> Result<ImportReport> {
        let (org_id, user_id) = (self.org.id(), self.org.user_id());
        let quota = Quota::load(c, self.org).await?;
        let mut slugs: HashSet<String> = bookmarks::own_slugs(c, org_id, user_id)
            .await?
            .into_iter()
            .map(|s| s.to_lowercase())
            .collect();
        // The caller's bookmarks by URL: `None` for those from before this import.
        let mut urls: HashMap<String, Option<Added>> = bookmarks::own_urls(c, org_id, user_id)
            .await?
            .into_iter()
            .map(|u| (u, None))
            .collect();
        let mut folder_ids = NameIds::load(c, Target::OwnFolders, org_id, user_id).await?;
        let mut tag_ids = NameIds::load(c, Target::OwnTags, org_id, user_id).await?;
        let mut report = ImportReport::default();

        for (index, item) in items.into_iter().enumerate() {
            let entry = match item {
                Ok(entry) => entry,
                Err(u) => {
                    report.fail(index, u.title, u.url, u.error, None);
                    continue;
                }
            };
            let (title, url) = (
                Some(entry.title.clone()).filter(|t| !t.is_empty()),
                Some(entry.url.clone()).filter(|u| !u.is_empty()),
            );
            let note = |report: &mut ImportReport, outcome, reason: Option<String>| {
                report.note(index, title.clone(), url.clone(), outcome, reason)
            };
            // A keyword that is not a valid slug costs the slug, not the bookmark.
            let (mut valid, mut slug_lost) = match entry.validate() {
                Ok(v) => (v, None),
                Err(e) if entry.slug.is_some() => {
                    let without = Entry {
                        slug: None,
                        forwarding_enabled: None,
                        ..entry.clone()
                    };
                    match without.validate() {
                        Ok(v) => (v, Some(e)),
                        Err(e) => {
                            report.fail(index, title.clone(), url.clone(), e, None);
                            continue;
                        }
                    }
                }
                Err(e) => {
                    report.fail(index, title.clone(), url.clone(), e, None);
                    continue;
                }
            };
            match urls.get_mut(valid.bookmark.url.as_str()) {
                Some(None) => {
                    report.already_there += 1;
                    note(&mut report, Outcome::AlreadyThere, None);
                    continue;
                }
                Some(Some(added)) => {
                    // The same link again in this file: one bookmark, in the folders of both.
                    self.link_more(c, added, &valid, &mut folder_ids, &mut tag_ids)
                        .await?;
                    report.merged += 1;
                    note(&mut report, Outcome::Merged, None);
                    continue;
                }
                None => {}
            }
            let slug_key = valid.bookmark.slug.as_ref().map(|s| s.lower());
            if slug_key.as_ref().is_some_and(|s| slugs.contains(s)) {
                valid.bookmark.slug = None;
                valid.bookmark.forwarding_enabled = false;
                slug_lost = Some(format!(
                    "The go-link {} is already taken",
                    entry.slug.as_deref().unwrap_or_default()
                ));
            }
            if let Some(quota) = quota {
                let added = report.imported as i64;
                if let Err(e) = quota.check_one_more(&self.org.rules, added, self.now) {
                    let (error, code) = refusal(e);
                    report.fail(index, title.clone(), url.clone(), error, code);
                    continue;
                }
            }
            let added = self.add(c, &valid, &mut folder_ids, &mut tag_ids).await?;
            if valid.bookmark.slug.is_some() {
                slugs.extend(slug_key);
            }
            urls.insert(valid.bookmark.url.as_str().to_string(), Some(added));
            report.imported += 1;
            if entry.repeats > 0 {
                report.merged += entry.repeats;
                note(
                    &mut report,
                    Outcome::Merged,
                    Some(format!("In the file {} times", entry.repeats + 1)),
                );
            }
            if let Some(why) = slug_lost {
                report.kept_without_slug += 1;
                note(&mut report, Outcome::KeptWithoutSlug, Some(why));
            }
        }

        report.skipped = report.errors.len();
        report.success = report.imported;
        report.failed = report.skipped;
        report.folders_created = folder_ids.created;
        report.tags_created = tag_ids.created;
        report.message = format!(
            "Imported {} bookmark(s), {} failed",
            report.imported, report.skipped
        );
        Ok(report)
    }

    /// Links an added bookmark to the folders and tags of a repeat of it not linked yet.
    async fn link_more(
        &self,
        c: &mut Conn<'_>,
        added: &mut Added,
        v: &ValidEntry,
        folder_ids: &mut NameIds,
        tag_ids: &mut NameIds,
    ) -> Result<()> {
        let mut folders = Vec::new();
        for name in &v.folders {
            let id = self.named(c, folder_ids, name).await?;
            if added.folders.insert(id.clone()) {
                folders.push(id);
            }
        }
        let mut tags = Vec::new();
        for name in &v.tags {
            let id = self.named(c, tag_ids, name).await?;
            if added.tags.insert(id.clone()) {
                tags.push(id);
            }
        }
        let org_id = self.org.id();
        bookmarks::add_links(c, Link::BookmarkFolders, org_id, &added.id, &folders).await?;
        bookmarks::add_links(c, Link::BookmarkTags, org_id, &added.id, &tags).await?;
        Ok(())
    }

    /// Writes one checked bookmark, making the folders and tags it names that do not exist yet.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn add(
        &self,
        c: &mut Conn<'_>,
        v: &ValidEntry,
        folder_ids: &mut NameIds,
        tag_ids: &mut NameIds,
    ) -> Result<Added> {
        let mut folder_links = Vec::with_capacity(v.folders.len());
        for name in &v.folders {
            folder_links.push(self.named(c, folder_ids, name).await?);
        }
        let mut tag_links = Vec::with_capacity(v.tags.len());
        for name in &v.tags {
            tag_links.push(self.named(c, tag_ids, name).await?);
        }
        let created_at = v.created_at.unwrap_or(self.now);
        let id = insert_new(c, self.org, &v.bookmark, false, created_at).await?;
        let org_id = self.org.id();
        bookmarks::add_links(c, Link::BookmarkFolders, org_id, &id, &folder_links).await?;
        bookmarks::add_links(c, Link::BookmarkTags, org_id, &id, &tag_links).await?;
        Ok(Added {
            id,
            folders: folder_links.into_iter().collect(),
            tags: tag_links.into_iter().collect(),
        })
    }

    /// The id of the caller's folder or tag named `name` (in any case), made when there is none.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn named(&self, c: &mut Conn<'_>, known: &mut NameIds, name: &str) -> Result<String> {
        let key = name.to_lowercase();
        if let Some(id) = known.ids.get(&key) {
            return Ok(id.clone());
        }
        let id = new_id();
        if let Target::OwnFolders = known.target {
            let fields = folders::Fields {
                name: name.to_string(),
                icon: None,
                parent_id: None,
                share_all_teams: false,
            };
            folders::insert(c, self.org.id(), self.org.user_id(), &id, &fields, self.now).await?;
        } else {
            tags::insert(c, self.org.id(), self.org.user_id(), &id, name, self.now).await?;
        }
        known.ids.insert(key, id.clone());
        known.created += 1;
        Ok(id)
    }
}

/// The message and code of a refusal such as `PLAN_LIMIT_BOOKMARKS`.
fn refusal(e: DomainError) -> (String, Option<String>) {
    (e.message(), e.code().map(str::to_string))
}
