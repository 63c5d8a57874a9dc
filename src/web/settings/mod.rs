//! `/settings`: profile, security (password, MFA), API tokens, and data (import, export,
//! bookmarklet, and the pages of background imports).

mod data;
mod imports;
mod profile;
mod security;
mod tokens;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use maud::Markup;

use crate::state::AppState;
use crate::web::session::Ctx;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/settings", get(profile::page).post(profile::save))
        .route("/settings/security", get(security::page))
        .route("/settings/password", post(security::change_password))
        .route("/settings/mfa/begin", post(security::begin))
        .route("/settings/mfa/confirm", post(security::confirm))
        .route("/settings/mfa/disable", post(security::disable))
        .route("/settings/mfa/backup-codes", post(security::regenerate))
        .route("/settings/tokens", get(tokens::page).post(tokens::create))
        .route("/settings/tokens/{id}/revoke", post(tokens::revoke))
        .route("/settings/data", get(data::page))
        .route("/settings/data/export", get(data::export))
        .route(
            "/settings/data/import",
            post(data::import).layer(DefaultBodyLimit::max(data::IMPORT_LIMIT)),
        )
        .route("/settings/data/imports/{id}", get(imports::page))
}

/// The settings sections.
const SECTIONS: &[(&str, &str)] = &[
    ("/settings", "set.profile"),
    ("/settings/security", "set.security"),
    ("/settings/tokens", "set.tokens"),
    ("/settings/data", "set.data"),
];

/// A settings page: its heading, the sections, and the body.
fn page(ctx: &Ctx, current: &str, title: &str, body: Markup) -> axum::response::Html<String> {
    crate::web::layout::sectioned(ctx, ctx.t("nav.settings"), SECTIONS, current, title, body)
}
