//! The invitation link in a browser: `/invite?token=…` signed out, signed in as the invited
//! person and as someone else, and links that no longer work; self-hosted sign-up from it.

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::browser::Browser;
use crate::helpers::{expect, spawn_app, Person, TestApp, PASSWORD};

/// The person's current organization: its id and name.
async fn current_org(app: &TestApp, who: &Person) -> (String, String) {
    let session = expect(
        app.get("/api/session/org", Some(&who.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let id = session["organizationId"].as_str().unwrap().to_string();
    let org = expect(
        app.get(&format!("/api/organizations/{id}"), Some(&who.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    (id, org["name"].as_str().unwrap().to_string())
}

async fn invite(app: &TestApp, owner: &Person, org: &str, email: &str) -> Value {
    let res = app
        .post(
            &format!("/api/organizations/{org}/invitations"),
            Some(&owner.jwt),
            json!({"email": email, "role": "member"}),
        )
        .await;
    expect(res, StatusCode::CREATED).await
}

async fn field_value(b: &Browser, css: &str) -> String {
    b.find(css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn current_in_switcher(b: &Browser) -> Value {
    b.js("return document.querySelector('#org-switch').selectedOptions[0].textContent")
        .await
}

#[tokio::test]
async fn an_invitee_signs_up_from_the_emailed_link_verifies_and_joins() {
    let app = spawn_app(Mode::Cloud).await;
    let olivia = app.signup("olivia@example.com", "Olivia").await;
    let (org, org_name) = current_org(&app, &olivia).await;
    app.set_plan(&org, "team").await;

    // The owner invites from the invitations page.
    let owner = Browser::open(&app.base).await;
    owner.sign_in("olivia@example.com", PASSWORD).await;
    owner.goto("/organization/invitations").await;
    owner
        .fill(
            "form[action='/organization/invitations'] input[name=email]",
            "noor@example.com",
        )
        .await;
    owner
        .click("form[action='/organization/invitations'] button[type=submit]")
        .await;
    owner.wait_text("Invitation sent").await;
    owner.wait_text("noor@example.com").await;
    owner.close().await;
    let token = app.token_from_mail("noor@example.com", "/invite?token=");

    // Signed out: who invited, to what, and the way in with the address filled in.
    let b = Browser::open(&app.base).await;
    b.goto(&format!("/invite?token={token}")).await;
    b.wait_text(&format!(
        "Olivia invited you to join {org_name} as a member"
    ))
    .await;
    b.wait_text("This invitation is for noor@example.com").await;
    b.check_page("invite-signed-out").await;
    b.click_text("Create an account").await;
    b.wait_path(|p| p.starts_with("/signup?")).await;
    assert_eq!(
        field_value(&b, "input[name=email]").await,
        "noor@example.com"
    );
    b.fill("input[name=name]", "Noor").await;
    b.fill("input[name=password]", PASSWORD).await;
    b.click("form[action='/signup'] button").await;
    b.wait_text("We sent a link to noor@example.com").await;

    // The verification link comes back to the invitation, signed in.
    let verify = app.token_from_mail("noor@example.com", "/verify-email?token=");
    b.goto(&format!("/verify-email?token={verify}")).await;
    b.wait_page("/invite").await;
    b.wait_text("Your email is confirmed").await;
    b.check_page("invite-accept").await;
    b.click_text(&format!("Join {org_name}")).await;
    b.wait_page("/").await;
    b.wait_text("You joined the organization").await;
    assert_eq!(current_in_switcher(&b).await, json!(org_name));
    let noor = app.login_ok("noor@example.com").await;
    let members = expect(
        app.get(
            &format!("/api/organizations/{org}/members"),
            Some(&noor.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(members.to_string().contains("noor@example.com"));

    // Used once; the link then says so.
    b.goto(&format!("/invite?token={token}")).await;
    b.wait_text("already been accepted").await;
    b.close().await;
}

#[tokio::test]
async fn the_wrong_account_is_told_so_and_dead_links_say_why() {
    let app = spawn_app(Mode::Cloud).await;
    let olivia = app.signup("olivia@example.com", "Olivia").await;
    let (org, org_name) = current_org(&app, &olivia).await;
    app.set_plan(&org, "team").await;
    app.signup("pia@example.com", "Pia").await;
    app.signup("sam@example.com", "Sam").await;
    invite(&app, &olivia, &org, "pia@example.com").await;
    let token = app.token_from_mail("pia@example.com", "/invite?token=");

    // Sam opens Pia's link: told so, nothing joined, and offered to switch accounts.
    let b = Browser::open(&app.base).await;
    b.sign_in("sam@example.com", PASSWORD).await;
    b.goto(&format!("/invite?token={token}")).await;
    b.wait_text("This invitation is for pia@example.com, but you are signed in as sam@example.com")
        .await;
    assert!(!b.exists("form[action='/invite']").await);
    b.check_page("invite-wrong-account").await;
    // A forged accept is refused with the API's answer.
    let forged = b
        .js(&format!(
            "const f = new FormData(); f.set('token', '{token}'); \
             f.set('csrf_token', document.querySelector('meta[name=csrf-token]').content); \
             return fetch('/invite', {{method: 'POST', body: new URLSearchParams(f)}}).then(r => r.status)"
        ))
        .await;
    assert_eq!(forged, json!(403));
    b.click_text("Sign out and continue as pia@example.com")
        .await;
    b.wait_path(|p| p.starts_with("/login?")).await;
    assert_eq!(
        field_value(&b, "input[name=email]").await,
        "pia@example.com"
    );
    b.fill("input[name=password]", PASSWORD).await;
    b.click("form[action='/login'] button[type=submit]").await;
    b.wait_page("/invite").await;
    b.click_text(&format!("Join {org_name}")).await;
    b.wait_text("You joined the organization").await;

    // Cancelled, expired and unknown links each say what happened and what to do.
    let sent = invite(&app, &olivia, &org, "quinn@example.com").await;
    let cancelled = app.token_from_mail("quinn@example.com", "/invite?token=");
    let id = sent["invitation"]["id"].as_str().unwrap();
    let gone = app
        .delete(
            &format!("/api/organizations/{org}/invitations/{id}"),
            Some(&olivia.jwt),
        )
        .await;
    assert!(gone.status().is_success());
    b.goto(&format!("/invite?token={cancelled}")).await;
    b.wait_text("was cancelled. Ask Olivia to send you a new one.")
        .await;
    b.check_page("invite-cancelled").await;

    invite(&app, &olivia, &org, "rui@example.com").await;
    let expired = app.token_from_mail("rui@example.com", "/invite?token=");
    app.exec(
        "UPDATE invitations SET expires_at = 1000 WHERE email = $1",
        &["rui@example.com"],
    )
    .await;
    b.goto(&format!("/invite?token={expired}")).await;
    b.wait_text("expired on 1970-01-01. Ask Olivia").await;

    let unknown = app
        .client
        .get(app.url("/invite?token=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    b.goto("/invite?token=nope").await;
    b.wait_text("This invitation link is not valid").await;
    b.close().await;
}

#[tokio::test]
async fn self_hosted_an_invitee_creates_the_account_from_the_link() {
    let (app, _op, admin) = crate::oidc_provider::instance(false).await;
    let org = expect(
        app.get("/api/session/org", Some(&admin.jwt)).await,
        StatusCode::OK,
    )
    .await["organizationId"]
        .as_str()
        .unwrap()
        .to_string();
    invite(&app, &admin, &org, "tara@example.com").await;
    let token = app.token_from_mail("tara@example.com", "/invite?token=");

    // Without an invitation there is no sign-up here, and the page says how accounts come.
    let b = Browser::open(&app.base).await;
    b.goto("/signup").await;
    b.wait_text("created by an administrator or from an invitation")
        .await;

    b.goto(&format!("/invite?token={token}")).await;
    b.click_text("Create an account").await;
    b.wait_path(|p| p.starts_with("/signup?")).await;
    assert_eq!(
        field_value(&b, "input[name=email]").await,
        "tara@example.com"
    );
    // The sign-in provider is offered here too.
    b.wait_text("Sign in with Corp SSO").await;
    let href = b
        .js("return document.querySelector(\"a[href^='/api/auth/corp']\").getAttribute('href')")
        .await;
    assert_eq!(
        href,
        json!(format!(
            "/api/auth/corp?redirect=%2Finvite%3Ftoken%3D{token}"
        ))
    );
    b.check_page("signup-invited").await;

    // Another address with this invitation creates nothing.
    b.fill("input[name=email]", "other@example.com").await;
    b.fill("input[name=name]", "Tara").await;
    b.fill("input[name=password]", PASSWORD).await;
    b.click("form[action='/signup'] button").await;
    b.wait_text("different").await;
    assert_eq!(
        app.login("other@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );

    b.fill("input[name=email]", "tara@example.com").await;
    b.fill("input[name=password]", PASSWORD).await;
    b.click("form[action='/signup'] button").await;
    b.wait_page("/").await;
    b.wait_text("You joined the organization").await;
    let tara = app.login_ok("tara@example.com").await;
    let mine = expect(
        app.get("/api/session/org", Some(&tara.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["organizationId"], json!(org));
    b.close().await;
}
