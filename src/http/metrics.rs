//! `GET /metrics` for Prometheus, and the layer that counts every request for it.
//!
//! Not part of the JSON API (a scraper speaks the text format, not the contract), so it is
//! routed beside the API rather than through it and stays out of `/openapi.json`.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::error::AppError;
use crate::metrics::{self, Gauges};
use crate::security::constant_time_eq;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .with_state(state)
}

/// Every metric; with `METRICS_TOKEN` set, only for `Authorization: Bearer <that token>`.
async fn scrape(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = state
        .config
        .metrics_token
        .as_deref()
        .filter(|t| !t.is_empty())
    {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !constant_time_eq(given.as_bytes(), token.as_bytes()) {
            let mut res = AppError::Unauthorized.into_response();
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return res;
        }
    }
    let pool = state.store.pool_use();
    let text = metrics::render(Gauges {
        pool_size: pool.size,
        pool_idle: pool.idle,
        pool_max: pool.max,
        database_up: state.store.reachable().get(),
        visits_pending: state.access_counter.pending_len(),
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(metrics::CONTENT_TYPE),
        )],
        text,
    )
        .into_response()
}

/// Counts the request by method, route template and status, and times it. Requests that
/// matched no route (the 404 fallback) share the route `unmatched`, so a scan of random paths
/// cannot grow the number of series.
/// With `SERVER_TIMING` on: the answer says how many SQL statements it took and how long it ran,
/// as `Server-Timing: db;desc="7 statements", app;dur=3.21` (browsers' developer tools show it).
pub async fn server_timing(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let (mut res, statements) = crate::store::statements::counted(next.run(req)).await;
    let value = format!(
        "db;desc=\"{statements} statements\", app;dur={:.2}",
        started.elapsed().as_secs_f64() * 1000.0
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&value) {
        res.headers_mut().insert("server-timing", v);
    }
    res
}

pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    // An `Arc<str>` inside: cloning it is a reference count, not a copy of the path.
    let route = req.extensions().get::<MatchedPath>().cloned();
    let res = next.run(req).await;
    metrics::request(
        method.as_str(),
        route.as_ref().map_or("unmatched", MatchedPath::as_str),
        res.status().as_str(),
        started.elapsed(),
    );
    res
}
