//! Multi-factor authentication: enrolling an authenticator app, signing in with a code or a
//! backup code, and what must never work (replays, someone else's code, a pending token used as
//! a session).

use crate::helpers::{
    cookie, enable_mfa, expect, set_cookie_line, spawn_app, spawn_with, Authenticator, Person,
    TestApp, PASSWORD,
};
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

/// Signs in with the password and returns the MFA pending token.
async fn password_step(app: &TestApp, email: &str) -> String {
    let body = expect(app.login(email, PASSWORD).await, StatusCode::OK).await;
    assert_eq!(body["mfa_required"], true);
    body["mfa_token"].as_str().unwrap().to_string()
}

async fn verify(app: &TestApp, mfa_token: &str, code: &str) -> Response {
    app.post(
        "/api/auth/mfa/verify",
        None,
        json!({"mfa_token": mfa_token, "code": code}),
    )
    .await
}

async fn status(app: &TestApp, who: &Person) -> Value {
    expect(
        app.get("/api/auth/mfa/status", Some(&who.jwt)).await,
        StatusCode::OK,
    )
    .await
}

#[tokio::test]
async fn after_enrolling_a_password_alone_no_longer_signs_in_and_a_code_does() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    assert_eq!(
        status(&app, &ada).await,
        json!({"enabled": false, "backup_codes_remaining": 0})
    );

    let begun = expect(
        app.post("/api/auth/mfa/enroll/begin", Some(&ada.jwt), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let secret = begun["secret"].as_str().unwrap();
    assert_eq!(secret.len(), 32, "20 bytes in base32");
    assert_eq!(
        begun["otpauth_url"],
        format!("otpauth://totp/SlugBase:ada@example.com?secret={secret}&issuer=SlugBase")
    );
    assert_eq!(
        status(&app, &ada).await["enabled"],
        false,
        "not on until confirmed"
    );
    let mut phone = Authenticator::new(secret);
    let confirmed = expect(
        app.post(
            "/api/auth/mfa/enroll/confirm",
            Some(&ada.jwt),
            json!({"code": phone.code()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(confirmed["enabled"], true);
    let codes = confirmed["backup_codes"].as_array().unwrap();
    assert_eq!(codes.len(), 10);
    for c in codes {
        let c = c.as_str().unwrap();
        assert_eq!(c.len(), 9, "{c}");
        assert_eq!(c.as_bytes()[4], b'-', "{c}");
        assert!(c.bytes().all(|b| b == b'-' || b.is_ascii_alphanumeric()));
    }
    assert_eq!(
        status(&app, &ada).await,
        json!({"enabled": true, "backup_codes_remaining": 10})
    );
    let me = expect(
        app.get("/api/auth/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["mfa_enabled"], true);
    assert!(
        !me.to_string().contains(secret),
        "the secret is never shown again"
    );

    let login = app.login("ada@example.com", PASSWORD).await;
    assert!(
        cookie(&login, "token").is_none(),
        "no session before the code"
    );
    let pending_cookie = set_cookie_line(&login, "slugbase.mfa_pending").expect("pending cookie");
    assert!(pending_cookie.contains("HttpOnly"));
    assert!(pending_cookie.contains("Max-Age=300"));
    let body = expect(login, StatusCode::OK).await;
    assert_eq!(body["mfa_required"], true);
    assert!(body.get("email").is_none(), "no user object yet");
    let mfa_token = body["mfa_token"].as_str().unwrap();

    let res = verify(&app, mfa_token, &phone.code()).await;
    let jwt = cookie(&res, "token").expect("session cookie");
    assert_eq!(
        cookie(&res, "slugbase.mfa_pending").as_deref(),
        Some(""),
        "pending cookie cleared"
    );
    let user = expect(res, StatusCode::OK).await;
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["mfa_enabled"], true);
    let me = expect(app.get("/api/auth/me", Some(&jwt)).await, StatusCode::OK).await;
    assert_eq!(me["id"], ada.id);
}

#[tokio::test]
async fn the_pending_cookie_alone_carries_the_sign_in_to_its_second_step() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (mut phone, _) = enable_mfa(&app, &ada).await;
    let (browser, _) = app.browser_signed_in(&ada.email).await;
    let res = browser
        .post(app.url("/api/auth/mfa/verify"))
        .json(&json!({"code": phone.code()}))
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::OK).await;
    let me = browser.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(expect(me, StatusCode::OK).await["email"], ada.email);
}

#[tokio::test]
async fn a_pending_token_is_no_session_and_a_session_token_is_no_pending_token() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (mut phone, _) = enable_mfa(&app, &ada).await;
    let mfa_token = password_step(&app, &ada.email).await;

    expect(
        app.get("/api/auth/me", Some(&mfa_token)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let as_cookie = app
        .client
        .get(app.url("/api/auth/me"))
        .header("cookie", format!("token={mfa_token}"))
        .send()
        .await
        .unwrap();
    expect(as_cookie, StatusCode::UNAUTHORIZED).await;

    let expired = json!({
        "error": "MFA session expired. Please sign in again.",
        "code": "MFA_PENDING_INVALID"
    });
    let code = phone.code();
    let refused = expect(
        verify(&app, &ada.jwt, &code).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(refused, expired, "an access JWT is not an MFA token");
    let refused = expect(
        verify(&app, &format!("{mfa_token}x"), &code).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(refused, expired);
    let without = app
        .post("/api/auth/mfa/verify", None, json!({"code": code}))
        .await;
    assert_eq!(expect(without, StatusCode::UNAUTHORIZED).await, expired);

    // None of that spent the code.
    expect(verify(&app, &mfa_token, &code).await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_wrong_code_is_refused_and_a_used_code_cannot_be_replayed() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (mut phone, _) = enable_mfa(&app, &ada).await;
    let mfa_token = password_step(&app, &ada.email).await;
    let invalid = json!({"error": "Invalid code", "code": "INVALID_CODE"});

    let code = phone.code();
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    assert_eq!(
        expect(
            verify(&app, &mfa_token, &wrong).await,
            StatusCode::UNAUTHORIZED
        )
        .await,
        invalid
    );
    assert_eq!(
        expect(
            verify(&app, &mfa_token, "not-a-code").await,
            StatusCode::UNAUTHORIZED
        )
        .await,
        invalid
    );
    expect(verify(&app, &mfa_token, &code).await, StatusCode::OK).await;

    // Someone who saw the code (and knows the password) cannot use it again.
    let again = password_step(&app, &ada.email).await;
    assert_eq!(
        expect(verify(&app, &again, &code).await, StatusCode::UNAUTHORIZED).await,
        invalid
    );
    // The next code works.
    expect(verify(&app, &again, &phone.code()).await, StatusCode::OK).await;
}

#[tokio::test]
async fn a_backup_code_signs_in_once() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (_, codes) = enable_mfa(&app, &ada).await;
    let mfa_token = password_step(&app, &ada.email).await;
    let res = verify(&app, &mfa_token, &codes[0].to_uppercase()).await;
    assert!(cookie(&res, "token").is_some());
    expect(res, StatusCode::OK).await;
    assert_eq!(status(&app, &ada).await["backup_codes_remaining"], 9);

    let mfa_token = password_step(&app, &ada.email).await;
    let refused = expect(
        verify(&app, &mfa_token, &codes[0]).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(refused["code"], "INVALID_CODE");
    expect(verify(&app, &mfa_token, &codes[1]).await, StatusCode::OK).await;
    assert_eq!(status(&app, &ada).await["backup_codes_remaining"], 8);
}

#[tokio::test]
async fn bobs_code_cannot_finish_adas_sign_in() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let (mut adas_phone, _) = enable_mfa(&app, &ada).await;
    let (mut bobs_phone, bobs_codes) = enable_mfa(&app, &bob).await;

    let adas_pending = password_step(&app, &ada.email).await;
    for code in [bobs_phone.code(), bobs_codes[0].clone()] {
        let refused = expect(
            verify(&app, &adas_pending, &code).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
        assert_eq!(refused["code"], "INVALID_CODE");
    }
    assert_eq!(
        status(&app, &bob).await["backup_codes_remaining"],
        10,
        "Bob's backup code was not spent"
    );
    let user = expect(
        verify(&app, &adas_pending, &adas_phone.code()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(user["email"], "ada@example.com");
}

#[tokio::test]
async fn disabling_takes_a_code_and_then_the_password_alone_signs_in() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (mut phone, codes) = enable_mfa(&app, &ada).await;

    let refused = expect(
        app.post(
            "/api/auth/mfa/disable",
            Some(&ada.jwt),
            json!({"code": "000000", "password": PASSWORD}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(refused["code"], "INVALID_CODE");
    let missing = expect(
        app.post("/api/auth/mfa/disable", Some(&ada.jwt), json!({}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(missing["error"], "Code is required");
    // The password is asked for too, and checked before the code: a wrong one spends no
    // backup code.
    let no_password = expect(
        app.post(
            "/api/auth/mfa/disable",
            Some(&ada.jwt),
            json!({"code": codes[1]}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(no_password["code"], "PASSWORD_REQUIRED");
    let wrong = expect(
        app.post(
            "/api/auth/mfa/disable",
            Some(&ada.jwt),
            json!({"code": codes[1], "password": "not the password"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        wrong,
        json!({"error": "Invalid password", "code": "INVALID_PASSWORD"})
    );
    assert_eq!(status(&app, &ada).await["enabled"], true);
    assert_eq!(status(&app, &ada).await["backup_codes_remaining"], 10);

    let off = expect(
        app.post(
            "/api/auth/mfa/disable",
            Some(&ada.jwt),
            json!({"code": phone.code(), "password": PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(off, json!({"enabled": false}));
    assert_eq!(
        status(&app, &ada).await,
        json!({"enabled": false, "backup_codes_remaining": 0})
    );
    let again = expect(
        app.post(
            "/api/auth/mfa/disable",
            Some(&ada.jwt),
            json!({"code": codes[0], "password": PASSWORD}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(again["error"], "MFA is not enabled");

    let res = app.login(&ada.email, PASSWORD).await;
    assert!(cookie(&res, "token").is_some());
    let user = expect(res, StatusCode::OK).await;
    assert_eq!(user["mfa_enabled"], false);

    // A backup code also turns MFA off.
    let (_, codes) = enable_mfa(&app, &ada).await;
    let off = expect(
        app.post(
            "/api/auth/mfa/disable",
            Some(&ada.jwt),
            json!({"code": codes[3], "password": PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(off["enabled"], false);
}

#[tokio::test]
async fn regenerating_backup_codes_retires_the_old_ones() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (mut phone, old) = enable_mfa(&app, &ada).await;
    let refused = expect(
        app.post(
            "/api/auth/mfa/backup/regenerate",
            Some(&ada.jwt),
            json!({"code": "abcd-efgh", "password": PASSWORD}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(refused["code"], "INVALID_CODE");

    let fresh = expect(
        app.post(
            "/api/auth/mfa/backup/regenerate",
            Some(&ada.jwt),
            json!({"code": phone.code(), "password": PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let fresh: Vec<String> = fresh["backup_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(fresh.len(), 10);
    assert!(fresh.iter().all(|c| !old.contains(c)));
    assert_eq!(status(&app, &ada).await["backup_codes_remaining"], 10);

    let mfa_token = password_step(&app, &ada.email).await;
    let refused = expect(
        verify(&app, &mfa_token, &old[0]).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(refused["code"], "INVALID_CODE");
    expect(verify(&app, &mfa_token, &fresh[0]).await, StatusCode::OK).await;
}

#[tokio::test]
async fn enrollment_says_what_is_wrong() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let no_enrollment = json!({"error": "No MFA enrollment in progress"});
    assert_eq!(
        expect(
            app.post(
                "/api/auth/mfa/enroll/confirm",
                Some(&ada.jwt),
                json!({"code": "123456"})
            )
            .await,
            StatusCode::BAD_REQUEST
        )
        .await,
        no_enrollment
    );

    let first = expect(
        app.post("/api/auth/mfa/enroll/begin", Some(&ada.jwt), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let mut first_phone = Authenticator::new(first["secret"].as_str().unwrap());
    let code = first_phone.code();
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    assert_eq!(
        expect(
            app.post(
                "/api/auth/mfa/enroll/confirm",
                Some(&ada.jwt),
                json!({"code": wrong})
            )
            .await,
            StatusCode::BAD_REQUEST
        )
        .await,
        json!({"error": "Invalid code", "code": "INVALID_CODE"})
    );

    // Beginning again replaces the secret: the first app's codes no longer confirm.
    let second = expect(
        app.post("/api/auth/mfa/enroll/begin", Some(&ada.jwt), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_ne!(first["secret"], second["secret"]);
    let mut second_phone = Authenticator::new(second["secret"].as_str().unwrap());
    let second_code = second_phone.code();
    if code != second_code {
        expect(
            app.post(
                "/api/auth/mfa/enroll/confirm",
                Some(&ada.jwt),
                json!({"code": code}),
            )
            .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }

    let cancelled = app
        .post("/api/auth/mfa/enroll/cancel", Some(&ada.jwt), json!({}))
        .await;
    expect(cancelled, StatusCode::OK).await;
    assert_eq!(
        expect(
            app.post(
                "/api/auth/mfa/enroll/confirm",
                Some(&ada.jwt),
                json!({"code": second_code})
            )
            .await,
            StatusCode::BAD_REQUEST
        )
        .await,
        no_enrollment
    );
    let user = expect(app.login(&ada.email, PASSWORD).await, StatusCode::OK).await;
    assert_eq!(
        user["mfa_enabled"], false,
        "a cancelled enrollment changes nothing"
    );

    enable_mfa(&app, &ada).await;
    assert_eq!(
        expect(
            app.post("/api/auth/mfa/enroll/begin", Some(&ada.jwt), json!({}))
                .await,
            StatusCode::BAD_REQUEST
        )
        .await,
        json!({"error": "MFA is already enabled"})
    );
    expect(
        app.post("/api/auth/mfa/enroll/cancel", Some(&ada.jwt), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        status(&app, &ada).await["enabled"],
        true,
        "cancel leaves MFA that is on alone"
    );

    for path in [
        "/api/auth/mfa/enroll/begin",
        "/api/auth/mfa/enroll/confirm",
        "/api/auth/mfa/disable",
        "/api/auth/mfa/backup/regenerate",
    ] {
        expect(
            app.post(path, None, json!({"code": "123456"})).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    expect(
        app.get("/api/auth/mfa/status", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn cookie_authenticated_mfa_changes_need_the_csrf_token() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (browser, _) = app.browser_signed_in(&ada.email).await;

    let refused = browser
        .post(app.url("/api/auth/mfa/enroll/begin"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect(refused, StatusCode::FORBIDDEN).await,
        json!({"error": "Invalid CSRF token"})
    );
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
    let begun = browser
        .post(app.url("/api/auth/mfa/enroll/begin"))
        .header("x-csrf-token", token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let begun = expect(begun, StatusCode::OK).await;
    let mut phone = Authenticator::new(begun["secret"].as_str().unwrap());
    let refused = browser
        .post(app.url("/api/auth/mfa/enroll/confirm"))
        .json(&json!({"code": phone.code()}))
        .send()
        .await
        .unwrap();
    expect(refused, StatusCode::FORBIDDEN).await;
    assert_eq!(status(&app, &ada).await["enabled"], false);
}

#[tokio::test]
async fn guessing_codes_is_rate_limited() {
    let app = spawn_with(Mode::Selfhosted, |c| c.rate_limit_auth_per_minute = 3).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (_, _) = enable_mfa(&app, &ada).await; // spends one of the three
    let mfa_token = password_step(&app, &ada.email).await;
    for _ in 0..2 {
        expect(
            verify(&app, &mfa_token, "000000").await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    let limited = expect(
        verify(&app, &mfa_token, "000000").await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    assert_eq!(limited["code"], "RATE_LIMITED");
}

#[tokio::test]
async fn in_the_cloud_the_second_step_also_sets_the_refresh_cookie() {
    let app = spawn_app(Mode::Cloud).await;
    let ada = app.signup("ada@example.com", "Ada").await;
    let (mut phone, _) = enable_mfa(&app, &ada).await;
    let login = app.login(&ada.email, PASSWORD).await;
    assert!(cookie(&login, "refresh_token").is_none());
    let mfa_token = expect(login, StatusCode::OK).await["mfa_token"]
        .as_str()
        .unwrap()
        .to_string();
    let res = verify(&app, &mfa_token, &phone.code()).await;
    assert!(cookie(&res, "token").is_some());
    assert!(cookie(&res, "refresh_token").is_some());
    expect(res, StatusCode::OK).await;
}

#[tokio::test]
async fn turning_mfa_on_or_off_ends_every_other_session_and_token() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let new_token = |who: Person| {
        let app = &app;
        async move {
            expect(
                app.post("/api/tokens", Some(&who.jwt), json!({"name": "cli"}))
                    .await,
                StatusCode::CREATED,
            )
            .await["token"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let me = |credential: String| {
        let app = &app;
        async move { app.get("/api/auth/me", Some(&credential)).await.status() }
    };

    let phone_session = app.login_ok("ada@example.com").await;
    let token = new_token(ada.clone()).await;
    let (mut phone, _) = enable_mfa(&app, &ada).await;
    assert_eq!(
        me(ada.jwt.clone()).await,
        StatusCode::OK,
        "the session that turned it on stays"
    );
    assert_eq!(
        me(phone_session.jwt.clone()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me(token).await, StatusCode::UNAUTHORIZED);

    let token = new_token(ada.clone()).await;
    expect(
        app.post(
            "/api/auth/mfa/disable",
            Some(&ada.jwt),
            json!({"code": phone.code(), "password": PASSWORD}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me(ada.jwt.clone()).await, StatusCode::OK);
    assert_eq!(me(token).await, StatusCode::UNAUTHORIZED);
}
