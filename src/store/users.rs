//! People. A user belongs to no single organization; memberships live in `orgs`.

use serde::Serialize;

use super::{q, Conn};
use crate::domain::time;
use crate::error::Result;

/// A user as stored; `password_hash` never leaves the server (see [`PublicUser`]).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: Option<String>,
    pub user_key: String,
    pub is_admin: bool,
    pub email_verified: bool,
    pub language: String,
    pub theme: String,
    pub ai_suggestions_enabled: bool,
    pub mfa_enabled: bool,
    pub last_org_id: Option<String>,
    pub created_at: i64,
}

/// The user object every endpoint shows: no hash, no secret.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PublicUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub user_key: String,
    pub is_admin: bool,
    pub email_verified: bool,
    pub language: String,
    pub theme: String,
    pub ai_suggestions_enabled: bool,
    pub mfa_enabled: bool,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<User> for PublicUser {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            user_key: u.user_key,
            is_admin: u.is_admin,
            email_verified: u.email_verified,
            language: u.language,
            theme: u.theme,
            ai_suggestions_enabled: u.ai_suggestions_enabled,
            mfa_enabled: u.mfa_enabled,
            created_at: u.created_at,
        }
    }
}

pub(super) const COLUMNS: &str =
    "id, email, name, password_hash, user_key, is_admin, email_verified, \
    language, theme, ai_suggestions_enabled, mfa_enabled, last_org_id, created_at";

pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub user_key: &'a str,
    pub is_admin: bool,
    pub email_verified: bool,
    pub now: i64,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(c: &mut Conn<'_>, u: &NewUser<'_>) -> Result<()> {
    q!(c, |e| {
        sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, user_key, is_admin, email_verified, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
    )
    .bind(u.id)
    .bind(u.email)
    .bind(u.name)
    .bind(u.password_hash)
    .bind(u.user_key)
    .bind(u.is_admin)
    .bind(u.email_verified)
    .bind(u.now)
    .execute(e)
    .await?.rows_affected()
    });
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_id(c: &mut Conn<'_>, id: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(q!(c, |e| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(e)
        .await?))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_email(c: &mut Conn<'_>, email: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    Ok(q!(c, |e| sqlx::query_as(&sql)
        .bind(email)
        .fetch_optional(e)
        .await?))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(c: &mut Conn<'_>) -> Result<i64> {
    Ok(q!(c, |e| sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(e)
        .await?))
}

/// Self-hosted instance admins.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn admin_count(c: &mut Conn<'_>) -> Result<i64> {
    Ok(q!(c, |e| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE is_admin = TRUE"
    )
    .fetch_one(e)
    .await?))
}

/// Deletes the person; their sessions, tokens, memberships and everything they own go with
/// them (foreign keys cascade).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, id: &str) -> Result<()> {
    q!(c, |e| sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(e)
        .await?
        .rows_affected());
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_verified(c: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE users SET email_verified = TRUE, updated_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_password(c: &mut Conn<'_>, id: &str, hash: &str, now: i64) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(hash)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

/// Leaves the account without a password: it signs in through a provider, or sets one through
/// an emailed link.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn clear_password(c: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE users SET password_hash = NULL, updated_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_email(c: &mut Conn<'_>, id: &str, email: &str, now: i64) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE users SET email = $2, email_verified = TRUE, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(email)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

/// Mirrors whether the user has a confirmed second factor (`user_mfa.enabled_at`); called in
/// the same transaction that changes it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_mfa_enabled(c: &mut Conn<'_>, id: &str, enabled: bool, now: i64) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE users SET mfa_enabled = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(enabled)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

/// Profile fields a user may change themselves; `None` leaves a field as it is.
#[derive(Default)]
pub struct ProfileChange {
    pub name: Option<String>,
    pub language: Option<String>,
    pub theme: Option<String>,
    pub ai_suggestions_enabled: Option<bool>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_profile(c: &mut Conn<'_>, id: &str, p: &ProfileChange, now: i64) -> Result<()> {
    q!(c, |e| {
        sqlx::query(
        "UPDATE users SET name = COALESCE($2, name), language = COALESCE($3, language), \
         theme = COALESCE($4, theme), ai_suggestions_enabled = COALESCE($5, ai_suggestions_enabled), \
         updated_at = $6 WHERE id = $1"
    )
    .bind(id)
    .bind(&p.name)
    .bind(&p.language)
    .bind(&p.theme)
    .bind(p.ai_suggestions_enabled)
    .bind(now)
    .execute(e)
    .await?.rows_affected()
    });
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_last_org(c: &mut Conn<'_>, id: &str, org_id: &str) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE users SET last_org_id = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(org_id)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

/// Takes the user's row lock for the rest of the transaction (per-user limits such as tokens).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn lock(c: &mut Conn<'_>, id: &str) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE users SET updated_at = updated_at WHERE id = $1"
    )
    .bind(id)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

/// Records that the self-hosted instance has been set up; false when it already was.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_instance_initialized(c: &mut Conn<'_>, now: i64) -> Result<bool> {
    let r = q!(c, |e| sqlx::query(
        "INSERT INTO instance_state (id, initialized_at) VALUES (1, $1)"
    )
    .bind(now)
    .execute(e)
    .await
    .map(|r| r.rows_affected()));
    super::inserted_once(r)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn instance_initialized(c: &mut Conn<'_>) -> Result<bool> {
    let n: i64 = q!(c, |e| sqlx::query_scalar(
        "SELECT COUNT(*) FROM instance_state"
    )
    .fetch_one(e)
    .await?);
    Ok(n > 0)
}
