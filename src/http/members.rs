//! Members of an organization: list, change a role, remove, leave. An organization always keeps
//! at least one owner; these checks run under the organization's lock so two owners demoting
//! each other at once cannot both succeed.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::members;
use crate::domain::{time, OrgRole};
use crate::error::Result;
use crate::http::{CurrentUser, Json};
use crate::state::AppState;
use crate::store::orgs;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(change_role, remove))
        .routes(routes!(leave))
}

#[derive(Serialize, ToSchema)]
pub struct MemberItem {
    user_id: String,
    role: OrgRole,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    joined_at: i64,
    email: String,
    name: String,
}

/// Everyone in the organization.
#[utoipa::path(get, path = "/api/organizations/{id}/members", tag = "organizations", params(("id" = String, Path)),
    responses((status = 200, body = [MemberItem]), (status = 401), (status = 404)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<MemberItem>>> {
    let people = members::list(&state.store, &user, &id).await?;
    Ok(Json(people.into_iter().map(MemberItem::from).collect()))
}

impl From<orgs::Member> for MemberItem {
    fn from(m: orgs::Member) -> Self {
        MemberItem {
            user_id: m.user_id,
            role: m.role,
            joined_at: m.joined_at,
            email: m.email,
            name: m.name,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct RoleBody {
    #[schema(required = true, nullable = false, value_type = Option<crate::domain::OrgRole>)]
    role: Option<String>,
}

/// Changes a member's role (owners only). The last owner cannot be demoted.
#[utoipa::path(patch, path = "/api/organizations/{id}/members/{userId}", tag = "organizations",
    params(("id" = String, Path), ("userId" = String, Path)), request_body = RoleBody,
    responses((status = 200, body = MemberItem), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn change_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member_id)): Path<(String, String)>,
    Json(body): Json<RoleBody>,
) -> Result<Json<MemberItem>> {
    let role = OrgRole::parse_given(body.role.as_deref()).map_err(Into::into);
    let member = members::change_role(&state.store, &user, &id, &member_id, role).await?;
    Ok(Json(member.into()))
}

/// Removes a member (owners and admins; admins cannot remove owners). Their bookmarks and other
/// data stay in the organization.
#[utoipa::path(delete, path = "/api/organizations/{id}/members/{userId}", tag = "organizations",
    params(("id" = String, Path), ("userId" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Member removed"), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, member_id)): Path<(String, String)>,
) -> Result<Response> {
    members::remove(&state.store, &user, &id, &member_id).await?;
    Ok(Json(json!({"message": "Member removed"})).into_response())
}

/// Leaves the organization. The last owner cannot leave while others remain, and the only
/// member deletes the organization instead of leaving it empty.
#[utoipa::path(post, path = "/api/organizations/{id}/leave", tag = "organizations", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Left organization"), (status = 400), (status = 401), (status = 404)))]
async fn leave(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response> {
    members::leave(&state.store, &user, &id).await?;
    Ok(Json(json!({"message": "Left organization"})).into_response())
}
