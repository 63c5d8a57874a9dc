//! `/admin/…`: a self-hosted instance's administration, for its admins. Every page calls the
//! same use cases as `/api/admin/…` and `/api/oidc-providers`, which refuse anyone else.

mod audit_log;
mod email;
mod oidc;
mod settings;
mod users;

use axum::routing::{get, post};
use axum::Router;
use maud::Markup;

use crate::state::AppState;
use crate::web::session::Ctx;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin",
            get(|| async { crate::web::nav::see_other("/admin/users") }),
        )
        .route("/admin/users", get(users::page).post(users::create))
        .route(
            "/admin/users/{id}",
            get(users::edit_page).post(users::update),
        )
        .route("/admin/users/{id}/delete", post(users::delete))
        .route(
            "/admin/users/{id}/resend-invite",
            post(users::resend_invite),
        )
        .route("/admin/audit-log", get(audit_log::page))
        .route("/admin/settings", get(settings::page).post(settings::save))
        .route("/admin/settings/{key}/delete", post(settings::delete))
        .route("/admin/email", get(email::page).post(email::save))
        .route("/admin/email/test", post(email::test))
        .route("/admin/oidc", get(oidc::page).post(oidc::create))
        .route("/admin/oidc/{id}", get(oidc::edit_page).post(oidc::update))
        .route("/admin/oidc/{id}/delete", post(oidc::delete))
}

/// The administration sections.
const SECTIONS: &[(&str, &str)] = &[
    ("/admin/users", "adm.users"),
    ("/admin/audit-log", "adm.log"),
    ("/admin/settings", "adm.settings"),
    ("/admin/email", "adm.email"),
    ("/admin/oidc", "adm.oidc"),
];

/// An administration page: its heading, the sections, and the body.
fn page(ctx: &Ctx, current: &str, title: &str, body: Markup) -> axum::response::Html<String> {
    crate::web::layout::sectioned(ctx, ctx.t("nav.admin"), SECTIONS, current, title, body)
}
