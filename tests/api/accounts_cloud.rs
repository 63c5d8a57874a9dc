//! Cloud accounts: sign-up with email verification, a personal workspace, refresh tokens.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;
use slugbase::store::{orgs, Read};

use crate::helpers::{cookie, expect, spawn_app, PASSWORD};

async fn memberships(db: &mut Read, user_id: &str) -> Vec<(String, String, String)> {
    let org = orgs::first_joined(&mut db.conn(), user_id)
        .await
        .unwrap()
        .expect("a workspace");
    let o = orgs::by_id(&mut db.conn(), &org).await.unwrap().unwrap();
    let role = orgs::role_of(&mut db.conn(), &org, user_id)
        .await
        .unwrap()
        .unwrap();
    vec![(o.name, o.plan.to_string(), role.as_str().to_string())]
}

#[tokio::test]
async fn sign_up_sends_a_link_and_only_a_verified_person_can_log_in() {
    let app = spawn_app(Mode::Cloud).await;
    let res = app
        .post(
            "/api/auth/register",
            None,
            json!({"email": "Bo@Example.com", "name": "Bo", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::CREATED).await,
        json!({"message": "Check your email to verify your account"})
    );

    let blocked = expect(
        app.login("bo@example.com", PASSWORD).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        blocked,
        json!({"error": "Email not verified", "code": "EMAIL_NOT_VERIFIED"})
    );

    let mail = app
        .last_mail_to("bo@example.com")
        .expect("a verification email");
    assert!(mail.contains(&format!(
        "{}/verify-email?token=",
        app.state.config.base_url()
    )));
    let token = app.token_from_mail("bo@example.com", "/verify-email?token=");
    assert_eq!(token.len(), 43);

    let status = expect(
        app.get(
            &format!("/api/auth/signup-verification/status?token={token}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        status,
        json!({"status": "valid", "email": "bo@example.com"})
    );
    let ok = expect(
        app.post("/api/auth/verify-signup", None, json!({"token": token}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ok["message"], "Email verified. You can log in.");
    let again = expect(
        app.post("/api/auth/verify-signup", None, json!({"token": token}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        again["error"],
        "This verification link has already been used"
    );
    let used = expect(
        app.get(
            &format!("/api/auth/signup-verification/status?token={token}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(used["status"], "used");

    let me = app.login_ok("bo@example.com").await;
    let mut db = app.state.store.read().await.unwrap();
    assert_eq!(
        memberships(&mut db, &me.id).await,
        vec![(
            "Bo's Workspace".to_string(),
            "free".to_string(),
            "owner".to_string()
        )]
    );
}

#[tokio::test]
async fn verification_errors_are_clear() {
    let app = spawn_app(Mode::Cloud).await;
    let missing = expect(
        app.post("/api/auth/verify-signup", None, json!({})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(missing["error"], "Token is required");
    let bogus = expect(
        app.post("/api/auth/verify-signup", None, json!({"token": "nope"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(bogus["error"], "Invalid or expired verification link");
    let st = expect(
        app.get("/api/auth/signup-verification/status?token=nope", None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(st, json!({"status": "invalid"}));
    expect(
        app.get("/api/auth/signup-verification/status", None).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn an_email_can_register_only_once_and_nobody_learns_it_has_an_account() {
    let app = spawn_app(Mode::Cloud).await;
    app.signup("bo@example.com", "Bo").await;
    let res = app
        .post(
            "/api/auth/register",
            None,
            json!({"email": "BO@example.com", "name": "Bo 2", "password": PASSWORD}),
        )
        .await;
    // The same answer as for a new address; the owner reads about it in their email.
    let same = expect(res, StatusCode::CREATED).await;
    assert_eq!(
        same,
        json!({"message": "Check your email to verify your account"})
    );
    let told = app.last_mail_to("bo@example.com").unwrap();
    assert!(told.contains("You have one already"), "{told}");
    assert!(told.contains("/forgot-password"), "{told}");
    let res = app.login("bo@example.com", "Another-passw0rd!").await;
    expect(res, StatusCode::UNAUTHORIZED).await;

    // Never verified: a fresh link goes to the address instead, and it works.
    let res = app
        .post(
            "/api/auth/register",
            None,
            json!({"email": "cy@example.com", "name": "Cy", "password": PASSWORD}),
        )
        .await;
    expect(res, StatusCode::CREATED).await;
    let first = app.token_from_mail("cy@example.com", "/verify-email?token=");
    let again = app
        .post(
            "/api/auth/register",
            None,
            json!({"email": "cy@example.com", "name": "Cy 2", "password": PASSWORD}),
        )
        .await;
    assert_eq!(expect(again, StatusCode::CREATED).await, same);
    let second = app.token_from_mail("cy@example.com", "/verify-email?token=");
    assert_ne!(first, second);
    let res = app
        .post("/api/auth/verify-signup", None, json!({ "token": second }))
        .await;
    expect(res, StatusCode::OK).await;
}

#[tokio::test]
async fn a_new_link_replaces_the_old_one() {
    let app = spawn_app(Mode::Cloud).await;
    app.post(
        "/api/auth/register",
        None,
        json!({"email": "bo@example.com", "name": "Bo", "password": PASSWORD}),
    )
    .await;
    let first = app.token_from_mail("bo@example.com", "/verify-email?token=");
    let res = app
        .post(
            "/api/auth/resend-signup-verification",
            None,
            json!({"token": first}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::OK).await["message"],
        "Verification email sent"
    );
    let second = app.token_from_mail("bo@example.com", "/verify-email?token=");
    assert_ne!(first, second);
    expect(
        app.post("/api/auth/verify-signup", None, json!({"token": first}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Asking by address answers the same for strangers and sends only to unverified accounts.
    let stranger = expect(
        app.post(
            "/api/auth/request-signup-resend",
            None,
            json!({"email": "who@example.com"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let known = expect(
        app.post(
            "/api/auth/request-signup-resend",
            None,
            json!({"email": "bo@example.com"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stranger, known);
    assert_eq!(app.mails_to("who@example.com"), 0);
    assert_eq!(app.mails_to("bo@example.com"), 3);
    let third = app.token_from_mail("bo@example.com", "/verify-email?token=");
    expect(
        app.post("/api/auth/verify-signup", None, json!({"token": third}))
            .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn access_tokens_are_short_lived_and_refresh_tokens_rotate() {
    let app = spawn_app(Mode::Cloud).await;
    app.signup("bo@example.com", "Bo").await;
    let res = app.login("bo@example.com", PASSWORD).await;
    let access = cookie(&res, "token").unwrap();
    let refresh = cookie(&res, "refresh_token").expect("cloud login sets a refresh token");
    expect(res, StatusCode::OK).await;
    let claims = jwt_claims(&access);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        15 * 60
    );

    let rotated = app
        .client
        .post(app.url("/api/auth/refresh"))
        .header("cookie", format!("refresh_token={refresh}"))
        .send()
        .await
        .unwrap();
    let new_access = cookie(&rotated, "token").unwrap();
    let new_refresh = cookie(&rotated, "refresh_token").unwrap();
    assert_ne!(new_refresh, refresh);
    assert_eq!(
        expect(rotated, StatusCode::OK).await["email"],
        "bo@example.com"
    );
    expect(
        app.get("/api/auth/me", Some(&new_access)).await,
        StatusCode::OK,
    )
    .await;

    // The old refresh token again, a minute later: refused, and the whole session ends.
    app.exec(
        "UPDATE refresh_tokens SET used_at = used_at - 60000 WHERE used_at IS NOT NULL",
        &[],
    )
    .await;
    let replay = app
        .client
        .post(app.url("/api/auth/refresh"))
        .header("cookie", format!("refresh_token={refresh}"))
        .send()
        .await
        .unwrap();
    expect(replay, StatusCode::UNAUTHORIZED).await;
    expect(
        app.get("/api/auth/me", Some(&new_access)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let after = app
        .client
        .post(app.url("/api/auth/refresh"))
        .header("cookie", format!("refresh_token={new_refresh}"))
        .send()
        .await
        .unwrap();
    expect(after, StatusCode::UNAUTHORIZED).await;
    expect(
        app.post("/api/auth/refresh", None, json!({})).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn refresh_tokens_are_stored_only_as_hashes() {
    let app = spawn_app(Mode::Cloud).await;
    app.signup("bo@example.com", "Bo").await;
    let res = app.login("bo@example.com", PASSWORD).await;
    let refresh = cookie(&res, "refresh_token").unwrap();
    let mut db = app.state.store.read().await.unwrap();
    let plain = slugbase::store::sessions::refresh_by_hash(&mut db.conn(), &refresh)
        .await
        .unwrap();
    assert!(plain.is_none(), "the raw token must not be a key");
    let hashed = slugbase::store::sessions::refresh_by_hash(
        &mut db.conn(),
        &slugbase::security::sha256_hex(&refresh),
    )
    .await
    .unwrap();
    assert!(hashed.is_some());
}

fn jwt_claims(jwt: &str) -> serde_json::Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn an_address_the_mailer_cannot_send_to_is_refused_before_any_account_exists() {
    let app = spawn_app(Mode::Cloud).await;
    for email in ["q\"x@w.test", "(c)x@w.test", ".dot@w.test"] {
        let res = app
            .post(
                "/api/auth/register",
                None,
                json!({"email": email, "name": "X", "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            expect(res, StatusCode::BAD_REQUEST).await,
            json!({"error": "Invalid email format"}),
            "{email}"
        );
    }
    let mut db = app.state.store.read().await.unwrap();
    assert_eq!(
        slugbase::store::users::count(&mut db.conn()).await.unwrap(),
        0,
        "no account was made"
    );
}

#[tokio::test]
async fn someone_elses_verification_link_keeps_the_browser_signed_in_as_itself() {
    let app = spawn_app(Mode::Cloud).await;
    let ada = app.signup("ada@example.com", "Ada").await;
    let (browser, _) = app.browser_signed_in("ada@example.com").await;
    let res = app
        .post(
            "/api/auth/register",
            None,
            json!({"email": "eve@example.com", "name": "Eve", "password": PASSWORD}),
        )
        .await;
    expect(res, StatusCode::CREATED).await;
    let token = app.token_from_mail("eve@example.com", "/verify-email?token=");
    // Ada's browser opens Eve's link: the address is verified, and the browser is still Ada's.
    let opened = browser
        .get(app.url(&format!("/verify-email?token={token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), StatusCode::OK);
    assert!(
        opened.url().as_str().contains("notice=verified_other"),
        "{}",
        opened.url()
    );
    let me = browser.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(expect(me, StatusCode::OK).await["id"], ada.id.as_str());
    let eve = app.login("eve@example.com", PASSWORD).await;
    expect(eve, StatusCode::OK).await;
}

/// Two tabs renew the session at the same moment with the same refresh cookie through `path`
/// (`POST /api/auth/refresh`, or the page's `GET /api/auth/resume`).
async fn race_renewals(app: &crate::helpers::TestApp, path: &str) {
    let res = app.login("bo@example.com", PASSWORD).await;
    let refresh = cookie(&res, "refresh_token").unwrap();
    let tab = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let renew = || {
        let req = if path.ends_with("refresh") {
            tab.post(app.url(path))
        } else {
            tab.get(app.url(path))
        };
        req.header("cookie", format!("refresh_token={refresh}"))
            .send()
    };
    let (x, y) = tokio::join!(renew(), renew());
    let (x, y) = (x.unwrap(), y.unwrap());
    for r in [&x, &y] {
        let to = r
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        assert!(
            matches!(r.status(), StatusCode::OK | StatusCode::SEE_OTHER)
                && !to.unwrap_or_default().starts_with("/login"),
            "{path}: one tab signed the other out ({})",
            r.status()
        );
    }
    // Both got the same new refresh token; both access tokens work, and so does the next renewal.
    let (nx, ny) = (
        cookie(&x, "refresh_token").unwrap(),
        cookie(&y, "refresh_token").unwrap(),
    );
    assert_eq!(nx, ny, "{path}");
    for access in [cookie(&x, "token").unwrap(), cookie(&y, "token").unwrap()] {
        expect(app.get("/api/auth/me", Some(&access)).await, StatusCode::OK).await;
    }
    let next = app
        .client
        .post(app.url("/api/auth/refresh"))
        .header("cookie", format!("refresh_token={nx}"))
        .send()
        .await
        .unwrap();
    expect(next, StatusCode::OK).await;
}

#[tokio::test]
async fn two_tabs_renewing_at_once_both_stay_signed_in() {
    let app = spawn_app(Mode::Cloud).await;
    app.signup("bo@example.com", "Bo").await;
    for _ in 0..3 {
        race_renewals(&app, "/api/auth/refresh").await;
        race_renewals(&app, "/api/auth/resume?redirect=/bookmarks").await;
    }
    // Another site cannot make the browser renew (and so race it): refused, nothing used up.
    let res = app.login("bo@example.com", PASSWORD).await;
    let refresh = cookie(&res, "refresh_token").unwrap();
    let forged = app
        .client
        .post(app.url("/api/auth/refresh"))
        .header("cookie", format!("refresh_token={refresh}"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    expect(forged, StatusCode::FORBIDDEN).await;
    let mine = app
        .client
        .post(app.url("/api/auth/refresh"))
        .header("cookie", format!("refresh_token={refresh}"))
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    expect(mine, StatusCode::OK).await;
}
