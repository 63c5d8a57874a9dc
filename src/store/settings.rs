//! `org_settings`: an organization's named values.

use super::{q, Conn};
use crate::error::Result;

/// `(key, value)` of an organization, by key.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(c: &mut Conn<'_>, org_id: &str) -> Result<Vec<(String, String)>> {
    Ok(q!(c, |e| sqlx::query_as(
        "SELECT key, value FROM org_settings WHERE org_id = $1 ORDER BY key"
    )
    .bind(org_id)
    .fetch_all(e)
    .await?))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(c: &mut Conn<'_>, org_id: &str, key: &str) -> Result<Option<String>> {
    Ok(q!(c, |e| sqlx::query_scalar(
        "SELECT value FROM org_settings WHERE org_id = $1 AND key = $2"
    )
    .bind(org_id)
    .bind(key)
    .fetch_optional(e)
    .await?))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(c: &mut Conn<'_>, org_id: &str) -> Result<i64> {
    Ok(q!(c, |e| sqlx::query_scalar(
        "SELECT COUNT(*) FROM org_settings WHERE org_id = $1"
    )
    .bind(org_id)
    .fetch_one(e)
    .await?))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn put(c: &mut Conn<'_>, org_id: &str, key: &str, value: &str, now: i64) -> Result<()> {
    q!(c, |e| {
        sqlx::query(
            "INSERT INTO org_settings (org_id, key, value, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(org_id)
        .bind(key)
        .bind(value)
        .bind(now)
        .execute(e)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// Whether there was such a setting.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, org_id: &str, key: &str) -> Result<bool> {
    let n = q!(c, |e| sqlx::query(
        "DELETE FROM org_settings WHERE org_id = $1 AND key = $2"
    )
    .bind(org_id)
    .bind(key)
    .execute(e)
    .await?
    .rows_affected());
    Ok(n > 0)
}
