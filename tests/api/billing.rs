//! Billing through Stripe's wire format: a local server stands in for api.stripe.com (the one
//! third party tests cannot reach), and webhooks are signed exactly as Stripe signs them.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::routing::post;
use axum::{Form, Router};
use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, spawn_with, TestApp};
use crate::tenancy::current_org;

type Seen = Arc<Mutex<Vec<(String, Vec<(String, String)>)>>>;

/// A stand-in for Stripe's API: checks the secret key and answers sessions as Stripe does.
async fn fake_stripe() -> (String, Seen) {
    let seen: Seen = Arc::default();
    async fn session(
        path: &'static str,
        State(seen): State<Seen>,
        headers: HeaderMap,
        Form(form): Form<Vec<(String, String)>>,
    ) -> (AxumStatus, axum::Json<Value>) {
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer sk_test_123")
        {
            let err = json!({"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}});
            return (AxumStatus::UNAUTHORIZED, axum::Json(err));
        }
        seen.lock().unwrap().push((path.to_string(), form));
        let (id, url) = if path.contains("portal") {
            ("bps_test_1", "https://billing.stripe.com/p/session/test_1")
        } else {
            ("cs_test_1", "https://checkout.stripe.com/c/pay/cs_test_1")
        };
        let object = if path.contains("portal") {
            "billing_portal.session"
        } else {
            "checkout.session"
        };
        (
            AxumStatus::OK,
            axum::Json(json!({"id": id, "object": object, "url": url, "livemode": false})),
        )
    }
    let app = Router::new()
        .route(
            "/v1/checkout/sessions",
            post(|s, h, f| session("/v1/checkout/sessions", s, h, f)),
        )
        .route(
            "/v1/billing_portal/sessions",
            post(|s, h, f| session("/v1/billing_portal/sessions", s, h, f)),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

async fn billing_app() -> (TestApp, Seen) {
    let (base, seen) = fake_stripe().await;
    let app = spawn_with(Mode::Cloud, |c| {
        c.stripe_secret_key = Some("sk_test_123".into());
        c.stripe_webhook_secret = Some("whsec_test".into());
        c.stripe_api_base = base;
        c.stripe_price_team = Some("price_team".into());
        c.stripe_price_personal = Some("price_personal".into());
    })
    .await;
    (app, seen)
}

async fn send_event(
    app: &TestApp,
    event: &Value,
    secret: &str,
    age_secs: i64,
) -> reqwest::Response {
    let body = serde_json::to_vec(event).unwrap();
    let t = chrono::Utc::now().timestamp() - age_secs;
    let sig = slugbase::app::stripe::sign(secret, t, &body);
    app.client
        .post(app.url("/api/billing/webhook"))
        .header("content-type", "application/json")
        .header("stripe-signature", format!("t={t},v1={sig}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn org_row(app: &TestApp, id: &str) -> slugbase::store::orgs::Org {
    let mut db = app.state.store.read().await.unwrap();
    slugbase::store::orgs::by_id(&mut db.conn(), id)
        .await
        .unwrap()
        .unwrap()
}

fn subscription(event_id: &str, kind: &str, org: &str, plan: &str, extra: &str) -> Value {
    json!({"id": event_id, "object": "event", "type": kind, "data": {"object": {
        "id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "active",
        "metadata": {"organization_id": org, "plan": plan, "extra_seats": extra}}}})
}

#[tokio::test]
async fn without_stripe_keys_billing_answers_501() {
    let app = spawn_app(Mode::Cloud).await;
    let bo = app.signup("bo@example.com", "Bo").await;
    let org = current_org(&app, &bo).await;
    for path in [
        "/api/billing/checkout-session",
        "/api/billing/portal-session",
    ] {
        let body = expect(
            app.post(
                path,
                Some(&bo.jwt),
                json!({"organizationId": org, "priceId": "price_team"}),
            )
            .await,
            StatusCode::NOT_IMPLEMENTED,
        )
        .await;
        assert_eq!(body, json!({"error": "Billing not configured"}));
    }
    let res = app
        .client
        .post(app.url("/api/billing/webhook"))
        .body("{}")
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::NOT_IMPLEMENTED).await;
}

#[tokio::test]
async fn an_owner_gets_a_checkout_url_that_carries_the_organization() {
    let (app, seen) = billing_app().await;
    let bo = app.signup("bo@example.com", "Bo").await;
    let org = current_org(&app, &bo).await;
    let res = app
        .post(
            "/api/billing/checkout-session",
            Some(&bo.jwt),
            json!({"organizationId": org, "priceId": "price_team"}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::OK).await,
        json!({"url": "https://checkout.stripe.com/c/pay/cs_test_1"})
    );
    let calls = seen.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    let form: std::collections::HashMap<_, _> = calls[0].1.iter().cloned().collect();
    assert_eq!(form["mode"], "subscription");
    assert_eq!(form["line_items[0][price]"], "price_team");
    assert_eq!(form["client_reference_id"], org);
    assert_eq!(form["subscription_data[metadata][organization_id]"], org);
    assert_eq!(form["subscription_data[metadata][plan]"], "team");
    assert_eq!(form["customer_email"], "bo@example.com");

    let bad = app
        .post(
            "/api/billing/checkout-session",
            Some(&bo.jwt),
            json!({"organizationId": org, "priceId": "price_other"}),
        )
        .await;
    assert_eq!(
        expect(bad, StatusCode::BAD_REQUEST).await["error"],
        "Unknown priceId"
    );
    let missing = app
        .post(
            "/api/billing/checkout-session",
            Some(&bo.jwt),
            json!({"priceId": "price_team"}),
        )
        .await;
    assert_eq!(
        expect(missing, StatusCode::BAD_REQUEST).await["error"],
        "organizationId is required"
    );
    expect(
        app.post(
            "/api/billing/checkout-session",
            None,
            json!({"organizationId": org, "priceId": "price_team"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // Strangers see no organization; members who are not owners are refused.
    let eve = app.signup("eve@example.com", "Eve").await;
    let res = app
        .post(
            "/api/billing/checkout-session",
            Some(&eve.jwt),
            json!({"organizationId": org, "priceId": "price_team"}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::NOT_FOUND).await["error"],
        "Organization not found"
    );
    app.set_plan(&org, "team").await;
    expect(
        app.post(
            &format!("/api/organizations/{org}/invitations"),
            Some(&bo.jwt),
            json!({"email": "eve@example.com"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let token = app.token_from_mail("eve@example.com", "/invite?token=");
    expect(
        app.post(
            "/api/invitations/accept",
            Some(&eve.jwt),
            json!({"token": token}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let res = app
        .post(
            "/api/billing/checkout-session",
            Some(&eve.jwt),
            json!({"organizationId": org, "priceId": "price_team"}),
        )
        .await;
    expect(res, StatusCode::FORBIDDEN).await;
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "refused requests never reach Stripe"
    );
}

#[tokio::test]
async fn webhooks_apply_subscriptions_once_and_refuse_bad_signatures() {
    let (app, seen) = billing_app().await;
    let bo = app.signup("bo@example.com", "Bo").await;
    let org = current_org(&app, &bo).await;

    // No billing account yet: the portal has nothing to open.
    let res = app
        .post(
            "/api/billing/portal-session",
            Some(&bo.jwt),
            json!({"organizationId": org}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;

    let completed = json!({"id": "evt_checkout", "type": "checkout.session.completed", "data": {"object": {
        "id": "cs_test_1", "object": "checkout.session", "client_reference_id": org, "customer": "cus_1",
        "subscription": "sub_1", "metadata": {"organization_id": org, "plan": "team"}}}});
    expect(
        send_event(&app, &completed, "whsec_test", 0).await,
        StatusCode::OK,
    )
    .await;
    let o = org_row(&app, &org).await;
    assert_eq!(
        (
            o.plan.as_str(),
            o.included_seats,
            o.stripe_customer_id.as_deref()
        ),
        ("team", 5, Some("cus_1"))
    );

    let portal = expect(
        app.post(
            "/api/billing/portal-session",
            Some(&bo.jwt),
            json!({"organizationId": org}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(portal["url"], "https://billing.stripe.com/p/session/test_1");
    assert!(seen
        .lock()
        .unwrap()
        .iter()
        .any(|(p, f)| p.contains("portal") && f.contains(&("customer".into(), "cus_1".into()))));

    let seats = subscription(
        "evt_seats",
        "customer.subscription.updated",
        &org,
        "team",
        "3",
    );
    expect(
        send_event(&app, &seats, "whsec_test", 0).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(org_row(&app, &org).await.extra_seats, 3);

    // Bad signatures, stale timestamps and unsigned bodies change nothing.
    let cancel = json!({"id": "evt_cancel", "type": "customer.subscription.deleted", "data": {"object": {
        "id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "canceled", "metadata": {"organization_id": org}}}});
    let res = send_event(&app, &cancel, "whsec_wrong", 0).await;
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await["error"],
        "Invalid signature"
    );
    expect(
        send_event(&app, &cancel, "whsec_test", 301).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let unsigned = app
        .client
        .post(app.url("/api/billing/webhook"))
        .json(&cancel)
        .send()
        .await
        .unwrap();
    expect(unsigned, StatusCode::BAD_REQUEST).await;
    assert_eq!(org_row(&app, &org).await.plan.as_str(), "team");

    // Deleted: back to Free, members get the grace period; the same event again is a no-op.
    expect(
        send_event(&app, &cancel, "whsec_test", 0).await,
        StatusCode::OK,
    )
    .await;
    let o = org_row(&app, &org).await;
    assert_eq!(
        (o.plan.as_str(), o.included_seats, o.extra_seats),
        ("free", 1, 0)
    );
    let mut db = app.state.store.read().await.unwrap();
    let members = slugbase::store::orgs::members(&mut db.conn(), &org)
        .await
        .unwrap();
    assert!(members[0]
        .free_plan_grace_ends_at
        .is_some_and(|g| g > chrono::Utc::now().timestamp_millis() + 13 * 86_400_000));
    drop(db);
    let replay = expect(
        send_event(&app, &seats, "whsec_test", 0).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(replay["duplicate"], true);
    assert_eq!(
        org_row(&app, &org).await.plan.as_str(),
        "free",
        "an event id applies once"
    );
}

#[tokio::test]
async fn a_late_subscription_update_cannot_undo_the_cancellation_that_followed_it() {
    let (app, _) = billing_app().await;
    let bo = app.signup("bo@example.com", "Bo").await;
    let org = current_org(&app, &bo).await;
    let at = |mut event: Value, created: i64| {
        event["created"] = json!(created);
        event
    };
    let send = |event: Value| {
        let app = &app;
        async move {
            expect(
                send_event(app, &event, "whsec_test", 0).await,
                StatusCode::OK,
            )
            .await;
        }
    };
    let plan = || async { org_row(&app, &org).await.plan.as_str().to_string() };
    let update = |id: &str| subscription(id, "customer.subscription.updated", &org, "team", "2");
    let deleted = |id: &str| {
        json!({"id": id, "type": "customer.subscription.deleted", "data": {"object": {
        "id": "sub_1", "object": "subscription", "customer": "cus_1", "status": "canceled",
        "metadata": {"organization_id": org}}}})
    };

    send(at(update("evt_1"), 1_000)).await;
    assert_eq!(plan().await, "team");
    send(at(deleted("evt_3"), 1_200)).await;
    assert_eq!(plan().await, "free");
    // Delivered late: an update made before the cancellation, and one of the same second.
    send(at(update("evt_2"), 1_100)).await;
    assert_eq!(plan().await, "free");
    send(at(update("evt_2b"), 1_200)).await;
    assert_eq!(plan().await, "free");
    // A newer subscription counts again.
    send(at(update("evt_4"), 1_300)).await;
    assert_eq!(plan().await, "team");
}
