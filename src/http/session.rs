//! `/api/session/org`: which organization this login session (or `sb_` token) acts in.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::sessions;
use crate::error::{AppError, Result};
use crate::http::{CurrentUser, Json};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_current, set_current))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CurrentOrgBody {
    organization_id: Option<String>,
}

/// The organization requests with this credential act in (`null` when the user has none).
#[utoipa::path(get, path = "/api/session/org", tag = "session",
    responses((status = 200, body = CurrentOrgBody), (status = 401)))]
async fn get_current(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<CurrentOrgBody>> {
    let organization_id = sessions::current_org(&state.store, &user).await?;
    Ok(Json(CurrentOrgBody { organization_id }))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetBody {
    /// Anything but a non-empty string is refused with 400; an id of an organization the
    /// user is not a member of is 403.
    #[schema(required = true, schema_with = crate::http::fields::uuid)]
    organization_id: Option<Value>,
}

/// Makes `organizationId` the current organization of this credential from now on.
#[utoipa::path(post, path = "/api/session/org", tag = "session", request_body = SetBody,
    responses((status = 200, body = CurrentOrgBody), (status = 400, description = "organizationId is required"),
        (status = 401), (status = 403, description = "Not a member of this organization")))]
async fn set_current(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<SetBody>,
) -> Result<Json<CurrentOrgBody>> {
    let raw = match body.organization_id {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        _ => return Err(AppError::bad_request("organizationId is required")),
    };
    let org_id = sessions::choose_org(&state.store, &user, &raw).await?;
    Ok(Json(CurrentOrgBody {
        organization_id: Some(org_id),
    }))
}
