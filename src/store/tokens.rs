//! Personal `sb_` API tokens, stored only as SHA-256 digests.

use serde::Serialize;

use super::{args, Conn};
use crate::domain::time;
use crate::error::Result;

#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<i64>,
}

/// What authenticating with a token needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenAuth {
    pub id: String,
    pub user_id: String,
    pub token_hash: String,
    pub current_org_id: Option<String>,
    pub last_used_at: Option<i64>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    c: &mut Conn<'_>,
    id: &str,
    user_id: &str,
    name: &str,
    token_hash: &str,
    current_org_id: Option<&str>,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, current_org_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        args![id, user_id, name, token_hash, current_org_id, now],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn count_for_user(c: &mut Conn<'_>, user_id: &str) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM api_tokens WHERE user_id = $1",
        args![user_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_for_user(c: &mut Conn<'_>, user_id: &str) -> Result<Vec<TokenInfo>> {
    c.fetch_all(
        "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY \
         created_at DESC, id",
        args![user_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_hash(c: &mut Conn<'_>, token_hash: &str) -> Result<Option<TokenAuth>> {
    c.fetch_optional(
        "SELECT id, user_id, token_hash, current_org_id, last_used_at FROM api_tokens WHERE \
         token_hash = $1",
        args![token_hash],
    )
    .await
}

/// Deletes every token of the user but `keep` (after a password reset or an MFA change).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_all_for_user(
    c: &mut Conn<'_>,
    user_id: &str,
    keep: Option<&str>,
) -> Result<()> {
    c.execute(
        "DELETE FROM api_tokens WHERE user_id = $1 AND id <> $2",
        args![user_id, keep.unwrap_or("")],
    )
    .await?;
    Ok(())
}

/// Deletes one of the user's tokens; false when the user has no such token.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, user_id: &str, id: &str) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2",
            args![id, user_id],
        )
        .await?;
    Ok(n == 1)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn touch(c: &mut Conn<'_>, id: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
        args![id, now],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_current_org(c: &mut Conn<'_>, id: &str, org_id: Option<&str>) -> Result<()> {
    c.execute(
        "UPDATE api_tokens SET current_org_id = $2 WHERE id = $1",
        args![id, org_id],
    )
    .await?;
    Ok(())
}
