//! Teams: `GET /api/teams` (the caller's), and `/api/admin/teams` for the owners and admins of
//! the current organization. Members of a team must be members of its organization.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::teams::{self as use_case, TeamInput, TeamView};
use crate::domain::time;
use crate::error::Result;
use crate::http::library::{nullable, PersonRef};
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;
use crate::store::teams::{self, TeamRow};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(mine))
        .routes(routes!(admin_list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(add_members))
        .routes(routes!(remove_member))
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

impl From<TeamView> for TeamDetail {
    fn from(v: TeamView) -> Self {
        TeamDetail {
            team: v.team.into(),
            members: v.members.into_iter().map(PersonRef::from).collect(),
        }
    }
}

/// The teams of the current organization the caller is in.
#[utoipa::path(get, path = "/api/teams", tag = "teams",
    responses((status = 200, body = [Team]), (status = 401)))]
async fn mine(State(state): State<AppState>, org: CurrentOrg) -> Result<Json<Vec<Team>>> {
    let mut db = state.store.read().await?;
    let rows = teams::list_for_member(&mut db.conn(), org.id(), org.user_id()).await?;
    Ok(Json(rows.into_iter().map(Team::from).collect()))
}

/// Every team of the current organization (owners and admins).
#[utoipa::path(get, path = "/api/admin/teams", tag = "teams",
    responses((status = 200, body = [Team]), (status = 401), (status = 403)))]
async fn admin_list(State(state): State<AppState>, org: CurrentOrg) -> Result<Json<Vec<Team>>> {
    let rows = use_case::list(&state.store, &org).await?;
    Ok(Json(rows.into_iter().map(Team::from).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct TeamBody {
    #[schema(schema_with = crate::http::fields::team_name)]
    name: Option<String>,
    /// `null` or `""` removes the description.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::http::fields::description)]
    description: Option<Option<String>>,
    /// On create: the first members.
    #[schema(schema_with = crate::http::fields::uuids)]
    user_ids: Option<Vec<String>>,
}

impl From<TeamBody> for TeamInput {
    fn from(b: TeamBody) -> Self {
        TeamInput {
            name: b.name,
            description: b.description,
            user_ids: b.user_ids,
        }
    }
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
    let out = use_case::create(&state.store, &state.limits, &org, body.into()).await?;
    Ok((StatusCode::CREATED, Json(TeamDetail::from(out))).into_response())
}

/// One team with its members (owners and admins).
#[utoipa::path(get, path = "/api/admin/teams/{id}", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, body = TeamDetail), (status = 401), (status = 403), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<TeamDetail>> {
    Ok(Json(use_case::get(&state.store, &org, &id).await?.into()))
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
) -> Result<Json<TeamDetail>> {
    let out = use_case::update(&state.store, &org, &id, body.into()).await?;
    Ok(Json(out.into()))
}

/// Deletes a team (owners and admins); what was shared with it is no longer shared through it.
#[utoipa::path(delete, path = "/api/admin/teams/{id}", tag = "teams", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Team deleted"), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>> {
    use_case::delete(&state.store, &org, &id).await?;
    Ok(Json(serde_json::json!({"message": "Team deleted"})))
}

/// Whom to add: `user_ids`, or one `user_id` as the original SlugBase client sends it (or both).
#[derive(Deserialize, ToSchema)]
pub struct MembersBody {
    #[schema(schema_with = crate::http::fields::some_uuids)]
    user_ids: Option<Vec<String>>,
    /// One person, as the original SlugBase client adds them.
    #[schema(schema_with = crate::http::fields::uuid)]
    user_id: Option<String>,
}

impl MembersBody {
    fn ids(self) -> Option<Vec<String>> {
        match (self.user_ids, self.user_id) {
            (ids, None) => ids,
            (ids, Some(one)) => Some(ids.unwrap_or_default().into_iter().chain([one]).collect()),
        }
    }
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
) -> Result<Json<TeamDetail>> {
    let out = use_case::add_members(&state.store, &org, &id, body.ids()).await?;
    Ok(Json(out.into()))
}

/// Takes a person out of a team (owners and admins).
#[utoipa::path(delete, path = "/api/admin/teams/{id}/members/{userId}", tag = "teams",
    params(("id" = String, Path), ("userId" = String, Path)),
    responses((status = 200, body = TeamDetail), (status = 401), (status = 403), (status = 404)))]
async fn remove_member(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<Json<TeamDetail>> {
    let out = use_case::remove_member(&state.store, &org, &id, &user_id).await?;
    Ok(Json(out.into()))
}
