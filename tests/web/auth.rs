//! Signing in and the account links, in a browser; and the go-link pages.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::browser::no_redirects;
use crate::browser::Browser;
use crate::helpers::{cookie, enable_mfa, expect, spawn_app, PASSWORD};

#[tokio::test]
async fn first_run_setup_then_sign_out_and_back_in() {
    let app = spawn_app(Mode::Selfhosted).await;
    let b = Browser::open(&app.base).await;
    b.goto("/login").await;
    assert_eq!(
        b.wait_page("/setup").await,
        "/setup",
        "before the first admin, sign-in leads to setup"
    );
    b.check_page("auth-setup").await;
    b.fill("input[name=name]", "Ada Admin").await;
    b.fill("input[name=email]", "ada@example.com").await;
    b.fill("input[name=password]", "short").await;
    b.click("form[action='/setup'] button").await;
    b.wait_text("at least 8").await;
    assert!(b.exists("[role=alert]").await);
    assert_eq!(
        b.find("input[name=email]")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("ada@example.com")
    );
    b.fill("input[name=password]", PASSWORD).await;
    b.click("form[action='/setup'] button").await;
    b.wait_path(|p| !p.starts_with("/setup")).await;
    b.wait_text("Ada Admin").await;

    // Setup is done: the page now leads to sign-in.
    b.click_text("Sign out").await;
    assert!(b
        .wait_path(|p| p.starts_with("/login"))
        .await
        .starts_with("/login"));
    b.wait_text("You are signed out").await;
    b.check_page("auth-login").await;
    b.goto("/setup").await;
    assert_eq!(b.wait_page("/login").await, "/login");

    b.fill("input[name=email]", "ada@example.com").await;
    b.fill("input[name=password]", "wrong-password").await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_text("do not match").await;
    b.check_page("auth-login-refused").await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.wait_text("Ada Admin").await;
    b.close().await;
}

#[tokio::test]
async fn signing_in_from_a_go_link_ends_at_its_target() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let target = app.url("/api/version");
    expect(
        app.post(
            "/api/bookmarks",
            Some(&ada.jwt),
            json!({"title": "Version", "url": target, "slug": "version", "forwarding_enabled": true}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let b = Browser::open(&app.base).await;
    b.goto("/go/version").await;
    assert_eq!(
        b.wait_path(|p| p.starts_with("/login")).await,
        "/login?redirect=%2Fgo%2Fversion"
    );
    b.sign_in("ada@example.com", PASSWORD).await;
    assert_eq!(b.wait_page("/api/version").await, "/api/version");
    b.wait_text("selfhosted").await;

    // A missing go-link is a page in the app's look that offers to create it.
    b.goto("/go/nowhere").await;
    b.wait_text("No bookmark you can see").await;
    b.check_page("go-missing").await;
    b.click_text("Create this go-link").await;
    assert_eq!(
        b.wait_path(|p| p.starts_with("/bookmarks/new")).await,
        "/bookmarks/new?slug=nowhere"
    );
    b.close().await;
}

#[tokio::test]
async fn cloud_sign_up_then_the_emailed_link_verifies_and_signs_in() {
    let app = spawn_app(Mode::Cloud).await;
    let b = Browser::open(&app.base).await;
    b.goto("/login").await;
    b.click_text("Sign up").await;
    b.wait_page("/signup").await;
    b.check_page("auth-signup").await;
    b.fill("input[name=name]", "Grace").await;
    b.fill("input[name=email]", "grace@example.com").await;
    b.fill("input[name=password]", PASSWORD).await;
    b.click("form[action='/signup'] button").await;
    b.wait_text("We sent a link to grace@example.com").await;
    b.check_page("auth-check-email").await;

    // Signing in before verifying says what to do.
    b.goto("/login").await;
    b.fill("input[name=email]", "grace@example.com").await;
    b.fill("input[name=password]", PASSWORD).await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_text("confirm your email address first").await;

    let token = app.token_from_mail("grace@example.com", "/verify-email?token=");
    b.goto(&format!("/verify-email?token={token}")).await;
    b.wait_path(|p| !p.starts_with("/verify-email")).await;
    b.wait_text("Your email is confirmed").await;
    b.wait_text("Grace").await;

    // The link works once; afterwards it says so plainly.
    b.click_text("Sign out").await;
    b.wait_path(|p| p.starts_with("/login")).await;
    b.goto(&format!("/verify-email?token={token}")).await;
    b.wait_text("already been used").await;
    b.check_page("auth-link-used").await;
    b.close().await;
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_emailed_link() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let b = Browser::open(&app.base).await;
    b.goto("/login").await;
    b.click_text("Forgot your password?").await;
    b.wait_page("/forgot-password").await;
    b.check_page("auth-forgot").await;
    b.fill("input[name=email]", "ada@example.com").await;
    b.click("form[action='/forgot-password'] button").await;
    b.wait_text("a reset link is on its way").await;

    let token = app.token_from_mail("ada@example.com", "/reset-password?token=");
    b.goto(&format!("/reset-password?token={token}")).await;
    b.check_page("auth-reset").await;
    b.fill("input[name=password]", "New-secret-456").await;
    b.fill("input[name=password_confirm]", "Something-else")
        .await;
    b.click("form[action='/reset-password'] button").await;
    b.wait_text("not the same").await;
    b.fill("input[name=password]", "New-secret-456").await;
    b.fill("input[name=password_confirm]", "New-secret-456")
        .await;
    b.click("form[action='/reset-password'] button").await;
    b.wait_text("Your password has been changed").await;
    b.sign_in("ada@example.com", "New-secret-456").await;
    b.wait_text("Sign out").await;

    // The link is spent.
    b.goto(&format!("/reset-password?token={token}")).await;
    b.wait_text("expired").await;
    b.close().await;
}

#[tokio::test]
async fn with_mfa_on_sign_in_asks_for_the_code() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let (mut phone, _) = enable_mfa(&app, &ada).await;

    let b = Browser::open(&app.base).await;
    b.goto("/login?redirect=%2Fapi%2Fversion").await;
    b.sign_in("ada@example.com", PASSWORD).await;
    assert_eq!(
        b.wait_path(|p| p.starts_with("/mfa")).await,
        "/mfa?redirect=%2Fapi%2Fversion"
    );
    b.check_page("auth-mfa").await;
    b.fill("input[name=code]", "000000").await;
    b.click("form[action='/mfa'] button").await;
    b.wait_text("That code is not right").await;
    b.fill("input[name=code]", &phone.code()).await;
    b.click("form[action='/mfa'] button").await;
    assert_eq!(b.wait_page("/api/version").await, "/api/version");
    b.close().await;
}

#[tokio::test]
async fn always_use_this_saves_the_choice_with_a_form() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let carol = app.add_user("carol@example.com").await;
    for (who, url) in [
        (&ada, app.url("/api/health")),
        (&carol, app.url("/api/version")),
    ] {
        expect(
            app.post(
                "/api/bookmarks",
                Some(&who.jwt),
                json!({"title": format!("Wiki of {}", who.email), "url": url, "slug": "wiki",
                       "forwarding_enabled": true, "user_ids": [bob.id]}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let b = Browser::open(&app.base).await;
    b.goto("/login").await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/go/wiki").await;
    b.wait_text("Several bookmarks answer").await;
    b.check_page("go-chooser").await;
    let forms =
        b.c.find_all(fantoccini::Locator::Css(
            "form[action^='/go/wiki/remember/']",
        ))
        .await
        .unwrap();
    assert_eq!(forms.len(), 2);
    // Carol's card: the one whose text names her.
    let cards =
        b.c.find_all(fantoccini::Locator::Css("li.card"))
            .await
            .unwrap();
    let mut chosen = None;
    for card in cards {
        if card.text().await.unwrap().contains("carol") {
            chosen = Some(card);
        }
    }
    chosen
        .unwrap()
        .find(fantoccini::Locator::Css("form button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(b.wait_page("/api/version").await, "/api/version");
    b.goto("/go/wiki").await;
    assert_eq!(b.wait_page("/api/version").await, "/api/version");
    b.close().await;
}

#[tokio::test]
async fn sign_in_forms_need_their_csrf_token_and_never_leave_the_site() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let client = no_redirects();
    let page = client.get(app.url("/login")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csrf = cookie(&page, "csrf_token").unwrap();

    let login = |token: &str, redirect: &str| {
        client
            .post(app.url("/login"))
            .header("cookie", format!("csrf_token={csrf}"))
            .form(&[
                ("email", "ada@example.com"),
                ("password", PASSWORD),
                ("csrf_token", token),
                ("redirect", redirect),
            ])
            .send()
    };
    let res = login("", "/").await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(cookie(&res, "token").is_none());
    for evil in ["//evil.example", "https://evil.example/", "/\\evil.example"] {
        let res = login(&csrf, evil).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{evil}");
        assert_eq!(res.headers()["location"], "/", "{evil}");
    }
    // A sign-in form sent from another site is refused, with the right token too.
    let res = client
        .post(app.url("/login"))
        .header("cookie", format!("csrf_token={csrf}"))
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("email", "ada@example.com"),
            ("password", PASSWORD),
            ("csrf_token", csrf.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(cookie(&res, "token").is_none());
    let res = login(&csrf, "/go/x?y=1").await.unwrap();
    assert_eq!(res.headers()["location"], "/go/x?y=1");
    let jwt = cookie(&res, "token").unwrap();
    // Signing in gave a new token, bound to the session; the one from before is done.
    let renewed = cookie(&res, "csrf_token").expect("a new CSRF cookie at sign-in");
    assert_ne!(renewed, csrf);

    // Signing out also takes the token; without it the session lives on.
    let logout = |cookie_token: &str, token: &str| {
        client
            .post(app.url("/logout"))
            .header("cookie", format!("token={jwt}; csrf_token={cookie_token}"))
            .form(&[("csrf_token", token)])
            .send()
    };
    assert_eq!(
        logout(&renewed, "nope").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        logout(&csrf, &csrf).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get("/api/auth/me", Some(&jwt)).await.status(),
        StatusCode::OK
    );
    let res = logout(&renewed, &renewed).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let signed_out = cookie(&res, "csrf_token").expect("a new CSRF cookie at sign-out");
    assert_ne!(signed_out, renewed);
    let csrf = signed_out;
    assert_eq!(
        app.get("/api/auth/me", Some(&jwt)).await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Bad input is a page that says what is wrong, never a 500.
    for (email, password) in [("", ""), ("not-an-email", "x"), ("a@b.c", "")] {
        let res = client
            .post(app.url("/login"))
            .header("cookie", format!("csrf_token={csrf}"))
            .form(&[
                ("email", email),
                ("password", password),
                ("csrf_token", &csrf),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_client_error(),
            "{email:?}: {}",
            res.status()
        );
        assert!(res.text().await.unwrap().contains("role=\"alert\""));
    }
    // Self-hosted, accounts come from an admin or an invitation: sign-up says so and creates
    // nothing without one.
    let page = client.get(app.url("/signup")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("from an invitation"));
    let res = client
        .post(app.url("/signup"))
        .header("cookie", format!("csrf_token={csrf}"))
        .form(&[
            ("email", "new@example.com"),
            ("name", "New"),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.login("new@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_sign_in_page_offers_the_openid_provider_and_explains_a_refusal() {
    let (app, op, _admin) = crate::oidc_provider::instance(true).await;
    op.prepare("sub-pat", "pat@example.com", true).await;
    let b = Browser::open(&app.base).await;
    b.goto("/login?redirect=%2Fbookmarks").await;
    b.wait_text("Sign in with Corp SSO").await;
    b.check_page("auth-login-providers").await;
    // Through the real provider and back, signed in, where the person was going.
    b.click_text("Sign in with Corp SSO").await;
    assert_eq!(b.wait_page("/bookmarks").await, "/bookmarks");
    b.wait_text("Pat Provider").await;
    b.close().await;

    // The provider vouches for an address nobody confirmed: back on the sign-in page, told why.
    // (Another browser: in this one the provider still knows Pat.)
    op.prepare("sub-eve", "eve@example.com", false).await;
    let b = Browser::open(&app.base).await;
    b.goto("/login").await;
    b.click_text("Sign in with Corp SSO").await;
    b.wait_page("/login?error=email_not_verified").await;
    b.wait_text("did not confirm your email address").await;
    b.check_page("auth-login-provider-refused").await;
    b.close().await;
}
