//! `GET /api/bookmarks/export` and `POST /api/bookmarks/import`: the caller's own bookmarks in
//! the current organization, as SlugBase JSON or as the Netscape bookmark HTML browsers use.
//! `POST /api/bookmarks/import?background=true` queues a large file as a job instead, whose
//! progress `GET /api/bookmarks/import/{jobId}` tells.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::bookmark_io::{self, ImportReport};
use crate::app::import_jobs::{self, ImportJob, Upload};
use crate::domain::bookmark_file;
use crate::domain::bookmark_file::json::JsonBookmark;
use crate::error::{AppError, Result};
use crate::http::fields;
use crate::http::CurrentOrg;
use crate::http::Json;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    // The import takes whole browser files; every other route keeps the small limit.
    let import =
        OpenApiRouter::new()
            .routes(routes!(import))
            .layer(axum::extract::DefaultBodyLimit::max(
                crate::config::IMPORT_BODY_LIMIT,
            ));
    OpenApiRouter::new()
        .routes(routes!(export))
        .routes(routes!(import_job))
        .merge(import)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `json` (default) or `html` (Netscape bookmark file), in any letter case; empty reads as
    /// the default.
    #[param(nullable = false, value_type = Option<String>,
        pattern = "^\\s*([Jj][Ss][Oo][Nn]|[Hh][Tt][Mm][Ll])?\\s*$")]
    format: Option<String>,
}

/// Downloads the caller's own bookmarks in the current organization (not those shared with
/// them), with their tags and folders: as a JSON array, or as a Netscape bookmark file that
/// browsers import (a bookmark in several folders appears under each; `SHORTCUTURL` is the slug).
#[utoipa::path(get, path = "/api/bookmarks/export", tag = "bookmarks", params(ExportQuery),
    responses(
        (status = 200, description = "An attachment named slugbase-bookmarks.json or .html", content(
            (Vec<JsonBookmark> = "application/json"),
            (String = "text/html"))),
        (status = 400, description = "Unknown format"), (status = 401)))]
async fn export(
    State(state): State<AppState>,
    org: CurrentOrg,
    Query(query): Query<ExportQuery>,
) -> Result<Response> {
    let html = match query.format.as_deref().map(str::trim) {
        None | Some("") => false,
        Some(f) if f.eq_ignore_ascii_case("json") => false,
        Some(f) if f.eq_ignore_ascii_case("html") => true,
        Some(_) => return Err(AppError::bad_request("format must be json or html")),
    };
    let mut db = state.store.read().await?;
    let exported = bookmark_io::export(&mut db.conn(), org.id(), org.user_id()).await?;
    let (body, content_type, extension) = bookmark_io::export_file(exported, html)?;
    let disposition = format!("attachment; filename=\"slugbase-bookmarks.{extension}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// The JSON bodies `POST /api/bookmarks/import` takes (for the OpenAPI document; the body is read
/// by hand so that each bookmark can fail on its own).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ImportJson {
    /// A SlugBase JSON export.
    Export(Vec<JsonBookmark>),
    /// The same, as the published SlugBase web app sends it.
    Wrapped { bookmarks: Vec<JsonBookmark> },
    /// A file's text as it is: `format` is `json` or `html`.
    File { format: String, content: String },
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: queue the file as a background job and answer 202 at once; `false` or absent:
    /// import it now and answer with the report.
    #[param(schema_with = background_schema)]
    background: Option<String>,
}

fn background_schema() -> RefOr<Schema> {
    fields::or_blank(fields::boolean())
}

/// The answer to a queued import.
#[derive(Serialize, ToSchema)]
pub struct ImportJobStarted {
    pub job_id: String,
    /// Where its progress is read (also in `Location`).
    pub status_url: String,
    pub job: ImportJob,
}

/// Adds bookmarks from a file to the caller's own in the current organization. Send a SlugBase
/// JSON export as `application/json`, a browser's bookmark file as `text/html`, or either
/// file's text as `{"format": "json"|"html", "content": "…"}`.
///
/// Files up to 64 MiB and 100,000 bookmarks are taken. A link the caller already has (same
/// URL) is counted in `already_there` and not added again; the same link twice in the file is
/// one bookmark in all its folders (`merged`); a keyword that is not a valid slug, or is
/// taken, costs only the slug (`kept_without_slug`). Those two are only counted; `items` lists
/// the items that need a look.
///
/// Folders keep their tree: each folder of a browser's file (empty ones too) is put inside its
/// parent, matching the caller's folder of the same name in the same place ignoring case, and
/// made when missing; a JSON file's `folder_paths` are read the same way. Tags are matched by
/// name. Importing the same file again adds nothing. Each bookmark that cannot be added
/// (invalid URL, title or slug, the Free plan's limit) is listed in `errors` with its position;
/// the others are added. A body that is not a bookmark file is a 400 and adds nothing.
///
/// Without `background` the import runs in one transaction and answers with its report. With
/// `background=true` the file is checked, queued, and answered with 202 and the job at once;
/// the job writes it in batches, and `GET /api/bookmarks/import/{jobId}` tells its progress
/// (at most three jobs per person wait or run at once: 429 beyond).
#[utoipa::path(post, path = "/api/bookmarks/import", tag = "bookmarks", params(ImportQuery),
    request_body(content(
        (ImportJson = "application/json"),
        (String = "text/html"))),
    responses(
        (status = 200, body = ImportReport),
        (status = 202, body = ImportJobStarted, description = "Queued (`background=true`)",
            headers(("Location" = String, description = "The job's status URL"))),
        (status = 400, description = "Empty, not JSON, not a bookmark file, or too many bookmarks"),
        (status = 401), (status = 413, description = "Body over 64 MiB"),
        (status = 415, description = "Content-Type is neither application/json nor text/html"),
        (status = 429, description = "Three background imports of the caller are under way")))]
async fn import(
    State(state): State<AppState>,
    org: CurrentOrg,
    Query(query): Query<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let background = match query.background.as_deref().map(str::trim) {
        None | Some("") | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(_) => return Err(AppError::bad_request("background must be true or false")),
    };
    let is_html = if body.iter().all(u8::is_ascii_whitespace) {
        false // `read` refuses it as empty, whatever its type.
    } else {
        is_html(&headers)?
    };
    let text = String::from_utf8_lossy(&body);
    if background {
        let upload = Upload {
            file_name: None,
            text: text.into_owned(),
            is_html,
        };
        let job = import_jobs::start(&state.store, &state.imports, &org, upload).await?;
        let status_url = format!("/api/bookmarks/import/{}", job.id);
        let started = ImportJobStarted {
            job_id: job.id.clone(),
            status_url: status_url.clone(),
            job,
        };
        return Ok((
            StatusCode::ACCEPTED,
            [(header::LOCATION, status_url)],
            Json(started),
        )
            .into_response());
    }
    let file =
        bookmark_file::read(&text, is_html).map_err(|e| AppError::bad_request(e.to_string()))?;
    let report = bookmark_io::import(&state.store, &state.link_checker, &org, file).await?;
    Ok(Json(report).into_response())
}

/// A background import of the caller's in the current organization: its status, the counts
/// so far (`read` of `total` items; added, already there, merged, failed), and its report,
/// complete once `status` is `done`. Poll it until `status` is `done` or `failed`. Another
/// person's job, or one of the caller's in another organization, is a 404.
#[utoipa::path(get, path = "/api/bookmarks/import/{jobId}", tag = "bookmarks",
    params(("jobId" = String, Path)),
    responses((status = 200, body = ImportJob), (status = 401), (status = 404)))]
async fn import_job(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(job_id): Path<String>,
) -> Result<Json<ImportJob>> {
    Ok(Json(import_jobs::view(&state.store, &org, &job_id).await?))
}

/// Whether the body is HTML (`text/html`) or JSON; any other type is refused.
fn is_html(headers: &HeaderMap) -> Result<bool> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match media.as_str() {
        "text/html" => Ok(true),
        m if m == "application/json" || m.ends_with("+json") => Ok(false),
        _ => Err(AppError::UnsupportedBookmarkFile),
    }
}
