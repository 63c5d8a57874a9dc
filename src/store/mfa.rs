//! Second factors: a user's TOTP secret (an enrollment until `enabled_at` is set), the last
//! time step accepted, and backup codes stored only as SHA-256 digests. Every "use" is one
//! conditional `UPDATE`, so two requests racing with the same code cannot both succeed.

use super::{args, Conn};
use crate::error::Result;

#[derive(Clone, sqlx::FromRow)]
pub struct Mfa {
    pub user_id: String,
    /// Base32; never shown again once the enrollment is confirmed.
    pub secret: String,
    pub enabled_at: Option<i64>,
    pub last_used_step: Option<i64>,
    pub created_at: i64,
}

impl Mfa {
    pub fn is_enabled(&self) -> bool {
        self.enabled_at.is_some()
    }
}

impl std::fmt::Debug for Mfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mfa")
            .field("user_id", &self.user_id)
            .field("secret", &"<redacted>")
            .field("enabled_at", &self.enabled_at)
            .field("last_used_step", &self.last_used_step)
            .finish()
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_user(c: &mut Conn<'_>, user_id: &str) -> Result<Option<Mfa>> {
    c.fetch_optional(
        "SELECT user_id, secret, enabled_at, last_used_step, created_at FROM user_mfa WHERE \
         user_id = $1",
        args![user_id],
    )
    .await
}

/// Starts (or restarts) an enrollment with `secret`; false when MFA is already enabled, which
/// it leaves untouched.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn begin_enrollment(
    c: &mut Conn<'_>,
    user_id: &str,
    secret: &str,
    now: i64,
) -> Result<bool> {
    let n = c
        .execute(
            "INSERT INTO user_mfa (user_id, secret, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, \
             created_at = excluded.created_at, last_used_step = NULL \
             WHERE user_mfa.enabled_at IS NULL",
            args![user_id, secret, now],
        )
        .await?;
    Ok(n == 1)
}

/// Confirms the enrollment, remembering the step of the code that confirmed it; false when
/// there was none to confirm.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn enable(c: &mut Conn<'_>, user_id: &str, step: i64, now: i64) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE user_mfa SET enabled_at = $2, last_used_step = $3 \
             WHERE user_id = $1 AND enabled_at IS NULL",
            args![user_id, now, step],
        )
        .await?;
    Ok(n == 1)
}

/// Drops an enrollment that was never confirmed; an enabled second factor stays.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn cancel_enrollment(c: &mut Conn<'_>, user_id: &str) -> Result<()> {
    c.execute(
        "DELETE FROM user_mfa WHERE user_id = $1 AND enabled_at IS NULL",
        args![user_id],
    )
    .await?;
    Ok(())
}

/// Removes the secret and every backup code.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, user_id: &str) -> Result<()> {
    c.execute(
        "DELETE FROM mfa_backup_codes WHERE user_id = $1",
        args![user_id],
    )
    .await?;
    c.execute("DELETE FROM user_mfa WHERE user_id = $1", args![user_id])
        .await?;
    Ok(())
}

/// Records that the code of `step` was accepted; false when that step or a later one already
/// was (a replayed or older code).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn use_step(c: &mut Conn<'_>, user_id: &str, step: i64) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE user_mfa SET last_used_step = $2 WHERE user_id = $1 \
             AND enabled_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)",
            args![user_id, step],
        )
        .await?;
    Ok(n == 1)
}

/// Replaces all of the user's backup codes with these digests.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn replace_backup_codes(
    c: &mut Conn<'_>,
    user_id: &str,
    hashes: &[String],
) -> Result<()> {
    c.execute(
        "DELETE FROM mfa_backup_codes WHERE user_id = $1",
        args![user_id],
    )
    .await?;
    for hash in hashes {
        c.execute(
            "INSERT INTO mfa_backup_codes (user_id, code_hash) VALUES ($1, $2)",
            args![user_id, hash],
        )
        .await?;
    }
    Ok(())
}

/// Spends a backup code; false when the user has no such unused code.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn use_backup_code(
    c: &mut Conn<'_>,
    user_id: &str,
    hash: &str,
    now: i64,
) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE mfa_backup_codes SET used_at = $3 \
             WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
            args![user_id, hash, now],
        )
        .await?;
    Ok(n == 1)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn backup_codes_remaining(c: &mut Conn<'_>, user_id: &str) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM mfa_backup_codes WHERE user_id = $1 AND used_at IS NULL",
        args![user_id],
    )
    .await
}
