//! `/api/auth`: first-run setup, registration, login, logout, the signed-in user and refresh.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::accounts::{self, SignUp};
use crate::app::invited_signup;
use crate::app::sessions::{self, Issued, LogIn};
use crate::domain::Email;
use crate::error::{AppError, Result};
use crate::http::{CurrentUser, Json, MaybeUser};
use crate::request::cookies;
use crate::request::ClientIp;
use crate::state::AppState;
use crate::store::users::{self, PublicUser};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(setup_status))
        .routes(routes!(setup))
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(refresh))
}

#[derive(Deserialize, ToSchema)]
pub struct AccountBody {
    #[schema(required = true, schema_with = crate::http::fields::email)]
    email: Option<String>,
    #[schema(required = true, schema_with = crate::http::fields::person_name)]
    name: Option<String>,
    #[schema(required = true, schema_with = crate::http::fields::password)]
    password: Option<String>,
}

impl AccountBody {
    fn validate(self) -> Result<SignUp> {
        SignUp::parse(
            self.email.as_deref(),
            self.name.as_deref(),
            self.password.as_deref(),
        )
    }
}

/// Where emails with links (sign-up, password reset, email change, invitations) go out from.
/// The user object with the session cookies set.
pub(crate) fn signed_in(
    state: &AppState,
    issued: Issued,
    user: users::User,
    status: StatusCode,
) -> Response {
    let mut headers = HeaderMap::new();
    cookies::add_session(state, &mut headers, issued);
    (status, headers, Json(PublicUser::from(user))).into_response()
}

#[derive(serde::Serialize, ToSchema)]
pub struct SetupStatus {
    initialized: bool,
}

/// Whether the first admin exists (always true in cloud mode).
#[utoipa::path(get, path = "/api/auth/setup/status", tag = "auth", security(()),
    responses((status = 200, body = SetupStatus)))]
async fn setup_status(State(state): State<AppState>) -> Result<Json<SetupStatus>> {
    let initialized = accounts::is_set_up(&state.store, state.mode()).await?;
    Ok(Json(SetupStatus { initialized }))
}

/// Self-hosted first run: creates the first admin and the first organization, and signs them in.
#[utoipa::path(post, path = "/api/auth/setup", tag = "auth", security(()), request_body = AccountBody,
    responses((status = 200, body = PublicUser), (status = 400), (status = 403, description = "System already initialized"), (status = 429)))]
async fn setup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<AccountBody>,
) -> Result<Response> {
    state.limits.setup(ip).await?;
    let (issued, user) = accounts::set_up(&state.store, &state.sessions, body.validate()).await?;
    Ok(signed_in(&state, issued, user, StatusCode::OK))
}

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    #[serde(flatten)]
    account: AccountBody,
    /// The token of an invitation sent to `email` (from the `/invite?token=` link): the account
    /// is created verified, joins that organization and is signed in, in both modes.
    #[schema(schema_with = crate::http::fields::token)]
    invitation_token: Option<String>,
}

/// Cloud sign-up: creates an unverified account and its own workspace, and emails a link. With
/// `invitation_token` (both modes) the account is created verified, joins the inviting
/// organization and is signed in at once (201 with the user and the session cookies).
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", security(()), request_body = RegisterBody,
    responses((status = 201, body = crate::http::doc_schemas::Message, description = "Check your email to verify your account; with an invitation, the signed-in user"),
        (status = 400), (status = 403), (status = 404, description = "Invitation not found"), (status = 429)))]
async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<RegisterBody>,
) -> Result<Response> {
    state.limits.sign_up(ip).await?;
    let sign_up = body.account.validate();
    if let Some(token) = body.invitation_token.as_deref() {
        let policy = state.plan_policy();
        let (issued, user) = invited_signup::register(
            &state.store,
            &state.sessions,
            policy,
            sign_up,
            token,
            Some(ip),
        )
        .await?;
        return Ok(signed_in(&state, issued, user, StatusCode::CREATED));
    }
    accounts::register(&state.store, &state.outbox(), state.mode(), sign_up).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"message": "Check your email to verify your account"})),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    #[schema(required = true, schema_with = crate::http::fields::email)]
    email: Option<String>,
    #[schema(required = true, schema_with = crate::http::fields::token)]
    password: Option<String>,
}

/// Signs in with email and password; sets the `token` cookie (and `refresh_token` in cloud).
/// For a user with MFA on, no session starts yet: the answer is `MfaRequired` with a pending
/// token (also set as the `slugbase.mfa_pending` cookie) for `POST /api/auth/mfa/verify`.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", security(()), request_body = LoginBody,
    responses((status = 200, body = crate::http::doc_schemas::LoginAnswer, description = "Signed in, or `MfaRequired` when the user has MFA on"), (status = 400), (status = 401, description = "Invalid email or password"),
        (status = 403, description = "EMAIL_NOT_VERIFIED"), (status = 429)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginBody>,
) -> Result<Response> {
    state.limits.sign_in(ip).await?;
    let (Some(email), Some(password)) = (body.email, body.password) else {
        return Err(AppError::bad_request("Email and password are required"));
    };
    if email.trim().is_empty() || password.is_empty() {
        return Err(AppError::bad_request("Email and password are required"));
    }
    let email = Email::parse(&email)?;
    match sessions::log_in(&state.store, &state.sessions, &email, &password, Some(ip)).await? {
        LogIn::SignedIn(issued, user) => Ok(signed_in(&state, issued, *user, StatusCode::OK)),
        LogIn::SecondFactor { mfa_token } => {
            Ok(crate::http::mfa::second_factor_required(&state, mfa_token))
        }
    }
}

/// Ends the session: its access tokens stop working at once, and the cookies are cleared.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", security((), ("bearer" = [])),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Logged out")))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeUser(user): MaybeUser,
) -> Result<Response> {
    let session_id = user.as_ref().and_then(|u| u.credential.session_id());
    let refresh = cookies::get(&headers, cookies::REFRESH);
    sessions::log_out(&state.store, session_id, refresh.as_deref()).await?;
    let headers = cookies::signed_out(&state);
    Ok((headers, Json(json!({"message": "Logged out"}))).into_response())
}

/// The signed-in user, with how they sign in (`has_password`, `oidc_provider`, `oidc_sub`) and
/// a pending email change (`email_pending`).
#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    responses((status = 200, body = crate::http::users::Me), (status = 401)))]
async fn me(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<crate::http::users::Me>> {
    Ok(Json(crate::http::users::Me::of(&state, &user).await?))
}

/// Cloud: exchanges the `refresh_token` cookie for a new access token and a new refresh token.
/// A refresh token works once: presenting it again ends its session, except within 30 seconds
/// of its exchange while its successor is unused (two tabs renewing at once both get that
/// successor). A browser's request from another site is refused.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", security(()),
    responses((status = 200, body = PublicUser), (status = 401), (status = 403, description = "Sent from another site"), (status = 404)))]
async fn refresh(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    if !state.is_cloud() {
        return Err(AppError::not_found("Not found"));
    }
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
    {
        return Err(AppError::Forbidden);
    }
    let token = cookies::get(&headers, cookies::REFRESH)
        .filter(|t| !t.is_empty())
        .ok_or(AppError::Unauthorized)?;
    match sessions::refresh(&state.store, &state.sessions, &token).await? {
        Some((issued, user)) => {
            let mut headers = HeaderMap::new();
            cookies::add_renewed_session(&state, &mut headers, issued);
            Ok((headers, Json(PublicUser::from(user))).into_response())
        }
        None => Err(AppError::Unauthorized),
    }
}
