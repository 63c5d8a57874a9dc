//! Deletes what nothing reads any more, on one instance at a time (see [`Lease`]):
//! - rate-limit windows older than the one before the current (the sliding estimate reads
//!   only those two);
//! - sessions that have expired (their refresh tokens go with them);
//! - email links a month after they expired: until then presenting one still says "used" or
//!   "expired", which is more helpful than "invalid";
//! - OpenID sign-ins never finished, past their expiry;
//! - visits per day older than the 90 days a bookmark shows;
//! - background imports a month after they ended (their reports have been read by then).
//!
//! Kept: invitations (listed with their status, reminded, accepted late as "expired"), the
//! audit log, API tokens (they do not expire), statistics.

use std::time::Duration;

use tokio::sync::watch;

use super::lease::Lease;
use crate::domain::visits;
use crate::domain::Timestamp;
use crate::error::Result;
use crate::security::rate_limit::WINDOW_MS;
use crate::store::{
    email_tokens, import_jobs, oidc, rate_limits, sessions, visits as visit_days, Store,
};

/// Often enough that the rate-limit table holds a few minutes of windows, rarely enough to cost
/// nothing.
pub const CLEANUP_EVERY: Duration = Duration::from_secs(60);

/// The lease the round runs under.
pub const LEASE_NAME: &str = "cleanup";

/// How long after it expired an email link is deleted.
const EMAIL_LINK_KEPT_MS: i64 = 30 * 24 * 3_600_000;

/// How long after it ended an import's report is kept.
const IMPORT_KEPT_MS: i64 = 30 * 24 * 3_600_000;

pub async fn run(store: Store, holder: String, stopped: watch::Receiver<bool>) {
    let lease = Lease {
        name: LEASE_NAME,
        holder,
        ttl: CLEANUP_EVERY * 3,
    };
    super::every(CLEANUP_EVERY, stopped, || async {
        match lease.take(&store).await {
            Ok(true) => {
                if let Err(e) = round(&store, Timestamp::now().millis()).await {
                    // Nothing is lost: the next round deletes what this one did not.
                    tracing::warn!(error = %e, "cleanup round failed; will retry");
                }
            }
            Ok(false) => tracing::trace!("another instance holds the cleanup lease"),
            Err(e) => tracing::warn!(error = %e, "could not take the cleanup lease; will retry"),
        }
    })
    .await;
    if let Err(e) = lease.release(&store).await {
        tracing::debug!(error = %e, "could not release the cleanup lease; it runs out by itself");
    }
}

/// One round of deletions, as of `now` (milliseconds since the epoch), in one transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn round(store: &Store, now: i64) -> Result<()> {
    let current = now - now.rem_euclid(WINDOW_MS);
    let mut tx = store.begin().await?;
    let windows = rate_limits::delete_windows_before(&mut tx.conn(), current - WINDOW_MS).await?;
    let sessions = sessions::delete_expired(&mut tx.conn(), now).await?;
    let links = email_tokens::delete_expired(&mut tx.conn(), now - EMAIL_LINK_KEPT_MS).await?;
    let logins = oidc::sweep_logins(&mut tx.conn(), now).await?;
    let first_day = visits::first_day(Timestamp(now).day());
    let days = visit_days::prune(&mut tx.conn(), first_day).await?;
    let imports = import_jobs::delete_ended_before(&mut tx.conn(), now - IMPORT_KEPT_MS).await?;
    // Only rows no cached answer can rest on (expired or old): the caches keep what they hold.
    tx.commit_quietly().await?;
    if windows + sessions + links + logins + days + imports > 0 {
        tracing::debug!(
            windows,
            sessions,
            links,
            logins,
            days,
            imports,
            "cleaned up"
        );
    }
    Ok(())
}
