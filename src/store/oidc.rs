//! `oidc_providers`, `user_identities` and `oidc_logins`: the OpenID providers an admin set up,
//! who is linked to which account at an issuer, and the sign-ins under way.

use super::{q, Conn};
use crate::error::Result;

/// A provider as stored. The client secret never leaves the server; `Debug` leaves it out.
#[derive(Clone, sqlx::FromRow)]
pub struct Provider {
    pub id: String,
    pub key: String,
    pub name: String,
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: String,
    pub auto_create_users: bool,
    pub default_role: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("key", &self.key)
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str = "id, key, name, issuer_url, client_id, client_secret, scopes, \
     auto_create_users, default_role, created_at, updated_at";

#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(c: &mut Conn<'_>) -> Result<Vec<Provider>> {
    let sql = format!("SELECT {COLUMNS} FROM oidc_providers ORDER BY name, key");
    Ok(q!(c, |e| sqlx::query_as(&sql).fetch_all(e).await?))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_id(c: &mut Conn<'_>, id: &str) -> Result<Option<Provider>> {
    let sql = format!("SELECT {COLUMNS} FROM oidc_providers WHERE id = $1");
    Ok(q!(c, |e| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(e)
        .await?))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_key(c: &mut Conn<'_>, key: &str) -> Result<Option<Provider>> {
    let sql = format!("SELECT {COLUMNS} FROM oidc_providers WHERE key = $1");
    Ok(q!(c, |e| sqlx::query_as(&sql)
        .bind(key)
        .fetch_optional(e)
        .await?))
}

/// Inserts a new provider or writes every field of an existing one (by id).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn save(c: &mut Conn<'_>, p: &Provider) -> Result<()> {
    q!(c, |e| {
        sqlx::query(
            "INSERT INTO oidc_providers (id, key, name, issuer_url, client_id, client_secret, scopes, \
             auto_create_users, default_role, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (id) DO UPDATE SET key = excluded.key, name = excluded.name, \
             issuer_url = excluded.issuer_url, client_id = excluded.client_id, \
             client_secret = excluded.client_secret, scopes = excluded.scopes, \
             auto_create_users = excluded.auto_create_users, default_role = excluded.default_role, \
             updated_at = excluded.updated_at",
        )
        .bind(&p.id)
        .bind(&p.key)
        .bind(&p.name)
        .bind(&p.issuer_url)
        .bind(&p.client_id)
        .bind(&p.client_secret)
        .bind(&p.scopes)
        .bind(p.auto_create_users)
        .bind(&p.default_role)
        .bind(p.created_at)
        .bind(p.updated_at)
        .execute(e)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// Whether there was such a provider; its identities and sign-ins under way go with it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, id: &str) -> Result<bool> {
    let n = q!(c, |e| sqlx::query(
        "DELETE FROM oidc_providers WHERE id = $1"
    )
    .bind(id)
    .execute(e)
    .await?
    .rows_affected());
    Ok(n > 0)
}

/// The account linked to `subject` at `issuer`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn linked_user(c: &mut Conn<'_>, issuer: &str, subject: &str) -> Result<Option<String>> {
    Ok(q!(c, |e| sqlx::query_scalar(
        "SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2"
    )
    .bind(issuer)
    .bind(subject)
    .fetch_optional(e)
    .await?))
}

/// Links `subject` at `issuer` to a person; `false` when it was linked already (a sign-in
/// racing this one won).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn link(
    c: &mut Conn<'_>,
    issuer: &str,
    subject: &str,
    provider_id: &str,
    user_id: &str,
    now: i64,
) -> Result<bool> {
    let n = q!(c, |e| sqlx::query(
        "INSERT INTO user_identities (issuer, subject, provider_id, user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (issuer, subject) DO NOTHING"
    )
    .bind(issuer)
    .bind(subject)
    .bind(provider_id)
    .bind(user_id)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected());
    Ok(n > 0)
}

/// A sign-in under way, as stored.
#[derive(sqlx::FromRow)]
pub struct Login {
    pub browser_hash: String,
    pub provider_id: String,
    pub nonce: String,
    pub pkce_verifier: String,
    pub redirect_to: String,
    pub expires_at: i64,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("provider_id", &self.provider_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// A started sign-in: what the callback must find again.
pub struct NewLogin<'a> {
    pub state_hash: &'a str,
    pub browser_hash: &'a str,
    pub provider_id: &'a str,
    pub nonce: &'a str,
    pub pkce_verifier: &'a str,
    pub redirect_to: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn start_login(c: &mut Conn<'_>, l: &NewLogin<'_>) -> Result<()> {
    q!(c, |e| {
        sqlx::query(
            "INSERT INTO oidc_logins (state_hash, browser_hash, provider_id, nonce, pkce_verifier, \
             redirect_to, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(l.state_hash)
        .bind(l.browser_hash)
        .bind(l.provider_id)
        .bind(l.nonce)
        .bind(l.pkce_verifier)
        .bind(l.redirect_to)
        .bind(l.now)
        .bind(l.expires_at)
        .execute(e)
        .await?
        .rows_affected()
    });
    Ok(())
}

/// Takes the sign-in with this state out, so that it can be finished once only: of two
/// callbacks racing with the same state, one gets it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn take_login(c: &mut Conn<'_>, state_hash: &str) -> Result<Option<Login>> {
    Ok(q!(c, |e| sqlx::query_as(
        "DELETE FROM oidc_logins WHERE state_hash = $1 \
         RETURNING browser_hash, provider_id, nonce, pkce_verifier, redirect_to, expires_at"
    )
    .bind(state_hash)
    .fetch_optional(e)
    .await?))
}

/// Forgets sign-ins that were never finished.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sweep_logins(c: &mut Conn<'_>, now: i64) -> Result<u64> {
    Ok(q!(c, |e| sqlx::query(
        "DELETE FROM oidc_logins WHERE expires_at <= $1"
    )
    .bind(now)
    .execute(e)
    .await?
    .rows_affected()))
}
