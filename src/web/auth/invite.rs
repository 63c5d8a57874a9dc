//! `/invite?token=…`, the page every invitation email links to. It shows the organization and
//! who invited; the invited person accepts with one button and lands in that organization;
//! someone signed in with another address is told so and may switch accounts; a signed-out
//! visitor signs in or up with the address filled in and comes back here. Links that no longer
//! work say why.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

use super::page as card_page;
use crate::app::invitation_links::{self, InvitationView, LinkState};
use crate::app::invitations;
use crate::domain::{OrgRole, Timestamp};
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::Form;
use crate::web::layout::{alert, csrf_field};
use crate::web::nav;
use crate::web::session::{Account, Ctx, Signed, Visitor};

#[derive(Deserialize, Default)]
pub struct TokenQuery {
    token: Option<String>,
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn role_name(ctx: &Ctx, role: OrgRole) -> &'static str {
    match role {
        OrgRole::Owner => ctx.t("invite.role_owner"),
        OrgRole::Admin => ctx.t("invite.role_admin"),
        OrgRole::Member => ctx.t("invite.role_member"),
    }
}

/// "Ana invited you to join Acme as a member."
fn lead(ctx: &Ctx, v: &InvitationView) -> String {
    let role = role_name(ctx, v.invitation.role);
    match &v.invited_by {
        Some(who) => ctx.tf(
            "invite.lead_by",
            &[("who", who), ("org", &v.org_name), ("role", role)],
        ),
        None => ctx.tf("invite.lead", &[("org", &v.org_name), ("role", role)]),
    }
}

/// What the invited person can do here, depending on who is looking.
fn actions(ctx: &Ctx, v: &InvitationView, token: &str, cloud: bool) -> Markup {
    let email = v.invitation.email.as_str();
    let here = format!("/invite?token={}", encode(token));
    match &ctx.account {
        Some(a) if a.user.user.email.eq_ignore_ascii_case(email) => {
            let already = a.orgs.iter().any(|m| m.id == v.invitation.org_id);
            html! {
                @if already { p role="status" { (ctx.tf("invite.already_member", &[("org", &v.org_name)])) } }
                form method="post" action="/invite" {
                    (csrf_field(ctx))
                    input type="hidden" name="token" value=(token);
                    button.wrap type="submit" { (ctx.tf("invite.accept", &[("org", &v.org_name)])) }
                }
            }
        }
        Some(a) => wrong_account(ctx, a, email, &here),
        None => {
            let login = format!("/login?email={}&redirect={}", encode(email), encode(&here));
            let signup = if cloud {
                format!("/signup?email={}&redirect={}", encode(email), encode(&here))
            } else {
                format!("/signup?invitation_token={}", encode(token))
            };
            html! {
                p { (ctx.tf("invite.signed_out", &[("email", email)])) }
                div.actions {
                    a.button href=(login) { (ctx.t("invite.sign_in")) }
                    a.button.secondary href=(signup) { (ctx.t("invite.sign_up")) }
                }
            }
        }
    }
}

/// Signed in as someone else: say so, and offer to sign out and in as the invited address.
fn wrong_account(ctx: &Ctx, a: &Account, email: &str, here: &str) -> Markup {
    let then = format!("/login?email={}&redirect={}", encode(email), encode(here));
    html! {
        p.alert role="alert" {
            (ctx.tf("invite.wrong_account", &[("email", email), ("me", &a.user.user.email)]))
        }
        form method="post" action="/logout" {
            (csrf_field(ctx))
            input type="hidden" name="redirect" value=(then);
            button.wrap type="submit" { (ctx.tf("invite.switch_account", &[("email", email)])) }
        }
    }
}

/// A link that no longer works (or never did): why, and what to do.
fn dead(ctx: &Ctx, v: Option<&InvitationView>) -> Response {
    let ask = |v: &InvitationView| match &v.invited_by {
        Some(who) => ctx.tf("invite.ask_who", &[("who", who)]),
        None => ctx.t("invite.ask").to_string(),
    };
    let (status, why) = match v {
        None => (StatusCode::NOT_FOUND, ctx.t("invite.unknown").to_string()),
        Some(v) => {
            let org = v.org_name.as_str();
            let why = match v.state {
                LinkState::Accepted => ctx.tf("invite.used", &[("org", org)]),
                LinkState::Cancelled => {
                    format!("{} {}", ctx.tf("invite.cancelled", &[("org", org)]), ask(v))
                }
                _ => {
                    let date = Timestamp(v.invitation.expires_at).date();
                    format!(
                        "{} {}",
                        ctx.tf("invite.expired", &[("org", org), ("date", &date)]),
                        ask(v)
                    )
                }
            };
            (StatusCode::GONE, why)
        }
    };
    let body = html! {
        p.alert role="alert" { (why) }
        p { a href="/" { (ctx.t("nav.home")) } }
    };
    (status, card_page(ctx, ctx.t("invite.title"), None, body)).into_response()
}

fn show(ctx: &Ctx, v: &InvitationView, token: &str, cloud: bool, error: Option<&str>) -> Markup {
    html! {
        (alert(error))
        p.lead { (lead(ctx, v)) }
        p.muted { (ctx.tf("invite.for", &[("email", &v.invitation.email), ("date", &Timestamp(v.invitation.expires_at).date())])) }
        (actions(ctx, v, token, cloud))
    }
}

pub async fn page(
    State(state): State<AppState>,
    Visitor(ctx): Visitor,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    let token = q.token.unwrap_or_default();
    let v = match invitation_links::look_up(&state.store, &token).await? {
        Some(v) if v.state == LinkState::Open => v,
        other => return Ok(dead(&ctx, other.as_ref())),
    };
    let title = ctx.tf("invite.title_org", &[("org", &v.org_name)]);
    let body = show(&ctx, &v, &token, state.is_cloud(), None);
    Ok(card_page(&ctx, &title, None, body).into_response())
}

#[derive(Deserialize)]
pub struct AcceptForm {
    token: Option<String>,
}

/// Joins with the invitation (the same use case as `POST /api/invitations/accept`) and goes to
/// the organization, now the current one.
pub async fn accept(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Form(form): Form<AcceptForm>,
) -> PageResult {
    let token = form.token.unwrap_or_default();
    match invitations::accept(&state.store, state.plan_policy(), &user, token.trim()).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice("/", "joined"))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let Some(v) = invitation_links::look_up(&state.store, &token).await? else {
                return Ok(dead(&ctx, None));
            };
            if v.state != LinkState::Open {
                return Ok(dead(&ctx, Some(&v)));
            }
            let title = ctx.tf("invite.title_org", &[("org", &v.org_name)]);
            let body = show(&ctx, &v, &token, state.is_cloud(), Some(&message));
            Ok((status, card_page(&ctx, &title, None, body)).into_response())
        }
    }
}
