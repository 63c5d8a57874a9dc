//! `org_settings`: an organization's named values.

use super::{args, Conn};
use crate::error::Result;

/// `(key, value)` of an organization, by key.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(c: &mut Conn<'_>, org_id: &str) -> Result<Vec<(String, String)>> {
    c.fetch_all(
        "SELECT key, value FROM org_settings WHERE org_id = $1 ORDER BY key",
        args![org_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(c: &mut Conn<'_>, org_id: &str, key: &str) -> Result<Option<String>> {
    c.scalar_optional(
        "SELECT value FROM org_settings WHERE org_id = $1 AND key = $2",
        args![org_id, key],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(c: &mut Conn<'_>, org_id: &str) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM org_settings WHERE org_id = $1",
        args![org_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn put(c: &mut Conn<'_>, org_id: &str, key: &str, value: &str, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO org_settings (org_id, key, value, updated_at) VALUES ($1, $2, $3, $4) ON \
         CONFLICT (org_id, key) DO UPDATE SET value = excluded.value, updated_at = \
         excluded.updated_at",
        args![org_id, key, value, now],
    )
    .await?;
    Ok(())
}

/// Whether there was such a setting.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, org_id: &str, key: &str) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM org_settings WHERE org_id = $1 AND key = $2",
            args![org_id, key],
        )
        .await?;
    Ok(n > 0)
}
