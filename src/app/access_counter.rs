//! Counts go-link hits in memory and writes them in batches, so the redirect path never waits
//! for a database write. A background task flushes every second (and once more at shutdown).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::domain::Timestamp;
use crate::error::Result;
use crate::q;
use crate::store::Store;

#[derive(Default)]
pub struct AccessCounter {
    pending: Mutex<HashMap<String, (i64, i64)>>,
}

impl std::fmt::Debug for AccessCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessCounter")
    }
}

pub const FLUSH_EVERY: Duration = Duration::from_secs(1);

impl AccessCounter {
    /// Records one visit of a bookmark now.
    pub fn hit(&self, bookmark_id: &str) {
        let now = Timestamp::now().millis();
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        let e = pending.entry(bookmark_id.to_string()).or_insert((0, now));
        e.0 += 1;
        e.1 = now;
    }

    /// Writes the counted visits in one transaction; returns how many bookmarks it touched.
    /// Bookmarks deleted meanwhile are simply not found.
    pub async fn flush(&self, store: &Store) -> Result<usize> {
        let batch: Vec<(String, (i64, i64))> = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.drain().collect()
        };
        if batch.is_empty() {
            return Ok(0);
        }
        if let Err(e) = write(store, &batch).await {
            // Put the visits back so the next flush counts them.
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            for (id, (count, at)) in batch {
                let e = pending.entry(id).or_insert((0, at));
                e.0 += count;
                e.1 = e.1.max(at);
            }
            return Err(e);
        }
        Ok(batch.len())
    }
}

async fn write(store: &Store, batch: &[(String, (i64, i64))]) -> Result<()> {
    let mut tx = store.begin().await?;
    for (id, (count, at)) in batch {
        let mut c = tx.conn();
        q!(&mut c, |e| {
            sqlx::query(
                "UPDATE bookmarks SET access_count = access_count + $2, \
                 last_accessed_at = CASE WHEN last_accessed_at IS NULL OR last_accessed_at < $3 THEN $3 ELSE last_accessed_at END \
                 WHERE id = $1"
            )
            .bind(id)
            .bind(count)
            .bind(at)
            .execute(e)
            .await?
            .rows_affected()
        });
    }
    // Counters are not part of any cached answer.
    tx.commit_quietly().await
}

impl AccessCounter {
    /// Flushes every [`FLUSH_EVERY`] until the process ends.
    pub async fn run(self: std::sync::Arc<Self>, store: Store) {
        let mut tick = tokio::time::interval(FLUSH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = self.flush(&store).await {
                tracing::warn!(error = %e, "could not write go-link visit counts; will retry");
            }
        }
    }
}
