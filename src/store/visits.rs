//! Visits per bookmark and UTC day (counts only). Added to, never overwritten, so the counts
//! of several instances add up.

use super::{args, Conn};
use crate::error::Result;

/// Adds `count` visits on `day` (days since the epoch) to bookmark `id`. By id alone, like the
/// visit totals: a bookmark deleted since the visit adds nothing (and fails nothing).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add(c: &mut Conn<'_>, id: &str, day: i64, count: i64) -> Result<()> {
    c.execute(
        "INSERT INTO bookmark_visit_days (bookmark_id, day, count) SELECT id, $2, $3 FROM \
         bookmarks WHERE id = $1 ON CONFLICT (bookmark_id, day) DO UPDATE SET count = \
         bookmark_visit_days.count + excluded.count",
        args![id, day, count],
    )
    .await?;
    Ok(())
}

/// The days from `first_day` on that had visits of bookmark `id`, with their counts, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn since(c: &mut Conn<'_>, id: &str, first_day: i64) -> Result<Vec<(i64, i64)>> {
    c.fetch_all(
        "SELECT day, count FROM bookmark_visit_days WHERE bookmark_id = $1 AND day >= $2 ORDER BY \
         day",
        args![id, first_day],
    )
    .await
}

/// The same for several bookmarks at once: (bookmark id, day, count).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn since_many(
    c: &mut Conn<'_>,
    ids: &[String],
    first_day: i64,
) -> Result<Vec<(String, i64, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = args![first_day];
    let list = args.list(ids);
    let sql = format!(
        "SELECT bookmark_id, day, count FROM bookmark_visit_days \
         WHERE day >= $1 AND bookmark_id IN ({list}) ORDER BY day"
    );
    c.fetch_all(&sql, args).await
}

/// Removes the days before `first_day`; how many rows went.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn prune(c: &mut Conn<'_>, first_day: i64) -> Result<u64> {
    c.execute(
        "DELETE FROM bookmark_visit_days WHERE day < $1",
        args![first_day],
    )
    .await
}
