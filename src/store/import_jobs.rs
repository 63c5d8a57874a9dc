//! Background imports (migration 0015): the uploaded file (in `import_job_files`, apart from
//! the progress that is written batch by batch), how far the import got, and its report. A job is read only by its owner in its organization; the instance that claimed it
//! (`holder`) is the only one whose progress is written.

use super::{args, Conn};
use crate::error::Result;

/// What a job's status is stored as.
pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const DONE: &str = "done";
pub const FAILED: &str = "failed";

/// A job as its owner sees it (without the file).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct JobRow {
    pub id: String,
    pub status: String,
    pub file_name: Option<String>,
    pub total: i64,
    pub items_read: i64,
    /// The report so far, as JSON.
    pub report: String,
    pub error: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

const JOB_COLUMNS: &str = "id, status, file_name, total, items_read, report, error, created_at, \
    started_at, finished_at";

/// What the instance running a job needs: whose it is, and the file.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Work {
    pub org_id: String,
    pub user_id: String,
    pub is_html: bool,
    pub content: Option<String>,
    pub items_read: i64,
    pub report: String,
}

/// A new job, as an upload makes it.
#[derive(Clone, Debug)]
pub struct NewJob<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub user_id: &'a str,
    pub file_name: Option<&'a str>,
    pub is_html: bool,
    pub content: &'a str,
    pub total: i64,
    pub report: &'a str,
    pub now: i64,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(c: &mut Conn<'_>, j: &NewJob<'_>) -> Result<()> {
    c.execute(
        "INSERT INTO import_jobs (id, org_id, user_id, status, file_name, is_html, total, \
         report, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        args![
            j.id,
            j.org_id,
            j.user_id,
            QUEUED,
            j.file_name,
            j.is_html,
            j.total,
            j.report,
            j.now
        ],
    )
    .await?;
    c.execute(
        "INSERT INTO import_job_files (job_id, content) VALUES ($1, $2)",
        args![j.id, j.content],
    )
    .await?;
    Ok(())
}

/// Job `id` when it is `user_id`'s in the organization; `None` for missing and foreign ones.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn owned(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    id: &str,
) -> Result<Option<JobRow>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM import_jobs WHERE org_id = $1 AND user_id = $2 AND id = $3"
    );
    c.fetch_optional(&sql, args![org_id, user_id, id]).await
}

/// The person's latest jobs in the organization, newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn recent(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    limit: i64,
) -> Result<Vec<JobRow>> {
    let sql = format!(
        "SELECT {JOB_COLUMNS} FROM import_jobs WHERE org_id = $1 AND user_id = $2 \
         ORDER BY created_at DESC, id LIMIT $3"
    );
    c.fetch_all(&sql, args![org_id, user_id, limit]).await
}

/// How many of the person's jobs in the organization have not ended.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn unfinished(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM import_jobs WHERE org_id = $1 AND user_id = $2 \
         AND status IN ($3, $4)",
        args![org_id, user_id, QUEUED, RUNNING],
    )
    .await
}

/// Which jobs may be claimed: waiting ones, and running ones whose heartbeat is older than
/// `stale_before` (their instance stopped); oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn claimable(c: &mut Conn<'_>, stale_before: i64, limit: i64) -> Result<Vec<String>> {
    c.scalars(
        "SELECT id FROM import_jobs WHERE status = $1 OR (status = $2 AND heartbeat_at < $3) \
         ORDER BY created_at, id LIMIT $4",
        args![QUEUED, RUNNING, stale_before, limit],
    )
    .await
}

/// Claims job `id` for `holder` if it is still claimable (see [`claimable`]); true when this
/// call got it. One conditional statement: of two instances racing for it, one wins.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn claim(
    c: &mut Conn<'_>,
    id: &str,
    holder: &str,
    now: i64,
    stale_before: i64,
) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE import_jobs SET status = $3, holder = $4, heartbeat_at = $5, \
             started_at = COALESCE(started_at, $5) \
             WHERE id = $1 AND (status = $2 OR (status = $3 AND heartbeat_at < $6))",
            args![id, QUEUED, RUNNING, holder, now, stale_before],
        )
        .await?;
    Ok(n == 1)
}

/// The file and progress of job `id`, for the instance that claimed it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn work(c: &mut Conn<'_>, id: &str) -> Result<Option<Work>> {
    c.fetch_optional(
        "SELECT j.org_id, j.user_id, j.is_html, f.content, j.items_read, j.report \
         FROM import_jobs j LEFT JOIN import_job_files f ON f.job_id = j.id WHERE j.id = $1",
        args![id],
    )
    .await
}

/// Records progress (in the transaction that wrote it) if `holder` still runs the job; false
/// when another instance took it over, and then the caller must not commit.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn progress(
    c: &mut Conn<'_>,
    id: &str,
    holder: &str,
    items_read: i64,
    report: &str,
    now: i64,
) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE import_jobs SET items_read = $3, report = $4, heartbeat_at = $5 \
             WHERE id = $1 AND holder = $2 AND status = $6",
            args![id, holder, items_read, report, now, RUNNING],
        )
        .await?;
    Ok(n == 1)
}

/// Ends the job `holder` runs, as `done` or `failed` (with the reason's code), and drops its file.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn finish(
    c: &mut Conn<'_>,
    id: &str,
    holder: &str,
    status: &str,
    report: &str,
    error: Option<&str>,
    now: i64,
) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE import_jobs SET status = $3, report = $4, error = $5, finished_at = $6, \
             heartbeat_at = $6, holder = NULL WHERE id = $1 AND holder = $2",
            args![id, holder, status, report, error, now],
        )
        .await?;
    if n == 1 {
        c.execute("DELETE FROM import_job_files WHERE job_id = $1", args![id])
            .await?;
    }
    Ok(n == 1)
}

/// Puts a job `holder` runs back in the queue (this instance is stopping), to be taken up again
/// where it got to.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn release(c: &mut Conn<'_>, id: &str, holder: &str) -> Result<()> {
    c.execute(
        "UPDATE import_jobs SET status = $3, holder = NULL WHERE id = $1 AND holder = $2 \
         AND status = $4",
        args![id, holder, QUEUED, RUNNING],
    )
    .await?;
    Ok(())
}

/// Deletes jobs that ended before `before` (their reports have been seen or forgotten).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_ended_before(c: &mut Conn<'_>, before: i64) -> Result<u64> {
    c.execute(
        "DELETE FROM import_jobs WHERE status IN ($1, $2) AND finished_at < $3",
        args![DONE, FAILED, before],
    )
    .await
}
