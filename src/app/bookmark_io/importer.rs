//! The import itself: the caller's library as far as an import needs it (slugs, URLs, folder
//! tree, tags), held in memory, and the items of a file written against it batch by batch.
//!
//! A batch is written inside the caller's transaction: new folders and tags as they are first
//! needed, then the batch's bookmarks and their links in a few multi-row statements, so that a
//! file of tens of thousands costs hundreds of statements, not tens of thousands. The
//! synchronous import is one batch in one transaction; a background import is many, each in its
//! own (see `app::import_jobs`).

use std::collections::{HashMap, HashSet};

use crate::app::bookmarks::Quota;
use crate::domain::bookmark_file::{Entry, FolderPath, Unreadable, ValidEntry};
use crate::domain::{new_id, DomainError, Rules};
use crate::error::Result;
use crate::store::bookmarks::{self, Link, NewRow, Target};
use crate::store::{folders, tags, Conn};

use super::report::{FailedItem, ImportReport, Outcome};

/// Whose library an import writes to, and the rules of their organization's plan.
#[derive(Clone, Debug)]
pub struct Owner {
    pub org_id: String,
    pub user_id: String,
    pub rules: Rules,
}

/// A bookmark this import added, and what it is linked to.
#[derive(Debug)]
struct Added {
    id: String,
    folders: HashSet<String>,
    tags: HashSet<String>,
}

/// The caller's folders by place: (the folder they are in, their name in lower case) → id.
#[derive(Debug, Default)]
struct FolderIds {
    ids: HashMap<(Option<String>, String), String>,
}

/// An import under way.
#[derive(Debug)]
pub struct Importer {
    owner: Owner,
    now: i64,
    /// The caller's slugs, lower-cased.
    slugs: HashSet<String>,
    /// The caller's bookmarks by URL: `None` for those from before this import (or before the
    /// batch it was resumed at).
    urls: HashMap<String, Option<Added>>,
    folders: FolderIds,
    /// The caller's tags by lower-cased name.
    tags: HashMap<String, String>,
    /// Whether `errors` lists every failed item (the synchronous import, as it always has).
    all_errors: bool,
    pub report: ImportReport,
}

/// What a batch writes once its items have been looked at.
#[derive(Default)]
struct Pending {
    rows: Vec<NewRow>,
    folder_links: Vec<(String, String)>,
    tag_links: Vec<(String, String)>,
}

impl Importer {
    /// Reads what the import compares a file with. `report` is the report so far (empty, or
    /// that of the batches already written when a background import is taken up again).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load(
        c: &mut Conn<'_>,
        owner: Owner,
        now: i64,
        report: ImportReport,
        all_errors: bool,
    ) -> Result<Self> {
        let mut me = Self {
            owner,
            now,
            slugs: HashSet::new(),
            urls: HashMap::new(),
            folders: FolderIds::default(),
            tags: HashMap::new(),
            all_errors,
            report,
        };
        me.refresh(c).await?;
        Ok(me)
    }

    /// Reads the caller's library: their slugs, URLs, folders and tags as they are now.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn refresh(&mut self, c: &mut Conn<'_>) -> Result<()> {
        let (org_id, user_id) = (self.owner.org_id.as_str(), self.owner.user_id.as_str());
        self.slugs = bookmarks::own_slugs(c, org_id, user_id)
            .await?
            .into_iter()
            .map(|s| s.to_lowercase())
            .collect();
        for url in bookmarks::own_urls(c, org_id, user_id).await? {
            self.urls.entry(url).or_insert(None);
        }
        self.folders.ids.clear();
        for (id, name, parent) in folders::own_tree(c, org_id, user_id).await? {
            self.folders
                .ids
                .entry((parent, name.to_lowercase()))
                .or_insert(id);
        }
        self.tags = bookmarks::own_names(c, Target::OwnTags, org_id, user_id)
            .await?
            .into_iter()
            .map(|(id, name)| (name.to_lowercase(), id))
            .collect();
        Ok(())
    }

    /// Makes the folders of a file that the caller does not have yet (a browser's empty folders
    /// too), each in its place. Names that are not valid folder names are left to the bookmarks
    /// in them to report.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn make_folders(&mut self, c: &mut Conn<'_>, paths: &[FolderPath]) -> Result<()> {
        for path in paths {
            let checked: std::result::Result<Vec<String>, DomainError> = path
                .iter()
                .map(|n| crate::domain::library::folder_name(n))
                .collect();
            if let Ok(path) = checked {
                if !path.is_empty() {
                    self.folder(c, &path).await?;
                }
            }
        }
        Ok(())
    }

    /// Reads and writes `items` (each with its position in the file).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn batch(
        &mut self,
        c: &mut Conn<'_>,
        items: impl IntoIterator<Item = (usize, std::result::Result<Entry, Unreadable>)>,
    ) -> Result<()> {
        let quota = Quota::load_for(
            c,
            &self.owner.org_id,
            &self.owner.user_id,
            &self.owner.rules,
        )
        .await?;
        let mut added_here = 0i64;
        let mut pending = Pending::default();
        for (index, item) in items {
            let entry = match item {
                Ok(entry) => entry,
                Err(u) => {
                    self.fail(index, u.title, u.url, u.error, None);
                    continue;
                }
            };
            let (title, url) = (
                Some(entry.title.clone()).filter(|t| !t.is_empty()),
                Some(entry.url.clone()).filter(|u| !u.is_empty()),
            );
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
                            self.fail(index, title, url, e, None);
                            continue;
                        }
                    }
                }
                Err(e) => {
                    self.fail(index, title, url, e, None);
                    continue;
                }
            };
            match self.urls.get(valid.bookmark.url.as_str()) {
                Some(None) => {
                    self.report.already_there += 1;
                    continue;
                }
                Some(Some(_)) => {
                    // The same link again in this file: one bookmark, in the folders of both.
                    self.link_more(c, &valid, &mut pending).await?;
                    self.report.merged += 1;
                    continue;
                }
                None => {}
            }
            let slug_key = valid.bookmark.slug.as_ref().map(|s| s.lower());
            if slug_key.as_ref().is_some_and(|s| self.slugs.contains(s)) {
                valid.bookmark.slug = None;
                valid.bookmark.forwarding_enabled = false;
                slug_lost = Some(format!(
                    "The go-link {} is already taken",
                    entry.slug.as_deref().unwrap_or_default()
                ));
            }
            if let Some(quota) = &quota {
                if let Err(e) = quota.check_one_more(&self.owner.rules, added_here, self.now) {
                    let (error, code) = (e.message(), e.code().map(str::to_string));
                    self.fail(index, title, url, error, code);
                    continue;
                }
            }
            self.add(c, &valid, &mut pending).await?;
            added_here += 1;
            if valid.bookmark.slug.is_some() {
                self.slugs.extend(slug_key);
            }
            self.report.imported += 1;
            self.report.merged += entry.repeats;
            if let Some(why) = slug_lost {
                self.report.kept_without_slug += 1;
                self.report
                    .note(index, title, url, Outcome::KeptWithoutSlug, Some(why));
            }
        }
        let org_id = self.owner.org_id.as_str();
        bookmarks::insert_many(c, org_id, &self.owner.user_id, &pending.rows).await?;
        bookmarks::link_many(c, Link::BookmarkFolders, org_id, &pending.folder_links).await?;
        bookmarks::link_many(c, Link::BookmarkTags, org_id, &pending.tag_links).await?;
        Ok(())
    }

    pub fn org_id(&self) -> &str {
        &self.owner.org_id
    }

    pub fn user_id(&self) -> &str {
        &self.owner.user_id
    }

    /// The report, with its totals and sentence filled in.
    pub fn finish(&mut self) -> ImportReport {
        self.report.sum_up();
        self.report.clone()
    }

    /// The report so far as JSON (what a background import keeps with its progress).
    pub fn report_json(&mut self) -> Result<String> {
        self.report.sum_up();
        Ok(serde_json::to_string(&self.report).map_err(anyhow::Error::from)?)
    }

    /// The owner and time it was started with, for starting it over from a report.
    pub fn owner(&self) -> (Owner, i64) {
        (self.owner.clone(), self.now)
    }

    fn fail(
        &mut self,
        index: usize,
        title: Option<String>,
        url: Option<String>,
        error: String,
        code: Option<String>,
    ) {
        let item = FailedItem {
            title,
            url,
            error,
            code,
        };
        self.report.fail(index, item, self.all_errors);
    }

    /// Links a bookmark this import added to the folders and tags of a repeat of it that it is
    /// not linked to yet.
    async fn link_more(
        &mut self,
        c: &mut Conn<'_>,
        v: &ValidEntry,
        pending: &mut Pending,
    ) -> Result<()> {
        let mut folder_ids = Vec::with_capacity(v.folders.len());
        for path in &v.folders {
            folder_ids.push(self.folder(c, path).await?);
        }
        let mut tag_ids = Vec::with_capacity(v.tags.len());
        for name in &v.tags {
            tag_ids.push(self.tag(c, name).await?);
        }
        let Some(Some(added)) = self.urls.get_mut(v.bookmark.url.as_str()) else {
            return Ok(());
        };
        for id in folder_ids {
            if added.folders.insert(id.clone()) {
                pending.folder_links.push((added.id.clone(), id));
            }
        }
        for id in tag_ids {
            if added.tags.insert(id.clone()) {
                pending.tag_links.push((added.id.clone(), id));
            }
        }
        Ok(())
    }

    /// Adds one checked bookmark to the batch, making the folders and tags it names that do
    /// not exist yet.
    async fn add(&mut self, c: &mut Conn<'_>, v: &ValidEntry, pending: &mut Pending) -> Result<()> {
        let id = new_id();
        let mut added = Added {
            id: id.clone(),
            folders: HashSet::new(),
            tags: HashSet::new(),
        };
        for path in &v.folders {
            let folder = self.folder(c, path).await?;
            if added.folders.insert(folder.clone()) {
                pending.folder_links.push((id.clone(), folder));
            }
        }
        for name in &v.tags {
            let tag = self.tag(c, name).await?;
            if added.tags.insert(tag.clone()) {
                pending.tag_links.push((id.clone(), tag));
            }
        }
        let b = &v.bookmark;
        pending.rows.push(NewRow {
            id,
            fields: bookmarks::Fields {
                title: b.title.clone(),
                url: b.url.clone(),
                slug: b.slug.clone(),
                forwarding_enabled: b.forwarding_enabled,
                pinned: b.pinned,
                share_all_teams: false,
            },
            created_at: v.created_at.unwrap_or(self.now),
        });
        self.urls.insert(b.url.as_str().to_string(), Some(added));
        Ok(())
    }

    /// The id of the caller's folder at `path` (a checked, non-empty path), matching each name
    /// among the folders in the same place ignoring case, and making the missing ones.
    async fn folder(&mut self, c: &mut Conn<'_>, path: &[String]) -> Result<String> {
        let mut parent: Option<String> = None;
        for name in path {
            let key = (parent.clone(), name.to_lowercase());
            let id = match self.folders.ids.get(&key) {
                Some(id) => id.clone(),
                None => {
                    let id = new_id();
                    let fields = folders::Fields {
                        name: name.clone(),
                        icon: None,
                        parent_id: parent.clone(),
                        share_all_teams: false,
                    };
                    let (org_id, user_id) = (&self.owner.org_id, &self.owner.user_id);
                    folders::insert(c, org_id, user_id, &id, &fields, self.now).await?;
                    self.folders.ids.insert(key, id.clone());
                    self.report.folders_created += 1;
                    id
                }
            };
            parent = Some(id);
        }
        Ok(parent.unwrap_or_default())
    }

    /// The id of the caller's tag called `name` (in any case), made when there is none.
    async fn tag(&mut self, c: &mut Conn<'_>, name: &str) -> Result<String> {
        let key = name.to_lowercase();
        if let Some(id) = self.tags.get(&key) {
            return Ok(id.clone());
        }
        let id = new_id();
        let (org_id, user_id) = (&self.owner.org_id, &self.owner.user_id);
        tags::insert(c, org_id, user_id, &id, name, self.now).await?;
        self.tags.insert(key, id.clone());
        self.report.tags_created += 1;
        Ok(id)
    }
}
