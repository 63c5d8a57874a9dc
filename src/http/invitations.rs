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

use crate::domain::ids::parse_id;
use crate::domain::{new_id, Email, InvitationStatus, OrgRole, Rules, Seats, Timestamp};
use crate::error::{AppError, Result};
use crate::http::extract::{parse_body, ClientIp};
use crate::http::organizations::membership_locked;
use crate::http::{CurrentUser, Json};
use crate::mail;
use crate::security::{random_token, sha256_hex};
use crate::state::AppState;
use crate::store::invitations::{self, Invitation, NewInvitation};
use crate::store::{orgs, users, Conn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(cancel))
        .routes(routes!(resend))
        .routes(routes!(verify))
        .routes(routes!(accept))
}

const TTL_SECS: i64 = 7 * 24 * 3600;

fn invitation_not_found() -> AppError {
    AppError::not_found("Invitation not found")
}

#[derive(Deserialize, ToSchema)]
pub struct InviteBody {
    #[schema(required = true, schema_with = crate::http::fields::email)]
    email: Option<String>,
    /// `member` (default) or `admin`; only owners invite admins.
    #[schema(nullable = false, value_type = Option<String>, pattern = "^(member|admin)$")]
    role: Option<String>,
}

async fn seats(c: &mut Conn<'_>, org: &orgs::Org, now: i64) -> Result<Seats> {
    Ok(Seats {
        included: org.included_seats,
        extra: org.extra_seats,
        used: orgs::member_count(c, &org.id).await?,
        pending: invitations::pending_count(c, &org.id, now).await?,
    })
}

async fn send_invitation(
    state: &AppState,
    to: &str,
    org_name: &str,
    inviter: &str,
    token: &str,
) -> Result<()> {
    let link = format!("{}/invite?token={token}", state.config.base_url());
    state
        .mailer
        .send(mail::Email {
            to,
            subject: format!("{inviter} invited you to {org_name} on SlugBase"),
            body: format!(
                "{inviter} invited you to join the organization \"{org_name}\" on SlugBase.\n\nAccept the invitation here:\n\n{link}\n\nThe invitation expires in 7 days.\n"
            ),
        })
        .await
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
    state
        .limits
        .writes
        .check(&format!("invite:{}", user.id()))?;
    let mut tx = state.store.begin().await?;
    let (org, my_role) = membership_locked(&mut tx.conn(), &id, user.id()).await?;
    if !my_role.can_manage() {
        return Err(AppError::Forbidden);
    }
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| ct.contains("json"));
    let body: InviteBody = parse_body(&body, is_json)?;
    let email = Email::parse(body.email.as_deref().unwrap_or(""))?;
    let role = match body.role.as_deref() {
        None | Some("member") => OrgRole::Member,
        Some("admin") => OrgRole::Admin,
        Some(_) => return Err(AppError::bad_request("role must be member or admin")),
    };
    if role == OrgRole::Admin && !my_role.is_owner() {
        return Err(AppError::Forbidden);
    }
    let rules = Rules::new(state.mode(), org.plan, state.config.free_bookmark_limit);
    rules.check_can_invite()?;

    let now = Timestamp::now().millis();
    invitations::expire_old(&mut tx.conn(), &org.id, now).await?;
    let already_member = match users::by_email(&mut tx.conn(), email.as_str()).await? {
        Some(u) => orgs::role_of(&mut tx.conn(), &org.id, &u.id)
            .await?
            .is_some(),
        None => false,
    };
    if already_member {
        return Err(AppError::bad_request(
            "User is already a member of this organization",
        ));
    }
    if invitations::pending_for_email(&mut tx.conn(), &org.id, email.as_str(), now).await? {
        return Err(AppError::bad_request(
            "An invitation is already pending for this email",
        ));
    }
    seats(&mut tx.conn(), &org, now)
        .await?
        .check_invite(&rules)?;

    let token = random_token();
    let invitation_id = new_id();
    let new = NewInvitation {
        id: &invitation_id,
        org_id: &org.id,
        email: email.as_str(),
        role,
        token_hash: &sha256_hex(&token),
        invited_by: user.id(),
        now,
        expires_at: now + TTL_SECS * 1000,
    };
    invitations::insert(&mut tx.conn(), &new)
        .await
        .map_err(|e| e.on_unique("An invitation is already pending for this email"))?;
    let invitation = invitations::in_org(&mut tx.conn(), &org.id, &invitation_id)
        .await?
        .ok_or_else(invitation_not_found)?;
    tx.commit().await?;

    // Sent after the commit, so a slow mail server never holds the write lock; if sending
    // fails the invitation is withdrawn rather than left holding a seat nobody was told about.
    if let Err(e) =
        send_invitation(&state, email.as_str(), &org.name, &user.user.name, &token).await
    {
        tracing::error!(error = %e, "invitation email failed");
        let mut tx = state.store.begin().await?;
        invitations::set_status(
            &mut tx.conn(),
            &invitation_id,
            InvitationStatus::Cancelled,
            now,
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::status(
            StatusCode::BAD_GATEWAY,
            "Could not send the invitation email. Please try again.",
        ));
    }
    Ok((
        StatusCode::CREATED,
        axum::Json(json!({"message": "Invitation sent", "invitation": invitation})),
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
) -> Result<axum::Json<Vec<Invitation>>> {
    let mut db = state.store.read().await?;
    let (org, role) =
        crate::http::organizations::membership(&mut db.conn(), &id, user.id()).await?;
    if !role.can_manage() {
        return Err(AppError::Forbidden);
    }
    Ok(axum::Json(
        invitations::pending(&mut db.conn(), &org.id, Timestamp::now().millis()).await?,
    ))
}

/// The organization's pending invitation `raw`, for an owner or admin of it.
async fn managed_pending(
    c: &mut Conn<'_>,
    user: &CurrentUser,
    org_raw: &str,
    raw: &str,
) -> Result<(orgs::Org, Invitation)> {
    let (org, role) = membership_locked(c, org_raw, user.id()).await?;
    if !role.can_manage() {
        return Err(AppError::Forbidden);
    }
    let id = parse_id(raw).ok_or_else(invitation_not_found)?;
    invitations::expire_old(c, &org.id, Timestamp::now().millis()).await?;
    let inv = invitations::in_org(c, &org.id, &id)
        .await?
        .ok_or_else(invitation_not_found)?;
    if inv.status != InvitationStatus::Pending {
        return Err(AppError::bad_request(format!(
            "Invitation is {}, not pending",
            inv.status
        )));
    }
    Ok((org, inv))
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
    let mut tx = state.store.begin().await?;
    let (_, inv) = managed_pending(&mut tx.conn(), &user, &id, &inv_id).await?;
    invitations::set_status(
        &mut tx.conn(),
        &inv.id,
        InvitationStatus::Cancelled,
        Timestamp::now().millis(),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(json!({"message": "Invitation cancelled"})).into_response())
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
    state
        .limits
        .writes
        .check(&format!("invite:{}", user.id()))?;
    let mut tx = state.store.begin().await?;
    let (org, inv) = managed_pending(&mut tx.conn(), &user, &id, &inv_id).await?;
    let token = random_token();
    let expires_at = Timestamp::now().plus_secs(TTL_SECS).millis();
    invitations::renew(&mut tx.conn(), &inv.id, &sha256_hex(&token), expires_at).await?;
    let inv = invitations::in_org(&mut tx.conn(), &org.id, &inv.id)
        .await?
        .ok_or_else(invitation_not_found)?;
    tx.commit().await?;
    send_invitation(&state, &inv.email, &org.name, &user.user.name, &token).await?;
    Ok(axum::Json(json!({"message": "Invitation resent", "invitation": inv})).into_response())
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
    state.limits.auth.check(&format!("invite-verify:{ip}"))?;
    let Some(token) = q.token.filter(|t| !t.is_empty()) else {
        return Ok((
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"valid": false, "error": "Token is required"})),
        )
            .into_response());
    };
    let mut db = state.store.read().await?;
    let invalid = |e: &str| Ok(axum::Json(json!({"valid": false, "error": e})).into_response());
    let Some(inv) = invitations::by_token_hash(&mut db.conn(), &sha256_hex(&token)).await? else {
        return invalid("Invitation not found");
    };
    if inv.status != InvitationStatus::Pending {
        return invalid("Invitation has already been used or cancelled");
    }
    if inv.expires_at <= Timestamp::now().millis() {
        return invalid("Invitation has expired");
    }
    let org_name = orgs::by_id(&mut db.conn(), &inv.org_id)
        .await?
        .map(|o| o.name);
    Ok(axum::Json(json!({
        "valid": true,
        "email": inv.email,
        "organization_id": inv.org_id,
        "org_name": org_name,
        "expires_at": crate::domain::Timestamp(inv.expires_at).to_rfc3339(),
    }))
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
    let mut tx = state.store.begin().await?;
    let inv = invitations::by_token_hash(&mut tx.conn(), &sha256_hex(&token))
        .await?
        .ok_or_else(invitation_not_found)?;
    crate::store::lock_org(&mut tx.conn(), &inv.org_id).await?;
    // Read again under the lock: a racing accept or cancel has finished by now.
    let inv = invitations::in_org(&mut tx.conn(), &inv.org_id, &inv.id)
        .await?
        .ok_or_else(invitation_not_found)?;
    let now = Timestamp::now().millis();
    if inv.status != InvitationStatus::Pending {
        return Err(AppError::bad_request(
            "Invitation has already been used or cancelled",
        ));
    }
    if inv.expires_at <= now {
        return Err(AppError::bad_request("Invitation has expired"));
    }
    if !crate::security::constant_time_eq(inv.email.as_bytes(), user.user.email.as_bytes()) {
        return Err(AppError::status(
            StatusCode::FORBIDDEN,
            "This invitation was sent to a different email address",
        ));
    }
    let org = orgs::by_id(&mut tx.conn(), &inv.org_id)
        .await?
        .ok_or_else(invitation_not_found)?;
    let message = if orgs::role_of(&mut tx.conn(), &org.id, user.id())
        .await?
        .is_some()
    {
        invitations::set_status(&mut tx.conn(), &inv.id, InvitationStatus::Accepted, now).await?;
        "Already a member"
    } else {
        let rules = Rules::new(state.mode(), org.plan, state.config.free_bookmark_limit);
        rules.check_can_invite()?;
        seats(&mut tx.conn(), &org, now)
            .await?
            .check_accept(&rules)?;
        let role = inv.role;
        orgs::add_member(&mut tx.conn(), &org.id, user.id(), role, now).await?;
        invitations::set_status(&mut tx.conn(), &inv.id, InvitationStatus::Accepted, now).await?;
        "Joined organization"
    };
    crate::http::session::select(&mut tx.conn(), &user, &org.id).await?;
    tx.commit().await?;
    Ok(axum::Json(json!({"message": message, "orgId": org.id})).into_response())
}
