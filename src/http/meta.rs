//! Health, version, CSRF token, the OpenAPI document and its interactive reference.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::Json;
use crate::request::cookies;
use crate::security::csrf;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(version))
        .routes(routes!(csrf_token))
}

/// `/openapi.json` and the Swagger UI at `/api-docs`, whose files are compiled into the binary.
pub fn docs_router(openapi: utoipa::openapi::OpenApi) -> Router {
    let json = openapi
        .to_pretty_json()
        .expect("the OpenAPI document serializes");
    let docs = swagger_ui_dist::generate_routes(swagger_ui_dist::ApiDefinition {
        uri_prefix: "/api-docs",
        api_definition: swagger_ui_dist::OpenApiSource::Uri("/openapi.json"),
        title: Some("SlugBase API"),
    });
    Router::new()
        .route(
            "/openapi.json",
            get(move || async move { ([(header::CONTENT_TYPE, "application/json")], json) }),
        )
        .merge(docs)
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

/// Whether this instance can reach its database: 200 when the last probe (every half second)
/// got an answer, 503 otherwise. Reads a flag, so it costs no query.
#[utoipa::path(get, path = "/api/health", tag = "meta", security(()),
    responses((status = 200, body = Health),
        (status = 503, description = "The database cannot be reached", body = crate::error::ErrorBody)))]
async fn health(State(state): State<AppState>) -> Response {
    if state.store.reachable().get() {
        Json(Health { status: "ok" }).into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(crate::error::unavailable_body()),
        )
            .into_response()
    }
}

#[derive(Serialize, ToSchema)]
pub struct Version {
    version: &'static str,
    commit: Option<&'static str>,
    mode: &'static str,
}

#[utoipa::path(get, path = "/api/version", tag = "meta", security(()),
    responses((status = 200, body = Version)))]
async fn version(State(state): State<AppState>) -> Json<Version> {
    Json(Version {
        version: env!("CARGO_PKG_VERSION"),
        commit: option_env!("SLUGBASE_COMMIT"),
        mode: state.mode().as_str(),
    })
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CsrfToken {
    csrf_token: String,
}

/// A CSRF token, also set as a cookie. Cookie-authenticated writes send it back in `X-CSRF-Token`.
/// It is bound to the session the `token` cookie signs in to (or to none), so fetch a new one
/// after signing in or out.
#[utoipa::path(get, path = "/api/csrf-token", tag = "meta", security(()),
    responses((status = 200, body = CsrfToken)))]
async fn csrf_token(State(state): State<AppState>, headers: HeaderMap) -> impl IntoResponse {
    let session = cookies::csrf_session(&state, &headers);
    let token = csrf::issue(&state.csrf_secret, session.as_deref());
    (
        [(header::SET_COOKIE, cookies::csrf(&state, token.clone()))],
        Json(CsrfToken { csrf_token: token }),
    )
}
