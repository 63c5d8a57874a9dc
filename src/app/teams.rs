//! Teams of an organization, managed by its owners and admins. A team's members must be
//! members of its organization; deleting a team ends what was shared through it.

use crate::app::audit::{self, Actor, Event};
use crate::app::sharing::check_targets;
use crate::app::tenancy::CurrentOrg;
use crate::domain::ids::parse_id;
use crate::domain::library::{id_list, team_description, team_name};
use crate::domain::library::{over_count, MAX_TEAMS_PER_ORGANIZATION};
use crate::domain::{new_id, DomainError, Timestamp};
use crate::error::{AppError, Result};
use crate::security::rate_limit::Limits;
use crate::store::bookmarks::Target;
use crate::store::teams::{self, Person, TeamRow};
use crate::store::{Conn, Store};

pub fn not_found() -> AppError {
    AppError::not_found("Team not found")
}

/// A team's fields as a request sends them; absent ones stay on update.
#[derive(Clone, Debug, Default)]
pub struct TeamInput {
    pub name: Option<String>,
    /// `Some(None)` (or a blank description) removes it.
    pub description: Option<Option<String>>,
    /// On create: the first members.
    pub user_ids: Option<Vec<String>>,
}

/// A team with its members.
#[derive(Clone, Debug)]
pub struct TeamView {
    pub team: TeamRow,
    pub members: Vec<Person>,
}

fn team_id(raw: &str) -> Result<String> {
    parse_id(raw).ok_or_else(not_found)
}

/// The team `id` of the organization, or 404.
#[tracing::instrument(level = "debug", skip_all)]
async fn team(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<TeamRow> {
    teams::by_id(c, org_id, id).await?.ok_or_else(not_found)
}

#[tracing::instrument(level = "debug", skip_all)]
async fn view(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<TeamView> {
    let team = team(c, org_id, id).await?;
    let members = teams::members(c, org_id, id).await?;
    Ok(TeamView { team, members })
}

/// Adds people to a team once each is found to be a member of the organization.
#[tracing::instrument(level = "debug", skip_all)]
/// Puts people of the organization into team `id`, and says so in the audit log.
async fn add_people(c: &mut Conn<'_>, org: &CurrentOrg, id: &str, ids: &[String]) -> Result<()> {
    check_targets(c, org, Target::Members, ids).await?;
    teams::add_members(c, org.id(), id, ids).await?;
    let event = Event::new("team.members_added", "team")
        .entity(id)
        .org(org.id())
        .detail("user_ids", ids.to_vec());
    audit::record(c, &Actor::of(&org.user), event).await
}

/// Every team of the organization (owners and admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(store: &Store, org: &CurrentOrg) -> Result<Vec<TeamRow>> {
    org.require_manager()?;
    let mut db = store.read().await?;
    teams::list(&mut db.conn(), org.id()).await
}

/// One team with its members (owners and admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<TeamView> {
    org.require_manager()?;
    let id = team_id(raw_id)?;
    let mut db = store.read().await?;
    view(&mut db.conn(), org.id(), &id).await
}

/// Creates a team with its first members (owners and admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    store: &Store,
    limits: &Limits,
    org: &CurrentOrg,
    input: TeamInput,
) -> Result<TeamView> {
    limits.library_write(org.user_id()).await?;
    org.require_manager()?;
    let name = team_name(input.name.as_deref().unwrap_or(""))?;
    let desc = team_description(input.description.flatten().as_deref())?;
    let raw_users = input.user_ids.unwrap_or_default();
    let ids = id_list(&raw_users, "user_ids")?;
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    crate::store::users::lock(&mut c, org.user_id()).await?;
    let count = teams::count(&mut c, org.id()).await?;
    over_count(
        count,
        MAX_TEAMS_PER_ORGANIZATION,
        "teams in an organization",
    )?;
    let id = new_id();
    let now = Timestamp::now().millis();
    teams::insert(&mut c, org.id(), &id, &name, desc.as_deref(), now).await?;
    add_people(&mut c, org, &id, &ids).await?;
    let out = view(&mut c, org.id(), &id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    Ok(out)
}

/// Renames a team or changes its description (owners and admins); absent fields stay.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    store: &Store,
    org: &CurrentOrg,
    raw_id: &str,
    input: TeamInput,
) -> Result<TeamView> {
    org.require_manager()?;
    let id = team_id(raw_id)?;
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    let team = team(&mut c, org.id(), &id).await?;
    let name = match &input.name {
        Some(n) => team_name(n)?,
        None => team.name,
    };
    let desc = match &input.description {
        Some(d) => team_description(d.as_deref())?,
        None => team.description,
    };
    let now = Timestamp::now().millis();
    teams::update(&mut c, org.id(), &id, &name, desc.as_deref(), now).await?;
    let out = view(&mut c, org.id(), &id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    Ok(out)
}

/// Deletes a team (owners and admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<()> {
    org.require_manager()?;
    let id = team_id(raw_id)?;
    let mut tx = store.begin().await?;
    let row = team(&mut tx.conn(), org.id(), &id).await?;
    if !teams::delete(&mut tx.conn(), org.id(), &id).await? {
        return Err(not_found());
    }
    let event = Event::new("team.deleted", "team")
        .entity(&id)
        .org(org.id())
        .detail("name", row.name.as_str());
    audit::record(&mut tx.conn(), &Actor::of(&org.user), event).await?;
    tx.invalidates_org(org.id());
    tx.commit().await
}

/// Adds members of the organization to a team (owners and admins); those already in stay.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_members(
    store: &Store,
    org: &CurrentOrg,
    raw_id: &str,
    user_ids: Option<Vec<String>>,
) -> Result<TeamView> {
    org.require_manager()?;
    let id = team_id(raw_id)?;
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    team(&mut c, org.id(), &id).await?;
    let ids = id_list(&user_ids.unwrap_or_default(), "user_ids")?;
    if ids.is_empty() {
        return Err(DomainError::invalid("user_ids must list at least one user").into());
    }
    add_people(&mut c, org, &id, &ids).await?;
    let out = view(&mut c, org.id(), &id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    Ok(out)
}

/// Takes a person out of a team (owners and admins).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove_member(
    store: &Store,
    org: &CurrentOrg,
    raw_id: &str,
    raw_user_id: &str,
) -> Result<TeamView> {
    org.require_manager()?;
    let id = team_id(raw_id)?;
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    team(&mut c, org.id(), &id).await?;
    let user_id = parse_id(raw_user_id);
    let removed = match &user_id {
        Some(u) => teams::remove_member(&mut c, org.id(), &id, u).await?,
        None => false,
    };
    if !removed {
        return Err(AppError::not_found("User is not a member of this team"));
    }
    let event = Event::new("team.member_removed", "team")
        .entity(&id)
        .org(org.id())
        .detail("user_id", user_id);
    audit::record(&mut c, &Actor::of(&org.user), event).await?;
    let out = view(&mut c, org.id(), &id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    Ok(out)
}
