//! Organizations (the tenants) and their memberships.

use super::{q, Conn};
use crate::domain::OrgRole;
use crate::error::Result;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub plan: String,
    pub included_seats: i64,
    pub extra_seats: i64,
    pub stripe_customer_id: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str =
    "o.id, o.name, o.plan, o.included_seats, o.extra_seats, o.stripe_customer_id, o.created_at";

pub async fn insert(
    c: &mut Conn<'_>,
    id: &str,
    name: &str,
    plan: &str,
    included_seats: i64,
    now: i64,
) -> Result<()> {
    q!(c, |e| {
        sqlx::query(
        "INSERT INTO organizations (id, name, plan, included_seats, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)"
    )
    .bind(id)
    .bind(name)
    .bind(plan)
    .bind(included_seats)
    .bind(now)
    .execute(e)
    .await?.rows_affected()
    });
    Ok(())
}

pub async fn by_id(c: &mut Conn<'_>, id: &str) -> Result<Option<Org>> {
    let sql = format!("SELECT {COLUMNS} FROM organizations o WHERE o.id = $1");
    Ok(q!(c, |e| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(e)
        .await?))
}

pub async fn add_member(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    role: OrgRole,
    now: i64,
) -> Result<()> {
    q!(c, |e| sqlx::query(
        "INSERT INTO org_members (org_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(org_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now)
    .execute(e)
    .await?
    .rows_affected());
    Ok(())
}

/// The user's role in the organization, or `None` when they are not a member (or it does not exist).
pub async fn role_of(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Option<OrgRole>> {
    let role: Option<String> = q!(c, |e| sqlx::query_scalar(
        "SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2"
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_optional(e)
    .await?);
    Ok(role.as_deref().and_then(OrgRole::parse))
}

/// The organization a user joined first: where a session lands when nothing else is chosen.
pub async fn first_joined(c: &mut Conn<'_>, user_id: &str) -> Result<Option<String>> {
    Ok(q!(c, |e| sqlx::query_scalar(
        "SELECT org_id FROM org_members WHERE user_id = $1 ORDER BY joined_at, org_id LIMIT 1"
    )
    .bind(user_id)
    .fetch_optional(e)
    .await?))
}

/// The instance's first organization (self-hosted: where new people join).
pub async fn oldest(c: &mut Conn<'_>) -> Result<Option<String>> {
    Ok(q!(c, |e| sqlx::query_scalar(
        "SELECT id FROM organizations ORDER BY created_at, id LIMIT 1"
    )
    .fetch_optional(e)
    .await?))
}

pub async fn set_plan(
    c: &mut Conn<'_>,
    id: &str,
    plan: &str,
    included_seats: i64,
    extra_seats: i64,
    now: i64,
) -> Result<bool> {
    let n = q!(c, |e| {
        sqlx::query(
        "UPDATE organizations SET plan = $2, included_seats = $3, extra_seats = $4, updated_at = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(plan)
    .bind(included_seats)
    .bind(extra_seats)
    .bind(now)
    .execute(e)
    .await?
    .rows_affected()
    });
    Ok(n == 1)
}
