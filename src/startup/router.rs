//! The whole application as one router: the JSON API and its document (`http`), the go-links
//! and the pages (`web`), `/metrics`, and the layers every request passes. The adapters are
//! siblings that never import each other; they meet here.

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::BODY_LIMIT;
use crate::state::AppState;
use crate::{http, web};

/// The whole application for `state`.
pub fn build_app(state: AppState) -> Router {
    // The go-links answer bearer credentials too, so the API's document describes them.
    let (api, openapi) = http::document(http::routes().merge(web::go_links::router()));
    let timed = state.config.server_timing;
    let app = api
        .with_state(state.clone())
        .merge(http::meta::docs_router(openapi))
        .merge(web::router(state.clone()))
        .merge(http::metrics::router(state.clone()))
        .fallback(not_found)
        .layer(middleware::from_fn(http::json_errors))
        .layer(middleware::from_fn(http::refuse_nul_in_path))
        .layer(middleware::from_fn_with_state(state, web::page_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(CatchPanicLayer::custom(|_| http::panicked()));
    let app = if timed {
        app.layer(middleware::from_fn(http::metrics::server_timing))
    } else {
        app
    };
    app
        // Outside the others, so what it counts and times is what the client got.
        .layer(middleware::from_fn(http::metrics::track))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
}

/// The span every request's logs carry: method, path (never the query string: it may carry
/// tokens), the route that matched, and — filled in by the identity and tenancy extractors once
/// known — the user and organization.
fn request_span(req: &Request) -> tracing::Span {
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("-", axum::extract::MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        route,
        user_id = tracing::field::Empty,
        org_id = tracing::field::Empty,
    )
}

/// An unknown path: JSON under `/api`, the page elsewhere.
async fn not_found(req: Request) -> Response {
    if req.uri().path().starts_with("/api") {
        http::not_found()
    } else {
        web::not_found()
    }
}
