//! The commits of this instance waiting for their write to be confirmed: come back through the
//! database, and acknowledged by the other instances.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use tokio::sync::Notify;

#[derive(Default)]
pub struct Waits {
    open: Mutex<HashMap<u64, Wait>>,
    /// Woken on every change; each waiting commit looks again at its own.
    changed: Notify,
}

#[derive(Default)]
struct Wait {
    /// When the write came back through this instance's own listener.
    echoed_at: Option<Instant>,
    /// The instances that applied it.
    confirmed_by: HashSet<String>,
}

impl Waits {
    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Wait>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn open(&self, seq: u64) {
        self.lock().insert(seq, Wait::default());
    }

    pub fn close(&self, seq: u64) {
        self.lock().remove(&seq);
    }

    pub fn echoed(&self, seq: u64, at: Instant) {
        if let Some(w) = self.lock().get_mut(&seq) {
            w.echoed_at.get_or_insert(at);
            self.changed.notify_waiters();
        }
    }

    pub fn confirm(&self, seq: u64, instance: &str) {
        if let Some(w) = self.lock().get_mut(&seq) {
            w.confirmed_by.insert(instance.to_string());
            self.changed.notify_waiters();
        }
    }

    pub fn confirmed_by(&self, seq: u64, instance: &str) -> bool {
        self.lock()
            .get(&seq)
            .is_some_and(|w| w.confirmed_by.contains(instance))
    }

    pub fn echoed_at(&self, seq: u64) -> Option<Instant> {
        self.lock().get(&seq).and_then(|w| w.echoed_at)
    }

    /// Waits until `seq` came back and `unconfirmed(when it came back)` is 0, or `deadline`.
    pub async fn settle(
        &self,
        seq: u64,
        deadline: Instant,
        unconfirmed: impl Fn(Instant) -> usize,
    ) -> bool {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if self.echoed_at(seq).is_some_and(|at| unconfirmed(at) == 0) {
                return true;
            }
            let until = tokio::time::Instant::from_std(deadline);
            if tokio::time::timeout_at(until, changed).await.is_err() {
                return self.echoed_at(seq).is_some_and(|at| unconfirmed(at) == 0);
            }
        }
    }
}
