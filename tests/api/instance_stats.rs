//! `GET /api/admin/stats`: absent without `STATS_ENDPOINT_SECRET`, refused without the secret,
//! and counting what is there, go-link redirects included once the visits are written.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, spawn_with, TestApp};

const SECRET: &str = "a-long-stats-secret-for-tests";

async fn stats(app: &TestApp, secret: Option<&str>) -> reqwest::Response {
    let mut req = app.req(reqwest::Method::GET, "/api/admin/stats", None);
    if let Some(s) = secret {
        req = req.header("X-Stats-Secret", s);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn without_a_configured_secret_there_is_no_endpoint() {
    let app = spawn_with(Mode::Selfhosted, |c| c.stats_endpoint_secret = None).await;
    expect(stats(&app, Some("anything")).await, StatusCode::NOT_FOUND).await;
    expect(stats(&app, Some("")).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_secret_is_required_and_the_totals_count_redirects() {
    let app = spawn_with(Mode::Selfhosted, |c| {
        c.stats_endpoint_secret = Some(SECRET.into())
    })
    .await;
    let alice = app.setup_admin("alice@example.com").await;
    for wrong in [
        None,
        Some(""),
        Some("a-long-stats-secret-for-test"),
        Some("x"),
    ] {
        expect(stats(&app, wrong).await, StatusCode::UNAUTHORIZED).await;
    }
    // A signed-in admin is no substitute for the secret.
    let res = app.get("/api/admin/stats", Some(&alice.jwt)).await;
    expect(res, StatusCode::UNAUTHORIZED).await;

    let created = app
        .post(
            "/api/bookmarks",
            Some(&alice.jwt),
            json!({"title": "Docs", "url": "https://docs.example", "slug": "docs", "forwarding_enabled": true}),
        )
        .await;
    expect(created, StatusCode::CREATED).await;
    for _ in 0..3 {
        let res = app.go("/go/docs", Some(&alice.jwt)).await;
        assert_eq!(res.status(), StatusCode::FOUND);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    let got: Value = loop {
        let got = expect(stats(&app, Some(SECRET)).await, StatusCode::OK).await;
        if got["go_redirects_last_24h"] == 3 || Instant::now() > deadline {
            break got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        got,
        json!({"users": 1, "organizations": 1, "bookmarks": 1, "go_redirects_last_24h": 3})
    );
}

#[tokio::test]
async fn the_default_test_server_has_the_endpoint() {
    // The shared test configuration sets a secret; the route is documented as public.
    let app = spawn_app(Mode::Cloud).await;
    let doc = expect(app.get("/openapi.json", None).await, StatusCode::OK).await;
    assert!(doc["paths"]["/api/admin/stats"]["get"].is_object());
    assert!(doc["paths"]["/api/admin/audit-log"]["get"].is_object());
}
