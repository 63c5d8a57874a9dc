//! Changing an organization's plan: by an operator (`slugbase org set-plan`) or by Stripe's
//! webhook. One use case, so seats and the Free-plan grace period follow the same rule either way.

use crate::app::audit::{self, Actor, Event};
use crate::domain::plan::{PlanSeats, FREE_PLAN_GRACE_DAYS};
use crate::domain::{DomainError, Plan, Timestamp};
use crate::error::Result;
use crate::store::{orgs, Conn};

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
