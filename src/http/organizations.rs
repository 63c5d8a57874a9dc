//! `/api/organizations`: the organizations a person belongs to, creating, renaming and deleting
//! them. For every `/api/organizations/{id}…` route, an organization the caller does not belong to
//! answers 404 exactly as one that does not exist.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::accounts;
use crate::domain::ids::parse_id;
use crate::domain::{time, OrgRole, Plan, Timestamp};
use crate::error::{AppError, Result};
use crate::http::{CurrentUser, Json};
use crate::state::AppState;
use crate::store::{invitations, orgs, Conn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, rename, delete))
}

pub fn org_not_found() -> AppError {
    AppError::not_found("Organization not found")
}

/// The organization `raw_id` and the caller's role in it; 404 unless the caller is a member.
pub async fn membership(
    c: &mut Conn<'_>,
    raw_id: &str,
    user_id: &str,
) -> Result<(orgs::Org, OrgRole)> {
    let id = parse_id(raw_id).ok_or_else(org_not_found)?;
    let role = orgs::role_of(c, &id, user_id)
        .await?
        .ok_or_else(org_not_found)?;
    let org = orgs::by_id(c, &id).await?.ok_or_else(org_not_found)?;
    Ok((org, role))
}

/// Like [`membership`], but takes the organization's lock first, so the role and the rules checked
/// after it cannot change before the transaction commits.
pub async fn membership_locked(
    c: &mut Conn<'_>,
    raw_id: &str,
    user_id: &str,
) -> Result<(orgs::Org, OrgRole)> {
    let id = parse_id(raw_id).ok_or_else(org_not_found)?;
    crate::store::lock_org(c, &id).await?;
    membership(c, &id, user_id).await
}

#[derive(Serialize, ToSchema)]
pub struct OrgListItem {
    id: String,
    name: String,
    plan: Plan,
    included_seats: i64,
    extra_seats: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
    role: OrgRole,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    joined_at: i64,
}

/// The caller's organizations, by name, with their role in each.
#[utoipa::path(get, path = "/api/organizations", tag = "organizations",
    responses((status = 200, body = [OrgListItem]), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<axum::Json<Vec<OrgListItem>>> {
    let mut db = state.store.read().await?;
    let items = orgs::list_for_user(&mut db.conn(), user.id())
        .await?
        .into_iter()
        .map(|m| OrgListItem {
            id: m.id,
            name: m.name,
            plan: m.plan,
            included_seats: m.included_seats,
            extra_seats: m.extra_seats,
            created_at: m.created_at,
            role: m.role,
            joined_at: m.joined_at,
        })
        .collect();
    Ok(axum::Json(items))
}

#[derive(Deserialize, ToSchema)]
pub struct NameBody {
    #[schema(required = true, schema_with = crate::http::fields::org_name)]
    name: Option<String>,
}

fn org_name(body: NameBody) -> Result<String> {
    let name = body.name.as_deref().map(str::trim).unwrap_or("");
    if name.is_empty() {
        return Err(AppError::bad_request("Organization name is required"));
    }
    if name.chars().count() > 255 {
        return Err(AppError::bad_request(
            "Organization name must be no more than 255 characters",
        ));
    }
    Ok(name.to_string())
}

#[derive(Serialize, ToSchema)]
pub struct OrgCreated {
    id: String,
    name: String,
    plan: Plan,
    included_seats: i64,
    extra_seats: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
}

/// Creates an organization with the caller as its owner.
#[utoipa::path(post, path = "/api/organizations", tag = "organizations", request_body = NameBody,
    responses((status = 201, body = OrgCreated), (status = 400), (status = 401)))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NameBody>,
) -> Result<Response> {
    let name = org_name(body)?;
    let mut tx = state.store.begin().await?;
    let id = accounts::create_org(&mut tx.conn(), state.mode(), &name, user.id()).await?;
    let org = orgs::by_id(&mut tx.conn(), &id)
        .await?
        .ok_or_else(org_not_found)?;
    tx.commit().await?;
    let created = OrgCreated {
        id: org.id,
        name: org.name,
        plan: org.plan,
        included_seats: org.included_seats,
        extra_seats: org.extra_seats,
        created_at: org.created_at,
    };
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct OrgDetail {
    id: String,
    name: String,
    plan: Plan,
    stripe_customer_id: Option<String>,
    included_seats: i64,
    extra_seats: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
    role: OrgRole,
    member_count: i64,
    pending_invitations: i64,
}

async fn detail(c: &mut Conn<'_>, org: orgs::Org, role: OrgRole) -> Result<OrgDetail> {
    let now = Timestamp::now().millis();
    Ok(OrgDetail {
        member_count: orgs::member_count(c, &org.id).await?,
        pending_invitations: invitations::pending_count(c, &org.id, now).await?,
        id: org.id,
        name: org.name,
        plan: org.plan,
        stripe_customer_id: org.stripe_customer_id,
        included_seats: org.included_seats,
        extra_seats: org.extra_seats,
        created_at: org.created_at,
        role,
    })
}

/// One organization the caller belongs to, with member and invitation counts.
#[utoipa::path(get, path = "/api/organizations/{id}", tag = "organizations", params(("id" = String, Path)),
    responses((status = 200, body = OrgDetail), (status = 401), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<axum::Json<OrgDetail>> {
    let mut db = state.store.read().await?;
    let (org, role) = membership(&mut db.conn(), &id, user.id()).await?;
    Ok(axum::Json(detail(&mut db.conn(), org, role).await?))
}

/// Renames the organization (owners and admins).
#[utoipa::path(patch, path = "/api/organizations/{id}", tag = "organizations", params(("id" = String, Path)), request_body = NameBody,
    responses((status = 200, body = OrgDetail), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(body): Json<NameBody>,
) -> Result<axum::Json<OrgDetail>> {
    let mut tx = state.store.begin().await?;
    let (org, role) = membership(&mut tx.conn(), &id, user.id()).await?;
    if !role.can_manage() {
        return Err(AppError::Forbidden);
    }
    let name = org_name(body)?;
    orgs::rename(&mut tx.conn(), &org.id, &name, Timestamp::now().millis()).await?;
    let org = orgs::by_id(&mut tx.conn(), &org.id)
        .await?
        .ok_or_else(org_not_found)?;
    let out = detail(&mut tx.conn(), org, role).await?;
    tx.commit().await?;
    Ok(axum::Json(out))
}

/// Deletes the organization and everything in it (owners only). People stay; their other
/// organizations are untouched.
#[utoipa::path(delete, path = "/api/organizations/{id}", tag = "organizations", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Organization deleted"), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response> {
    let mut tx = state.store.begin().await?;
    let (org, role) = membership(&mut tx.conn(), &id, user.id()).await?;
    if !role.is_owner() {
        return Err(AppError::Forbidden);
    }
    orgs::delete(&mut tx.conn(), &org.id).await?;
    tx.commit().await?;
    tracing::info!(org_id = %org.id, by = %user.id(), "organization deleted");
    Ok(axum::Json(json!({"message": "Organization deleted"})).into_response())
}
