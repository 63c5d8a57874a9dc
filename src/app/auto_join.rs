//! Joining by email domain (cloud, Team plan): an owner names the domain their own address is
//! at, and a person who verified an address there may join without an invitation, as a member,
//! taking a seat like anyone invited. The owners are told by email who joined.
//!
//! To anyone else an organization open to another domain is simply not found: the list of
//! organizations open to a domain is never shown to addresses outside it.

use crate::app::audit::{self, Actor, Event};
use crate::app::email_links::Outbox;
use crate::app::identity::CurrentUser;
use crate::app::invitations::Accepted;
use crate::app::organizations::{self, membership_locked, org_not_found, seats, Overview};
use crate::app::sessions::select_org;
use crate::config::Mode;
use crate::domain::auto_join::{domain_of, AutoJoinDomain};
use crate::domain::ids::parse_id;
use crate::domain::plan::PlanPolicy;
use crate::domain::{DomainError, OrgRole, Plan, Timestamp};
use crate::error::{AppError, Result};
use crate::store::{orgs, users, Store};

/// Opening an organization to a domain is a cloud feature, refused elsewhere like a plan
/// feature is (403). Closing one is allowed everywhere: it asks for nothing the edition lacks.
fn cloud_only(policy: PlanPolicy) -> Result<()> {
    if policy.mode == Mode::Cloud {
        Ok(())
    } else {
        Err(DomainError::AutoJoinCloudOnly.into())
    }
}

/// Opens the organization to addresses at `raw` (`None` or blank closes it). Owners only, on
/// the Team plan, and only for the domain of their own address.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_domain(
    store: &Store,
    policy: PlanPolicy,
    user: &CurrentUser,
    org_id: &str,
    raw: Option<&str>,
) -> Result<Overview> {
    let mut tx = store.begin().await?;
    let m = membership_locked(&mut tx.conn(), org_id, user.id()).await?;
    m.require_owner()?;
    let domain = match raw.map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(raw) => {
            cloud_only(policy)?;
            policy.rules(m.org.plan).check_can_invite()?;
            let domain = AutoJoinDomain::parse(raw)?;
            if !domain.admits(&user.user.email) {
                return Err(DomainError::invalid(format!(
                    "Your own address must be at {0} to open the organization to @{0} addresses",
                    domain.as_str()
                ))
                .into());
            }
            Some(domain)
        }
    };
    let value = domain.as_ref().map(AutoJoinDomain::as_str);
    let now = Timestamp::now().millis();
    orgs::set_auto_join_domain(&mut tx.conn(), &m.org.id, value, now).await?;
    let event = Event::new("organization.auto_join_changed", "organization")
        .entity(&m.org.id)
        .org(&m.org.id)
        .detail("domain", value.unwrap_or(""));
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    tx.invalidates_org(&m.org.id);
    tx.commit().await?;
    organizations::get(store, user, &m.org.id).await
}

/// The organizations the person may join by the domain of their verified address.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn joinable(
    store: &Store,
    policy: PlanPolicy,
    user: &CurrentUser,
) -> Result<Vec<orgs::Org>> {
    let Some(domain) = domain_of(&user.user.email) else {
        return Ok(Vec::new());
    };
    if policy.mode != Mode::Cloud || !user.user.email_verified {
        return Ok(Vec::new());
    }
    let mut db = store.read().await?;
    orgs::open_to_domain(&mut db.conn(), domain, Plan::Team, user.id()).await
}

/// Joins `org_id` as a member by the domain of the person's verified address, and makes it the
/// current organization. Checked again under the organization's lock: the domain, the plan and
/// a free seat (members and pending invitations count, as for an invitation).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn join(
    store: &Store,
    outbox: &Outbox<'_>,
    policy: PlanPolicy,
    user: &CurrentUser,
    raw_id: &str,
) -> Result<Accepted> {
    let id = parse_id(raw_id).ok_or_else(org_not_found)?;
    let mut tx = store.begin().await?;
    crate::store::lock_org(&mut tx.conn(), &id).await?;
    let org = orgs::by_id(&mut tx.conn(), &id)
        .await?
        .ok_or_else(org_not_found)?;
    if orgs::role_of(&mut tx.conn(), &org.id, user.id())
        .await?
        .is_some()
    {
        return Ok(Accepted {
            org_id: org.id,
            joined: false,
        });
    }
    // The address as it is now, not as a cached credential remembers it.
    let person = users::by_id(&mut tx.conn(), user.id())
        .await?
        .ok_or(AppError::Unauthorized)?;
    // Outside the cloud no organization is open to a domain (a database moved from the cloud
    // may still name one): to the person it is simply not found.
    let open = policy.mode == Mode::Cloud
        && org
            .auto_join_domain
            .as_deref()
            .and_then(|d| AutoJoinDomain::parse(d).ok())
            .is_some_and(|d| d.admits(&person.email));
    if !open {
        return Err(org_not_found());
    }
    if !person.email_verified {
        return Err(DomainError::EmailNotVerified.into());
    }
    let rules = policy.rules(org.plan);
    rules.check_can_invite()?;
    let now = Timestamp::now().millis();
    seats(&mut tx.conn(), &org, now)
        .await?
        .check_invite(&rules)?;
    orgs::add_member(&mut tx.conn(), &org.id, user.id(), OrgRole::Member, now).await?;
    let event = Event::new("member.joined", "membership")
        .entity(user.id())
        .org(&org.id)
        .detail("role", OrgRole::Member.as_str())
        .detail("by_domain", org.auto_join_domain.as_deref().unwrap_or(""));
    audit::record(&mut tx.conn(), &Actor::of(user), event).await?;
    select_org(&mut tx.conn(), user, &org.id).await?;
    let owners = orgs::owner_addresses(&mut tx.conn(), &org.id).await?;
    tx.invalidates_org(&org.id);
    tx.invalidates_user(user.id());
    tx.commit().await?;
    tell_owners(outbox, &owners, &org.name, &person).await;
    Ok(Accepted {
        org_id: org.id,
        joined: true,
    })
}

/// Tells each owner who joined; a failed email is logged, the person has joined either way.
async fn tell_owners(
    outbox: &Outbox<'_>,
    owners: &[(String, String)],
    org_name: &str,
    person: &users::User,
) {
    let members = format!("{}/organization/members", outbox.base_url);
    for (email, _) in owners {
        let sent = outbox
            .send(
                email,
                format!("{} joined {org_name} on SlugBase", person.name),
                format!(
                    "{} ({}) joined the organization \"{org_name}\" with their email domain, as a member.\n\nSee and manage the members here:\n\n{members}\n",
                    person.name, person.email
                ),
            )
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "could not tell an owner about a member who joined");
        }
    }
}
