//! Billing with Stripe: Checkout and Customer Portal sessions for owners, and the webhook that
//! applies subscription changes to organizations (each event at most once).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::plans::{self, PlanChange};
use crate::app::stripe;
use crate::domain::plan::Plan;
use crate::domain::Timestamp;
use crate::error::{AppError, Result};
use crate::http::organizations::membership;
use crate::http::{CurrentUser, Json};
use crate::state::AppState;
use crate::store::{orgs, Conn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checkout_session))
        .routes(routes!(portal_session))
        .routes(routes!(webhook))
}

fn not_configured() -> AppError {
    AppError::status(StatusCode::NOT_IMPLEMENTED, "Billing not configured")
}

fn client(state: &AppState) -> Result<stripe::Client> {
    let key = state
        .config
        .stripe_secret_key
        .as_deref()
        .filter(|k| !k.is_empty())
        .ok_or_else(not_configured)?;
    Ok(stripe::Client::new(&state.config.stripe_api_base, key))
}

fn required_id(v: Option<String>) -> Result<String> {
    v.filter(|s| !s.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("organizationId is required"))
}

/// The organization, for its owner (404 for strangers, 403 for members who are not owners).
async fn owned_org(c: &mut Conn<'_>, raw: &str, user: &CurrentUser) -> Result<orgs::Org> {
    let (org, role) = membership(c, raw, user.id()).await?;
    if !role.is_owner() {
        return Err(AppError::Forbidden);
    }
    Ok(org)
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutBody {
    #[schema(required = true, schema_with = crate::http::fields::uuid)]
    organization_id: Option<String>,
    #[schema(required = true, schema_with = crate::http::fields::token)]
    price_id: Option<String>,
}

/// Starts a Stripe Checkout for a subscription (owners); answers the URL to send the owner to.
#[utoipa::path(post, path = "/api/billing/checkout-session", tag = "billing", request_body = CheckoutBody,
    responses((status = 200, body = crate::http::doc_schemas::BillingUrl), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 501, description = "Billing not configured"), (status = 502)))]
async fn checkout_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<CheckoutBody>,
) -> Result<Response> {
    let stripe = client(&state)?;
    let org_id = required_id(body.organization_id)?;
    let price = body
        .price_id
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("priceId is required"))?;
    let org = {
        let mut db = state.store.read().await?;
        owned_org(&mut db.conn(), &org_id, &user).await?
    };
    let cfg = &state.config;
    let plan = if cfg.stripe_price_team.as_deref() == Some(price.as_str()) {
        Plan::Team
    } else if cfg.stripe_price_personal.as_deref() == Some(price.as_str()) {
        Plan::Personal
    } else {
        return Err(AppError::bad_request("Unknown priceId"));
    };
    let base = cfg.base_url();
    let mut form: Vec<(String, String)> = [
        ("mode", "subscription".to_string()),
        ("line_items[0][price]", price.clone()),
        ("line_items[0][quantity]", "1".to_string()),
        ("success_url", format!("{base}/billing?checkout=success")),
        ("cancel_url", format!("{base}/billing?checkout=cancelled")),
        ("client_reference_id", org.id.clone()),
        ("metadata[organization_id]", org.id.clone()),
        ("metadata[plan]", plan.as_str().to_string()),
        (
            "subscription_data[metadata][organization_id]",
            org.id.clone(),
        ),
        (
            "subscription_data[metadata][plan]",
            plan.as_str().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    match &org.stripe_customer_id {
        Some(customer) => form.push(("customer".into(), customer.clone())),
        None => form.push(("customer_email".into(), user.user.email.clone())),
    }
    let url = stripe.checkout_session(form).await?;
    Ok(axum::Json(json!({ "url": url })).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PortalBody {
    #[schema(required = true, schema_with = crate::http::fields::uuid)]
    organization_id: Option<String>,
}

/// Opens Stripe's Customer Portal for the organization's subscription (owners).
#[utoipa::path(post, path = "/api/billing/portal-session", tag = "billing", request_body = PortalBody,
    responses((status = 200, body = crate::http::doc_schemas::BillingUrl), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 501, description = "Billing not configured"), (status = 502)))]
async fn portal_session(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<PortalBody>,
) -> Result<Response> {
    let stripe = client(&state)?;
    let org_id = required_id(body.organization_id)?;
    let org = {
        let mut db = state.store.read().await?;
        owned_org(&mut db.conn(), &org_id, &user).await?
    };
    let customer = org
        .stripe_customer_id
        .ok_or_else(|| AppError::bad_request("This organization has no billing account yet"))?;
    let url = stripe
        .portal_session(&customer, &format!("{}/billing", state.config.base_url()))
        .await?;
    Ok(axum::Json(json!({ "url": url })).into_response())
}

/// Stripe's webhook: verified by `Stripe-Signature`; a bad signature is 400 and changes nothing.
#[utoipa::path(post, path = "/api/billing/webhook", tag = "billing", security(()),
    responses((status = 200, body = crate::http::doc_schemas::WebhookReceipt), (status = 400), (status = 501)))]
async fn webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    let secret = state
        .config
        .stripe_webhook_secret
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(not_configured)?;
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !stripe::verify_signature(secret, signature, &body, Timestamp::now().millis() / 1000) {
        return Err(AppError::bad_request("Invalid signature"));
    }
    let event: Value =
        serde_json::from_slice(&body).map_err(|_| AppError::bad_request("Invalid payload"))?;
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return Err(AppError::bad_request("Invalid payload"));
    };
    let object = &event["data"]["object"];
    let mut tx = state.store.begin().await?;
    if !record_event(&mut tx.conn(), id, kind).await? {
        return Ok(axum::Json(json!({"received": true, "duplicate": true})).into_response());
    }
    apply(&mut tx.conn(), kind, object).await?;
    tx.commit().await?;
    Ok(axum::Json(json!({"received": true})).into_response())
}

/// Remembers the event id; false when it was applied before.
async fn record_event(c: &mut Conn<'_>, id: &str, kind: &str) -> Result<bool> {
    let r = crate::q!(c, |e| sqlx::query(
        "INSERT INTO stripe_events (id, event_type, received_at) VALUES ($1, $2, $3)"
    )
    .bind(id)
    .bind(kind)
    .bind(Timestamp::now().millis())
    .execute(e)
    .await
    .map(|r| r.rows_affected()));
    crate::store::inserted_once(r)
}

fn seats_from(v: &Value) -> i64 {
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
    .clamp(0, 10_000)
}

async fn apply(c: &mut Conn<'_>, kind: &str, object: &Value) -> Result<()> {
    let meta = &object["metadata"];
    let org_id = match kind {
        "checkout.session.completed" => object["client_reference_id"]
            .as_str()
            .or(meta["organization_id"].as_str()),
        _ => meta["organization_id"].as_str(),
    };
    let Some(org_id) = org_id.and_then(crate::domain::ids::parse_id) else {
        return Ok(());
    };
    let Some(org) = orgs::by_id(c, &org_id).await? else {
        return Ok(());
    };
    let customer = object["customer"].as_str();
    let (plan, extra) = match kind {
        "checkout.session.completed" => {
            orgs::set_stripe_ids(c, &org.id, customer, object["subscription"].as_str()).await?;
            match meta["plan"].as_str().and_then(Plan::parse) {
                Some(p) => (p, seats_from(&meta["extra_seats"])),
                None => return Ok(()),
            }
        }
        "customer.subscription.created" | "customer.subscription.updated" => {
            orgs::set_stripe_ids(c, &org.id, customer, object["id"].as_str()).await?;
            let ended = matches!(
                object["status"].as_str(),
                Some("canceled" | "unpaid" | "incomplete_expired")
            );
            match meta["plan"].as_str().and_then(Plan::parse) {
                _ if ended => (Plan::Free, 0),
                Some(p) => (p, seats_from(&meta["extra_seats"])),
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
    plans::set_plan(c, &org, change).await?;
    Ok(())
}
