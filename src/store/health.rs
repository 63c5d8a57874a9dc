//! Whether this instance can reach its database, and how its connection pools are used.
//!
//! A background probe (`jobs::db_probe`) asks the database every half second on a connection of
//! its own, outside the pool, so a pool busy with requests never reads as "down", and records the
//! answer here; `GET /api/health` only reads the flag, so it costs no query.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sqlx::{Connection, PgConnection};

use super::{Pools, Store};

/// The last probe's answer; true until a probe says otherwise (connecting at start-up succeeded).
#[derive(Clone, Debug)]
pub struct Reachable(Arc<AtomicBool>);

impl Default for Reachable {
    fn default() -> Self {
        Self(Arc::new(AtomicBool::new(true)))
    }
}

impl Reachable {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    pub fn set(&self, up: bool) {
        let was = self.0.swap(up, Ordering::Relaxed);
        if was && !up {
            tracing::warn!("the database cannot be reached");
        } else if !was && up {
            tracing::info!("the database can be reached again");
        }
    }
}

/// Connections of the store's pools (both of them on SQLite), for `/metrics`.
#[derive(Clone, Copy, Debug, Default)]
pub struct PoolUse {
    /// Open, idle or in use.
    pub size: u32,
    pub idle: usize,
    /// The most the pools open.
    pub max: u32,
}

/// What the probe keeps between rounds: its own PostgreSQL connection, opened again after a
/// failure. SQLite needs none (a read from the pool is a file access, never a network wait).
#[derive(Default)]
pub struct Probe {
    pg: Option<PgConnection>,
}

impl Store {
    /// The flag the probe sets and the health check reads.
    pub fn reachable(&self) -> &Reachable {
        &self.reachable
    }

    pub fn pool_use(&self) -> PoolUse {
        match &self.pools {
            Pools::Sqlite { read, write } => PoolUse {
                size: read.size() + write.size(),
                idle: read.num_idle() + write.num_idle(),
                max: read.options().get_max_connections() + write.options().get_max_connections(),
            },
            Pools::Postgres(pool) => PoolUse {
                size: pool.size(),
                idle: pool.num_idle(),
                max: pool.options().get_max_connections(),
            },
        }
    }

    /// Runs `SELECT 1` within `timeout` and records whether it answered.
    pub async fn probe(&self, probe: &mut Probe, timeout: Duration) -> bool {
        let up = tokio::time::timeout(timeout, self.select_one(probe))
            .await
            .is_ok_and(|r| r.is_ok());
        if !up {
            // Whatever state the connection was left in, the next round starts afresh.
            probe.pg = None;
        }
        self.reachable.set(up);
        up
    }

    async fn select_one(&self, probe: &mut Probe) -> Result<(), sqlx::Error> {
        match &self.pools {
            Pools::Sqlite { read, .. } => {
                sqlx::query("SELECT 1").execute(read).await?;
            }
            Pools::Postgres(pool) => {
                if probe.pg.is_none() {
                    let opts = pool.connect_options();
                    probe.pg = Some(PgConnection::connect_with(&opts).await?);
                }
                if let Some(c) = probe.pg.as_mut() {
                    sqlx::query("SELECT 1").execute(c).await?;
                }
            }
        }
        Ok(())
    }
}
