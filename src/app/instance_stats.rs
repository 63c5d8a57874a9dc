//! `GET /api/admin/stats`: what a monitoring system reads about the whole instance, behind a
//! shared secret rather than an account.

use crate::domain::Timestamp;
use crate::error::{AppError, Result};
use crate::security::constant_time_eq;
use crate::store::{stats, Store};

#[derive(Clone, Copy, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct InstanceStats {
    pub users: i64,
    pub organizations: i64,
    pub bookmarks: i64,
    /// Go-link redirects in the last 24 hours (counted by the hour, written with the visits).
    pub go_redirects_last_24h: i64,
}

/// The statistics for whoever presents `given`. Without a configured secret the endpoint does
/// not exist (404); a missing or wrong secret is 401.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn read(
    store: &Store,
    secret: Option<&str>,
    given: Option<&str>,
) -> Result<InstanceStats> {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else {
        return Err(AppError::not_found("Not found"));
    };
    let given = given.unwrap_or("");
    if !constant_time_eq(given.as_bytes(), secret.as_bytes()) {
        return Err(AppError::Unauthorized);
    }
    let since = Timestamp::now().millis() - 24 * 3_600_000;
    // The hour a window starts in counts whole: 24 hours and at most one more.
    let since = since - since.rem_euclid(3_600_000);
    let mut db = store.read().await?;
    let (users, organizations, bookmarks) = stats::totals(&mut db.conn()).await?;
    let go_redirects_last_24h = stats::redirects_since(&mut db.conn(), since).await?;
    Ok(InstanceStats {
        users,
        organizations,
        bookmarks,
        go_redirects_last_24h,
    })
}
