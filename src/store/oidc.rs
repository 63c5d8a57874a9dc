//! `oidc_providers`, `user_identities` and `oidc_logins`: the OpenID providers an admin set up,
//! who is linked to which account at an issuer, and the sign-ins under way.

use super::{args, Conn};
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
    /// Endpoints given instead of discovery's (the original's form has them); kept and shown.
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
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
     auto_create_users, default_role, authorization_url, token_url, userinfo_url, created_at, \
     updated_at";

#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(c: &mut Conn<'_>) -> Result<Vec<Provider>> {
    let sql = format!("SELECT {COLUMNS} FROM oidc_providers ORDER BY name, key");
    c.fetch_all(&sql, args![]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_id(c: &mut Conn<'_>, id: &str) -> Result<Option<Provider>> {
    let sql = format!("SELECT {COLUMNS} FROM oidc_providers WHERE id = $1");
    c.fetch_optional(&sql, args![id]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_key(c: &mut Conn<'_>, key: &str) -> Result<Option<Provider>> {
    let sql = format!("SELECT {COLUMNS} FROM oidc_providers WHERE key = $1");
    c.fetch_optional(&sql, args![key]).await
}

/// Inserts a new provider or writes every field of an existing one (by id).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn save(c: &mut Conn<'_>, p: &Provider) -> Result<()> {
    c.execute(
        "INSERT INTO oidc_providers (id, key, name, issuer_url, client_id, client_secret, scopes, \
         auto_create_users, default_role, created_at, updated_at, authorization_url, token_url, \
         userinfo_url) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
         ON CONFLICT (id) DO UPDATE SET key = excluded.key, name = excluded.name, \
         issuer_url = excluded.issuer_url, client_id = excluded.client_id, \
         client_secret = excluded.client_secret, scopes = excluded.scopes, \
         auto_create_users = excluded.auto_create_users, default_role = excluded.default_role, \
         updated_at = excluded.updated_at, authorization_url = excluded.authorization_url, \
         token_url = excluded.token_url, userinfo_url = excluded.userinfo_url",
        args![
            &p.id,
            &p.key,
            &p.name,
            &p.issuer_url,
            &p.client_id,
            &p.client_secret,
            &p.scopes,
            p.auto_create_users,
            &p.default_role,
            p.created_at,
            p.updated_at,
            p.authorization_url.as_deref(),
            p.token_url.as_deref(),
            p.userinfo_url.as_deref()
        ],
    )
    .await?;
    Ok(())
}

/// Whether there was such a provider; its identities and sign-ins under way go with it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, id: &str) -> Result<bool> {
    let n = c
        .execute("DELETE FROM oidc_providers WHERE id = $1", args![id])
        .await?;
    Ok(n > 0)
}

/// The account linked to `subject` at `issuer`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn linked_user(c: &mut Conn<'_>, issuer: &str, subject: &str) -> Result<Option<String>> {
    c.scalar_optional(
        "SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2",
        args![issuer, subject],
    )
    .await
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
    let n = c
        .execute(
            "INSERT INTO user_identities (issuer, subject, provider_id, user_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (issuer, subject) DO NOTHING",
            args![issuer, subject, provider_id, user_id, now],
        )
        .await?;
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
    c.execute(
        "INSERT INTO oidc_logins (state_hash, browser_hash, provider_id, nonce, pkce_verifier, \
         redirect_to, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        args![
            l.state_hash,
            l.browser_hash,
            l.provider_id,
            l.nonce,
            l.pkce_verifier,
            l.redirect_to,
            l.now,
            l.expires_at
        ],
    )
    .await?;
    Ok(())
}

/// Takes the sign-in with this state out, so that it can be finished once only: of two
/// callbacks racing with the same state, one gets it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn take_login(c: &mut Conn<'_>, state_hash: &str) -> Result<Option<Login>> {
    c.fetch_optional(
        "DELETE FROM oidc_logins WHERE state_hash = $1 \
         RETURNING browser_hash, provider_id, nonce, pkce_verifier, redirect_to, expires_at",
        args![state_hash],
    )
    .await
}

/// Forgets sign-ins that were never finished.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn sweep_logins(c: &mut Conn<'_>, now: i64) -> Result<u64> {
    c.execute("DELETE FROM oidc_logins WHERE expires_at <= $1", args![now])
        .await
}

/// The provider key and subject of the first account at an issuer linked to `user_id`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn identity_of(c: &mut Conn<'_>, user_id: &str) -> Result<Option<(String, String)>> {
    c.fetch_optional(
        "SELECT p.key, i.subject FROM user_identities i JOIN oidc_providers p ON p.id = i.provider_id \
         WHERE i.user_id = $1 ORDER BY i.created_at LIMIT 1",
        args![user_id],
    )
    .await
}
