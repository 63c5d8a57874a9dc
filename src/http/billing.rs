//! Billing with Stripe: Checkout and Customer Portal sessions for owners, and the webhook that
//! applies subscription changes to organizations (each event at most once).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::billing::{self, Billing, Received};
use crate::error::{AppError, Result};
use crate::http::{CurrentUser, Json};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checkout_session))
        .routes(routes!(portal_session))
        .routes(routes!(webhook))
}

/// Stripe as configured; 501 without a secret key.
fn configured(state: &AppState) -> Result<Billing<'_>> {
    Billing::configured(&state.config)
}

fn required_id(v: Option<String>) -> Result<String> {
    v.filter(|s| !s.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("organizationId is required"))
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
    let stripe = configured(&state)?;
    let org_id = required_id(body.organization_id)?;
    let price = body
        .price_id
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("priceId is required"))?;
    let url = billing::checkout(&state.store, &stripe, &user, &org_id, &price).await?;
    Ok(Json(json!({ "url": url })).into_response())
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
    let stripe = configured(&state)?;
    let org_id = required_id(body.organization_id)?;
    let url = billing::portal(&state.store, &stripe, &user, &org_id).await?;
    Ok(Json(json!({ "url": url })).into_response())
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
        .ok_or_else(billing::not_configured)?;
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Ok(
        match billing::receive_event(&state.store, secret, signature, &body).await? {
            Received::Applied => Json(json!({"received": true})),
            Received::Duplicate => Json(json!({"received": true, "duplicate": true})),
        }
        .into_response(),
    )
}
