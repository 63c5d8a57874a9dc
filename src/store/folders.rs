//! Folders: a person's own, optionally shared with people, teams or all teams.

use super::access::{folder_is_shared, folder_shared_with, folder_visible};
use super::bookmark_list::Scope;
use super::{args, Conn};
use crate::error::{AppError, Result};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FolderRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub icon: Option<String>,
    /// The folder it sits in (the same owner's), or `None` at the top level.
    pub parent_id: Option<String>,
    pub share_all_teams: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub owner_name: String,
    pub owner_email: String,
    /// Bookmarks in the folder: a kept total (see migration 0014). They are all its owner's, so
    /// whoever may see the folder sees every one of them.
    pub bookmark_count: i64,
}

/// Columns of [`FolderRow`] over `folders f JOIN users u`.
fn select() -> &'static str {
    "SELECT f.id, f.user_id, f.name, f.icon, f.parent_id, f.share_all_teams, f.created_at, \
     f.updated_at, u.name AS owner_name, u.email AS owner_email, f.bookmark_count \
     FROM folders f JOIN users u ON u.id = f.user_id"
}

#[derive(Clone, Debug)]
pub struct Fields {
    pub name: String,
    pub icon: Option<String>,
    pub parent_id: Option<String>,
    pub share_all_teams: bool,
}

fn name_taken(e: AppError) -> AppError {
    e.on_unique("Folder already exists")
}

/// The orders of a folder list.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    /// By name, whatever its letter case (the default).
    #[default]
    Alphabetical,
    /// Newest first.
    RecentlyAdded,
}

impl Sort {
    /// The values of `sort_by`, as [`Sort::parse`] reads them.
    pub const NAMES: &'static [&'static str] = &["alphabetical", "recently_added"];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "alphabetical" => Sort::Alphabetical,
            "recently_added" => Sort::RecentlyAdded,
            _ => return None,
        })
    }

    /// A total order, so that pages join up without repeats or gaps.
    fn order_by(self) -> &'static str {
        match self {
            Sort::Alphabetical => "lower(f.name), f.created_at, f.id",
            Sort::RecentlyAdded => "f.created_at DESC, f.id",
        }
    }
}

/// Which folders `scope` means over `folders f`, with `$1` = organization and `$2` = the user;
/// every one of them stays inside the organization.
fn in_scope(scope: Scope) -> String {
    match scope {
        Scope::All => folder_visible("f", "$1", "$2"),
        Scope::Mine => "(f.org_id = $1 AND f.user_id = $2)".into(),
        Scope::SharedWithMe => format!(
            "(f.org_id = $1 AND f.user_id <> $2 AND {})",
            folder_shared_with("f", "$1", "$2")
        ),
        Scope::SharedByMe => format!(
            "(f.org_id = $1 AND f.user_id = $2 AND {})",
            folder_is_shared("f")
        ),
    }
}

/// The folders the user can see (their own and those shared with them), by name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Vec<FolderRow>> {
    page(
        c,
        org_id,
        user_id,
        Scope::All,
        Sort::Alphabetical,
        i64::MAX,
        0,
    )
    .await
}

/// Up to `limit` of the folders in `scope`, in `sort` order, after the first `offset`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    scope: Scope,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<Vec<FolderRow>> {
    let sql = format!(
        "{} WHERE {} ORDER BY {} LIMIT $3 OFFSET $4",
        select(),
        in_scope(scope),
        sort.order_by()
    );
    c.fetch_all(&sql, args![org_id, user_id, limit, offset])
        .await
}

/// How many folders are in `scope`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(c: &mut Conn<'_>, org_id: &str, user_id: &str, scope: Scope) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM folders f WHERE {}", in_scope(scope));
    c.scalar(&sql, args![org_id, user_id]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn visible(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    id: &str,
) -> Result<Option<FolderRow>> {
    let sql = format!(
        "{} WHERE f.id = $3 AND {}",
        select(),
        folder_visible("f", "$1", "$2")
    );
    c.fetch_optional(&sql, args![org_id, user_id, id]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    id: &str,
    f: &Fields,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO folders (id, org_id, user_id, name, icon, parent_id, share_all_teams, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        args![
            id,
            org_id,
            user_id,
            &f.name,
            &f.icon,
            &f.parent_id,
            f.share_all_teams,
            now
        ],
    )
    .await
    .map_err(name_taken)?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(c: &mut Conn<'_>, org_id: &str, id: &str, f: &Fields, now: i64) -> Result<()> {
    c.execute(
        "UPDATE folders SET name = $3, icon = $4, parent_id = $5, share_all_teams = $6, \
         updated_at = $7 WHERE org_id = $1 AND id = $2",
        args![
            org_id,
            id,
            &f.name,
            &f.icon,
            &f.parent_id,
            f.share_all_teams,
            now
        ],
    )
    .await
    .map_err(name_taken)?;
    Ok(())
}

/// The ids of the folders above `id`, nearest first (the folder itself not included); stops at
/// a folder that is missing, so a broken chain cannot loop.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ancestors(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<Vec<String>> {
    c.scalars(
        "WITH RECURSIVE up(id, parent_id, depth) AS ( \
           SELECT id, parent_id, 0 FROM folders WHERE org_id = $1 AND id = $2 \
           UNION ALL SELECT f.id, f.parent_id, up.depth + 1 FROM folders f \
             JOIN up ON f.id = up.parent_id WHERE f.org_id = $1 AND up.depth < 1000) \
         SELECT id FROM up WHERE depth > 0 ORDER BY depth",
        args![org_id, id],
    )
    .await
}

/// `(id, name)` of those of `ids` that are `user_id`'s folders.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn own_names(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    ids: &[String],
) -> Result<Vec<(String, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = super::sql::Args::org_user(org_id, user_id);
    let list = args.list(ids);
    let sql = format!(
        "SELECT id, name FROM folders WHERE org_id = $1 AND user_id = $2 AND id IN ({list})"
    );
    c.fetch_all(&sql, args).await
}

/// The folders directly inside `id`, with their names.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn children(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<Vec<(String, String)>> {
    c.fetch_all(
        "SELECT id, name FROM folders WHERE org_id = $1 AND parent_id = $2 ORDER BY lower(name), id",
        args![org_id, id],
    )
    .await
}

/// Whether `user_id` has a folder called `name` (any letter case) directly in `parent_id`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sibling_named(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    parent_id: Option<&str>,
    name: &str,
) -> Result<bool> {
    let n: i64 = c
        .scalar(
            "SELECT COUNT(*) FROM folders WHERE org_id = $1 AND user_id = $2 \
             AND COALESCE(parent_id, '') = COALESCE($3, '') AND lower(name) = lower($4)",
            args![org_id, user_id, parent_id, name],
        )
        .await?;
    Ok(n > 0)
}

/// Every folder `user_id` owns in the organization as `(id, name, parent_id)`: what an import
/// matches a file's folders against and an export writes the tree from.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn own_tree(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
) -> Result<Vec<(String, String, Option<String>)>> {
    c.fetch_all(
        "SELECT id, name, parent_id FROM folders WHERE org_id = $1 AND user_id = $2 \
         ORDER BY created_at, id",
        args![org_id, user_id],
    )
    .await
}

/// Moves folder `id` into `parent_id` under `name` (the folder-delete step that lifts children).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reparent(
    c: &mut Conn<'_>,
    org_id: &str,
    id: &str,
    parent_id: Option<&str>,
    name: &str,
    now: i64,
) -> Result<()> {
    c.execute(
        "UPDATE folders SET parent_id = $3, name = $4, updated_at = $5 WHERE org_id = $1 AND id = $2",
        args![org_id, id, parent_id, name, now],
    )
    .await
    .map_err(name_taken)?;
    Ok(())
}

/// Deletes the folder; its bookmarks stay (only the links go, by cascade).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM folders WHERE org_id = $1 AND id = $2",
            args![org_id, id],
        )
        .await?;
    Ok(n == 1)
}

/// Folders matching a `LIKE` pattern (lower-case) among those the user can see.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn search(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    pattern: &str,
    limit: i64,
) -> Result<Vec<FolderRow>> {
    let sql = format!(
        "{} WHERE {} AND lower(f.name) LIKE $3 ORDER BY lower(f.name) LIMIT $4",
        select(),
        folder_visible("f", "$1", "$2")
    );
    c.fetch_all(&sql, args![org_id, user_id, pattern, limit])
        .await
}

/// How many folders the user owns, and how many others' folders are shared with them.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn counts(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<(i64, i64)> {
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM folders f WHERE {}), (SELECT COUNT(*) FROM folders f WHERE {})",
        in_scope(Scope::Mine),
        in_scope(Scope::SharedWithMe)
    );
    c.fetch_one(&sql, args![org_id, user_id]).await
}

/// A folder as the folder browser lists it: the folder and how many folders it holds.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LevelRow {
    #[sqlx(flatten)]
    pub folder: FolderRow,
    pub children: i64,
}

/// One level of the folder tree the user sees, by name: the folders directly in `parent_id`
/// (visible to the user), or at the top (`None`) their own top folders and the others' folders
/// shared with them. Up to `limit` after `offset`, and how many there are in all.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn level(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    parent_id: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<LevelRow>, i64)> {
    let cond = match parent_id {
        None => format!(
            "((f.org_id = $1 AND f.user_id = $2 AND f.parent_id IS NULL) \
             OR (f.org_id = $1 AND f.user_id <> $2 AND {}))",
            folder_shared_with("f", "$1", "$2")
        ),
        Some(_) => format!("(f.parent_id = $3 AND {})", folder_visible("f", "$1", "$2")),
    };
    let parent = parent_id.unwrap_or("");
    let total: i64 = c
        .scalar(
            &format!("SELECT COUNT(*) FROM folders f WHERE {cond} AND $3 = $3"),
            args![org_id, user_id, parent],
        )
        .await?;
    let sql = format!(
        "SELECT f.id, f.user_id, f.name, f.icon, f.parent_id, f.share_all_teams, f.created_at, \
         f.updated_at, u.name AS owner_name, u.email AS owner_email, f.bookmark_count, \
         (SELECT COUNT(*) FROM folders k WHERE k.parent_id = f.id) AS children \
         FROM folders f JOIN users u ON u.id = f.user_id WHERE {cond} AND $3 = $3 \
         ORDER BY {} LIMIT $4 OFFSET $5",
        Sort::Alphabetical.order_by()
    );
    let rows = c
        .fetch_all(&sql, args![org_id, user_id, parent, limit, offset])
        .await?;
    Ok((rows, total))
}
