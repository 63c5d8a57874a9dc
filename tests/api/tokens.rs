//! Personal API tokens: shown once, stored hashed, revocable at once, ten at most.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, spawn_with};

#[tokio::test]
async fn a_token_is_shown_once_authenticates_and_dies_when_revoked() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let created = expect(
        app.post("/api/tokens", Some(&ada.jwt), json!({"name": "laptop"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let secret = created["token"].as_str().unwrap().to_string();
    assert!(secret.starts_with("sb_"));
    assert_eq!(secret.len(), 3 + 43);
    assert!(secret[3..]
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(created["name"], "laptop");

    let list = expect(app.get("/api/tokens", Some(&ada.jwt)).await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(
        list[0].get("token").is_none(),
        "a listed token never shows its secret"
    );
    assert_eq!(list[0]["last_used_at"], serde_json::Value::Null);

    let me = expect(app.get("/api/auth/me", Some(&secret)).await, StatusCode::OK).await;
    assert_eq!(me["email"], "ada@example.com");
    let list = expect(app.get("/api/tokens", Some(&ada.jwt)).await, StatusCode::OK).await;
    assert!(list[0]["last_used_at"].is_string(), "use is recorded");

    let id = created["id"].as_str().unwrap();
    let revoked = expect(
        app.delete(&format!("/api/tokens/{id}"), Some(&ada.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(revoked, json!({"message": "Token revoked"}));
    expect(
        app.get("/api/auth/me", Some(&secret)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    expect(
        app.delete(&format!("/api/tokens/{id}"), Some(&ada.jwt))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    expect(
        app.delete("/api/tokens/not-a-uuid", Some(&ada.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn tokens_are_stored_only_as_sha256() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let created = expect(
        app.post("/api/tokens", Some(&ada.jwt), json!({"name": "ci"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let secret = created["token"].as_str().unwrap();
    let mut db = app.state.store.read().await.unwrap();
    assert!(slugbase::store::tokens::by_hash(&mut db.conn(), secret)
        .await
        .unwrap()
        .is_none());
    let row =
        slugbase::store::tokens::by_hash(&mut db.conn(), &slugbase::security::sha256_hex(secret))
            .await
            .unwrap();
    assert_eq!(row.unwrap().id, created["id"].as_str().unwrap());
}

#[tokio::test]
async fn someone_elses_token_is_not_found_and_keeps_working() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let created = expect(
        app.post("/api/tokens", Some(&ada.jwt), json!({"name": "mine"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["id"].as_str().unwrap();
    expect(
        app.delete(&format!("/api/tokens/{id}"), Some(&bob.jwt))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let bobs = expect(app.get("/api/tokens", Some(&bob.jwt)).await, StatusCode::OK).await;
    assert_eq!(bobs, json!([]));
    expect(
        app.get("/api/auth/me", Some(created["token"].as_str().unwrap()))
            .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn token_names_are_validated() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    for (body, msg) in [
        (json!({}), "Token name is required"),
        (json!({"name": "   "}), "Token name is required"),
        (
            json!({"name": "x".repeat(101)}),
            "Token name must be no more than 100 characters",
        ),
    ] {
        let got = expect(
            app.post("/api/tokens", Some(&ada.jwt), body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(got["error"], msg);
    }
    expect(
        app.post(
            "/api/tokens",
            Some(&ada.jwt),
            json!({"name": "x".repeat(100)}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect(
        app.post("/api/tokens", None, json!({"name": "anon"})).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn racing_creations_never_exceed_ten_live_tokens() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let mut handles = Vec::new();
    for i in 0..16 {
        let req = app
            .req(reqwest::Method::POST, "/api/tokens", Some(&ada.jwt))
            .json(&json!({"name": format!("t{i}")}));
        handles.push(tokio::spawn(
            async move { req.send().await.unwrap().status() },
        ));
    }
    let mut created = 0;
    for h in handles {
        match h.await.unwrap() {
            StatusCode::CREATED => created += 1,
            StatusCode::BAD_REQUEST => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(created, 10);
    let over = expect(
        app.post("/api/tokens", Some(&ada.jwt), json!({"name": "eleventh"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        over["error"],
        "Maximum of 10 tokens per user. Revoke an existing token first."
    );
    let list = expect(app.get("/api/tokens", Some(&ada.jwt)).await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn token_creation_is_rate_limited_per_user() {
    let app = spawn_with(Mode::Selfhosted, |c| c.rate_limit_write_per_minute = 2).await;
    let ada = app.setup_admin("ada@example.com").await;
    for i in 0..2 {
        expect(
            app.post(
                "/api/tokens",
                Some(&ada.jwt),
                json!({"name": format!("t{i}")}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let body = expect(
        app.post("/api/tokens", Some(&ada.jwt), json!({"name": "t3"}))
            .await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    assert_eq!(body["code"], "RATE_LIMITED");
}
