//! People. A user belongs to no single organization; memberships live in `orgs`.

use serde::Serialize;

use super::{args, Conn};
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
    c.execute(
        "INSERT INTO users (id, email, name, password_hash, user_key, is_admin, email_verified, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        args![
            u.id,
            u.email,
            u.name,
            u.password_hash,
            u.user_key,
            u.is_admin,
            u.email_verified,
            u.now
        ],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_id(c: &mut Conn<'_>, id: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    c.fetch_optional(&sql, args![id]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_email(c: &mut Conn<'_>, email: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    c.fetch_optional(&sql, args![email]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(c: &mut Conn<'_>) -> Result<i64> {
    c.scalar("SELECT COUNT(*) FROM users", args![]).await
}

/// Self-hosted instance admins.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn admin_count(c: &mut Conn<'_>) -> Result<i64> {
    c.scalar("SELECT COUNT(*) FROM users WHERE is_admin = TRUE", args![])
        .await
}

/// Deletes the person; their sessions, tokens, memberships and everything they own go with
/// them (foreign keys cascade).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, id: &str) -> Result<()> {
    c.execute("DELETE FROM users WHERE id = $1", args![id])
        .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_verified(c: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE users SET email_verified = TRUE, updated_at = $2 WHERE id = $1",
        args![id, now],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_password(c: &mut Conn<'_>, id: &str, hash: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
        args![id, hash, now],
    )
    .await?;
    Ok(())
}

/// Leaves the account without a password: it signs in through a provider, or sets one through
/// an emailed link.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn clear_password(c: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE users SET password_hash = NULL, updated_at = $2 WHERE id = $1",
        args![id, now],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_email(c: &mut Conn<'_>, id: &str, email: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE users SET email = $2, email_verified = TRUE, updated_at = $3 WHERE id = $1",
        args![id, email, now],
    )
    .await?;
    Ok(())
}

/// Mirrors whether the user has a confirmed second factor (`user_mfa.enabled_at`); called in
/// the same transaction that changes it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_mfa_enabled(c: &mut Conn<'_>, id: &str, enabled: bool, now: i64) -> Result<()> {
    c.execute(
        "UPDATE users SET mfa_enabled = $2, updated_at = $3 WHERE id = $1",
        args![id, enabled, now],
    )
    .await?;
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
    c.execute(
        "UPDATE users SET name = COALESCE($2, name), language = COALESCE($3, language), \
         theme = COALESCE($4, theme), \
         ai_suggestions_enabled = COALESCE($5, ai_suggestions_enabled), \
         updated_at = $6 WHERE id = $1",
        args![
            id,
            &p.name,
            &p.language,
            &p.theme,
            p.ai_suggestions_enabled,
            now
        ],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_last_org(c: &mut Conn<'_>, id: &str, org_id: &str) -> Result<()> {
    c.execute(
        "UPDATE users SET last_org_id = $2 WHERE id = $1",
        args![id, org_id],
    )
    .await?;
    Ok(())
}

/// Takes the user's row lock for the rest of the transaction (per-user limits such as tokens).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn lock(c: &mut Conn<'_>, id: &str) -> Result<()> {
    c.execute(
        "UPDATE users SET updated_at = updated_at WHERE id = $1",
        args![id],
    )
    .await?;
    Ok(())
}

/// Records that the self-hosted instance has been set up; false when it already was.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_instance_initialized(c: &mut Conn<'_>, now: i64) -> Result<bool> {
    let r = c
        .execute(
            "INSERT INTO instance_state (id, initialized_at) VALUES (1, $1)",
            args![now],
        )
        .await;
    super::inserted_once(r)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn instance_initialized(c: &mut Conn<'_>) -> Result<bool> {
    let n: i64 = c
        .scalar("SELECT COUNT(*) FROM instance_state", args![])
        .await?;
    Ok(n > 0)
}
