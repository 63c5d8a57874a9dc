//! `/api/auth/mfa`: TOTP second factor with ten single-use backup codes.
//!
//! Enrollment is two steps: `enroll/begin` hands out a secret (shown only then), and
//! `enroll/confirm` turns MFA on once the user proves their app has it. From then on a right
//! password at `/api/auth/login` yields only a short-lived pending token, and `verify` trades it
//! with a code for a session. Every code is spent when accepted: a TOTP code cannot be used twice
//! (nor an older one after it), a backup code works once.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::mfa as mfa_service;
use crate::app::sessions;
use crate::domain::Timestamp;
use crate::error::{AppError, Result};
use crate::http::extract::ClientIp;
use crate::http::{auth, cookies, CurrentUser, Json};
use crate::security::totp;
use crate::state::AppState;
use crate::store::mfa::{self, Mfa};
use crate::store::users::{self, PublicUser};
use crate::store::Conn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(routes!(enroll_begin))
        .routes(routes!(enroll_confirm))
        .routes(routes!(enroll_cancel))
        .routes(routes!(verify))
        .routes(routes!(disable))
        .routes(routes!(regenerate_backup_codes))
}

/// How long a right password waits for its second factor.
pub const PENDING_TTL_SECS: i64 = 5 * 60;

fn invalid_code(status: StatusCode) -> AppError {
    AppError::coded(status, "Invalid code", "INVALID_CODE", json!({}))
}

fn pending_invalid() -> AppError {
    AppError::coded(
        StatusCode::UNAUTHORIZED,
        "MFA session expired. Please sign in again.",
        "MFA_PENDING_INVALID",
        json!({}),
    )
}

fn already_enabled() -> AppError {
    AppError::bad_request("MFA is already enabled")
}

fn not_enabled() -> AppError {
    AppError::bad_request("MFA is not enabled")
}

fn required_code(code: Option<String>) -> Result<String> {
    code.map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::bad_request("Code is required"))
}

/// Guessing codes is limited by client address and, once we know whose codes they are, by user.
fn limit(state: &AppState, ip: std::net::IpAddr, user_id: &str) -> Result<()> {
    state.limits.auth.check(&format!("mfa:{ip}"))?;
    state.limits.auth.check(&format!("mfa-user:{user_id}"))
}

#[derive(Serialize, ToSchema)]
pub struct MfaRequired {
    /// Always true: the password was right, a second factor must follow.
    mfa_required: bool,
    /// Pass to `POST /api/auth/mfa/verify` (the `slugbase.mfa_pending` cookie carries it too);
    /// valid for five minutes and for nothing else.
    mfa_token: String,
}

/// The login's answer for a user with MFA: a pending token (in the body and an HttpOnly cookie)
/// instead of a session.
pub fn second_factor_required(state: &AppState, user_id: &str) -> Response {
    let now = Timestamp::now().millis() / 1000;
    let token = state.jwt.sign_mfa_pending(user_id, now, PENDING_TTL_SECS);
    let cookie = cookies::mfa_pending(state, token.clone(), PENDING_TTL_SECS);
    let body = MfaRequired {
        mfa_required: true,
        mfa_token: token,
    };
    ([(header::SET_COOKIE, cookie)], axum::Json(body)).into_response()
}

#[derive(Serialize, ToSchema)]
pub struct MfaStatus {
    enabled: bool,
    /// Unused backup codes; 0 when MFA is off.
    backup_codes_remaining: i64,
}

/// Whether the signed-in user has MFA on, and how many backup codes are left.
#[utoipa::path(get, path = "/api/auth/mfa/status", tag = "auth",
    responses((status = 200, body = MfaStatus), (status = 401)))]
async fn status(State(state): State<AppState>, user: CurrentUser) -> Result<axum::Json<MfaStatus>> {
    let mut db = state.store.read().await?;
    let enabled = mfa::by_user(&mut db.conn(), user.id())
        .await?
        .is_some_and(|m| m.is_enabled());
    let backup_codes_remaining = if enabled {
        mfa::backup_codes_remaining(&mut db.conn(), user.id()).await?
    } else {
        0
    };
    Ok(axum::Json(MfaStatus {
        enabled,
        backup_codes_remaining,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Enrollment {
    /// Base32; shown only here.
    secret: String,
    /// `otpauth://totp/SlugBase:<email>?secret=…&issuer=SlugBase`, for a QR code.
    otpauth_url: String,
}

/// Starts enrollment with a new secret, replacing any enrollment not yet confirmed.
#[utoipa::path(post, path = "/api/auth/mfa/enroll/begin", tag = "auth",
    responses((status = 200, body = Enrollment), (status = 400, description = "MFA is already enabled"), (status = 401)))]
async fn enroll_begin(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::Json<Enrollment>> {
    if user.user.mfa_enabled {
        return Err(already_enabled());
    }
    let secret = totp::new_secret();
    let mut tx = state.store.begin().await?;
    if !mfa::begin_enrollment(
        &mut tx.conn(),
        user.id(),
        &secret,
        Timestamp::now().millis(),
    )
    .await?
    {
        return Err(already_enabled());
    }
    tx.commit().await?;
    Ok(axum::Json(Enrollment {
        otpauth_url: totp::otpauth_url(&user.user.email, &secret),
        secret,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct CodeBody {
    /// A six-digit TOTP code, or (where accepted) a backup code `xxxx-xxxx`.
    #[schema(required = true, schema_with = crate::http::fields::token)]
    code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Enabled {
    enabled: bool,
    /// Ten single-use codes `xxxx-xxxx`, shown only here.
    backup_codes: Vec<String>,
}

/// Turns MFA on once a TOTP code from the new secret checks, and hands out the backup codes.
#[utoipa::path(post, path = "/api/auth/mfa/enroll/confirm", tag = "auth", request_body = CodeBody,
    responses((status = 200, body = Enabled),
        (status = 400, description = "Invalid code (INVALID_CODE), no MFA enrollment in progress, or MFA already enabled"),
        (status = 401), (status = 429)))]
async fn enroll_confirm(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    user: CurrentUser,
    Json(body): Json<CodeBody>,
) -> Result<axum::Json<Enabled>> {
    limit(&state, ip, user.id())?;
    let code = required_code(body.code)?;
    let mut tx = state.store.begin().await?;
    let pending = mfa::by_user(&mut tx.conn(), user.id()).await?;
    let pending = match pending {
        Some(m) if m.is_enabled() => return Err(already_enabled()),
        Some(m) => m,
        None => return Err(AppError::bad_request("No MFA enrollment in progress")),
    };
    let now_secs = u64::try_from(Timestamp::now().millis() / 1000).unwrap_or(0);
    let step = totp::matching_step(&pending.secret, &code, now_secs)
        .ok_or_else(|| invalid_code(StatusCode::BAD_REQUEST))?;
    let backup_codes = mfa_service::enable(&mut tx.conn(), user.id(), step)
        .await?
        .ok_or_else(|| AppError::bad_request("No MFA enrollment in progress"))?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id(), "MFA enabled");
    Ok(axum::Json(Enabled {
        enabled: true,
        backup_codes,
    }))
}

/// Drops an enrollment that was not confirmed; MFA that is on stays on.
#[utoipa::path(post, path = "/api/auth/mfa/enroll/cancel", tag = "auth",
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "MFA enrollment cancelled"), (status = 401)))]
async fn enroll_cancel(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let mut tx = state.store.begin().await?;
    mfa::cancel_enrollment(&mut tx.conn(), user.id()).await?;
    tx.commit().await?;
    Ok(axum::Json(json!({"message": "MFA enrollment cancelled"})).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct VerifyBody {
    /// A six-digit TOTP code or an unused backup code.
    #[schema(required = true, schema_with = crate::http::fields::token)]
    code: Option<String>,
    /// The login's `mfa_token`; when absent, the `slugbase.mfa_pending` cookie is used.
    #[schema(nullable = false)]
    mfa_token: Option<String>,
}

/// The login's second step: a pending token and a code give a session, answered exactly as a
/// login without MFA (the user object, the `token` cookie, and `refresh_token` in cloud).
#[utoipa::path(post, path = "/api/auth/mfa/verify", tag = "auth", security(()), request_body = VerifyBody,
    responses((status = 200, body = PublicUser), (status = 400, description = "Code is required"),
        (status = 401, description = "MFA_PENDING_INVALID without a valid pending token; INVALID_CODE for a wrong code"),
        (status = 429)))]
async fn verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Json(body): Json<VerifyBody>,
) -> Result<Response> {
    state.limits.auth.check(&format!("mfa:{ip}"))?;
    let token = body
        .mfa_token
        .filter(|t| !t.is_empty())
        .or_else(|| cookies::get(&headers, cookies::MFA_PENDING).filter(|t| !t.is_empty()))
        .ok_or_else(pending_invalid)?;
    let claims = state
        .jwt
        .verify_mfa_pending(&token)
        .ok_or_else(pending_invalid)?;
    state
        .limits
        .auth
        .check(&format!("mfa-user:{}", claims.sub))?;
    let code = required_code(body.code)?;
    let mut tx = state.store.begin().await?;
    let user = users::by_id(&mut tx.conn(), &claims.sub)
        .await?
        .ok_or_else(pending_invalid)?;
    // MFA turned off since the password was checked: the pending token proves too little.
    let m: Mfa = mfa::by_user(&mut tx.conn(), &user.id)
        .await?
        .filter(Mfa::is_enabled)
        .ok_or_else(pending_invalid)?;
    if !mfa_service::spend_code(&mut tx.conn(), &m, &code).await? {
        return Err(invalid_code(StatusCode::UNAUTHORIZED));
    }
    let issued = sessions::start(&state.sessions, &mut tx.conn(), &user.id, None).await?;
    tx.commit().await?;
    let mut res = auth::signed_in(&state, issued, user, StatusCode::OK);
    res.headers_mut()
        .append(header::SET_COOKIE, cookies::clear_mfa_pending(&state));
    Ok(res)
}

/// The user's enabled second factor, or 400 when MFA is off.
async fn enabled_mfa(c: &mut Conn<'_>, user_id: &str) -> Result<Mfa> {
    mfa::by_user(c, user_id)
        .await?
        .filter(Mfa::is_enabled)
        .ok_or_else(not_enabled)
}

#[derive(Serialize, ToSchema)]
pub struct Disabled {
    /// Always false.
    enabled: bool,
}

/// Turns MFA off with a TOTP or backup code; the secret and backup codes are deleted.
#[utoipa::path(post, path = "/api/auth/mfa/disable", tag = "auth", request_body = CodeBody,
    responses((status = 200, body = Disabled),
        (status = 400, description = "Invalid code (INVALID_CODE), or MFA is not enabled"),
        (status = 401), (status = 429)))]
async fn disable(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    user: CurrentUser,
    Json(body): Json<CodeBody>,
) -> Result<axum::Json<Disabled>> {
    limit(&state, ip, user.id())?;
    let code = required_code(body.code)?;
    let mut tx = state.store.begin().await?;
    let m = enabled_mfa(&mut tx.conn(), user.id()).await?;
    if !mfa_service::spend_code(&mut tx.conn(), &m, &code).await? {
        return Err(invalid_code(StatusCode::BAD_REQUEST));
    }
    mfa_service::disable(&mut tx.conn(), user.id()).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id(), "MFA disabled");
    Ok(axum::Json(Disabled { enabled: false }))
}

#[derive(Serialize, ToSchema)]
pub struct BackupCodes {
    /// Ten new single-use codes, shown only here; the earlier ones no longer work.
    backup_codes: Vec<String>,
}

/// Replaces the backup codes, given a TOTP or backup code.
#[utoipa::path(post, path = "/api/auth/mfa/backup/regenerate", tag = "auth", request_body = CodeBody,
    responses((status = 200, body = BackupCodes),
        (status = 400, description = "Invalid code (INVALID_CODE), or MFA is not enabled"),
        (status = 401), (status = 429)))]
async fn regenerate_backup_codes(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    user: CurrentUser,
    Json(body): Json<CodeBody>,
) -> Result<axum::Json<BackupCodes>> {
    limit(&state, ip, user.id())?;
    let code = required_code(body.code)?;
    let mut tx = state.store.begin().await?;
    let m = enabled_mfa(&mut tx.conn(), user.id()).await?;
    if !mfa_service::spend_code(&mut tx.conn(), &m, &code).await? {
        return Err(invalid_code(StatusCode::BAD_REQUEST));
    }
    let backup_codes = mfa_service::issue_backup_codes(&mut tx.conn(), user.id()).await?;
    tx.commit().await?;
    Ok(axum::Json(BackupCodes { backup_codes }))
}
