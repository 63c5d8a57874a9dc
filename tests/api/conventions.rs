//! Section 2 of the contract: JSON errors, body limits, unknown routes, health and the docs.

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app};

#[tokio::test]
async fn health_and_version_answer_without_credentials() {
    let app = spawn_app(Mode::Cloud).await;
    assert_eq!(
        expect(app.get("/api/health", None).await, StatusCode::OK).await,
        json!({"status": "ok"})
    );
    let v = expect(app.get("/api/version", None).await, StatusCode::OK).await;
    assert_eq!(v["mode"], "cloud");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert!(v.get("commit").is_some());
}

#[tokio::test]
async fn an_unknown_api_route_is_404_json() {
    let app = spawn_app(Mode::Selfhosted).await;
    let body = expect(
        app.get("/api/no/such/route", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(body["error"], "Not found");
}

#[tokio::test]
async fn a_wrong_method_is_405_json() {
    let app = spawn_app(Mode::Selfhosted).await;
    let res = app.delete("/api/health", None).await;
    let body = expect(res, StatusCode::METHOD_NOT_ALLOWED).await;
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn malformed_json_is_400_and_never_500() {
    let app = spawn_app(Mode::Selfhosted).await;
    for raw in ["{", "{\"email\": }", "[1,2", "nul", "\"just a string"] {
        let res = app
            .client
            .post(app.url("/api/auth/login"))
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let body = expect(res, StatusCode::BAD_REQUEST).await;
        assert!(body["error"].is_string(), "{raw}: {body}");
    }
}

#[tokio::test]
async fn wrong_types_are_400() {
    let app = spawn_app(Mode::Selfhosted).await;
    let res = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": 5, "password": ["x"]}),
        )
        .await;
    let body = expect(res, StatusCode::BAD_REQUEST).await;
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("Invalid request body"));
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413_json_and_changes_nothing() {
    let app = spawn_app(Mode::Selfhosted).await;
    let huge = format!(
        "{{\"email\":\"a@b.io\",\"name\":\"{}\",\"password\":\"Secret-123\"}}",
        "x".repeat(1024 * 1024 + 10)
    );
    let res = app
        .client
        .post(app.url("/api/auth/setup"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let body = expect(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert!(body["error"].is_string());
    let status = expect(
        app.get("/api/auth/setup/status", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(status["initialized"], false);
}

#[tokio::test]
async fn a_non_json_body_is_415() {
    let app = spawn_app(Mode::Selfhosted).await;
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("content-type", "text/plain")
        .body("email=a@b.io")
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
}

#[tokio::test]
async fn missing_credentials_get_the_standard_401_body() {
    let app = spawn_app(Mode::Selfhosted).await;
    let body = expect(
        app.get("/api/auth/me", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        body,
        json!({"error":"Unauthorized","message":"Authentication required","code":401})
    );
    for bad in ["garbage", "sb_notatoken", "eyJhbGciOiJIUzI1NiJ9.e30.x"] {
        let body = expect(
            app.get("/api/auth/me", Some(bad)).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
        assert_eq!(body["code"], 401);
    }
    let res = app
        .client
        .get(app.url("/api/auth/me"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn openapi_describes_every_route_and_the_docs_page_serves_offline_assets() {
    let app = spawn_app(Mode::Selfhosted).await;
    let doc: Value = expect(app.get("/openapi.json", None).await, StatusCode::OK).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/health", "get"),
        ("/api/version", "get"),
        ("/api/csrf-token", "get"),
        ("/api/auth/setup/status", "get"),
        ("/api/auth/setup", "post"),
        ("/api/auth/register", "post"),
        ("/api/auth/verify-signup", "post"),
        ("/api/auth/signup-verification/status", "get"),
        ("/api/auth/resend-signup-verification", "post"),
        ("/api/auth/request-signup-resend", "post"),
        ("/api/auth/login", "post"),
        ("/api/auth/logout", "post"),
        ("/api/auth/me", "get"),
        ("/api/auth/refresh", "post"),
        ("/api/auth/mfa/status", "get"),
        ("/api/auth/mfa/enroll/begin", "post"),
        ("/api/auth/mfa/enroll/confirm", "post"),
        ("/api/auth/mfa/enroll/cancel", "post"),
        ("/api/auth/mfa/verify", "post"),
        ("/api/auth/mfa/disable", "post"),
        ("/api/auth/mfa/backup/regenerate", "post"),
        ("/api/password-reset/request", "post"),
        ("/api/password-reset/verify", "get"),
        ("/api/password-reset/reset", "post"),
        ("/api/users/me", "put"),
        ("/api/email-verification/verify", "get"),
        ("/api/email-verification/confirm", "post"),
        ("/api/tokens", "get"),
        ("/api/tokens", "post"),
        ("/api/tokens/{id}", "delete"),
        ("/api/session/org", "get"),
        ("/api/session/org", "post"),
        ("/api/organizations", "get"),
        ("/api/organizations", "post"),
        ("/api/organizations/{id}", "get"),
        ("/api/organizations/{id}", "patch"),
        ("/api/organizations/{id}", "delete"),
        ("/api/organizations/{id}/members", "get"),
        ("/api/organizations/{id}/members/{userId}", "patch"),
        ("/api/organizations/{id}/members/{userId}", "delete"),
        ("/api/organizations/{id}/leave", "post"),
        ("/api/organizations/{id}/invitations", "get"),
        ("/api/organizations/{id}/invitations", "post"),
        (
            "/api/organizations/{id}/invitations/{invitationId}",
            "delete",
        ),
        (
            "/api/organizations/{id}/invitations/{invitationId}/resend",
            "post",
        ),
        ("/api/invitations/verify", "get"),
        ("/api/invitations/accept", "post"),
        ("/api/billing/checkout-session", "post"),
        ("/api/billing/portal-session", "post"),
        ("/api/billing/webhook", "post"),
        ("/api/config/plan", "get"),
        ("/go/{slug}", "get"),
        ("/go/{slug}/remember/{bookmarkId}", "get"),
        ("/api/go/preferences", "get"),
        ("/api/go/preferences", "post"),
        ("/api/go/preferences/{slug}", "delete"),
        ("/api/bookmarks", "get"),
        ("/api/bookmarks", "post"),
        ("/api/bookmarks/ids", "get"),
        ("/api/bookmarks/search", "get"),
        ("/api/bookmarks/export", "get"),
        ("/api/bookmarks/import", "post"),
        ("/api/bookmarks/{id}", "get"),
        ("/api/bookmarks/{id}", "put"),
        ("/api/bookmarks/{id}", "delete"),
        ("/api/bookmarks/{id}/track-access", "post"),
        ("/api/folders", "get"),
        ("/api/folders", "post"),
        ("/api/folders/{id}", "put"),
        ("/api/folders/{id}", "delete"),
        ("/api/tags", "get"),
        ("/api/tags", "post"),
        ("/api/tags/{id}", "put"),
        ("/api/tags/{id}", "delete"),
        ("/api/teams", "get"),
        ("/api/admin/teams", "get"),
        ("/api/admin/teams", "post"),
        ("/api/admin/teams/{id}", "put"),
        ("/api/admin/teams/{id}/members", "post"),
        ("/api/admin/teams/{id}/members/{userId}", "delete"),
        ("/api/users/for-sharing", "get"),
        ("/api/dashboard/stats", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from /openapi.json"
        );
    }
    let page = app.get("/api-docs", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("/openapi.json") && html.contains("swagger-ui-bundle.js"));
    assert!(
        !html.contains("https://"),
        "the docs page must not load anything from the internet"
    );
    let js = app.get("/api-docs/swagger-ui-bundle.js", None).await;
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.text().await.unwrap().len() > 100_000);
}
