//! `/api/password-reset`: request a link by email, check it, and set a new password with it.
//! A reset ends every session of the account.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::email_links::{self, Lookup};
use crate::domain::{Email, Password, Timestamp};
use crate::error::{AppError, Result};
use crate::http::extract::ClientIp;
use crate::http::Json;
use crate::mail;
use crate::security::passwords;
use crate::state::AppState;
use crate::store::email_tokens::Purpose;
use crate::store::{sessions, users};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request))
        .routes(routes!(verify))
        .routes(routes!(reset))
}

const TTL_SECS: i64 = 3600;
const SENT: &str = "If an account with this email exists, a password reset link has been sent.";
const INVALID: &str = "Invalid or expired token";

#[derive(Deserialize, ToSchema)]
pub struct RequestBody {
    #[schema(required = true, schema_with = crate::http::fields::email)]
    email: Option<String>,
}

/// Emails a reset link when the account exists; the answer is the same either way.
#[utoipa::path(post, path = "/api/password-reset/request", tag = "auth", security(()), request_body = RequestBody,
    responses((status = 200, body = crate::http::doc_schemas::Message), (status = 400), (status = 429)))]
async fn request(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<RequestBody>,
) -> Result<Response> {
    state.limits.auth.check(&format!("reset:{ip}"))?;
    let email = Email::parse(body.email.as_deref().unwrap_or(""))?;
    let mut tx = state.store.begin().await?;
    if let Some(user) = users::by_email(&mut tx.conn(), email.as_str()).await? {
        let token = email_links::issue(
            &mut tx.conn(),
            Purpose::PasswordReset,
            &user.id,
            None,
            TTL_SECS,
        )
        .await?;
        tx.commit().await?;
        let link = format!("{}/reset-password?token={token}", state.config.base_url());
        let sent = state
            .mailer
            .send(mail::Email {
                to: &user.email,
                subject: "Reset your SlugBase password".into(),
                body: format!("Someone asked to reset the password of your SlugBase account.\n\nChoose a new password here:\n\n{link}\n\nThe link works once and expires in an hour. If it was not you, ignore this email.\n"),
            })
            .await;
        if let Err(e) = sent {
            // Same answer regardless, so the response says nothing about the account.
            tracing::error!(error = %e, "password reset email failed");
        }
    }
    Ok(axum::Json(json!({ "message": SENT })).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    #[param(required = true, min_length = 1, nullable = false)]
    token: Option<String>,
}

/// Whether a reset token can still be used.
#[utoipa::path(get, path = "/api/password-reset/verify", tag = "auth", security(()), params(TokenQuery),
    responses((status = 200, body = crate::http::doc_schemas::ValidLink), (status = 400, description = "{valid: false, error}")))]
async fn verify(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Result<Response> {
    let valid = match q.token.filter(|t| !t.is_empty()) {
        Some(token) => {
            let mut db = state.store.read().await?;
            matches!(
                email_links::lookup(&mut db.conn(), Purpose::PasswordReset, &token).await?,
                Lookup::Valid(_)
            )
        }
        None => false,
    };
    Ok(if valid {
        axum::Json(json!({"valid": true})).into_response()
    } else {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"valid": false, "error": INVALID})),
        )
            .into_response()
    })
}

#[derive(Deserialize, ToSchema)]
pub struct ResetBody {
    #[schema(required = true, schema_with = crate::http::fields::token)]
    token: Option<String>,
    #[schema(required = true, schema_with = crate::http::fields::password)]
    password: Option<String>,
}

/// Sets a new password with a reset token, and signs the account out everywhere.
#[utoipa::path(post, path = "/api/password-reset/reset", tag = "auth", security(()), request_body = ResetBody,
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Password reset successfully"), (status = 400), (status = 429)))]
async fn reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<ResetBody>,
) -> Result<Response> {
    state.limits.auth.check(&format!("reset:{ip}"))?;
    let (Some(token), Some(password)) = (body.token.filter(|t| !t.is_empty()), body.password)
    else {
        return Err(AppError::bad_request("Token and password are required"));
    };
    let password = Password::parse(&password)?;
    let hash = passwords::hash(password.expose()).await?;
    let mut tx = state.store.begin().await?;
    let Lookup::Valid(t) =
        email_links::lookup(&mut tx.conn(), Purpose::PasswordReset, &token).await?
    else {
        return Err(AppError::bad_request(INVALID));
    };
    if !email_links::consume(&mut tx.conn(), &token).await? {
        return Err(AppError::bad_request(INVALID));
    }
    let now = Timestamp::now().millis();
    users::set_password(&mut tx.conn(), &t.user_id, &hash, now).await?;
    sessions::revoke_all_for_user(&mut tx.conn(), &t.user_id, now).await?;
    tx.commit().await?;
    Ok(axum::Json(json!({"message": "Password reset successfully"})).into_response())
}
