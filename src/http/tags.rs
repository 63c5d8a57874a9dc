//! `/api/tags`: each person's own tags. Others' tags answer 404; deleting a tag keeps its bookmarks.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::list_params;
use crate::app::tags::{self as use_case, ListInput};
use crate::domain::time;
use crate::error::Result;
use crate::http::{fields, CurrentOrg, Json};
use crate::state::AppState;
use crate::store::tags::{self, TagRow};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
}

#[derive(Serialize, ToSchema)]
pub struct Tag {
    id: String,
    name: String,
    bookmark_count: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
}

impl From<TagRow> for Tag {
    fn from(t: TagRow) -> Self {
        Self {
            id: t.id,
            name: t.name,
            bookmark_count: t.bookmark_count,
            created_at: t.created_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TagBody {
    #[schema(required = true, schema_with = crate::http::fields::name_100)]
    name: Option<String>,
}

/// The tag list's parameters; all optional, and blank reads as absent.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct TagListQuery {
    /// `alphabetical` (default: by name, whatever the letter case), `recently_added` (newest
    /// first) or `most_used` (on the most bookmarks first, then by name).
    #[param(schema_with = sort_schema)]
    sort_by: Option<String>,
    /// Page size; values outside 1–500 are brought within them. Without it the answer is a
    /// plain array of every tag.
    #[param(schema_with = fields::page_limit)]
    limit: Option<String>,
    /// How many to skip (default 0).
    #[param(schema_with = fields::page_offset)]
    offset: Option<String>,
}

fn sort_schema() -> RefOr<Schema> {
    fields::one_of(tags::Sort::NAMES)
}

impl From<TagListQuery> for ListInput {
    fn from(q: TagListQuery) -> Self {
        ListInput {
            sort_by: q.sort_by,
            limit: q.limit,
            offset: q.offset,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TagPage {
    items: Vec<Tag>,
    total: i64,
    #[serde(rename = "hasMore")]
    has_more: bool,
}

/// The answer to `GET /api/tags`: as the original SlugBase, a plain array of every tag when no
/// `limit` is given (its client maps it), a page with one.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum TagList {
    All(Vec<Tag>),
    Page(TagPage),
}

/// The caller's tags, with how many bookmarks carry each, sorted; every one as an array without
/// `limit`, a page `{items, total, hasMore}` with it.
#[utoipa::path(get, path = "/api/tags", tag = "tags", params(TagListQuery),
    responses((status = 200, body = TagList), (status = 400), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    org: CurrentOrg,
    Query(query): Query<TagListQuery>,
) -> Result<Json<TagList>> {
    let paged = list_params::present(&query.limit).is_some();
    let page = use_case::list(&state.store, &org, &query.into()).await?;
    let items = page.items.into_iter().map(Tag::from).collect();
    Ok(Json(if paged {
        TagList::Page(TagPage {
            items,
            total: page.total,
            has_more: page.has_more,
        })
    } else {
        TagList::All(items)
    }))
}

/// Creates a tag.
#[utoipa::path(post, path = "/api/tags", tag = "tags", request_body = TagBody,
    responses((status = 201, body = Tag), (status = 401), (status = 400, description = "Invalid input, or Tag already exists")))]
async fn create(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<TagBody>,
) -> Result<Response> {
    let row = use_case::create(&state.store, &state.limits, &org, body.name.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(Tag::from(row))).into_response())
}

/// One of the caller's tags.
#[utoipa::path(get, path = "/api/tags/{id}", tag = "tags", params(("id" = String, Path)),
    responses((status = 200, body = Tag), (status = 401), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<Tag>> {
    let mut db = state.store.read().await?;
    let row = use_case::own(&mut db.conn(), &org, &id).await?;
    Ok(Json(row.into()))
}

/// Renames one of the caller's tags.
#[utoipa::path(put, path = "/api/tags/{id}", tag = "tags", params(("id" = String, Path)), request_body = TagBody,
    responses((status = 200, body = Tag), (status = 401), (status = 404), (status = 400, description = "Invalid input, or Tag already exists")))]
async fn update(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
    Json(body): Json<TagBody>,
) -> Result<Json<Tag>> {
    let row = use_case::rename(&state.store, &org, &id, body.name.as_deref()).await?;
    Ok(Json(row.into()))
}

/// Deletes one of the caller's tags; the bookmarks that carried it stay.
#[utoipa::path(delete, path = "/api/tags/{id}", tag = "tags", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Tag deleted"), (status = 401), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>> {
    use_case::delete(&state.store, &org, &id).await?;
    Ok(Json(serde_json::json!({"message": "Tag deleted"})))
}
