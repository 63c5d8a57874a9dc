//! A job that must run on one instance at a time holds a [`Lease`] while it works: several
//! `slugbase serve` processes on one PostgreSQL all tick, but only the holder does the round.

use std::time::Duration;

use crate::domain::Timestamp;
use crate::error::Result;
use crate::store::{leases, Store};

/// The lease `name` as this process asks for it.
#[derive(Clone, Debug)]
pub struct Lease {
    pub name: &'static str,
    /// This process, as the `job_leases` row names it.
    pub holder: String,
    /// How long a taken lease lasts. Longer than the job's period, so the holder renews it on
    /// every round and nobody else gets in while it is alive; when it dies, another instance
    /// takes over at most this long after its last round.
    pub ttl: Duration,
}

impl Lease {
    /// Takes or renews the lease; true when this process may run the job now.
    pub async fn take(&self, store: &Store) -> Result<bool> {
        let now = Timestamp::now().millis();
        let until = now + i64::try_from(self.ttl.as_millis()).unwrap_or(i64::MAX / 2);
        let mut tx = store.begin().await?;
        let taken = leases::try_take(&mut tx.conn(), self.name, &self.holder, now, until).await?;
        // A lease is part of no cached answer.
        tx.commit_quietly().await?;
        Ok(taken)
    }

    /// Lets the lease go (when stopping), so another instance need not wait for it to run out.
    pub async fn release(&self, store: &Store) -> Result<()> {
        let mut tx = store.begin().await?;
        leases::release(&mut tx.conn(), self.name, &self.holder).await?;
        tx.commit_quietly().await
    }
}

/// A name for this process in `job_leases`: unique, so two instances never pass for one.
pub fn holder_id() -> String {
    format!("instance-{}", uuid::Uuid::new_v4().simple())
}
