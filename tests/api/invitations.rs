//! Inviting people: the checks in the contract's order, seats that never oversell, and accepting.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, Person, TestApp};
use crate::tenancy::{assert_foreign_ids_are_not_found, current_org, two_tenants, Probe};

async fn invite(app: &TestApp, who: &Person, org: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/organizations/{org}/invitations"),
        Some(&who.jwt),
        body,
    )
    .await
}

async fn join(app: &TestApp, owner: &Person, org: &str, person: &Person, role: &str) {
    expect(
        invite(
            app,
            owner,
            org,
            json!({"email": person.email, "role": role}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let token = app.token_from_mail(&person.email, "/invite?token=");
    expect(
        app.post(
            "/api/invitations/accept",
            Some(&person.jwt),
            json!({"token": token}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn an_owner_invites_and_the_invitee_joins_through_the_emailed_link() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, a) = (&t.app, &t.org_a);
    let created = expect(
        invite(app, &t.alice, a, json!({"email": " Bob@Example.com "})).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["message"], "Invitation sent");
    let inv = &created["invitation"];
    assert_eq!(
        (
            inv["email"].as_str(),
            inv["role"].as_str(),
            inv["status"].as_str()
        ),
        (Some("bob@example.com"), Some("member"), Some("pending"))
    );
    assert_eq!(inv["organization_id"], a.as_str());
    assert_eq!(inv["invited_by"], t.alice.id.as_str());
    for key in ["id", "expires_at", "created_at"] {
        assert!(inv[key].is_string(), "{key}");
    }

    let mail = app.last_mail_to("bob@example.com").unwrap();
    assert!(mail.contains(&format!("{}/invite?token=", app.state.config.base_url())));
    let token = app.token_from_mail("bob@example.com", "/invite?token=");
    assert_eq!(token.len(), 43, "32 random bytes, URL-safe");
    assert!(
        !created.to_string().contains(&token),
        "the token is never in a response"
    );
    let listed = expect(
        app.get(
            &format!("/api/organizations/{a}/invitations"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains(&token));

    let v = expect(
        app.get(&format!("/api/invitations/verify?token={token}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            v["valid"].as_bool(),
            v["email"].as_str(),
            v["org_name"].as_str()
        ),
        (
            Some(true),
            Some("bob@example.com"),
            Some("Alice's Workspace")
        )
    );
    assert_eq!(v["organization_id"], a.as_str());

    let joined = expect(
        app.post(
            "/api/invitations/accept",
            Some(&t.bob.jwt),
            json!({"token": token}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        joined,
        json!({"message": "Joined organization", "orgId": a})
    );
    assert_eq!(
        current_org(app, &t.bob).await,
        *a,
        "accepting switches to the new organization"
    );
    let members = expect(
        app.get(
            &format!("/api/organizations/{a}/members"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(members
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["email"] == "bob@example.com" && m["role"] == "member"));
    let used = expect(
        app.post(
            "/api/invitations/accept",
            Some(&t.bob.jwt),
            json!({"token": token}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        used["error"],
        "Invitation has already been used or cancelled"
    );
    let v = expect(
        app.get(&format!("/api/invitations/verify?token={token}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(v["valid"], false);
    let listed = expect(
        app.get(
            &format!("/api/organizations/{a}/invitations"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn invitation_checks_run_in_the_contracts_order() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, a) = (&t.app, &t.org_a);
    let carol = app.signup("carol@example.com", "Carol").await;
    join(app, &t.alice, a, &carol, "member").await;
    let path = format!("/api/organizations/{a}/invitations");

    // 1. no credentials
    expect(
        app.post(&path, None, json!({"email": "x@example.com"}))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    // 2. not a member, unknown and malformed ids: 404 alike
    for p in [
        path.clone(),
        "/api/organizations/00000000-0000-0000-0000-000000000000/invitations".into(),
        "/api/organizations/example_string/invitations".into(),
    ] {
        let body = expect(
            app.post(&p, Some(&t.bob.jwt), json!({"email": "x@example.com"}))
                .await,
            StatusCode::NOT_FOUND,
        )
        .await;
        assert_eq!(body, json!({"error": "Organization not found"}));
    }
    // 3. a member without the role: the plain Forbidden body, even with a bad email
    let body = expect(
        invite(app, &carol, a, json!({"email": "nope"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        body,
        json!({"error": "Forbidden", "message": "You don't have permission to access this resource", "code": 403})
    );
    // 4. email: missing (even with no body at all), then malformed
    let res = app
        .req(Method::POST, &path, Some(&t.alice.jwt))
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await,
        json!({"error": "Email is required"})
    );
    assert_eq!(
        expect(
            invite(app, &t.alice, a, json!({"email": "not-an-email"})).await,
            StatusCode::BAD_REQUEST
        )
        .await,
        json!({"error": "Invalid email format"})
    );
    // 5. plan (checked after the email)
    app.set_plan(a, "personal").await;
    let body = expect(
        invite(app, &t.alice, a, json!({"email": "dan@example.com"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        body,
        json!({"error": "Inviting members requires the Team plan", "code": "PLAN_REQUIRES_TEAM", "plan": "personal"})
    );
    app.set_plan(a, "team").await;
    // 6. duplicates
    let body = expect(
        invite(app, &t.alice, a, json!({"email": "carol@example.com"})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        body["error"],
        "User is already a member of this organization"
    );
    expect(
        invite(app, &t.alice, a, json!({"email": "dan@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let body = expect(
        invite(app, &t.alice, a, json!({"email": "DAN@example.com"})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        body["error"],
        "An invitation is already pending for this email"
    );
    // 7. seats: 5 included = alice + carol + dan (pending) + 2 more
    expect(
        invite(app, &t.alice, a, json!({"email": "e1@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    expect(
        invite(app, &t.alice, a, json!({"email": "e2@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let body = expect(
        invite(app, &t.alice, a, json!({"email": "e3@example.com"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        body,
        json!({"error": "All seats are in use", "code": "TEAM_SEAT_LIMIT", "seats_total": 5, "seats_used": 2,
               "pending_invitations": 3, "included_seats": 5, "extra_seats": 0})
    );
    app.set_seats(a, "team", 5, 1).await;
    expect(
        invite(app, &t.alice, a, json!({"email": "e3@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn racing_invitations_for_one_free_seat_create_exactly_one() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, a) = (&t.app, &t.org_a);
    app.set_seats(a, "team", 2, 0).await;
    let mut handles = Vec::new();
    for i in 0..12 {
        let req = app
            .req(
                Method::POST,
                &format!("/api/organizations/{a}/invitations"),
                Some(&t.alice.jwt),
            )
            .json(&json!({"email": format!("p{i}@example.com")}));
        handles.push(tokio::spawn(
            async move { req.send().await.unwrap().status() },
        ));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::FORBIDDEN),
        "{statuses:?}"
    );
    let listed = expect(
        app.get(
            &format!("/api/organizations/{a}/invitations"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

/// Two instances on one PostgreSQL: the seat check is a row lock in the database, not in a
/// process, so racing invitations sent to both still take one free seat once.
#[tokio::test]
async fn racing_invitations_across_two_instances_for_one_free_seat_create_exactly_one() {
    if std::env::var("TEST_DATABASE_URL").is_err() {
        eprintln!("skipped: two instances share a PostgreSQL database (TEST_DATABASE_URL)");
        return;
    }
    let t = two_tenants(Mode::Cloud).await;
    let (app, a) = (&t.app, &t.org_a);
    app.set_seats(a, "team", 2, 0).await;
    let secret = std::fs::read_to_string(app.data_dir.join("jwt_secret")).unwrap();
    let other = crate::helpers::spawn_with(Mode::Cloud, |c| {
        c.database_url = Some(app.database_url.clone());
        c.jwt_secret = Some(secret.trim().to_string());
    })
    .await;
    let mut handles = Vec::new();
    for i in 0..16 {
        let instance = if i % 2 == 0 { app } else { &other };
        let req = instance
            .req(
                Method::POST,
                &format!("/api/organizations/{a}/invitations"),
                Some(&t.alice.jwt),
            )
            .json(&json!({"email": format!("p{i}@example.com")}));
        handles.push(tokio::spawn(
            async move { req.send().await.unwrap().status() },
        ));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED);
    assert_eq!(created.count(), 1, "{statuses:?}");
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::FORBIDDEN),
        "{statuses:?}"
    );
    let listed = expect(
        other
            .get(
                &format!("/api/organizations/{a}/invitations"),
                Some(&t.alice.jwt),
            )
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn accepting_checks_the_person_the_plan_and_the_seats_again() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, a) = (&t.app, &t.org_a);
    let carol = app.signup("carol@example.com", "Carol").await;
    expect(
        invite(app, &t.alice, a, json!({"email": "bob@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let token = app.token_from_mail("bob@example.com", "/invite?token=");

    expect(
        app.post("/api/invitations/accept", None, json!({"token": token}))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        expect(
            app.post("/api/invitations/accept", Some(&t.bob.jwt), json!({}))
                .await,
            StatusCode::BAD_REQUEST
        )
        .await["error"],
        "Token is required"
    );
    assert_eq!(
        expect(
            app.post(
                "/api/invitations/accept",
                Some(&t.bob.jwt),
                json!({"token": "nope"})
            )
            .await,
            StatusCode::NOT_FOUND
        )
        .await["error"],
        "Invitation not found"
    );
    let wrong = expect(
        app.post(
            "/api/invitations/accept",
            Some(&carol.jwt),
            json!({"token": token}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        wrong["error"],
        "This invitation was sent to a different email address"
    );

    // Downgraded after inviting: joining is refused until the plan allows it again.
    app.set_plan(a, "free").await;
    let refused = expect(
        app.post(
            "/api/invitations/accept",
            Some(&t.bob.jwt),
            json!({"token": token}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused["code"], "PLAN_REQUIRES_TEAM");
    app.set_seats(a, "team", 1, 0).await;
    let full = expect(
        app.post(
            "/api/invitations/accept",
            Some(&t.bob.jwt),
            json!({"token": token}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(full["code"], "TEAM_SEAT_LIMIT");
    let members = expect(
        app.get(
            &format!("/api/organizations/{a}/members"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(members.as_array().unwrap().len(), 1, "refusals add nobody");
    app.set_seats(a, "team", 2, 0).await;
    expect(
        app.post(
            "/api/invitations/accept",
            Some(&t.bob.jwt),
            json!({"token": token}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // Expired invitations cannot be accepted.
    expect(
        invite(app, &t.alice, a, json!({"email": "carol@example.com"})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    app.set_seats(a, "team", 3, 0).await;
    expect(
        invite(app, &t.alice, a, json!({"email": "carol@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let token = app.token_from_mail("carol@example.com", "/invite?token=");
    app.exec(
        "UPDATE invitations SET expires_at = 1 WHERE email = $1",
        &["carol@example.com"],
    )
    .await;
    let expired = expect(
        app.post(
            "/api/invitations/accept",
            Some(&carol.jwt),
            json!({"token": token}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(expired["error"], "Invitation has expired");
    let v = expect(
        app.get(&format!("/api/invitations/verify?token={token}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        v,
        json!({"valid": false, "error": "Invitation has expired"})
    );
    // An expired invitation no longer blocks a new one.
    expect(
        invite(app, &t.alice, a, json!({"email": "carol@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn cancelling_and_resending_change_which_link_works() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, a) = (&t.app, &t.org_a);
    let created = expect(
        invite(app, &t.alice, a, json!({"email": "bob@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["invitation"]["id"].as_str().unwrap().to_string();
    let first = app.token_from_mail("bob@example.com", "/invite?token=");
    app.exec(
        "UPDATE invitations SET expires_at = expires_at - 86400000 WHERE id = $1",
        &[&id],
    )
    .await;

    let resent = expect(
        app.post(
            &format!("/api/organizations/{a}/invitations/{id}/resend"),
            Some(&t.alice.jwt),
            json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(
        resent["invitation"]["expires_at"].as_str().unwrap()
            > created["invitation"]["expires_at"].as_str().unwrap(),
        "expiry reset"
    );
    let second = app.token_from_mail("bob@example.com", "/invite?token=");
    assert_ne!(first, second);
    assert!(!resent.to_string().contains(&second));
    let old = expect(
        app.get(&format!("/api/invitations/verify?token={first}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(old["valid"], false);

    let cancelled = expect(
        app.delete(
            &format!("/api/organizations/{a}/invitations/{id}"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cancelled, json!({"message": "Invitation cancelled"}));
    let after = expect(
        app.post(
            "/api/invitations/accept",
            Some(&t.bob.jwt),
            json!({"token": second}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(
        after["error"],
        "Invitation has already been used or cancelled"
    );
    expect(
        app.delete(
            &format!("/api/organizations/{a}/invitations/{id}"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    expect(
        app.delete(
            &format!("/api/organizations/{a}/invitations/00000000-0000-0000-0000-000000000000"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn only_owners_invite_admins() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, a) = (&t.app, &t.org_a);
    join(app, &t.alice, a, &t.bob, "admin").await;
    let members = expect(
        app.get(
            &format!("/api/organizations/{a}/members"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(members
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["email"] == "bob@example.com" && m["role"] == "admin"));
    expect(
        invite(
            app,
            &t.bob,
            a,
            json!({"email": "x@example.com", "role": "admin"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect(
        invite(
            app,
            &t.bob,
            a,
            json!({"email": "x@example.com", "role": "member"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect(
        invite(
            app,
            &t.alice,
            a,
            json!({"email": "y@example.com", "role": "owner"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn another_organizations_invitations_are_not_found() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, a) = (&t.app, &t.org_a);
    let created = expect(
        invite(app, &t.alice, a, json!({"email": "zed@example.com"})).await,
        StatusCode::CREATED,
    )
    .await;
    let id = created["invitation"]["id"].as_str().unwrap();
    let b = &t.org_b;
    let probes = [
        Probe::new(
            Method::DELETE,
            format!("/api/organizations/{a}/invitations/{id}"),
            None,
        ),
        Probe::new(
            Method::POST,
            format!("/api/organizations/{a}/invitations/{id}/resend"),
            None,
        ),
        // Bob's own organization with Alice's invitation id.
        Probe::new(
            Method::DELETE,
            format!("/api/organizations/{b}/invitations/{id}"),
            None,
        ),
        Probe::new(
            Method::POST,
            format!("/api/organizations/{b}/invitations/{id}/resend"),
            None,
        ),
    ];
    assert_foreign_ids_are_not_found(&t, &probes).await;
    let listed = expect(
        app.get(
            &format!("/api/organizations/{a}/invitations"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(listed[0]["status"], "pending", "untouched");
}

#[tokio::test]
async fn self_hosted_invitations_ignore_plans_and_seats() {
    let app = spawn_app(Mode::Selfhosted).await;
    let admin = app.setup_admin("ada@example.com").await;
    let org = current_org(&app, &admin).await;
    app.set_seats(&org, "free", 1, 0).await;
    for i in 0..3 {
        expect(
            invite(
                &app,
                &admin,
                &org,
                json!({"email": format!("p{i}@example.com")}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
}

#[tokio::test]
async fn invitations_are_rate_limited_per_user() {
    let app =
        crate::helpers::spawn_with(Mode::Selfhosted, |c| c.rate_limit_write_per_minute = 2).await;
    let admin = app.setup_admin("ada@example.com").await;
    let org = current_org(&app, &admin).await;
    for i in 0..2 {
        expect(
            invite(
                &app,
                &admin,
                &org,
                json!({"email": format!("p{i}@example.com")}),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let body = expect(
        invite(&app, &admin, &org, json!({"email": "p9@example.com"})).await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    assert_eq!(body["code"], "RATE_LIMITED");
}
