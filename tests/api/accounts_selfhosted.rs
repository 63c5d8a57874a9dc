//! Self-hosted accounts: first-run setup, login, the signed-in user, logout.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{cookie, expect, spawn_app, spawn_with, PASSWORD};

#[tokio::test]
async fn setup_creates_the_first_admin_once_and_signs_them_in() {
    let app = spawn_app(Mode::Selfhosted).await;
    let before = expect(
        app.get("/api/auth/setup/status", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(before, json!({"initialized": false}));

    let res = app
        .post(
            "/api/auth/setup",
            None,
            json!({"email": " Ada@Example.COM ", "name": "Ada", "password": PASSWORD}),
        )
        .await;
    let jwt = cookie(&res, "token").expect("setup signs in");
    let user = expect(res, StatusCode::OK).await;
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["is_admin"], true);
    assert_eq!(user["email_verified"], true);
    for key in [
        "id",
        "user_key",
        "language",
        "theme",
        "ai_suggestions_enabled",
        "mfa_enabled",
        "created_at",
    ] {
        assert!(user.get(key).is_some(), "user object lacks {key}");
    }
    assert!(user.get("password_hash").is_none());
    assert!(user["created_at"].as_str().unwrap().ends_with('Z'));

    let me = expect(app.get("/api/auth/me", Some(&jwt)).await, StatusCode::OK).await;
    assert_eq!(me["id"], user["id"]);
    let after = expect(
        app.get("/api/auth/setup/status", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after, json!({"initialized": true}));

    let again = app
        .post(
            "/api/auth/setup",
            None,
            json!({"email": "eve@example.com", "name": "Eve", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        expect(again, StatusCode::FORBIDDEN).await["error"],
        "System already initialized"
    );
    assert_eq!(
        app.login("eve@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn racing_setups_create_exactly_one_admin() {
    let app = spawn_app(Mode::Selfhosted).await;
    let mut handles = Vec::new();
    for i in 0..8 {
        let client = app.client.clone();
        let url = app.url("/api/auth/setup");
        handles.push(tokio::spawn(async move {
            let body = json!({"email": format!("admin{i}@example.com"), "name": "Admin", "password": PASSWORD});
            client.post(url).json(&body).send().await.unwrap().status()
        }));
    }
    let mut ok = 0;
    for h in handles {
        match h.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::FORBIDDEN => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok, 1);
    let mut db = app.state.store.read().await.unwrap();
    assert_eq!(
        slugbase::store::users::count(&mut db.conn()).await.unwrap(),
        1
    );
}

#[tokio::test]
async fn setup_validates_fields_in_order_and_writes_nothing_on_error() {
    let app = spawn_app(Mode::Selfhosted).await;
    let cases = [
        (
            json!({"email": "a@b.io", "name": "A"}),
            "Email, name, and password are required",
        ),
        (
            json!({"email": "not-an-email", "name": "A", "password": PASSWORD}),
            "Invalid email format",
        ),
        (
            json!({"email": "a@b.io", "name": "  ", "password": PASSWORD}),
            "Name is required",
        ),
        (
            json!({"email": "a@b.io", "name": "x".repeat(256), "password": PASSWORD}),
            "Name must be no more than 255 characters",
        ),
        (
            json!({"email": "a@b.io", "name": "A", "password": "short"}),
            "Password must be at least 8 characters long",
        ),
        (
            json!({"email": "a@b.io", "name": "A", "password": "alllowercase1!"}),
            "Password must contain at least one uppercase letter",
        ),
    ];
    for (body, msg) in cases {
        let got = expect(
            app.post("/api/auth/setup", None, body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(got["error"], msg);
    }
    let status = expect(
        app.get("/api/auth/setup/status", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(status["initialized"], false);
}

#[tokio::test]
async fn login_checks_the_password_and_says_nothing_about_which_part_was_wrong() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let wrong = expect(
        app.login("ada@example.com", "Wrong-123").await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let unknown = expect(
        app.login("nobody@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(wrong, json!({"error": "Invalid email or password"}));
    assert_eq!(wrong, unknown);
    let missing = expect(
        app.post("/api/auth/login", None, json!({"email": "ada@example.com"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(missing["error"], "Email and password are required");
    let res = app.login("ADA@example.com", PASSWORD).await;
    assert!(cookie(&res, "token").is_some());
    let set = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    expect(res, StatusCode::OK).await;
}

#[tokio::test]
async fn the_token_cookie_and_bearer_jwt_both_authenticate() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bearer = expect(
        app.get("/api/auth/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let via_cookie = app
        .client
        .get(app.url("/api/auth/me"))
        .header("cookie", format!("token={}", ada.jwt))
        .send()
        .await
        .unwrap();
    assert_eq!(expect(via_cookie, StatusCode::OK).await, bearer);
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let first = app.login_ok("ada@example.com").await;
    let second = app.login_ok("ada@example.com").await;
    let res = app
        .post("/api/auth/logout", Some(&first.jwt), json!({}))
        .await;
    let cleared = cookie(&res, "token").unwrap();
    assert_eq!(cleared, "");
    assert_eq!(
        expect(res, StatusCode::OK).await,
        json!({"message": "Logged out"})
    );
    expect(
        app.get("/api/auth/me", Some(&first.jwt)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // Other sessions of the same person are untouched.
    expect(
        app.get("/api/auth/me", Some(&second.jwt)).await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn register_and_refresh_belong_to_cloud_mode() {
    let app = spawn_app(Mode::Selfhosted).await;
    let res = app
        .post(
            "/api/auth/register",
            None,
            json!({"email": "a@b.io", "name": "A", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::FORBIDDEN).await["error"],
        "Registrations are disabled"
    );
    expect(
        app.post("/api/auth/refresh", None, json!({})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let mut db = app.state.store.read().await.unwrap();
    let user = slugbase::store::users::by_email(&mut db.conn(), "ada@example.com")
        .await
        .unwrap()
        .unwrap();
    let hash = user.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
}

#[tokio::test]
async fn repeated_logins_from_one_address_are_rate_limited_with_a_json_429() {
    let app = spawn_with(Mode::Selfhosted, |c| c.rate_limit_auth_per_minute = 3).await;
    for _ in 0..3 {
        assert_eq!(
            app.login("x@example.com", "Wrong-123").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let res = app.login("x@example.com", "Wrong-123").await;
    assert!(res.headers().get("retry-after").is_some());
    let body = expect(res, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["code"], "RATE_LIMITED");
    // Sign-up attempts on the same address count separately from logins, but are limited too.
    for _ in 0..3 {
        app.post("/api/auth/setup", None, json!({})).await;
    }
    expect(
        app.post("/api/auth/setup", None, json!({})).await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
}
