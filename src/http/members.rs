//! Members of an organization: list, change a role, remove, leave. An organization always keeps
//! at least one owner; these checks run under the organization's lock so two owners demoting
//! each other at once cannot both succeed.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::ids::parse_id;
use crate::domain::{time, OrgRole};
use crate::error::{AppError, Result};
use crate::http::organizations::{membership, membership_locked};
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
) -> Result<axum::Json<Vec<MemberItem>>> {
    let mut db = state.store.read().await?;
    let (org, _) = membership(&mut db.conn(), &id, user.id()).await?;
    let members = orgs::members(&mut db.conn(), &org.id).await?;
    Ok(axum::Json(
        members
            .into_iter()
            .map(|m| MemberItem {
                user_id: m.user_id,
                role: m.role,
                joined_at: m.joined_at,
                email: m.email,
                name: m.name,
            })
            .collect(),
    ))
}

fn member_not_found() -> AppError {
    AppError::not_found("Member not found")
}

fn last_owner(msg: &str) -> AppError {
    AppError::coded(StatusCode::BAD_REQUEST, msg, "LAST_OWNER", json!({}))
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
) -> Result<axum::Json<MemberItem>> {
    let mut tx = state.store.begin().await?;
    let (org, role) = membership_locked(&mut tx.conn(), &id, user.id()).await?;
    if !role.is_owner() {
        return Err(AppError::Forbidden);
    }
    let new_role = body
        .role
        .as_deref()
        .and_then(OrgRole::parse)
        .ok_or_else(|| AppError::bad_request("role must be one of: owner, admin, member"))?;
    let member_id = parse_id(&member_id).ok_or_else(member_not_found)?;
    let target = orgs::member(&mut tx.conn(), &org.id, &member_id)
        .await?
        .ok_or_else(member_not_found)?;
    if target.role == OrgRole::Owner
        && new_role != OrgRole::Owner
        && orgs::owner_count(&mut tx.conn(), &org.id).await? <= 1
    {
        return Err(last_owner(
            "The last owner cannot be demoted; make someone else an owner first",
        ));
    }
    orgs::set_role(&mut tx.conn(), &org.id, &member_id, new_role).await?;
    tx.commit().await?;
    Ok(axum::Json(MemberItem {
        user_id: target.user_id,
        role: new_role,
        joined_at: target.joined_at,
        email: target.email,
        name: target.name,
    }))
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
    let mut tx = state.store.begin().await?;
    let (org, role) = membership_locked(&mut tx.conn(), &id, user.id()).await?;
    if !role.can_manage() {
        return Err(AppError::Forbidden);
    }
    let member_id = parse_id(&member_id).ok_or_else(member_not_found)?;
    if member_id == user.id() {
        return Err(AppError::bad_request(
            "Cannot remove yourself; use leave organization instead",
        ));
    }
    let target = orgs::member(&mut tx.conn(), &org.id, &member_id)
        .await?
        .ok_or_else(member_not_found)?;
    if target.role == OrgRole::Owner {
        if !role.is_owner() {
            return Err(AppError::Forbidden);
        }
        if orgs::owner_count(&mut tx.conn(), &org.id).await? <= 1 {
            return Err(last_owner("The last owner cannot be removed"));
        }
    }
    orgs::remove_member(&mut tx.conn(), &org.id, &member_id).await?;
    tx.commit().await?;
    Ok(axum::Json(json!({"message": "Member removed"})).into_response())
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
    let mut tx = state.store.begin().await?;
    let (org, role) = membership_locked(&mut tx.conn(), &id, user.id()).await?;
    if orgs::member_count(&mut tx.conn(), &org.id).await? <= 1 {
        return Err(last_owner(
            "You are the only member; delete the organization instead",
        ));
    }
    if role.is_owner() && orgs::owner_count(&mut tx.conn(), &org.id).await? <= 1 {
        return Err(last_owner(
            "The last owner cannot leave; make someone else an owner first",
        ));
    }
    orgs::remove_member(&mut tx.conn(), &org.id, user.id()).await?;
    tx.commit().await?;
    Ok(axum::Json(json!({"message": "Left organization"})).into_response())
}
