//! Data: import a browser's bookmark file or a SlugBase export (with a report of the items that
//! need a look), export as JSON or browser HTML, and the bookmarklet.

use axum::extract::{Multipart, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::page as settings_page;
use crate::app::bookmark_io::{self, ImportReport, Outcome};
use crate::domain::bookmark_file;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::{explain, PageError, PageResult};
use crate::web::form::{self, check_csrf};
use crate::web::layout::{alert, csrf_field};
use crate::web::session::{Ctx, Member};

/// The largest file the import page takes (the rest of the site keeps its small limit).
pub const IMPORT_LIMIT: usize = crate::config::IMPORT_BODY_LIMIT;

const HERE: &str = "/settings/data";

fn body(ctx: &Ctx, base: &str, report: Option<&ImportReport>, error: Option<&str>) -> Markup {
    let bookmarklet = format!(
        "javascript:location.href='{base}/bookmarks/new?url='+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title)"
    );
    html! {
        h3 { (ctx.t("set.import")) }
        p { (ctx.t("set.import_lead")) }
        (alert(error))
        @if let Some(r) = report { (report_view(ctx, r)) }
        form.card-form method="post" action="/settings/data/import" enctype="multipart/form-data" data-progress {
            (csrf_field(ctx))
            div.field {
                label for="f-file" { (ctx.t("set.import_file")) }
                input #f-file type="file" name="file" required accept=".html,.htm,.json,text/html,application/json";
            }
            progress hidden max="1" value="0" aria-label=(ctx.t("set.import_progress")) {}
            button type="submit" { (ctx.t("set.import_submit")) }
        }
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

fn report_view(ctx: &Ctx, r: &ImportReport) -> Markup {
    html! {
        div.ok role="status" {
            p { (ctx.tf("set.import_done", &[("imported", &r.imported.to_string()), ("failed", &r.skipped.to_string())])) }
            p { (ctx.tf("set.import_counts", &[("merged", &r.merged.to_string()), ("already", &r.already_there.to_string()), ("kept", &r.kept_without_slug.to_string())])) }
            @if r.folders_created + r.tags_created > 0 {
                p { (ctx.tf("set.import_made", &[("folders", &r.folders_created.to_string()), ("tags", &r.tags_created.to_string())])) }
            }
        }
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

pub async fn page(State(state): State<AppState>, Member { ctx, .. }: Member) -> PageResult {
    let base = state.config.base_url();
    Ok(settings_page(&ctx, HERE, ctx.t("set.data"), body(&ctx, &base, None, None)).into_response())
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
                let name = field.file_name().unwrap_or("").to_ascii_lowercase();
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

pub async fn import(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    headers: HeaderMap,
    parts: Multipart,
) -> PageResult {
    let base = state.config.base_url();
    let (token, file) = read_upload(parts).await?;
    check_csrf(&state, &headers, token.as_deref())?;
    let outcome = async {
        let (name, bytes) = file
            .filter(|(_, b)| !b.is_empty())
            .ok_or_else(|| AppError::bad_request("Choose a file to import"))?;
        let text = String::from_utf8_lossy(&bytes);
        let looks_html =
            name.ends_with(".html") || name.ends_with(".htm") || text.trim_start().starts_with('<');
        let file = bookmark_file::read(&text, looks_html)
            .map_err(|e| AppError::bad_request(e.to_string()))?;
        bookmark_io::import(&state.store, &state.link_checker, &org, file).await
    }
    .await;
    match outcome {
        Ok(report) => Ok(settings_page(
            &ctx,
            HERE,
            ctx.t("set.data"),
            body(&ctx, &base, Some(&report), None),
        )
        .into_response()),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            Ok((
                status,
                settings_page(
                    &ctx,
                    HERE,
                    ctx.t("set.data"),
                    body(&ctx, &base, None, Some(&message)),
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
