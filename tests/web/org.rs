//! The organization pages in a browser (cloud): members and roles, invitations and seats,
//! teams, billing, settings, the switcher, and that nothing of another organization shows.

use std::sync::{Arc, Mutex};

use axum::routing::{get, post};
use axum::Router;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::browser::Browser;
use crate::helpers::{expect, spawn_app, Person, TestApp, PASSWORD};

async fn current_org(app: &TestApp, who: &Person) -> String {
    let body = expect(
        app.get("/api/session/org", Some(&who.jwt)).await,
        StatusCode::OK,
    )
    .await;
    body["organizationId"].as_str().unwrap().to_string()
}

/// A new person who accepted an invitation to `org` (sent by `owner` through the API).
async fn invited(app: &TestApp, owner: &Person, org: &str, email: &str, name: &str) -> Person {
    let person = app.signup(email, name).await;
    let path = format!("/api/organizations/{org}/invitations");
    let sent = app
        .post(&path, Some(&owner.jwt), json!({ "email": email }))
        .await;
    expect(sent, StatusCode::CREATED).await;
    let token = app.token_from_mail(email, "/invite?token=");
    let accepted = app
        .post(
            "/api/invitations/accept",
            Some(&person.jwt),
            json!({ "token": token }),
        )
        .await;
    expect(accepted, StatusCode::OK).await;
    person
}

/// Alice's organization on the Team plan, with Bob as a member.
async fn alice_and_bob() -> (TestApp, Person, String, Person) {
    let app = spawn_app(Mode::Cloud).await;
    let alice = app.signup("alice@example.com", "Alice").await;
    let org = current_org(&app, &alice).await;
    app.set_plan(&org, "team").await;
    let bob = invited(&app, &alice, &org, "bob@example.com", "Bob").await;
    (app, alice, org, bob)
}

async fn bookmark(app: &TestApp, who: &Person, org: &str, title: &str) {
    let res = app
        .req(Method::POST, "/api/bookmarks", Some(&who.jwt))
        .header("X-Organization-Id", org)
        .json(&json!({"title": title, "url": "https://example.com/"}))
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::CREATED).await;
}

/// POSTs a form with the page's CSRF token from inside the browser; answers the status.
async fn post_status(b: &Browser, path: &str, fields: &[(&str, &str)]) -> i64 {
    let fields = serde_json::to_string(fields).unwrap();
    let script = format!(
        r#"const body = new URLSearchParams({fields});
        body.append('csrf_token', document.querySelector('meta[name=csrf-token]').content);
        return fetch('{path}', {{method: 'POST', body, redirect: 'manual'}}).then(r => r.status);"#
    );
    b.js(&script).await.as_i64().unwrap()
}

async fn pick(b: &Browser, select: &str, value: &str) {
    let css = format!("{select} option[value='{value}']");
    b.find(&css).await.click().await.unwrap();
}

#[tokio::test]
async fn a_free_plan_owner_sees_the_team_plan_message_instead_of_an_invite_form() {
    let app = spawn_app(Mode::Cloud).await;
    app.signup("alice@example.com", "Alice").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("alice@example.com", PASSWORD).await;
    b.click_text("Organization").await;
    assert_eq!(
        b.wait_page("/organization/members").await,
        "/organization/members"
    );
    b.wait_text("alice@example.com").await;
    b.check_page("org-members").await;

    b.click_text("Invitations").await;
    b.wait_text("Inviting people needs the Team plan").await;
    b.wait_text("1 of 1 seats used").await;
    assert!(!b.exists("form[action='/organization/invitations']").await);
    assert!(!b.exists("input[name=email]").await);
    b.check_page("org-invitations-free").await;

    // Billing: the plan and usage, and without Stripe, no buttons that could only fail.
    b.click_text("Go to billing").await;
    b.wait_page("/organization/billing").await;
    b.wait_text("Billing is not configured").await;
    b.wait_text("Your bookmarks: 0 of 50").await;
    b.check_page("org-billing").await;
    b.close().await;
}

#[tokio::test]
async fn full_seats_say_what_to_do_and_cancelling_a_pending_invitation_frees_one() {
    let app = spawn_app(Mode::Cloud).await;
    let alice = app.signup("alice@example.com", "Alice").await;
    let org = current_org(&app, &alice).await;
    app.set_seats(&org, "team", 2, 0).await;
    let b = Browser::open(&app.base).await;
    b.sign_in("alice@example.com", PASSWORD).await;
    b.goto("/organization/invitations").await;
    b.wait_text("1 of 2 seats used").await;

    b.fill("input[name=email]", "bob@example.com").await;
    pick(&b, "#f-role", "admin").await;
    b.click("form[action='/organization/invitations'] button[type=submit]")
        .await;
    b.wait_text("Invitation sent.").await;
    b.wait_text("2 of 2 seats used").await;
    b.wait_text("Invited as Admin").await;
    assert_eq!(app.mails_to("bob@example.com"), 1);
    b.wait_text("All 2 seats are in use").await;
    b.check_page("org-invitations").await;

    // The form says what to do when the seats are full.
    b.fill("input[name=email]", "carol@example.com").await;
    b.click("form[action='/organization/invitations'] button[type=submit]")
        .await;
    b.wait_text("cancel a pending invitation below").await;
    assert!(b.exists("p.alert[role=alert]").await);
    assert_eq!(app.mails_to("carol@example.com"), 0);

    b.click_text("Resend bob@example.com").await;
    b.wait_text("Invitation sent again").await;
    assert_eq!(app.mails_to("bob@example.com"), 2);
    b.click_text("Cancel invitation bob@example.com").await;
    b.wait_text("its seat is free again").await;
    b.wait_text("1 of 2 seats used").await;
    b.wait_text("No pending invitations.").await;
    b.fill("input[name=email]", "carol@example.com").await;
    b.click("form[action='/organization/invitations'] button[type=submit]")
        .await;
    b.wait_text("Invitation sent.").await;
    assert_eq!(app.mails_to("carol@example.com"), 1);
    b.close().await;
}

#[tokio::test]
async fn owners_change_roles_and_remove_members_and_the_last_owner_is_told_why_not() {
    let (app, alice, org, bob) = alice_and_bob().await;

    // A member sees no management controls, and a forged form is refused as the API refuses it.
    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/organization/members").await;
    b.wait_text("alice@example.com").await;
    let text = b.body_text().await;
    for absent in ["Change role", "Remove", "Invitations", "Teams", "Settings"] {
        assert!(
            !text.contains(absent),
            "{absent} shown to a member:\n{text}"
        );
    }
    let remove = format!("/organization/members/{}/remove", alice.id);
    assert_eq!(post_status(&b, &remove, &[]).await, 403);
    let api = app
        .delete(
            &format!("/api/organizations/{org}/members/{}", alice.id),
            Some(&bob.jwt),
        )
        .await;
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        post_status(
            &b,
            "/organization/invitations",
            &[("email", "x@example.com")]
        )
        .await,
        403
    );
    b.goto("/organization/teams").await;
    b.wait_text("You don't have permission").await;
    b.close().await;

    let b = Browser::open(&app.base).await;
    b.sign_in("alice@example.com", PASSWORD).await;
    b.goto("/organization/members").await;
    pick(&b, &format!("#role-{}", bob.id), "admin").await;
    b.click(&format!(
        "form[action='/organization/members/{}/role'] button",
        bob.id
    ))
    .await;
    b.wait_text("Role changed.").await;
    let list = expect(
        app.get(
            &format!("/api/organizations/{org}/members"),
            Some(&alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let role = |list: &Value, id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|m| m["user_id"] == id)
            .map(|m| m["role"].clone())
    };
    assert_eq!(role(&list, &bob.id), Some(json!("admin")));
    let card = b
        .text(&format!(
            "li.card:has(form[action='/organization/members/{}/role'])",
            bob.id
        ))
        .await;
    assert!(card.contains("Admin"), "{card}");

    // The last owner can neither leave nor step down: the page says what to do instead.
    b.click_text("Leave Alice's Workspace").await;
    b.wait_text(
        "You are the only owner: make someone else owner first, or delete the organization",
    )
    .await;
    assert!(b.exists("p.alert[role=alert]").await);
    pick(&b, &format!("#role-{}", alice.id), "member").await;
    b.click(&format!(
        "form[action='/organization/members/{}/role'] button",
        alice.id
    ))
    .await;
    b.wait_text("You are the only owner: make someone else owner first, then change your own role")
        .await;

    b.click_text("Remove Bob").await;
    b.wait_text("Member removed.").await;
    assert!(!b.body_text().await.contains("bob@example.com"));
    b.close().await;

    // Bob's library no longer offers Alice's organization.
    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/bookmarks").await;
    let options = b.text("#org-switch").await;
    assert!(!options.contains("Alice's Workspace"), "{options}");
    assert!(options.contains("Bob's Workspace"), "{options}");
    b.close().await;
}

#[tokio::test]
async fn the_switcher_changes_what_the_library_shows() {
    let app = spawn_app(Mode::Cloud).await;
    let alice = app.signup("alice@example.com", "Alice").await;
    let first = current_org(&app, &alice).await;
    let second = expect(
        app.post(
            "/api/organizations",
            Some(&alice.jwt),
            json!({"name": "Second Org"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    bookmark(&app, &alice, &first, "First home page").await;
    bookmark(&app, &alice, &second, "Second home page").await;

    let b = Browser::open(&app.base).await;
    b.sign_in("alice@example.com", PASSWORD).await;
    b.goto("/bookmarks").await;
    b.wait_text("First home page").await;
    assert!(!b.body_text().await.contains("Second home page"));
    // Choosing submits the switcher's form (the button is there for no-JS).
    pick(&b, "#org-switch", &second).await;
    b.wait_text("Second home page").await;
    assert!(!b.body_text().await.contains("First home page"));
    b.goto("/organization/members").await;
    b.wait_text("Second Org").await;
    b.close().await;
}

#[tokio::test]
async fn nothing_of_another_organization_shows_and_its_ids_are_not_found() {
    let app = spawn_app(Mode::Cloud).await;
    let alice = app.signup("alice@example.com", "Alice").await;
    let bob = app.signup("bob@example.com", "Bravo Person").await;
    let (org_a, org_b) = (
        current_org(&app, &alice).await,
        current_org(&app, &bob).await,
    );
    app.set_plan(&org_a, "team").await;
    app.set_plan(&org_b, "team").await;
    // Org B: a team, a pending invitation, a bookmark.
    let team_b = expect(
        app.post(
            "/api/admin/teams",
            Some(&bob.jwt),
            json!({"name": "Bravo Crew"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let team_b = team_b["id"].as_str().unwrap().to_string();
    let inv_b = expect(
        app.post(
            &format!("/api/organizations/{org_b}/invitations"),
            Some(&bob.jwt),
            json!({"email": "carol@bravo.test"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["invitation"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    bookmark(&app, &bob, &org_b, "Bravo Secret").await;
    // Org A: its own of each.
    expect(
        app.post(
            "/api/admin/teams",
            Some(&alice.jwt),
            json!({"name": "Alpha Crew"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    bookmark(&app, &alice, &org_a, "Alpha Page").await;

    let b = Browser::open(&app.base).await;
    b.sign_in("alice@example.com", PASSWORD).await;
    for (path, own) in [
        ("/organization/members", "alice@example.com"),
        ("/organization/invitations", "1 of 5 seats used"),
        ("/organization/teams", "Alpha Crew"),
        ("/organization/settings", "Alice's Workspace"),
        ("/", "Alpha Page"),
        ("/bookmarks", "Alpha Page"),
    ] {
        b.goto(path).await;
        b.wait_text(own).await;
        let text = b.body_text().await;
        let html = b.js("return document.documentElement.outerHTML").await;
        let html = html.as_str().unwrap();
        for foreign in [
            "Bravo",
            "bob@example.com",
            "carol@bravo.test",
            &org_b,
            &team_b,
            &inv_b,
            &bob.id,
        ] {
            assert!(
                !text.contains(foreign) && !html.contains(foreign),
                "{foreign} on {path}"
            );
        }
    }
    b.goto(&format!("/organization/teams/{team_b}")).await;
    b.wait_text("There is nothing here, or it belongs to someone else.")
        .await;
    // Forged forms, with this browser's CSRF token from one of A's pages.
    b.goto("/organization/members").await;
    b.wait_text("alice@example.com").await;
    for (path, fields) in [
        (
            format!("/organization/teams/{team_b}"),
            vec![("name", "Taken")],
        ),
        (
            format!("/organization/teams/{team_b}/delete"),
            vec![("confirm", "yes")],
        ),
        (
            format!("/organization/teams/{team_b}/members"),
            vec![("user_ids", alice.id.as_str())],
        ),
        (format!("/organization/invitations/{inv_b}/cancel"), vec![]),
        (format!("/organization/invitations/{inv_b}/resend"), vec![]),
        (
            format!("/organization/members/{}/role", bob.id),
            vec![("role", "member")],
        ),
        (format!("/organization/members/{}/remove", bob.id), vec![]),
    ] {
        assert_eq!(post_status(&b, &path, &fields).await, 404, "{path}");
    }
    b.close().await;
    let pending = expect(
        app.get(
            &format!("/api/organizations/{org_b}/invitations"),
            Some(&bob.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(pending.as_array().unwrap().len(), 1);
    let team = expect(
        app.get(&format!("/api/admin/teams/{team_b}"), Some(&bob.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(team["name"], "Bravo Crew");
}

#[tokio::test]
async fn teams_are_created_renamed_staffed_and_deleted_and_the_organization_renamed_and_deleted() {
    let (app, alice, org, bob) = alice_and_bob().await;
    let b = Browser::open(&app.base).await;
    b.sign_in("alice@example.com", PASSWORD).await;
    b.goto("/organization/teams").await;
    b.wait_text("No teams yet.").await;
    b.check_page("org-teams").await;
    b.fill("input[name=name]", "Alpha Team").await;
    b.fill("input[name=description]", "The first one").await;
    b.click("form[action='/organization/teams'] button[type=submit]")
        .await;
    b.wait_text("Team created.").await;
    let here = b.wait_path(|p| p.starts_with("/organization/teams/")).await;
    let here = here.split('?').next().unwrap().to_string();

    b.fill("input[name=name]", "Alpha Squad").await;
    b.click(&format!("form[action='{here}'] button[type=submit]"))
        .await;
    b.wait_text("Team saved.").await;
    b.wait_text("Alpha Squad").await;
    pick(&b, "#f-user_ids", &bob.id).await;
    b.click_text("Add to team").await;
    b.wait_text("Added to the team.").await;
    b.wait_text("bob@example.com").await;
    b.check_page("org-team").await;
    b.click_text("Remove from team Bob").await;
    b.wait_text("Removed from the team.").await;
    b.wait_text("Nobody is in this team yet.").await;
    b.click("#f-confirm").await;
    b.click_text("Delete team Alpha Squad").await;
    b.wait_text("Team deleted.").await;
    b.wait_text("No teams yet.").await;

    b.click_text("Settings").await;
    b.wait_page("/organization/settings").await;
    b.fill("input[name=name]", "Alpha Inc").await;
    b.click("form[action='/organization/settings'] button[type=submit]")
        .await;
    b.wait_text("Organization renamed.").await;
    assert!(b.text("#org-switch").await.contains("Alpha Inc"));
    b.check_page("org-settings").await;

    b.fill("input[name=confirm]", "Alpha").await;
    b.click_text("Delete organization").await;
    b.wait_text("The name you typed is not “Alpha Inc”: nothing was deleted.")
        .await;
    let still = app
        .get(&format!("/api/organizations/{org}"), Some(&alice.jwt))
        .await;
    assert_eq!(still.status(), StatusCode::OK);
    b.fill("input[name=confirm]", "Alpha Inc").await;
    b.click_text("Delete organization").await;
    b.wait_text("Organization deleted.").await;
    assert!(b.path().await.starts_with("/organizations/new?"));
    b.wait_text("You don't belong to any organization now")
        .await;
    let gone = app
        .get(&format!("/api/organizations/{org}"), Some(&alice.jwt))
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    b.check_page("org-new").await;
    b.fill("input[name=name]", "Fresh Org").await;
    b.click("form[action='/organizations/new'] button[type=submit]")
        .await;
    b.wait_text("Organization created.").await;
    assert!(b.path().await.starts_with("/organization/members?"));
    assert!(b.text("#org-switch").await.contains("Fresh Org"));
    b.close().await;
}

/// A stand-in for Stripe's API whose sessions send the browser to a page of its own.
async fn fake_stripe() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let session = |kind: &'static str| {
        let (seen, base) = (seen.clone(), base.clone());
        post(move |body: String| async move {
            seen.lock().unwrap().push(body);
            axum::Json(json!({"id": "x_1", "object": kind, "url": format!("{base}/{kind}")}))
        })
    };
    let app = Router::new()
        .route("/v1/checkout/sessions", session("checkout"))
        .route("/v1/billing_portal/sessions", session("portal"))
        .route("/checkout", get(|| async { "Fake Stripe Checkout" }))
        .route("/portal", get(|| async { "Fake Stripe Portal" }));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

#[tokio::test]
async fn an_owner_goes_to_stripe_checkout_and_the_portal_from_the_billing_page() {
    let (stripe, seen) = fake_stripe().await;
    let app = crate::helpers::spawn_with(Mode::Cloud, |c| {
        c.stripe_secret_key = Some("sk_test_123".into());
        c.stripe_api_base = stripe;
        c.stripe_price_team = Some("price_team".into());
    })
    .await;
    let alice = app.signup("alice@example.com", "Alice").await;
    let org = current_org(&app, &alice).await;
    let b = Browser::open(&app.base).await;
    b.sign_in("alice@example.com", PASSWORD).await;
    b.goto("/organization/billing").await;
    assert!(!b.body_text().await.contains("not configured"));
    assert!(!b.body_text().await.contains("Manage subscription"));
    b.click_text("Upgrade to Team").await;
    b.wait_text("Fake Stripe Checkout").await;
    let sent = seen.lock().unwrap().pop().unwrap();
    assert!(sent.contains("price_team") && sent.contains(&org), "{sent}");

    // Back from Stripe, the page says what happens next; with a customer, the portal opens.
    b.goto("/billing?checkout=success").await;
    b.wait_text("Your subscription is being set up").await;
    app.exec(
        "UPDATE organizations SET stripe_customer_id = 'cus_1' WHERE id = $1",
        &[&org],
    )
    .await;
    b.goto("/organization/billing").await;
    b.click_text("Manage subscription, seats and invoices")
        .await;
    b.wait_text("Fake Stripe Portal").await;
    assert!(seen.lock().unwrap().pop().unwrap().contains("cus_1"));
    b.close().await;
}

#[tokio::test]
async fn a_self_hosted_organization_invites_without_plan_or_seat_limits() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.goto("/organization/invitations").await;
    b.wait_text("This server sets no seat limit.").await;
    assert!(!b.body_text().await.contains("Billing"));
    for who in ["bob", "carol", "dan", "eve", "fay", "gus"] {
        b.fill("input[name=email]", &format!("{who}@example.com"))
            .await;
        b.click("form[action='/organization/invitations'] button[type=submit]")
            .await;
        b.wait_text(&format!("{who}@example.com")).await;
    }
    b.wait_text("pending invitations: 6").await;
    b.goto("/organization/billing").await;
    b.wait_text("There is nothing here").await;
    b.close().await;
}

#[tokio::test]
async fn a_member_moved_down_to_free_above_the_limit_sees_the_grace_banner() {
    use slugbase::app::{audit::Actor, plans};
    let app = crate::helpers::spawn_with(Mode::Cloud, |c| c.free_bookmark_limit = 1).await;
    let alice = app.signup("alice@example.com", "Alice").await;
    let org = current_org(&app, &alice).await;
    app.set_plan(&org, "team").await;
    bookmark(&app, &alice, &org, "One").await;
    bookmark(&app, &alice, &org, "Two").await;
    // Down to Free as Stripe's webhook or `slugbase org set-plan` moves it: the grace begins.
    let mut tx = app.state.store.begin().await.unwrap();
    let row = slugbase::store::orgs::by_id(&mut tx.conn(), &org)
        .await
        .unwrap()
        .unwrap();
    let change = plans::PlanChange {
        plan: slugbase::domain::Plan::Free,
        included_seats: None,
        extra_seats: None,
    };
    plans::set_plan(&mut tx.conn(), &Actor::system(), &row, change)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let b = Browser::open(&app.base).await;
    b.sign_in("alice@example.com", PASSWORD).await;
    b.goto("/").await;
    b.wait_text("moved to the Free plan, which holds 1 bookmarks per person; you have 2. You can keep adding bookmarks until")
        .await;
    b.wait_text("Nothing is deleted.").await;
    // The owner is offered the way out.
    assert!(b.exists("a[href='/organization/billing']").await);
    b.check_page("dashboard-grace").await;
    b.close().await;
}

#[tokio::test]
async fn an_owner_opens_the_organization_to_their_domain_and_a_colleague_joins_from_the_dashboard()
{
    let app = spawn_app(Mode::Cloud).await;
    let alice = app.signup("alice@acme.test", "Alice").await;
    let org = current_org(&app, &alice).await;
    let b = Browser::open(&app.base).await;
    b.sign_in("alice@acme.test", PASSWORD).await;

    // On Free, the section says it is a Team-plan feature and links to billing.
    b.goto("/organization/settings").await;
    b.wait_text("Joining by email domain is part of the Team plan.")
        .await;
    assert!(!b.exists("input[name=domain]").await);
    app.set_plan(&org, "team").await;

    // A domain that is not hers is refused in the form, and nothing is stored.
    b.goto("/organization/settings").await;
    b.fill("input[name=domain]", "other.test").await;
    b.click("form[action='/organization/auto-join'] button[type=submit]")
        .await;
    b.wait_text("Your own address must be at other.test").await;
    b.check_page("org-settings-auto-join-refused").await;
    b.fill("input[name=domain]", "acme.test").await;
    b.click("form[action='/organization/auto-join'] button[type=submit]")
        .await;
    b.wait_text("Open to verified addresses at acme.test.")
        .await;
    b.check_page("org-settings-auto-join").await;
    b.close().await;

    // Carol signs up with a verified acme.test address: her dashboard offers Acme.
    app.signup("carol@acme.test", "Carol").await;
    let c = Browser::open(&app.base).await;
    c.sign_in("carol@acme.test", PASSWORD).await;
    c.goto("/").await;
    c.wait_text("Join your colleagues").await;
    c.check_page("dashboard-joinable").await;
    let name = app
        .get(&format!("/api/organizations/{org}"), Some(&alice.jwt))
        .await
        .json::<Value>()
        .await
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    c.click_text(&format!("Join {name}")).await;
    c.wait_text("You joined the organization").await;
    assert!(!c.body_text().await.contains("Join your colleagues"));
    assert!(app
        .last_mail_to("alice@acme.test")
        .unwrap()
        .contains("Carol joined"));
    c.close().await;

    // Stopping it: the colleague after her is offered nothing.
    let b = Browser::open(&app.base).await;
    b.sign_in("alice@acme.test", PASSWORD).await;
    b.goto("/organization/settings").await;
    b.click_text("Invitation only").await;
    b.wait_text("open by invitation only again").await;
    assert!(!b.body_text().await.contains("Open to verified addresses"));
    b.close().await;
    let dan = app.signup("dan@acme.test", "Dan").await;
    let offered = app
        .get("/api/organizations/joinable", Some(&dan.jwt))
        .await
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(offered, json!([]));
}
