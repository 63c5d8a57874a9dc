//! A person's saved choice of bookmark for a slug that several bookmarks share.

use serde::Serialize;

use super::{args, Conn};
use crate::domain::time;
use crate::error::Result;

#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    slug_lower: &str,
) -> Result<Option<String>> {
    c.scalar_optional(
        "SELECT bookmark_id FROM go_preferences WHERE org_id = $1 AND user_id = $2 AND slug_lower \
         = $3",
        args![org_id, user_id, slug_lower],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn upsert(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    slug_lower: &str,
    bookmark_id: &str,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO go_preferences (org_id, user_id, slug_lower, bookmark_id, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (org_id, user_id, slug_lower) \
         DO UPDATE SET bookmark_id = excluded.bookmark_id, updated_at = excluded.updated_at",
        args![org_id, user_id, slug_lower, bookmark_id, now],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    slug_lower: &str,
) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM go_preferences WHERE org_id = $1 AND user_id = $2 AND slug_lower = $3",
            args![org_id, user_id, slug_lower],
        )
        .await?;
    Ok(n == 1)
}

#[derive(Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Preference {
    pub slug: String,
    pub bookmark_id: String,
    pub title: String,
    pub url: String,
    /// The organization's name.
    pub workspace: String,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: i64,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Vec<Preference>> {
    c.fetch_all(
        "SELECT p.slug_lower AS slug, p.bookmark_id, b.title, b.url, o.name AS workspace, \
         p.created_at, p.updated_at FROM go_preferences p JOIN bookmarks b ON b.id = \
         p.bookmark_id AND b.org_id = p.org_id JOIN organizations o ON o.id = p.org_id WHERE \
         p.org_id = $1 AND p.user_id = $2 ORDER BY p.slug_lower",
        args![org_id, user_id],
    )
    .await
}
