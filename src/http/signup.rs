//! Cloud sign-up verification: verify the emailed link, ask about it, and send it again.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::email_links;
use crate::domain::Email;
use crate::error::{AppError, Result};
use crate::http::Json;
use crate::request::ClientIp;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify_signup))
        .routes(routes!(status))
        .routes(routes!(resend))
        .routes(routes!(request_resend))
}

#[derive(Deserialize, ToSchema)]
pub struct TokenBody {
    #[schema(required = true, schema_with = crate::http::fields::token)]
    token: Option<String>,
}

fn required(token: Option<String>) -> Result<String> {
    token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::bad_request("Token is required"))
}

/// Confirms a sign-up email address with the emailed token.
#[utoipa::path(post, path = "/api/auth/verify-signup", tag = "auth", security(()), request_body = TokenBody,
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Email verified. You can log in."), (status = 400), (status = 429)))]
async fn verify_signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<TokenBody>,
) -> Result<Response> {
    state.limits.email_verification(ip).await?;
    let token = required(body.token)?;
    email_links::verify_signup(&state.store, &token).await?;
    Ok(Json(json!({"message": "Email verified. You can log in."})).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    #[param(required = true, min_length = 1, nullable = false)]
    token: Option<String>,
}

/// What a verification link is: `valid`, `used`, `expired` or `invalid` (with the email where known).
#[utoipa::path(get, path = "/api/auth/signup-verification/status", tag = "auth", security(()), params(TokenQuery),
    responses((status = 200, body = crate::http::doc_schemas::SignupLinkStatus), (status = 400)))]
async fn status(State(state): State<AppState>, Query(q): Query<TokenQuery>) -> Result<Response> {
    let Some(token) = q.token.filter(|t| !t.is_empty()) else {
        return Ok((
            StatusCode::BAD_REQUEST,
            Json(json!({"status": "invalid", "error": "Token is required"})),
        )
            .into_response());
    };
    let link = email_links::signup_status(&state.store, &token).await?;
    let mut body = json!({ "status": link.status });
    if let Some(email) = link.email {
        body["email"] = email.into();
    }
    Ok(Json(body).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ResendBody {
    #[schema(required = true, schema_with = crate::http::fields::token)]
    token: Option<String>,
}

/// Sends a fresh link in place of an earlier (possibly expired) one.
#[utoipa::path(post, path = "/api/auth/resend-signup-verification", tag = "auth", security(()), request_body = ResendBody,
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Verification email sent"), (status = 400), (status = 429)))]
async fn resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<ResendBody>,
) -> Result<Response> {
    state.limits.verification_resend(ip).await?;
    let token = required(body.token)?;
    email_links::resend_signup(&state.store, &state.outbox(), &token).await?;
    Ok(Json(json!({"message": "Verification email sent"})).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct EmailBody {
    #[schema(required = true, schema_with = crate::http::fields::email)]
    email: Option<String>,
}

/// Sends a new link to an unverified account; answers the same whether or not one exists.
#[utoipa::path(post, path = "/api/auth/request-signup-resend", tag = "auth", security(()), request_body = EmailBody,
    responses((status = 200, body = crate::http::doc_schemas::Message), (status = 400), (status = 429)))]
async fn request_resend(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<EmailBody>,
) -> Result<Response> {
    state.limits.verification_resend(ip).await?;
    let email = Email::parse(body.email.as_deref().unwrap_or(""))?;
    email_links::request_signup_resend(&state.store, &state.outbox(), &email).await?;
    Ok(Json(json!({
        "message": "If an unverified account exists with that email, a new verification link has been sent."
    }))
    .into_response())
}
