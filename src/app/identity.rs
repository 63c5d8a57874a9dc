//! Who is acting: the person behind a credential and how they proved it. Verifying an access
//! JWT or a personal `sb_` token is a use case like any other; the HTTP extractors only find
//! the credential in the request and hand it here.

use crate::app::cache::GenCache;
use crate::domain::Timestamp;
use crate::error::Result;
use crate::security::jwt::JwtKeys;
use crate::security::sha256_hex;
use crate::store::{sessions, tokens, users, Store};

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

/// A signed-in person and the credential they used (the `CurrentUser` extractor answers 401
/// when there is none).
#[derive(Clone, Debug)]
pub struct CurrentUser {
    /// Shared, so that serving a cached credential copies no strings.
    pub user: std::sync::Arc<users::User>,
    pub credential: Credential,
    /// The address the request came from (for the audit log); set per request, never cached.
    pub ip: Option<std::net::IpAddr>,
}

impl CurrentUser {
    pub fn id(&self) -> &str {
        &self.user.id
    }
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

/// Everything that proves who a request is: the store, the keys that sign access tokens, and
/// the cache of recently verified credentials.
#[derive(Debug)]
pub struct Authenticator {
    pub store: Store,
    pub jwt: JwtKeys,
    pub cache: AuthCache,
}

impl Authenticator {
    /// The person behind an access JWT, or `None` when it does not verify, has expired, or
    /// names a session that ended.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn by_jwt(&self, jwt: &str) -> Result<Option<CurrentUser>> {
        user_for_jwt(self, jwt).await
    }

    /// The person behind a personal `sb_` token, or `None` when it is unknown or revoked.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn by_api_token(&self, token: &str) -> Result<Option<CurrentUser>> {
        user_for_api_token(self, token).await
    }
}

#[tracing::instrument(level = "debug", skip_all)]
async fn user_for_jwt(state: &Authenticator, jwt: &str) -> Result<Option<CurrentUser>> {
    let now = Timestamp::now().millis();
    let generations = state.store.generations();
    // Keyed by the whole token, which was fully verified before it was cached: a hit skips
    // decoding and the signature check, and still honours expiry and any write since.
    if let Some((user, valid_until)) = state
        .cache
        .sessions
        .get_with(jwt, |(u, _)| generations.stamp(None, Some(u.id())))
    {
        crate::metrics::cache_hit("sessions");
        return Ok((valid_until > now).then_some(user));
    }
    crate::metrics::cache_miss("sessions");
    let Some(claims) = state.jwt.verify(jwt) else {
        return Ok(None);
    };
    // Taken before reading: a logout committed after this makes the entry stale.
    let generation = generations.stamp(None, Some(&claims.sub));
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
        ip: None,
    };
    state
        .cache
        .sessions
        .put(jwt.to_string(), (current.clone(), valid_until), generation);
    Ok(Some(current))
}

/// `last_used_at` is kept to the minute: a busy token writes at most once a minute, not on
/// every request.
const TOUCH_EVERY_MS: i64 = 60_000;

#[tracing::instrument(level = "debug", skip_all)]
async fn user_for_api_token(state: &Authenticator, token: &str) -> Result<Option<CurrentUser>> {
    let hash = sha256_hex(token);
    let generations = state.store.generations();
    let hit = state
        .cache
        .tokens
        .get_with(&hash, |(u, _)| generations.stamp(None, Some(u.id())));
    let (current, last_used_at) = match hit {
        Some(hit) => {
            crate::metrics::cache_hit("api_tokens");
            hit
        }
        None => {
            crate::metrics::cache_miss("api_tokens");
            let mut db = state.store.read().await?;
            // Whose token it is (which never changes) tells which stamp the answer depends
            // on; the stamp is taken before the rows that can change (the token's revocation,
            // the person) are read for the answer.
            let Some(owner) = tokens::by_hash(&mut db.conn(), &hash).await? else {
                return Ok(None);
            };
            let generation = generations.stamp(None, Some(&owner.user_id));
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
                ip: None,
            };
            state
                .cache
                .tokens
                .put(hash.clone(), (current.clone(), t.last_used_at), generation);
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
            state.cache.tokens.update(&hash, |e| e.1 = Some(now));
        }
    }
    Ok(Some(current))
}
