//! Finding bookmarks: `GET /api/bookmarks` (filtered, sorted, paged), `/api/bookmarks/ids` (the
//! same filters, ids only) and `/api/bookmarks/search` (bookmarks, folders and tags at once).

use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::bookmarks as use_case;
use crate::app::list_params::ListParams;
use crate::domain::link_health::LinkStatus;
use crate::domain::SearchTerms;
use crate::error::Result;
use crate::http::bookmarks::{bookmarks, Bookmark};
use crate::http::fields::{self, or_blank};
use crate::http::CurrentOrg;
use crate::http::Json;
use crate::state::AppState;
use crate::store::bookmark_list::{self, Filter, Sort};
use crate::store::{folders, tags};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(ids))
        .routes(routes!(search))
}

pub const MAX_IDS: i64 = 10_000;

/// Filters of the bookmark list; all optional.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only bookmarks in this folder.
    #[param(schema_with = id_schema)]
    folder_id: Option<String>,
    /// Only bookmarks with this tag.
    #[param(schema_with = id_schema)]
    tag_id: Option<String>,
    /// `all` (default), `mine`, `shared_with_me` or `shared_by_me`.
    #[param(schema_with = fields::scope)]
    scope: Option<String>,
    #[param(schema_with = pinned_schema)]
    pinned: Option<String>,
    /// Words to find in title, URL or slug (the last one as a prefix).
    #[param(nullable = false)]
    q: Option<String>,
    /// `recently_added` (default), `alphabetical`, `most_used` or `recently_accessed`.
    #[param(schema_with = sort_schema)]
    sort_by: Option<String>,
    /// Only bookmarks whose last link check found this.
    #[param(schema_with = link_status_schema)]
    link_status: Option<String>,
    /// Page size (default 50); values outside 1–500 are brought within them.
    #[param(schema_with = fields::page_limit)]
    limit: Option<String>,
    /// How many to skip (default 0).
    #[param(schema_with = fields::page_offset)]
    offset: Option<String>,
}

// Every filter may also be left empty, as a search form sends it: it then reads as absent.
fn id_schema() -> RefOr<Schema> {
    or_blank(fields::uuid())
}

fn pinned_schema() -> RefOr<Schema> {
    or_blank(fields::boolean())
}

fn link_status_schema() -> RefOr<Schema> {
    fields::one_of(LinkStatus::NAMES)
}

fn sort_schema() -> RefOr<Schema> {
    fields::one_of(&[
        "recently_added",
        "alphabetical",
        "most_used",
        "recently_accessed",
    ])
}

impl ListQuery {
    /// The raw parameters, for the use case's parsing (the pages share it).
    fn params(&self) -> ListParams {
        ListParams {
            folder_id: self.folder_id.clone(),
            tag_id: self.tag_id.clone(),
            scope: self.scope.clone(),
            pinned: self.pinned.clone(),
            q: self.q.clone(),
            sort_by: self.sort_by.clone(),
            link_status: self.link_status.clone(),
            limit: self.limit.clone(),
            offset: self.offset.clone(),
        }
    }

    fn filter(&self) -> Result<(Filter, Sort)> {
        self.params().filter()
    }

    fn page(&self) -> Result<(Option<i64>, Option<i64>)> {
        self.params().page()
    }
}

#[derive(Serialize, ToSchema)]
pub struct BookmarkPage {
    items: Vec<Bookmark>,
    total: i64,
    #[serde(rename = "hasMore")]
    has_more: bool,
}

/// The bookmarks the caller can see, filtered, sorted and paged.
#[utoipa::path(get, path = "/api/bookmarks", tag = "bookmarks", params(ListQuery),
    responses((status = 200, body = BookmarkPage), (status = 400), (status = 401)))]
async fn list(
    State(state): State<AppState>,
    org: CurrentOrg,
    Query(query): Query<ListQuery>,
) -> Result<Json<BookmarkPage>> {
    let (filter, sort) = query.filter()?;
    let (limit, offset) = query.page()?;
    let totals = &state.list_totals;
    let page = use_case::list(&state.store, totals, &org, &filter, sort, limit, offset).await?;
    Ok(Json(BookmarkPage {
        items: bookmarks(page.items),
        total: page.total,
        has_more: page.has_more,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct BookmarkIds {
    ids: Vec<String>,
}

/// The ids of the bookmarks the list would show (same filters and order, at most 10000), for
/// selecting everything at once.
#[utoipa::path(get, path = "/api/bookmarks/ids", tag = "bookmarks", params(ListQuery),
    responses((status = 200, body = BookmarkIds), (status = 400), (status = 401)))]
async fn ids(
    State(state): State<AppState>,
    org: CurrentOrg,
    Query(query): Query<ListQuery>,
) -> Result<Json<BookmarkIds>> {
    let (filter, sort) = query.filter()?;
    let mut db = state.store.read().await?;
    let ids = bookmark_list::ids(
        &mut db.conn(),
        org.id(),
        org.user_id(),
        &filter,
        sort,
        MAX_IDS,
    )
    .await?;
    Ok(Json(BookmarkIds { ids }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// What to look for.
    #[param(nullable = false)]
    q: Option<String>,
}

/// One search result: a bookmark (with `title`, `url`, `slug`), a folder (`title` and `name`
/// both its name, `icon`) or a tag (`title` and `name`).
#[derive(Serialize, ToSchema)]
pub struct SearchHit {
    /// `bookmark`, `folder` or `tag`.
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "bookmark")]
    kind: &'static str,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    icon: Option<String>,
}

const SEARCH_EACH: i64 = 20;

/// Bookmarks, folders and tags matching `q`, bookmarks first. An empty or wordless `q` finds nothing.
#[utoipa::path(get, path = "/api/bookmarks/search", tag = "bookmarks", params(SearchQuery),
    responses((status = 200, body = [SearchHit]), (status = 401)))]
async fn search(
    State(state): State<AppState>,
    org: CurrentOrg,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Vec<SearchHit>>> {
    let Some(terms) = query.q.as_deref().and_then(SearchTerms::parse) else {
        return Ok(Json(vec![]));
    };
    let mut db = state.store.read().await?;
    let filter = Filter {
        terms: Some(terms.clone()),
        ..Filter::default()
    };
    // The best few, with nothing counted (see `first`).
    let rows =
        crate::app::bookmarks::first(&state.store, &org, &filter, Sort::MostUsed, SEARCH_EACH)
            .await?;
    let pattern = terms.like_pattern();
    let folder_rows = folders::search(
        &mut db.conn(),
        org.id(),
        org.user_id(),
        &pattern,
        SEARCH_EACH,
    )
    .await?;
    let tag_rows = tags::search(
        &mut db.conn(),
        org.id(),
        org.user_id(),
        &pattern,
        SEARCH_EACH,
    )
    .await?;
    let hit = |kind, id| SearchHit {
        kind,
        id,
        title: None,
        name: None,
        url: None,
        slug: None,
        icon: None,
    };
    let mut out: Vec<SearchHit> = rows
        .into_iter()
        .map(|b| SearchHit {
            title: Some(b.title),
            url: Some(b.url),
            slug: b.slug,
            ..hit("bookmark", b.id)
        })
        .collect();
    out.extend(folder_rows.into_iter().map(|f| SearchHit {
        title: Some(f.name.clone()),
        name: Some(f.name),
        icon: f.icon,
        ..hit("folder", f.id)
    }));
    out.extend(tag_rows.into_iter().map(|t| SearchHit {
        title: Some(t.name.clone()),
        name: Some(t.name),
        ..hit("tag", t.id)
    }));
    Ok(Json(out))
}
