//! A background import's page, `/settings/data/imports/{id}`: how far it got while it runs,
//! then the report (counts, and the items that need a look).
//!
//! While the job runs the answer carries `Refresh: 2`, which every browser follows with or
//! without JavaScript and which no content security policy governs (it is the header form of
//! `<meta http-equiv="refresh">`, kept out of the page so that the shared page head stays as it
//! is). Reloading on its own is something a person must be able to stop (WCAG 2.2.1): the page
//! offers "stop updating", which leads to the same page without the header.

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::data::HERE;
use super::page as settings_page;
use crate::app::bookmark_io::{ImportReport, Outcome};
use crate::app::import_jobs::{self, ImportJob, JobStatus};
use crate::state::AppState;
use crate::web::errors::PageResult;
use crate::web::session::{Ctx, Member};

/// Seconds between reloads of a running job's page.
const REFRESH_SECS: u32 = 2;

/// The page of job `id`.
pub fn job_path(id: &str) -> String {
    format!("/settings/data/imports/{id}")
}

#[derive(Deserialize)]
pub struct PageQuery {
    /// `off`: do not reload by itself.
    auto: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let job = import_jobs::view(&state.store, &org, &id).await?;
    let auto = q.auto.as_deref() != Some("off");
    let running = !job.status.is_finished();
    let title = ctx.t("set.import_job");
    let page = settings_page(&ctx, HERE, title, job_view(&ctx, &job, auto));
    let mut res = page.into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, "no-store".parse().expect("ascii"));
    if running && auto {
        let refresh = REFRESH_SECS.to_string().parse().expect("ascii");
        headers.insert(header::REFRESH, refresh);
    }
    Ok(res)
}

fn job_view(ctx: &Ctx, job: &ImportJob, auto: bool) -> Markup {
    let here = job_path(&job.id);
    let (read, total) = (job.read.to_string(), job.total.to_string());
    html! {
        @if let Some(name) = &job.file_name { p.muted { (name) } }
        @match job.status {
            JobStatus::Queued => p role="status" { (ctx.t("set.import_queued")) },
            JobStatus::Running => p role="status" {
                (ctx.tf("set.import_running", &[("read", &read), ("total", &total)]))
            },
            JobStatus::Done => div.ok role="status" {
                p { (ctx.tf("set.import_done", &[("imported", &job.imported.to_string()), ("failed", &job.failed.to_string())])) }
            },
            JobStatus::Failed => div.alert role="alert" {
                p { (ctx.tf("set.import_stopped", &[("read", &read), ("total", &total)])) }
                p { (ctx.t(stop_key(job.error_code.as_deref()))) }
            },
        }
        @if !job.status.is_finished() {
            progress.wide max=(job.total.max(1)) value=(job.read) aria-label=(ctx.t("set.import_read_progress")) {}
        }
        (counts(ctx, job))
        @if !job.status.is_finished() {
            p.actions {
                @if auto {
                    span.muted { (ctx.t("set.import_auto")) }
                    a href=(format!("{here}?auto=off")) { (ctx.t("set.import_auto_off")) }
                } @else {
                    a.button.secondary href=(format!("{here}?auto=off")) { (ctx.t("set.import_update")) }
                    a href=(here) { (ctx.t("set.import_auto_on")) }
                }
            }
        } @else {
            (items_view(ctx, &job.report))
            p.actions {
                a.button href="/bookmarks" { (ctx.t("set.import_open_bookmarks")) }
                a.button.secondary href="/folders" { (ctx.t("set.import_open_folders")) }
                a href=(HERE) { (ctx.t("set.import_another")) }
            }
        }
    }
}

/// The counts so far, each with its name: what was read, added, already there and not added
/// always, the rest when there is any.
fn counts(ctx: &Ctx, job: &ImportJob) -> Markup {
    let rows = [
        (job.read, "set.count_read", true),
        (job.imported, "set.count_added", true),
        (job.already_there, "set.count_already", true),
        (job.failed, "set.count_failed", true),
        (job.merged, "set.count_merged", false),
        (job.kept_without_slug, "set.count_kept", false),
        (job.folders_created, "set.count_folders", false),
        (job.tags_created, "set.count_tags", false),
    ];
    html! {
        ul.stats {
            @for (n, key, always) in rows {
                @if always || n > 0 { li { strong { (n) } (ctx.t(key)) } }
            }
        }
    }
}

fn stop_key(code: Option<&str>) -> &'static str {
    match code {
        Some("not_a_member") => "set.import_stop_member",
        _ => "set.import_stop_server",
    }
}

/// The items of a report that need a look, in a table.
pub fn items_view(ctx: &Ctx, r: &ImportReport) -> Markup {
    html! {
        @if !r.items.is_empty() {
            details open {
                summary { (ctx.tf("set.import_items", &[("count", &r.items.len().to_string())])) }
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { "#" }
                        th scope="col" { (ctx.t("lib.title")) }
                        th scope="col" { (ctx.t("set.outcome")) }
                        th scope="col" { (ctx.t("set.why")) }
                    } }
                    tbody { @for e in &r.items { tr {
                        td { (e.index + 1) }
                        td { (e.title.as_deref().or(e.url.as_deref()).unwrap_or("—")) }
                        td { (ctx.t(outcome_key(e.outcome))) }
                        td { (e.reason.as_deref().unwrap_or("")) }
                    } } }
                } }
                @if r.items_truncated { p.muted { (ctx.t("set.import_truncated")) } }
            }
        }
    }
}

fn outcome_key(o: Outcome) -> &'static str {
    match o {
        Outcome::KeptWithoutSlug => "set.outcome_kept_without_slug",
        Outcome::Failed => "set.outcome_failed",
    }
}

/// The person's latest imports, each linking to its page.
pub fn recent_view(ctx: &Ctx, jobs: &[ImportJob]) -> Markup {
    html! {
        @if !jobs.is_empty() {
            h3 { (ctx.t("set.import_recent")) }
            ul {
                @for job in jobs {
                    li {
                        a href=(job_path(&job.id)) {
                            (job.file_name.as_deref().unwrap_or(ctx.t("set.import_job")))
                        }
                        " — "
                        (status_text(ctx, job))
                    }
                }
            }
        }
    }
}

fn status_text(ctx: &Ctx, job: &ImportJob) -> String {
    let (read, total) = (job.read.to_string(), job.total.to_string());
    match job.status {
        JobStatus::Queued => ctx.t("set.import_queued").to_string(),
        JobStatus::Running => ctx.tf("set.import_running", &[("read", &read), ("total", &total)]),
        JobStatus::Done => ctx.tf(
            "set.import_done",
            &[
                ("imported", &job.imported.to_string()),
                ("failed", &job.failed.to_string()),
            ],
        ),
        JobStatus::Failed => ctx.tf("set.import_stopped", &[("read", &read), ("total", &total)]),
    }
}
