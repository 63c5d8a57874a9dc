//! `/api/users/me` (the signed-in person's profile) and `/api/email-verification` (confirming a
//! new email address before it replaces the old one).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::email_links::{self, Lookup};
use crate::domain::{Email, PersonName, Timestamp};
use crate::error::{AppError, Result};
use crate::http::extract::ClientIp;
use crate::http::{CurrentUser, Json};
use crate::mail;
use crate::state::AppState;
use crate::store::email_tokens::Purpose;
use crate::store::users::{self, ProfileChange, PublicUser};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_me, update_me))
        .routes(routes!(verify_change))
        .routes(routes!(confirm_change))
}

const TTL_SECS: i64 = 24 * 3600;
const LANGUAGES: &[&str] = &["en", "de", "fr", "es", "it", "nl", "pt", "pl", "ja", "zh"];
const THEMES: &[&str] = &["auto", "light", "dark"];

/// The signed-in user's profile.
#[utoipa::path(get, path = "/api/users/me", tag = "users", responses((status = 200, body = PublicUser), (status = 401)))]
async fn get_me(user: CurrentUser) -> axum::Json<PublicUser> {
    axum::Json(PublicUser::from((*user.user).clone()))
}

#[derive(Deserialize, ToSchema)]
pub struct ProfileBody {
    /// A new address is only requested: a link goes to it, and it replaces the old one when
    /// confirmed.
    #[schema(schema_with = crate::http::fields::email)]
    email: Option<String>,
    #[schema(schema_with = crate::http::fields::person_name)]
    name: Option<String>,
    #[schema(schema_with = language_schema)]
    language: Option<String>,
    #[schema(schema_with = theme_schema)]
    theme: Option<String>,
    #[schema(nullable = false)]
    ai_suggestions_enabled: Option<bool>,
}

fn language_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(LANGUAGES.iter().copied()))
        .build()
}

fn theme_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .enum_values(Some(THEMES.iter().copied()))
        .build()
}

/// Changes the profile. A new email address is only requested here: a link goes to it, and the
/// address changes when that link is confirmed.
#[utoipa::path(put, path = "/api/users/me", tag = "users", request_body = ProfileBody,
    responses((status = 200, body = crate::http::doc_schemas::ProfileAnswer), (status = 400), (status = 401)))]
async fn update_me(
    State(state): State<AppState>,
    me: CurrentUser,
    Json(body): Json<ProfileBody>,
) -> Result<Response> {
    let mut change = ProfileChange::default();
    if let Some(name) = &body.name {
        change.name = Some(PersonName::parse(name)?.as_str().to_string());
    }
    if let Some(lang) = body.language {
        if !LANGUAGES.contains(&lang.as_str()) {
            return Err(AppError::bad_request(format!(
                "language must be one of: {}",
                LANGUAGES.join(", ")
            )));
        }
        change.language = Some(lang);
    }
    if let Some(theme) = body.theme {
        if !THEMES.contains(&theme.as_str()) {
            return Err(AppError::bad_request(
                "theme must be one of: auto, light, dark",
            ));
        }
        change.theme = Some(theme);
    }
    change.ai_suggestions_enabled = body.ai_suggestions_enabled;
    let new_email = match &body.email {
        Some(raw) => Some(Email::parse(raw)?).filter(|e| e.as_str() != me.user.email),
        None => None,
    };
    let nothing = change.name.is_none()
        && change.language.is_none()
        && change.theme.is_none()
        && change.ai_suggestions_enabled.is_none();
    if nothing && new_email.is_none() && body.email.is_none() {
        return Err(AppError::bad_request("No fields to update"));
    }
    let mut tx = state.store.begin().await?;
    users::update_profile(&mut tx.conn(), me.id(), &change, Timestamp::now().millis()).await?;
    let mut token = None;
    if let Some(email) = &new_email {
        if users::by_email(&mut tx.conn(), email.as_str())
            .await?
            .is_some()
        {
            return Err(AppError::bad_request("User with this email already exists"));
        }
        token = Some(
            email_links::issue(
                &mut tx.conn(),
                Purpose::EmailChange,
                me.id(),
                Some(email.as_str()),
                TTL_SECS,
            )
            .await?,
        );
    }
    let user = users::by_id(&mut tx.conn(), me.id())
        .await?
        .ok_or(AppError::Unauthorized)?;
    tx.commit().await?;
    let (Some(email), Some(token)) = (new_email, token) else {
        return Ok(axum::Json(PublicUser::from(user)).into_response());
    };
    let link = format!("{}/confirm-email?token={token}", state.config.base_url());
    state
        .mailer
        .send(mail::Email {
            to: email.as_str(),
            subject: "Confirm your new SlugBase email address".into(),
            body: format!("Confirm that this is the new email address of your SlugBase account:\n\n{link}\n\nThe link expires in 24 hours. Until then your account keeps its current address.\n"),
        })
        .await?;
    Ok(axum::Json(json!({
        "message": "Email change requested. Please check your new email address for a verification link.",
        "emailVerificationRequired": true,
        "currentEmail": user.email,
        "pendingEmail": email.as_str(),
        "user": PublicUser::from(user.clone()),
    }))
    .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    #[param(required = true, min_length = 1, nullable = false)]
    token: Option<String>,
}

/// Whether an email-change link is still good, and the address it confirms.
#[utoipa::path(get, path = "/api/email-verification/verify", tag = "users", security(()), params(TokenQuery),
    responses((status = 200, body = crate::http::doc_schemas::ValidLink), (status = 400, description = "{valid: false, error}")))]
async fn verify_change(
    State(state): State<AppState>,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    let invalid = |msg: &str| {
        (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"valid": false, "error": msg})),
        )
            .into_response()
    };
    let Some(token) = q.token.filter(|t| !t.is_empty()) else {
        return Ok(invalid("Token is required"));
    };
    let mut db = state.store.read().await?;
    Ok(
        match email_links::lookup(&mut db.conn(), Purpose::EmailChange, &token).await? {
            Lookup::Valid(t) => {
                axum::Json(json!({"valid": true, "newEmail": t.new_email})).into_response()
            }
            Lookup::Expired(_) => invalid("Token has expired"),
            Lookup::Unknown | Lookup::Used(_) => invalid("Invalid or expired token"),
        },
    )
}

#[derive(Deserialize, ToSchema)]
pub struct TokenBody {
    #[schema(required = true, schema_with = crate::http::fields::token)]
    token: Option<String>,
}

/// Confirms the new address: from now on the account uses it.
#[utoipa::path(post, path = "/api/email-verification/confirm", tag = "users", security(()), request_body = TokenBody,
    responses((status = 200, body = crate::http::doc_schemas::EmailConfirmed), (status = 400), (status = 429)))]
async fn confirm_change(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<TokenBody>,
) -> Result<Response> {
    state.limits.auth.check(&format!("email-change:{ip}"))?;
    let token = body
        .token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::bad_request("Token is required"))?;
    let mut tx = state.store.begin().await?;
    let t = match email_links::lookup(&mut tx.conn(), Purpose::EmailChange, &token).await? {
        Lookup::Valid(t) => t,
        Lookup::Expired(_) => return Err(AppError::bad_request("Token has expired")),
        Lookup::Unknown | Lookup::Used(_) => {
            return Err(AppError::bad_request("Invalid or expired token"))
        }
    };
    let email = t
        .new_email
        .clone()
        .ok_or_else(|| AppError::bad_request("Invalid or expired token"))?;
    if !email_links::consume(&mut tx.conn(), &token).await? {
        return Err(AppError::bad_request("Invalid or expired token"));
    }
    users::set_email(
        &mut tx.conn(),
        &t.user_id,
        &email,
        Timestamp::now().millis(),
    )
    .await
    .map_err(|e| e.on_unique("This email address is already in use"))?;
    tx.commit().await?;
    Ok(
        axum::Json(json!({"message": "Email verified and updated successfully", "email": email}))
            .into_response(),
    )
}
