//! Following the other instances on PostgreSQL: one connection listens for their writes (and
//! this instance's own, as they come back), another sends this instance's confirmations and
//! its checks that it is caught up, so neither waits for a busy pool.

use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnection, PgListener};
use sqlx::{Connection, PgPool};
use tokio::sync::{mpsc, watch};

use super::{Generations, Reply, CHANNEL, PING_EVERY, PRESENCE};

/// At most this many confirmations go in one notification (well under PostgreSQL's 8000 bytes).
const ACKS_PER_NOTIFICATION: usize = 200;

/// Listens for other instances' writes until `stopped`, reconnecting after a lost connection;
/// caches are not trusted while the connection is down.
pub async fn follow(pool: PgPool, generations: Generations, mut stopped: watch::Receiver<bool>) {
    loop {
        if *stopped.borrow_and_update() {
            return;
        }
        match listen(&pool).await {
            Ok(mut listener) => {
                let (acks, queue) = mpsc::unbounded_channel();
                let presence = tokio::spawn(presence(pool.clone(), generations.clone(), queue));
                generations.set_listening(true);
                tracing::debug!("listening for cache invalidations");
                let done = loop {
                    tokio::select! {
                        n = listener.try_recv() => match n {
                            Ok(Some(n)) if n.channel() == PRESENCE => {
                                generations.apply_presence(n.payload());
                            }
                            Ok(Some(n)) => {
                                if let Reply::Ack { instance, seq } = generations.apply(n.payload()) {
                                    let _ = acks.send((instance, seq));
                                }
                            }
                            Ok(None) | Err(_) => break false,
                        },
                        changed = stopped.changed() => {
                            if changed.is_err() || *stopped.borrow() {
                                break true;
                            }
                        }
                    }
                };
                presence.abort();
                generations.set_listening(false);
                if done {
                    return;
                }
                tracing::warn!(
                    "lost the cache invalidation connection; caches off until it is back"
                );
            }
            Err(e) => {
                tracing::debug!(error = %e, "cannot listen for cache invalidations yet");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(250)) => {},
            _ = stopped.changed() => {},
        }
    }
}

async fn listen(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut l = PgListener::connect_with(pool).await?;
    // Reconnecting on its own would hide the gap from us: we want to know, and distrust.
    l.eager_reconnect(false);
    l.listen_all([CHANNEL, PRESENCE]).await?;
    Ok(l)
}

/// Sends a check every [`PING_EVERY`] and the confirmations the listener queues, on a
/// connection of its own (made again when lost; meanwhile the lease runs out and caches stop).
async fn presence(
    pool: PgPool,
    generations: Generations,
    mut queue: mpsc::UnboundedReceiver<(String, u64)>,
) {
    loop {
        let options = pool.connect_options();
        let mut conn = match PgConnection::connect_with(&options).await {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!(error = %e, "cannot confirm cache invalidations yet");
                tokio::time::sleep(PING_EVERY).await;
                continue;
            }
        };
        let mut tick = tokio::time::interval(PING_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let payload = tokio::select! {
                _ = tick.tick() => generations.ping_payload(Instant::now()),
                Some(first) = queue.recv() => {
                    let mut batch = vec![first];
                    while batch.len() < ACKS_PER_NOTIFICATION {
                        match queue.try_recv() {
                            Ok(more) => batch.push(more),
                            Err(_) => break,
                        }
                    }
                    generations.ack_payload(&batch)
                }
            };
            let sent = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(PRESENCE)
                .bind(payload)
                .execute(&mut conn)
                .await;
            if let Err(e) = sent {
                tracing::debug!(error = %e, "lost the confirming connection");
                break;
            }
        }
    }
}
