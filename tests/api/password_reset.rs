//! Forgotten passwords: a one-hour, one-time link; using it signs the account out everywhere.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, PASSWORD};

const SENT: &str = "If an account with this email exists, a password reset link has been sent.";

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_old_sessions() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let api_token = expect(
        app.post("/api/tokens", Some(&ada.jwt), json!({"name": "laptop"}))
            .await,
        StatusCode::CREATED,
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let res = app
        .post(
            "/api/password-reset/request",
            None,
            json!({"email": "ADA@example.com"}),
        )
        .await;
    assert_eq!(expect(res, StatusCode::OK).await["message"], SENT);
    let token = app.token_from_mail("ada@example.com", "/reset-password?token=");

    let valid = expect(
        app.get(&format!("/api/password-reset/verify?token={token}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(valid, json!({"valid": true}));

    let weak = app
        .post(
            "/api/password-reset/reset",
            None,
            json!({"token": token, "password": "weak"}),
        )
        .await;
    expect(weak, StatusCode::BAD_REQUEST).await;

    let res = app
        .post(
            "/api/password-reset/reset",
            None,
            json!({"token": token, "password": "Another-456"}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::OK).await["message"],
        "Password reset successfully"
    );
    // Every session and API token made with the old password ends.
    for credential in [&ada.jwt, &api_token] {
        expect(
            app.get("/api/auth/me", Some(credential)).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("ada@example.com", "Another-456").await.status(),
        StatusCode::OK
    );

    let reused = app
        .post(
            "/api/password-reset/reset",
            None,
            json!({"token": token, "password": "Third-789!"}),
        )
        .await;
    assert_eq!(
        expect(reused, StatusCode::BAD_REQUEST).await["error"],
        "Invalid or expired token"
    );
    let stale = expect(
        app.get(&format!("/api/password-reset/verify?token={token}"), None)
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        stale,
        json!({"valid": false, "error": "Invalid or expired token"})
    );
}

#[tokio::test]
async fn requesting_a_reset_says_nothing_about_whether_the_account_exists() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let known = expect(
        app.post(
            "/api/password-reset/request",
            None,
            json!({"email": "ada@example.com"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let unknown = expect(
        app.post(
            "/api/password-reset/request",
            None,
            json!({"email": "who@example.com"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(known, unknown);
    assert_eq!(app.mails_to("who@example.com"), 0);
    let bad = expect(
        app.post(
            "/api/password-reset/request",
            None,
            json!({"email": "nope"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(bad["error"], "Invalid email format");
    let missing = expect(
        app.post(
            "/api/password-reset/reset",
            None,
            json!({"password": "Another-456"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(missing["error"], "Token and password are required");
}
