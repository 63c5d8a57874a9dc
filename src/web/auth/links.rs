//! The pages emailed links open: verify the address, confirm an email change, and reset a
//! forgotten password.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::{page, signed_in};
use crate::app::email_links::{self, LinkCheck};
use crate::app::sessions;
use crate::domain::{Email, Password};
use crate::error::AppError;
use crate::request::cookies;
use crate::request::ClientIp;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::Form;
use crate::web::layout::{alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Guest, Visitor};

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// A link that no longer works: said plainly, with what to do instead.
fn dead_link(ctx: &Ctx, title: &str, why: &str, next: maud::Markup) -> Response {
    let body = html! { p.alert role="alert" { (why) } (next) };
    (StatusCode::BAD_REQUEST, page(ctx, title, None, body)).into_response()
}

/// `/verify-email?token=…`: the sign-up link. It verifies the address and signs the person in.
pub async fn verify_email(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Visitor(ctx): Visitor,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    state.limits.email_verification(ip).await?;
    let token = q.token.unwrap_or_default();
    match email_links::verify_signup(&state.store, &token).await {
        Ok(user_id) if ctx.account.is_some() => {
            // Someone is signed in here already: the link verifies its address, and the
            // browser stays whoever it was (it never becomes the link's account unasked).
            let same = ctx.account.as_ref().is_some_and(|a| a.user.id() == user_id);
            let notice = if same { "verified" } else { "verified_other" };
            Ok(nav::see_other(&nav::with_notice("/", notice)))
        }
        Ok(user_id) => {
            let (issued, _) = sessions::start_for(
                &state.store,
                &state.sessions,
                &user_id,
                sessions::SignedInBy::new("email_link", Some(ip)),
            )
            .await?;
            // Back to where sign-up started in this browser (an invitation), else home.
            let to = cookies::read_after_verify(&headers)
                .map_or_else(|| "/".into(), |p| nav::safe_path(&p));
            let mut res = signed_in(&state, issued, &nav::with_notice(&to, "verified"));
            res.headers_mut()
                .append(header::SET_COOKIE, cookies::clear_after_verify(&state));
            Ok(res)
        }
        Err(AppError::BadRequest(_)) => {
            let status = email_links::signup_status(&state.store, &token).await?;
            if status.status == "invalid" {
                // Not a sign-up link: the link confirming a new email address comes here too
                // (the original SlugBase sends both to `/verify-email`).
                return confirm_email(
                    State(state),
                    Visitor(ctx),
                    Query(TokenQuery { token: Some(token) }),
                )
                .await;
            }
            let (why, next) = match status.status {
                "used" => (
                    ctx.t("auth.link_used"),
                    html! { p { a href="/login" { (ctx.t("auth.login_link")) } } },
                ),
                _ => (
                    ctx.t("auth.link_expired"),
                    html! {
                        form method="post" action="/signup/resend" {
                            (csrf_field(&ctx))
                            (Field::new(ctx.t("auth.email"), "email").kind("email").value(status.email.as_deref().unwrap_or("")).required().autocomplete("email").render())
                            button type="submit" { (ctx.t("auth.resend_link")) }
                        }
                    },
                ),
            };
            Ok(dead_link(&ctx, ctx.t("auth.verify_title"), why, next))
        }
        Err(e) => Err(e.into()),
    }
}

/// `/confirm-email?token=…`: the link an email change sends to the new address.
pub async fn confirm_email(
    State(state): State<AppState>,
    Visitor(ctx): Visitor,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    let token = q.token.unwrap_or_default();
    match email_links::confirm_email_change(&state.store, &token).await {
        Ok(_) => {
            let to = if ctx.account.is_some() {
                "/settings"
            } else {
                "/login"
            };
            Ok(nav::see_other(&nav::with_notice(to, "email_changed")))
        }
        Err(AppError::BadRequest(why))
        | Err(AppError::Domain(crate::domain::DomainError::Duplicate(why))) => {
            let why = if why.contains("in use") {
                ctx.t("auth.email_taken")
            } else {
                ctx.t("auth.link_expired")
            };
            let next = html! { p { a href="/settings" { (ctx.t("auth.to_settings")) } } };
            Ok(dead_link(&ctx, ctx.t("auth.confirm_title"), why, next))
        }
        Err(e) => Err(e.into()),
    }
}

// Forgotten passwords.

fn forgot_form(ctx: &Ctx, email: &str, error: Option<&str>) -> maud::Markup {
    html! {
        (alert(error))
        form method="post" action="/forgot-password" {
            (csrf_field(ctx))
            (Field::new(ctx.t("auth.email"), "email").kind("email").value(email).required().autocomplete("email").render())
            button type="submit" { (ctx.t("auth.forgot_submit")) }
        }
        p { a href="/login" { (ctx.t("auth.back_to_login")) } }
    }
}

pub async fn forgot_page(Guest(ctx): Guest) -> PageResult {
    let body = forgot_form(&ctx, "", None);
    Ok(page(
        &ctx,
        ctx.t("auth.forgot_title"),
        Some(ctx.t("auth.forgot_lead")),
        body,
    )
    .into_response())
}

#[derive(Deserialize)]
pub struct ForgotForm {
    email: Option<String>,
}

/// Always the same answer, so the page tells no one whether an address has an account.
pub async fn forgot(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Guest(ctx): Guest,
    Form(form): Form<ForgotForm>,
) -> PageResult {
    state.limits.password_reset(ip).await?;
    let raw = form.email.unwrap_or_default();
    let email = match Email::parse(raw.trim()) {
        Ok(e) => e,
        Err(e) => {
            let (status, message) = explain(ctx.lang, e.into());
            let body = forgot_form(&ctx, &raw, Some(&message));
            let title = ctx.t("auth.forgot_title");
            return Ok((
                status,
                page(&ctx, title, Some(ctx.t("auth.forgot_lead")), body),
            )
                .into_response());
        }
    };
    email_links::request_password_reset(&state.store, &state.outbox(), &email).await?;
    let body = html! {
        p role="status" { (ctx.tf("auth.reset_sent", &[("email", email.as_str())])) }
        p { a href="/login" { (ctx.t("auth.back_to_login")) } }
    };
    Ok(page(&ctx, ctx.t("auth.forgot_title"), None, body).into_response())
}

fn reset_form(ctx: &Ctx, token: &str, error: Option<&str>) -> maud::Markup {
    html! {
        (alert(error))
        form method="post" action="/reset-password" {
            (csrf_field(ctx))
            input type="hidden" name="token" value=(token);
            (Field::new(ctx.t("auth.new_password"), "password").kind("password").required().autocomplete("new-password").hint(ctx.t("auth.password_hint")).render())
            (Field::new(ctx.t("auth.repeat_password"), "password_confirm").kind("password").required().autocomplete("new-password").render())
            button type="submit" { (ctx.t("auth.reset_submit")) }
        }
    }
}

fn expired_reset(ctx: &Ctx) -> Response {
    let next = html! { p { a href="/forgot-password" { (ctx.t("auth.forgot_again")) } } };
    dead_link(
        ctx,
        ctx.t("auth.reset_title"),
        ctx.t("auth.link_expired"),
        next,
    )
}

pub async fn reset_page(
    State(state): State<AppState>,
    Visitor(ctx): Visitor,
    Query(q): Query<TokenQuery>,
) -> PageResult {
    let token = q.token.unwrap_or_default();
    if let LinkCheck::Invalid(_) = email_links::check_password_reset(&state.store, &token).await? {
        return Ok(expired_reset(&ctx));
    }
    let body = reset_form(&ctx, &token, None);
    Ok(page(&ctx, ctx.t("auth.reset_title"), None, body).into_response())
}

#[derive(Deserialize)]
pub struct ResetForm {
    token: Option<String>,
    password: Option<String>,
    password_confirm: Option<String>,
}

pub async fn reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Visitor(ctx): Visitor,
    Form(form): Form<ResetForm>,
) -> PageResult {
    state.limits.password_reset(ip).await?;
    let token = form.token.unwrap_or_default();
    let password = form.password.unwrap_or_default();
    let refuse = |status: StatusCode, message: &str| {
        let body = reset_form(&ctx, &token, Some(message));
        (status, page(&ctx, ctx.t("auth.reset_title"), None, body)).into_response()
    };
    if form.password_confirm.as_deref() != Some(password.as_str()) {
        return Ok(refuse(
            StatusCode::BAD_REQUEST,
            ctx.t("auth.passwords_differ"),
        ));
    }
    let parsed = match Password::parse(&password) {
        Ok(p) => p,
        Err(e) => {
            let (status, message) = explain(ctx.lang, e.into());
            return Ok(refuse(status, &message));
        }
    };
    match email_links::reset_password(&state.store, &token, &parsed).await {
        Ok(()) => Ok(nav::see_other(&nav::with_notice(
            "/login",
            "password_reset",
        ))),
        Err(AppError::BadRequest(_)) => Ok(expired_reset(&ctx)),
        Err(e) => Err(e.into()),
    }
}
