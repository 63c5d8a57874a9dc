//! Imports that run in the background, for files too large to wait for: the upload is checked
//! and kept as a job at once ([`start`]), and the job is written batch by batch by whichever
//! instance claims it ([`run_next`], from `jobs::imports`), each batch in its own transaction
//! together with the job's progress, so other people's writes wait for one batch at most and
//! the progress anyone reads is what has been written.
//!
//! A job is its owner's, in its organization: anybody else asking for it is told it does not
//! exist. A job cut off by a stop is taken up again where it got to: at once by the next start
//! on SQLite (one process), or by any instance once the heartbeat of the one running it has
//! stopped on PostgreSQL; an instance that stops cleanly puts its job back in the queue. Taken
//! up again, it reads the library afresh, so a link the earlier batches added counts as
//! "already there" rather than "merged" when the file repeats it later.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Notify};
use utoipa::ToSchema;

use crate::app::bookmark_io::{ImportReport, Importer, Owner};
use crate::app::link_checks::LinkChecker;
use crate::app::tenancy::CurrentOrg;
use crate::domain::bookmark_file::{self, Entry, Unreadable};
use crate::domain::ids::parse_id;
use crate::domain::plan::PlanPolicy;
use crate::domain::{new_id, time, Timestamp};
use crate::error::{AppError, Result};
use crate::store::import_jobs::{self, JobRow, NewJob};
use crate::store::{orgs, Store};

/// Jobs one person may have waiting or running at once, in one organization.
pub const MAX_UNFINISHED: i64 = 3;

/// A running job whose heartbeat is older than this is taken to be cut off (PostgreSQL). Every
/// batch beats it, and a batch takes well under a second.
const STALE_MS: i64 = 60_000;

/// How often an idle instance looks for jobs another instance was given (it is woken at once
/// for its own uploads).
pub const POLL: Duration = Duration::from_secs(2);

/// The queue's doorbell, shared by the uploads and the job that runs them.
#[derive(Debug)]
pub struct ImportQueue {
    wake: Notify,
    /// Items per batch (`IMPORT_BATCH_SIZE`).
    pub batch_size: usize,
}

impl ImportQueue {
    pub fn new(batch_size: usize) -> Self {
        Self {
            wake: Notify::new(),
            batch_size: batch_size.max(1),
        }
    }

    /// Says a job is waiting.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Resolves when a job may be waiting.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for an instance to take it up.
    Queued,
    Running,
    /// Every item of the file has been read; `report` is complete.
    Done,
    /// Stopped before the end (`error` says why); what was written before stays.
    Failed,
}

impl JobStatus {
    fn parse(s: &str) -> Self {
        match s {
            import_jobs::QUEUED => Self::Queued,
            import_jobs::RUNNING => Self::Running,
            import_jobs::DONE => Self::Done,
            _ => Self::Failed,
        }
    }

    pub fn is_finished(self) -> bool {
        matches!(self, Self::Done | Self::Failed)
    }
}

/// Why a job failed, as stored (`error_code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Its owner left the organization.
    NotAMember,
    /// The database refused a batch twice.
    ServerError,
}

impl Stop {
    pub const fn code(self) -> &'static str {
        match self {
            Stop::NotAMember => "not_a_member",
            Stop::ServerError => "server_error",
        }
    }

    fn message(code: &str) -> &'static str {
        match code {
            "not_a_member" => "The importer is no longer a member of the organization",
            _ => {
                "The import stopped because of an error on the server; the bookmarks added \
                 so far are kept, and importing the file again adds the rest"
            }
        }
    }
}

/// A background import as its owner sees it.
#[derive(Serialize, ToSchema, Clone, Debug)]
pub struct ImportJob {
    pub id: String,
    pub status: JobStatus,
    /// The uploaded file's name, when the upload gave one.
    pub file_name: Option<String>,
    /// Items in the file.
    pub total: usize,
    /// Items read and written so far (`total` once done).
    pub read: usize,
    /// Bookmarks added so far.
    pub imported: usize,
    /// Links the caller already had (same URL), not added again.
    pub already_there: usize,
    /// Repeats of a link in the file, made one bookmark in all of their folders.
    pub merged: usize,
    /// Bookmarks added without their keyword (invalid or taken).
    pub kept_without_slug: usize,
    /// Items not added.
    pub failed: usize,
    pub folders_created: usize,
    pub tags_created: usize,
    /// Why a failed job stopped, in words.
    pub error: Option<String>,
    /// The same, for programs: `not_a_member` or `server_error`.
    pub error_code: Option<String>,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub started_at: Option<i64>,
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub finished_at: Option<i64>,
    /// The report so far: its counts and the items that need a look (complete once `done`).
    pub report: ImportReport,
}

impl From<JobRow> for ImportJob {
    fn from(row: JobRow) -> Self {
        let mut report: ImportReport = serde_json::from_str(&row.report).unwrap_or_default();
        report.sum_up();
        let count = |n: i64| usize::try_from(n).unwrap_or(0);
        Self {
            status: JobStatus::parse(&row.status),
            file_name: row.file_name,
            total: count(row.total),
            read: count(row.items_read),
            imported: report.imported,
            already_there: report.already_there,
            merged: report.merged,
            kept_without_slug: report.kept_without_slug,
            failed: report.skipped,
            folders_created: report.folders_created,
            tags_created: report.tags_created,
            error: row.error.as_deref().map(|c| Stop::message(c).to_string()),
            error_code: row.error,
            created_at: row.created_at,
            started_at: row.started_at,
            finished_at: row.finished_at,
            report,
            id: row.id,
        }
    }
}

/// An uploaded file: its name (if the upload gave one) and text, and whether it is HTML.
#[derive(Clone, Debug)]
pub struct Upload {
    pub file_name: Option<String>,
    pub text: String,
    pub is_html: bool,
}

fn not_found() -> AppError {
    AppError::not_found("Import not found")
}

/// Checks an uploaded file and queues it as a job of the caller; nothing else is written yet. A
/// body that is not a bookmark file is refused (400) as the synchronous import refuses it; a
/// person with [`MAX_UNFINISHED`] jobs under way is asked to wait (429).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn start(
    store: &Store,
    queue: &ImportQueue,
    org: &CurrentOrg,
    upload: Upload,
) -> Result<ImportJob> {
    // PostgreSQL text holds no NUL; no bookmark file needs one.
    let text = if upload.text.contains('\0') {
        upload.text.replace('\0', "")
    } else {
        upload.text
    };
    let file = bookmark_file::read(&text, upload.is_html)
        .map_err(|e| AppError::bad_request(e.to_string()))?;
    let file_name: Option<String> = upload
        .file_name
        .map(|n| n.trim().chars().take(255).collect::<String>())
        .filter(|n| !n.is_empty());
    let (org_id, user_id) = (org.id(), org.user_id());
    let id = new_id();
    let report = serde_json::to_string(&ImportReport::default()).map_err(anyhow::Error::from)?;
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    if import_jobs::unfinished(&mut c, org_id, user_id).await? >= MAX_UNFINISHED {
        return Err(AppError::TooManyRequests {
            retry_after_secs: 10,
        });
    }
    let job = NewJob {
        id: &id,
        org_id,
        user_id,
        file_name: file_name.as_deref(),
        is_html: upload.is_html,
        content: &text,
        total: i64::try_from(file.items.len()).unwrap_or(i64::MAX),
        report: &report,
        now: Timestamp::now().millis(),
    };
    import_jobs::insert(&mut c, &job).await?;
    let row = import_jobs::owned(&mut c, org_id, user_id, &id)
        .await?
        .ok_or_else(not_found)?;
    // A job is part of no cached answer.
    tx.commit_quietly().await?;
    queue.wake();
    Ok(row.into())
}

/// The caller's job `raw_id` in the current organization; 404 for anybody else's.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn view(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<ImportJob> {
    let id = parse_id(raw_id).ok_or_else(not_found)?;
    let mut db = store.read().await?;
    import_jobs::owned(&mut db.conn(), org.id(), org.user_id(), &id)
        .await?
        .map(Into::into)
        .ok_or_else(not_found)
}

/// The caller's latest jobs in the current organization, newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn recent(store: &Store, org: &CurrentOrg, limit: i64) -> Result<Vec<ImportJob>> {
    let mut db = store.read().await?;
    let rows = import_jobs::recent(&mut db.conn(), org.id(), org.user_id(), limit).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// What the instance that runs jobs brings to them.
pub struct Runner<'a> {
    pub store: &'a Store,
    pub queue: &'a ImportQueue,
    pub checker: &'a LinkChecker,
    pub policy: PlanPolicy,
    /// This instance, as the jobs it claims name it.
    pub holder: &'a str,
    pub stopped: &'a watch::Receiver<bool>,
}

/// Claims the oldest job that may be claimed and runs it to its end (or until this instance is
/// told to stop); false when there was none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn run_next(r: &Runner<'_>) -> Result<bool> {
    let now = Timestamp::now().millis();
    // An SQLite installation is one process: a job still running is one a stop cut off.
    let stale_before = if r.store.kind() == "sqlite" {
        i64::MAX
    } else {
        now - STALE_MS
    };
    let mut tx = r.store.begin().await?;
    let mut claimed = None;
    for id in import_jobs::claimable(&mut tx.conn(), stale_before, 5).await? {
        if import_jobs::claim(&mut tx.conn(), &id, r.holder, now, stale_before).await? {
            claimed = Some(id);
            break;
        }
    }
    tx.commit_quietly().await?;
    let Some(id) = claimed else {
        return Ok(false);
    };
    tracing::info!(job = %id, "import job started");
    run(r, &id).await?;
    Ok(true)
}

/// What became of one batch.
enum Batch {
    Written,
    /// Another instance took the job over (this one was thought gone): leave it alone.
    Lost,
    NotAMember,
}

/// Runs job `id`, which this instance has just claimed.
async fn run(r: &Runner<'_>, id: &str) -> Result<()> {
    let work = {
        let mut db = r.store.read().await?;
        import_jobs::work(&mut db.conn(), id).await?
    };
    let Some(work) = work else {
        return Ok(()); // Deleted meanwhile, with its organization or owner.
    };
    let report: ImportReport = serde_json::from_str(&work.report).unwrap_or_default();
    let org = {
        let mut db = r.store.read().await?;
        let mut c = db.conn();
        match orgs::role_of(&mut c, &work.org_id, &work.user_id).await? {
            Some(_) => orgs::by_id(&mut c, &work.org_id).await?,
            None => None,
        }
    };
    let Some(org) = org else {
        return end(r, id, report, Some(Stop::NotAMember)).await;
    };
    // The file was read when it was uploaded; it reads the same now.
    let Some(file) = work
        .content
        .as_deref()
        .and_then(|text| bookmark_file::read(text, work.is_html).ok())
    else {
        return end(r, id, report, Some(Stop::ServerError)).await;
    };
    let owner = Owner {
        org_id: work.org_id.clone(),
        user_id: work.user_id.clone(),
        rules: r.policy.rules(org.plan),
    };
    let now = Timestamp::now().millis();
    let mut importer = {
        let mut db = r.store.read().await?;
        Importer::load(&mut db.conn(), owner, now, report, false).await?
    };
    let start = usize::try_from(work.items_read).unwrap_or(0);
    // The file's folders first (again after a stop: they are found, not made twice).
    let mut read = start;
    match write(r, id, &mut importer, Vec::new(), &file.folders, read).await {
        Ok(Batch::Written) => {}
        Ok(Batch::Lost) => return Ok(()),
        Ok(Batch::NotAMember) => {
            return end(r, id, importer.finish(), Some(Stop::NotAMember)).await
        }
        Err(e) => {
            tracing::warn!(job = %id, error = %e, "import job could not make its folders");
            return end(r, id, importer.finish(), Some(Stop::ServerError)).await;
        }
    }
    let mut items = file.items.into_iter().enumerate().skip(start).peekable();
    while items.peek().is_some() {
        if *r.stopped.borrow() {
            let mut tx = r.store.begin().await?;
            import_jobs::release(&mut tx.conn(), id, r.holder).await?;
            tx.commit_quietly().await?;
            tracing::info!(job = %id, read, "import job put back in the queue: stopping");
            return Ok(());
        }
        let chunk: Vec<(usize, Result<Entry, Unreadable>)> =
            items.by_ref().take(r.queue.batch_size).collect();
        read += chunk.len();
        let before = importer.report.clone();
        let mut outcome = write(r, id, &mut importer, chunk.clone(), &[], read).await;
        if let Err(e) = &outcome {
            // The library changed under the batch (a slug or folder name taken meanwhile, a
            // folder deleted): start over from the library as it is now and the report as it
            // was before the batch, and try once more.
            tracing::warn!(job = %id, error = %e, "import batch failed; trying it again");
            let (owner, now) = importer.owner();
            let reloaded = async {
                let mut db = r.store.read().await?;
                Importer::load(&mut db.conn(), owner, now, before, false).await
            }
            .await;
            outcome = match reloaded {
                Ok(fresh) => {
                    importer = fresh;
                    write(r, id, &mut importer, chunk, &[], read).await
                }
                Err(e) => Err(e),
            };
        }
        match outcome {
            Ok(Batch::Written) => {}
            Ok(Batch::Lost) => return Ok(()),
            Ok(Batch::NotAMember) => {
                return end(r, id, importer.finish(), Some(Stop::NotAMember)).await
            }
            Err(e) => {
                tracing::error!(job = %id, error = %e, "import job failed");
                return end(r, id, importer.finish(), Some(Stop::ServerError)).await;
            }
        }
        // The new URLs are checked soon; and whoever waits for the database goes first.
        r.checker.wake();
        tokio::task::yield_now().await;
    }
    end(r, id, importer.finish(), None).await?;
    tracing::info!(job = %id, read, "import job done");
    // A large import changes the library's shape; the planner's statistics follow it.
    r.store.optimize().await?;
    Ok(())
}

/// Writes `folders` and the items of `chunk` in one transaction with the job's progress
/// (`read` items done), if the job's owner is still a member and this instance still runs it.
async fn write(
    r: &Runner<'_>,
    id: &str,
    importer: &mut Importer,
    chunk: Vec<(usize, Result<Entry, Unreadable>)>,
    folders: &[bookmark_file::FolderPath],
    read: usize,
) -> Result<Batch> {
    let (org_id, user_id) = (
        importer.org_id().to_string(),
        importer.user_id().to_string(),
    );
    let mut tx = r.store.begin().await?;
    let mut c = tx.conn();
    if orgs::role_of(&mut c, &org_id, &user_id).await?.is_none() {
        return Ok(Batch::NotAMember);
    }
    importer.make_folders(&mut c, folders).await?;
    importer.batch(&mut c, chunk).await?;
    let report = importer.report_json()?;
    let read = i64::try_from(read).unwrap_or(i64::MAX);
    let now = Timestamp::now().millis();
    if !import_jobs::progress(&mut c, id, r.holder, read, &report, now).await? {
        return Ok(Batch::Lost);
    }
    tx.invalidates_org(&org_id);
    tx.commit().await?;
    Ok(Batch::Written)
}

/// Ends job `id` as done, or failed for `stop`, with its report.
async fn end(r: &Runner<'_>, id: &str, mut report: ImportReport, stop: Option<Stop>) -> Result<()> {
    report.sum_up();
    let json = serde_json::to_string(&report).map_err(anyhow::Error::from)?;
    let (status, error) = match stop {
        None => (import_jobs::DONE, None),
        Some(s) => (import_jobs::FAILED, Some(s.code())),
    };
    let mut tx = r.store.begin().await?;
    let now = Timestamp::now().millis();
    import_jobs::finish(&mut tx.conn(), id, r.holder, status, &json, error, now).await?;
    tx.commit_quietly().await
}
