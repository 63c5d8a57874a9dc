//! Writes the go-link visits counted in memory every [`FLUSH_EVERY`], and once more when stopped,
//! so a visit made before the server stopped taking requests is never lost.

use std::sync::Arc;

use tokio::sync::watch;

use crate::app::access_counter::{AccessCounter, FLUSH_EVERY};
use crate::store::Store;

pub async fn run(counter: Arc<AccessCounter>, store: Store, stopped: watch::Receiver<bool>) {
    super::every(FLUSH_EVERY, stopped, || flush(&counter, &store)).await;
    flush(&counter, &store).await;
}

async fn flush(counter: &AccessCounter, store: &Store) {
    match counter.flush(store).await {
        Ok(0) => {}
        Ok(n) => tracing::debug!(bookmarks = n, "go-link visits written"),
        // The counter keeps the visits; the next round tries again.
        Err(e) => tracing::warn!(error = %e, "could not write go-link visit counts; will retry"),
    }
}
