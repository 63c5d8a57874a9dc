//! Members of an organization: list, change a role, remove, leave. An organization always keeps
//! at least one owner; the checks run under the organization's lock, so two owners demoting each
//! other at once cannot both succeed.

use crate::app::audit::{self, Actor, Event};
use crate::app::identity::CurrentUser;
use crate::app::organizations::{membership, membership_locked};
use crate::domain::ids::parse_id;
use crate::domain::DomainError;
use crate::domain::OrgRole;
use crate::error::{AppError, Result};
use crate::store::{orgs, Conn, Store};

fn member_not_found() -> AppError {
    AppError::not_found("Member not found")
}

fn last_owner(msg: &str) -> AppError {
    DomainError::LastOwner(msg.to_string()).into()
}

/// The last-owner rule: refuses with `msg` when the organization has no owner but the one about
/// to stop being one.
#[tracing::instrument(level = "debug", skip_all)]
async fn keep_an_owner(c: &mut Conn<'_>, org_id: &str, msg: &str) -> Result<()> {
    if orgs::owner_count(c, org_id).await? <= 1 {
        return Err(last_owner(msg));
    }
    Ok(())
}

/// Everyone in the organization (any member may look).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(store: &Store, user: &CurrentUser, org_id: &str) -> Result<Vec<orgs::Member>> {
    let mut db = store.read().await?;
    let m = membership(&mut db.conn(), org_id, user.id()).await?;
    orgs::members(&mut db.conn(), &m.org.id).await
}

/// Gives a member another role (owners only); the last owner cannot be demoted. `role` is the
/// parsed request, refused only once the caller is known to be an owner. Answers the member
/// with their new role.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn change_role(
    store: &Store,
    user: &CurrentUser,
    org_id: &str,
    member_id: &str,
    role: Result<OrgRole>,
) -> Result<orgs::Member> {
    let mut tx = store.begin().await?;
    let m = membership_locked(&mut tx.conn(), org_id, user.id()).await?;
    m.require_owner()?;
    let role = role?;
    let member_id = parse_id(member_id).ok_or_else(member_not_found)?;
    let mut target = orgs::member(&mut tx.conn(), &m.org.id, &member_id)
        .await?
        .ok_or_else(member_not_found)?;
    if target.role == OrgRole::Owner && role != OrgRole::Owner {
        keep_an_owner(
            &mut tx.conn(),
            &m.org.id,
            "The last owner cannot be demoted; make someone else an owner first",
        )
        .await?;
    }
    orgs::set_role(&mut tx.conn(), &m.org.id, &member_id, role).await?;
    let event = Event::new("member.role_changed", "membership")
        .entity(&member_id)
        .org(&m.org.id)
        .detail("email", target.email.as_str())
        .detail("from", target.role.as_str())
        .detail("to", role.as_str());
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.invalidates_org(&m.org.id);
    tx.invalidates_user(&member_id);
    tx.commit().await?;
    target.role = role;
    Ok(target)
}

/// Removes a member (owners and admins; admins cannot remove owners, nobody removes
/// themselves). Their bookmarks and other data stay in the organization.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove(
    store: &Store,
    user: &CurrentUser,
    org_id: &str,
    member_id: &str,
) -> Result<()> {
    let mut tx = store.begin().await?;
    let m = membership_locked(&mut tx.conn(), org_id, user.id()).await?;
    m.require_manager()?;
    let member_id = parse_id(member_id).ok_or_else(member_not_found)?;
    if member_id == user.id() {
        return Err(AppError::bad_request(
            "Cannot remove yourself; use leave organization instead",
        ));
    }
    let target = orgs::member(&mut tx.conn(), &m.org.id, &member_id)
        .await?
        .ok_or_else(member_not_found)?;
    if target.role == OrgRole::Owner {
        m.require_owner()?;
        keep_an_owner(
            &mut tx.conn(),
            &m.org.id,
            "The last owner cannot be removed",
        )
        .await?;
    }
    orgs::remove_member(&mut tx.conn(), &m.org.id, &member_id).await?;
    let event = Event::new("member.removed", "membership")
        .entity(&member_id)
        .org(&m.org.id)
        .detail("email", target.email.as_str())
        .detail("role", target.role.as_str());
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.invalidates_org(&m.org.id);
    tx.invalidates_user(&member_id);
    tx.commit().await?;
    Ok(())
}

/// Leaves the organization. The last owner cannot leave while others remain, and the only
/// member deletes the organization instead of leaving it empty.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn leave(store: &Store, user: &CurrentUser, org_id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    let m = membership_locked(&mut tx.conn(), org_id, user.id()).await?;
    if orgs::member_count(&mut tx.conn(), &m.org.id).await? <= 1 {
        return Err(last_owner(
            "You are the only member; delete the organization instead",
        ));
    }
    if m.role.is_owner() {
        keep_an_owner(
            &mut tx.conn(),
            &m.org.id,
            "The last owner cannot leave; make someone else an owner first",
        )
        .await?;
    }
    orgs::remove_member(&mut tx.conn(), &m.org.id, user.id()).await?;
    let event = Event::new("member.left", "membership")
        .entity(user.id())
        .org(&m.org.id)
        .detail("role", m.role.as_str());
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.invalidates_org(&m.org.id);
    tx.invalidates_user(user.id());
    tx.commit().await?;
    Ok(())
}
