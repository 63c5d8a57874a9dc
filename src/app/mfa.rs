//! Second-factor flows shared by the MFA endpoints and the login's second step: spending a
//! code (TOTP or backup), issuing backup codes, and turning MFA on and off with
//! `users.mfa_enabled` kept in step.

use crate::domain::Timestamp;
use crate::error::Result;
use crate::security::totp;
use crate::store::mfa::{self, Mfa};
use crate::store::{users, Conn};

/// Spends `code` against the user's enabled second factor: a TOTP code of a time step later
/// than the last one accepted, or an unused backup code. False when it is neither; nothing is
/// spent then.
pub async fn spend_code(c: &mut Conn<'_>, m: &Mfa, code: &str) -> Result<bool> {
    let now = Timestamp::now();
    if totp::as_totp_code(code).is_some() {
        let now_secs = u64::try_from(now.millis() / 1000).unwrap_or(0);
        return match totp::matching_step(&m.secret, code, now_secs) {
            Some(step) => mfa::use_step(c, &m.user_id, step as i64).await,
            None => Ok(false),
        };
    }
    match totp::backup_code_digest(code) {
        Some(hash) => mfa::use_backup_code(c, &m.user_id, &hash, now.millis()).await,
        None => Ok(false),
    }
}

/// Fresh backup codes replacing any earlier ones; returned in clear to be shown once, stored
/// only as digests.
pub async fn issue_backup_codes(c: &mut Conn<'_>, user_id: &str) -> Result<Vec<String>> {
    let codes = totp::new_backup_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| totp::backup_code_digest(code).expect("generated codes are well-formed"))
        .collect();
    mfa::replace_backup_codes(c, user_id, &hashes).await?;
    Ok(codes)
}

/// Confirms the pending enrollment (its code was for `step`) and issues the first backup codes;
/// `None` when there was no enrollment left to confirm.
pub async fn enable(c: &mut Conn<'_>, user_id: &str, step: u64) -> Result<Option<Vec<String>>> {
    let now = Timestamp::now().millis();
    if !mfa::enable(c, user_id, step as i64, now).await? {
        return Ok(None);
    }
    users::set_mfa_enabled(c, user_id, true, now).await?;
    Ok(Some(issue_backup_codes(c, user_id).await?))
}

/// Removes the secret and the backup codes.
pub async fn disable(c: &mut Conn<'_>, user_id: &str) -> Result<()> {
    mfa::delete(c, user_id).await?;
    users::set_mfa_enabled(c, user_id, false, Timestamp::now().millis()).await
}
