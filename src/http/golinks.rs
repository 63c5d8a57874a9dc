//! The saved go-link preferences under `/api/go/preferences` (the redirect and its pages are
//! `web::go_links`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::bookmarks;
use crate::app::golinks;
use crate::domain::ids::parse_id;
use crate::domain::library::Slug;
use crate::error::{AppError, Result};
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;
use crate::store::go_preferences;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_preferences, save_preference))
        .routes(routes!(delete_preference))
}

/// The person's saved go-link choices in the current organization.
#[utoipa::path(get, path = "/api/go/preferences", tag = "go-links",
    responses((status = 200, body = [go_preferences::Preference]), (status = 401)))]
async fn list_preferences(
    State(state): State<AppState>,
    org: CurrentOrg,
) -> Result<Json<Vec<go_preferences::Preference>>> {
    let mut db = state.store.read().await?;
    Ok(Json(
        go_preferences::list(&mut db.conn(), org.id(), org.user_id()).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct PreferenceBody {
    #[schema(required = true, schema_with = crate::http::fields::slug)]
    slug: Option<String>,
    #[schema(required = true, schema_with = crate::http::fields::uuid)]
    bookmark_id: Option<String>,
}

/// Saves which bookmark `/go/<slug>` opens for the person.
#[utoipa::path(post, path = "/api/go/preferences", tag = "go-links", request_body = PreferenceBody,
    responses((status = 201, body = crate::http::doc_schemas::PreferenceSaved), (status = 400), (status = 401), (status = 404)))]
async fn save_preference(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<PreferenceBody>,
) -> Result<Response> {
    let slug = Slug::parse(body.slug.as_deref().unwrap_or(""))?;
    let id = body
        .bookmark_id
        .ok_or_else(|| AppError::bad_request("bookmark_id is required"))?;
    let id = parse_id(&id).ok_or_else(bookmarks::not_found)?;
    if golinks::remember(&state.store, org.id(), org.user_id(), &slug, &id)
        .await?
        .is_none()
    {
        return Err(bookmarks::not_found());
    }
    let saved = json!({"slug": slug.lower(), "bookmark_id": id});
    Ok((StatusCode::CREATED, Json(saved)).into_response())
}

/// Forgets the saved choice for a slug.
#[utoipa::path(delete, path = "/api/go/preferences/{slug}", tag = "go-links", params(("slug" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message), (status = 401), (status = 404)))]
async fn delete_preference(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(slug): Path<String>,
) -> Result<Response> {
    golinks::forget(&state.store, org.id(), org.user_id(), &slug).await?;
    Ok(Json(json!({"message": "Preference removed"})).into_response())
}
