//! Rate-limit counts kept in the database, so every instance on one PostgreSQL counts the same
//! attempts (see `security::rate_limit`, which decides what the counts mean).

use super::{args, Conn};
use crate::error::Result;

/// Counts one attempt for `key` in the window starting at `window_start` and returns the
/// window's count with it, and the count of the window before (`previous_start`), in one
/// statement: the increment is atomic, so concurrent attempts on any instance each see their
/// own count.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn hit(
    c: &mut Conn<'_>,
    key: &str,
    window_start: i64,
    previous_start: i64,
) -> Result<(i64, i64)> {
    // RETURNING may hold a scalar subquery on both databases; it reads the previous window as
    // of the statement's start, which is all a sliding estimate needs.
    let (current, previous): (i64, Option<i64>) = c
        .fetch_one(
            "INSERT INTO rate_limit_hits (key, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_hits.count + 1 \
             RETURNING CAST(count AS BIGINT), \
             (SELECT CAST(p.count AS BIGINT) FROM rate_limit_hits p \
             WHERE p.key = $1 AND p.window_start = $3)",
            args![key, window_start, previous_start],
        )
        .await?;
    Ok((current, previous.unwrap_or(0)))
}

/// Deletes the windows that started before `before`; how many.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_windows_before(c: &mut Conn<'_>, before: i64) -> Result<u64> {
    c.execute(
        "DELETE FROM rate_limit_hits WHERE window_start < $1",
        args![before],
    )
    .await
}
