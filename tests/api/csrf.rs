//! Cookie-authenticated writes need the CSRF token; Bearer writes do not.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app};

#[tokio::test]
async fn a_cookie_write_without_the_csrf_header_is_refused_and_changes_nothing() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (browser, _) = app.browser_signed_in(&ada.email).await;

    // Reads need nothing more than the cookie.
    assert_eq!(
        browser
            .get(app.url("/api/tokens"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let refused = browser
        .post(app.url("/api/tokens"))
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect(refused, StatusCode::FORBIDDEN).await,
        json!({"error": "Invalid CSRF token"})
    );
    let forged = browser
        .post(app.url("/api/tokens"))
        .header("x-csrf-token", "abc.def")
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    expect(forged, StatusCode::FORBIDDEN).await;
    let list = expect(app.get("/api/tokens", Some(&ada.jwt)).await, StatusCode::OK).await;
    assert_eq!(list, json!([]));

    let csrf = expect(
        browser
            .get(app.url("/api/csrf-token"))
            .send()
            .await
            .unwrap(),
        StatusCode::OK,
    )
    .await;
    let token = csrf["csrfToken"].as_str().unwrap();
    let ok = browser
        .post(app.url("/api/tokens"))
        .header("x-csrf-token", token)
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    expect(ok, StatusCode::CREATED).await;
}

#[tokio::test]
async fn a_csrf_token_from_another_browser_does_not_work() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let attacker = expect(app.get("/api/csrf-token", None).await, StatusCode::OK).await;
    let res = app
        .client
        .post(app.url("/api/tokens"))
        .header("cookie", format!("token={}", ada.jwt))
        .header("x-csrf-token", attacker["csrfToken"].as_str().unwrap())
        .json(&json!({"name": "x"}))
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn bearer_writes_need_no_csrf_token() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    expect(
        app.post("/api/tokens", Some(&ada.jwt), json!({"name": "x"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn signing_out_with_the_cookie_needs_no_csrf_token_and_ends_only_that_session() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (browser, login) = app.browser_signed_in(&ada.email).await;
    let token = crate::helpers::cookie(&login, "token").unwrap();
    let me = |c: &reqwest::Client| c.get(app.url("/api/auth/me")).send();
    assert_eq!(me(&browser).await.unwrap().status(), StatusCode::OK);

    let out = browser
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect(out, StatusCode::OK).await,
        json!({"message": "Logged out"})
    );
    assert_eq!(
        me(&browser).await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    // That session is over even for a copy of its cookie; the one started elsewhere is not.
    expect(
        app.get("/api/auth/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    expect(
        app.get("/api/auth/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
}
