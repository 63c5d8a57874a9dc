//! The cookies the server sets: the access token, the refresh token, the CSRF token, and the
//! MFA pending token between a right password and the second factor.

use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

use crate::app::sessions::{Issued, REFRESH_TTL_SECS};
use crate::state::AppState;

pub const ACCESS: &str = "token";
pub const REFRESH: &str = "refresh_token";
pub const MFA_PENDING: &str = "slugbase.mfa_pending";
/// Binds a sign-in at an OpenID provider to the browser that started it.
pub const OIDC: &str = "slugbase.oidc";
/// Where the sign-up verification link goes on in this browser (the invitation sign-up started
/// from), sent only to the verification page.
pub const AFTER_VERIFY: &str = "slugbase.after_verify";
pub const VERIFY_PAGE_PATH: &str = "/verify-email";
/// The pending cookie goes only to the MFA endpoints.
const MFA_PATH: &str = "/api/auth/mfa";

/// Reads a cookie from the request headers.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| Cookie::parse(pair.trim().to_string()).ok())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

fn build(
    state: &AppState,
    name: &str,
    value: String,
    max_age_secs: i64,
    http_only: bool,
    path: &str,
) -> HeaderValue {
    let cookie = Cookie::build((name.to_string(), value))
        .path(path.to_string())
        .http_only(http_only)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .max_age(time_duration(max_age_secs))
        .build();
    HeaderValue::from_str(&cookie.to_string()).expect("cookie values are URL-safe")
}

fn time_duration(secs: i64) -> cookie::time::Duration {
    cookie::time::Duration::seconds(secs)
}

pub fn access(state: &AppState, jwt: String) -> HeaderValue {
    build(state, ACCESS, jwt, state.access_ttl_secs(), true, "/")
}

pub fn refresh(state: &AppState, token: String, ttl_secs: i64) -> HeaderValue {
    build(state, REFRESH, token, ttl_secs, true, "/api/auth")
}

/// The CSRF cookie's name here: `__Host-csrf_token` under https, else `csrf_token`.
pub fn csrf_name(state: &AppState) -> &'static str {
    crate::security::csrf::cookie_name(state.config.secure_cookies())
}

/// The browser's CSRF cookie.
pub fn csrf_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    get(headers, csrf_name(state))
}

/// The session a CSRF token of this request must be bound to: the one its access cookie names
/// (expired or not), `None` when it has no cookie of ours.
pub fn csrf_session(state: &AppState, headers: &HeaderMap) -> Option<String> {
    get(headers, ACCESS).and_then(|jwt| state.jwt.session_of(&jwt))
}

pub fn csrf(state: &AppState, token: String) -> HeaderValue {
    build(state, csrf_name(state), token, 24 * 3600, true, "/")
}

/// A new CSRF cookie for `session` (`None`: signed out).
pub fn fresh_csrf(state: &AppState, session: Option<&str>) -> HeaderValue {
    csrf(
        state,
        crate::security::csrf::issue(&state.csrf_secret, session),
    )
}

/// True when `headers` (of an answer) already set the CSRF cookie.
pub fn sets_csrf(state: &AppState, headers: &HeaderMap) -> bool {
    let prefix = format!("{}=", csrf_name(state));
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(prefix.as_bytes()))
}

/// `Set-Cookie` headers that sign this browser out: access and refresh cookies cleared, and a
/// new CSRF token for a browser signed out.
pub fn signed_out(state: &AppState) -> axum::http::HeaderMap {
    let mut headers = axum::http::HeaderMap::new();
    add_signed_out(state, &mut headers);
    headers
}

/// Adds [`signed_out`]'s cookies to an answer's headers.
pub fn add_signed_out(state: &AppState, headers: &mut HeaderMap) {
    headers.append(header::SET_COOKIE, clear_access(state));
    headers.append(header::SET_COOKIE, clear_refresh(state));
    headers.append(header::SET_COOKIE, fresh_csrf(state, None));
}

pub fn clear_access(state: &AppState) -> HeaderValue {
    build(state, ACCESS, String::new(), 0, true, "/")
}

pub fn clear_refresh(state: &AppState) -> HeaderValue {
    build(state, REFRESH, String::new(), 0, true, "/api/auth")
}

pub fn mfa_pending(state: &AppState, token: String, ttl_secs: i64) -> HeaderValue {
    build(state, MFA_PENDING, token, ttl_secs, true, MFA_PATH)
}

pub fn clear_mfa_pending(state: &AppState) -> HeaderValue {
    build(state, MFA_PENDING, String::new(), 0, true, MFA_PATH)
}

/// The sign-in page's second step (`/mfa`) holds the pending token in a cookie of its own path.
pub const MFA_PAGE_PATH: &str = "/mfa";

pub fn mfa_pending_page(state: &AppState, token: String, ttl_secs: i64) -> HeaderValue {
    build(state, MFA_PENDING, token, ttl_secs, true, MFA_PAGE_PATH)
}

pub fn clear_mfa_pending_page(state: &AppState) -> HeaderValue {
    build(state, MFA_PENDING, String::new(), 0, true, MFA_PAGE_PATH)
}

/// Sent only to `/api/auth/…`, where the provider's callback arrives (a top-level navigation
/// back from the provider, which `SameSite=Lax` lets through).
pub fn oidc(state: &AppState, token: String, ttl_secs: i64) -> HeaderValue {
    build(state, OIDC, token, ttl_secs, true, "/api/auth")
}

pub fn clear_oidc(state: &AppState) -> HeaderValue {
    build(state, OIDC, String::new(), 0, true, "/api/auth")
}

/// `to` (a path on this origin) for the verification page, good for a day.
pub fn after_verify(state: &AppState, to: &str) -> HeaderValue {
    let value: String = url::form_urlencoded::byte_serialize(to.as_bytes()).collect();
    build(
        state,
        AFTER_VERIFY,
        value,
        24 * 3600,
        true,
        VERIFY_PAGE_PATH,
    )
}

/// The path [`after_verify`] kept, decoded (the caller still makes it safe).
pub fn read_after_verify(headers: &HeaderMap) -> Option<String> {
    let raw = get(headers, AFTER_VERIFY)?;
    let pair = format!("to={raw}");
    url::form_urlencoded::parse(pair.as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

pub fn clear_after_verify(state: &AppState) -> HeaderValue {
    build(
        state,
        AFTER_VERIFY,
        String::new(),
        0,
        true,
        VERIFY_PAGE_PATH,
    )
}

/// Adds the cookies of a session just started: the access token, in cloud the refresh token,
/// and a CSRF token bound to the new session (the one from before signing in stops working).
pub fn add_session(state: &AppState, headers: &mut HeaderMap, issued: Issued) {
    let csrf = fresh_csrf(state, Some(&issued.session_id));
    add_renewed_session(state, headers, issued);
    headers.append(header::SET_COOKIE, csrf);
}

/// Adds the cookies of a session renewed from its refresh token: the same session, so the CSRF
/// token the browser holds goes on working.
pub fn add_renewed_session(state: &AppState, headers: &mut HeaderMap, issued: Issued) {
    headers.append(header::SET_COOKIE, access(state, issued.access_token));
    if let Some(refresh_token) = issued.refresh_token {
        headers.append(
            header::SET_COOKIE,
            refresh(state, refresh_token, REFRESH_TTL_SECS),
        );
    }
}
