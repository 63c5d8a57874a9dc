//! Invitations: owners and admins invite people by email; the invitee follows the emailed link
//! and accepts. The checks run in the contract's order, and seats are counted under the
//! organization's lock, so racing invitations can never take more seats than there are.

use crate::app::audit::{self, Actor, Event};
use crate::app::email_links::{LinkCheck, Outbox};
use crate::app::identity::CurrentUser;
use crate::app::organizations::{membership, membership_locked, seats, Membership};
use crate::app::sessions::select_org;
use crate::domain::ids::parse_id;
use crate::domain::plan::PlanPolicy;
use crate::domain::{new_id, DomainError, Email, InvitationStatus, OrgRole, Timestamp};
use crate::error::{AppError, Result};
use crate::security::{constant_time_eq, random_token, sha256_hex};
use crate::store::invitations::{self, Invitation, NewInvitation};
use crate::store::{orgs, users, Conn, Store};

/// How long an invitation link works.
pub const TTL_SECS: i64 = 7 * 24 * 3600;

fn invitation_not_found() -> AppError {
    AppError::not_found("Invitation not found")
}

/// Who is invited, and as what.
#[derive(Clone, Debug)]
pub struct Invitee {
    pub email: Email,
    pub role: OrgRole,
}

impl Invitee {
    /// The email first, then the role (`member` unless `admin` is asked for).
    pub fn parse(email: Option<&str>, role: Option<&str>) -> Result<Self, DomainError> {
        Ok(Self {
            email: Email::parse(email.unwrap_or(""))?,
            role: OrgRole::parse_invited(role)?,
        })
    }
}

/// The invitation email, with the link that carries `token`.
#[tracing::instrument(level = "debug", skip_all)]
async fn send_invitation(
    outbox: &Outbox<'_>,
    to: &str,
    org_name: &str,
    inviter: &str,
    token: &str,
) -> Result<()> {
    let link = outbox.link("/invite", token);
    outbox
        .send(
            to,
            format!("{inviter} invited you to {org_name} on SlugBase"),
            format!(
                "{inviter} invited you to join the organization \"{org_name}\" on SlugBase.\n\nAccept the invitation here:\n\n{link}\n\nThe invitation expires in 7 days.\n"
            ),
        )
        .await
}

/// Invites a person by email. Checks, in the contract's order: membership (404), role (403),
/// the invitee (400; `invitee` is the parsed request, refused only here), plan (403
/// `PLAN_REQUIRES_TEAM`), duplicates (400), seats (403 `TEAM_SEAT_LIMIT`). The email goes out
/// after the commit, so a slow mail server never holds the write lock.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn invite(
    store: &Store,
    outbox: &Outbox<'_>,
    policy: PlanPolicy,
    user: &CurrentUser,
    org_id: &str,
    invitee: Result<Invitee>,
) -> Result<Invitation> {
    let mut tx = store.begin().await?;
    let m = membership_locked(&mut tx.conn(), org_id, user.id()).await?;
    m.require_manager()?;
    let invitee = invitee?;
    if invitee.role == OrgRole::Admin {
        m.require_owner()?;
    }
    let rules = policy.rules(m.org.plan);
    rules.check_can_invite()?;

    let org = m.org;
    let email = invitee.email.as_str();
    let now = Timestamp::now().millis();
    invitations::expire_old(&mut tx.conn(), &org.id, now).await?;
    if let Some(person) = users::by_email(&mut tx.conn(), email).await? {
        if orgs::role_of(&mut tx.conn(), &org.id, &person.id)
            .await?
            .is_some()
        {
            return Err(
                DomainError::duplicate("User is already a member of this organization").into(),
            );
        }
    }
    let already_pending = "An invitation is already pending for this email";
    if invitations::pending_for_email(&mut tx.conn(), &org.id, email, now).await? {
        return Err(DomainError::duplicate(already_pending).into());
    }
    seats(&mut tx.conn(), &org, now)
        .await?
        .check_invite(&rules)?;

    let token = random_token();
    let id = new_id();
    let new = NewInvitation {
        id: &id,
        org_id: &org.id,
        email,
        role: invitee.role,
        token_hash: &sha256_hex(&token),
        invited_by: user.id(),
        now,
        expires_at: now + TTL_SECS * 1000,
    };
    invitations::insert(&mut tx.conn(), &new)
        .await
        .map_err(|e| e.on_unique(already_pending))?;
    let invitation = invitations::in_org(&mut tx.conn(), &org.id, &id)
        .await?
        .ok_or_else(invitation_not_found)?;
    let event = Event::new("invitation.sent", "invitation")
        .entity(&id)
        .org(&org.id)
        .detail("email", email)
        .detail("role", invitee.role.as_str());
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.invalidates_org(&org.id);
    tx.commit().await?;

    // If sending fails the invitation is withdrawn rather than left holding a seat nobody was
    // told about.
    if let Err(e) = send_invitation(outbox, email, &org.name, &user.user.name, &token).await {
        tracing::error!(error = %e, "invitation email failed");
        let mut tx = store.begin().await?;
        invitations::set_status(&mut tx.conn(), &id, InvitationStatus::Cancelled, now).await?;
        let event = Event::new("invitation.cancelled", "invitation")
            .entity(&id)
            .org(&org.id)
            .detail("email", email)
            .detail("reason", "email_failed");
        audit::record(&mut tx.conn(), &Actor::system(), event).await?;
        tx.invalidates_org(&org.id);
        tx.commit().await?;
        return Err(AppError::Upstream(
            "Could not send the invitation email. Please try again.",
        ));
    }
    Ok(invitation)
}

/// The organization's pending invitations (owners and admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(store: &Store, user: &CurrentUser, org_id: &str) -> Result<Vec<Invitation>> {
    let mut db = store.read().await?;
    let m = membership(&mut db.conn(), org_id, user.id()).await?;
    m.require_manager()?;
    invitations::pending(&mut db.conn(), &m.org.id, Timestamp::now().millis()).await
}

/// The organization's pending invitation `raw_id`, for an owner or admin of it, under the lock.
#[tracing::instrument(level = "debug", skip_all)]
async fn managed_pending(
    c: &mut Conn<'_>,
    user: &CurrentUser,
    org_id: &str,
    raw_id: &str,
) -> Result<(Membership, Invitation)> {
    let m = membership_locked(c, org_id, user.id()).await?;
    m.require_manager()?;
    let id = parse_id(raw_id).ok_or_else(invitation_not_found)?;
    invitations::expire_old(c, &m.org.id, Timestamp::now().millis()).await?;
    let inv = invitations::in_org(c, &m.org.id, &id)
        .await?
        .ok_or_else(invitation_not_found)?;
    if inv.status != InvitationStatus::Pending {
        return Err(AppError::bad_request(format!(
            "Invitation is {}, not pending",
            inv.status
        )));
    }
    Ok((m, inv))
}

/// Cancels a pending invitation; its link stops working and its seat is free again.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn cancel(
    store: &Store,
    user: &CurrentUser,
    org_id: &str,
    invitation_id: &str,
) -> Result<()> {
    let mut tx = store.begin().await?;
    let (m, inv) = managed_pending(&mut tx.conn(), user, org_id, invitation_id).await?;
    let now = Timestamp::now().millis();
    invitations::set_status(&mut tx.conn(), &inv.id, InvitationStatus::Cancelled, now).await?;
    let event = Event::new("invitation.cancelled", "invitation")
        .entity(&inv.id)
        .org(&m.org.id)
        .detail("email", inv.email.as_str());
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.invalidates_org(&m.org.id);
    tx.commit().await?;
    Ok(())
}

/// Sends the invitation again with a new link (the old one stops working) and a fresh 7 days.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resend(
    store: &Store,
    outbox: &Outbox<'_>,
    user: &CurrentUser,
    org_id: &str,
    invitation_id: &str,
) -> Result<Invitation> {
    let mut tx = store.begin().await?;
    let (m, inv) = managed_pending(&mut tx.conn(), user, org_id, invitation_id).await?;
    let token = random_token();
    let expires_at = Timestamp::now().plus_secs(TTL_SECS).millis();
    invitations::renew(&mut tx.conn(), &inv.id, &sha256_hex(&token), expires_at).await?;
    let inv = invitations::in_org(&mut tx.conn(), &m.org.id, &inv.id)
        .await?
        .ok_or_else(invitation_not_found)?;
    let event = Event::new("invitation.resent", "invitation")
        .entity(&inv.id)
        .org(&m.org.id)
        .detail("email", inv.email.as_str());
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.invalidates_org(&m.org.id);
    tx.commit().await?;
    send_invitation(outbox, &inv.email, &m.org.name, &user.user.name, &token).await?;
    Ok(inv)
}

/// A working invitation link: the invitation and the organization's name.
#[derive(Clone, Debug)]
pub struct InvitationLink {
    pub invitation: Invitation,
    pub org_name: Option<String>,
}

/// What an invitation link is for, as anyone holding it may ask before signing in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn check_link(store: &Store, token: &str) -> Result<LinkCheck<InvitationLink>> {
    let mut db = store.read().await?;
    let Some(inv) = invitations::by_token_hash(&mut db.conn(), &sha256_hex(token)).await? else {
        return Ok(LinkCheck::Invalid("Invitation not found"));
    };
    if inv.status != InvitationStatus::Pending {
        return Ok(LinkCheck::Invalid(
            "Invitation has already been used or cancelled",
        ));
    }
    if inv.expires_at <= Timestamp::now().millis() {
        return Ok(LinkCheck::Invalid("Invitation has expired"));
    }
    let org_name = orgs::by_id(&mut db.conn(), &inv.org_id)
        .await?
        .map(|o| o.name);
    Ok(LinkCheck::Valid(InvitationLink {
        invitation: inv,
        org_name,
    }))
}

/// How accepting went: the organization, now current, and whether the person joined it just now.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub org_id: String,
    pub joined: bool,
}

/// Joins the organization with an invitation sent to the person's email, and makes it the
/// current organization. Plan and seats are checked again: a downgraded organization cannot be
/// joined past its seats.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn accept(
    store: &Store,
    policy: PlanPolicy,
    user: &CurrentUser,
    token: &str,
) -> Result<Accepted> {
    let mut tx = store.begin().await?;
    let actor = Actor::of(user);
    let accepted = accept_in(&mut tx.conn(), policy, &user.user, &actor, token).await?;
    select_org(&mut tx.conn(), user, &accepted.org_id).await?;
    tx.invalidates_org(&accepted.org_id);
    tx.invalidates_user(user.id());
    tx.commit().await?;
    Ok(accepted)
}

/// [`accept`] on the transaction `c`, for `person`, without choosing the organization for a
/// session (a new account's first session starts in it).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn accept_in(
    c: &mut Conn<'_>,
    policy: PlanPolicy,
    person: &users::User,
    actor: &Actor,
    token: &str,
) -> Result<Accepted> {
    let inv = invitations::by_token_hash(c, &sha256_hex(token))
        .await?
        .ok_or_else(invitation_not_found)?;
    crate::store::lock_org(c, &inv.org_id).await?;
    // Read again under the lock: a racing accept or cancel has finished by now.
    let inv = invitations::in_org(c, &inv.org_id, &inv.id)
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
    if !constant_time_eq(inv.email.as_bytes(), person.email.as_bytes()) {
        return Err(DomainError::WrongInvitee.into());
    }
    let org = orgs::by_id(c, &inv.org_id)
        .await?
        .ok_or_else(invitation_not_found)?;
    let already = orgs::role_of(c, &org.id, &person.id).await?.is_some();
    if !already {
        let rules = policy.rules(org.plan);
        rules.check_can_invite()?;
        seats(c, &org, now).await?.check_accept(&rules)?;
        orgs::add_member(c, &org.id, &person.id, inv.role, now).await?;
    }
    invitations::set_status(c, &inv.id, InvitationStatus::Accepted, now).await?;
    let event = Event::new("invitation.accepted", "invitation")
        .entity(&inv.id)
        .org(&org.id)
        .detail("email", inv.email.as_str());
    audit::record(c, actor, event).await?;
    if !already {
        let event = Event::new("member.joined", "membership")
            .entity(&person.id)
            .org(&org.id)
            .detail("role", inv.role.as_str())
            .detail("invitation_id", inv.id.as_str());
        audit::record(c, actor, event).await?;
    }
    Ok(Accepted {
        org_id: org.id,
        joined: !already,
    })
}
