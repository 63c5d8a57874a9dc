//! Login sessions and their rotating refresh tokens. A session is a row: revoking it ends every
//! access token that names it at once.

use super::{args, Conn};
use crate::error::Result;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Session {
    pub id: String,
    pub user_id: String,
    pub current_org_id: Option<String>,
    /// When the person signed in (refreshing keeps the session, and this).
    pub created_at: i64,
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
    c.execute(
        "INSERT INTO sessions (id, user_id, current_org_id, created_at, expires_at) VALUES ($1, \
         $2, $3, $4, $5)",
        args![id, user_id, current_org_id, now, expires_at],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_id(c: &mut Conn<'_>, id: &str) -> Result<Option<Session>> {
    c.fetch_optional(
        "SELECT id, user_id, current_org_id, created_at, expires_at, revoked_at FROM sessions \
         WHERE id = $1",
        args![id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke(c: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        args![id, now],
    )
    .await?;
    Ok(())
}

/// Ends every session of a user but `keep` (the one making an MFA change).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_others(c: &mut Conn<'_>, user_id: &str, keep: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE sessions SET revoked_at = $3 WHERE user_id = $1 AND id <> $2 AND revoked_at IS \
         NULL",
        args![user_id, keep, now],
    )
    .await?;
    Ok(())
}

/// Ends every session of a user (after a password change or reset); returns their ids.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke_all_for_user(c: &mut Conn<'_>, user_id: &str, now: i64) -> Result<Vec<String>> {
    c.scalars(
        "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL RETURNING \
         id",
        args![user_id, now],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_current_org(c: &mut Conn<'_>, id: &str, org_id: Option<&str>) -> Result<()> {
    c.execute(
        "UPDATE sessions SET current_org_id = $2 WHERE id = $1",
        args![id, org_id],
    )
    .await?;
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
    c.execute(
        "INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, \
         $2, $3, $4)",
        args![token_hash, session_id, now, expires_at],
    )
    .await?;
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
    c.fetch_optional(
        "SELECT session_id, expires_at, used_at FROM refresh_tokens WHERE token_hash = $1",
        args![token_hash],
    )
    .await
}

/// Marks a refresh token used; false when it already was (a replay).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn use_refresh(c: &mut Conn<'_>, token_hash: &str, now: i64) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
            args![token_hash, now],
        )
        .await?;
    Ok(n == 1)
}

/// Deletes the sessions that ended before `before` (their refresh tokens go with them): an
/// expired session authenticates nothing, so nothing reads it again.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_expired(c: &mut Conn<'_>, before: i64) -> Result<u64> {
    c.execute("DELETE FROM sessions WHERE expires_at < $1", args![before])
        .await
}
