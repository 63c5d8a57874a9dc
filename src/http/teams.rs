//! Teams: `GET /api/teams` (the caller's), and `/api/admin/teams` for the owners and admins of
//! the current organization. Members of a team must be members of its organization.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::ids::parse_id;
use crate::domain::library::{optional_text, required_text};
use crate::domain::{new_id, time, Timestamp};
use crate::error::{AppError, Result};
use crate::http::library::{id_list, nullable, path_id, PersonRef};
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;
use crate::store::bookmarks::{all_exist, Target};
use crate::store::teams::{self, TeamRow};
use crate::store::Conn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mine))
        .routes(routes!(admin_list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(add_members))
        .routes(routes!(remove_member))
}

pub fn team_not_found() -> AppError {
    AppError::not_found("Team not found")
}

#[derive(Serialize, ToSchema)]
pub struct Team {
    id: String,
    name: String,
    description: Option<String>,
    member_count: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    updated_at: i64,
}

impl From<TeamRow> for Team {
    fn from(t: TeamRow) -> Self {
        Self {
            id: t.id,
            name: t.name,
            description: t.description,
            member_count: t.member_count,
            created_at: t.created_at,
            updated_at: t.updated_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TeamDetail {
    #[serde(flatten)]
    team: Team,
    members: Vec<PersonRef>,
}

async fn detail(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<TeamDetail> {
    let team = teams::by_id(c, org_id, id)
        .await?
        .ok_or_else(team_not_found)?;
    let members = teams::members(c, org_id, id)
        .await?
        .into_iter()
        .map(|p| PersonRef {
            id: p.id,
            name: p.name,
            email: p.email,
        })
        .collect();
    Ok(TeamDetail {
        team: team.into(),
        members,
    })
}

/// The teams of the current organization the caller is in.
#[utoipa::path(get, path = "/api/teams", tag = "teams",
    responses((status = 200, body = [Team]), (status = 401)))]
async fn mine(State(state): State<AppState>, org: CurrentOrg) -> Result<axum::Json<Vec<Team>>> {
    let mut db = state.store.read().await?;
    let rows = teams::list_for_member(&mut db.conn(), org.id(), org.user_id()).await?;
    Ok(axum::Json(rows.into_iter().map(Team::from).collect()))
}

/// Every team of the current organization (owners and admins).
#[utoipa::path(get, path = "/api/admin/teams", tag = "teams",
    responses((status = 200, body = [Team]), (status = 401), (status = 403)))]
async fn admin_list(
    State(state): State<AppState>,
    org: CurrentOrg,
) -> Result<axum::Json<Vec<Team>>> {
    org.require_manager()?;
    let mut db = state.store.read().await?;
    let rows = teams::list(&mut db.conn(), org.id()).await?;
    Ok(axum::Json(rows.into_iter().map(Team::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct TeamBody {
    #[schema(schema_with = crate::http::fields::name_255)]
    name: Option<String>,
    /// `null` or `""` removes the description.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::http::fields::description)]
    description: Option<Option<String>>,
    /// On create: the first members.
    #[schema(schema_with = crate::http::fields::uuids)]
    user_ids: Option<Vec<String>>,
}

fn team_name(raw: &str) -> Result<String> {
    Ok(required_text(raw, "Team name", 255)?)
}

fn description(raw: Option<&str>) -> Result<Option<String>> {
    Ok(optional_text(raw, "Description", 500)?)
}

/// Checks that every id is a member of the organization.
async fn members_of_org(c: &mut Conn<'_>, org: &CurrentOrg, ids: &[String]) -> Result<()> {
    if !all_exist(c, Target::Members, org.id(), org.user_id(), ids).await? {
        return Err(AppError::bad_request(
            "One or more users are not members of this organization",
        ));
    }
    Ok(())
}

/// Creates a team (owners and admins).
#[utoipa::path(post, path = "/api/admin/teams", tag = "teams", request_body = crate::http::doc_schemas::NewTeam,
    responses((status = 201, body = TeamDetail), (status = 401), (status = 403),
        (status = 400, description = "Invalid input, or Team already exists")))]
async fn create(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<TeamBody>,
) -> Result<Response> {
    org.require_manager()?;
    let name = team_name(body.name.as_deref().unwrap_or(""))?;
    let desc = description(body.description.clone().flatten().as_deref())?;
    let users = id_list(body.user_ids.as_ref(), "user_ids")?.unwrap_or_default();
    let mut tx = state.store.begin().await?;
    members_of_org(&mut tx.conn(), &org, &users).await?;
    let id = new_id();
    let now = Timestamp::now().millis();
    teams::insert(&mut tx.conn(), org.id(), &id, &name, desc.as_deref(), now).await?;
    teams::add_members(&mut tx.conn(), org.id(), &id, &users).await?;
    let out = detail(&mut tx.conn(), org.id(), &id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(out)).into_response())
}

/// One team with its members (owners and admins).
#[utoipa::path(get, path = "/api/admin/teams/{id}", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, body = TeamDetail), (status = 401), (status = 403), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<axum::Json<TeamDetail>> {
    org.require_manager()?;
    let id = path_id(&id, team_not_found)?;
    let mut db = state.store.read().await?;
    Ok(axum::Json(detail(&mut db.conn(), org.id(), &id).await?))
}

/// Renames a team or changes its description (owners and admins); absent fields stay.
#[utoipa::path(put, path = "/api/admin/teams/{id}", tag = "teams", params(("id" = String, Path)),
    request_body = TeamBody,
    responses((status = 200, body = TeamDetail), (status = 401), (status = 403), (status = 404),
        (status = 400, description = "Invalid input, or Team already exists")))]
async fn update(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
    Json(body): Json<TeamBody>,
) -> Result<axum::Json<TeamDetail>> {
    org.require_manager()?;
    let id = path_id(&id, team_not_found)?;
    let mut tx = state.store.begin().await?;
    let team = teams::by_id(&mut tx.conn(), org.id(), &id)
        .await?
        .ok_or_else(team_not_found)?;
    let name = match &body.name {
        Some(n) => team_name(n)?,
        None => team.name,
    };
    let desc = match &body.description {
        Some(d) => description(d.as_deref())?,
        None => team.description,
    };
    let now = Timestamp::now().millis();
    teams::update(&mut tx.conn(), org.id(), &id, &name, desc.as_deref(), now).await?;
    let out = detail(&mut tx.conn(), org.id(), &id).await?;
    tx.commit().await?;
    Ok(axum::Json(out))
}

/// Deletes a team (owners and admins); what was shared with it is no longer shared through it.
#[utoipa::path(delete, path = "/api/admin/teams/{id}", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Team deleted"), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<axum::Json<serde_json::Value>> {
    org.require_manager()?;
    let id = path_id(&id, team_not_found)?;
    let mut tx = state.store.begin().await?;
    if !teams::delete(&mut tx.conn(), org.id(), &id).await? {
        return Err(team_not_found());
    }
    tx.commit().await?;
    Ok(axum::Json(serde_json::json!({"message": "Team deleted"})))
}

#[derive(Deserialize, ToSchema)]
pub struct MembersBody {
    #[schema(required = true, schema_with = crate::http::fields::some_uuids)]
    user_ids: Option<Vec<String>>,
}

/// Adds members of the organization to a team (owners and admins); those already in stay.
#[utoipa::path(post, path = "/api/admin/teams/{id}/members", tag = "teams", params(("id" = String, Path)),
    request_body = MembersBody,
    responses((status = 200, body = TeamDetail), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn add_members(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
    Json(body): Json<MembersBody>,
) -> Result<axum::Json<TeamDetail>> {
    org.require_manager()?;
    let id = path_id(&id, team_not_found)?;
    let mut tx = state.store.begin().await?;
    if teams::by_id(&mut tx.conn(), org.id(), &id).await?.is_none() {
        return Err(team_not_found());
    }
    let users = id_list(body.user_ids.as_ref(), "user_ids")?.unwrap_or_default();
    if users.is_empty() {
        return Err(AppError::bad_request(
            "user_ids must list at least one user",
        ));
    }
    members_of_org(&mut tx.conn(), &org, &users).await?;
    teams::add_members(&mut tx.conn(), org.id(), &id, &users).await?;
    let out = detail(&mut tx.conn(), org.id(), &id).await?;
    tx.commit().await?;
    Ok(axum::Json(out))
}

/// Takes a person out of a team (owners and admins).
#[utoipa::path(delete, path = "/api/admin/teams/{id}/members/{userId}", tag = "teams",
    params(("id" = String, Path), ("userId" = String, Path)),
    responses((status = 200, body = TeamDetail), (status = 401), (status = 403), (status = 404)))]
async fn remove_member(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<axum::Json<TeamDetail>> {
    org.require_manager()?;
    let id = path_id(&id, team_not_found)?;
    let mut tx = state.store.begin().await?;
    if teams::by_id(&mut tx.conn(), org.id(), &id).await?.is_none() {
        return Err(team_not_found());
    }
    let removed = match parse_id(&user_id) {
        Some(u) => teams::remove_member(&mut tx.conn(), org.id(), &id, &u).await?,
        None => false,
    };
    if !removed {
        return Err(AppError::not_found("User is not a member of this team"));
    }
    let out = detail(&mut tx.conn(), org.id(), &id).await?;
    tx.commit().await?;
    Ok(axum::Json(out))
}
