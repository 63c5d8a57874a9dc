//! `GET /api/dashboard/stats` and `GET /api/users/for-sharing`: overviews of the current
//! organization from the caller's point of view.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::dashboard;
use crate::error::Result;
use crate::http::bookmarks::{bookmarks, Bookmark};
use crate::http::library::PersonRef;
use crate::http::CurrentOrg;
use crate::http::Json;
use crate::state::AppState;
use crate::store::teams;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(stats))
        .routes(routes!(for_sharing))
}

/// How many bookmarks each dashboard list shows.
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

#[utoipa::path(get, path = "/api/dashboard/stats", tag = "dashboard",
    responses((status = 200, body = DashboardStats), (status = 401)))]
async fn stats(State(state): State<AppState>, org: CurrentOrg) -> Result<Json<DashboardStats>> {
    let o = dashboard::overview(&state.store, &state.list_totals, &org).await?;
    Ok(Json(DashboardStats {
        total_bookmarks: o.total_bookmarks,
        total_folders: o.total_folders,
        total_tags: o.total_tags,
        shared_bookmarks: o.shared_bookmarks,
        shared_folders: o.shared_folders,
        recent_bookmarks: bookmarks(o.recent),
        top_tags: o
            .top_tags
            .into_iter()
            .map(|t| TopTag {
                id: t.id,
                name: t.name,
                bookmark_count: t.bookmark_count,
            })
            .collect(),
        quick_access_bookmarks: bookmarks(o.quick_access),
        pinned_bookmarks: bookmarks(o.pinned),
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
