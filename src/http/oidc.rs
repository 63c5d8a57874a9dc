//! Signing in through an OpenID provider, as a browser does it: `GET /api/auth/{key}` sends the
//! browser to the provider (with a cookie that binds the sign-in to this browser), and
//! `GET /api/auth/{key}/callback` is where the provider sends it back. Every failure lands on
//! `/login?error=<code>`.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::mfa::PENDING_TTL_SECS;
use crate::app::oidc_sign_in::{
    self as use_case, Callback, Context, Finished, SignInError, LOGIN_TTL_SECS,
};
use crate::request::cookies;
use crate::request::redirect::{mfa_url, safe_path};
use crate::request::ClientIp;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(begin))
        .routes(routes!(callback))
}

fn context(state: &AppState) -> Context<'_> {
    Context {
        store: &state.store,
        keys: &state.sessions,
        http: &state.oidc_http,
        mode: state.mode(),
        base_url: state.config.base_url(),
    }
}

fn redirect(status: StatusCode, to: &str) -> Response {
    let location = HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/login"));
    (status, [(header::LOCATION, location)]).into_response()
}

fn refused(state: &AppState, e: SignInError) -> Response {
    let code = match e {
        SignInError::Refused(r) => r.code(),
        SignInError::Fault(e) => {
            tracing::error!(error = %e, "OIDC sign-in failed");
            "server_error"
        }
    };
    let mut res = redirect(StatusCode::SEE_OTHER, &format!("/login?error={code}"));
    res.headers_mut()
        .append(header::SET_COOKIE, cookies::clear_oidc(state));
    res
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BeginQuery {
    /// A path on this site to land on once signed in (default `/`).
    redirect: Option<String>,
}

/// Starts signing in at the provider: redirects to its authorization endpoint (found by
/// discovery) with `state`, `nonce` and a PKCE challenge.
#[utoipa::path(get, path = "/api/auth/{key}", tag = "auth", security(()),
    params(("key" = String, Path, description = "The provider's key"), BeginQuery),
    responses(
        (status = 302, description = "To the provider's authorization endpoint"),
        (status = 303, description = "To `/login?error=…` when the sign-in cannot start"),
        (status = 429)))]
async fn begin(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(key): Path<String>,
    Query(q): Query<BeginQuery>,
) -> crate::error::Result<Response> {
    state.limits.oidc_sign_in(ip).await?;
    let to = q
        .redirect
        .as_deref()
        .filter(|r| r.len() <= 2048)
        .map_or_else(|| "/".to_string(), safe_path);
    let cx = context(&state);
    Ok(match use_case::begin(&cx, &key, &to).await {
        Ok(begun) => {
            let mut res = redirect(StatusCode::FOUND, &begun.authorize_url);
            res.headers_mut().append(
                header::SET_COOKIE,
                cookies::oidc(&state, begun.browser_token, LOGIN_TTL_SECS),
            );
            res
        }
        Err(e) => refused(&state, e),
    })
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    /// Set by the provider when it refused (the person cancelled, say).
    error: Option<String>,
}

/// Where the provider sends the browser back: verifies the answer, signs the person in and
/// redirects to where they were going (or to the second step when MFA is on).
#[utoipa::path(get, path = "/api/auth/{key}/callback", tag = "auth", security(()),
    params(("key" = String, Path, description = "The provider's key"), CallbackQuery),
    responses(
        (status = 303, description = "Signed in: to the page asked for, with the session cookie; \
            MFA on: to `/mfa`; refused: to `/login?error=…`"),
        (status = 429)))]
async fn callback(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(key): Path<String>,
    Query(q): Query<CallbackQuery>,
    headers: HeaderMap,
) -> crate::error::Result<Response> {
    state.limits.oidc_sign_in(ip).await?;
    let browser = cookies::get(&headers, cookies::OIDC);
    let cx = context(&state);
    let cb = Callback {
        key: &key,
        state: q.state.as_deref(),
        code: q.code.as_deref(),
        error: q.error.as_deref(),
        browser_token: browser.as_deref(),
        ip: Some(ip),
    };
    let finished = match use_case::finish(&cx, cb).await {
        Ok(f) => f,
        Err(e) => return Ok(refused(&state, e)),
    };
    let mut res;
    match finished {
        Finished::SignedIn {
            issued,
            redirect_to,
        } => {
            res = redirect(StatusCode::SEE_OTHER, &redirect_to);
            cookies::add_session(&state, res.headers_mut(), issued);
        }
        Finished::SecondFactor {
            mfa_token,
            redirect_to,
        } => {
            res = redirect(StatusCode::SEE_OTHER, &mfa_url(&redirect_to));
            res.headers_mut().append(
                header::SET_COOKIE,
                cookies::mfa_pending_page(&state, mfa_token, PENDING_TTL_SECS),
            );
        }
    }
    res.headers_mut()
        .append(header::SET_COOKIE, cookies::clear_oidc(&state));
    Ok(res)
}
