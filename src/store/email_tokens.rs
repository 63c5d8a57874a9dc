//! One-time links sent by email (sign-up verification, password reset, email change).

use super::{args, Conn};
use crate::error::Result;

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Purpose {
    Signup,
    PasswordReset,
    EmailChange,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Signup => "signup",
            Purpose::PasswordReset => "password_reset",
            Purpose::EmailChange => "email_change",
        }
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EmailToken {
    pub user_id: String,
    pub new_email: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// Stores a new token for `user_id`, retiring that user's earlier unused ones of the same purpose.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn replace(
    c: &mut Conn<'_>,
    purpose: Purpose,
    user_id: &str,
    token_hash: &str,
    new_email: Option<&str>,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    c.execute(
        "DELETE FROM email_tokens WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        args![user_id, purpose.as_str()],
    )
    .await?;
    c.execute(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, new_email, created_at, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            token_hash,
            user_id,
            purpose.as_str(),
            new_email,
            now,
            expires_at
        ],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(
    c: &mut Conn<'_>,
    purpose: Purpose,
    token_hash: &str,
) -> Result<Option<EmailToken>> {
    c.fetch_optional(
        "SELECT user_id, new_email, expires_at, used_at FROM email_tokens WHERE token_hash = $1 \
         AND purpose = $2",
        args![token_hash, purpose.as_str()],
    )
    .await
}

/// Marks a token used; false when it was already used (so two racing uses succeed once).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn consume(c: &mut Conn<'_>, token_hash: &str, now: i64) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE email_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
            args![token_hash, now],
        )
        .await?;
    Ok(n == 1)
}

/// Deletes the links that expired before `before`, used or not. The caller keeps a margin:
/// until a link is deleted, presenting it still says "used" or "expired" rather than "invalid".
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_expired(c: &mut Conn<'_>, before: i64) -> Result<u64> {
    c.execute(
        "DELETE FROM email_tokens WHERE expires_at < $1",
        args![before],
    )
    .await
}

/// The address `user_id` asked to change to and has not confirmed yet (its link still works).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn pending_email(c: &mut Conn<'_>, user_id: &str, now: i64) -> Result<Option<String>> {
    c.scalar_optional(
        "SELECT new_email FROM email_tokens WHERE user_id = $1 AND purpose = 'email_change' \
         AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC LIMIT 1",
        args![user_id, now],
    )
    .await
}
