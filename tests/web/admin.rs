//! Administration pages in a browser (self-hosted instance admins): sign-in providers.

use reqwest::StatusCode;
use serde_json::Value;

use crate::browser::Browser;
use crate::helpers::{expect, PASSWORD};

#[tokio::test]
async fn an_instance_admin_sets_up_sign_in_providers_and_a_member_cannot() {
    let (app, op, admin) = crate::oidc_provider::instance(false).await;
    let b = Browser::open(&app.base).await;
    b.sign_in("admin@example.com", PASSWORD).await;
    b.click_text("Administration").await;
    b.wait_page("/admin/users").await;
    b.click_text("Sign-in providers").await;
    assert_eq!(b.wait_page("/admin/oidc").await, "/admin/oidc");
    b.wait_text("Corp SSO").await;
    b.wait_text(&app.url("/api/auth/corp/callback")).await;

    // A refusal keeps what was typed (never the secret) and says why.
    b.fill("input[name=name]", "Team SSO").await;
    b.fill("input[name=key]", "login").await;
    b.fill("input[name=issuer_url]", &op.issuer).await;
    b.fill("input[name=client_id]", "team-client").await;
    b.fill("input[name=client_secret]", "team-secret").await;
    b.click("form[action='/admin/oidc'] button[type=submit]")
        .await;
    b.wait_text("is taken by the API").await;
    let kept = b
        .find("input[name=name]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Team SSO"));
    let secret = b
        .find("input[name=client_secret]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(secret.as_deref(), Some(""));
    b.check_page("admin-oidc-refused").await;

    b.fill("input[name=key]", "team").await;
    b.fill("input[name=client_secret]", "team-secret").await;
    b.click("#f-auto").await;
    b.click("form[action='/admin/oidc'] button[type=submit]")
        .await;
    b.wait_text("Provider added").await;
    b.wait_text(&app.url("/api/auth/team/callback")).await;
    assert!(!b.body_text().await.contains("team-secret"));
    b.check_page("admin-oidc").await;

    // Renamed on its own page; the secret left blank stays as it was.
    b.click_text("Edit Team SSO").await;
    b.wait_path(|p| p.starts_with("/admin/oidc/")).await;
    b.check_page("admin-oidc-edit").await;
    b.fill("input[name=name]", "Team Login").await;
    b.click("form[action^='/admin/oidc/'] button[type=submit]")
        .await;
    b.wait_text("Provider saved").await;
    let jwt = Some(admin.jwt.as_str());
    let list = expect(app.get("/api/oidc-providers", jwt).await, StatusCode::OK).await;
    let team = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "team")
        .cloned()
        .unwrap();
    assert_eq!(team["name"], "Team Login");
    assert_eq!(team["auto_create_users"], true);
    assert_eq!(team["has_client_secret"], true);

    b.click_text("Delete Corp SSO").await;
    b.wait_text("Provider deleted").await;
    let buttons: Value = expect(app.get("/api/auth/providers", None).await, StatusCode::OK).await;
    assert_eq!(buttons.as_array().unwrap().len(), 1);
    assert_eq!(
        (&buttons[0]["provider_key"], &buttons[0]["name"]),
        (&serde_json::json!("team"), &serde_json::json!("Team Login"))
    );
    b.close().await;

    // A member sees no administration, is refused the page, and a forged form changes nothing.
    app.add_user("bob@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    assert!(!b.body_text().await.contains("Administration"));
    b.goto("/admin/oidc").await;
    b.wait_text("You don't have permission").await;
    b.goto("/").await;
    b.wait_text("Sign out").await;
    b.js(r#"
        const f = document.createElement('form');
        f.method = 'post'; f.action = '/admin/oidc';
        const token = document.querySelector('input[name=csrf_token]').value;
        for (const [k, v] of [['csrf_token', token], ['name', 'Mine'], ['key', 'mine'],
            ['issuer_url', 'https://sso.example.com'], ['client_id', 'a'], ['client_secret', 'b']]) {
            const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i);
        }
        document.body.appendChild(f); f.submit();
    "#)
    .await;
    b.wait_text("You don't have permission").await;
    let list = expect(app.get("/api/oidc-providers", jwt).await, StatusCode::OK).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    b.close().await;
}

#[tokio::test]
async fn an_instance_admin_adds_changes_and_deletes_people() {
    let app = crate::helpers::spawn_app(slugbase::config::Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.click_text("Administration").await;
    assert_eq!(b.wait_page("/admin/users").await, "/admin/users");
    b.wait_text("People: 1").await;

    // Added with an emailed link: the person chooses their password there.
    b.fill("input[name=name]", "Dan Doe").await;
    b.fill("input[name=email]", "dan@example.com").await;
    b.click("#f-invite").await;
    b.click("form[method=post][action='/admin/users'] button[type=submit]")
        .await;
    b.wait_text("Person added").await;
    b.wait_text("dan@example.com").await;
    b.check_page("admin-users").await;
    assert!(
        app.token_from_mail("dan@example.com", "/reset-password?token=")
            .len()
            > 10
    );

    // The same address again is refused, saying why, and what was typed stays.
    b.fill("input[name=name]", "Dan Again").await;
    b.fill("input[name=email]", "dan@example.com").await;
    b.click("form[method=post][action='/admin/users'] button[type=submit]")
        .await;
    b.wait_text("already exists").await;
    let kept = b
        .find("input[name=name]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Dan Again"));

    // Made an admin on their page; then deleted.
    b.goto("/admin/users?q=dan").await;
    b.click_text("Edit Dan Doe").await;
    b.wait_path(|p| p.starts_with("/admin/users/")).await;
    b.check_page("admin-user-edit").await;
    b.click("#f-admin").await;
    b.click("form[action^='/admin/users/'] button[type=submit]")
        .await;
    b.wait_text("Changes saved").await;
    let dan = app.get("/api/admin/users?q=dan", Some(&ada.jwt)).await;
    let dan = expect(dan, StatusCode::OK).await[0].clone();
    assert_eq!(dan["is_admin"], true);
    b.goto(&format!("/admin/users/{}", dan["id"].as_str().unwrap()))
        .await;
    b.click_text("Delete Dan Doe").await;
    b.wait_text("Account deleted").await;
    b.wait_text("People: 1").await;

    // Their own page offers no delete, and removing their own admin rights is refused, saying why.
    b.goto(&format!("/admin/users/{}", ada.id)).await;
    assert!(!b.body_text().await.contains("Delete Ada"));
    b.click("#f-admin").await;
    b.click("form[action^='/admin/users/'] button[type=submit]")
        .await;
    b.wait_text("cannot remove your own admin rights").await;
    b.close().await;

    // A member is refused the page.
    app.add_user("bob@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/admin/users").await;
    b.wait_text("You don't have permission").await;
    b.close().await;
}

#[tokio::test]
async fn an_admin_reads_the_audit_log_filters_it_and_loads_more() {
    let app = crate::helpers::spawn_app(slugbase::config::Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    for who in ["dan", "eve", "fay"] {
        let res = app
            .post(
                "/api/admin/users",
                Some(&ada.jwt),
                serde_json::json!({"email": format!("{who}@example.com"), "name": who}),
            )
            .await;
        expect(res, StatusCode::CREATED).await;
    }
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.goto("/admin/users").await;
    b.click_text("Audit log").await;
    b.wait_page("/admin/audit-log").await;
    b.wait_text("user.created").await;
    b.wait_text("fay@example.com").await;
    b.check_page("admin-audit-log").await;

    // Two at a time, filtered to account creations: the newest first, then the rest.
    b.goto("/admin/audit-log?action=user.created&limit=2").await;
    b.wait_text("fay@example.com").await;
    assert!(!b.body_text().await.contains("dan@example.com"));
    let shown = b
        .js("return [...document.querySelectorAll('.provider-list h3')].map(h => h.textContent)")
        .await;
    assert_eq!(shown, serde_json::json!(["user.created", "user.created"]));
    b.click_text("Load more").await;
    b.wait_text("dan@example.com").await;
    assert!(!b.body_text().await.contains("Load more"));
    b.close().await;

    let b = Browser::open(&app.base).await;
    app.add_user("bob@example.com").await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/admin/audit-log").await;
    b.wait_text("You don't have permission").await;
    b.close().await;
}

#[tokio::test]
async fn an_admin_adds_a_person_reads_it_in_the_log_and_keeps_settings() {
    let app = crate::helpers::spawn_app(slugbase::config::Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;

    // The person added on the page is the newest entry of the log, by Ada.
    b.goto("/admin/users").await;
    b.fill(
        "form[method=post][action='/admin/users'] input[name=name]",
        "Gus",
    )
    .await;
    b.fill(
        "form[method=post][action='/admin/users'] input[name=email]",
        "gus@example.com",
    )
    .await;
    b.click("#f-invite").await;
    b.click("form[method=post][action='/admin/users'] button[type=submit]")
        .await;
    b.wait_text("Person added").await;
    b.click_text("Audit log").await;
    b.wait_page("/admin/audit-log").await;
    let newest = b
        .js("return document.querySelector('.provider-list li').textContent")
        .await;
    let newest = newest.as_str().unwrap();
    assert!(newest.contains("user.created"), "{newest}");
    assert!(newest.contains("gus@example.com"), "{newest}");
    assert!(newest.contains("ada@example.com"), "{newest}");

    // Settings: a secret is kept but never shown again; saving the mask keeps it.
    b.click_text("Settings").await;
    b.wait_page("/admin/settings").await;
    b.wait_text("No settings yet").await;
    b.fill("form.card-form input[name=key]", "Not A Key").await;
    b.click("form.card-form button[type=submit]").await;
    b.wait_text("Setting key must be").await;
    b.fill("form.card-form input[name=key]", "smtp_password")
        .await;
    b.fill("form.card-form input[name=value]", "hunter2-secret")
        .await;
    b.click("form.card-form button[type=submit]").await;
    b.wait_text("Setting saved").await;
    assert!(!b.body_text().await.contains("hunter2"));
    assert!(!b
        .js("return document.documentElement.outerHTML")
        .await
        .to_string()
        .contains("hunter2"));
    b.check_page("admin-settings").await;
    b.click_text("Save smtp_password").await;
    b.wait_text("Setting saved").await;
    b.fill("form.card-form input[name=key]", "welcome_text")
        .await;
    b.fill("form.card-form input[name=value]", "Hello team")
        .await;
    b.click("form.card-form button[type=submit]").await;
    b.wait_text("Setting saved").await;
    b.fill("#v-welcome_text", "Hello everyone").await;
    b.click_text("Save welcome_text").await;
    b.wait_text("Setting saved").await;
    let all = expect(
        app.get("/api/admin/settings", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["welcome_text"], "Hello everyone");
    assert_eq!(all["smtp_password"], "***SET***");
    b.click_text("Delete welcome_text").await;
    b.wait_text("Setting deleted").await;
    assert!(!b.body_text().await.contains("Hello everyone"));
    b.close().await;

    // A member sees no settings and a forged save changes nothing.
    app.add_user("bob@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/admin/settings").await;
    b.wait_text("You don't have permission").await;
    let forged = b
        .js(
            "const f = new URLSearchParams({key: 'welcome_text', value: 'x', \
             csrf_token: document.querySelector('meta[name=csrf-token]').content}); \
             return fetch('/admin/settings', {method: 'POST', body: f}).then(r => r.status)",
        )
        .await;
    assert_eq!(forged, serde_json::json!(403));
    let all = expect(
        app.get("/api/admin/settings", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert!(all.get("welcome_text").is_none());
    b.close().await;
}

#[tokio::test]
async fn an_instance_admin_sets_the_email_server_tests_it_and_invites_again() {
    let app = crate::helpers::spawn_app(slugbase::config::Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;

    // The email server: a refusal says why and keeps what was typed; then saved and tested.
    b.goto("/admin/users").await;
    b.click_text("Email").await;
    assert_eq!(b.wait_page("/admin/email").await, "/admin/email");
    let (port, mut inbox) = crate::smtp_sink::smtp_sink().await;
    b.click("#f-enabled").await;
    b.fill("input[name=host]", "127.0.0.1").await;
    b.fill("input[name=port]", "70000").await;
    b.fill("input[name=password]", "relay-pa55").await;
    b.click("form[action='/admin/email'] button[type=submit]")
        .await;
    b.wait_text("port must be a number").await;
    let kept = b
        .find("input[name=host]")
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("127.0.0.1"));
    b.fill("input[name=port]", &port.to_string()).await;
    b.fill("input[name=password]", "relay-pa55").await;
    b.fill("input[name=from]", "links@example.com").await;
    b.click("form[action='/admin/email'] button[type=submit]")
        .await;
    b.wait_text("Email settings saved").await;
    b.wait_text("A password is set").await;
    assert!(!b
        .js("return document.documentElement.outerHTML")
        .await
        .to_string()
        .contains("relay-pa55"));
    b.check_page("admin-email").await;
    b.click("form[action='/admin/email/test'] button[type=submit]")
        .await;
    b.wait_text("Test email sent").await;
    let test = inbox.recv().await.unwrap();
    assert!(test.contains("To: ada@example.com"), "{test}");
    assert!(test.contains("From: links@example.com"), "{test}");

    // Someone invited waits, and the invitation goes again through that server.
    b.goto("/admin/users").await;
    b.fill(
        "form[method=post][action='/admin/users'] input[name=name]",
        "Dan Doe",
    )
    .await;
    b.fill(
        "form[method=post][action='/admin/users'] input[name=email]",
        "dan@example.com",
    )
    .await;
    b.click("#f-invite").await;
    b.click("form[method=post][action='/admin/users'] button[type=submit]")
        .await;
    b.wait_text("Person added").await;
    b.wait_text("Invited").await;
    assert!(inbox
        .recv()
        .await
        .unwrap()
        .contains("/reset-password?token="));
    b.click_text("Send the invitation again Dan Doe").await;
    b.wait_text("Invitation sent again").await;
    assert!(inbox
        .recv()
        .await
        .unwrap()
        .contains("/reset-password?token="));
    b.close().await;

    // A member is refused the page.
    app.add_user("bob@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/admin/email").await;
    b.wait_text("You don't have permission").await;
    b.close().await;
}
