//! `/organization/members`: everyone in the organization with their role; owners change roles,
//! owners and admins remove people, anyone leaves. The last-owner rule is explained in words.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::{html, Markup};
use serde::Deserialize;

use super::{after_leaving, answer, own_page, refusal, role_label};
use crate::app::members as use_case;
use crate::domain::{DomainError, OrgRole, Timestamp};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::orgs;
use crate::web::errors::PageResult;
use crate::web::form::{Empty, Form};
use crate::web::layout::{alert, csrf_field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

pub const HERE: &str = "/organization/members";

fn role_form(ctx: &Ctx, p: &orgs::Member) -> Markup {
    let id = format!("role-{}", p.user_id);
    html! {
        form.row method="post" action=(format!("{HERE}/{}/role", p.user_id)) {
            (csrf_field(ctx))
            div.field {
                label for=(id) { (ctx.t("org.role")) span.visually-hidden { " " (p.name) } }
                select id=(id) name="role" {
                    @for r in [OrgRole::Member, OrgRole::Admin, OrgRole::Owner] {
                        option value=(r.as_str()) selected[r == p.role] { (role_label(ctx, r)) }
                    }
                }
            }
            button.secondary type="submit" { (ctx.t("org.change_role")) span.visually-hidden { " " (p.name) } }
        }
    }
}

fn person(ctx: &Ctx, viewer: OrgRole, me: &str, p: &orgs::Member) -> Markup {
    let mine = p.user_id == me;
    // Admins cannot remove owners and nobody removes themselves (the use case refuses both):
    // no button that can only fail.
    let removable = viewer.can_manage() && !mine && (viewer.is_owner() || !p.role.is_owner());
    html! {
        li.card {
            h3 { (p.name) " " span.badge { (role_label(ctx, p.role)) }
                @if mine { " " span.badge { (ctx.t("org.you")) } } }
            p.url { (p.email) }
            p.muted { (ctx.tf("org.joined", &[("date", &Timestamp(p.joined_at).date())])) }
            @if viewer.is_owner() { (role_form(ctx, p)) }
            @if removable {
                form.inline method="post" action=(format!("{HERE}/{}/remove", p.user_id)) {
                    (csrf_field(ctx))
                    button.danger type="submit" { (ctx.t("org.remove")) span.visually-hidden { " " (p.name) } }
                }
            }
        }
    }
}

async fn render(
    state: &AppState,
    m: &Member,
    status: StatusCode,
    error: Option<&str>,
) -> PageResult {
    let ctx = &m.ctx;
    let people = use_case::list(&state.store, &m.org.user, m.org.id()).await?;
    let body = html! {
        (alert(error))
        ul.provider-list { @for p in &people { (person(ctx, m.org.role, m.org.user_id(), p)) } }
        @if m.org.role.can_manage() { p.muted { (ctx.t("org.remove_lead")) } }
        h3 { (ctx.t("org.leave_title")) }
        p.muted { (ctx.t("org.leave_lead")) }
        form.inline method="post" action="/organization/leave" {
            (csrf_field(ctx))
            button.danger type="submit" { (ctx.tf("org.leave", &[("name", &m.org.org.name)])) }
        }
        p { a href=(super::new::HERE) { (ctx.t("org.new_link")) } }
    };
    Ok(answer(status, m, HERE, ctx.t("org.members"), body))
}

pub async fn page(State(state): State<AppState>, m: Member) -> PageResult {
    render(&state, &m, StatusCode::OK, None).await
}

/// A refusal drawn on the members page; the last-owner rule in the words of what was tried.
async fn refused(state: &AppState, m: &Member, e: AppError, last_owner: &str) -> PageResult {
    let ctx = &m.ctx;
    let e = own_page(e)?;
    let words = match &e {
        AppError::Domain(DomainError::LastOwner(why)) if why.contains("only member") => {
            Some(ctx.t("org.only_member_leave"))
        }
        AppError::Domain(DomainError::LastOwner(_)) => Some(last_owner),
        _ => None,
    };
    let (status, message) = refusal(ctx, e)?;
    render(state, m, status, Some(words.unwrap_or(&message))).await
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: Option<String>,
}

pub async fn change_role(
    State(state): State<AppState>,
    m: Member,
    Path(user_id): Path<String>,
    Form(f): Form<RoleForm>,
) -> PageResult {
    let role = OrgRole::parse_given(f.role.as_deref()).map_err(Into::into);
    let org = &m.org;
    match use_case::change_role(&state.store, &org.user, org.id(), &user_id, role).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(HERE, "org_role_changed"))),
        Err(e) => refused(&state, &m, e, m.ctx.t("org.last_owner_demote")).await,
    }
}

pub async fn remove(
    State(state): State<AppState>,
    m: Member,
    Path(user_id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    let org = &m.org;
    match use_case::remove(&state.store, &org.user, org.id(), &user_id).await {
        Ok(()) => Ok(nav::see_other(&nav::with_notice(
            HERE,
            "org_member_removed",
        ))),
        Err(e) => refused(&state, &m, e, m.ctx.t("org.last_owner_remove")).await,
    }
}

pub async fn leave(State(state): State<AppState>, m: Member, Form(_): Form<Empty>) -> PageResult {
    let org = &m.org;
    match use_case::leave(&state.store, &org.user, org.id()).await {
        Ok(()) => after_leaving(&state, &org.user, "org_left").await,
        Err(e) => refused(&state, &m, e, m.ctx.t("org.last_owner_leave")).await,
    }
}
