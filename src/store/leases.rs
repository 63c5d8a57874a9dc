//! Leases on scheduled jobs, so that of several instances on one database exactly one runs a
//! job at a time, and another takes over when the holder stops renewing (it died, or lost the
//! database).

use super::{args, Conn};
use crate::error::Result;

/// Takes or renews the lease `name` for `holder` until `until_ms`; true when `holder` has it
/// now. It is granted when nobody holds it, when its time ran out (`until_ms <= now_ms`), or
/// when `holder` already holds it. One statement: two instances racing for it are serialized
/// by the row (PostgreSQL re-checks the condition on the row the other wrote; SQLite has one
/// writer), so one wins.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn try_take(
    c: &mut Conn<'_>,
    name: &str,
    holder: &str,
    now_ms: i64,
    until_ms: i64,
) -> Result<bool> {
    let n = c
        .execute(
            "INSERT INTO job_leases (name, holder, until_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms \
             WHERE job_leases.until_ms <= $4 OR job_leases.holder = excluded.holder",
            args![name, holder, until_ms, now_ms],
        )
        .await?;
    Ok(n == 1)
}

/// Gives the lease up at once if `holder` has it (on shutdown), so another instance need not
/// wait for it to run out.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn release(c: &mut Conn<'_>, name: &str, holder: &str) -> Result<()> {
    c.execute(
        "DELETE FROM job_leases WHERE name = $1 AND holder = $2",
        args![name, holder],
    )
    .await?;
    Ok(())
}
