//! Runs background imports (see [`crate::app::import_jobs`]): one job at a time per instance,
//! woken at once by an upload here and looking every few seconds for jobs uploaded to another
//! instance or cut off by a stop. Told to stop, it finishes the batch under way and puts the
//! job back in the queue, so the next start takes it up where it got to.

use std::sync::Arc;

use tokio::sync::watch;

use crate::app::import_jobs::{self, ImportQueue, Runner, POLL};
use crate::app::link_checks::LinkChecker;
use crate::domain::plan::PlanPolicy;
use crate::store::Store;

/// What the job needs besides the store.
#[derive(Clone, Debug)]
pub struct Imports {
    pub queue: Arc<ImportQueue>,
    pub checker: Arc<LinkChecker>,
    pub policy: PlanPolicy,
    pub holder: String,
}

pub async fn run(store: Store, job: Imports, mut stopped: watch::Receiver<bool>) {
    loop {
        if *stopped.borrow_and_update() {
            return;
        }
        let runner = Runner {
            store: &store,
            queue: &job.queue,
            checker: &job.checker,
            policy: job.policy,
            holder: &job.holder,
            stopped: &stopped,
        };
        match import_jobs::run_next(&runner).await {
            // Another may be waiting.
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "import job round failed; will retry"),
        }
        tokio::select! {
            _ = tokio::time::sleep(POLL) => {}
            _ = job.queue.woken() => {}
            changed = stopped.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}
