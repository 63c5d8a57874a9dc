//! Password change and two-step sign-in (MFA): enrol with a QR code drawn on the server,
//! backup codes shown once, regenerate, disable.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{html, Markup, PreEscaped};
use serde::Deserialize;

use super::page as settings_page;
use crate::app::{accounts, mfa};
use crate::domain::Password;
use crate::error::AppError;
use crate::request::cookies;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Signed};

const HERE: &str = "/settings/security";

fn password_form(ctx: &Ctx, error: Option<&str>) -> Markup {
    html! {
        h3 { (ctx.t("set.password")) }
        (alert(error))
        form.card-form method="post" action="/settings/password" {
            (csrf_field(ctx))
            (Field::new(ctx.t("set.current_password"), "current_password").kind("password").required().autocomplete("current-password").render())
            (Field::new(ctx.t("auth.new_password"), "password").kind("password").required().autocomplete("new-password").hint(ctx.t("auth.password_hint")).render())
            button type="submit" { (ctx.t("set.change_password")) }
        }
    }
}

fn code_field(ctx: &Ctx, id: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (ctx.t("auth.mfa_code")) }
            input id=(id) name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required;
        }
    }
}

/// The account's password, which turning MFA off and renewing backup codes ask for.
fn password_field(ctx: &Ctx, id: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (ctx.t("set.current_password")) }
            input id=(id) name="password" type="password" autocomplete="current-password" required;
        }
    }
}

async fn mfa_section(
    state: &AppState,
    ctx: &Ctx,
    user_id: &str,
    error: Option<&str>,
) -> Result<Markup, AppError> {
    let status = mfa::status(&state.store, user_id).await?;
    Ok(html! {
        h3 { (ctx.t("set.mfa")) }
        (alert(error))
        @if status.enabled {
            p role="status" { (ctx.tf("set.mfa_on", &[("count", &status.backup_codes_remaining.to_string())])) }
            form.card-form method="post" action="/settings/mfa/backup-codes" {
                (csrf_field(ctx))
                (password_field(ctx, "f-password-regenerate"))
                (code_field(ctx, "f-code-regenerate"))
                button.secondary type="submit" { (ctx.t("set.mfa_regenerate")) }
            }
            form.card-form method="post" action="/settings/mfa/disable" {
                (csrf_field(ctx))
                (password_field(ctx, "f-password-disable"))
                (code_field(ctx, "f-code-disable"))
                button.danger type="submit" { (ctx.t("set.mfa_disable")) }
            }
        } @else {
            p { (ctx.t("set.mfa_off")) }
            form method="post" action="/settings/mfa/begin" {
                (csrf_field(ctx))
                button type="submit" { (ctx.t("set.mfa_enable")) }
            }
        }
    })
}

async fn render(
    state: &AppState,
    ctx: &Ctx,
    user_id: &str,
    pw_error: Option<&str>,
    mfa_error: Option<&str>,
) -> Result<Markup, AppError> {
    Ok(html! {
        (password_form(ctx, pw_error))
        (mfa_section(state, ctx, user_id, mfa_error).await?)
    })
}

fn respond(ctx: &Ctx, status: StatusCode, body: Markup) -> Response {
    (
        status,
        settings_page(ctx, HERE, ctx.t("set.security"), body),
    )
        .into_response()
}

pub async fn page(State(state): State<AppState>, Signed { user, ctx }: Signed) -> PageResult {
    let body = render(&state, &ctx, user.id(), None, None).await?;
    Ok(respond(&ctx, StatusCode::OK, body))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: Option<String>,
    password: Option<String>,
}

pub async fn change_password(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    state.limits.password_change(user.id()).await?;
    let outcome = match Password::parse(f.password.as_deref().unwrap_or("")) {
        Ok(new) => {
            let current = f.current_password.as_deref().unwrap_or("");
            accounts::change_password(&state.store, &state.sessions, &user, current, &new).await
        }
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(issued) => {
            let mut res = nav::see_other(&nav::with_notice(HERE, "password_changed"));
            cookies::add_session(&state, res.headers_mut(), issued);
            Ok(res)
        }
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let body = render(&state, &ctx, user.id(), Some(&message), None).await?;
            Ok(respond(&ctx, status, body))
        }
    }
}

/// The QR code of `text` as an SVG drawn here (nothing a person typed goes into it as markup).
fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(192, 192)
        .quiet_zone(true)
        .build();
    Some(
        svg.find("<svg")
            .map_or(svg.clone(), |i| svg[i..].to_string()),
    )
}

pub async fn begin(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Form(_): Form<Empty>,
) -> PageResult {
    let enrollment = match mfa::begin_enrollment(&state.store, &user).await {
        Ok(e) => e,
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let body = render(&state, &ctx, user.id(), None, Some(&message)).await?;
            return Ok(respond(&ctx, status, body));
        }
    };
    Ok(respond(
        &ctx,
        StatusCode::OK,
        enrol_page(&ctx, &enrollment, None),
    ))
}

fn enrol_page(ctx: &Ctx, e: &mfa::Enrollment, error: Option<&str>) -> Markup {
    html! {
        h3 { (ctx.t("set.mfa_scan")) }
        (alert(error))
        @if let Some(svg) = qr_svg(&e.otpauth_url) {
            figure.qr role="img" aria-label=(ctx.t("set.mfa_qr")) { (PreEscaped(svg)) }
        }
        p { (ctx.t("set.mfa_manual")) }
        p.secret { code #mfa-secret { (e.secret) } }
        form.card-form method="post" action="/settings/mfa/confirm" {
            (csrf_field(ctx))
            input type="hidden" name="secret" value=(e.secret);
            input type="hidden" name="otpauth_url" value=(e.otpauth_url);
            (code_field(ctx, "f-code-confirm"))
            button type="submit" { (ctx.t("set.mfa_confirm")) }
        }
    }
}

fn backup_codes(ctx: &Ctx, codes: &[String]) -> Markup {
    html! {
        div.ok role="status" {
            p { strong { (ctx.t("set.mfa_codes_title")) } }
            p { (ctx.t("set.mfa_codes_lead")) }
            ul.secret #backup-codes { @for c in codes { li { code { (c) } } } }
            button.secondary type="button" data-copy=(codes.join("\n")) data-copied=(ctx.t("lib.copied")) { (ctx.t("lib.copy")) }
        }
        p { a href=(HERE) { (ctx.t("set.done")) } }
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    code: Option<String>,
    secret: Option<String>,
    otpauth_url: Option<String>,
}

pub async fn confirm(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Form(f): Form<ConfirmForm>,
) -> PageResult {
    state.limits.second_factor_of(user.id()).await?;
    let code = f.code.as_deref().unwrap_or("").trim();
    match mfa::confirm_enrollment(&state.store, &user, code).await {
        Ok(codes) => Ok(respond(&ctx, StatusCode::OK, backup_codes(&ctx, &codes))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            // The secret is the one just shown; the enrollment in the database is what counts.
            let again = mfa::Enrollment {
                secret: f.secret.unwrap_or_default(),
                otpauth_url: f.otpauth_url.unwrap_or_default(),
            };
            Ok(respond(
                &ctx,
                status,
                enrol_page(&ctx, &again, Some(&message)),
            ))
        }
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: Option<String>,
    password: Option<String>,
}

pub async fn disable(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Form(f): Form<CodeForm>,
) -> PageResult {
    state.limits.second_factor_of(user.id()).await?;
    match mfa::disable(
        &state.store,
        &user,
        f.code.as_deref().unwrap_or("").trim(),
        f.password.as_deref(),
    )
    .await
    {
        Ok(()) => Ok(nav::see_other(&nav::with_notice(HERE, "mfa_disabled"))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let body = render(&state, &ctx, user.id(), None, Some(&message)).await?;
            Ok(respond(&ctx, status, body))
        }
    }
}

pub async fn regenerate(
    State(state): State<AppState>,
    Signed { user, ctx }: Signed,
    Form(f): Form<CodeForm>,
) -> PageResult {
    state.limits.second_factor_of(user.id()).await?;
    match mfa::regenerate_backup_codes(
        &state.store,
        &user,
        f.code.as_deref().unwrap_or("").trim(),
        f.password.as_deref(),
    )
    .await
    {
        Ok(codes) => Ok(respond(&ctx, StatusCode::OK, backup_codes(&ctx, &codes))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let body = render(&state, &ctx, user.id(), None, Some(&message)).await?;
            Ok(respond(&ctx, status, body))
        }
    }
}
