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

use crate::app::mfa::{self, PENDING_TTL_SECS};
use crate::error::{AppError, Result};
use crate::http::{auth, CurrentUser, Json};
use crate::request::cookies;
use crate::request::ClientIp;
use crate::state::AppState;
use crate::store::users::PublicUser;

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

fn required_code(code: Option<String>) -> Result<String> {
    code.map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .ok_or_else(|| AppError::bad_request("Code is required"))
}

/// Guessing codes is limited by client address and, once we know whose codes they are, by user.
async fn limit(state: &AppState, ip: std::net::IpAddr, user_id: &str) -> Result<()> {
    state.limits.second_factor(ip).await?;
    state.limits.second_factor_of(user_id).await
}

#[derive(Serialize, ToSchema)]
pub struct MfaRequired {
    /// Always true: the password was right, a second factor must follow.
    mfa_required: bool,
    /// Pass to `POST /api/auth/mfa/verify` (the `slugbase.mfa_pending` cookie carries it too);
    /// valid for five minutes and for nothing else.
    mfa_token: String,
}

/// The login's answer for a user with MFA: the pending token (in the body and an HttpOnly
/// cookie) instead of a session.
pub fn second_factor_required(state: &AppState, token: String) -> Response {
    let cookie = cookies::mfa_pending(state, token.clone(), PENDING_TTL_SECS);
    let body = MfaRequired {
        mfa_required: true,
        mfa_token: token,
    };
    ([(header::SET_COOKIE, cookie)], Json(body)).into_response()
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
async fn status(State(state): State<AppState>, user: CurrentUser) -> Result<Json<MfaStatus>> {
    let status = mfa::status(&state.store, user.id()).await?;
    Ok(Json(MfaStatus {
        enabled: status.enabled,
        backup_codes_remaining: status.backup_codes_remaining,
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
) -> Result<Json<Enrollment>> {
    let enrollment = mfa::begin_enrollment(&state.store, &user).await?;
    Ok(Json(Enrollment {
        secret: enrollment.secret,
        otpauth_url: enrollment.otpauth_url,
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
) -> Result<Json<Enabled>> {
    limit(&state, ip, user.id()).await?;
    let code = required_code(body.code)?;
    let backup_codes = mfa::confirm_enrollment(&state.store, &user, &code).await?;
    Ok(Json(Enabled {
        enabled: true,
        backup_codes,
    }))
}

/// Drops an enrollment that was not confirmed; MFA that is on stays on.
#[utoipa::path(post, path = "/api/auth/mfa/enroll/cancel", tag = "auth",
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "MFA enrollment cancelled"), (status = 401)))]
async fn enroll_cancel(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    mfa::cancel_enrollment(&state.store, user.id()).await?;
    Ok(Json(json!({"message": "MFA enrollment cancelled"})).into_response())
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
    state.limits.second_factor(ip).await?;
    let token = body
        .mfa_token
        .filter(|t| !t.is_empty())
        .or_else(|| cookies::get(&headers, cookies::MFA_PENDING).filter(|t| !t.is_empty()));
    let user_id = mfa::pending_user(&state.jwt, token.as_deref())?;
    state.limits.second_factor_of(&user_id).await?;
    let code = required_code(body.code)?;
    let (issued, user) =
        mfa::complete_sign_in(&state.store, &state.sessions, &user_id, &code, Some(ip)).await?;
    let mut res = auth::signed_in(&state, issued, user, StatusCode::OK);
    res.headers_mut()
        .append(header::SET_COOKIE, cookies::clear_mfa_pending(&state));
    Ok(res)
}

#[derive(Serialize, ToSchema)]
pub struct Disabled {
    /// Always false.
    enabled: bool,
}

/// Turns MFA off with the password and a TOTP or backup code; the secret and backup codes are
/// deleted.
#[utoipa::path(post, path = "/api/auth/mfa/disable", tag = "auth", request_body = CodeAndPasswordBody,
    responses((status = 200, body = Disabled),
        (status = 400, description = "Invalid code (INVALID_CODE), no password (PASSWORD_REQUIRED), or MFA is not enabled"),
        (status = 401, description = "Not signed in, or a wrong password (INVALID_PASSWORD)"), (status = 429)))]
async fn disable(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    user: CurrentUser,
    Json(body): Json<CodeAndPasswordBody>,
) -> Result<Json<Disabled>> {
    limit(&state, ip, user.id()).await?;
    let code = required_code(body.code)?;
    mfa::disable(&state.store, &user, &code, body.password.as_deref()).await?;
    Ok(Json(Disabled { enabled: false }))
}

/// A code and the account's password: what turning MFA off and renewing backup codes ask for.
#[derive(Deserialize, ToSchema)]
pub struct CodeAndPasswordBody {
    /// A six-digit TOTP code or a backup code `xxxx-xxxx`.
    #[schema(required = true, schema_with = crate::http::fields::token)]
    code: Option<String>,
    /// The account's password (400 `PASSWORD_REQUIRED` without it, 401 `INVALID_PASSWORD`
    /// when wrong).
    #[schema(required = true, schema_with = crate::http::fields::token)]
    password: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BackupCodes {
    /// Ten new single-use codes, shown only here; the earlier ones no longer work.
    backup_codes: Vec<String>,
}

/// Replaces the backup codes, given the password and a TOTP or backup code.
#[utoipa::path(post, path = "/api/auth/mfa/backup/regenerate", tag = "auth", request_body = CodeAndPasswordBody,
    responses((status = 200, body = BackupCodes),
        (status = 400, description = "Invalid code (INVALID_CODE), no password (PASSWORD_REQUIRED), or MFA is not enabled"),
        (status = 401, description = "Not signed in, or a wrong password (INVALID_PASSWORD)"), (status = 429)))]
async fn regenerate_backup_codes(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    user: CurrentUser,
    Json(body): Json<CodeAndPasswordBody>,
) -> Result<Json<BackupCodes>> {
    limit(&state, ip, user.id()).await?;
    let code = required_code(body.code)?;
    let backup_codes =
        mfa::regenerate_backup_codes(&state.store, &user, &code, body.password.as_deref()).await?;
    Ok(Json(BackupCodes { backup_codes }))
}
