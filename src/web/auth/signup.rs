//! `/signup`. In the cloud anyone opens an account (verified by an emailed link, which comes
//! back to `redirect` in the same browser: the invitation sign-up started from). Self-hosted,
//! accounts come from an administrator or an invitation: `/signup?invitation_token=…` creates
//! the account for the invited address, already verified, in that organization.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::{page, provider_buttons, redirect_field, signed_in};
use crate::app::accounts::{self, SignUp};
use crate::app::email_links;
use crate::app::invitation_links::{self, LinkState};
use crate::app::{invited_signup, oidc_providers};
use crate::domain::Email;
use crate::request::cookies;
use crate::request::ClientIp;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::Form;
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Guest, Visitor};

#[derive(Deserialize, Default)]
pub struct SignupForm {
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
    redirect: Option<String>,
    invitation_token: Option<String>,
}

impl SignupForm {
    fn to(&self) -> String {
        nav::safe_path(self.redirect.as_deref().unwrap_or("/"))
    }

    fn token(&self) -> Option<&str> {
        self.invitation_token.as_deref().filter(|t| !t.is_empty())
    }
}

fn signup_form(ctx: &Ctx, form: &SignupForm, error: Option<&str>) -> maud::Markup {
    let to = form.to();
    let login = if to == "/" {
        "/login".to_string()
    } else {
        nav::login_url(&to)
    };
    html! {
        (alert(error))
        form method="post" action="/signup" {
            (csrf_field(ctx))
            (redirect_field(&to))
            @if let Some(token) = form.token() {
                input type="hidden" name="invitation_token" value=(token);
            }
            (Field::new(ctx.t("auth.name"), "name").value(form.name.as_deref().unwrap_or("")).required().autocomplete("name").render())
            (Field::new(ctx.t("auth.email"), "email").kind("email").value(form.email.as_deref().unwrap_or("")).required().autocomplete("email").render())
            (Field::new(ctx.t("auth.password"), "password").kind("password").required().autocomplete("new-password").hint(ctx.t("auth.password_hint")).render())
            button type="submit" { (ctx.t("auth.signup_submit")) }
        }
        p { (ctx.t("auth.have_account")) " " a href=(login) { (ctx.t("auth.login_link")) } }
    }
}

#[derive(Deserialize, Default)]
pub struct Prefill {
    email: Option<String>,
    redirect: Option<String>,
    invitation_token: Option<String>,
}

fn show(
    ctx: &Ctx,
    form: &SignupForm,
    providers: &[crate::store::oidc::Provider],
    error: Option<&str>,
) -> maud::Markup {
    html! {
        (signup_form(ctx, form, error))
        (provider_buttons(ctx, providers, &form.to()))
    }
}

pub async fn signup_page(
    State(state): State<AppState>,
    Guest(ctx): Guest,
    Query(prefill): Query<Prefill>,
) -> PageResult {
    let mut form = SignupForm {
        email: prefill.email,
        redirect: prefill.redirect,
        invitation_token: prefill.invitation_token,
        ..Default::default()
    };
    if !state.is_cloud() {
        // Self-hosted: only the invited address can sign up, with its invitation.
        let view = match form.token() {
            Some(t) => invitation_links::look_up(&state.store, t).await?,
            None => None,
        };
        match (view, form.token()) {
            (Some(v), Some(t)) if v.state == LinkState::Open => {
                // A provider sign-in instead comes back to the invitation to accept it.
                let token: String = url::form_urlencoded::byte_serialize(t.as_bytes()).collect();
                form.redirect = Some(format!("/invite?token={token}"));
                form.email = Some(v.invitation.email);
            }
            _ => return Ok(invitation_only(&ctx)),
        }
    }
    let providers = oidc_providers::public_list(&state.store, state.mode()).await?;
    let body = show(&ctx, &form, &providers, None);
    let lead = if state.is_cloud() {
        ctx.t("auth.signup_lead")
    } else {
        ctx.t("auth.signup_invited_lead")
    };
    Ok(page(&ctx, ctx.t("auth.signup_title"), Some(lead), body).into_response())
}

/// Self-hosted sign-up without a working invitation.
fn invitation_only(ctx: &Ctx) -> Response {
    let body = html! {
        p role="status" { (ctx.t("auth.signup_by_invitation")) }
        p { a href="/login" { (ctx.t("auth.login_link")) } }
    };
    page(ctx, ctx.t("auth.signup_title"), None, body).into_response()
}

pub async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Guest(ctx): Guest,
    Form(form): Form<SignupForm>,
) -> PageResult {
    state.limits.sign_up(ip).await?;
    let parsed = SignUp::parse(
        form.email.as_deref(),
        form.name.as_deref(),
        form.password.as_deref(),
    );
    let outcome = match form.token() {
        Some(token) => invited_signup::register(
            &state.store,
            &state.sessions,
            state.plan_policy(),
            parsed,
            token,
            Some(ip),
        )
        .await
        .map(Some),
        None if state.is_cloud() => {
            accounts::register(&state.store, &state.outbox(), state.mode(), parsed)
                .await
                .map(|()| None)
        }
        None => {
            let mut res = invitation_only(&ctx);
            *res.status_mut() = axum::http::StatusCode::FORBIDDEN;
            return Ok(res);
        }
    };
    match outcome {
        Ok(Some((issued, _))) => Ok(signed_in(&state, issued, &nav::with_notice("/", "joined"))),
        Ok(None) => {
            let mut res = check_your_email(&ctx, form.email.as_deref().unwrap_or(""));
            let to = form.to();
            if to != "/" {
                res.headers_mut()
                    .append(header::SET_COOKIE, cookies::after_verify(&state, &to));
            }
            Ok(res)
        }
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let providers = oidc_providers::public_list(&state.store, state.mode()).await?;
            let shown = SignupForm {
                password: None,
                ..form
            };
            let body = show(&ctx, &shown, &providers, Some(&message));
            let title = ctx.t("auth.signup_title");
            Ok((status, page(&ctx, title, None, body)).into_response())
        }
    }
}

pub(super) fn check_your_email(ctx: &Ctx, email: &str) -> Response {
    let body = html! {
        p role="status" { (ctx.tf("auth.check_email", &[("email", email)])) }
        form method="post" action="/signup/resend" {
            (csrf_field(ctx))
            input type="hidden" name="email" value=(email);
            button.secondary type="submit" { (ctx.t("auth.resend_link")) }
        }
    };
    page(ctx, ctx.t("auth.check_email_title"), None, body).into_response()
}

#[derive(Deserialize)]
pub struct ResendForm {
    email: Option<String>,
}

/// Sends a new verification link; answers the same whether or not the address has an
/// unverified account.
pub async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Visitor(ctx): Visitor,
    Form(form): Form<ResendForm>,
) -> PageResult {
    state.limits.verification_resend(ip).await?;
    let raw = form.email.unwrap_or_default();
    let email = Email::parse(raw.trim())?;
    email_links::request_signup_resend(&state.store, &state.outbox(), &email).await?;
    Ok(check_your_email(&ctx, email.as_str()))
}
