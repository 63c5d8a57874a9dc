//! Organizations (the tenants) and their memberships.

use super::{args, Conn};
use crate::domain::{OrgRole, Plan};
use crate::error::Result;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Org {
    pub id: String,
    pub name: String,
    pub plan: Plan,
    pub included_seats: i64,
    pub extra_seats: i64,
    pub stripe_customer_id: Option<String>,
    pub created_at: i64,
    /// People who verify an address at this domain may join without an invitation.
    pub auto_join_domain: Option<String>,
}

const COLUMNS: &str =
    "o.id, o.name, o.plan, o.included_seats, o.extra_seats, o.stripe_customer_id, o.created_at, \
     o.auto_join_domain";

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    c: &mut Conn<'_>,
    id: &str,
    name: &str,
    plan: Plan,
    included_seats: i64,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO organizations (id, name, plan, included_seats, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
        args![id, name, plan, included_seats, now],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_id(c: &mut Conn<'_>, id: &str) -> Result<Option<Org>> {
    let sql = format!("SELECT {COLUMNS} FROM organizations o WHERE o.id = $1");
    c.fetch_optional(&sql, args![id]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_member(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    role: OrgRole,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO org_members (org_id, user_id, role, joined_at) VALUES ($1, $2, $3, $4)",
        args![org_id, user_id, role, now],
    )
    .await?;
    Ok(())
}

/// The user's role in the organization, or `None` when they are not a member (or it does not exist).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn role_of(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Option<OrgRole>> {
    let role: Option<OrgRole> = c
        .scalar_optional(
            "SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2",
            args![org_id, user_id],
        )
        .await?;
    Ok(role)
}

/// The organization a user joined first: where a session lands when nothing else is chosen.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn first_joined(c: &mut Conn<'_>, user_id: &str) -> Result<Option<String>> {
    c.scalar_optional(
        "SELECT org_id FROM org_members WHERE user_id = $1 ORDER BY joined_at, org_id LIMIT 1",
        args![user_id],
    )
    .await
}

/// The instance's first organization (self-hosted: where new people join).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn oldest(c: &mut Conn<'_>) -> Result<Option<String>> {
    c.scalar_optional(
        "SELECT id FROM organizations ORDER BY created_at, id LIMIT 1",
        args![],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_plan(
    c: &mut Conn<'_>,
    id: &str,
    plan: Plan,
    included_seats: i64,
    extra_seats: i64,
    now: i64,
) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE organizations SET plan = $2, included_seats = $3, extra_seats = $4, \
             updated_at = $5 WHERE id = $1",
            args![id, plan, included_seats, extra_seats, now],
        )
        .await?;
    Ok(n == 1)
}

/// An organization as one of its members sees it in a list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Membership {
    pub id: String,
    pub name: String,
    pub plan: Plan,
    pub included_seats: i64,
    pub extra_seats: i64,
    pub created_at: i64,
    pub role: OrgRole,
    pub joined_at: i64,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list_for_user(c: &mut Conn<'_>, user_id: &str) -> Result<Vec<Membership>> {
    c.fetch_all(
        "SELECT o.id, o.name, o.plan, o.included_seats, o.extra_seats, o.created_at, m.role, \
         m.joined_at FROM organizations o JOIN org_members m ON m.org_id = o.id WHERE m.user_id \
         = $1 ORDER BY lower(o.name), o.created_at, o.id",
        args![user_id],
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Member {
    pub user_id: String,
    pub role: OrgRole,
    pub joined_at: i64,
    pub email: String,
    pub name: String,
    pub free_plan_grace_ends_at: Option<i64>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn members(c: &mut Conn<'_>, org_id: &str) -> Result<Vec<Member>> {
    c.fetch_all(
        "SELECT m.user_id, m.role, m.joined_at, u.email, u.name, m.free_plan_grace_ends_at \
         FROM org_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 ORDER BY m.joined_at, u.email",
        args![org_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn member(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Option<Member>> {
    c.fetch_optional(
        "SELECT m.user_id, m.role, m.joined_at, u.email, u.name, m.free_plan_grace_ends_at FROM \
         org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND m.user_id = $2",
        args![org_id, user_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn member_count(c: &mut Conn<'_>, org_id: &str) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM org_members WHERE org_id = $1",
        args![org_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn owner_count(c: &mut Conn<'_>, org_id: &str) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM org_members WHERE org_id = $1 AND role = 'owner'",
        args![org_id],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_role(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    role: OrgRole,
) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE org_members SET role = $3 WHERE org_id = $1 AND user_id = $2",
            args![org_id, user_id, role],
        )
        .await?;
    Ok(n == 1)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn remove_member(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM org_members WHERE org_id = $1 AND user_id = $2",
            args![org_id, user_id],
        )
        .await?;
    Ok(n == 1)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn rename(c: &mut Conn<'_>, id: &str, name: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE organizations SET name = $2, updated_at = $3 WHERE id = $1",
        args![id, name, now],
    )
    .await?;
    Ok(())
}

/// Deletes the organization; every tenant-owned row goes with it (foreign keys cascade).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, id: &str) -> Result<()> {
    c.execute("DELETE FROM organizations WHERE id = $1", args![id])
        .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_stripe_ids(
    c: &mut Conn<'_>,
    id: &str,
    customer: Option<&str>,
    subscription: Option<&str>,
) -> Result<()> {
    c.execute(
        "UPDATE organizations SET stripe_customer_id = COALESCE($2, stripe_customer_id), \
         stripe_subscription_id = COALESCE($3, stripe_subscription_id) WHERE id = $1",
        args![id, customer, subscription],
    )
    .await?;
    Ok(())
}

/// The order key of the last Stripe event applied to the organization's plan.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn billing_event_order(c: &mut Conn<'_>, id: &str) -> Result<Option<i64>> {
    Ok(c.scalar_optional(
        "SELECT billing_event_order FROM organizations WHERE id = $1",
        args![id],
    )
    .await?
    .flatten())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_billing_event_order(c: &mut Conn<'_>, id: &str, key: i64) -> Result<()> {
    c.execute(
        "UPDATE organizations SET billing_event_order = $2 WHERE id = $1",
        args![id, key],
    )
    .await?;
    Ok(())
}

/// Starts the Free-plan grace period for every member of an organization that was downgraded.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn start_grace(c: &mut Conn<'_>, org_id: &str, ends_at: i64) -> Result<()> {
    c.execute(
        "UPDATE org_members SET free_plan_grace_ends_at = $2 WHERE org_id = $1",
        args![org_id, ends_at],
    )
    .await?;
    Ok(())
}

/// Remembers a Stripe webhook event by its id; false when it was recorded before.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_stripe_event(c: &mut Conn<'_>, id: &str, kind: &str, now: i64) -> Result<bool> {
    let r = c
        .execute(
            "INSERT INTO stripe_events (id, event_type, received_at) VALUES ($1, $2, $3)",
            args![id, kind, now],
        )
        .await;
    super::inserted_once(r)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_auto_join_domain(
    c: &mut Conn<'_>,
    id: &str,
    domain: Option<&str>,
    now: i64,
) -> Result<()> {
    c.execute(
        "UPDATE organizations SET auto_join_domain = $2, updated_at = $3 WHERE id = $1",
        args![id, domain, now],
    )
    .await?;
    Ok(())
}

/// The organizations open to addresses at `domain` on the given plan that `user_id` does not
/// belong to yet, by name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open_to_domain(
    c: &mut Conn<'_>,
    domain: &str,
    plan: Plan,
    user_id: &str,
) -> Result<Vec<Org>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM organizations o WHERE o.auto_join_domain = $1 AND o.plan = $2 \
         AND NOT EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = o.id AND m.user_id = $3) \
         ORDER BY o.name, o.id LIMIT 20"
    );
    c.fetch_all(&sql, args![domain, plan, user_id]).await
}

/// The owners' addresses and names, to tell them who joined.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn owner_addresses(c: &mut Conn<'_>, org_id: &str) -> Result<Vec<(String, String)>> {
    c.fetch_all(
        "SELECT u.email, u.name FROM org_members m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.role = 'owner' ORDER BY u.email",
        args![org_id],
    )
    .await
}
