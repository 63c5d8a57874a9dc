//! Whom a person means when they type names instead of picking ids (the bookmark form's "share
//! with" field): people by email, by `Name <email>` or by name, and teams by name, limited to
//! those [`sharing::targets`](crate::app::sharing::targets) offers them. Also what to suggest
//! while they type.

use crate::app::sharing::their_teams;
use crate::app::tags::SUGGESTIONS;
use crate::app::tenancy::CurrentOrg;
use crate::domain::name_list::bracketed_address;
use crate::error::Result;
use crate::store::teams::{self, Person, TeamRow};
use crate::store::{Conn, Store};

/// What a list of typed entries names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    pub team_ids: Vec<String>,
    pub user_ids: Vec<String>,
    /// Entries that name no one the caller may share with.
    pub unknown: Vec<String>,
    /// Entries that fit more than one (two people of that name, or a person and a team).
    pub ambiguous: Vec<String>,
}

impl Named {
    /// Every entry named exactly one person or team.
    pub fn is_complete(&self) -> bool {
        self.unknown.is_empty() && self.ambiguous.is_empty()
    }
}

/// Reads `entries` (already split and deduplicated) as people and teams of the organization. An
/// entry is a person when it is their email or ends in `<their email>`; otherwise it must be
/// the name of exactly one team the caller may share with, or of one person. A member names
/// only the teams they are in, and those in `shared_teams` (the item is shared with them
/// already, so they may stay after the member left).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resolve(
    store: &Store,
    org: &CurrentOrg,
    entries: &[String],
    shared_teams: &[String],
) -> Result<Named> {
    let mut out = Named::default();
    if entries.is_empty() {
        return Ok(out);
    }
    let mut db = store.read().await?;
    let c = &mut db.conn();
    let teams = nameable_teams(c, org, entries, shared_teams).await?;
    let keys: Vec<String> = entries
        .iter()
        .map(|e| bracketed_address(e).unwrap_or(e).to_string())
        .collect();
    let people = teams::people_named(c, org.id(), &keys).await?;
    for (entry, key) in entries.iter().zip(&keys) {
        let key = key.to_lowercase();
        let by_address = key.contains('@');
        let mut fits: Vec<(bool, &str)> = people
            .iter()
            .filter(|p| p.email == key || (!by_address && p.name.to_lowercase() == key))
            .map(|p| (false, p.id.as_str()))
            .collect();
        if !by_address {
            fits.extend(
                teams
                    .iter()
                    .filter(|t| t.name.to_lowercase() == key)
                    .map(|t| (true, t.id.as_str())),
            );
        }
        match fits.as_slice() {
            [(true, id)] => out.team_ids.push(id.to_string()),
            [(false, id)] => out.user_ids.push(id.to_string()),
            [] => out.unknown.push(entry.clone()),
            _ => out.ambiguous.push(entry.clone()),
        }
    }
    Ok(out)
}

/// The teams called as one of `names` that the caller may name.
async fn nameable_teams(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    names: &[String],
    shared_teams: &[String],
) -> Result<Vec<TeamRow>> {
    let Some(me) = their_teams(org) else {
        return teams::named(c, org.id(), None, names).await;
    };
    let mut theirs = teams::named(c, org.id(), Some(me), names).await?;
    if !shared_teams.is_empty() {
        for t in teams::named(c, org.id(), None, names).await? {
            if shared_teams.contains(&t.id) && !theirs.iter().any(|m| m.id == t.id) {
                theirs.push(t);
            }
        }
    }
    Ok(theirs)
}

/// One suggestion: a team or a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Suggestion {
    Team(String),
    /// `Name <email>`.
    Person(String),
}

/// Up to [`SUGGESTIONS`] teams the caller may share with and people of the organization whose
/// name (or email) contains `q`, those starting with it first: a few teams, then people, then
/// more teams if room is left. Nothing for a blank `q`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn suggest(store: &Store, org: &CurrentOrg, q: &str) -> Result<Vec<Suggestion>> {
    let needle = q.trim().to_lowercase();
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let mut db = store.read().await?;
    let c = &mut db.conn();
    let limit = SUGGESTIONS as usize;
    let found = teams::suggest(c, org.id(), their_teams(org), &needle, SUGGESTIONS).await?;
    let people: Vec<Person> =
        teams::suggest_people(c, org.id(), org.user_id(), &needle, SUGGESTIONS).await?;
    let mut teams = found.into_iter().map(|t| Suggestion::Team(t.name));
    let mut out: Vec<Suggestion> = teams.by_ref().take(limit / 2).collect();
    out.extend(
        people
            .into_iter()
            .map(|p| Suggestion::Person(person_entry(&p.name, &p.email))),
    );
    out.truncate(limit);
    let room = limit - out.len();
    out.extend(teams.take(room));
    Ok(out)
}

/// How a person is written in the field: `Name <email>`, unambiguous and readable.
pub fn person_entry(name: &str, email: &str) -> String {
    format!("{name} <{email}>")
}
