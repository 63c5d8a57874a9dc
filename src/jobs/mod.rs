//! Background work the Application owns: started by `Application::build`, stopped by
//! `Application::run_until` once the server has stopped taking requests, and never by anyone else.
//!
//! Every job is a loop over [`every`]; each takes exactly what it works on (the store, the visit
//! counter, the limiters), never the request state. A job that must not run on two instances of
//! one database at once holds a [`lease::Lease`] while it works.

pub mod cleanup;
pub mod db_probe;
pub mod imports;
pub mod invitation_reminders;
pub mod lease;
pub mod limiter_sweep;
pub mod link_check;
pub mod visits;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::access_counter::AccessCounter;
use crate::app::link_checks::LinkChecker;
use crate::security::rate_limit::Limits;
use crate::store::Store;

/// The running jobs, and the means to stop them.
#[derive(Debug)]
pub struct Jobs {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Jobs {
    /// Starts every job on the current runtime.
    pub fn start(
        store: &Store,
        visits: &Arc<AccessCounter>,
        limits: &Limits,
        reminders: invitation_reminders::Reminders,
        links: &Arc<LinkChecker>,
        imports: imports::Imports,
    ) -> Self {
        let (stop, stopped) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(visits::run(
                Arc::clone(visits),
                store.clone(),
                stopped.clone(),
            )),
            tokio::spawn(db_probe::run(store.clone(), stopped.clone())),
            tokio::spawn(limiter_sweep::run(limits.clone(), stopped.clone())),
            tokio::spawn(cleanup::run(
                store.clone(),
                lease::holder_id(),
                stopped.clone(),
            )),
            tokio::spawn(link_check::run(
                Arc::clone(links),
                store.clone(),
                lease::holder_id(),
                stopped.clone(),
            )),
            tokio::spawn(invitation_reminders::run(
                store.clone(),
                reminders,
                stopped.clone(),
            )),
            tokio::spawn(imports::run(store.clone(), imports, stopped.clone())),
            tokio::spawn({
                let store = store.clone();
                async move { store.follow_invalidations(stopped).await }
            }),
        ];
        Self { stop, tasks }
    }

    /// Tells every job to stop and waits until each has finished what it was doing (and its
    /// last word: the visit counter writes what is still pending).
    pub async fn stop(self) {
        // Nobody may be listening any more (a job that panicked): there is nothing to tell then.
        let _ = self.stop.send(true);
        for task in self.tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "a background job ended abnormally");
            }
        }
    }
}

/// Runs `work` every `period` (the first time one period from now) until `stopped` says so or
/// its sender is gone. Work under way when the word comes is finished first.
async fn every<F, Fut>(period: Duration, mut stopped: watch::Receiver<bool>, mut work: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    // After a slow round, wait a whole period again rather than catching up in a burst.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        if *stopped.borrow_and_update() {
            return;
        }
        tokio::select! {
            _ = tick.tick() => work().await,
            changed = stopped.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use super::*;

    #[tokio::test]
    async fn a_job_runs_every_period_until_told_to_stop() {
        let runs = Arc::new(AtomicUsize::new(0));
        let (stop, stopped) = watch::channel(false);
        let counted = Arc::clone(&runs);
        let job = tokio::spawn(every(Duration::from_millis(5), stopped, move || {
            let counted = Arc::clone(&counted);
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        }));
        let deadline = Instant::now() + Duration::from_secs(5);
        while runs.load(Ordering::SeqCst) < 3 {
            assert!(Instant::now() < deadline, "the job did not run three times");
            tokio::task::yield_now().await;
        }
        stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), job)
            .await
            .expect("the job ends when told")
            .unwrap();
    }

    #[tokio::test]
    async fn a_job_is_not_run_at_start_and_ends_when_its_owner_is_gone() {
        let (stop, stopped) = watch::channel(false);
        let job = tokio::spawn(every(Duration::from_secs(3600), stopped, || async {
            panic!("ran before its first period")
        }));
        drop(stop);
        job.await.unwrap();
    }
}
