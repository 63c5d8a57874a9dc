//! Billing with Stripe: Checkout and Customer Portal sessions for owners, and the webhook's
//! events applied to organizations (each event at most once). Plan changes go through
//! [`plans::set_plan`], the same use case the operator's `slugbase org set-plan` uses.

use serde_json::Value;

use crate::app::audit::{self, Actor, Event};
use crate::app::identity::CurrentUser;
use crate::app::organizations::membership;
use crate::app::plans::{self, PlanChange};
use crate::app::stripe;
use crate::config::Config;
use crate::domain::ids::parse_id;
use crate::domain::{Plan, Timestamp};
use crate::error::{AppError, Result};
use crate::store::{orgs, Conn, Store};

/// What talking to Stripe needs: the client, the prices on sale, and where Stripe sends the
/// owner back to.
pub struct Billing<'a> {
    pub stripe: stripe::Client,
    pub team_price: Option<&'a str>,
    pub personal_price: Option<&'a str>,
    pub base_url: String,
}

/// The answer when no Stripe key is set (501 `Billing not configured`).
pub fn not_configured() -> AppError {
    crate::domain::DomainError::BillingNotConfigured.into()
}

impl<'a> Billing<'a> {
    /// Stripe as the server is configured; 501 without a secret key. The JSON API and the
    /// billing page both start here, so they agree on when billing is "not configured".
    pub fn configured(cfg: &'a Config) -> Result<Billing<'a>> {
        let key = cfg
            .stripe_secret_key
            .as_deref()
            .filter(|k| !k.is_empty())
            .ok_or_else(not_configured)?;
        Ok(Billing {
            stripe: stripe::Client::new(&cfg.stripe_api_base, key),
            team_price: cfg.stripe_price_team.as_deref(),
            personal_price: cfg.stripe_price_personal.as_deref(),
            base_url: cfg.base_url(),
        })
    }
}

impl Billing<'_> {
    /// The plan a price buys, if it is one of ours.
    fn plan_for(&self, price: &str) -> Option<Plan> {
        if self.team_price == Some(price) {
            Some(Plan::Team)
        } else if self.personal_price == Some(price) {
            Some(Plan::Personal)
        } else {
            None
        }
    }
}

/// The organization, for its owner (404 for strangers, 403 for members who are not owners).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn owned_org(store: &Store, user: &CurrentUser, org_id: &str) -> Result<orgs::Org> {
    let mut db = store.read().await?;
    let m = membership(&mut db.conn(), org_id, user.id()).await?;
    m.require_owner()?;
    Ok(m.org)
}

/// Starts a Stripe Checkout for a subscription to `price`; answers the URL to send the owner to.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn checkout(
    store: &Store,
    billing: &Billing<'_>,
    user: &CurrentUser,
    org_id: &str,
    price: &str,
) -> Result<String> {
    let org = owned_org(store, user, org_id).await?;
    let plan = billing
        .plan_for(price)
        .ok_or_else(|| AppError::bad_request("Unknown priceId"))?;
    let base = &billing.base_url;
    let (success, cancel) = (
        format!("{base}/billing?checkout=success"),
        format!("{base}/billing?checkout=cancelled"),
    );
    let (plan, id) = (plan.as_str(), org.id.as_str());
    let mut form: Vec<(String, String)> = [
        ("mode", "subscription"),
        ("line_items[0][price]", price),
        ("line_items[0][quantity]", "1"),
        ("success_url", success.as_str()),
        ("cancel_url", cancel.as_str()),
        ("client_reference_id", id),
        ("metadata[organization_id]", id),
        ("metadata[plan]", plan),
        ("subscription_data[metadata][organization_id]", id),
        ("subscription_data[metadata][plan]", plan),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    match &org.stripe_customer_id {
        Some(customer) => form.push(("customer".into(), customer.clone())),
        None => form.push(("customer_email".into(), user.user.email.clone())),
    }
    billing.stripe.checkout_session(form).await
}

/// Opens Stripe's Customer Portal for the organization's subscription; answers its URL.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn portal(
    store: &Store,
    billing: &Billing<'_>,
    user: &CurrentUser,
    org_id: &str,
) -> Result<String> {
    let org = owned_org(store, user, org_id).await?;
    let customer = org
        .stripe_customer_id
        .ok_or_else(|| AppError::bad_request("This organization has no billing account yet"))?;
    let return_url = format!("{}/billing", billing.base_url);
    billing.stripe.portal_session(&customer, &return_url).await
}

/// What became of a webhook event.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Received {
    Applied,
    /// Its id was seen before; nothing changed.
    Duplicate,
}

/// Stripe's webhook: `body` must carry a `Stripe-Signature` made with `secret` (a bad one is
/// 400 and changes nothing). Each event id is applied at most once.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn receive_event(
    store: &Store,
    secret: &str,
    signature: &str,
    body: &[u8],
) -> Result<Received> {
    let now = Timestamp::now();
    if !stripe::verify_signature(secret, signature, body, now.millis() / 1000) {
        return Err(AppError::bad_request("Invalid signature"));
    }
    let event: Value =
        serde_json::from_slice(body).map_err(|_| AppError::bad_request("Invalid payload"))?;
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return Err(AppError::bad_request("Invalid payload"));
    };
    let mut tx = store.begin().await?;
    if !orgs::record_stripe_event(&mut tx.conn(), id, kind, now.millis()).await? {
        return Ok(Received::Duplicate);
    }
    let created = event["created"].as_i64();
    apply(&mut tx.conn(), id, kind, created, &event["data"]["object"]).await?;
    tx.commit().await?;
    Ok(Received::Applied)
}

/// Extra seats as Stripe's metadata carries them (a number or a string), within reason.
fn seats_from(v: &Value) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
    .clamp(0, 10_000)
}

/// Where an event stands among those about one organization: its own `created` second, a
/// deletion after anything else of the same second (Stripe does not deliver in order).
fn order_key(kind: &str, created: i64) -> i64 {
    created.saturating_mul(2) + i64::from(kind == "customer.subscription.deleted")
}

/// Applies one event to the organization it names; events about no organization of ours, of
/// kinds we do not handle, or older than the last one applied to that organization (say an
/// update delivered after the deletion that followed it) change nothing.
#[tracing::instrument(level = "debug", skip_all)]
async fn apply(
    c: &mut Conn<'_>,
    event_id: &str,
    kind: &str,
    created: Option<i64>,
    object: &Value,
) -> Result<()> {
    let meta = &object["metadata"];
    let org_id = match kind {
        "checkout.session.completed" => object["client_reference_id"]
            .as_str()
            .or(meta["organization_id"].as_str()),
        _ => meta["organization_id"].as_str(),
    };
    let Some(org_id) = org_id.and_then(parse_id) else {
        return Ok(());
    };
    let Some(org) = orgs::by_id(c, &org_id).await? else {
        return Ok(());
    };
    let key = created.map(|t| order_key(kind, t));
    if let (Some(key), Some(last)) = (key, orgs::billing_event_order(c, &org.id).await?) {
        if key < last {
            tracing::info!(org_id = %org.id, kind, "stale billing event ignored");
            return Ok(());
        }
    }
    let event = Event::new("billing.event", "organization")
        .entity(&org.id)
        .org(&org.id)
        .detail("type", kind)
        .detail("event_id", event_id);
    audit::record(c, &Actor::system(), event).await?;
    let customer = object["customer"].as_str();
    let bought = || {
        meta["plan"]
            .as_str()
            .and_then(Plan::parse)
            .map(|p| (p, seats_from(&meta["extra_seats"])))
    };
    let (plan, extra) = match kind {
        "checkout.session.completed" => {
            orgs::set_stripe_ids(c, &org.id, customer, object["subscription"].as_str()).await?;
            match bought() {
                Some(b) => b,
                None => return Ok(()),
            }
        }
        "customer.subscription.created" | "customer.subscription.updated" => {
            orgs::set_stripe_ids(c, &org.id, customer, object["id"].as_str()).await?;
            let ended = matches!(
                object["status"].as_str(),
                Some("canceled" | "unpaid" | "incomplete_expired")
            );
            match bought() {
                _ if ended => (Plan::Free, 0),
                Some(b) => b,
                None => return Ok(()),
            }
        }
        "customer.subscription.deleted" => (Plan::Free, 0),
        _ => return Ok(()),
    };
    let change = PlanChange {
        plan,
        included_seats: None,
        extra_seats: Some(extra),
    };
    plans::set_plan(c, &Actor::system(), &org, change).await?;
    if let Some(key) = key {
        orgs::set_billing_event_order(c, &org.id, key).await?;
    }
    Ok(())
}
