//! Teams of an organization and their members.

use super::sql::Args;
use super::{args, Conn};
use crate::error::{AppError, Result};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TeamRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub member_count: i64,
}

const SELECT: &str = "SELECT t.id, t.name, t.description, t.created_at, t.updated_at, \
    (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) AS member_count FROM teams t";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub email: String,
}

fn name_taken(e: AppError) -> AppError {
    e.on_unique("Team already exists")
}

/// Every team of the organization, by name.
/// Teams of the organization.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(c: &mut Conn<'_>, org_id: &str) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM teams WHERE org_id = $1",
        args![org_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(c: &mut Conn<'_>, org_id: &str) -> Result<Vec<TeamRow>> {
    let sql = format!("{SELECT} WHERE t.org_id = $1 ORDER BY lower(t.name), t.id");
    c.fetch_all(&sql, args![org_id]).await
}

/// The teams of the organization the user is in, by name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_for_member(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
) -> Result<Vec<TeamRow>> {
    let sql = format!(
        "{SELECT} WHERE t.org_id = $1 AND t.id IN \
         (SELECT team_id FROM team_members WHERE org_id = $1 AND user_id = $2) ORDER BY lower(t.name), t.id"
    );
    c.fetch_all(&sql, args![org_id, user_id]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_id(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<Option<TeamRow>> {
    let sql = format!("{SELECT} WHERE t.org_id = $1 AND t.id = $2");
    c.fetch_optional(&sql, args![org_id, id]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn members(c: &mut Conn<'_>, org_id: &str, team_id: &str) -> Result<Vec<Person>> {
    c.fetch_all(
        "SELECT u.id, u.name, u.email FROM team_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.team_id = $2 ORDER BY lower(u.name), u.email",
        args![org_id, team_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    c: &mut Conn<'_>,
    org_id: &str,
    id: &str,
    name: &str,
    description: Option<&str>,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO teams (id, org_id, name, description, created_at, updated_at) VALUES ($1, \
         $2, $3, $4, $5, $5)",
        args![id, org_id, name, description, now],
    )
    .await
    .map_err(name_taken)?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    c: &mut Conn<'_>,
    org_id: &str,
    id: &str,
    name: &str,
    description: Option<&str>,
    now: i64,
) -> Result<()> {
    c.execute(
        "UPDATE teams SET name = $3, description = $4, updated_at = $5 WHERE org_id = $1 AND id = \
         $2",
        args![org_id, id, name, description, now],
    )
    .await
    .map_err(name_taken)?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM teams WHERE org_id = $1 AND id = $2",
            args![org_id, id],
        )
        .await?;
    Ok(n == 1)
}

/// Adds people (already checked to be members of the organization); those already in stay.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_members(
    c: &mut Conn<'_>,
    org_id: &str,
    team_id: &str,
    user_ids: &[String],
) -> Result<()> {
    if user_ids.is_empty() {
        return Ok(());
    }
    let mut args = Args::org_user(org_id, team_id);
    let values = user_ids
        .iter()
        .map(|u| format!("($1, $2, {})", args.text(u)))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO team_members (org_id, team_id, user_id) VALUES {values} ON CONFLICT DO NOTHING"
    );
    c.execute(&sql, args).await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove_member(
    c: &mut Conn<'_>,
    org_id: &str,
    team_id: &str,
    user_id: &str,
) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM team_members WHERE org_id = $1 AND team_id = $2 AND user_id = $3",
            args![org_id, team_id, user_id],
        )
        .await?;
    Ok(n == 1)
}

/// The organization's people other than `user_id`, for picking whom to share with.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn people_for_sharing(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
) -> Result<Vec<Person>> {
    c.fetch_all(
        "SELECT u.id, u.name, u.email FROM org_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.user_id <> $2 ORDER BY lower(u.name), u.email",
        args![org_id, user_id],
    )
    .await
}

/// `lower(<each name>)`, comma-separated, for an `IN (…)` on a lower-cased column.
fn lowered(args: &mut Args, names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("lower({})", args.text(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Teams of the organization named as in `names` (in any letter case); with `member`, only
/// the teams that person is in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn named(
    c: &mut Conn<'_>,
    org_id: &str,
    member: Option<&str>,
    names: &[String],
) -> Result<Vec<TeamRow>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = args![org_id];
    let list = lowered(&mut args, names);
    let only_theirs = member.map_or(String::new(), |m| in_their_teams(&mut args, m));
    let sql = format!("{SELECT} WHERE t.org_id = $1 AND lower(t.name) IN ({list}){only_theirs}");
    c.fetch_all(&sql, args).await
}

/// ` AND t.id IN (the teams `member` is in)`.
fn in_their_teams(args: &mut Args, member: &str) -> String {
    let m = args.text(member);
    format!(" AND t.id IN (SELECT team_id FROM team_members WHERE org_id = $1 AND user_id = {m})")
}

/// Members of the organization whose email or name is one of `keys` (in any letter case).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn people_named(c: &mut Conn<'_>, org_id: &str, keys: &[String]) -> Result<Vec<Person>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = args![org_id];
    let list = lowered(&mut args, keys);
    let sql = format!(
        "SELECT u.id, u.name, u.email FROM org_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND (u.email IN ({list}) OR lower(u.name) IN ({list})) \
         ORDER BY lower(u.name), u.email"
    );
    c.fetch_all(&sql, args).await
}

/// Up to `limit` teams whose name contains `needle` (lower case, taken literally), those
/// starting with it first; with `member`, only the teams that person is in.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn suggest(
    c: &mut Conn<'_>,
    org_id: &str,
    member: Option<&str>,
    needle: &str,
    limit: i64,
) -> Result<Vec<TeamRow>> {
    let escaped = super::tags::like_escape(needle);
    let mut args = args![org_id, format!("%{escaped}%"), format!("{escaped}%"), limit];
    let only_theirs = member.map_or(String::new(), |m| in_their_teams(&mut args, m));
    let sql = format!(
        "{SELECT} WHERE t.org_id = $1 AND lower(t.name) LIKE $2 ESCAPE '\\'{only_theirs} \
         ORDER BY CASE WHEN lower(t.name) LIKE $3 ESCAPE '\\' THEN 0 ELSE 1 END, lower(t.name), t.id \
         LIMIT $4"
    );
    c.fetch_all(&sql, args).await
}

/// Up to `limit` members of the organization other than `user_id` whose name or email
/// contains `needle` (lower case, taken literally), those starting with it first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn suggest_people(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    needle: &str,
    limit: i64,
) -> Result<Vec<Person>> {
    let escaped = super::tags::like_escape(needle);
    let (inside, start) = (format!("%{escaped}%"), format!("{escaped}%"));
    c.fetch_all(
        "SELECT u.id, u.name, u.email FROM org_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.user_id <> $2 \
         AND (lower(u.name) LIKE $3 ESCAPE '\\' OR u.email LIKE $3 ESCAPE '\\') \
         ORDER BY CASE WHEN lower(u.name) LIKE $4 ESCAPE '\\' OR u.email LIKE $4 ESCAPE '\\' \
         THEN 0 ELSE 1 END, lower(u.name), u.email LIMIT $5",
        args![org_id, user_id, inside, start, limit],
    )
    .await
}
