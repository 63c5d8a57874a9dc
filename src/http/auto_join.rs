//! Joining an organization by email domain (cloud, Team plan): the organizations open to the
//! signed-in person's verified address, and joining one. Owners open an organization with
//! `PATCH /api/organizations/{id}` `{auto_join_domain}`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::auto_join;
use crate::error::Result;
use crate::http::{CurrentUser, Json};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(joinable))
        .routes(routes!(join))
}

#[derive(Serialize, ToSchema)]
pub struct JoinableOrg {
    id: String,
    name: String,
    /// The domain of the person's address that opens it.
    auto_join_domain: String,
}

/// The organizations the signed-in person may join without an invitation, by the domain of
/// their verified address (cloud; empty elsewhere).
#[utoipa::path(get, path = "/api/organizations/joinable", tag = "organizations",
    responses((status = 200, body = [JoinableOrg]), (status = 401)))]
async fn joinable(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<Json<Vec<JoinableOrg>>> {
    let orgs = auto_join::joinable(&state.store, state.plan_policy(), &user).await?;
    Ok(Json(
        orgs.into_iter()
            .map(|o| JoinableOrg {
                id: o.id,
                name: o.name,
                auto_join_domain: o.auto_join_domain.unwrap_or_default(),
            })
            .collect(),
    ))
}

/// Joins an organization open to the domain of the person's verified address, as a member,
/// and makes it the current organization. It takes a seat: 403 `TEAM_SEAT_LIMIT` when none is
/// free. An organization not open to the person's domain is not found.
#[utoipa::path(post, path = "/api/organizations/{id}/join", tag = "organizations", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Joined), (status = 400),
        (status = 401), (status = 403), (status = 404)))]
async fn join(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response> {
    let outbox = state.outbox();
    let joined = auto_join::join(&state.store, &outbox, state.plan_policy(), &user, &id).await?;
    let message = if joined.joined {
        "Joined organization"
    } else {
        "Already a member"
    };
    Ok(Json(json!({"message": message, "orgId": joined.org_id})).into_response())
}
