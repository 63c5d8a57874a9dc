//! The web app: server-rendered pages over the same use cases as the JSON API (`app/`).
//!
//! One module per page group; the shared parts are the page shell ([`layout`]), the person
//! and organization a page is for ([`session`]), forms with their CSRF check ([`form`]), the
//! string catalogues ([`i18n`]) and the embedded assets ([`assets`]). Pages never use the JSON
//! API's extractors: those want an `X-CSRF-Token` header, a form carries its token in a field.
//! What the pages share with the API (cookies, the client's address, the go-links' bearer-or-
//! cookie identity) is in [`crate::request`]; the start-up composes both routers.

pub mod admin;
pub mod assets;
pub mod auth;
pub mod chart;
pub mod errors;
pub mod form;
pub mod go_links;
pub mod go_pages;
pub mod i18n;
pub mod icons;
pub mod layout;
pub mod library;
pub mod nav;
pub mod org;
pub mod session;
pub mod settings;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::app::sessions;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::{PageError, PageResult};
use crate::web::form::Form;
use crate::web::session::Signed;

/// What a browser may load on our pages: only our own files; no inline script, no framing.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
    base-uri 'none'; frame-ancestors 'none'";

/// The API reference's policy: Swagger UI's own inline start-up script and styles, nothing from
/// elsewhere, and no framing.
const REFERENCE_CSP: &str = "default-src 'self'; script-src 'self' 'unsafe-inline'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; \
    base-uri 'none'; frame-ancestors 'none'";

/// Every page route.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/assets/{name}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .route("/api/auth/resume", get(session::resume))
        .route("/session/org", post(switch_org))
        .merge(auth::router())
        .merge(library::router())
        .merge(settings::router())
        .merge(admin::router())
        .merge(org::router())
        .with_state(state)
}

/// The page every unknown path outside `/api` answers, in the visitor's language.
pub fn not_found() -> Response {
    PageError::App(AppError::not_found("Not found")).into_response()
}

/// The headers of section 12 on every HTML answer (pages and their errors alike); pages hold
/// personal data, so no shared cache keeps them. Sits around the whole app, so the go-link
/// pages and the 404 page get them too.
pub async fn page_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // The API reference (Swagger UI) boots from an inline script of its own and shows no one's
    // data: it gets a policy of its own that allows that script, and may not be framed either.
    let is_reference = req.uri().path().starts_with("/api-docs");
    let mut res = session::ensure_csrf(&state, req, next).await;
    let is_html = !is_reference
        && res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if is_reference {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(REFERENCE_CSP),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    if is_html {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        h.entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    res
}

#[derive(Deserialize)]
struct SwitchOrg {
    #[serde(rename = "organizationId")]
    organization_id: String,
    redirect: Option<String>,
}

/// The header's organization switcher: the same use case as `POST /api/session/org`.
async fn switch_org(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Form(form): Form<SwitchOrg>,
) -> PageResult {
    sessions::choose_org(&state.store, &user, &form.organization_id).await?;
    let to = nav::safe_path(form.redirect.as_deref().unwrap_or("/"));
    // The page came from the old organization: a bookmark's page would be a 404 in the new one.
    let to = if to.starts_with("/bookmarks/") || to.starts_with("/folders/") {
        "/".to_string()
    } else {
        to
    };
    Ok(nav::see_other(&to))
}
