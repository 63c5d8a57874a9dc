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

use crate::app::audit::Actor;
use crate::app::tokens::{self, StartsIn};
use crate::domain::account::TokenName;
use crate::domain::time;
use crate::error::Result;
use crate::http::{CurrentUser, Json};
use crate::state::AppState;
use crate::store::tokens::TokenInfo;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

/// The user's tokens, newest first, without their secrets.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens", responses((status = 200, body = [TokenInfo]), (status = 401)))]
async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Vec<TokenInfo>>> {
    Ok(Json(tokens::list(&state.store, user.id()).await?))
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
    state.limits.api_token(user.id()).await?;
    let name = TokenName::parse(body.name.as_deref())?;
    let starts_in = StartsIn::Inherited(user.credential.current_org_id());
    let token =
        tokens::create(&state.store, &Actor::of(&user), user.id(), &name, starts_in).await?;
    let created = Created {
        id: token.id,
        name: token.name,
        token: token.secret,
        created_at: token.created_at,
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// Revokes a token: it answers 401 from this moment on.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Token revoked"), (status = 401), (status = 404)))]
async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response> {
    tokens::revoke(&state.store, &Actor::of(&user), user.id(), &id).await?;
    Ok(Json(json!({"message": "Token revoked"})).into_response())
}
