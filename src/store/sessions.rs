//! Login sessions and their rotating refresh tokens. A session is a row: revoking it ends every
//! access token that names it at once.

use super::{q, Conn};
use crate::error::Result;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub current_org_id: Option<String>,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

impl Session {
    pub fn is_live(&self, now: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    c: &mut Conn<'_>,
    id: &str,
    user_id: &str,
    current_org_id: Option<&str>,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    q!(c, |e| {
        sqlx::query(
        "INSERT INTO sessions (id, user_id, current_org_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(id)
    .bind(user_id)
    .bind(current_org_id)
    .bind(now)
    .bind(expires_at)
    .execute(e)
    .await?.rows_affected()
    });
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_id(c: &mut Conn<'_>, id: &str) -> Result<Option<Session>> {
    Ok(q!(c, |e| sqlx::query_as(
        "SELECT id, user_id, current_org_id, expires_at, revoked_at FROM sessions WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(e)
    .await?))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke(c: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"
    )
    .bind(id)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

/// Ends every session of a user but `keep` (the one making an MFA change).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_others(c: &mut Conn<'_>, user_id: &str, keep: &str, now: i64) -> Result<()> {
    q!(c, |e| {
        sqlx::query(
        "UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL"
    )
    .bind(user_id)
    .bind(keep)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected()
    });
    Ok(())
}

/// Ends every session of a user (after a password change or reset); returns their ids.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_all_for_user(c: &mut Conn<'_>, user_id: &str, now: i64) -> Result<Vec<String>> {
    Ok(q!(c, |e| {
        sqlx::query_scalar(
        "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING id"
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(e)
    .await?
    }))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_current_org(c: &mut Conn<'_>, id: &str, org_id: Option<&str>) -> Result<()> {
    q!(c, |e| sqlx::query(
        "UPDATE sessions SET current_org_id = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(org_id)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_refresh(
    c: &mut Conn<'_>,
    token_hash: &str,
    session_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    q!(c, |e| {
        sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(token_hash)
    .bind(session_id)
    .bind(now)
    .bind(expires_at)
    .execute(e)
    .await?.rows_affected()
    });
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
pub struct RefreshToken {
    pub session_id: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn refresh_by_hash(c: &mut Conn<'_>, token_hash: &str) -> Result<Option<RefreshToken>> {
    Ok(q!(c, |e| sqlx::query_as(
        "SELECT session_id, expires_at, used_at FROM refresh_tokens WHERE token_hash = $1"
    )
    .bind(token_hash)
    .fetch_optional(e)
    .await?))
}

/// Marks a refresh token used; false when it already was (a replay).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn use_refresh(c: &mut Conn<'_>, token_hash: &str, now: i64) -> Result<bool> {
    let n = q!(c, |e| sqlx::query(
        "UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL"
    )
    .bind(token_hash)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// Deletes the sessions that ended before `before` (their refresh tokens go with them): an
/// expired session authenticates nothing, so nothing reads it again.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_expired(c: &mut Conn<'_>, before: i64) -> Result<u64> {
    Ok(q!(c, |e| sqlx::query(
        "DELETE FROM sessions WHERE expires_at < $1"
    )
    .bind(before)
    .execute(e)
    .await?
    .rows_affected()))
}
