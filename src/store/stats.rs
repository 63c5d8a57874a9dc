//! Instance statistics: how many of each thing there are, and go-link redirects per hour.

use super::{args, Conn};
use crate::error::Result;

/// Adds `n` redirects to the hour that starts at `hour` (milliseconds since the epoch).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_redirects(c: &mut Conn<'_>, hour: i64, n: i64) -> Result<()> {
    c.execute(
        "INSERT INTO go_redirect_hours (hour, redirects) VALUES ($1, $2) ON CONFLICT (hour) DO \
         UPDATE SET redirects = go_redirect_hours.redirects + excluded.redirects",
        args![hour, n],
    )
    .await?;
    Ok(())
}

/// Redirects in the hours that start at or after `since`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn redirects_since(c: &mut Conn<'_>, since: i64) -> Result<i64> {
    c.scalar(
        "SELECT CAST(COALESCE(SUM(redirects), 0) AS BIGINT) FROM go_redirect_hours WHERE hour >= \
         $1",
        args![since],
    )
    .await
}

/// `(users, organizations, bookmarks)` on the whole instance.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn totals(c: &mut Conn<'_>) -> Result<(i64, i64, i64)> {
    c.fetch_one(
        "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM organizations), \
         (SELECT COUNT(*) FROM bookmarks)",
        args![],
    )
    .await
}
