//! Who is asking: the `CurrentUser` and `MaybeUser` extractors.
//!
//! Credentials are checked in the order of the contract: `Authorization: Bearer sb_…` (a
//! personal API token), `Authorization: Bearer <jwt>`, then the `token` cookie. A bad Bearer
//! credential is a 401, never an anonymous request. A write authenticated by cookie alone must
//! carry a valid `X-CSRF-Token`.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};

use crate::domain::Timestamp;
use crate::error::AppError;
use crate::http::cookies;
use crate::security::{csrf, sha256_hex};
use crate::services::cache::GenCache;
use crate::state::AppState;
use crate::store::{sessions, tokens, users};

/// How the request authenticated; each kind keeps its own current organization.
#[derive(Clone, Debug)]
pub enum Credential {
    Session {
        id: String,
        current_org_id: Option<String>,
    },
    ApiToken {
        id: String,
        current_org_id: Option<String>,
    },
}

impl Credential {
    pub fn current_org_id(&self) -> Option<&str> {
        match self {
            Credential::Session { current_org_id, .. }
            | Credential::ApiToken { current_org_id, .. } => current_org_id.as_deref(),
        }
    }

    pub fn session_id(&self) -> Option<&str> {
        match self {
            Credential::Session { id, .. } => Some(id),
            Credential::ApiToken { .. } => None,
        }
    }
}

/// A signed-in user; answers 401 when there is none.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    /// Shared, so that serving a cached credential copies no strings.
    pub user: std::sync::Arc<users::User>,
    pub credential: Credential,
}

impl CurrentUser {
    pub fn id(&self) -> &str {
        &self.user.id
    }
}

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

/// Recently authenticated credentials, so a busy client (a go-link in every tab) costs no
/// database read per request. Any committed write, and five seconds, make an entry stale.
pub struct AuthCache {
    sessions: GenCache<String, (CurrentUser, i64)>,
    tokens: GenCache<String, (CurrentUser, Option<i64>)>,
}

impl Default for AuthCache {
    fn default() -> Self {
        let ttl = std::time::Duration::from_secs(5);
        Self {
            sessions: GenCache::new(ttl, 100_000),
            tokens: GenCache::new(ttl, 100_000),
        }
    }
}

impl std::fmt::Debug for AuthCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuthCache")
    }
}

async fn user_for_jwt(state: &AppState, jwt: &str) -> Result<Option<CurrentUser>, AppError> {
    let now = Timestamp::now().millis();
    let generation = state.store.generation().current();
    // Keyed by the whole token, which was fully verified before it was cached: a hit skips
    // decoding and the signature check, and still honours expiry and any write since.
    if let Some((user, valid_until)) = state.auth_cache.sessions.get(jwt, generation) {
        return Ok((valid_until > now).then_some(user));
    }
    let Some(claims) = state.jwt.verify(jwt) else {
        return Ok(None);
    };
    let mut db = state.store.read().await?;
    let Some(session) = sessions::by_id(&mut db.conn(), &claims.sid).await? else {
        return Ok(None);
    };
    if !session.is_live(now) || session.user_id != claims.sub {
        return Ok(None);
    }
    let Some(user) = users::by_id(&mut db.conn(), &session.user_id).await? else {
        return Ok(None);
    };
    let valid_until = session.expires_at.min(claims.exp.saturating_mul(1000));
    let current = CurrentUser {
        user: std::sync::Arc::new(user),
        credential: Credential::Session {
            id: session.id,
            current_org_id: session.current_org_id,
        },
    };
    state
        .auth_cache
        .sessions
        .put(jwt.to_string(), (current.clone(), valid_until), generation);
    Ok(Some(current))
}

/// `last_used_at` is kept to the minute: a busy token writes at most once a minute, not on
/// every request.
const TOUCH_EVERY_MS: i64 = 60_000;

async fn user_for_api_token(
    state: &AppState,
    token: &str,
) -> Result<Option<CurrentUser>, AppError> {
    let hash = sha256_hex(token);
    let generation = state.store.generation().current();
    let (current, last_used_at) = match state.auth_cache.tokens.get(&hash, generation) {
        Some(hit) => hit,
        None => {
            let mut db = state.store.read().await?;
            let Some(t) = tokens::by_hash(&mut db.conn(), &hash).await? else {
                return Ok(None);
            };
            // The lookup was by digest; compare once more in constant time before trusting it.
            if !crate::security::constant_time_eq(t.token_hash.as_bytes(), hash.as_bytes()) {
                return Ok(None);
            }
            let Some(user) = users::by_id(&mut db.conn(), &t.user_id).await? else {
                return Ok(None);
            };
            let current = CurrentUser {
                user: std::sync::Arc::new(user),
                credential: Credential::ApiToken {
                    id: t.id,
                    current_org_id: t.current_org_id,
                },
            };
            state.auth_cache.tokens.put(
                hash.clone(),
                (current.clone(), t.last_used_at),
                generation,
            );
            (current, t.last_used_at)
        }
    };
    let now = Timestamp::now().millis();
    if last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY_MS) {
        if let Credential::ApiToken { id, .. } = &current.credential {
            let mut tx = state.store.begin().await?;
            tokens::touch(&mut tx.conn(), id, now).await?;
            // Only a timestamp changed: no cached answer is made stale by it.
            tx.commit_quietly().await?;
            state.auth_cache.tokens.update(&hash, |e| e.1 = Some(now));
        }
    }
    Ok(Some(current))
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn check_csrf(state: &AppState, parts: &Parts) -> Result<(), AppError> {
    let header = parts
        .headers
        .get(csrf::HEADER)
        .and_then(|v| v.to_str().ok());
    let cookie = cookies::get(&parts.headers, csrf::COOKIE);
    if csrf::check(&state.csrf_secret, header, cookie.as_deref()) {
        Ok(())
    } else {
        Err(AppError::status(
            StatusCode::FORBIDDEN,
            "Invalid CSRF token",
        ))
    }
}

async fn resolve(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, AppError> {
    match presented(parts)? {
        Presented::Nothing => Ok(None),
        Presented::ApiToken(t) => match user_for_api_token(state, &t).await? {
            Some(u) => Ok(Some(u)),
            None => Err(AppError::Unauthorized),
        },
        Presented::BearerJwt(jwt) => match user_for_jwt(state, &jwt).await? {
            Some(u) => Ok(Some(u)),
            None => Err(AppError::Unauthorized),
        },
        Presented::CookieJwt(jwt) => {
            let user = user_for_jwt(state, &jwt).await?;
            if user.is_some() && is_write(&parts.method) {
                check_csrf(state, parts)?;
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
        let user = resolve(parts, &state).await?;
        if let Some(u) = &user {
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
