//! `POST /api/bookmarks/{id}/check`: check one bookmark's URL now (the background checker does
//! the rest, see `jobs::link_check`).

use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::link_checks as use_case;
use crate::error::Result;
use crate::http::bookmarks::Bookmark;
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(check))
}

/// Checks the bookmark's URL now (anyone who can see it) and returns the bookmark with what the
/// check found. Rate-limited like other writes.
#[utoipa::path(post, path = "/api/bookmarks/{id}/check", tag = "bookmarks", params(("id" = String, Path)),
    responses((status = 200, body = Bookmark), (status = 401), (status = 404), (status = 429)))]
async fn check(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<Bookmark>> {
    state.limits.link_check(org.user_id()).await?;
    let out = use_case::check_now(&state.store, &state.link_checker, &org, &id).await?;
    Ok(Json(out.into()))
}
