//! What an import did: counts for everything, and one line per item that needs a look.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an import did.
#[derive(Serialize, Deserialize, ToSchema, Clone, Debug, Default, PartialEq, Eq)]
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
    /// The items not added, with why. A background import lists at most [`LISTED_ITEMS`]
    /// (`items_truncated` says when there were more); `POST /api/bookmarks/import` lists all.
    pub errors: Vec<ImportError>,
    /// Folders and tags made because the caller had none of that name (any case) in that place.
    pub folders_created: usize,
    pub tags_created: usize,
    /// Links the file held more than once (in several folders, say): each became one bookmark,
    /// in all of its folders.
    pub merged: usize,
    /// Links the caller already had a bookmark for (same URL): not added again.
    pub already_there: usize,
    /// Bookmarks added without their keyword, because it was not a valid slug or was taken.
    pub kept_without_slug: usize,
    /// The items that need a look (added without their keyword, or not added), at most
    /// [`LISTED_ITEMS`] of them (`items_truncated` says when there were more). Harmless
    /// outcomes (`merged`, `already_there`) are only counted.
    pub items: Vec<ImportItem>,
    pub items_truncated: bool,
}

/// How many items a report lists one by one.
pub const LISTED_ITEMS: usize = 1_000;

/// An item of the file that needs a look.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone, PartialEq, Eq)]
pub struct ImportItem {
    /// Its position in the file, from 0.
    pub index: usize,
    pub title: Option<String>,
    pub url: Option<String>,
    pub outcome: Outcome,
    /// Why, in words.
    pub reason: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Added, without the keyword the file gave it.
    KeptWithoutSlug,
    /// Not added.
    Failed,
}

/// An item that was not imported.
#[derive(Serialize, Deserialize, ToSchema, Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// Its position in the file, from 0.
    pub index: usize,
    pub title: Option<String>,
    pub url: Option<String>,
    pub error: String,
    /// A machine-readable reason where there is one (`PLAN_LIMIT_BOOKMARKS`).
    pub code: Option<String>,
}

impl ImportReport {
    /// Lists an item that needs a look, while there is room.
    pub(super) fn note(
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

    /// Counts an item that was not added and says why; `all_errors` lists it in `errors` even
    /// past [`LISTED_ITEMS`] (as the synchronous import always has).
    pub(super) fn fail(&mut self, index: usize, item: FailedItem, all_errors: bool) {
        self.note(
            index,
            item.title.clone(),
            item.url.clone(),
            Outcome::Failed,
            Some(item.error.clone()),
        );
        self.skipped += 1;
        if all_errors || self.errors.len() < LISTED_ITEMS {
            self.errors.push(ImportError {
                index,
                title: item.title,
                url: item.url,
                error: item.error,
                code: item.code,
            });
        } else {
            self.items_truncated = true;
        }
    }

    /// Fills in the totals that repeat others, and the sentence.
    pub fn sum_up(&mut self) {
        self.success = self.imported;
        self.failed = self.skipped;
        self.message = format!(
            "Imported {} bookmark(s), {} failed",
            self.imported, self.skipped
        );
    }
}

/// An item that could not be added: what is known of it, and why.
pub(super) struct FailedItem {
    pub title: Option<String>,
    pub url: Option<String>,
    pub error: String,
    pub code: Option<String>,
}
