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

use crate::app::email_links::{self, LinkCheck};
use crate::domain::{Email, Password};
use crate::error::{AppError, Result};
use crate::http::Json;
use crate::request::ClientIp;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request))
        .routes(routes!(verify))
        .routes(routes!(reset))
}

const SENT: &str = "If an account with this email exists, a password reset link has been sent.";

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
    state.limits.password_reset(ip).await?;
    let email = Email::parse(body.email.as_deref().unwrap_or(""))?;
    email_links::request_password_reset(&state.store, &state.outbox(), &email).await?;
    Ok(Json(json!({ "message": SENT })).into_response())
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
    let check = match q.token.filter(|t| !t.is_empty()) {
        Some(token) => email_links::check_password_reset(&state.store, &token).await?,
        None => LinkCheck::Invalid(email_links::INVALID_TOKEN),
    };
    Ok(match check {
        LinkCheck::Valid(()) => Json(json!({"valid": true})).into_response(),
        LinkCheck::Invalid(error) => (
            StatusCode::BAD_REQUEST,
            Json(json!({"valid": false, "error": error})),
        )
            .into_response(),
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
    state.limits.password_reset(ip).await?;
    let (Some(token), Some(password)) = (body.token.filter(|t| !t.is_empty()), body.password)
    else {
        return Err(AppError::bad_request("Token and password are required"));
    };
    let password = Password::parse(&password)?;
    email_links::reset_password(&state.store, &token, &password).await?;
    Ok(Json(json!({"message": "Password reset successfully"})).into_response())
}
