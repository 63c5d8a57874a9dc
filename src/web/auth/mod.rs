//! Signing in and the account links: `/setup`, `/login`, `/mfa`, `/logout`, `/signup`,
//! `/verify-email`, `/confirm-email`, `/forgot-password`, `/reset-password`.

mod invite;
mod links;
mod sign_in;
mod signup;

use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};

use crate::app::sessions::Issued;
use crate::request::cookies;
use crate::state::AppState;
use crate::store::oidc::Provider;
use crate::web::layout;
use crate::web::nav;
use crate::web::session::Ctx;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/setup", get(sign_in::setup_page).post(sign_in::setup))
        .route("/login", get(sign_in::login_page).post(sign_in::login))
        .route("/mfa", get(sign_in::mfa_page).post(sign_in::mfa))
        .route("/logout", post(sign_in::logout))
        .route("/signup", get(signup::signup_page).post(signup::signup))
        .route("/signup/resend", post(signup::resend))
        .route("/verify-email", get(links::verify_email))
        .route("/confirm-email", get(links::confirm_email))
        .route(
            "/forgot-password",
            get(links::forgot_page).post(links::forgot),
        )
        .route("/reset-password", get(links::reset_page).post(links::reset))
        .route("/invite", get(invite::page).post(invite::accept))
}

/// A started session: the cookies the API sets, and on to `to`.
fn signed_in(state: &AppState, issued: Issued, to: &str) -> Response {
    let mut res = nav::see_other(to);
    cookies::add_session(state, res.headers_mut(), issued);
    res
}

/// The narrow card the signed-out pages share: a heading, an optional lead, the form.
fn card(title: &str, lead: Option<&str>, body: Markup) -> Markup {
    html! {
        div.narrow-card {
            h1 { (title) }
            @if let Some(lead) = lead { p.muted { (lead) } }
            div.card-form { (body) }
        }
    }
}

fn page(ctx: &Ctx, title: &str, lead: Option<&str>, body: Markup) -> axum::response::Html<String> {
    layout::page(ctx, title, card(title, lead, body))
}

/// The `redirect` field a form carries on to its POST.
fn redirect_field(to: &str) -> Markup {
    html! {
        @if to != "/" { input type="hidden" name="redirect" value=(to); }
    }
}

/// "Sign in with …" for each provider the instance offers.
fn provider_buttons(ctx: &Ctx, providers: &[Provider], to: &str) -> Markup {
    let redirect: String = url::form_urlencoded::byte_serialize(to.as_bytes()).collect();
    html! {
        @if !providers.is_empty() {
            div.providers {
                p.muted { (ctx.t("auth.oidc_or")) }
                @for p in providers {
                    a.button.secondary href=(format!("/api/auth/{}?redirect={redirect}", p.key)) {
                        (ctx.tf("auth.oidc_with", &[("name", p.name.as_str())]))
                    }
                }
            }
        }
    }
}
