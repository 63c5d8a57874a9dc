//! Organizations: founding, listing, renaming and deleting them, and the figures every seat
//! rule starts from. An organization named by id that the caller does not belong to is refused
//! exactly as one that does not exist (404 `Organization not found`).

use crate::app::audit::{self, Actor, Event};
use crate::app::identity::CurrentUser;
use crate::config::Mode;
use crate::domain::ids::parse_id;
use crate::domain::role::OrgName;
use crate::domain::{new_id, OrgRole, Plan, Seats, Timestamp};
use crate::error::{AppError, Result};
use crate::store::{invitations, orgs, Conn, Store};

pub fn org_not_found() -> AppError {
    AppError::not_found("Organization not found")
}

/// An organization and the caller's role in it.
#[derive(Clone, Debug)]
pub struct Membership {
    pub org: orgs::Org,
    pub role: OrgRole,
}

impl Membership {
    /// Owners and admins only (the plain Forbidden body otherwise).
    pub fn require_manager(&self) -> Result<()> {
        if self.role.can_manage() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Owners only (the plain Forbidden body otherwise).
    pub fn require_owner(&self) -> Result<()> {
        if self.role.is_owner() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The organization `raw_id` and the caller's role in it; 404 unless the caller is a member.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn membership(c: &mut Conn<'_>, raw_id: &str, user_id: &str) -> Result<Membership> {
    let id = parse_id(raw_id).ok_or_else(org_not_found)?;
    let role = orgs::role_of(c, &id, user_id)
        .await?
        .ok_or_else(org_not_found)?;
    let org = orgs::by_id(c, &id).await?.ok_or_else(org_not_found)?;
    Ok(Membership { org, role })
}

/// Like [`membership`], but takes the organization's lock first, so the role, the members and
/// the seats checked after it cannot change before the transaction commits.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn membership_locked(
    c: &mut Conn<'_>,
    raw_id: &str,
    user_id: &str,
) -> Result<Membership> {
    let id = parse_id(raw_id).ok_or_else(org_not_found)?;
    crate::store::lock_org(c, &id).await?;
    membership(c, &id, user_id).await
}

/// The organization's seats as every seat rule sees them: what its plan includes and bought,
/// its members, and the pending, unexpired invitations that each hold a seat.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn seats(c: &mut Conn<'_>, org: &orgs::Org, now: i64) -> Result<Seats> {
    Ok(Seats {
        included: org.included_seats,
        extra: org.extra_seats,
        used: orgs::member_count(c, &org.id).await?,
        pending: invitations::pending_count(c, &org.id, now).await?,
    })
}

/// Founds an organization on the mode's starting plan with `owner_id` as its owner; returns its
/// id. Creating one by hand and signing up both come here.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn found(c: &mut Conn<'_>, mode: Mode, name: &OrgName, owner_id: &str) -> Result<String> {
    let plan = Plan::starting(mode);
    let id = new_id();
    let now = Timestamp::now().millis();
    orgs::insert(
        c,
        &id,
        name.as_str(),
        plan,
        plan.default_included_seats(),
        now,
    )
    .await?;
    orgs::add_member(c, &id, owner_id, OrgRole::Owner, now).await?;
    Ok(id)
}

/// The person's organizations, by name, with their role in each.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(store: &Store, user: &CurrentUser) -> Result<Vec<orgs::Membership>> {
    let mut db = store.read().await?;
    orgs::list_for_user(&mut db.conn(), user.id()).await
}

/// Creates an organization with the person as its owner.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    store: &Store,
    mode: Mode,
    user: &CurrentUser,
    name: &OrgName,
) -> Result<orgs::Org> {
    let mut tx = store.begin().await?;
    let id = found(&mut tx.conn(), mode, name, user.id()).await?;
    let org = orgs::by_id(&mut tx.conn(), &id)
        .await?
        .ok_or_else(org_not_found)?;
    let event = Event::new("organization.created", "organization")
        .entity(&id)
        .org(&id)
        .detail("name", name.as_str());
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.invalidates_org(&id);
    tx.invalidates_user(user.id());
    tx.commit().await?;
    Ok(org)
}

/// An organization as one of its members sees it: with their role and its seats.
#[derive(Clone, Debug)]
pub struct Overview {
    pub org: orgs::Org,
    pub role: OrgRole,
    pub seats: Seats,
}

#[tracing::instrument(level = "debug", skip_all)]
async fn overview(c: &mut Conn<'_>, m: Membership) -> Result<Overview> {
    let seats = seats(c, &m.org, Timestamp::now().millis()).await?;
    Ok(Overview {
        org: m.org,
        role: m.role,
        seats,
    })
}

/// One organization the person belongs to.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(store: &Store, user: &CurrentUser, org_id: &str) -> Result<Overview> {
    let mut db = store.read().await?;
    let m = membership(&mut db.conn(), org_id, user.id()).await?;
    overview(&mut db.conn(), m).await
}

/// Renames the organization (owners and admins). `name` is the parsed request: a refusal of it
/// is answered only once the caller is known to be allowed.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rename(
    store: &Store,
    user: &CurrentUser,
    org_id: &str,
    name: Result<OrgName>,
) -> Result<Overview> {
    let mut tx = store.begin().await?;
    let m = membership(&mut tx.conn(), org_id, user.id()).await?;
    m.require_manager()?;
    let name = name?;
    let now = Timestamp::now().millis();
    orgs::rename(&mut tx.conn(), &m.org.id, name.as_str(), now).await?;
    let org = orgs::by_id(&mut tx.conn(), &m.org.id)
        .await?
        .ok_or_else(org_not_found)?;
    let event = Event::new("organization.renamed", "organization")
        .entity(&org.id)
        .org(&org.id)
        .detail("from", m.org.name.as_str())
        .detail("to", org.name.as_str());
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    let out = overview(&mut tx.conn(), Membership { org, role: m.role }).await?;
    tx.invalidates_org(&m.org.id);
    tx.commit().await?;
    Ok(out)
}

/// Deletes the organization and everything in it (owners only). People stay; their other
/// organizations are untouched.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(store: &Store, user: &CurrentUser, org_id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    let m = membership(&mut tx.conn(), org_id, user.id()).await?;
    m.require_owner()?;
    orgs::delete(&mut tx.conn(), &m.org.id).await?;
    // Its events go with the rest of its data; the deletion itself stays, for instance admins.
    crate::store::audit::delete_for_org(&mut tx.conn(), &m.org.id).await?;
    let event = Event::new("organization.deleted", "organization")
        .entity(&m.org.id)
        .detail("name", m.org.name.as_str());
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.commit().await?;
    tracing::info!(org_id = %m.org.id, by = %user.id(), "organization deleted");
    Ok(())
}
