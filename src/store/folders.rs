//! Folders: a person's own, optionally shared with people, teams or all teams.

use super::access::{folder_shared_with, folder_visible};
use super::{q, Conn};
use crate::error::{AppError, Result};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FolderRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub icon: Option<String>,
    pub share_all_teams: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub owner_name: String,
    pub owner_email: String,
    /// Bookmarks in the folder that the viewer can see.
    pub bookmark_count: i64,
}

/// Columns of [`FolderRow`] over `folders f JOIN users u`; `$1` = organization, `$2` = viewer.
fn select() -> String {
    format!(
        "SELECT f.id, f.user_id, f.name, f.icon, f.share_all_teams, f.created_at, f.updated_at, \
         u.name AS owner_name, u.email AS owner_email, \
         (SELECT COUNT(*) FROM bookmark_folders bf JOIN bookmarks b ON b.id = bf.bookmark_id \
          WHERE bf.folder_id = f.id AND {}) AS bookmark_count \
         FROM folders f JOIN users u ON u.id = f.user_id",
        super::access::bookmark_visible("b", "$1", "$2")
    )
}

#[derive(Clone, Debug)]
pub struct Fields {
    pub name: String,
    pub icon: Option<String>,
    pub share_all_teams: bool,
}

fn name_taken(e: sqlx::Error) -> AppError {
    AppError::from(e).on_unique("Folder already exists")
}

/// The folders the user can see: their own and those shared with them, by name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Vec<FolderRow>> {
    let sql = format!(
        "{} WHERE {} ORDER BY lower(f.name), f.created_at, f.id",
        select(),
        folder_visible("f", "$1", "$2")
    );
    Ok(q!(c, |e| sqlx::query_as(&sql)
        .bind(org_id)
        .bind(user_id)
        .fetch_all(e)
        .await?))
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
    Ok(q!(c, |e| sqlx::query_as(&sql)
        .bind(org_id)
        .bind(user_id)
        .bind(id)
        .fetch_optional(e)
        .await?))
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
    q!(c, |e| {
        sqlx::query(
        "INSERT INTO folders (id, org_id, user_id, name, icon, share_all_teams, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
    )
    .bind(id)
    .bind(org_id)
    .bind(user_id)
    .bind(&f.name)
    .bind(&f.icon)
    .bind(f.share_all_teams)
    .bind(now)
    .execute(e)
    .await
    .map_err(name_taken)?
    .rows_affected()
    });
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(c: &mut Conn<'_>, org_id: &str, id: &str, f: &Fields, now: i64) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE folders SET name = $3, icon = $4, share_all_teams = $5, updated_at = $6 \
         WHERE org_id = $1 AND id = $2"
    )
    .bind(org_id)
    .bind(id)
    .bind(&f.name)
    .bind(&f.icon)
    .bind(f.share_all_teams)
    .bind(now)
    .execute(e)
    .await
    .map_err(name_taken)?
    .rows_affected());
    Ok(())
}

/// Deletes the folder; its bookmarks stay (only the links go, by cascade).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<bool> {
    let n = q!(c, |e| sqlx::query(
        "DELETE FROM folders WHERE org_id = $1 AND id = $2"
    )
    .bind(org_id)
    .bind(id)
    .execute(e)
    .await?
    .rows_affected());
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
    Ok(q!(c, |e| sqlx::query_as(&sql)
        .bind(org_id)
        .bind(user_id)
        .bind(pattern)
        .bind(limit)
        .fetch_all(e)
        .await?))
}

/// How many folders the user owns, and how many others' folders are shared with them.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn counts(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<(i64, i64)> {
    let sql = format!(
        "SELECT \
         (SELECT COUNT(*) FROM folders f WHERE f.org_id = $1 AND f.user_id = $2), \
         (SELECT COUNT(*) FROM folders f WHERE f.org_id = $1 AND f.user_id <> $2 AND {})",
        folder_shared_with("f", "$1", "$2")
    );
    Ok(q!(c, |e| sqlx::query_as(&sql)
        .bind(org_id)
        .bind(user_id)
        .fetch_one(e)
        .await?))
}
