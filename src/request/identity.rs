//! Who is asking: the `CurrentUser` and `MaybeUser` extractors.
//!
//! Credentials are checked in the order of the contract: `Authorization: Bearer sb_…` (a
//! personal API token), `Authorization: Bearer <jwt>`, then the `token` cookie. A bad Bearer
//! credential is a 401, never an anonymous request. A write authenticated by cookie alone must
//! carry a valid `X-CSRF-Token`, except `POST /api/auth/logout`, which only ends the caller's
//! own session (a forged sign-out harms nothing and must always work).

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method};

pub use crate::app::identity::{Credential, CurrentUser};
use crate::error::AppError;
use crate::request::cookies;
use crate::security::csrf;
use crate::state::AppState;

/// A user when the request carries valid credentials, `None` when it carries none. Bearer
/// credentials that do not verify are still a 401; a stale cookie counts as signed out.
#[derive(Clone, Debug)]
pub struct MaybeUser(pub Option<CurrentUser>);

enum Presented {
    ApiToken(String),
    BearerJwt(String),
    CookieJwt(String),
    Nothing,
}

fn presented(parts: &Parts) -> Result<Presented, AppError> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| AppError::Unauthorized)?;
        let (scheme, token) = value.split_once(' ').ok_or(AppError::Unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AppError::Unauthorized);
        }
        let token = token.trim();
        return Ok(if token.starts_with("sb_") {
            Presented::ApiToken(token.to_string())
        } else {
            Presented::BearerJwt(token.to_string())
        });
    }
    Ok(match cookies::get(&parts.headers, cookies::ACCESS) {
        Some(jwt) if !jwt.is_empty() => Presented::CookieJwt(jwt),
        _ => Presented::Nothing,
    })
}

/// The one cookie-authenticated write that needs no CSRF token (section 7 of the contract).
const LOGOUT: &str = "/api/auth/logout";

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The header must equal the CSRF cookie and be signed for the session the cookie signs in to;
/// a browser's request from another site is refused whatever it carries.
fn check_csrf(state: &AppState, parts: &Parts, session: Option<&str>) -> Result<(), AppError> {
    let header = parts
        .headers
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok());
    let cookie = cookies::csrf_token(state, &parts.headers);
    let ok = csrf::check(&state.csrf_secret, session, header, cookie.as_deref());
    if ok && !csrf::cross_site(&parts.headers) {
        Ok(())
    } else {
        Err(AppError::BadCsrfHeader)
    }
}

async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    match presented(parts)? {
        Presented::Nothing => Ok(None),
        Presented::ApiToken(t) => match state.auth.by_api_token(&t).await? {
            Some(u) => Ok(Some(u)),
            None => Err(AppError::Unauthorized),
        },
        Presented::BearerJwt(jwt) => match state.auth.by_jwt(&jwt).await? {
            Some(u) => Ok(Some(u)),
            None => Err(AppError::Unauthorized),
        },
        Presented::CookieJwt(jwt) => {
            let user = state.auth.by_jwt(&jwt).await?;
            if let Some(u) = &user {
                if is_write(&parts.method) && parts.uri.path() != LOGOUT {
                    check_csrf(state, parts, u.credential.session_id())?;
                }
            }
            Ok(user)
        }
    }
}

impl<S> FromRequestParts<S> for MaybeUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(u) = parts.extensions.get::<CurrentUser>() {
            return Ok(MaybeUser(Some(u.clone())));
        }
        let state = AppState::from_ref(state);
        let mut user = resolve(parts, &state).await?;
        if let Some(u) = &mut user {
            u.ip = Some(crate::request::client_ip::client_ip(
                parts,
                state.config.trust_proxy,
            ));
            tracing::Span::current().record("user_id", u.id());
            parts.extensions.insert(u.clone());
        }
        Ok(MaybeUser(user))
    }
}

impl<S> FromRequestParts<S> for CurrentUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        MaybeUser::from_request_parts(parts, state)
            .await?
            .0
            .ok_or(AppError::Unauthorized)
    }
}
