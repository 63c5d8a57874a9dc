//! `/api/folders`: a person's folders and those shared with them, over the use cases in
//! [`crate::app::folders`].

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::folders::{self as use_case, FolderInput, FolderView, ListInput};
use crate::app::list_params;
use crate::app::sharing::LinkInput;
use crate::domain::time;
use crate::error::Result;
use crate::http::fields;
use crate::http::library::{nullable, refs, PersonRef, TeamRef};
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;
use crate::store::folders;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
}

#[derive(Serialize, ToSchema)]
pub struct Folder {
    id: String,
    user_id: String,
    name: String,
    icon: Option<String>,
    /// The folder it sits in (its owner's), or `null` at the top level.
    parent_id: Option<String>,
    share_all_teams: bool,
    /// Bookmarks in it (all visible to whoever sees the folder).
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

impl From<FolderView> for Folder {
    fn from(v: FolderView) -> Self {
        let r = v.row;
        Folder {
            shared_teams: refs(v.shared.teams),
            shared_users: refs(v.shared.users),
            folder_type: if v.mine { "own" } else { "shared" },
            user_name: (!v.mine).then_some(r.owner_name),
            user_email: (!v.mine).then_some(r.owner_email),
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            icon: r.icon,
            parent_id: r.parent_id,
            share_all_teams: r.share_all_teams,
            bookmark_count: r.bookmark_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The folder list's parameters; all optional, and blank reads as absent.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct FolderListQuery {
    /// `all` (default: the caller's own and those shared with them), `mine`, `shared_with_me`
    /// or `shared_by_me` (their own that they shared).
    #[param(schema_with = fields::scope)]
    scope: Option<String>,
    /// `alphabetical` (default: by name, whatever the letter case) or `recently_added` (newest
    /// first).
    #[param(schema_with = sort_schema)]
    sort_by: Option<String>,
    /// Page size; values outside 1–500 are brought within them. Without it the answer is a
    /// plain array of every folder.
    #[param(schema_with = fields::page_limit)]
    limit: Option<String>,
    /// How many to skip (default 0).
    #[param(schema_with = fields::page_offset)]
    offset: Option<String>,
}

fn sort_schema() -> RefOr<Schema> {
    fields::one_of(folders::Sort::NAMES)
}

impl From<FolderListQuery> for ListInput {
    fn from(q: FolderListQuery) -> Self {
        ListInput {
            scope: q.scope,
            sort_by: q.sort_by,
            limit: q.limit,
            offset: q.offset,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FolderPage {
    items: Vec<Folder>,
    total: i64,
    #[serde(rename = "hasMore")]
    has_more: bool,
}

/// The answer to `GET /api/folders`: as the original SlugBase, a plain array of every folder
/// when no `limit` is given (its client maps it), a page with one.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum FolderList {
    All(Vec<Folder>),
    Page(FolderPage),
}

/// The caller's folders and those shared with them, in `scope`, sorted; every one as an array
/// without `limit`, a page `{items, total, hasMore}` with it.
#[utoipa::path(get, path = "/api/folders", tag = "folders", params(FolderListQuery),
    responses((status = 200, body = FolderList), (status = 400), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    org: CurrentOrg,
    Query(query): Query<FolderListQuery>,
) -> Result<Json<FolderList>> {
    let paged = list_params::present(&query.limit).is_some();
    let page = use_case::list(&state.store, &org, &query.into()).await?;
    let items = page.items.into_iter().map(Folder::from).collect();
    Ok(Json(if paged {
        FolderList::Page(FolderPage {
            items,
            total: page.total,
            has_more: page.has_more,
        })
    } else {
        FolderList::All(items)
    }))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct FolderBody {
    #[schema(schema_with = crate::http::fields::name_255)]
    name: Option<String>,
    /// `null` or `""` removes the icon.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::http::fields::icon)]
    icon: Option<Option<String>>,
    /// One of the caller's own folders to put it in; `null` is the top level. A folder cannot
    /// go into itself or a folder inside it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::http::fields::nullable_uuid)]
    parent_id: Option<Option<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    team_ids: Option<Vec<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    user_ids: Option<Vec<String>>,
    #[schema(nullable = false)]
    share_all_teams: Option<bool>,
}

impl From<FolderBody> for FolderInput {
    fn from(b: FolderBody) -> Self {
        FolderInput {
            name: b.name,
            icon: b.icon,
            parent_id: b.parent_id,
            links: LinkInput {
                team_ids: b.team_ids,
                user_ids: b.user_ids,
                share_all_teams: b.share_all_teams,
                ..LinkInput::default()
            },
        }
    }
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
    let out = use_case::create(&state.store, &state.limits, &org, body.into()).await?;
    Ok((StatusCode::CREATED, Json(Folder::from(out))).into_response())
}

/// One folder the caller owns or that is shared with them.
#[utoipa::path(get, path = "/api/folders/{id}", tag = "folders", params(("id" = String, Path)),
    responses((status = 200, body = Folder), (status = 401), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<Folder>> {
    let mut db = state.store.read().await?;
    let out = use_case::view(&mut db.conn(), &org, &id).await?;
    Ok(Json(out.into()))
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
) -> Result<Json<Folder>> {
    let out = use_case::update(&state.store, &org, &id, body.into()).await?;
    Ok(Json(out.into()))
}

/// Deletes a folder (owner only); the bookmarks in it stay.
#[utoipa::path(delete, path = "/api/folders/{id}", tag = "folders", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Folder deleted"), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>> {
    use_case::delete(&state.store, &org, &id).await?;
    Ok(Json(serde_json::json!({"message": "Folder deleted"})))
}
