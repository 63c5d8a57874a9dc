//! The signed-in person's own profile, and changing their email address by confirmed link.

use reqwest::{Method, StatusCode};
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, PASSWORD};

#[tokio::test]
async fn a_person_updates_their_own_profile() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let res = app.req(Method::PUT, "/api/users/me", Some(&ada.jwt)).json(&json!({"name": " Ada L. ", "theme": "dark", "language": "de", "ai_suggestions_enabled": false})).send().await.unwrap();
    let user = expect(res, StatusCode::OK).await;
    assert_eq!(
        (
            user["name"].as_str(),
            user["theme"].as_str(),
            user["language"].as_str()
        ),
        (Some("Ada L."), Some("dark"), Some("de"))
    );
    assert_eq!(user["ai_suggestions_enabled"], false);
    let me = expect(
        app.get("/api/users/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    // The user object, and how they sign in (the original's client reads both).
    for (key, value) in user.as_object().unwrap() {
        assert_eq!(&me[key], value, "{key}");
    }
    assert_eq!(me["has_password"], true);

    for (body, status) in [
        (json!({}), StatusCode::BAD_REQUEST),
        (json!({"theme": "neon"}), StatusCode::BAD_REQUEST),
        (json!({"name": ""}), StatusCode::BAD_REQUEST),
        (json!({"name": 7}), StatusCode::BAD_REQUEST),
    ] {
        let res = app
            .req(Method::PUT, "/api/users/me", Some(&ada.jwt))
            .json(&body)
            .send()
            .await
            .unwrap();
        expect(res, status).await;
    }
    let unchanged = expect(
        app.get("/api/users/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(unchanged, me, "refused updates change nothing");
    expect(
        app.req(Method::PUT, "/api/users/me", None)
            .json(&json!({"name": "x"}))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn a_new_email_address_takes_effect_only_when_confirmed() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let res = app
        .req(Method::PUT, "/api/users/me", Some(&ada.jwt))
        .json(&json!({"email": "ada@new.example"}))
        .send()
        .await
        .unwrap();
    let body = expect(res, StatusCode::OK).await;
    assert_eq!(body["emailVerificationRequired"], true);
    assert_eq!(body["pendingEmail"], "ada@new.example");
    let me = expect(
        app.get("/api/auth/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        me["email"], "ada@example.com",
        "not changed before confirmation"
    );

    let token = app.token_from_mail("ada@new.example", "/verify-email?token=");
    let check = expect(
        app.get(
            &format!("/api/email-verification/verify?token={token}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(check, json!({"valid": true, "newEmail": "ada@new.example"}));
    let done = expect(
        app.post(
            "/api/email-verification/confirm",
            None,
            json!({"token": token}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["email"], "ada@new.example");
    assert_eq!(
        app.login("ada@new.example", PASSWORD).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    expect(
        app.post(
            "/api/email-verification/confirm",
            None,
            json!({"token": token}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn an_email_address_in_use_cannot_be_taken() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    app.add_user("bob@example.com").await;
    let res = app
        .req(Method::PUT, "/api/users/me", Some(&ada.jwt))
        .json(&json!({"email": "bob@example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await["error"],
        "User with this email already exists"
    );
    assert_eq!(app.mails_to("bob@example.com"), 0);
}
