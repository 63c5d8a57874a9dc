//! First-run setup, sign-in with its second step, and sign-out.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::{page, provider_buttons, redirect_field, signed_in};
use crate::app::accounts::{self, SignUp};
use crate::app::mfa::{self, PENDING_TTL_SECS};
use crate::app::oidc_providers;
use crate::app::sessions::{self, LogIn};
use crate::domain::Email;
use crate::error::AppError;
use crate::request::cookies;
use crate::request::ClientIp;
use crate::state::AppState;
use crate::web::errors::{explain, PageError, PageResult};
use crate::web::form::Form;
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Guest, Visitor};

#[derive(Deserialize, Default)]
pub struct Next {
    redirect: Option<String>,
    email: Option<String>,
    /// Why a sign-in through an OpenID provider came back refused.
    error: Option<String>,
}

impl Next {
    fn to(&self) -> String {
        nav::safe_path(self.redirect.as_deref().unwrap_or("/"))
    }
}

// First-run setup.

#[derive(Deserialize, Default)]
pub struct AccountForm {
    name: Option<String>,
    email: Option<String>,
    password: Option<String>,
}

fn setup_form(ctx: &Ctx, form: &AccountForm, error: Option<&str>) -> maud::Markup {
    html! {
        (alert(error))
        form method="post" action="/setup" {
            (csrf_field(ctx))
            (Field::new(ctx.t("auth.name"), "name").value(form.name.as_deref().unwrap_or("")).required().autocomplete("name").render())
            (Field::new(ctx.t("auth.email"), "email").kind("email").value(form.email.as_deref().unwrap_or("")).required().autocomplete("email").render())
            (Field::new(ctx.t("auth.password"), "password").kind("password").required().autocomplete("new-password").hint(ctx.t("auth.password_hint")).render())
            button type="submit" { (ctx.t("auth.setup_submit")) }
        }
    }
}

async fn needs_setup(state: &AppState) -> Result<bool, PageError> {
    Ok(!accounts::is_set_up(&state.store, state.mode()).await?)
}

pub async fn setup_page(State(state): State<AppState>, Guest(ctx): Guest) -> PageResult {
    if !needs_setup(&state).await? {
        return Ok(nav::see_other("/login"));
    }
    let body = setup_form(&ctx, &AccountForm::default(), None);
    Ok(page(
        &ctx,
        ctx.t("auth.setup_title"),
        Some(ctx.t("auth.setup_lead")),
        body,
    )
    .into_response())
}

pub async fn setup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Guest(ctx): Guest,
    Form(form): Form<AccountForm>,
) -> PageResult {
    state.limits.setup(ip).await?;
    if !needs_setup(&state).await? {
        return Ok(nav::see_other("/login"));
    }
    let parsed = SignUp::parse(
        form.email.as_deref(),
        form.name.as_deref(),
        form.password.as_deref(),
    );
    match accounts::set_up(&state.store, &state.sessions, parsed).await {
        Ok((issued, _)) => Ok(signed_in(&state, issued, &nav::with_notice("/", "welcome"))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let body = setup_form(&ctx, &form, Some(&message));
            let title = ctx.t("auth.setup_title");
            Ok((
                status,
                page(&ctx, title, Some(ctx.t("auth.setup_lead")), body),
            )
                .into_response())
        }
    }
}

// Sign-in.

/// What the sign-in page says about a code `/api/auth/<key>/callback` sent it back with.
fn provider_refusal(ctx: &Ctx, code: &str) -> &'static str {
    match code {
        "no_account" => ctx.t("auth.oidc_no_account"),
        "email_not_verified" => ctx.t("auth.oidc_email_not_verified"),
        "account_not_verified" => ctx.t("auth.oidc_account_not_verified"),
        "access_denied" => ctx.t("auth.oidc_denied"),
        "provider_unavailable" => ctx.t("auth.oidc_unavailable"),
        "invalid_state" => ctx.t("auth.oidc_expired"),
        _ => ctx.t("auth.oidc_failed"),
    }
}

fn login_form(ctx: &Ctx, email: &str, to: &str, error: Option<&str>) -> maud::Markup {
    html! {
        (alert(error))
        form method="post" action="/login" {
            (csrf_field(ctx))
            (redirect_field(to))
            (Field::new(ctx.t("auth.email"), "email").kind("email").value(email).required().autocomplete("username").render())
            (Field::new(ctx.t("auth.password"), "password").kind("password").required().autocomplete("current-password").render())
            div.actions {
                button type="submit" { (ctx.t("auth.login_submit")) }
                a href="/forgot-password" { (ctx.t("auth.forgot_link")) }
            }
        }
        @if ctx.is_cloud {
            p { (ctx.t("auth.no_account")) " " a href="/signup" { (ctx.t("auth.signup_link")) } }
        }
    }
}

pub async fn login_page(
    State(state): State<AppState>,
    Guest(ctx): Guest,
    Query(next): Query<Next>,
) -> PageResult {
    if needs_setup(&state).await? {
        return Ok(nav::see_other("/setup"));
    }
    let to = next.to();
    let error = next
        .error
        .as_deref()
        .map(|code| provider_refusal(&ctx, code));
    let providers = oidc_providers::public_list(&state.store, state.mode()).await?;
    let body = html! {
        (login_form(&ctx, next.email.as_deref().unwrap_or(""), &to, error))
        (provider_buttons(&ctx, &providers, &to))
    };
    Ok(page(&ctx, ctx.t("auth.login_title"), None, body).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: Option<String>,
    password: Option<String>,
    redirect: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Guest(ctx): Guest,
    Form(form): Form<LoginForm>,
) -> PageResult {
    state.limits.sign_in(ip).await?;
    let to = nav::safe_path(form.redirect.as_deref().unwrap_or("/"));
    let email_raw = form.email.clone().unwrap_or_default();
    let outcome = async {
        let email = Email::parse(email_raw.trim())?;
        let password = form.password.as_deref().unwrap_or("");
        if password.is_empty() {
            return Err(AppError::bad_request("Email and password are required"));
        }
        sessions::log_in(&state.store, &state.sessions, &email, password, Some(ip)).await
    }
    .await;
    match outcome {
        Ok(LogIn::SignedIn(issued, _)) => Ok(signed_in(&state, issued, &to)),
        Ok(LogIn::SecondFactor { mfa_token }) => {
            let mut res = nav::see_other(&nav::mfa_url(&to));
            res.headers_mut().append(
                header::SET_COOKIE,
                cookies::mfa_pending_page(&state, mfa_token, PENDING_TTL_SECS),
            );
            Ok(res)
        }
        Err(e) => {
            let unverified = matches!(
                &e,
                AppError::Domain(crate::domain::DomainError::EmailNotVerified)
            );
            let (status, message) = match e {
                AppError::SignInRefused { .. } => (
                    StatusCode::UNAUTHORIZED,
                    ctx.t("auth.wrong_password").to_string(),
                ),
                e => explain(ctx.lang, e),
            };
            let body = html! {
                (login_form(&ctx, &email_raw, &to, Some(&message)))
                @if unverified {
                    form method="post" action="/signup/resend" {
                        (csrf_field(&ctx))
                        input type="hidden" name="email" value=(email_raw);
                        button.secondary type="submit" { (ctx.t("auth.resend_link")) }
                    }
                }
            };
            Ok((status, page(&ctx, ctx.t("auth.login_title"), None, body)).into_response())
        }
    }
}

fn mfa_form(ctx: &Ctx, to: &str, error: Option<&str>) -> maud::Markup {
    html! {
        (alert(error))
        form method="post" action="/mfa" {
            (csrf_field(ctx))
            (redirect_field(to))
            div.field {
                label for="f-code" { (ctx.t("auth.mfa_code")) }
                input #f-code name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                    required autofocus aria-describedby="f-code-hint";
                small #f-code-hint { (ctx.t("auth.mfa_hint")) }
            }
            button type="submit" { (ctx.t("auth.mfa_submit")) }
        }
    }
}

pub async fn mfa_page(
    State(state): State<AppState>,
    Visitor(ctx): Visitor,
    headers: HeaderMap,
    Query(next): Query<Next>,
) -> PageResult {
    let to = next.to();
    let pending = cookies::get(&headers, cookies::MFA_PENDING);
    if mfa::pending_user(&state.jwt, pending.as_deref()).is_err() {
        return Ok(nav::see_other(&nav::login_url(&to)));
    }
    let body = mfa_form(&ctx, &to, None);
    Ok(page(
        &ctx,
        ctx.t("auth.mfa_title"),
        Some(ctx.t("auth.mfa_lead")),
        body,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct MfaForm {
    code: Option<String>,
    redirect: Option<String>,
}

pub async fn mfa(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Visitor(ctx): Visitor,
    headers: HeaderMap,
    Form(form): Form<MfaForm>,
) -> PageResult {
    let to = nav::safe_path(form.redirect.as_deref().unwrap_or("/"));
    let pending = cookies::get(&headers, cookies::MFA_PENDING);
    let Ok(user_id) = mfa::pending_user(&state.jwt, pending.as_deref()) else {
        return Ok(nav::see_other(&nav::login_url(&to)));
    };
    state.limits.second_factor(ip).await?;
    state.limits.second_factor_of(&user_id).await?;
    let code = form.code.as_deref().unwrap_or("").trim().to_string();
    match mfa::complete_sign_in(&state.store, &state.sessions, &user_id, &code, Some(ip)).await {
        Ok((issued, _)) => {
            let mut res = signed_in(&state, issued, &to);
            res.headers_mut()
                .append(header::SET_COOKIE, cookies::clear_mfa_pending_page(&state));
            Ok(res)
        }
        Err(e) => {
            let (status, message) = match e {
                AppError::SignInRefused { .. } => (
                    StatusCode::UNAUTHORIZED,
                    ctx.t("error.INVALID_CODE").to_string(),
                ),
                e => explain(ctx.lang, e),
            };
            let body = mfa_form(&ctx, &to, Some(&message));
            Ok((
                status,
                page(
                    &ctx,
                    ctx.t("auth.mfa_title"),
                    Some(ctx.t("auth.mfa_lead")),
                    body,
                ),
            )
                .into_response())
        }
    }
}

// Sign-out.

#[derive(Deserialize)]
pub struct LogoutForm {
    /// Where to go once signed out (switching accounts for an invitation); else `/login`.
    redirect: Option<String>,
}

/// Ends the session (and the one its refresh token belongs to) and clears the cookies. Works
/// for a stale session too: the point is to leave signed out.
pub async fn logout(
    State(state): State<AppState>,
    Visitor(ctx): Visitor,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> PageResult {
    let session_id = ctx
        .account
        .as_ref()
        .and_then(|a| a.user.credential.session_id().map(str::to_string));
    let refresh = cookies::get(&headers, cookies::REFRESH);
    sessions::log_out(&state.store, session_id.as_deref(), refresh.as_deref()).await?;
    let to = match form.redirect.as_deref() {
        Some(to) => nav::safe_path(to),
        None => nav::with_notice("/login", "signed_out"),
    };
    let mut res: Response = nav::see_other(&to);
    cookies::add_signed_out(&state, res.headers_mut());
    Ok(res)
}
