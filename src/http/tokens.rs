//! `/api/tokens`: personal API tokens (`sb_…`). The secret is shown once, at creation; the
//! database keeps only its SHA-256.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::ids::parse_id;
use crate::domain::{new_id, time, Timestamp};
use crate::error::{AppError, Result};
use crate::http::{CurrentUser, Json};
use crate::security::{random_token, sha256_hex};
use crate::state::AppState;
use crate::store::tokens::{self, TokenInfo};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

/// Live tokens a user may hold at once.
pub const MAX_TOKENS: i64 = 10;

/// The user's tokens, newest first, without their secrets.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens", responses((status = 200, body = [TokenInfo]), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::Json<Vec<TokenInfo>>> {
    let mut db = state.store.read().await?;
    Ok(axum::Json(
        tokens::list_for_user(&mut db.conn(), user.id()).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateBody {
    #[schema(required = true, schema_with = crate::http::fields::token_name)]
    name: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: String,
    name: String,
    /// `sb_` and 43 base64url characters; shown only in this response.
    token: String,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
}

/// Creates a token that acts for the user in the organization that is current now.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens", request_body = CreateBody,
    responses((status = 201, body = Created), (status = 400), (status = 401), (status = 429)))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CreateBody>,
) -> Result<Response> {
    state
        .limits
        .writes
        .check(&format!("tokens:{}", user.id()))?;
    let name = body
        .name
        .ok_or_else(|| AppError::bad_request("Token name is required"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::bad_request("Token name is required"));
    }
    if name.chars().count() > 100 {
        return Err(AppError::bad_request(
            "Token name must be no more than 100 characters",
        ));
    }
    let secret = format!("sb_{}", random_token());
    let id = new_id();
    let now = Timestamp::now().millis();
    let mut tx = state.store.begin().await?;
    crate::store::users::lock(&mut tx.conn(), user.id()).await?;
    if tokens::count_for_user(&mut tx.conn(), user.id()).await? >= MAX_TOKENS {
        return Err(AppError::bad_request(
            "Maximum of 10 tokens per user. Revoke an existing token first.",
        ));
    }
    let org = user.credential.current_org_id();
    tokens::insert(
        &mut tx.conn(),
        &id,
        user.id(),
        name,
        &sha256_hex(&secret),
        org,
        now,
    )
    .await?;
    tx.commit().await?;
    let created = Created {
        id,
        name: name.to_string(),
        token: secret,
        created_at: now,
    };
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

/// Revokes a token: it answers 401 from this moment on.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Token revoked"), (status = 401), (status = 404)))]
async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response> {
    let not_found = || AppError::not_found("Token not found");
    let id = parse_id(&id).ok_or_else(not_found)?;
    let mut tx = state.store.begin().await?;
    if !tokens::delete(&mut tx.conn(), user.id(), &id).await? {
        return Err(not_found());
    }
    tx.commit().await?;
    Ok(axum::Json(json!({"message": "Token revoked"})).into_response())
}
