//! Cookie-authenticated writes need the CSRF token; Bearer writes do not.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{cookie, expect, set_cookie_line, spawn_app, TestApp};

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
    let token = cookie(&login, "token").unwrap();
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

/// `GET /api/csrf-token` from a browser (which also keeps the cookie).
async fn fetch_token(app: &TestApp, browser: &reqwest::Client) -> String {
    let res = browser
        .get(app.url("/api/csrf-token"))
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::OK).await["csrfToken"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Creates an API token named `name` with exactly these cookies and this CSRF header.
async fn create_token(app: &TestApp, cookies: &str, csrf: &str, name: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/tokens"))
        .header("cookie", cookies)
        .header("x-csrf-token", csrf)
        .json(&json!({"name": name}))
        .send()
        .await
        .unwrap()
}

async fn token_names(app: &TestApp, jwt: &str) -> Vec<String> {
    let list = expect(app.get("/api/tokens", Some(jwt)).await, StatusCode::OK).await;
    let mut names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// Security review item 4: a CSRF token fetched before signing in (one an attacker could plant)
/// stops working when the browser signs in; the sign-in sets a new one, bound to the session.
#[tokio::test]
async fn signing_in_renews_the_csrf_token_and_the_one_from_before_stops_working() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let before = fetch_token(&app, &browser).await;
    let login = browser
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": ada.email, "password": crate::helpers::PASSWORD}))
        .send()
        .await
        .unwrap();
    let renewed = cookie(&login, "csrf_token").expect("sign-in sets a new CSRF cookie");
    assert_ne!(renewed, before);
    assert_eq!(login.status(), StatusCode::OK);
    let session = cookie(&login, "token").unwrap();

    // The planted token, sent with the planted cookie, does not work in the new session.
    let planted = create_token(
        &app,
        &format!("token={session}; csrf_token={before}"),
        &before,
        "planted",
    )
    .await;
    expect(planted, StatusCode::FORBIDDEN).await;
    // The one the sign-in set does; so does one fetched now.
    let cookies = |csrf: &str| format!("token={session}; csrf_token={csrf}");
    let ok = create_token(&app, &cookies(&renewed), &renewed, "renewed").await;
    expect(ok, StatusCode::CREATED).await;
    let fetched = fetch_token(&app, &browser).await;
    let ok = create_token(&app, &cookies(&fetched), &fetched, "fetched").await;
    expect(ok, StatusCode::CREATED).await;
    assert_eq!(token_names(&app, &ada.jwt).await, ["fetched", "renewed"]);
}

/// A cookie-and-token pair from one session (an attacker's own) does not work with another
/// session's cookie, and signing out sets a new token for the signed-out browser.
#[tokio::test]
async fn a_csrf_token_works_only_in_the_session_it_was_issued_in() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (mallory, _) = app.browser_signed_in(&ada.email).await;
    let theirs = fetch_token(&app, &mallory).await;
    let (_, victim_login) = app.browser_signed_in(&ada.email).await;
    let victim = cookie(&victim_login, "token").unwrap();
    let cookies = format!("token={victim}; csrf_token={theirs}");
    let res = create_token(&app, &cookies, &theirs, "x").await;
    expect(res, StatusCode::FORBIDDEN).await;
    assert!(token_names(&app, &ada.jwt).await.is_empty());

    let out = mallory
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    let after = cookie(&out, "csrf_token").expect("signing out sets a new CSRF cookie");
    assert_ne!(after, theirs);
    expect(out, StatusCode::OK).await;
}

/// A browser's write that says it comes from another site is refused, even with the right
/// cookie and token.
#[tokio::test]
async fn a_cookie_write_from_another_site_is_refused_even_with_the_token() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (browser, _) = app.browser_signed_in(&ada.email).await;
    let token = fetch_token(&app, &browser).await;
    let post = |site: &'static str| {
        browser
            .post(app.url("/api/tokens"))
            .header("x-csrf-token", &token)
            .header("sec-fetch-site", site)
            .json(&json!({"name": site}))
            .send()
    };
    expect(post("cross-site").await.unwrap(), StatusCode::FORBIDDEN).await;
    expect(post("same-origin").await.unwrap(), StatusCode::CREATED).await;
    assert_eq!(token_names(&app, &ada.jwt).await, ["same-origin"]);
}

/// Under https the cookie is `__Host-csrf_token`: Secure, path `/`, no domain, so no other
/// host (a sibling subdomain) can set it; the plain name is no longer read.
#[tokio::test]
async fn under_https_the_csrf_cookie_is_a_host_cookie() {
    let app = crate::helpers::spawn_with(Mode::Selfhosted, |c| {
        c.base_url = Some("https://links.example.com".into());
    })
    .await;
    let ada = app.setup_admin("ada@example.com").await;
    let res = app.get("/api/csrf-token", None).await;
    let set = set_cookie_line(&res, "__Host-csrf_token").expect("__Host- cookie under https");
    assert!(cookie(&res, "csrf_token").is_none());
    let attrs = set.to_ascii_lowercase();
    assert!(attrs.contains("; secure"), "{set}");
    assert!(attrs.contains("; path=/"), "{set}");
    assert!(!attrs.contains("domain="), "{set}");
    // Issued signed out, it does not work in Ada's session; one fetched in it does, under the
    // prefixed name only.
    let signed_out = cookie(&res, "__Host-csrf_token").unwrap();
    let host_cookie = |csrf: &str| format!("token={}; __Host-csrf_token={csrf}", ada.jwt);
    let res = create_token(&app, &host_cookie(&signed_out), &signed_out, "a").await;
    expect(res, StatusCode::FORBIDDEN).await;
    let res = app
        .client
        .get(app.url("/api/csrf-token"))
        .header("cookie", format!("token={}", ada.jwt))
        .send()
        .await
        .unwrap();
    let token = cookie(&res, "__Host-csrf_token").unwrap();
    let plain = format!("token={}; csrf_token={token}", ada.jwt);
    expect(
        create_token(&app, &plain, &token, "b").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = create_token(&app, &host_cookie(&token), &token, "c").await;
    expect(res, StatusCode::CREATED).await;
    assert_eq!(token_names(&app, &ada.jwt).await, ["c"]);
}
