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

use crate::app::auto_join;
use crate::app::organizations::{self, Overview};
use crate::domain::role::OrgName;
use crate::domain::{time, OrgRole, Plan};
use crate::error::Result;
use crate::http::library::nullable;
use crate::http::{CurrentUser, Json};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, rename, delete))
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
async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Vec<OrgListItem>>> {
    let items = organizations::list(&state.store, &user)
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
    Ok(Json(items))
}

#[derive(Deserialize, ToSchema)]
pub struct NameBody {
    #[schema(required = true, schema_with = crate::http::fields::org_name)]
    name: Option<String>,
}

impl NameBody {
    fn parse(self) -> Result<OrgName> {
        Ok(OrgName::parse(self.name.as_deref())?)
    }
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
    let name = body.parse()?;
    let org = organizations::create(&state.store, state.mode(), &user, &name).await?;
    let created = OrgCreated {
        id: org.id,
        name: org.name,
        plan: org.plan,
        included_seats: org.included_seats,
        extra_seats: org.extra_seats,
        created_at: org.created_at,
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
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
    /// People who verify an address at this domain may join without an invitation (cloud,
    /// Team plan); `null` when the organization is open by invitation only.
    auto_join_domain: Option<String>,
}

impl From<Overview> for OrgDetail {
    fn from(o: Overview) -> Self {
        let org = o.org;
        OrgDetail {
            id: org.id,
            name: org.name,
            plan: org.plan,
            stripe_customer_id: org.stripe_customer_id,
            included_seats: org.included_seats,
            extra_seats: org.extra_seats,
            created_at: org.created_at,
            role: o.role,
            member_count: o.seats.used,
            pending_invitations: o.seats.pending,
            auto_join_domain: org.auto_join_domain,
        }
    }
}

/// One organization the caller belongs to, with member and invitation counts.
#[utoipa::path(get, path = "/api/organizations/{id}", tag = "organizations", params(("id" = String, Path)),
    responses((status = 200, body = OrgDetail), (status = 401), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<OrgDetail>> {
    let overview = organizations::get(&state.store, &user, &id).await?;
    Ok(Json(overview.into()))
}

#[derive(Deserialize, ToSchema)]
pub struct OrgChanges {
    /// A new name (owners and admins).
    #[schema(schema_with = crate::http::fields::org_name)]
    name: Option<String>,
    /// Opens the organization to people who verify an address at this domain, such as
    /// `example.com` (owners, cloud, Team plan; the owner's own address must be at it); `null`
    /// or `""` closes it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 253)]
    auto_join_domain: Option<Option<String>>,
}

/// Renames the organization (owners and admins) and opens it to an email domain or closes it
/// (owners). A change that is refused changes nothing.
#[utoipa::path(patch, path = "/api/organizations/{id}", tag = "organizations", params(("id" = String, Path)), request_body = OrgChanges,
    responses((status = 200, body = OrgDetail), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn rename(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(body): Json<OrgChanges>,
) -> Result<Json<OrgDetail>> {
    let name = NameBody { name: body.name };
    let Some(domain) = body.auto_join_domain else {
        let overview = organizations::rename(&state.store, &user, &id, name.parse()).await?;
        return Ok(Json(overview.into()));
    };
    // The name is checked before the domain is written, so a bad name leaves both as they were.
    let name = name.name.is_some().then(|| name.parse()).transpose()?;
    let policy = state.plan_policy();
    let mut overview =
        auto_join::set_domain(&state.store, policy, &user, &id, domain.as_deref()).await?;
    if let Some(name) = name {
        overview = organizations::rename(&state.store, &user, &id, Ok(name)).await?;
    }
    Ok(Json(overview.into()))
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
    organizations::delete(&state.store, &user, &id).await?;
    Ok(Json(json!({"message": "Organization deleted"})).into_response())
}
