//! `/admin/…`: a self-hosted instance's administration, for its admins. Every page calls the
//! same use cases as `/api/admin/…` and `/api/oidc-providers`, which refuse anyone else.

mod oidc;

use axum::routing::{get, post};
use axum::Router;
use maud::Markup;

use crate::state::AppState;
use crate::web::session::Ctx;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/oidc", get(oidc::page).post(oidc::create))
        .route("/admin/oidc/{id}", get(oidc::edit_page).post(oidc::update))
        .route("/admin/oidc/{id}/delete", post(oidc::delete))
}

/// The administration sections.
const SECTIONS: &[(&str, &str)] = &[("/admin/oidc", "adm.oidc")];

/// An administration page: its heading, the sections, and the body.
fn page(ctx: &Ctx, current: &str, title: &str, body: Markup) -> axum::response::Html<String> {
    crate::web::layout::sectioned(ctx, ctx.t("nav.admin"), SECTIONS, current, title, body)
}
