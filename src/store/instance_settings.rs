//! `instance_settings`: named values of the whole instance (SMTP, AI), set by an instance admin.

use super::{args, Conn};
use crate::error::Result;

/// `(key, value)` of every setting (a handful), by key.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(c: &mut Conn<'_>) -> Result<Vec<(String, String)>> {
    c.fetch_all(
        "SELECT key, value FROM instance_settings ORDER BY key",
        args![],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn put(c: &mut Conn<'_>, key: &str, value: &str, now: i64) -> Result<()> {
    c.execute(
        "INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        args![key, value, now],
    )
    .await?;
    Ok(())
}
