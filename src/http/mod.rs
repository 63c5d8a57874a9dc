//! The JSON API: one router per resource, merged here; the start-up (`startup::router`) puts it
//! beside the pages and wraps both in the layers every request passes. Routes are registered
//! through `utoipa-axum`, so `/openapi.json` is generated from the same code that routes
//! requests and cannot drift from it.

pub mod admin;
pub mod admin_settings;
pub mod admin_users;
pub mod auth;
pub mod auto_join;
pub mod billing;
pub mod bookmark_history;
pub mod bookmark_io;
pub mod bookmark_list;
pub mod bookmarks;
pub mod dashboard;
pub mod doc_schemas;
pub mod extract;
pub mod fields;
pub mod folders;
pub mod golinks;
pub mod invitations;
pub mod library;
pub mod link_checks;
pub mod members;
pub mod meta;
pub mod metrics;
pub mod mfa;
pub mod oidc;
pub mod oidc_providers;
pub mod openapi;
pub mod organizations;
pub mod password_reset;
pub mod plan_config;
pub mod session;
pub mod signup;
pub mod tags;
pub mod teams;
pub mod tenancy;
pub mod tokens;
pub mod users;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::json;
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::error::AppError;
use crate::state::AppState;

pub use extract::Json;
pub use tenancy::CurrentOrg;

pub use crate::config::BODY_LIMIT;
pub use crate::request::{CurrentUser, MaybeUser};

/// The API's routes, each with its place in the OpenAPI document.
pub fn routes() -> OpenApiRouter<AppState> {
    let mut doc = openapi::ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    OpenApiRouter::with_openapi(doc)
        .merge(meta::router())
        .merge(auth::router())
        .merge(mfa::router())
        .merge(signup::router())
        .merge(password_reset::router())
        .merge(users::router())
        .merge(tokens::router())
        .merge(session::router())
        .merge(organizations::router())
        .merge(auto_join::router())
        .merge(members::router())
        .merge(invitations::router())
        .merge(billing::router())
        .merge(golinks::router())
        .merge(plan_config::router())
        .merge(bookmark_list::router())
        .merge(bookmark_io::router())
        .merge(bookmarks::router())
        .merge(link_checks::router())
        .merge(bookmark_history::router())
        .merge(folders::router())
        .merge(tags::router())
        .merge(teams::router())
        .merge(dashboard::router())
        .merge(admin::router())
        .merge(admin_settings::router())
        .merge(admin_users::router())
        .merge(oidc::router())
        .merge(oidc_providers::router())
}

/// The router of documented `routes` and the finished document describing them (the
/// conventions every operation shares filled in).
pub fn document(routes: OpenApiRouter<AppState>) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = routes.split_for_parts();
    openapi::Conventions.modify(&mut doc);
    (router, doc)
}

/// What an unknown path under `/api` answers.
pub fn not_found() -> Response {
    (StatusCode::NOT_FOUND, Json(json!({"error": "Not found"}))).into_response()
}

/// What a request that panicked answers (pages included: there is no page left to draw).
pub fn panicked() -> Response {
    let body = json!({"error": "Internal server error"});
    (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
}

/// Error responses that axum or a layer produced in plain text (405, 413, 408, …) are given a
/// JSON body under `/api`, so every API error has the same shape.
/// A path holding NUL (`%00`) is refused with 400 before any route reads it: no stored value
/// holds NUL and PostgreSQL cannot take it as a parameter, so a path parameter is checked as a
/// body is ([`extract::parse_body`]), the same on both databases.
pub async fn refuse_nul_in_path(req: Request, next: Next) -> Response {
    if req.uri().path().contains("%00") {
        return AppError::bad_request("The path must not contain NUL (%00)").into_response();
    }
    next.run(req).await
}

pub async fn json_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api");
    let res = next.run(req).await;
    let status = res.status();
    if !is_api || !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return res;
    }
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Request body too large",
        StatusCode::METHOD_NOT_ALLOWED => "Method not allowed",
        StatusCode::REQUEST_TIMEOUT => "Request timed out",
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    let (mut parts, _) = res.into_parts();
    let body = serde_json::to_vec(&json!({ "error": message })).expect("static JSON");
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
