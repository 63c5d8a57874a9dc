//! Changing an organization's plan: by an operator (`slugbase org set-plan`) or by Stripe's
//! webhook. One use case, so seats and the Free-plan grace period follow the same rule either way.

use crate::app::audit::{self, Actor, Event};
use crate::app::organizations;
use crate::app::tenancy::CurrentOrg;
use crate::domain::plan::{PlanSeats, FREE_PLAN_GRACE_DAYS};
use crate::domain::{DomainError, Plan, Seats, Timestamp};
use crate::error::Result;
use crate::store::{bookmarks, orgs, Conn, Store};

/// The plan to move to; seats left out keep the plan's defaults (a Team keeps its extra seats).
#[derive(Copy, Clone, Debug)]
pub struct PlanChange {
    pub plan: Plan,
    pub included_seats: Option<i64>,
    pub extra_seats: Option<i64>,
}

/// Moves `org` to the plan and returns its seats. Moving down to Free starts every member's
/// grace period, during which they may go on creating bookmarks above the limit.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_plan(
    c: &mut Conn<'_>,
    actor: &Actor,
    org: &orgs::Org,
    change: PlanChange,
) -> Result<PlanSeats> {
    if change.included_seats.is_some_and(|n| n < 1) {
        return Err(DomainError::invalid("Included seats must be at least 1").into());
    }
    if change.extra_seats.is_some_and(|n| n < 0) {
        return Err(DomainError::invalid("Extra seats cannot be negative").into());
    }
    let seats = change
        .plan
        .seats(change.included_seats, change.extra_seats, org.extra_seats);
    let now = Timestamp::now();
    orgs::set_plan(
        c,
        &org.id,
        change.plan,
        seats.included,
        seats.extra,
        now.millis(),
    )
    .await?;
    if change.plan == Plan::Free && org.plan != Plan::Free {
        let ends = now.plus_secs(FREE_PLAN_GRACE_DAYS * 24 * 3600);
        orgs::start_grace(c, &org.id, ends.millis()).await?;
    }
    let event = Event::new("plan.changed", "organization")
        .entity(&org.id)
        .org(&org.id)
        .detail("from", org.plan.as_str())
        .detail("to", change.plan.as_str())
        .detail("included_seats", seats.included)
        .detail("extra_seats", seats.extra);
    audit::record(c, actor, event).await?;
    Ok(seats)
}

/// How much of its plan the current organization uses, as the caller sees it: seats, their own
/// bookmarks against the limit, and the Free-plan grace period where a limit applies.
#[derive(Clone, Debug)]
pub struct Usage {
    pub seats: Seats,
    /// Bookmarks each member may own; `None` is unlimited.
    pub bookmark_limit: Option<i64>,
    /// Bookmarks the caller owns in this organization.
    pub bookmark_count: i64,
    /// When the caller's grace period ends (ms), where a limit applies.
    pub grace_ends_at: Option<i64>,
}

/// The plan usage of `GET /api/config/plan`, the dashboard and the billing page.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn usage(store: &Store, org: &CurrentOrg) -> Result<Usage> {
    let mut db = store.read().await?;
    let c = &mut db.conn();
    let me = orgs::member(c, org.id(), org.user_id()).await?;
    let seats = organizations::seats(c, &org.org, Timestamp::now().millis()).await?;
    let limit = org.rules.bookmark_limit();
    Ok(Usage {
        seats,
        bookmark_limit: limit,
        bookmark_count: bookmarks::bookmark_count(c, org.id(), org.user_id()).await?,
        // The grace period matters only where a limit applies.
        grace_ends_at: limit.and(me.and_then(|m| m.free_plan_grace_ends_at)),
    })
}
