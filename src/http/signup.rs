//! Cloud sign-up verification: verify the emailed link, ask about it, and send it again.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::email_links::{self, Lookup};
use crate::domain::{Email, Timestamp};
use crate::error::{AppError, Result};
use crate::http::extract::ClientIp;
use crate::http::Json;
use crate::mail;
use crate::state::AppState;
use crate::store::email_tokens::Purpose;
use crate::store::{users, Conn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify_signup))
        .routes(routes!(status))
        .routes(routes!(resend))
        .routes(routes!(request_resend))
}

const TTL_SECS: i64 = 24 * 3600;

pub(crate) async fn issue_token(c: &mut Conn<'_>, user_id: &str) -> Result<String> {
    email_links::issue(c, Purpose::Signup, user_id, None, TTL_SECS).await
}

pub(crate) async fn send_link(state: &AppState, to: &str, token: &str) -> Result<()> {
    let link = format!("{}/verify-email?token={token}", state.config.base_url());
    state
        .mailer
        .send(mail::Email {
            to,
            subject: "Verify your SlugBase account".into(),
            body: format!(
                "Welcome to SlugBase!\n\nConfirm your email address to finish creating your account:\n\n{link}\n\nThe link works once and expires in 24 hours. If you did not sign up, ignore this email.\n"
            ),
        })
        .await
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
    state.limits.auth.check(&format!("verify:{ip}"))?;
    let token = required(body.token)?;
    let mut tx = state.store.begin().await?;
    let t = match email_links::lookup(&mut tx.conn(), Purpose::Signup, &token).await? {
        Lookup::Unknown => {
            return Err(AppError::bad_request(
                "Invalid or expired verification link",
            ))
        }
        Lookup::Used(_) => {
            return Err(AppError::bad_request(
                "This verification link has already been used",
            ))
        }
        Lookup::Expired(_) => {
            return Err(AppError::bad_request("This verification link has expired"))
        }
        Lookup::Valid(t) => t,
    };
    if !email_links::consume(&mut tx.conn(), &token).await? {
        return Err(AppError::bad_request(
            "This verification link has already been used",
        ));
    }
    users::set_verified(&mut tx.conn(), &t.user_id, Timestamp::now().millis()).await?;
    tx.commit().await?;
    Ok(axum::Json(json!({"message": "Email verified. You can log in."})).into_response())
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
            axum::Json(json!({"status": "invalid", "error": "Token is required"})),
        )
            .into_response());
    };
    let mut db = state.store.read().await?;
    let (status, user_id) =
        match email_links::lookup(&mut db.conn(), Purpose::Signup, &token).await? {
            Lookup::Unknown => ("invalid", None),
            Lookup::Used(_) => ("used", None),
            Lookup::Expired(t) => ("expired", Some(t.user_id)),
            Lookup::Valid(t) => ("valid", Some(t.user_id)),
        };
    let email = match user_id {
        Some(id) => users::by_id(&mut db.conn(), &id).await?.map(|u| u.email),
        None => None,
    };
    let mut body = json!({ "status": status });
    if let Some(email) = email {
        body["email"] = email.into();
    }
    Ok(axum::Json(body).into_response())
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
    state.limits.auth.check(&format!("resend:{ip}"))?;
    let token = required(body.token)?;
    let mut tx = state.store.begin().await?;
    let t = match email_links::lookup(&mut tx.conn(), Purpose::Signup, &token).await? {
        Lookup::Unknown => return Err(AppError::bad_request("Invalid verification token")),
        Lookup::Used(_) => {
            return Err(AppError::bad_request(
                "This verification link has already been used",
            ))
        }
        Lookup::Expired(t) | Lookup::Valid(t) => t,
    };
    let user = users::by_id(&mut tx.conn(), &t.user_id)
        .await?
        .ok_or_else(|| AppError::bad_request("Invalid verification token"))?;
    let fresh = issue_token(&mut tx.conn(), &user.id).await?;
    tx.commit().await?;
    send_link(&state, &user.email, &fresh).await?;
    Ok(axum::Json(json!({"message": "Verification email sent"})).into_response())
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
    state.limits.auth.check(&format!("resend:{ip}"))?;
    let email = Email::parse(body.email.as_deref().unwrap_or(""))?;
    let mut tx = state.store.begin().await?;
    let user = users::by_email(&mut tx.conn(), email.as_str())
        .await?
        .filter(|u| !u.email_verified);
    if let Some(user) = user {
        let fresh = issue_token(&mut tx.conn(), &user.id).await?;
        tx.commit().await?;
        send_link(&state, &user.email, &fresh).await?;
    }
    Ok(axum::Json(json!({
        "message": "If an unverified account exists with that email, a new verification link has been sent."
    }))
    .into_response())
}
