//! Tags: each person's own labels for their bookmarks.

use super::sql::Args;
use super::{args, Conn};
use crate::error::{AppError, Result};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TagRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    /// The bookmarks carrying it, a kept total (migration 0014). Only a tag's owner puts it on
    /// bookmarks, and only on their own, so these are all bookmarks the owner sees.
    pub bookmark_count: i64,
}

const SELECT: &str = "SELECT t.id, t.name, t.created_at, t.bookmark_count FROM tags t";

fn name_taken(e: AppError) -> AppError {
    e.on_unique("Tag already exists")
}

/// The orders of a tag list.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// By name, whatever its letter case (the default).
    #[default]
    Alphabetical,
    /// Newest first.
    RecentlyAdded,
    /// The tags on the most bookmarks first, then by name.
    MostUsed,
}

impl Sort {
    /// The values of `sort_by`, as [`Sort::parse`] reads them.
    pub const NAMES: &'static [&'static str] = &["alphabetical", "recently_added", "most_used"];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "alphabetical" => Sort::Alphabetical,
            "recently_added" => Sort::RecentlyAdded,
            "most_used" => Sort::MostUsed,
            _ => return None,
        })
    }

    /// A total order, so that pages join up without repeats or gaps.
    fn order_by(self) -> &'static str {
        match self {
            Sort::Alphabetical => "lower(t.name), t.id",
            Sort::RecentlyAdded => "t.created_at DESC, t.id",
            Sort::MostUsed => "t.bookmark_count DESC, lower(t.name), t.id",
        }
    }
}

/// The user's tags, by name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Vec<TagRow>> {
    page(c, org_id, user_id, Sort::Alphabetical, i64::MAX, 0).await
}

/// The user's tags with the most bookmarks first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn top(c: &mut Conn<'_>, org_id: &str, user_id: &str, limit: i64) -> Result<Vec<TagRow>> {
    page(c, org_id, user_id, Sort::MostUsed, limit, 0).await
}

/// Up to `limit` of the user's tags in `sort` order, after the first `offset` ([`count`] says
/// how many there are).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<TagRow>> {
    let sql = format!(
        "{SELECT} WHERE t.org_id = $1 AND t.user_id = $2 ORDER BY {} LIMIT $3 OFFSET $4",
        sort.order_by()
    );
    c.fetch_all(&sql, args![org_id, user_id, limit, offset])
        .await
}

/// One of the user's tags; others' tags read as missing.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn own(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    id: &str,
) -> Result<Option<TagRow>> {
    let sql = format!("{SELECT} WHERE t.org_id = $1 AND t.user_id = $2 AND t.id = $3");
    c.fetch_optional(&sql, args![org_id, user_id, id]).await
}

/// The name of tag `id` of the organization (whoever's it is: a list filtered by a tag on a
/// bookmark shared with the viewer names it), if there is one.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn name_of(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<Option<String>> {
    c.scalar_optional(
        "SELECT name FROM tags WHERE org_id = $1 AND id = $2",
        args![org_id, id],
    )
    .await
}

/// The user's tags whose lower-cased name matches a `LIKE` pattern.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn search(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    pattern: &str,
    limit: i64,
) -> Result<Vec<TagRow>> {
    let sql = format!(
        "{SELECT} WHERE t.org_id = $1 AND t.user_id = $2 AND lower(t.name) LIKE $3 ORDER BY lower(t.name) LIMIT $4"
    );
    c.fetch_all(&sql, args![org_id, user_id, pattern, limit])
        .await
}

/// The user's tags named as in `names` (compared through the database's `lower`, as the
/// unique index on names is, so a name found here is exactly one an insert would collide with).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn named(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    names: &[String],
) -> Result<Vec<(String, String)>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = Args::org_user(org_id, user_id);
    let list = names
        .iter()
        .map(|n| format!("lower({})", args.text(n)))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT id, name FROM tags WHERE org_id = $1 AND user_id = $2 AND lower(name) IN ({list})"
    );
    c.fetch_all(&sql, args).await
}

/// Up to `limit` names of the user's tags that contain `needle` (lower case, taken literally),
/// those that start with it first, then by name. The person's own rows are found through the
/// name index; only their names are read.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn suggest(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    needle: &str,
    limit: i64,
) -> Result<Vec<String>> {
    let escaped = like_escape(needle);
    let sql = "SELECT name FROM tags WHERE org_id = $1 AND user_id = $2 \
        AND lower(name) LIKE $3 ESCAPE '\\' \
        ORDER BY CASE WHEN lower(name) LIKE $4 ESCAPE '\\' THEN 0 ELSE 1 END, lower(name), id LIMIT $5";
    let (inside, start) = (format!("%{escaped}%"), format!("{escaped}%"));
    c.scalars(sql, args![org_id, user_id, inside, start, limit])
        .await
}

/// `text` for a `LIKE … ESCAPE '\'` pattern that matches it literally.
pub fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// How many tags the user has.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM tags WHERE org_id = $1 AND user_id = $2",
        args![org_id, user_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    id: &str,
    name: &str,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO tags (id, org_id, user_id, name, created_at) VALUES ($1, $2, $3, $4, $5)",
        args![id, org_id, user_id, name, now],
    )
    .await
    .map_err(name_taken)?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn rename(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    id: &str,
    name: &str,
) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE tags SET name = $4 WHERE org_id = $1 AND user_id = $2 AND id = $3",
            args![org_id, user_id, id, name],
        )
        .await
        .map_err(name_taken)?;
    Ok(n == 1)
}

/// Deletes the tag; its bookmarks stay.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, org_id: &str, user_id: &str, id: &str) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM tags WHERE org_id = $1 AND user_id = $2 AND id = $3",
            args![org_id, user_id, id],
        )
        .await?;
    Ok(n == 1)
}
