//! What a bookmark or folder may be linked to and shared with, written once for both: every id
//! must name the caller's own folder or tag, a team or a member of the organization, and the
//! plan decides whether folders and team shares are allowed at all.

use crate::app::audit::{self, Actor, Event};
use crate::app::tenancy::CurrentOrg;
use crate::domain::library::{id_list, tag_name};
use crate::domain::Rules;
use crate::error::{AppError, Result};
use crate::store::bookmark_list::{self, Detail, LinkRow};
use crate::store::bookmarks::{self, Link, Target};
use crate::store::teams::{self, Person, TeamRow};
use crate::store::{Conn, Store};

/// What is being linked or shared.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    Bookmark,
    Folder,
}

impl Owner {
    /// The link tables of its folders, tags, teams and people (a folder has no folders or tags).
    fn links(self) -> [Option<Link>; 4] {
        match self {
            Owner::Bookmark => [
                Some(Link::BookmarkFolders),
                Some(Link::BookmarkTags),
                Some(Link::BookmarkTeams),
                Some(Link::BookmarkUsers),
            ],
            Owner::Folder => [None, None, Some(Link::FolderTeams), Some(Link::FolderUsers)],
        }
    }

    /// What to load for the teams and the people it is shared with.
    fn shares(self) -> (Detail, Detail) {
        match self {
            Owner::Bookmark => (Detail::BookmarkTeams, Detail::BookmarkUsers),
            Owner::Folder => (Detail::FolderTeams, Detail::FolderUsers),
        }
    }
}

/// Only its owner changes, re-shares or deletes a bookmark or folder: anyone else who can see
/// it is refused with 403 (those who cannot see it got 404 before asking).
pub fn check_owner(org: &CurrentOrg, owner_id: &str) -> Result<()> {
    if owner_id != org.user_id() {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Whom an item is shared with, as its owner sees it; empty for anyone else.
#[derive(Clone, Debug, Default)]
pub struct SharedWith {
    pub teams: Vec<LinkRow>,
    pub users: Vec<LinkRow>,
}

/// The shares of a page of items, loaded in two queries; see [`SharedWith`].
pub struct SharesOfPage {
    teams: bookmark_list::Links,
    users: bookmark_list::Links,
}

impl SharesOfPage {
    /// Loads the shares of those of `items` (`(id, owner id)`) that the caller owns: only an
    /// owner sees whom their things are shared with.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load<'a>(
        c: &mut Conn<'_>,
        org: &CurrentOrg,
        owner: Owner,
        items: impl Iterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self> {
        let me = org.user_id();
        let own: Vec<String> = items
            .filter(|(_, owner_id)| *owner_id == me)
            .map(|(id, _)| id.to_string())
            .collect();
        let (teams, users) = owner.shares();
        Ok(Self {
            teams: bookmark_list::links(c, teams, org.id(), me, &own).await?,
            users: bookmark_list::links(c, users, org.id(), me, &own).await?,
        })
    }

    /// The shares of item `id`, taken out of the page.
    pub fn take(&mut self, id: &str) -> SharedWith {
        SharedWith {
            teams: self.teams.remove(id).unwrap_or_default(),
            users: self.users.remove(id).unwrap_or_default(),
        }
    }
}

/// The links a request asks for, as sent: each list `None` to leave that kind as it is.
#[derive(Clone, Debug, Default)]
pub struct LinkInput {
    /// Bookmarks only.
    pub folder_ids: Option<Vec<String>>,
    /// Bookmarks only.
    pub tag_ids: Option<Vec<String>>,
    /// Bookmarks only: tags by name (the bookmark form's typed field), the caller's own whatever
    /// their letter case, made for them in the same transaction when they do not exist yet. The
    /// tags are then these and those of `tag_ids`.
    pub tag_names: Option<Vec<String>>,
    pub team_ids: Option<Vec<String>>,
    pub user_ids: Option<Vec<String>>,
    pub share_all_teams: Option<bool>,
}

/// The links of a request, parsed; see [`Links::parse`].
#[derive(Clone, Debug, Default)]
pub struct Links {
    folders: Option<Vec<String>>,
    tags: Option<Vec<String>>,
    tag_names: Option<Vec<String>>,
    teams: Option<Vec<String>>,
    users: Option<Vec<String>>,
    pub all_teams: Option<bool>,
}

fn ids(raw: &Option<Vec<String>>, field: &str) -> Result<Option<Vec<String>>> {
    Ok(raw.as_deref().map(|r| id_list(r, field)).transpose()?)
}

/// Tag names as a request gives them, each checked, repeats (in any letter case) left out.
fn tag_names(raw: &[String]) -> Result<Vec<String>> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for r in raw {
        let name = tag_name(r)?;
        if seen.insert(name.to_lowercase()) {
            out.push(name);
        }
    }
    Ok(out)
}

fn non_empty(ids: &Option<Vec<String>>) -> bool {
    ids.as_ref().is_some_and(|i| !i.is_empty())
}

impl Links {
    /// Parses every list (an entry that is not an id is a 400 naming its field), leaves the
    /// caller out of the people (sharing with oneself means nothing, so it is dropped rather
    /// than refused), and applies the plan's sharing rules: sharing a folder with anyone needs
    /// folder sharing; sharing anything with teams (or all teams) needs team sharing.
    pub fn parse(input: &LinkInput, owner: Owner, org: &CurrentOrg) -> Result<Self> {
        let mut users = ids(&input.user_ids, "user_ids")?;
        if let Some(u) = users.as_mut() {
            u.retain(|id| id != org.user_id());
        }
        let links = Self {
            folders: ids(&input.folder_ids, "folder_ids")?,
            tags: ids(&input.tag_ids, "tag_ids")?,
            tag_names: input.tag_names.as_deref().map(tag_names).transpose()?,
            teams: ids(&input.team_ids, "team_ids")?,
            users,
            all_teams: input.share_all_teams,
        };
        links.check_sizes()?;
        links.check_plan(owner, &org.rules)?;
        Ok(links)
    }

    fn check_sizes(&self) -> Result<()> {
        use crate::domain::library::{MAX_LABELS_PER_ITEM, MAX_SHARES_PER_ITEM};
        let lists = [
            (&self.folders, "folder_ids", MAX_LABELS_PER_ITEM),
            (&self.tags, "tag_ids", MAX_LABELS_PER_ITEM),
            (&self.tag_names, "tags", MAX_LABELS_PER_ITEM),
            (&self.teams, "team_ids", MAX_SHARES_PER_ITEM),
            (&self.users, "user_ids", MAX_SHARES_PER_ITEM),
        ];
        for (ids, field, max) in lists {
            if ids.as_ref().is_some_and(|i| i.len() > max) {
                return Err(crate::domain::DomainError::invalid(format!(
                    "{field} can name at most {max} entries"
                ))
                .into());
            }
        }
        Ok(())
    }

    fn check_plan(&self, owner: Owner, rules: &Rules) -> Result<()> {
        let to_teams = non_empty(&self.teams) || self.all_teams == Some(true);
        if owner == Owner::Folder && (to_teams || non_empty(&self.users)) {
            rules.check_share_folders()?;
        }
        if to_teams {
            rules.check_share_to_teams()?;
        }
        Ok(())
    }

    /// Makes each list given the complete set of that kind of link of `id`, once every id in
    /// it is found to be the caller's own folder or tag, a member of the organization or a team
    /// the caller may share with (see [`check_targets`]; a team it is shared with already may
    /// stay), otherwise a 400 saying which kind was not found, and nothing changes. Tags given
    /// by name are found or made first. A change of whom it is shared with is recorded in the
    /// audit log; `was_all_teams` is whether it was shared with all teams before.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn save(
        &self,
        c: &mut Conn<'_>,
        owner: Owner,
        org: &CurrentOrg,
        id: &str,
        was_all_teams: bool,
    ) -> Result<()> {
        let sharing = self.teams.is_some() || self.users.is_some() || self.all_teams.is_some();
        let before = match sharing {
            true => Some(shared_ids(c, owner, org, id).await?),
            false => None,
        };
        let tags = match &self.tag_names {
            Some(names) => {
                let mut ids = self.tags.clone().unwrap_or_default();
                ids.extend(crate::app::tags::ensure_named(c, org, names).await?);
                ids.sort();
                ids.dedup();
                Some(ids)
            }
            None => self.tags.clone(),
        };
        let lists = [
            (&self.folders, Target::OwnFolders),
            (&tags, Target::OwnTags),
            (&self.users, Target::Members),
        ];
        for (ids, target) in lists {
            if let Some(ids) = ids {
                check_targets(c, org, target, ids).await?;
            }
        }
        if let Some(teams) = &self.teams {
            // A team it is shared with already stays, even one the caller has left since.
            let kept = before.as_ref().map(|(t, _)| t.as_slice()).unwrap_or(&[]);
            let added: Vec<String> = teams
                .iter()
                .filter(|t| !kept.contains(t))
                .cloned()
                .collect();
            check_targets(c, org, Target::Teams, &added).await?;
        }
        let lists = [&self.folders, &tags, &self.teams, &self.users];
        for (ids, link) in lists.into_iter().zip(owner.links()) {
            if let (Some(ids), Some(link)) = (ids, link) {
                bookmarks::replace_links(c, link, org.id(), id, ids).await?;
            }
        }
        if let Some((teams, users)) = before {
            let sorted = |v: &Option<Vec<String>>, old: &Vec<String>| {
                let mut v = v.clone().unwrap_or_else(|| old.clone());
                v.sort();
                v
            };
            let (teams_now, users_now) = (sorted(&self.teams, &teams), sorted(&self.users, &users));
            let all_now = self.all_teams.unwrap_or(was_all_teams);
            if teams_now != teams || users_now != users || all_now != was_all_teams {
                let (action, kind) = match owner {
                    Owner::Bookmark => ("bookmark.sharing_changed", "bookmark"),
                    Owner::Folder => ("folder.sharing_changed", "folder"),
                };
                let event = Event::new(action, kind)
                    .entity(id)
                    .org(org.id())
                    .detail("team_ids", teams_now)
                    .detail("user_ids", users_now)
                    .detail("share_all_teams", all_now);
                audit::record(c, &Actor::of(&org.user), event).await?;
            }
        }
        Ok(())
    }
}

/// The teams and the people item `id` is shared with now, each sorted.
#[tracing::instrument(level = "debug", skip_all)]
async fn shared_ids(
    c: &mut Conn<'_>,
    owner: Owner,
    org: &CurrentOrg,
    id: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    let (teams, users) = owner.shares();
    let item = [id.to_string()];
    let mut out = Vec::with_capacity(2);
    for detail in [teams, users] {
        let mut links = bookmark_list::links(c, detail, org.id(), org.user_id(), &item).await?;
        let mut ids: Vec<String> = links
            .remove(id)
            .unwrap_or_default()
            .into_iter()
            .map(|l| l.id)
            .collect();
        ids.sort();
        out.push(ids);
    }
    let users = out.pop().unwrap_or_default();
    let teams = out.pop().unwrap_or_default();
    Ok((teams, users))
}

/// Whom the caller may share their bookmarks and folders with: the organization's other people
/// and the teams they may share with.
#[derive(Clone, Debug, Default)]
pub struct ShareTargets {
    pub people: Vec<Person>,
    pub teams: Vec<TeamRow>,
}

/// What a share may name: the same sets [`check_targets`] accepts for `Target::Members` (less
/// the caller, whom [`Links::parse`] drops) and `Target::Teams`, that is every other member of
/// the organization, and the teams the caller may share with (see [`their_teams`]).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn targets(store: &Store, org: &CurrentOrg) -> Result<ShareTargets> {
    let mut db = store.read().await?;
    let c = &mut db.conn();
    let teams = match their_teams(org) {
        Some(me) => teams::list_for_member(c, org.id(), me).await?,
        None => teams::list(c, org.id()).await?,
    };
    Ok(ShareTargets {
        people: teams::people_for_sharing(c, org.id(), org.user_id()).await?,
        teams,
    })
}

/// Whose teams the caller may share with: owners and admins with every team of the
/// organization (`None`), members only with the teams they are in (their own id). A member
/// sharing with another team reads as naming a team that does not exist.
pub fn their_teams(org: &CurrentOrg) -> Option<&str> {
    (!org.role.can_manage()).then(|| org.user_id())
}

/// Refuses `ids` (already deduplicated) unless each is an acceptable `target` for the caller:
/// for a member, `Target::Teams` means the teams they are in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn check_targets(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    target: Target,
    ids: &[String],
) -> Result<()> {
    let target = match target {
        Target::Teams if their_teams(org).is_some() => Target::TheirTeams,
        t => t,
    };
    if bookmarks::all_exist(c, target, org.id(), org.user_id(), ids).await? {
        return Ok(());
    }
    Err(AppError::bad_request(match target {
        Target::OwnFolders => "One or more folders were not found",
        Target::OwnTags => "One or more tags were not found",
        Target::Teams | Target::TheirTeams => "One or more teams were not found",
        Target::Members => "One or more users are not members of this organization",
    }))
}
