//! `/api/auth`: first-run setup, registration, login, logout, the signed-in user and refresh.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::accounts::{self, NewAccount};
use crate::app::sessions::{self, Issued};
use crate::domain::{Email, Password, PersonName, Timestamp};
use crate::error::{AppError, Result};
use crate::http::extract::ClientIp;
use crate::http::{cookies, CurrentUser, Json, MaybeUser};
use crate::security::{passwords, sha256_hex};
use crate::state::{AppState, REFRESH_TTL_SECS};
use crate::store::sessions as session_store;
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
    email: Option<String>,
    name: Option<String>,
    password: Option<String>,
}

impl AccountBody {
    /// Validates in the order clients see the messages: presence, email, name, password.
    fn validate(self) -> Result<(Email, PersonName, Password)> {
        let (Some(email), Some(name), Some(password)) = (self.email, self.name, self.password)
        else {
            return Err(AppError::bad_request(
                "Email, name, and password are required",
            ));
        };
        Ok((
            Email::parse(&email)?,
            PersonName::parse(&name)?,
            Password::parse(&password)?,
        ))
    }
}

/// The user object with the session cookies set.
pub(crate) fn signed_in(
    state: &AppState,
    issued: Issued,
    user: users::User,
    status: StatusCode,
) -> Response {
    let mut headers = HeaderMap::new();
    headers.append(
        header::SET_COOKIE,
        cookies::access(state, issued.access_token),
    );
    if let Some(refresh) = issued.refresh_token {
        headers.append(
            header::SET_COOKIE,
            cookies::refresh(state, refresh, REFRESH_TTL_SECS),
        );
    }
    (status, headers, axum::Json(PublicUser::from(user))).into_response()
}

#[derive(serde::Serialize, ToSchema)]
pub struct SetupStatus {
    initialized: bool,
}

/// Whether the first admin exists (always true in cloud mode).
#[utoipa::path(get, path = "/api/auth/setup/status", tag = "auth", security(()),
    responses((status = 200, body = SetupStatus)))]
async fn setup_status(State(state): State<AppState>) -> Result<axum::Json<SetupStatus>> {
    let initialized = if state.is_cloud() {
        true
    } else {
        let mut db = state.store.read().await?;
        accounts::is_initialized(&mut db.conn()).await?
    };
    Ok(axum::Json(SetupStatus { initialized }))
}

/// Self-hosted first run: creates the first admin and the first organization, and signs them in.
#[utoipa::path(post, path = "/api/auth/setup", tag = "auth", security(()), request_body = AccountBody,
    responses((status = 200, body = PublicUser), (status = 400), (status = 403, description = "System already initialized")))]
async fn setup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<AccountBody>,
) -> Result<Response> {
    state.limits.auth.check(&format!("setup:{ip}"))?;
    let already = || AppError::status(StatusCode::FORBIDDEN, "System already initialized");
    if state.is_cloud() {
        return Err(already());
    }
    {
        let mut db = state.store.read().await?;
        if accounts::is_initialized(&mut db.conn()).await? {
            return Err(already());
        }
    }
    let (email, name, password) = body.validate()?;
    let mut tx = state.store.begin().await?;
    if !accounts::mark_initialized(&mut tx.conn()).await? {
        return Err(already());
    }
    let account = NewAccount {
        email,
        name,
        password,
        is_admin: true,
        email_verified: true,
    };
    let (user_id, org_id) = accounts::open_account(
        &mut tx.conn(),
        state.mode(),
        &account,
        "User with this email already exists",
    )
    .await?;
    let issued = sessions::start(&state.sessions, &mut tx.conn(), &user_id, Some(&org_id)).await?;
    let user = users::by_id(&mut tx.conn(), &user_id)
        .await?
        .ok_or_else(|| AppError::internal("user vanished"))?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "instance set up");
    Ok(signed_in(&state, issued, user, StatusCode::OK))
}

/// Sign-up verification links live a day.
pub const SIGNUP_TOKEN_TTL_SECS: i64 = 24 * 3600;

/// Cloud sign-up: creates an unverified account and its own workspace, and emails a link.
#[utoipa::path(post, path = "/api/auth/register", tag = "auth", security(()), request_body = AccountBody,
    responses((status = 201, description = "Check your email to verify your account"), (status = 400), (status = 403), (status = 429)))]
async fn register(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<AccountBody>,
) -> Result<Response> {
    state.limits.auth.check(&format!("register:{ip}"))?;
    if !state.is_cloud() {
        return Err(AppError::status(
            StatusCode::FORBIDDEN,
            "Registrations are disabled",
        ));
    }
    let (email, name, password) = body.validate()?;
    let mut tx = state.store.begin().await?;
    let account = NewAccount {
        email,
        name,
        password,
        is_admin: false,
        email_verified: false,
    };
    let (user_id, _) = accounts::open_account(
        &mut tx.conn(),
        state.mode(),
        &account,
        "Email already registered",
    )
    .await?;
    let token = crate::http::signup::issue_token(&mut tx.conn(), &user_id).await?;
    tx.commit().await?;
    crate::http::signup::send_link(&state, account.email.as_str(), &token).await.map_err(|e| {
        tracing::error!(error = %e, "sign-up email failed");
        AppError::status(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Account created but we could not send the verification email. Please try again later or contact support.",
        )
    })?;
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({"message": "Check your email to verify your account"})),
    )
        .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    email: Option<String>,
    password: Option<String>,
}

/// Signs in with email and password; sets the `token` cookie (and `refresh_token` in cloud).
/// For a user with MFA on, no session starts yet: the answer is `MfaRequired` with a pending
/// token (also set as the `slugbase.mfa_pending` cookie) for `POST /api/auth/mfa/verify`.
#[utoipa::path(post, path = "/api/auth/login", tag = "auth", security(()), request_body = LoginBody,
    responses((status = 200, body = PublicUser, description = "Signed in; or `MfaRequired` when the user has MFA on"), (status = 400), (status = 401, description = "Invalid email or password"),
        (status = 403, description = "EMAIL_NOT_VERIFIED"), (status = 429)))]
async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Json(body): Json<LoginBody>,
) -> Result<Response> {
    state.limits.auth.check(&format!("login:{ip}"))?;
    let (Some(email), Some(password)) = (body.email, body.password) else {
        return Err(AppError::bad_request("Email and password are required"));
    };
    if email.trim().is_empty() || password.is_empty() {
        return Err(AppError::bad_request("Email and password are required"));
    }
    let email = Email::parse(&email)?;
    let user = {
        let mut db = state.store.read().await?;
        users::by_email(&mut db.conn(), email.as_str()).await?
    };
    let hash = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let ok = passwords::verify(&password, hash).await?;
    let Some(user) = user.filter(|_| ok) else {
        return Err(AppError::UnauthorizedMsg(
            "Invalid email or password".into(),
        ));
    };
    if state.is_cloud() && !user.email_verified {
        return Err(AppError::coded(
            StatusCode::FORBIDDEN,
            "Email not verified",
            "EMAIL_NOT_VERIFIED",
            json!({}),
        ));
    }
    if user.mfa_enabled {
        return Ok(crate::http::mfa::second_factor_required(&state, &user.id));
    }
    let mut tx = state.store.begin().await?;
    let issued = sessions::start(&state.sessions, &mut tx.conn(), &user.id, None).await?;
    tx.commit().await?;
    Ok(signed_in(&state, issued, user, StatusCode::OK))
}

/// Ends the session: its access tokens stop working at once, and the cookies are cleared.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 200, description = "Logged out")))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeUser(user): MaybeUser,
) -> Result<Response> {
    let now = Timestamp::now().millis();
    let mut tx = state.store.begin().await?;
    if let Some(sid) = user.as_ref().and_then(|u| u.credential.session_id()) {
        session_store::revoke(&mut tx.conn(), sid, now).await?;
    }
    if let Some(refresh) = cookies::get(&headers, cookies::REFRESH) {
        if let Some(r) =
            session_store::refresh_by_hash(&mut tx.conn(), &sha256_hex(&refresh)).await?
        {
            session_store::revoke(&mut tx.conn(), &r.session_id, now).await?;
        }
    }
    tx.commit().await?;
    let mut headers = HeaderMap::new();
    headers.append(header::SET_COOKIE, cookies::clear_access(&state));
    headers.append(header::SET_COOKIE, cookies::clear_refresh(&state));
    Ok((headers, axum::Json(json!({"message": "Logged out"}))).into_response())
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    responses((status = 200, body = PublicUser), (status = 401)))]
async fn me(user: CurrentUser) -> axum::Json<PublicUser> {
    axum::Json(PublicUser::from((*user.user).clone()))
}

/// Cloud: exchanges the `refresh_token` cookie for a new access token and a new refresh token.
/// A refresh token works once; presenting it again ends its session.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", security(()),
    responses((status = 200, body = PublicUser), (status = 401), (status = 404)))]
async fn refresh(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    if !state.is_cloud() {
        return Err(AppError::not_found("Not found"));
    }
    let token = cookies::get(&headers, cookies::REFRESH)
        .filter(|t| !t.is_empty())
        .ok_or(AppError::Unauthorized)?;
    let mut tx = state.store.begin().await?;
    let rotated = sessions::rotate(&state.sessions, &mut tx.conn(), &token).await?;
    let user = match &rotated {
        Some((user_id, _)) => users::by_id(&mut tx.conn(), user_id).await?,
        None => None,
    };
    tx.commit().await?;
    match (rotated, user) {
        (Some((_, issued)), Some(user)) => Ok(signed_in(&state, issued, user, StatusCode::OK)),
        _ => Err(AppError::Unauthorized),
    }
}
