//! Counts go-link visits in memory and writes them in batches, so the redirect never waits for a
//! database write.
//!
//! The counter stays here, beside the other use cases, because recording a visit is what the
//! go-link handler asks of the application (`hit`), and writing the batch is a use case of its
//! own (`flush`); *when* to flush is not. That belongs to the Application: `jobs::visits` flushes
//! every [`FLUSH_EVERY`] and once more after the server has stopped taking requests.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::domain::Timestamp;
use crate::error::Result;
use crate::store::{bookmarks, stats, visits, Store};

/// How often the visits counted in memory are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

const HOUR_MS: i64 = 3_600_000;

/// Visits not written yet, by bookmark id.
#[derive(Default)]
pub struct AccessCounter {
    pending: Mutex<HashMap<String, Visits>>,
}

#[derive(Copy, Clone, Debug)]
struct Visits {
    count: i64,
    /// Milliseconds since the epoch of the latest.
    last_at: i64,
}

impl Visits {
    fn add(&mut self, other: Visits) {
        self.count += other.count;
        self.last_at = self.last_at.max(other.last_at);
    }
}

impl std::fmt::Debug for AccessCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // try_lock: printing must never wait for (or deadlock with) a flush.
        match self.pending.try_lock() {
            Ok(pending) => write!(f, "AccessCounter({} pending)", pending.len()),
            Err(_) => f.write_str("AccessCounter(busy)"),
        }
    }
}

impl AccessCounter {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Visits>> {
        // A panic elsewhere while holding the lock leaves counts, never a broken invariant.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How many bookmarks have visits counted and not yet written (for `/metrics`).
    pub fn pending_len(&self) -> usize {
        self.lock().len()
    }

    /// Records one visit of a bookmark now.
    pub fn hit(&self, bookmark_id: &str) {
        let now = Visits {
            count: 1,
            last_at: Timestamp::now().millis(),
        };
        // The common case, a link already counted since the last flush, copies no string.
        let mut pending = self.lock();
        match pending.get_mut(bookmark_id) {
            Some(v) => v.add(now),
            None => {
                pending.insert(bookmark_id.to_string(), now);
            }
        }
    }

    fn merge(&self, bookmark_id: String, visits: Visits) {
        self.lock()
            .entry(bookmark_id)
            .and_modify(|v| v.add(visits))
            .or_insert(visits);
    }

    /// Writes the counted visits in one transaction; returns how many bookmarks it touched.
    /// When the write fails the visits are kept for the next flush.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn flush(&self, store: &Store) -> Result<usize> {
        let batch: Vec<(String, Visits)> = self.lock().drain().collect();
        if batch.is_empty() {
            return Ok(0);
        }
        match write(store, &batch).await {
            Ok(()) => Ok(batch.len()),
            Err(e) => {
                for (id, visits) in batch {
                    self.merge(id, visits);
                }
                Err(e)
            }
        }
    }
}

#[tracing::instrument(level = "debug", skip_all)]
async fn write(store: &Store, batch: &[(String, Visits)]) -> Result<()> {
    let mut tx = store.begin().await?;
    let mut hours: HashMap<i64, i64> = HashMap::new();
    for (id, v) in batch {
        bookmarks::add_visits(&mut tx.conn(), id, v.count, v.last_at).await?;
        // A batch spans one flush interval: its visits count on the day of the latest.
        visits::add(&mut tx.conn(), id, Timestamp(v.last_at).day(), v.count).await?;
        *hours
            .entry(v.last_at - v.last_at.rem_euclid(HOUR_MS))
            .or_default() += v.count;
    }
    // For the instance statistics, in the same transaction: the totals and the counts agree.
    for (hour, n) in hours {
        stats::add_redirects(&mut tx.conn(), hour, n).await?;
    }
    // Counters are part of no cached answer, so the caches keep what they hold.
    tx.commit_quietly().await
}
