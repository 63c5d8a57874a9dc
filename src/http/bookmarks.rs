//! `/api/bookmarks/{id}` and creating bookmarks: the bookmark object and its body, over the use
//! cases in [`crate::app::bookmarks`] (where the rules are: validation, sharing, plan limits,
//! owner-only writes).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::bookmarks::{self as use_case, BookmarkInput, BookmarkView};
use crate::app::sharing::LinkInput;
use crate::domain::time;
use crate::error::Result;
use crate::http::library::{nullable, refs, FolderRef, PersonRef, TagRef, TeamRef};
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(track_access))
}

/// A bookmark as the caller sees it.
#[derive(Serialize, ToSchema, Debug)]
pub struct Bookmark {
    id: String,
    user_id: String,
    title: String,
    url: String,
    slug: Option<String>,
    forwarding_enabled: bool,
    pinned: bool,
    share_all_teams: bool,
    pub(crate) access_count: i64,
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    last_accessed_at: Option<i64>,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    updated_at: i64,
    /// `own` or `shared`.
    #[schema(value_type = String, example = "own")]
    bookmark_type: &'static str,
    tags: Vec<TagRef>,
    /// The bookmark's folders that the caller can see.
    folders: Vec<FolderRef>,
    /// Whom the owner shared it with (shown to its owner only).
    shared_teams: Vec<TeamRef>,
    shared_users: Vec<PersonRef>,
    /// The owner, for bookmarks shared with the caller.
    user_name: Option<String>,
    user_email: Option<String>,
    /// What the last link check found: `unknown` (not checked yet, or the URL changed since),
    /// `ok`, `redirected` (permanently, to `link_final_url`), `broken` or `unreachable`.
    #[schema(value_type = String, example = "ok")]
    link_status: String,
    /// The HTTP status of the last check's answer, if it got one.
    link_status_code: Option<i32>,
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    link_checked_at: Option<i64>,
    /// Where a permanent redirect led (only when `link_status` is `redirected`).
    link_final_url: Option<String>,
}

impl From<BookmarkView> for Bookmark {
    fn from(v: BookmarkView) -> Self {
        let r = v.row;
        Bookmark {
            tags: refs(v.tags),
            folders: refs(v.folders),
            shared_teams: refs(v.shared.teams),
            shared_users: refs(v.shared.users),
            bookmark_type: if v.mine { "own" } else { "shared" },
            user_name: (!v.mine).then_some(r.owner_name),
            user_email: (!v.mine).then_some(r.owner_email),
            id: r.id,
            user_id: r.user_id,
            title: r.title,
            url: r.url,
            slug: r.slug,
            forwarding_enabled: r.forwarding_enabled,
            pinned: r.pinned,
            share_all_teams: r.share_all_teams,
            access_count: r.access_count,
            last_accessed_at: r.last_accessed_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
            link_status: r.link_status,
            link_status_code: r.link_status_code,
            link_checked_at: r.link_checked_at,
            link_final_url: r.link_final_url,
        }
    }
}

/// Bookmarks as the caller sees them, as response objects.
pub fn bookmarks(views: Vec<BookmarkView>) -> Vec<Bookmark> {
    views.into_iter().map(Bookmark::from).collect()
}

/// Create and update bodies; on update every absent field stays as it is.
#[derive(Deserialize, ToSchema, Default)]
pub struct BookmarkBody {
    #[schema(schema_with = crate::http::fields::title)]
    title: Option<String>,
    #[schema(schema_with = crate::http::fields::url)]
    url: Option<String>,
    /// `null` or `""` removes the slug.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::http::fields::clearable_slug)]
    slug: Option<Option<String>>,
    /// Needs a slug.
    #[schema(nullable = false)]
    forwarding_enabled: Option<bool>,
    #[schema(nullable = false)]
    pinned: Option<bool>,
    #[schema(schema_with = crate::http::fields::uuids)]
    folder_ids: Option<Vec<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    tag_ids: Option<Vec<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    team_ids: Option<Vec<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    user_ids: Option<Vec<String>>,
    #[schema(nullable = false)]
    share_all_teams: Option<bool>,
}

impl From<BookmarkBody> for BookmarkInput {
    fn from(b: BookmarkBody) -> Self {
        BookmarkInput {
            title: b.title,
            url: b.url,
            slug: b.slug,
            forwarding_enabled: b.forwarding_enabled,
            pinned: b.pinned,
            links: LinkInput {
                folder_ids: b.folder_ids,
                tag_ids: b.tag_ids,
                tag_names: None,
                team_ids: b.team_ids,
                user_ids: b.user_ids,
                share_all_teams: b.share_all_teams,
            },
        }
    }
}

/// Creates a bookmark owned by the caller. On the Free plan (cloud) each member may own a
/// limited number; the count is taken under the organization's lock so concurrent creates
/// cannot overshoot it.
#[utoipa::path(post, path = "/api/bookmarks", tag = "bookmarks", request_body = crate::http::doc_schemas::NewBookmark,
    responses((status = 201, body = Bookmark), (status = 401),
        (status = 403, description = "PLAN_LIMIT_BOOKMARKS or PLAN_SHARE_TO_TEAM"),
        (status = 400, description = "Invalid input, or Slug already exists")))]
async fn create(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<BookmarkBody>,
) -> Result<Response> {
    let out = use_case::create(&state.store, &state.link_checker, &org, body.into()).await?;
    Ok((StatusCode::CREATED, Json(Bookmark::from(out))).into_response())
}

/// One bookmark the caller owns or that is shared with them.
#[utoipa::path(get, path = "/api/bookmarks/{id}", tag = "bookmarks", params(("id" = String, Path)),
    responses((status = 200, body = Bookmark), (status = 401), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<Bookmark>> {
    let mut db = state.store.read().await?;
    let out = use_case::view(&mut db.conn(), &org, &id).await?;
    Ok(Json(out.into()))
}

/// Changes the fields given (owner only); lists given replace the current ones.
#[utoipa::path(put, path = "/api/bookmarks/{id}", tag = "bookmarks", params(("id" = String, Path)),
    request_body = BookmarkBody,
    responses((status = 200, body = Bookmark), (status = 401), (status = 403),
        (status = 404), (status = 400, description = "Invalid input, or Slug already exists")))]
async fn update(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
    Json(body): Json<BookmarkBody>,
) -> Result<Json<Bookmark>> {
    let out = use_case::update(&state.store, &state.link_checker, &org, &id, body.into()).await?;
    Ok(Json(out.into()))
}

/// Deletes the bookmark (owner only).
#[utoipa::path(delete, path = "/api/bookmarks/{id}", tag = "bookmarks", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Bookmark deleted"), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>> {
    use_case::delete(&state.store, &org, &id).await?;
    Ok(Json(serde_json::json!({"message": "Bookmark deleted"})))
}

#[derive(Serialize, ToSchema)]
pub struct AccessTracked {
    id: String,
    access_count: i64,
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    last_accessed_at: Option<i64>,
}

/// Counts an opening of a bookmark the caller can see (its owner's or shared with them).
#[utoipa::path(post, path = "/api/bookmarks/{id}/track-access", tag = "bookmarks", params(("id" = String, Path)),
    responses((status = 200, body = AccessTracked), (status = 401), (status = 404)))]
async fn track_access(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<AccessTracked>> {
    let row = use_case::track_access(&state.store, &org, &id).await?;
    Ok(Json(AccessTracked {
        id: row.id,
        access_count: row.access_count,
        last_accessed_at: row.last_accessed_at,
    }))
}
