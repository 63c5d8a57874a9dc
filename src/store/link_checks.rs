//! Link checks: which bookmarks are due, claiming them so no URL is checked twice at once (by
//! any instance), and what a check found. The host pacing leases live in `job_leases` under
//! [`HOST_LEASE_PREFIX`].

use super::{args, Conn};
use crate::domain::link_health::{LinkStatus, Verdict};
use crate::error::Result;

/// `job_leases` names of the per-host pacing leases: this prefix and the host.
pub const HOST_LEASE_PREFIX: &str = "link-host:";

/// A bookmark waiting for its check.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueLink {
    pub id: String,
    pub url: String,
}

/// Up to `limit` bookmarks due at `now` that nobody is checking, longest waiting first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn due(c: &mut Conn<'_>, now: i64, limit: i64) -> Result<Vec<DueLink>> {
    c.fetch_all(
        "SELECT id, url FROM bookmarks WHERE link_check_due_at <= $1 \
         AND (link_check_claimed_until IS NULL OR link_check_claimed_until <= $1) \
         ORDER BY link_check_due_at, id LIMIT $2",
        args![now, limit],
    )
    .await
}

/// Claims those of `ids` that are still due and unclaimed, until `until`; the ones claimed. One
/// statement: of two instances racing for a bookmark, the row decides and one gets it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn claim(c: &mut Conn<'_>, ids: &[String], now: i64, until: i64) -> Result<Vec<DueLink>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = args![now, until];
    let list = args.list(ids);
    let sql = format!(
        "UPDATE bookmarks SET link_check_claimed_until = $2 WHERE id IN ({list}) \
         AND link_check_due_at <= $1 \
         AND (link_check_claimed_until IS NULL OR link_check_claimed_until <= $1) \
         RETURNING id, url"
    );
    c.fetch_all(&sql, args).await
}

/// The organization of bookmark `id` and its recorded verdict, when it still has `url`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn current(c: &mut Conn<'_>, id: &str, url: &str) -> Result<Option<(String, Verdict)>> {
    let row: Option<(String, String, Option<i32>, Option<String>)> = c
        .fetch_optional(
            "SELECT org_id, link_status, link_status_code, link_final_url FROM bookmarks \
             WHERE id = $1 AND url = $2",
            args![id, url],
        )
        .await?;
    Ok(row.map(|(org, status, code, final_url)| {
        (
            org,
            Verdict {
                status: LinkStatus::parse(&status).unwrap_or_default(),
                code: code.and_then(|c| u16::try_from(c).ok()),
                final_url,
            },
        )
    }))
}

/// Records what the check of `url` found at `now` and when it is due again, and lets the claim
/// go. A bookmark whose URL changed meanwhile keeps its new URL's "due" and only loses the claim.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record(
    c: &mut Conn<'_>,
    id: &str,
    url: &str,
    v: &Verdict,
    now: i64,
    next_due: i64,
) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE bookmarks SET link_status = $3, link_status_code = $4, link_checked_at = $5, \
             link_final_url = $6, link_check_due_at = $7, link_check_claimed_until = NULL \
             WHERE id = $1 AND url = $2",
            args![
                id,
                url,
                v.status,
                v.code.map(i32::from),
                now,
                &v.final_url,
                next_due
            ],
        )
        .await?;
    if n == 0 {
        unclaim(c, id).await?;
    }
    Ok(n == 1)
}

/// Lets the claim on bookmark `id` go without a verdict (the check was abandoned).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn unclaim(c: &mut Conn<'_>, id: &str) -> Result<()> {
    c.execute(
        "UPDATE bookmarks SET link_check_claimed_until = NULL WHERE id = $1",
        args![id],
    )
    .await?;
    Ok(())
}

/// Deletes host pacing leases that ran out before `before` (one per host ever checked would
/// pile up otherwise).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_old_host_leases(c: &mut Conn<'_>, before: i64) -> Result<u64> {
    let pattern = format!("{HOST_LEASE_PREFIX}%");
    c.execute(
        "DELETE FROM job_leases WHERE name LIKE $1 AND until_ms < $2",
        args![&pattern, before],
    )
    .await
}
