//! `/api/users/me` (the signed-in person's profile) and `/api/email-verification` (confirming a
//! new email address before it replaces the old one).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::account_view;
use crate::app::accounts::{self, ProfileEdit};
use crate::app::email_links::{self, LinkCheck};
use crate::domain::account::{LANGUAGES, THEMES};
use crate::error::{AppError, Result};
use crate::http::{CurrentUser, Json};
use crate::request::ClientIp;
use crate::state::AppState;
use crate::store::users::PublicUser;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_me, update_me, delete_me))
        .routes(routes!(verify_change))
        .routes(routes!(confirm_change))
}

/// The signed-in user's profile.
/// The signed-in person: the user object and, as the original SlugBase's client reads them, how
/// they sign in and an email change waiting for confirmation.
#[derive(Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    user: PublicUser,
    has_password: bool,
    /// The key of the OpenID provider the account is linked through, or `null`.
    oidc_provider: Option<String>,
    /// Who they are at that provider, or `null`.
    oidc_sub: Option<String>,
    /// The new address of an email change not confirmed yet, or `null`.
    email_pending: Option<String>,
    /// Cloud: whether they are an owner or admin of their current organization (the original
    /// client shows its administration then).
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_admin: Option<bool>,
}

impl Me {
    pub async fn of(state: &AppState, user: &CurrentUser) -> Result<Me> {
        let m = account_view::sign_in_methods(&state.store, user).await?;
        let (oidc_provider, oidc_sub) = m.oidc.unzip();
        Ok(Me {
            user: PublicUser::from((*user.user).clone()),
            has_password: m.has_password,
            oidc_provider,
            oidc_sub,
            email_pending: m.email_pending,
            workspace_admin: state.is_cloud().then_some(m.workspace_admin),
        })
    }
}

#[utoipa::path(get, path = "/api/users/me", tag = "users", responses((status = 200, body = Me), (status = 401)))]
async fn get_me(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Me>> {
    Ok(Json(Me::of(&state, &user).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct DeleteAccountBody {
    /// The account's password (401 `INVALID_PASSWORD` when wrong). Not needed within ten minutes
    /// of signing in with this session; otherwise 400 `PASSWORD_REQUIRED` without it.
    #[schema(schema_with = crate::http::fields::token)]
    password: Option<String>,
}

/// Deletes the signed-in person's account: its sessions and tokens end at once, its memberships
/// go, and what it owned in each organization is deleted (an organization it was alone in goes
/// too). Refused while it is the last owner of an organization with other members
/// (`LAST_OWNER`), or the last admin of a self-hosted instance. The password is asked for unless
/// this session signed in within the last ten minutes.
#[utoipa::path(delete, path = "/api/users/me", tag = "users", request_body = DeleteAccountBody,
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Account deleted; the session cookies are cleared"),
        (status = 400, description = "No password and no recent sign-in (PASSWORD_REQUIRED), the last owner of an organization with other members (LAST_OWNER), or the last admin"),
        (status = 401, description = "Not signed in, or a wrong password (INVALID_PASSWORD)"), (status = 429)))]
async fn delete_me(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    user: CurrentUser,
    Json(body): Json<DeleteAccountBody>,
) -> Result<Response> {
    state.limits.account_deletion(ip).await?;
    crate::app::account_removal::delete_own_account(
        &state.store,
        state.mode(),
        &user,
        body.password.as_deref(),
    )
    .await?;
    let headers = crate::request::cookies::signed_out(&state);
    Ok((headers, Json(json!({"message": "Account deleted"}))).into_response())
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
    responses((status = 200, body = crate::http::doc_schemas::ProfileAnswer), (status = 400), (status = 401),
        (status = 502, description = "The confirmation email to a new address could not be sent; nothing waits for it")))]
async fn update_me(
    State(state): State<AppState>,
    me: CurrentUser,
    Json(body): Json<ProfileBody>,
) -> Result<Response> {
    let edit = ProfileEdit::parse(
        body.name.as_deref(),
        body.language,
        body.theme,
        body.ai_suggestions_enabled,
        body.email.as_deref(),
        &me.user.email,
    )?;
    let updated = accounts::update_profile(&state.store, &state.outbox(), &me, edit).await?;
    let user = updated.user;
    let Some(email) = updated.pending_email else {
        return Ok(Json(PublicUser::from(user)).into_response());
    };
    Ok(Json(json!({
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
            Json(json!({"valid": false, "error": msg})),
        )
            .into_response()
    };
    let Some(token) = q.token.filter(|t| !t.is_empty()) else {
        return Ok(invalid("Token is required"));
    };
    Ok(
        match email_links::check_email_change(&state.store, &token).await? {
            LinkCheck::Valid(new_email) => {
                Json(json!({"valid": true, "newEmail": new_email})).into_response()
            }
            LinkCheck::Invalid(error) => invalid(error),
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
    state.limits.email_change(ip).await?;
    let token = body
        .token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::bad_request("Token is required"))?;
    let email = email_links::confirm_email_change(&state.store, &token).await?;
    Ok(
        Json(json!({"message": "Email verified and updated successfully", "email": email}))
            .into_response(),
    )
}
