//! `/api/folders`: a person's folders and those shared with them. Only a folder's owner renames,
//! re-shares or deletes it; deleting a folder keeps its bookmarks.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::library::{optional_text, required_text};
use crate::domain::{new_id, time, Timestamp};
use crate::error::{AppError, Result};
use crate::http::library::{id_list, nullable, path_id, share_user_ids, take, PersonRef, TeamRef};
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;
use crate::store::bookmark_list::{links, Detail};
use crate::store::bookmarks::{self as bm, Link, Target};
use crate::store::folders::{self, Fields, FolderRow};
use crate::store::Conn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
}

pub fn folder_not_found() -> AppError {
    AppError::not_found("Folder not found")
}

#[derive(Serialize, ToSchema)]
pub struct Folder {
    id: String,
    user_id: String,
    name: String,
    icon: Option<String>,
    share_all_teams: bool,
    /// Bookmarks in it that the caller can see.
    bookmark_count: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    updated_at: i64,
    /// `own` or `shared`.
    #[schema(value_type = String, example = "own")]
    folder_type: &'static str,
    /// Whom the owner shared it with (shown to its owner only).
    shared_teams: Vec<TeamRef>,
    shared_users: Vec<PersonRef>,
    user_name: Option<String>,
    user_email: Option<String>,
}

async fn hydrate(c: &mut Conn<'_>, org: &CurrentOrg, rows: Vec<FolderRow>) -> Result<Vec<Folder>> {
    let me = org.user_id();
    let own: Vec<String> = rows
        .iter()
        .filter(|r| r.user_id == me)
        .map(|r| r.id.clone())
        .collect();
    let mut teams = links(c, Detail::FolderTeams, org.id(), me, &own).await?;
    let mut users = links(c, Detail::FolderUsers, org.id(), me, &own).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine = r.user_id == me;
            Folder {
                shared_teams: take(&mut teams, &r.id),
                shared_users: take(&mut users, &r.id),
                folder_type: if mine { "own" } else { "shared" },
                user_name: (!mine).then_some(r.owner_name),
                user_email: (!mine).then_some(r.owner_email),
                id: r.id,
                user_id: r.user_id,
                name: r.name,
                icon: r.icon,
                share_all_teams: r.share_all_teams,
                bookmark_count: r.bookmark_count,
                created_at: r.created_at,
                updated_at: r.updated_at,
            }
        })
        .collect())
}

async fn load(c: &mut Conn<'_>, org: &CurrentOrg, id: &str) -> Result<Folder> {
    let row = folders::visible(c, org.id(), org.user_id(), id)
        .await?
        .ok_or_else(folder_not_found)?;
    hydrate(c, org, vec![row])
        .await?
        .pop()
        .ok_or_else(folder_not_found)
}

/// The caller's folders and those shared with them, by name.
#[utoipa::path(get, path = "/api/folders", tag = "folders",
    responses((status = 200, body = [Folder]), (status = 401)))]
async fn list(State(state): State<AppState>, org: CurrentOrg) -> Result<axum::Json<Vec<Folder>>> {
    let mut db = state.store.read().await?;
    let rows = folders::list(&mut db.conn(), org.id(), org.user_id()).await?;
    Ok(axum::Json(hydrate(&mut db.conn(), &org, rows).await?))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct FolderBody {
    #[schema(schema_with = crate::http::fields::name_255)]
    name: Option<String>,
    /// `null` or `""` removes the icon.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::http::fields::icon)]
    icon: Option<Option<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    team_ids: Option<Vec<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    user_ids: Option<Vec<String>>,
    #[schema(nullable = false)]
    share_all_teams: Option<bool>,
}

struct Shares {
    teams: Option<Vec<String>>,
    users: Option<Vec<String>>,
}

impl Shares {
    fn parse(b: &FolderBody, me: &str) -> Result<Self> {
        let users = share_user_ids(b.user_ids.as_ref(), me)?;
        Ok(Self {
            teams: id_list(b.team_ids.as_ref(), "team_ids")?,
            users,
        })
    }

    /// Sharing a folder at all needs folder sharing; with teams, team sharing too.
    fn check_plan(&self, org: &CurrentOrg, share_all_teams: Option<bool>) -> Result<()> {
        let to_teams = self.teams.as_ref().is_some_and(|t| !t.is_empty());
        let to_users = self.users.as_ref().is_some_and(|u| !u.is_empty());
        let to_all = share_all_teams == Some(true);
        if to_teams || to_users || to_all {
            org.rules.check_share_folders()?;
        }
        if to_teams || to_all {
            org.rules.check_share_to_teams()?;
        }
        Ok(())
    }

    async fn check_and_save(
        &self,
        c: &mut Conn<'_>,
        org: &CurrentOrg,
        folder_id: &str,
    ) -> Result<()> {
        let sets = [
            (
                &self.teams,
                Target::Teams,
                Link::FolderTeams,
                "One or more teams were not found",
            ),
            (
                &self.users,
                Target::Members,
                Link::FolderUsers,
                "One or more users are not members of this organization",
            ),
        ];
        for (ids, target, _, msg) in &sets {
            if let Some(ids) = ids {
                if !bm::all_exist(c, *target, org.id(), org.user_id(), ids).await? {
                    return Err(AppError::bad_request(*msg));
                }
            }
        }
        for (ids, _, link, _) in sets {
            if let Some(ids) = ids {
                bm::replace_links(c, link, org.id(), folder_id, ids).await?;
            }
        }
        Ok(())
    }
}

fn folder_name(raw: &str) -> Result<String> {
    Ok(required_text(raw, "Folder name", 255)?)
}

fn icon(raw: Option<&str>) -> Result<Option<String>> {
    Ok(optional_text(raw, "Icon", 50)?)
}

/// Creates a folder owned by the caller.
#[utoipa::path(post, path = "/api/folders", tag = "folders", request_body = crate::http::doc_schemas::NewFolder,
    responses((status = 201, body = Folder), (status = 401),
        (status = 403, description = "PLAN_FOLDER_SHARING or PLAN_SHARE_TO_TEAM"),
        (status = 400, description = "Invalid input, or Folder already exists")))]
async fn create(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<FolderBody>,
) -> Result<Response> {
    let fields = Fields {
        name: folder_name(body.name.as_deref().unwrap_or(""))?,
        icon: icon(body.icon.clone().flatten().as_deref())?,
        share_all_teams: body.share_all_teams.unwrap_or(false),
    };
    let shares = Shares::parse(&body, org.user_id())?;
    shares.check_plan(&org, body.share_all_teams)?;
    let mut tx = state.store.begin().await?;
    let id = new_id();
    let now = Timestamp::now().millis();
    folders::insert(&mut tx.conn(), org.id(), org.user_id(), &id, &fields, now).await?;
    shares.check_and_save(&mut tx.conn(), &org, &id).await?;
    let out = load(&mut tx.conn(), &org, &id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(out)).into_response())
}

/// One folder the caller owns or that is shared with them.
#[utoipa::path(get, path = "/api/folders/{id}", tag = "folders", params(("id" = String, Path)),
    responses((status = 200, body = Folder), (status = 401), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<axum::Json<Folder>> {
    let id = path_id(&id, folder_not_found)?;
    let mut db = state.store.read().await?;
    Ok(axum::Json(load(&mut db.conn(), &org, &id).await?))
}

/// The folder if the caller owns it: 404 when they cannot see it, 403 when they only can.
async fn owned(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<FolderRow> {
    let id = path_id(raw_id, folder_not_found)?;
    let row = folders::visible(c, org.id(), org.user_id(), &id)
        .await?
        .ok_or_else(folder_not_found)?;
    if row.user_id != org.user_id() {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Renames, changes the icon or the shares of a folder (owner only); absent fields stay.
#[utoipa::path(put, path = "/api/folders/{id}", tag = "folders", params(("id" = String, Path)),
    request_body = FolderBody,
    responses((status = 200, body = Folder), (status = 401), (status = 403), (status = 404),
        (status = 400, description = "Invalid input, or Folder already exists")))]
async fn update(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
    Json(body): Json<FolderBody>,
) -> Result<axum::Json<Folder>> {
    let mut tx = state.store.begin().await?;
    let row = owned(&mut tx.conn(), &org, &id).await?;
    let fields = Fields {
        name: match &body.name {
            Some(n) => folder_name(n)?,
            None => row.name,
        },
        icon: match &body.icon {
            Some(i) => icon(i.as_deref())?,
            None => row.icon,
        },
        share_all_teams: body.share_all_teams.unwrap_or(row.share_all_teams),
    };
    let shares = Shares::parse(&body, org.user_id())?;
    shares.check_plan(&org, body.share_all_teams)?;
    folders::update(
        &mut tx.conn(),
        org.id(),
        &row.id,
        &fields,
        Timestamp::now().millis(),
    )
    .await?;
    shares.check_and_save(&mut tx.conn(), &org, &row.id).await?;
    let out = load(&mut tx.conn(), &org, &row.id).await?;
    tx.commit().await?;
    Ok(axum::Json(out))
}

/// Deletes a folder (owner only); the bookmarks in it stay.
#[utoipa::path(delete, path = "/api/folders/{id}", tag = "folders", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Folder deleted"), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<axum::Json<serde_json::Value>> {
    let mut tx = state.store.begin().await?;
    let row = owned(&mut tx.conn(), &org, &id).await?;
    folders::delete(&mut tx.conn(), org.id(), &row.id).await?;
    tx.commit().await?;
    Ok(axum::Json(serde_json::json!({"message": "Folder deleted"})))
}
