//! Asks the database `SELECT 1` every [`PROBE_EVERY`] and records whether it answered within
//! [`PROBE_TIMEOUT`], so `GET /api/health` can tell a load balancer without a query per request.

use std::time::Duration;

use tokio::sync::watch;

use crate::store::health::Probe;
use crate::store::Store;

pub const PROBE_EVERY: Duration = Duration::from_millis(500);
/// Short: a database that takes longer than this to answer `SELECT 1` cannot serve requests.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(1);

pub async fn run(store: Store, stopped: watch::Receiver<bool>) {
    let probe = tokio::sync::Mutex::new(Probe::default());
    super::every(PROBE_EVERY, stopped, || async {
        store.probe(&mut *probe.lock().await, PROBE_TIMEOUT).await;
    })
    .await;
}
