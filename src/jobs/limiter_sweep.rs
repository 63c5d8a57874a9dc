//! Forgets rate-limit keys (client addresses, users) whose bucket has filled up again, so the
//! limiters hold the recently active keys rather than every key ever seen. Only in-memory
//! limiters (SQLite) hold keys; on PostgreSQL the counts are rows, deleted by `jobs::cleanup`.

use std::time::Duration;

use tokio::sync::watch;

use crate::security::rate_limit::Limits;

/// Long enough to cost nothing, short enough that a burst of new addresses is gone within minutes.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

pub async fn run(limits: Limits, stopped: watch::Receiver<bool>) {
    super::every(SWEEP_EVERY, stopped, || async { limits.sweep() }).await;
}
