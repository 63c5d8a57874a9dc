//! Data: import a browser's bookmark file or a SlugBase export, export as JSON or browser HTML,
//! and the bookmarklet. An upload becomes a background import at once and the browser is sent
//! to its progress page (`imports.rs`), which shows the report when it is done.

use axum::extract::{Multipart, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::imports::{job_path, recent_view};
use super::page as settings_page;
use crate::app::bookmark_io;
use crate::app::import_jobs::{self, ImportJob, Upload};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::{explain, PageError, PageResult};
use crate::web::form::{self, check_csrf};
use crate::web::layout::{alert, csrf_field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

/// The largest file the import page takes (the rest of the site keeps its small limit).
pub const IMPORT_LIMIT: usize = crate::config::IMPORT_BODY_LIMIT;

pub const HERE: &str = "/settings/data";

/// How many of the person's latest imports the page lists.
const RECENT: i64 = 5;

fn body(ctx: &Ctx, base: &str, recent: &[ImportJob], error: Option<&str>) -> Markup {
    let bookmarklet = format!(
        "javascript:location.href='{base}/bookmarks/new?url='+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title)"
    );
    html! {
        h3 { (ctx.t("set.import")) }
        p { (ctx.t("set.import_lead")) }
        (alert(error))
        form.card-form method="post" action="/settings/data/import" enctype="multipart/form-data" data-progress {
            (csrf_field(ctx))
            div.field {
                label for="f-file" { (ctx.t("set.import_file")) }
                input #f-file type="file" name="file" required accept=".html,.htm,.json,text/html,application/json";
            }
            progress hidden max="1" value="0" aria-label=(ctx.t("set.import_progress")) {}
            button type="submit" { (ctx.t("set.import_submit")) }
        }
        (recent_view(ctx, recent))
        h3 { (ctx.t("set.export")) }
        p { (ctx.t("set.export_lead")) }
        p.actions {
            a.button.secondary href="/settings/data/export?format=html" download { (ctx.t("set.export_html")) }
            a.button.secondary href="/settings/data/export?format=json" download { (ctx.t("set.export_json")) }
        }
        h3 { (ctx.t("set.bookmarklet")) }
        p { (ctx.t("set.bookmarklet_lead")) }
        p { a.button.secondary href=(bookmarklet) { (ctx.t("set.bookmarklet_link")) } }
    }
}

pub async fn page(State(state): State<AppState>, Member { ctx, org }: Member) -> PageResult {
    let base = state.config.base_url();
    let recent = import_jobs::recent(&state.store, &org, RECENT).await?;
    Ok(settings_page(
        &ctx,
        HERE,
        ctx.t("set.data"),
        body(&ctx, &base, &recent, None),
    )
    .into_response())
}

/// The uploaded file and the form's CSRF token, read from the multipart body.
async fn read_upload(
    mut parts: Multipart,
) -> Result<(Option<String>, Option<(String, Vec<u8>)>), AppError> {
    let bad = |_| AppError::bad_request("Could not read the upload");
    let (mut token, mut file) = (None, None);
    while let Some(field) = parts.next_field().await.map_err(bad)? {
        match field.name() {
            Some(form::FIELD) => token = Some(field.text().await.map_err(bad)?),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let bytes = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        AppError::PayloadTooLarge
                    } else {
                        AppError::bad_request("Could not read the upload")
                    }
                })?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    Ok((token, file))
}

/// Takes the upload as a background import and sends the browser to its progress page; a file
/// that is not a bookmark file (or none) is refused on this page, and nothing is queued.
pub async fn import(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    headers: HeaderMap,
    parts: Multipart,
) -> PageResult {
    let (token, file) = read_upload(parts).await?;
    check_csrf(&state, &headers, token.as_deref())?;
    let started = async {
        let (name, bytes) = file
            .filter(|(_, b)| !b.is_empty())
            .ok_or_else(|| AppError::bad_request("Choose a file to import"))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let lower = name.to_ascii_lowercase();
        let is_html = lower.ends_with(".html")
            || lower.ends_with(".htm")
            || text.trim_start().starts_with('<');
        let upload = Upload {
            file_name: Some(name),
            text,
            is_html,
        };
        import_jobs::start(&state.store, &state.imports, &org, upload).await
    }
    .await;
    match started {
        Ok(job) => Ok(nav::see_other(&job_path(&job.id))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let recent = import_jobs::recent(&state.store, &org, RECENT).await?;
            let base = state.config.base_url();
            Ok((
                status,
                settings_page(
                    &ctx,
                    HERE,
                    ctx.t("set.data"),
                    body(&ctx, &base, &recent, Some(&message)),
                ),
            )
                .into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

pub async fn export(
    State(state): State<AppState>,
    Member { org, .. }: Member,
    Query(q): Query<ExportQuery>,
) -> PageResult {
    let html = match q.format.as_deref() {
        Some("html") => true,
        None | Some("json") => false,
        Some(_) => {
            return Err(PageError::App(AppError::bad_request(
                "format must be json or html",
            )))
        }
    };
    let exported = {
        let mut db = state.store.read().await?;
        bookmark_io::export(&mut db.conn(), org.id(), org.user_id()).await?
    };
    let (text, content_type, extension) = bookmark_io::export_file(exported, html)?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"slugbase-bookmarks.{extension}\""),
            ),
        ],
        text,
    )
        .into_response())
}
