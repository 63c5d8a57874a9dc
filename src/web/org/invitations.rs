//! `/organization/invitations`: "X of Y seats used" (pending invitations hold seats), the invite
//! form, and the pending invitations with resend and cancel. The plan and seat refusals say
//! what to do; a Free-plan organization sees the Team-plan message instead of a form that
//! would fail.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use maud::{html, Markup};
use serde::Deserialize;

use super::{answer, own_page, plan_label, refusal, role_label};
use crate::app::invitations::{self as use_case, Invitee};
use crate::app::organizations;
use crate::domain::{DomainError, OrgRole, Seats, Timestamp};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::PageResult;
use crate::web::form::{Empty, Form};
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::Member;

pub const HERE: &str = "/organization/invitations";

/// The invite form as typed.
#[derive(Deserialize, Default)]
pub struct InviteForm {
    email: Option<String>,
    role: Option<String>,
}

fn seats_full(m: &Member, s: &Seats) -> String {
    let args = [
        ("total", s.total().to_string()),
        ("members", s.used.to_string()),
        ("pending", s.pending.to_string()),
    ];
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    if m.ctx.is_cloud && m.org.role.is_owner() {
        m.ctx.tf("org.seats_full", &args)
    } else {
        m.ctx.tf("org.seats_full_admin", &args)
    }
}

fn needs_team(m: &Member) -> Markup {
    let ctx = &m.ctx;
    let plan = [("plan", plan_label(ctx, m.org.org.plan))];
    html! {
        div.banner role="status" {
            @if m.org.role.is_owner() {
                p { (ctx.tf("org.needs_team_owner", &plan)) }
                p { a.button href=(super::billing::HERE) { (ctx.t("org.to_billing")) } }
            } @else {
                p { (ctx.tf("org.needs_team_admin", &plan)) }
            }
        }
    }
}

fn seats_line(m: &Member, s: &Seats) -> Markup {
    let ctx = &m.ctx;
    let (members, pending) = (s.used.to_string(), s.pending.to_string());
    html! {
        @if m.org.rules.enforced {
            p { strong { (ctx.tf("org.seats_used", &[("used", &(s.used + s.pending).to_string()), ("total", &s.total().to_string())])) } }
            p.muted { (ctx.tf("org.seats_detail", &[("members", &members), ("pending", &pending)])) }
        } @else {
            p.muted { (ctx.tf("org.seats_unlimited", &[("members", &members), ("pending", &pending)])) }
        }
    }
}

fn invite_form(m: &Member, f: &InviteForm, seats: &Seats, error: Option<&str>) -> Markup {
    let ctx = &m.ctx;
    let role = f.role.as_deref().unwrap_or("member");
    html! {
        @if error.is_none() && seats.check_invite(&m.org.rules).is_err() {
            p.banner role="status" { (seats_full(m, seats)) }
        }
        (alert(error))
        form.card-form method="post" action=(HERE) {
            (csrf_field(ctx))
            (Field::new(ctx.t("org.email"), "email").kind("email").value(f.email.as_deref().unwrap_or("")).required().autocomplete("off").render())
            div.field {
                label for="f-role" { (ctx.t("org.role")) }
                select #f-role name="role" aria-describedby="f-role-hint" {
                    option value="member" selected[role == "member"] { (role_label(ctx, OrgRole::Member)) }
                    @if m.org.role.is_owner() {
                        option value="admin" selected[role == "admin"] { (role_label(ctx, OrgRole::Admin)) }
                    }
                }
                small #f-role-hint { (ctx.t("org.invite_role_hint")) }
            }
            div.actions { button type="submit" { (ctx.t("org.invite")) } }
        }
    }
}

async fn render(
    state: &AppState,
    m: &Member,
    status: StatusCode,
    f: &InviteForm,
    error: Option<&str>,
) -> PageResult {
    let ctx = &m.ctx;
    let org = &m.org;
    let pending = use_case::list(&state.store, &org.user, org.id()).await?;
    let seats = organizations::get(&state.store, &org.user, org.id())
        .await?
        .seats;
    let body = html! {
        (seats_line(m, &seats))
        h3 { (ctx.t("org.invite_title")) }
        @if org.rules.check_can_invite().is_err() {
            (needs_team(m))
        } @else {
            (invite_form(m, f, &seats, error))
        }
        h3 { (ctx.t("org.pending_title")) }
        @if pending.is_empty() { p.muted { (ctx.t("org.pending_none")) } }
        ul.provider-list {
            @for i in &pending {
                li.card {
                    h3 { (i.email) }
                    p.muted { (ctx.tf("org.invited_as", &[("role", role_label(ctx, i.role)), ("date", &Timestamp(i.expires_at).date())])) }
                    @if let Some(at) = i.reminded_at {
                        p.muted { (ctx.tf("org.reminded_on", &[("date", &Timestamp(at).date())])) }
                    }
                    div.actions {
                        form.inline method="post" action=(format!("{HERE}/{}/resend", i.id)) {
                            (csrf_field(ctx))
                            button.secondary type="submit" { (ctx.t("org.resend")) span.visually-hidden { " " (i.email) } }
                        }
                        form.inline method="post" action=(format!("{HERE}/{}/cancel", i.id)) {
                            (csrf_field(ctx))
                            button.danger type="submit" { (ctx.t("org.cancel_invitation")) span.visually-hidden { " " (i.email) } }
                        }
                    }
                }
            }
        }
    };
    Ok(answer(status, m, HERE, ctx.t("org.invitations"), body))
}

pub async fn page(State(state): State<AppState>, m: Member) -> PageResult {
    render(&state, &m, StatusCode::OK, &InviteForm::default(), None).await
}

/// A refusal drawn on the page: the plan and seat refusals in words that say what to do.
async fn refused(state: &AppState, m: &Member, f: &InviteForm, e: AppError) -> PageResult {
    let e = own_page(e)?;
    let words = match &e {
        AppError::Domain(DomainError::SeatLimit(s)) => Some(seats_full(m, s)),
        _ => None,
    };
    let (status, message) = refusal(&m.ctx, e)?;
    let message = words.unwrap_or(message);
    render(state, m, status, f, Some(&message)).await
}

pub async fn invite(
    State(state): State<AppState>,
    m: Member,
    Form(f): Form<InviteForm>,
) -> PageResult {
    let org = &m.org;
    state.limits.invitation(org.user_id()).await?;
    let invitee = Invitee::parse(f.email.as_deref(), f.role.as_deref()).map_err(AppError::from);
    let outcome = use_case::invite(
        &state.store,
        &state.outbox(),
        state.plan_policy(),
        &org.user,
        org.id(),
        invitee,
    )
    .await;
    match outcome {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(HERE, "org_invited"))),
        Err(e) => refused(&state, &m, &f, e).await,
    }
}

/// After resend or cancel: back to the list with `notice`, or the refusal drawn on it.
async fn after(
    state: &AppState,
    m: &Member,
    outcome: Result<(), AppError>,
    notice: &str,
) -> PageResult {
    match outcome {
        Ok(()) => Ok(nav::see_other(&nav::with_notice(HERE, notice))),
        Err(e) => refused(state, m, &InviteForm::default(), e).await,
    }
}

pub async fn resend(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    let org = &m.org;
    let sent = use_case::resend(&state.store, &state.outbox(), &org.user, org.id(), &id).await;
    after(&state, &m, sent.map(|_| ()), "org_resent").await
}

pub async fn cancel(
    State(state): State<AppState>,
    m: Member,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    let org = &m.org;
    let cancelled = use_case::cancel(&state.store, &org.user, org.id(), &id).await;
    after(&state, &m, cancelled, "org_cancelled").await
}
