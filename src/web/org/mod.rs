//! `/organization/…`: the current organization's members, invitations, teams, billing and
//! settings, and `/organizations/new`. Every page calls the same use cases as
//! `/api/organizations/…`, `/api/admin/teams` and `/api/billing/…`, so a page refuses what the
//! API refuses, with the same status; foreign ids are 404 pages.

mod billing;
mod invitations;
mod members;
mod new;
mod settings;
mod teams;

pub use new::joinable;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::Markup;

use crate::app::tenancy::CurrentOrg;
use crate::domain::{OrgRole, Plan};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::{explain, PageError, PageResult};
use crate::web::session::{Ctx, Member};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/organization",
            get(|| async { crate::web::nav::see_other(members::HERE) }),
        )
        .route("/organization/members", get(members::page))
        .route(
            "/organization/members/{user_id}/role",
            post(members::change_role),
        )
        .route(
            "/organization/members/{user_id}/remove",
            post(members::remove),
        )
        .route("/organization/leave", post(members::leave))
        .route(
            "/organization/invitations",
            get(invitations::page).post(invitations::invite),
        )
        .route(
            "/organization/invitations/{id}/resend",
            post(invitations::resend),
        )
        .route(
            "/organization/invitations/{id}/cancel",
            post(invitations::cancel),
        )
        .route("/organization/teams", get(teams::list).post(teams::create))
        .route(
            "/organization/teams/{id}",
            get(teams::page).post(teams::update),
        )
        .route("/organization/teams/{id}/delete", post(teams::delete))
        .route("/organization/teams/{id}/members", post(teams::add_member))
        .route(
            "/organization/teams/{id}/members/{user_id}/remove",
            post(teams::remove_member),
        )
        .route("/organization/billing", get(billing::page))
        .route("/organization/billing/checkout", post(billing::checkout))
        .route("/organization/billing/portal", post(billing::portal))
        .route("/billing", get(billing::back_from_stripe))
        .route(
            "/organization/settings",
            get(settings::page).post(settings::rename),
        )
        .route(settings::AUTO_JOIN, post(settings::auto_join))
        .route("/organization/delete", post(settings::delete))
        .route("/organizations/{id}/join", post(new::join))
        .route("/organizations/new", get(new::page).post(new::create))
}

/// A form with just a name (rename, create an organization).
#[derive(serde::Deserialize)]
pub struct NameForm {
    name: Option<String>,
}

/// A deletion's confirmation: the box ticked (`yes`) or the name typed.
#[derive(serde::Deserialize)]
pub struct ConfirmForm {
    confirm: Option<String>,
}

/// The sections this person may use: everyone sees the members; owners and admins manage
/// invitations, teams and settings; owners in cloud see billing.
fn sections(ctx: &Ctx, org: &CurrentOrg) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![(members::HERE, "org.members")];
    if org.role.can_manage() {
        out.push((invitations::HERE, "org.invitations"));
        out.push((teams::HERE, "org.teams"));
    }
    if ctx.is_cloud && org.role.is_owner() {
        out.push((billing::HERE, "org.billing"));
    }
    if org.role.can_manage() {
        out.push((settings::HERE, "org.settings"));
    }
    out
}

/// An organization page: the organization's name, its sections, and the body.
fn page(m: &Member, current: &str, title: &str, body: Markup) -> Html<String> {
    let secs = sections(&m.ctx, &m.org);
    crate::web::layout::sectioned(&m.ctx, &m.org.org.name, &secs, current, title, body)
}

/// [`page`] with a status (a refused form is drawn again with the status the API answers).
fn answer(status: StatusCode, m: &Member, current: &str, title: &str, body: Markup) -> Response {
    (status, page(m, current, title, body)).into_response()
}

/// A refusal that is a page of its own (404 for a foreign id, 403 without the role, 429 for a
/// rate limit), as the API answers it; `Ok` for those a form shows in its alert.
fn own_page(e: AppError) -> Result<AppError, PageError> {
    match e {
        AppError::NotFound(_) | AppError::Forbidden | AppError::TooManyRequests { .. } => {
            Err(e.into())
        }
        e => Ok(e),
    }
}

/// A refusal to show in a form's alert: its status and sentence; 403 and 404 become pages.
fn refusal(ctx: &Ctx, e: AppError) -> PageResult<(StatusCode, String)> {
    Ok(explain(ctx.lang, own_page(e)?))
}

fn role_label(ctx: &Ctx, role: OrgRole) -> &'static str {
    match role {
        OrgRole::Owner => ctx.t("org.role_owner"),
        OrgRole::Admin => ctx.t("org.role_admin"),
        OrgRole::Member => ctx.t("org.role_member"),
    }
}

fn plan_label(ctx: &Ctx, plan: Plan) -> &'static str {
    match plan {
        Plan::Free => ctx.t("org.plan_free"),
        Plan::Personal => ctx.t("org.plan_personal"),
        Plan::EarlySupporter => ctx.t("org.plan_early_supporter"),
        Plan::Team => ctx.t("org.plan_team"),
    }
}

/// Where a person goes once they are out of an organization: their library in the one they
/// act in now, or the form for a new one when none is left.
async fn after_leaving(
    state: &AppState,
    user: &crate::app::identity::CurrentUser,
    notice: &str,
) -> PageResult {
    let left = crate::app::organizations::list(&state.store, user).await?;
    let to = if left.is_empty() { new::HERE } else { "/" };
    Ok(crate::web::nav::see_other(&crate::web::nav::with_notice(
        to, notice,
    )))
}
