//! `/organization/billing` (cloud, owners): the plan, seats and bookmark usage, and buttons to
//! Stripe Checkout and the Customer Portal, which post here and are sent on to Stripe; without
//! Stripe, "billing is not configured".

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use maud::{html, Markup};
use serde::Deserialize;

use super::{answer, plan_label, refusal};
use crate::app::billing::{self as use_case, Billing};
use crate::app::plans;
use crate::domain::Plan;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::store::orgs::Org;
use crate::web::errors::PageResult;
use crate::web::form::{Empty, Form};
use crate::web::layout::{alert, csrf_field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

pub const HERE: &str = "/organization/billing";

/// The organization, for its owner, in cloud (elsewhere there is no billing page).
async fn owned(state: &AppState, m: &Member) -> Result<Org> {
    if !state.is_cloud() {
        return Err(AppError::not_found("Not found"));
    }
    use_case::owned_org(&state.store, &m.org.user, m.org.id()).await
}

fn checkout_button(ctx: &Ctx, price: Option<&str>, label: &str) -> Markup {
    html! {
        @if let Some(price) = price {
            form.inline method="post" action=(format!("{HERE}/checkout")) {
                (csrf_field(ctx))
                input type="hidden" name="priceId" value=(price);
                button type="submit" { (label) }
            }
        }
    }
}

fn stripe_part(ctx: &Ctx, billing: &Billing<'_>, org: &Org) -> Markup {
    html! {
        div.actions {
            @if org.plan != Plan::Team {
                (checkout_button(ctx, billing.team_price, ctx.t("org.upgrade_team")))
            }
            @if org.plan == Plan::Free {
                (checkout_button(ctx, billing.personal_price, ctx.t("org.upgrade_personal")))
            }
            @if org.stripe_customer_id.is_some() {
                form.inline method="post" action=(format!("{HERE}/portal")) {
                    (csrf_field(ctx))
                    button.secondary type="submit" { (ctx.t("org.portal")) }
                }
            }
        }
    }
}

async fn render(
    state: &AppState,
    m: &Member,
    status: StatusCode,
    error: Option<&str>,
) -> PageResult {
    let ctx = &m.ctx;
    let org = owned(state, m).await?;
    let usage = plans::usage(&state.store, &m.org).await?;
    let s = usage.seats;
    let count = usage.bookmark_count.to_string();
    let body = html! {
        (alert(error))
        div.provider-list { div.card { dl {
            dt { (ctx.t("org.plan")) }
            dd { strong { (plan_label(ctx, org.plan)) } }
            dt { (ctx.t("org.members")) }
            dd {
                (ctx.tf("org.seats_used", &[("used", &(s.used + s.pending).to_string()), ("total", &s.total().to_string())]))
                br;
                span.muted { (ctx.tf("org.plan_seats", &[("included", &s.included.to_string()), ("extra", &s.extra.to_string())])) }
            }
            dt { (ctx.t("nav.bookmarks")) }
            dd {
                @match usage.bookmark_limit {
                    Some(limit) => (ctx.tf("org.bookmarks_usage", &[("count", &count), ("limit", &limit.to_string())])),
                    None => (ctx.tf("org.bookmarks_unlimited", &[("count", &count)])),
                }
            }
        } } }
        @match Billing::configured(&state.config) {
            Ok(billing) => (stripe_part(ctx, &billing, &org)),
            Err(_) => p.banner role="status" { (ctx.t("org.billing_not_configured")) },
        }
    };
    Ok(answer(status, m, HERE, ctx.t("org.billing"), body))
}

pub async fn page(State(state): State<AppState>, m: Member) -> PageResult {
    render(&state, &m, StatusCode::OK, None).await
}

/// Stripe sends the owner back to `/billing?checkout=success|cancelled`.
pub async fn back_from_stripe(RawQuery(q): RawQuery) -> axum::response::Response {
    let q = q.unwrap_or_default();
    let to = if q.contains("checkout=success") {
        nav::with_notice(HERE, "org_checkout_success")
    } else if q.contains("checkout=cancelled") {
        nav::with_notice(HERE, "org_checkout_cancelled")
    } else {
        HERE.to_string()
    };
    nav::see_other(&to)
}

/// Sent on to Stripe, or the page again with the refusal (501 without Stripe, 502 when Stripe
/// failed).
async fn to_stripe(state: &AppState, m: &Member, url: Result<String>) -> PageResult {
    match url {
        Ok(url) => Ok(nav::see_other(&url)),
        Err(e) => {
            let (status, message) = refusal(&m.ctx, e)?;
            render(state, m, status, Some(&message)).await
        }
    }
}

#[derive(Deserialize)]
pub struct CheckoutForm {
    #[serde(rename = "priceId")]
    price_id: Option<String>,
}

pub async fn checkout(
    State(state): State<AppState>,
    m: Member,
    Form(f): Form<CheckoutForm>,
) -> PageResult {
    let url = async {
        let billing = Billing::configured(&state.config)?;
        let price = f
            .price_id
            .filter(|p| !p.trim().is_empty())
            .ok_or_else(|| AppError::bad_request("priceId is required"))?;
        use_case::checkout(&state.store, &billing, &m.org.user, m.org.id(), &price).await
    }
    .await;
    to_stripe(&state, &m, url).await
}

pub async fn portal(State(state): State<AppState>, m: Member, Form(_): Form<Empty>) -> PageResult {
    let url = async {
        let billing = Billing::configured(&state.config)?;
        use_case::portal(&state.store, &billing, &m.org.user, m.org.id()).await
    }
    .await;
    to_stripe(&state, &m, url).await
}
