//! Login sessions: signing in (access JWT, plus a refresh token in cloud), rotating the refresh
//! token and signing out. A refresh token presented twice is a sign it was stolen: the whole
//! session ends. And the organization a credential (login session or `sb_` token) acts in.

use std::net::IpAddr;

use crate::app::audit::{self, Actor, Event};
use crate::app::identity::{Credential, CurrentUser};
use crate::app::mfa::PENDING_TTL_SECS;
use crate::app::tenancy::{not_a_member, resolve_default};
use crate::config::Mode;
use crate::domain::ids::parse_id;
use crate::domain::DomainError;
use crate::domain::{new_id, Email, Timestamp};
use crate::error::{AppError, Result};
use crate::security::jwt::JwtKeys;
use crate::security::{passwords, random_token, sha256_hex};
use crate::store::{orgs, sessions, tokens, users, Conn, Store};

/// How long a refresh token (and so a cloud login session) lives.
pub const REFRESH_TTL_SECS: i64 = 30 * 24 * 3600;

/// What starting and renewing a login session needs: the signing keys and the mode, which
/// decides the lifetimes (cloud: 15-minute access tokens with a refresh token; self-hosted:
/// 7-day access tokens).
#[derive(Clone, Debug)]
pub struct SessionKeys {
    pub jwt: JwtKeys,
    pub mode: Mode,
    /// Derives a refresh token's successor from it (see [`successor`]); never shown.
    pub refresh_key: std::sync::Arc<[u8]>,
}

/// How long a refresh token that was just exchanged still gives its successor: two tabs (or
/// two requests) renewing at the same moment both go on with the same new token, rather than
/// the second looking like a replay and ending the session.
pub const REFRESH_GRACE_MILLIS: i64 = 30_000;

/// The refresh token that follows `token`: the same for every exchange of `token`, so a
/// renewal racing another gets the successor the first one made, and unknowable without the
/// server's key (knowing an old token alone does not give the next).
fn successor(keys: &SessionKeys, token: &str) -> String {
    use base64::Engine;
    use hmac::{Hmac, Mac};
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(&keys.refresh_key).expect("any key length");
    m.update(token.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(m.finalize().into_bytes())
}

impl SessionKeys {
    pub fn is_cloud(&self) -> bool {
        self.mode == Mode::Cloud
    }

    /// How long an access token lives.
    pub fn access_ttl_secs(&self) -> i64 {
        if self.is_cloud() {
            15 * 60
        } else {
            7 * 24 * 3600
        }
    }

    /// How long a login session lasts before the person must sign in again.
    pub fn session_ttl_secs(&self) -> i64 {
        if self.is_cloud() {
            REFRESH_TTL_SECS
        } else {
            self.access_ttl_secs()
        }
    }
}

pub struct Issued {
    pub session_id: String,
    pub access_token: String,
    /// Only in cloud mode.
    pub refresh_token: Option<String>,
}

fn access_token(keys: &SessionKeys, user_id: &str, session_id: &str) -> String {
    let now = Timestamp::now().millis() / 1000;
    keys.jwt
        .sign(user_id, session_id, now, keys.access_ttl_secs())
}

#[tracing::instrument(level = "debug", skip_all)]
async fn new_refresh(c: &mut Conn<'_>, session_id: &str) -> Result<String> {
    let token = random_token();
    insert_refresh_token(c, session_id, &token).await?;
    Ok(token)
}

async fn insert_refresh_token(c: &mut Conn<'_>, session_id: &str, token: &str) -> Result<()> {
    let now = Timestamp::now();
    sessions::insert_refresh(
        c,
        &sha256_hex(token),
        session_id,
        now.millis(),
        now.plus_secs(REFRESH_TTL_SECS).millis(),
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn start(
    keys: &SessionKeys,
    c: &mut Conn<'_>,
    user_id: &str,
    current_org: Option<&str>,
) -> Result<Issued> {
    let id = new_id();
    let now = Timestamp::now();
    sessions::insert(
        c,
        &id,
        user_id,
        current_org,
        now.millis(),
        now.plus_secs(keys.session_ttl_secs()).millis(),
    )
    .await?;
    let refresh_token = if keys.is_cloud() {
        Some(new_refresh(c, &id).await?)
    } else {
        None
    };
    Ok(Issued {
        access_token: access_token(keys, user_id, &id),
        session_id: id,
        refresh_token,
    })
}

/// Exchanges a refresh token for a new access token and a new refresh token; `None` when the
/// token is unknown, expired or replayed. The caller commits in every case, so that a replay's
/// revocation sticks.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rotate(
    keys: &SessionKeys,
    c: &mut Conn<'_>,
    refresh_token: &str,
) -> Result<Option<(String, Issued)>> {
    let hash = sha256_hex(refresh_token);
    let now = Timestamp::now().millis();
    let Some(stored) = sessions::refresh_by_hash(c, &hash).await? else {
        return Ok(None);
    };
    let next = successor(keys, refresh_token);
    let won = stored.used_at.is_none() && sessions::use_refresh(c, &hash, now).await?;
    if !won {
        // Exchanged already. Moments ago, by a renewal racing this one: go on with the same
        // successor, unless that has been exchanged in turn.
        let used_at = match stored.used_at {
            Some(at) => Some(at),
            None => sessions::refresh_by_hash(c, &hash)
                .await?
                .and_then(|r| r.used_at),
        };
        let recent = used_at.is_some_and(|at| now - at <= REFRESH_GRACE_MILLIS);
        let fresh_successor = sessions::refresh_by_hash(c, &sha256_hex(&next))
            .await?
            .is_some_and(|r| r.used_at.is_none());
        if !(recent && fresh_successor) {
            // Replay: end the session so neither the thief nor the owner can go on with it.
            sessions::revoke(c, &stored.session_id, now).await?;
            return Ok(None);
        }
    }
    let Some(session) = sessions::by_id(c, &stored.session_id).await? else {
        return Ok(None);
    };
    if stored.expires_at <= now || !session.is_live(now) {
        return Ok(None);
    }
    if won {
        insert_refresh_token(c, &session.id, &next).await?;
    }
    let refresh = next;
    Ok(Some((
        session.user_id.clone(),
        Issued {
            access_token: access_token(keys, &session.user_id, &session.id),
            session_id: session.id,
            refresh_token: Some(refresh),
        },
    )))
}

/// A new session for a person who proved who they are another way (the link that verified
/// their address), with the person.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn start_for(
    store: &Store,
    keys: &SessionKeys,
    user_id: &str,
    how: SignedInBy,
) -> Result<(Issued, users::User)> {
    let mut tx = store.begin().await?;
    let user = users::by_id(&mut tx.conn(), user_id)
        .await?
        .ok_or_else(|| AppError::internal("user vanished"))?;
    let issued = start(keys, &mut tx.conn(), user_id, None).await?;
    record_sign_in(&mut tx.conn(), &user, &how).await?;
    tx.invalidates_user(user_id);
    tx.commit().await?;
    Ok((issued, user))
}

/// How a person proved who they are, for the audit log, and where from.
#[derive(Clone, Debug)]
pub struct SignedInBy {
    pub method: &'static str,
    /// The OIDC provider's key, for `oidc`.
    pub provider: Option<String>,
    pub ip: Option<IpAddr>,
}

impl SignedInBy {
    pub fn new(method: &'static str, ip: Option<IpAddr>) -> Self {
        Self {
            method,
            provider: None,
            ip,
        }
    }
}

/// The organization a person's sign-in concerns: the one they last chose, else the first they
/// joined (its owners and admins see the event).
#[tracing::instrument(level = "debug", skip_all)]
async fn home_org(c: &mut Conn<'_>, user: &users::User) -> Result<Option<String>> {
    if let Some(id) = &user.last_org_id {
        if orgs::role_of(c, id, &user.id).await?.is_some() {
            return Ok(Some(id.clone()));
        }
    }
    orgs::first_joined(c, &user.id).await
}

fn sign_in_event(action: &'static str, how: &SignedInBy, org: Option<String>) -> Event {
    let mut event = Event::new(action, "session").detail("method", how.method);
    if let Some(p) = &how.provider {
        event = event.detail("provider", p.as_str());
    }
    if let Some(org) = org {
        event = event.org(&org);
    }
    event
}

/// Records a sign-in on the transaction that starts its session.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_sign_in(c: &mut Conn<'_>, user: &users::User, how: &SignedInBy) -> Result<()> {
    let org = home_org(c, user).await?;
    let event = sign_in_event("auth.login", how, org).entity(&user.id);
    audit::record(c, &Actor::person(user, how.ip), event).await
}

/// Records a refused sign-in, in a transaction of its own (nothing else changes). `user` is the
/// account it was for when there is one; the address typed is never written otherwise (it may be
/// a password typed into the wrong field).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_refused_sign_in(
    store: &Store,
    user: Option<&users::User>,
    how: &SignedInBy,
    reason: &'static str,
) -> Result<()> {
    let mut tx = store.begin().await?;
    let (actor, org) = match user {
        Some(u) => (Actor::person(u, how.ip), home_org(&mut tx.conn(), u).await?),
        None => (Actor::anonymous(how.ip), None),
    };
    let mut event = sign_in_event("auth.login_failed", how, org).detail("reason", reason);
    if let Some(u) = user {
        event = event.entity(&u.id);
    }
    audit::record(&mut tx.conn(), &actor, event).await?;
    // Nothing cached reads the log.
    tx.commit_quietly().await
}

/// How a right password went on.
pub enum LogIn {
    /// A session started.
    SignedIn(Issued, Box<users::User>),
    /// The person has MFA on: no session yet, only a short-lived token for the second step.
    SecondFactor { mfa_token: String },
}

/// Signs in with email and password. A wrong email and a wrong password are refused alike;
/// in cloud an unverified address is refused (`EMAIL_NOT_VERIFIED`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn log_in(
    store: &Store,
    keys: &SessionKeys,
    email: &Email,
    password: &str,
    ip: Option<IpAddr>,
) -> Result<LogIn> {
    let how = SignedInBy::new("password", ip);
    let user = {
        let mut db = store.read().await?;
        users::by_email(&mut db.conn(), email.as_str()).await?
    };
    let hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let ok = passwords::verify(password, hash).await?;
    let refused = || AppError::SignInRefused {
        error: "Invalid email or password",
        code: None,
    };
    if !ok {
        record_refused_sign_in(store, user.as_ref(), &how, "invalid_credentials").await?;
        return Err(refused());
    }
    let Some(user) = user else {
        return Err(refused());
    };
    if keys.is_cloud() && !user.email_verified {
        record_refused_sign_in(store, Some(&user), &how, "email_not_verified").await?;
        return Err(DomainError::EmailNotVerified.into());
    }
    if user.mfa_enabled {
        let now = Timestamp::now().millis() / 1000;
        let mfa_token = keys.jwt.sign_mfa_pending(&user.id, now, PENDING_TTL_SECS);
        return Ok(LogIn::SecondFactor { mfa_token });
    }
    let mut tx = store.begin().await?;
    let issued = start(keys, &mut tx.conn(), &user.id, None).await?;
    record_sign_in(&mut tx.conn(), &user, &how).await?;
    tx.invalidates_user(&user.id);
    tx.commit().await?;
    Ok(LogIn::SignedIn(issued, Box::new(user)))
}

/// Ends the session the request came with and the one its refresh token belongs to (either may
/// be missing): their access tokens stop working at once.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn log_out(
    store: &Store,
    session_id: Option<&str>,
    refresh_token: Option<&str>,
) -> Result<()> {
    let now = Timestamp::now().millis();
    let mut tx = store.begin().await?;
    let mut ended = Vec::new();
    if let Some(sid) = session_id {
        ended.push(sid.to_string());
    }
    if let Some(refresh) = refresh_token {
        if let Some(r) = sessions::refresh_by_hash(&mut tx.conn(), &sha256_hex(refresh)).await? {
            ended.push(r.session_id);
        }
    }
    for sid in &ended {
        if let Some(s) = sessions::by_id(&mut tx.conn(), sid).await? {
            tx.invalidates_user(&s.user_id);
        }
        sessions::revoke(&mut tx.conn(), sid, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Cloud: a new access token and refresh token for a refresh token, with the person; `None`
/// when the token is unknown, expired or replayed (a replay ends its session).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn refresh(
    store: &Store,
    keys: &SessionKeys,
    refresh_token: &str,
) -> Result<Option<(Issued, users::User)>> {
    let mut tx = store.begin().await?;
    let rotated = rotate(keys, &mut tx.conn(), refresh_token).await?;
    let user = match &rotated {
        Some((user_id, _)) => users::by_id(&mut tx.conn(), user_id).await?,
        None => None,
    };
    // A replay ended a session whose person is not known here: then everyone's caches go.
    if let Some((user_id, _)) = &rotated {
        tx.invalidates_user(user_id);
    }
    tx.commit().await?;
    Ok(rotated.zip(user).map(|((_, issued), user)| (issued, user)))
}

/// The organization requests with this credential act in; `None` when the person has none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn current_org(store: &Store, user: &CurrentUser) -> Result<Option<String>> {
    let mut db = store.read().await?;
    resolve_default(&mut db.conn(), user).await
}

/// Makes `org_id` the current organization of this credential from now on (403 `Not a member
/// of this organization` unless the person belongs to it, also when there is no such one).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn choose_org(store: &Store, user: &CurrentUser, org_id: &str) -> Result<String> {
    let org_id = parse_id(org_id.trim()).ok_or_else(not_a_member)?;
    let mut tx = store.begin().await?;
    if orgs::role_of(&mut tx.conn(), &org_id, user.id())
        .await?
        .is_none()
    {
        return Err(not_a_member());
    }
    select_org(&mut tx.conn(), user, &org_id).await?;
    tx.invalidates_user(user.id());
    tx.commit().await?;
    Ok(org_id)
}

/// Records `org_id` as current for the credential and as the person's last choice.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn select_org(c: &mut Conn<'_>, user: &CurrentUser, org_id: &str) -> Result<()> {
    match &user.credential {
        Credential::Session { id, .. } => sessions::set_current_org(c, id, Some(org_id)).await?,
        Credential::ApiToken { id, .. } => tokens::set_current_org(c, id, Some(org_id)).await?,
    }
    users::set_last_org(c, user.id(), org_id).await
}
