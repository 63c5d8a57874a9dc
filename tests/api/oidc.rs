//! Signing in through an OpenID provider, against a real one: the `oidc-provider` package,
//! started by each test (tests/oidc/provider.mjs). A browser is played by a reqwest client with
//! a cookie jar that follows every redirect by hand: to the provider, through its interaction
//! (which finishes by itself for the person the test prepared), back to our callback.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{cookie, enable_mfa, expect, Person, TestApp};
use crate::oidc_provider::{instance, CLIENT_SECRET};

fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .unwrap_or_else(|| panic!("no redirect: {}", res.status()))
        .to_str()
        .unwrap()
        .to_string()
}

/// Starts at `/api/auth/corp?redirect=…` and follows redirects up to (not into) our callback:
/// the callback URL the provider sent the browser to.
async fn to_callback(app: &TestApp, browser: &Client, redirect: &str) -> String {
    let res = browser
        .get(app.url(&format!("/api/auth/corp?redirect={redirect}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "{:?}", res.headers());
    let mut next = location(&res);
    let callback = app.url("/api/auth/corp/callback");
    for _ in 0..10 {
        if next.starts_with(&callback) {
            return next;
        }
        let res = browser.get(&next).send().await.unwrap();
        assert!(res.status().is_redirection(), "{} at {next}", res.status());
        let to = location(&res);
        next = if to.starts_with('/') {
            let u = url::Url::parse(&next).unwrap();
            format!("{}{to}", u.origin().ascii_serialization())
        } else {
            to
        };
    }
    panic!("never came back to the callback");
}

/// Delivers the callback: where the browser lands, and the access cookie if one was set.
async fn deliver(browser: &Client, callback: &str) -> (String, Option<String>) {
    let res = browser.get(callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    (location(&res), cookie(&res, "token"))
}

async fn sign_in(app: &TestApp, redirect: &str) -> (String, Option<String>) {
    let b = browser();
    let callback = to_callback(app, &b, redirect).await;
    deliver(&b, &callback).await
}

fn query_param(url: &str, name: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .unwrap()
        .1
        .into_owned()
}

async fn me(app: &TestApp, jwt: &str) -> Value {
    expect(app.get("/api/auth/me", Some(jwt)).await, StatusCode::OK).await
}

async fn user_count(app: &TestApp, admin: &Person) -> i64 {
    let page = app.get("/api/admin/users?limit=1", Some(&admin.jwt)).await;
    expect(page, StatusCode::OK).await["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn a_new_face_gets_an_account_and_comes_back_to_the_same_one() {
    let (app, op, admin) = instance(true).await;
    let buttons = expect(app.get("/api/auth/providers", None).await, StatusCode::OK).await;
    // As the original SlugBase lists them (its sign-in page reads `provider_key`), and the
    // button's name.
    let id = buttons[0]["id"].clone();
    assert_eq!(
        buttons,
        json!([{"id": id, "provider_key": "corp", "key": "corp", "name": "Corp SSO",
            "issuer_url": op.issuer, "callback_url": app.url("/api/auth/corp/callback")}])
    );

    op.prepare("sub-pat", "pat@example.com", true).await;
    let (landed, jwt) = sign_in(&app, "/bookmarks").await;
    assert_eq!(landed, "/bookmarks");
    let jwt = jwt.expect("signed in");
    let pat = me(&app, &jwt).await;
    assert_eq!(
        (
            &pat["email"],
            &pat["name"],
            &pat["is_admin"],
            &pat["email_verified"]
        ),
        (
            &json!("pat@example.com"),
            &json!("Pat Provider"),
            &json!(false),
            &json!(true)
        )
    );
    let orgs = expect(
        app.get("/api/organizations", Some(&jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        orgs.as_array().unwrap().len(),
        1,
        "joins the instance's organization"
    );

    // The provider now gives another address: the subject is what links, not the email.
    op.prepare("sub-pat", "pat.renamed@example.com", true).await;
    let (_, again) = sign_in(&app, "/").await;
    assert_eq!(me(&app, &again.unwrap()).await["id"], pat["id"]);
    assert_eq!(user_count(&app, &admin).await, 2);

    let log = app
        .get("/api/admin/audit-log?action=auth.login", Some(&admin.jwt))
        .await;
    let log = expect(log, StatusCode::OK).await;
    let oidc = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["details"]["method"] == "oidc" && e["details"]["provider"] == "corp")
        .count();
    assert_eq!(oidc, 2);
    assert!(!log.to_string().contains(CLIENT_SECRET));

    // The account has no password anyone knows, so none is asked to delete it.
    assert!(app
        .login("pat@example.com", "")
        .await
        .status()
        .is_client_error());
    let res = app
        .req(reqwest::Method::DELETE, "/api/users/me", Some(&jwt))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::OK).await;
    assert_eq!(user_count(&app, &admin).await, 1);
}

#[tokio::test]
async fn a_verified_email_links_the_existing_account_and_strangers_need_auto_create() {
    let (app, op, admin) = instance(false).await;
    let bob = app.add_user("bob@example.com").await;
    op.prepare("sub-bob", "Bob@Example.com", true).await;
    let (landed, jwt) = sign_in(&app, "/").await;
    assert_eq!(landed, "/");
    assert_eq!(me(&app, &jwt.unwrap()).await["id"], bob.id.as_str());

    op.prepare("sub-carol", "carol@example.com", true).await;
    let (landed, jwt) = sign_in(&app, "/").await;
    assert_eq!(landed, "/login?error=no_account");
    assert!(jwt.is_none());
    assert_eq!(user_count(&app, &admin).await, 2, "nobody was created");
}

#[tokio::test]
async fn an_email_the_provider_does_not_vouch_for_signs_nobody_in() {
    let (app, op, admin) = instance(true).await;
    // Not verified at the provider: neither linked to the admin's account nor created.
    for email in ["admin@example.com", "eve@example.com"] {
        op.prepare(&format!("sub-{email}"), email, false).await;
        let (landed, jwt) = sign_in(&app, "/").await;
        assert_eq!(landed, "/login?error=email_not_verified");
        assert!(jwt.is_none());
    }
    assert_eq!(user_count(&app, &admin).await, 1);
    // Nor is a local account linked whose owner never confirmed the address.
    app.exec(
        "UPDATE users SET email_verified = (1 = 0) WHERE email = $1",
        &["admin@example.com"],
    )
    .await;
    op.prepare("sub-admin", "admin@example.com", true).await;
    let (landed, _) = sign_in(&app, "/").await;
    assert_eq!(landed, "/login?error=account_not_verified");
}

#[tokio::test]
async fn a_tampered_replayed_or_foreign_browser_callback_signs_nobody_in() {
    let (app, op, _admin) = instance(true).await;
    op.prepare("sub-pat", "pat@example.com", true).await;

    let b = browser();
    let callback = to_callback(&app, &b, "/").await;
    let tampered = callback.replace("state=", "state=x");
    assert_eq!(
        deliver(&b, &tampered).await,
        ("/login?error=invalid_state".into(), None)
    );

    // The state belongs to the browser that started: another one gets nothing, and the state
    // is spent for the first one too.
    let b = browser();
    let callback = to_callback(&app, &b, "/").await;
    let (landed, jwt) = deliver(&browser(), &callback).await;
    assert_eq!((landed.as_str(), jwt), ("/login?error=invalid_state", None));
    assert_eq!(deliver(&b, &callback).await.0, "/login?error=invalid_state");

    // A good callback works once; the same code and state again is refused.
    let b = browser();
    let callback = to_callback(&app, &b, "/").await;
    let (landed, jwt) = deliver(&b, &callback).await;
    assert_eq!(landed, "/");
    assert!(jwt.is_some());
    assert_eq!(
        deliver(&b, &callback).await,
        ("/login?error=invalid_state".into(), None)
    );

    // The code of that sign-in, brought back under a fresh state of the same browser: the
    // provider refuses a code it already exchanged.
    let code = query_param(&callback, "code");
    let fresh = to_callback(&app, &b, "/").await;
    let fresh_state = query_param(&fresh, "state");
    let replayed = app.url(&format!(
        "/api/auth/corp/callback?code={code}&state={fresh_state}"
    ));
    assert_eq!(
        deliver(&b, &replayed).await,
        ("/login?error=code_refused".into(), None)
    );

    // The provider said no.
    let b = browser();
    let callback = to_callback(&app, &b, "/").await;
    let state = query_param(&callback, "state");
    let denied = app.url(&format!(
        "/api/auth/corp/callback?error=access_denied&state={state}"
    ));
    assert_eq!(deliver(&b, &denied).await.0, "/login?error=access_denied");
    // Nothing at all.
    assert_eq!(
        deliver(&b, &app.url("/api/auth/corp/callback")).await.0,
        "/login?error=invalid_state"
    );
}

#[tokio::test]
async fn an_id_token_with_the_wrong_nonce_expiry_issuer_audience_or_key_is_refused() {
    let (app, op, admin) = instance(true).await;
    for mode in ["nonce", "expired", "issuer", "audience", "foreign_key"] {
        op.tamper(mode).await;
        op.prepare(&format!("sub-{mode}"), &format!("{mode}@example.com"), true)
            .await;
        let (landed, jwt) = sign_in(&app, "/").await;
        assert_eq!(landed, "/login?error=invalid_id_token", "{mode}");
        assert!(jwt.is_none(), "{mode}");
    }
    assert_eq!(user_count(&app, &admin).await, 1);
    op.tamper("none").await;
    let (landed, jwt) = sign_in(&app, "/").await;
    assert_eq!((landed.as_str(), jwt.is_some()), ("/", true));
}

#[tokio::test]
async fn with_mfa_on_the_provider_is_only_the_first_step() {
    let (app, op, _admin) = instance(false).await;
    let bob = app.add_user("bob@example.com").await;
    enable_mfa(&app, &bob).await;
    op.prepare("sub-bob", "bob@example.com", true).await;
    let b = browser();
    let callback = to_callback(&app, &b, "/bookmarks").await;
    let res = b.get(&callback).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/mfa?redirect=%2Fbookmarks");
    assert!(cookie(&res, "token").is_none());
    assert!(cookie(&res, "slugbase.mfa_pending").is_some());
}

#[tokio::test]
async fn an_unknown_or_unreachable_provider_ends_on_the_sign_in_page() {
    let (app, _op, admin) = instance(true).await;
    let res = app.go("/api/auth/nobody", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/login?error=unknown_provider");
    let created = app
        .post(
            "/api/oidc-providers",
            Some(&admin.jwt),
            json!({"key": "down", "name": "Down", "issuer_url": "http://127.0.0.1:9",
                   "client_id": "x", "client_secret": "y"}),
        )
        .await;
    expect(created, StatusCode::CREATED).await;
    let res = app.go("/api/auth/down", None).await;
    assert_eq!(location(&res), "/login?error=provider_unavailable");
}

#[tokio::test]
async fn instance_admins_manage_providers_and_the_secret_never_comes_back() {
    let (app, op, admin) = instance(true).await;
    let jwt = Some(admin.jwt.as_str());
    let list = expect(app.get("/api/oidc-providers", jwt).await, StatusCode::OK).await;
    let corp = &list[0];
    assert_eq!(corp["key"], "corp");
    assert_eq!(corp["scopes"], "openid email profile");
    assert_eq!(corp["default_role"], "user");
    assert_eq!(corp["has_client_secret"], true);
    assert_eq!(corp["callback_url"], app.url("/api/auth/corp/callback"));
    assert!(!list.to_string().contains(CLIENT_SECRET));
    let id = corp["id"].as_str().unwrap().to_string();
    let path = format!("/api/oidc-providers/{id}");

    // A change without a secret keeps the secret: signing in still works.
    let changed = app
        .put(
            &path,
            jwt,
            json!({"name": "Corp Login", "client_secret": ""}),
        )
        .await;
    let changed = expect(changed, StatusCode::OK).await;
    assert_eq!(changed["name"], "Corp Login");
    assert!(!changed.to_string().contains(CLIENT_SECRET));
    op.prepare("sub-pat", "pat@example.com", true).await;
    assert!(sign_in(&app, "/").await.1.is_some());

    for (body, status) in [
        (
            json!({"key": "corp", "name": "Again", "issuer_url": op.issuer, "client_id": "a", "client_secret": "b"}),
            StatusCode::CONFLICT,
        ),
        (
            json!({"key": "login", "name": "X", "issuer_url": op.issuer, "client_id": "a", "client_secret": "b"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"key": "Bad Key", "name": "X", "issuer_url": op.issuer, "client_id": "a", "client_secret": "b"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"key": "x", "name": "X", "issuer_url": "ftp://example.com", "client_id": "a", "client_secret": "b"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"key": "x", "name": "X", "issuer_url": op.issuer, "client_id": "a"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"key": "x", "name": "X", "issuer_url": op.issuer, "client_id": "a", "client_secret": "b", "default_role": "owner"}),
            StatusCode::BAD_REQUEST,
        ),
        // What the document says a secret and a key are, the server holds to (the fuzzer found
        // these accepted).
        (
            json!({"key": "x", "issuer_url": op.issuer, "client_id": "a", "client_secret": " b"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"key": "x", "issuer_url": op.issuer, "client_id": "a", "client_secret": "sécret"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"provider_key": "x", "key": "Not A Key", "issuer_url": op.issuer, "client_id": "a", "client_secret": "b"}),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let res = app.post("/api/oidc-providers", jwt, body.clone()).await;
        expect(res, status).await;
    }
    let bad = app
        .put(&path, jwt, json!({"issuer_url": "not a url"}))
        .await;
    expect(bad, StatusCode::BAD_REQUEST).await;
    let after = expect(app.get(&path, jwt).await, StatusCode::OK).await;
    assert_eq!(
        after["issuer_url"],
        op.issuer.as_str(),
        "a refused change changes nothing"
    );
    assert_eq!(
        expect(app.get("/api/oidc-providers", jwt).await, StatusCode::OK)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Members are refused; unknown ids are 404.
    let bob = app.add_user("bob@example.com").await;
    for res in [
        app.get("/api/oidc-providers", Some(&bob.jwt)).await,
        app.get(&path, Some(&bob.jwt)).await,
        app.put(&path, Some(&bob.jwt), json!({"name": "Mine"}))
            .await,
        app.delete(&path, Some(&bob.jwt)).await,
    ] {
        expect(res, StatusCode::FORBIDDEN).await;
    }
    let unknown = format!("/api/oidc-providers/{}", uuid::Uuid::new_v4());
    expect(app.get(&unknown, jwt).await, StatusCode::NOT_FOUND).await;
    expect(app.delete(&unknown, jwt).await, StatusCode::NOT_FOUND).await;
    expect(
        app.get("/api/oidc-providers", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // Deleted: no button, no sign-in; the account made through it stays.
    expect(app.delete(&path, jwt).await, StatusCode::OK).await;
    let buttons = expect(app.get("/api/auth/providers", None).await, StatusCode::OK).await;
    assert_eq!(buttons, json!([]));
    assert_eq!(
        location(&app.go("/api/auth/corp", None).await),
        "/login?error=unknown_provider"
    );
    assert_eq!(user_count(&app, &admin).await, 3);
    let log = app
        .get("/api/admin/audit-log?entity_type=oidc_provider", jwt)
        .await;
    let log = expect(log, StatusCode::OK).await;
    let actions: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "oidc_provider.deleted",
            "oidc_provider.updated",
            "oidc_provider.created"
        ]
    );
    assert!(!log.to_string().contains(CLIENT_SECRET));
}

#[tokio::test]
async fn cloud_offers_no_providers_of_its_own_making() {
    let app = crate::helpers::spawn_app(Mode::Cloud).await;
    let pat = app.signup("pat@example.com", "Pat").await;
    let res = app
        .post(
            "/api/oidc-providers",
            Some(&pat.jwt),
            json!({"key": "corp", "name": "Corp", "issuer_url": "https://sso.example.com",
                   "client_id": "a", "client_secret": "b"}),
        )
        .await;
    expect(res, StatusCode::FORBIDDEN).await;
    let buttons = expect(app.get("/api/auth/providers", None).await, StatusCode::OK).await;
    assert_eq!(buttons, json!([]));
    assert_eq!(
        location(&app.go("/api/auth/corp", None).await),
        "/login?error=unknown_provider"
    );
}
