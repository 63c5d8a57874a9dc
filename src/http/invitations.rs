//! Invitations: owners and admins invite people by email; the invitee follows the emailed link
//! and accepts. The checks run in the contract's order, and the seat check runs under the
//! organization's lock so racing invitations can never take more seats than there are.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::email_links::LinkCheck;
use crate::app::invitations::{self, Invitee};
use crate::domain::Timestamp;
use crate::error::{AppError, Result};
use crate::http::extract::parse_body;
use crate::http::{CurrentUser, Json};
use crate::request::ClientIp;
use crate::state::AppState;
use crate::store::invitations::Invitation;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(cancel))
        .routes(routes!(resend))
        .routes(routes!(verify))
        .routes(routes!(accept))
}

#[derive(Deserialize, ToSchema)]
pub struct InviteBody {
    #[schema(required = true, schema_with = crate::http::fields::email)]
    email: Option<String>,
    /// `member` (default) or `admin`; only owners invite admins.
    #[schema(nullable = false, value_type = Option<String>, pattern = "^(member|admin)$")]
    role: Option<String>,
}

/// Invites a person by email. Checks, in order: credentials (401), membership (404), role
/// (403), email (400), plan (403 `PLAN_REQUIRES_TEAM`), duplicates (400), seats (403 `TEAM_SEAT_LIMIT`).
#[utoipa::path(post, path = "/api/organizations/{id}/invitations", tag = "invitations", params(("id" = String, Path)),
    request_body = InviteBody,
    responses((status = 201, body = crate::http::doc_schemas::InvitationSent), (status = 400), (status = 401),
        (status = 403, description = "Forbidden, PLAN_REQUIRES_TEAM or TEAM_SEAT_LIMIT"), (status = 404), (status = 429)))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    state.limits.invitation(user.id()).await?;
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| ct.contains("json"));
    let invitee = parse_body::<InviteBody>(&body, is_json)
        .and_then(|b| Ok(Invitee::parse(b.email.as_deref(), b.role.as_deref())?));
    let invitation = invitations::invite(
        &state.store,
        &state.outbox(),
        state.plan_policy(),
        &user,
        &id,
        invitee,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"message": "Invitation sent", "invitation": invitation})),
    )
        .into_response())
}

/// Pending invitations (owners and admins).
#[utoipa::path(get, path = "/api/organizations/{id}/invitations", tag = "invitations", params(("id" = String, Path)),
    responses((status = 200, body = [Invitation]), (status = 401), (status = 403), (status = 404)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<Invitation>>> {
    Ok(Json(invitations::list(&state.store, &user, &id).await?))
}

/// Cancels a pending invitation; its link stops working and its seat is free again.
#[utoipa::path(delete, path = "/api/organizations/{id}/invitations/{invitationId}", tag = "invitations",
    params(("id" = String, Path), ("invitationId" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Invitation cancelled"), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn cancel(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, inv_id)): Path<(String, String)>,
) -> Result<Response> {
    invitations::cancel(&state.store, &user, &id, &inv_id).await?;
    Ok(Json(json!({"message": "Invitation cancelled"})).into_response())
}

/// Sends the invitation again with a new link (the old one stops working) and a fresh 7 days.
#[utoipa::path(post, path = "/api/organizations/{id}/invitations/{invitationId}/resend", tag = "invitations",
    params(("id" = String, Path), ("invitationId" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::InvitationSent), (status = 400), (status = 401), (status = 403), (status = 404), (status = 429)))]
async fn resend(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, inv_id)): Path<(String, String)>,
) -> Result<Response> {
    state.limits.invitation(user.id()).await?;
    let inv = invitations::resend(&state.store, &state.outbox(), &user, &id, &inv_id).await?;
    Ok(Json(json!({"message": "Invitation resent", "invitation": inv})).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    #[param(required = true, min_length = 1, nullable = false)]
    token: Option<String>,
}

/// What an invitation link is for, before signing in (no credentials needed).
#[utoipa::path(get, path = "/api/invitations/verify", tag = "invitations", security(()), params(TokenQuery),
    responses((status = 200, body = crate::http::doc_schemas::InvitationCheck, description = "A pending invitation, or `valid: false` and why not"), (status = 400), (status = 429)))]
async fn verify(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Query(q): Query<TokenQuery>,
) -> Result<Response> {
    state.limits.invitation_lookup(ip).await?;
    let Some(token) = q.token.filter(|t| !t.is_empty()) else {
        return Ok((
            StatusCode::BAD_REQUEST,
            Json(json!({"valid": false, "error": "Token is required"})),
        )
            .into_response());
    };
    Ok(match invitations::check_link(&state.store, &token).await? {
        LinkCheck::Invalid(error) => Json(json!({"valid": false, "error": error})),
        LinkCheck::Valid(link) => Json(json!({
            "valid": true,
            "email": link.invitation.email,
            "organization_id": link.invitation.org_id,
            "org_name": link.org_name,
            "expires_at": Timestamp(link.invitation.expires_at).to_rfc3339(),
        })),
    }
    .into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct AcceptBody {
    #[schema(required = true, schema_with = crate::http::fields::token)]
    token: Option<String>,
}

/// Joins the organization with an invitation sent to the signed-in person's email, and makes it
/// the current organization. Seats and plan are checked again: a downgraded organization cannot
/// be joined past its seats.
#[utoipa::path(post, path = "/api/invitations/accept", tag = "invitations", request_body = AcceptBody,
    responses((status = 200, body = crate::http::doc_schemas::Joined), (status = 400),
        (status = 401), (status = 403), (status = 404)))]
async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<AcceptBody>,
) -> Result<Response> {
    let token = body
        .token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| AppError::bad_request("Token is required"))?;
    let accepted = invitations::accept(&state.store, state.plan_policy(), &user, &token).await?;
    let message = if accepted.joined {
        "Joined organization"
    } else {
        "Already a member"
    };
    Ok(Json(json!({"message": message, "orgId": accepted.org_id})).into_response())
}
