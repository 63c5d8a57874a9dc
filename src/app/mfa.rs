//! The TOTP second factor with ten single-use backup codes: enrolling (a secret handed out once,
//! then confirmed with a code), the login's second step, turning it off and new backup codes.
//! Every code is spent when accepted: a TOTP code cannot be used twice (nor an older one after
//! it), a backup code works once. `users.mfa_enabled` is kept in step.

use crate::app::audit::{self, Actor, Event};
use crate::app::identity::CurrentUser;
use crate::app::sessions::{self, Issued, SessionKeys};
use crate::domain::DomainError;
use crate::domain::Timestamp;
use crate::error::{AppError, Result};
use crate::security::jwt::JwtKeys;
use crate::security::totp;
use crate::store::mfa::{self, Mfa};
use crate::store::{users, Conn, Store};

/// How long a right password waits for its second factor.
pub const PENDING_TTL_SECS: i64 = 5 * 60;

/// A code given to turn MFA on or off, or to renew backup codes, that does not check out.
fn invalid_code() -> AppError {
    DomainError::InvalidCode.into()
}

/// A code given to sign in that does not check out.
fn invalid_sign_in_code() -> AppError {
    AppError::SignInRefused {
        error: "Invalid code",
        code: Some("INVALID_CODE"),
    }
}

fn pending_invalid() -> AppError {
    AppError::SignInRefused {
        error: "MFA session expired. Please sign in again.",
        code: Some("MFA_PENDING_INVALID"),
    }
}

fn already_enabled() -> AppError {
    AppError::bad_request("MFA is already enabled")
}

fn no_enrollment() -> AppError {
    AppError::bad_request("No MFA enrollment in progress")
}

/// After MFA is turned on or off, every other session and every API token of the person ends:
/// whatever was signed in under the old rules signs in again under the new ones. The session
/// (or token) making the change stays.
async fn end_other_credentials(c: &mut Conn<'_>, user: &CurrentUser, now: i64) -> Result<()> {
    let (session, token) = match &user.credential {
        crate::app::identity::Credential::Session { id, .. } => (Some(id.as_str()), None),
        crate::app::identity::Credential::ApiToken { id, .. } => (None, Some(id.as_str())),
    };
    crate::store::sessions::revoke_others(c, user.id(), session.unwrap_or(""), now).await?;
    crate::store::tokens::delete_all_for_user(c, user.id(), token).await?;
    Ok(())
}

/// Spends `code` against the user's enabled second factor: a TOTP code of a time step later
/// than the last one accepted, or an unused backup code. False when it is neither; nothing is
/// spent then.
#[tracing::instrument(level = "debug", skip_all)]
async fn spend_code(c: &mut Conn<'_>, m: &Mfa, code: &str) -> Result<bool> {
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

/// Spends `code` against the user's enabled second factor (400 `MFA is not enabled` when it is
/// off, 400 `INVALID_CODE` when the code is wrong): what turning it off and renewing the backup
/// codes ask for.
#[tracing::instrument(level = "debug", skip_all)]
async fn spend_own_code(c: &mut Conn<'_>, user_id: &str, code: &str) -> Result<()> {
    let m = mfa::by_user(c, user_id)
        .await?
        .filter(Mfa::is_enabled)
        .ok_or_else(|| AppError::bad_request("MFA is not enabled"))?;
    if !spend_code(c, &m, code).await? {
        return Err(invalid_code());
    }
    Ok(())
}

/// Fresh backup codes replacing any earlier ones; returned in clear to be shown once, stored
/// only as digests.
#[tracing::instrument(level = "debug", skip_all)]
async fn issue_backup_codes(c: &mut Conn<'_>, user_id: &str) -> Result<Vec<String>> {
    let codes = totp::new_backup_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|code| totp::backup_code_digest(code).expect("generated codes are well-formed"))
        .collect();
    mfa::replace_backup_codes(c, user_id, &hashes).await?;
    Ok(codes)
}

/// Whether MFA is on, and how many backup codes are left (0 when it is off).
#[derive(Copy, Clone, Debug)]
pub struct Status {
    pub enabled: bool,
    pub backup_codes_remaining: i64,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn status(store: &Store, user_id: &str) -> Result<Status> {
    let mut db = store.read().await?;
    let enabled = mfa::by_user(&mut db.conn(), user_id)
        .await?
        .is_some_and(|m| m.is_enabled());
    let backup_codes_remaining = if enabled {
        mfa::backup_codes_remaining(&mut db.conn(), user_id).await?
    } else {
        0
    };
    Ok(Status {
        enabled,
        backup_codes_remaining,
    })
}

/// A secret being enrolled, shown only now.
#[derive(Clone, Debug)]
pub struct Enrollment {
    /// Base32.
    pub secret: String,
    /// `otpauth://totp/SlugBase:<email>?secret=…&issuer=SlugBase`, for a QR code.
    pub otpauth_url: String,
}

/// Starts enrollment with a new secret, replacing any enrollment not yet confirmed.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn begin_enrollment(store: &Store, user: &CurrentUser) -> Result<Enrollment> {
    if user.user.mfa_enabled {
        return Err(already_enabled());
    }
    let secret = totp::new_secret();
    let mut tx = store.begin().await?;
    let now = Timestamp::now().millis();
    if !mfa::begin_enrollment(&mut tx.conn(), user.id(), &secret, now).await? {
        return Err(already_enabled());
    }
    tx.commit().await?;
    Ok(Enrollment {
        otpauth_url: totp::otpauth_url(&user.user.email, &secret),
        secret,
    })
}

/// Turns MFA on once a TOTP code from the new secret checks; answers the first backup codes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn confirm_enrollment(
    store: &Store,
    user: &CurrentUser,
    code: &str,
) -> Result<Vec<String>> {
    let user_id = user.id();
    let mut tx = store.begin().await?;
    let pending = match mfa::by_user(&mut tx.conn(), user_id).await? {
        Some(m) if m.is_enabled() => return Err(already_enabled()),
        Some(m) => m,
        None => return Err(no_enrollment()),
    };
    let now = Timestamp::now().millis();
    let now_secs = u64::try_from(now / 1000).unwrap_or(0);
    let step = totp::matching_step(&pending.secret, code, now_secs).ok_or_else(invalid_code)?;
    // The code's step counts as used: it cannot sign in a second time.
    if !mfa::enable(&mut tx.conn(), user_id, step as i64, now).await? {
        return Err(no_enrollment());
    }
    users::set_mfa_enabled(&mut tx.conn(), user_id, true, now).await?;
    let codes = issue_backup_codes(&mut tx.conn(), user_id).await?;
    end_other_credentials(&mut tx.conn(), user, now).await?;
    let event = Event::new("mfa.enabled", "user").entity(user_id);
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "MFA enabled");
    Ok(codes)
}

/// Drops an enrollment that was not confirmed; MFA that is on stays on.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn cancel_enrollment(store: &Store, user_id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    mfa::cancel_enrollment(&mut tx.conn(), user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The person a login's pending token was issued to (401 `MFA_PENDING_INVALID` when it does not
/// verify or has expired).
pub fn pending_user(keys: &JwtKeys, mfa_token: Option<&str>) -> Result<String> {
    mfa_token
        .and_then(|t| keys.verify_mfa_pending(t))
        .map(|claims| claims.sub)
        .ok_or_else(pending_invalid)
}

/// The login's second step: a code for the person of a verified pending token starts their
/// session, exactly as a login without MFA would.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn complete_sign_in(
    store: &Store,
    keys: &SessionKeys,
    user_id: &str,
    code: &str,
    ip: Option<std::net::IpAddr>,
) -> Result<(Issued, users::User)> {
    let how = sessions::SignedInBy::new("password+mfa", ip);
    let mut tx = store.begin().await?;
    let user = users::by_id(&mut tx.conn(), user_id)
        .await?
        .ok_or_else(pending_invalid)?;
    // MFA turned off since the password was checked: the pending token proves too little.
    let m = mfa::by_user(&mut tx.conn(), &user.id)
        .await?
        .filter(Mfa::is_enabled)
        .ok_or_else(pending_invalid)?;
    if !spend_code(&mut tx.conn(), &m, code).await? {
        drop(tx);
        sessions::record_refused_sign_in(store, Some(&user), &how, "invalid_code").await?;
        return Err(invalid_sign_in_code());
    }
    let issued = sessions::start(keys, &mut tx.conn(), &user.id, None).await?;
    sessions::record_sign_in(&mut tx.conn(), &user, &how).await?;
    tx.commit().await?;
    Ok((issued, user))
}

/// Turns MFA off with a TOTP or backup code; the secret and backup codes are deleted.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn disable(
    store: &Store,
    user: &CurrentUser,
    code: &str,
    password: Option<&str>,
) -> Result<()> {
    crate::app::account_removal::confirm_password(user, password).await?;
    let user_id = user.id();
    let mut tx = store.begin().await?;
    spend_own_code(&mut tx.conn(), user_id, code).await?;
    mfa::delete(&mut tx.conn(), user_id).await?;
    let now = Timestamp::now().millis();
    users::set_mfa_enabled(&mut tx.conn(), user_id, false, now).await?;
    end_other_credentials(&mut tx.conn(), user, now).await?;
    let event = Event::new("mfa.disabled", "user").entity(user_id);
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, "MFA disabled");
    Ok(())
}

/// Replaces the backup codes, given a TOTP or backup code; the earlier ones stop working.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn regenerate_backup_codes(
    store: &Store,
    user: &CurrentUser,
    code: &str,
    password: Option<&str>,
) -> Result<Vec<String>> {
    crate::app::account_removal::confirm_password(user, password).await?;
    let user_id = user.id();
    let mut tx = store.begin().await?;
    spend_own_code(&mut tx.conn(), user_id, code).await?;
    let codes = issue_backup_codes(&mut tx.conn(), user_id).await?;
    let event = Event::new("mfa.backup_codes_renewed", "user").entity(user_id);
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.commit().await?;
    Ok(codes)
}
