//! `GET /api/dashboard/stats` and `GET /api/users/for-sharing`: overviews of the current
//! organization from the caller's point of view.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::bookmarks::hydrate;
use crate::error::Result;
use crate::http::bookmarks::{bookmarks, Bookmark};
use crate::http::library::PersonRef;
use crate::http::CurrentOrg;
use crate::http::Json;
use crate::state::AppState;
use crate::store::bookmark_list::{self, Filter, Scope, Sort};
use crate::store::{folders, tags, teams, Conn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stats))
        .routes(routes!(for_sharing))
}

/// How many bookmarks each dashboard list shows.
const DASHBOARD_LIST: i64 = 10;

#[derive(Serialize, ToSchema)]
pub struct TopTag {
    id: String,
    name: String,
    bookmark_count: i64,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DashboardStats {
    /// Bookmarks the caller owns.
    total_bookmarks: i64,
    total_folders: i64,
    total_tags: i64,
    /// Others' bookmarks shared with the caller.
    shared_bookmarks: i64,
    /// Others' folders shared with the caller.
    shared_folders: i64,
    recent_bookmarks: Vec<Bookmark>,
    top_tags: Vec<TopTag>,
    /// Most opened first.
    quick_access_bookmarks: Vec<Bookmark>,
    pinned_bookmarks: Vec<Bookmark>,
}

async fn count(c: &mut Conn<'_>, org: &CurrentOrg, scope: Scope) -> Result<i64> {
    let filter = Filter {
        scope,
        ..Filter::default()
    };
    let (_, total) = bookmark_list::page(
        c,
        org.id(),
        org.user_id(),
        &filter,
        Sort::RecentlyAdded,
        1,
        0,
    )
    .await?;
    Ok(total)
}

async fn top(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    filter: Filter,
    sort: Sort,
) -> Result<Vec<Bookmark>> {
    let (rows, _) =
        bookmark_list::page(c, org.id(), org.user_id(), &filter, sort, DASHBOARD_LIST, 0).await?;
    Ok(bookmarks(hydrate(c, org, rows).await?))
}

/// Counts and short lists for the caller's dashboard in the current organization.
#[utoipa::path(get, path = "/api/dashboard/stats", tag = "dashboard",
    responses((status = 200, body = DashboardStats), (status = 401)))]
async fn stats(State(state): State<AppState>, org: CurrentOrg) -> Result<Json<DashboardStats>> {
    let mut db = state.store.read().await?;
    let c = &mut db.conn();
    let (total_folders, shared_folders) = folders::counts(c, org.id(), org.user_id()).await?;
    let top_tags = tags::top(c, org.id(), org.user_id(), DASHBOARD_LIST)
        .await?
        .into_iter()
        .map(|t| TopTag {
            id: t.id,
            name: t.name,
            bookmark_count: t.bookmark_count,
        })
        .collect();
    let mut quick = top(c, &org, Filter::default(), Sort::MostUsed).await?;
    quick.retain(|b| b.access_count > 0);
    let pinned = Filter {
        pinned: Some(true),
        ..Filter::default()
    };
    Ok(Json(DashboardStats {
        total_bookmarks: count(c, &org, Scope::Mine).await?,
        total_folders,
        total_tags: tags::count(c, org.id(), org.user_id()).await?,
        shared_bookmarks: count(c, &org, Scope::SharedWithMe).await?,
        shared_folders,
        recent_bookmarks: top(c, &org, Filter::default(), Sort::RecentlyAdded).await?,
        top_tags,
        quick_access_bookmarks: quick,
        pinned_bookmarks: top(c, &org, pinned, Sort::RecentlyAdded).await?,
    }))
}

/// The people of the current organization other than the caller, to share with.
#[utoipa::path(get, path = "/api/users/for-sharing", tag = "teams",
    responses((status = 200, body = [PersonRef]), (status = 401)))]
async fn for_sharing(
    State(state): State<AppState>,
    org: CurrentOrg,
) -> Result<Json<Vec<PersonRef>>> {
    let mut db = state.store.read().await?;
    let people = teams::people_for_sharing(&mut db.conn(), org.id(), org.user_id()).await?;
    Ok(Json(people.into_iter().map(PersonRef::from).collect()))
}
