//! Joining by email domain (cloud, Team plan): an owner opens the organization to the domain of
//! their own address; a colleague who verified an address there joins without an invitation,
//! taking a seat, and the owners are told by email.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, Person, TestApp};
use crate::tenancy::current_org;

async fn set_domain(app: &TestApp, who: &Person, org: &str, domain: Value) -> reqwest::Response {
    app.req(
        Method::PATCH,
        &format!("/api/organizations/{org}"),
        Some(&who.jwt),
    )
    .json(&json!({ "auto_join_domain": domain }))
    .send()
    .await
    .unwrap()
}

async fn detail(app: &TestApp, who: &Person, org: &str) -> Value {
    expect(
        app.get(&format!("/api/organizations/{org}"), Some(&who.jwt))
            .await,
        StatusCode::OK,
    )
    .await
}

async fn joinable(app: &TestApp, who: &Person) -> Vec<String> {
    let list = expect(
        app.get("/api/organizations/joinable", Some(&who.jwt)).await,
        StatusCode::OK,
    )
    .await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_string())
        .collect()
}

async fn join(app: &TestApp, who: &Person, org: &str) -> reqwest::Response {
    app.post(
        &format!("/api/organizations/{org}/join"),
        Some(&who.jwt),
        json!({}),
    )
    .await
}

/// Alice's organization on the Team plan, open to `acme.test`.
async fn open_acme() -> (TestApp, Person, String) {
    let app = spawn_app(Mode::Cloud).await;
    let alice = app.signup("alice@acme.test", "Alice").await;
    let org = current_org(&app, &alice).await;
    app.set_plan(&org, "team").await;
    let body = expect(
        set_domain(&app, &alice, &org, json!(" @ACME.test ")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(body["auto_join_domain"], "acme.test");
    (app, alice, org)
}

#[tokio::test]
async fn a_colleague_who_verified_their_address_joins_and_the_owner_is_told() {
    let (app, alice, org) = open_acme().await;
    assert_eq!(
        detail(&app, &alice, &org).await["auto_join_domain"],
        "acme.test"
    );

    // Carol signs up (her own organization, verified through the emailed link) and is offered Acme.
    let carol = app.signup("carol@acme.test", "Carol").await;
    assert_eq!(joinable(&app, &carol).await, vec![org.clone()]);
    let owner_mails = app.mails_to("alice@acme.test");
    let joined = expect(join(&app, &carol, &org).await, StatusCode::OK).await;
    assert_eq!(
        joined,
        json!({"message": "Joined organization", "orgId": org})
    );
    assert_eq!(current_org(&app, &carol).await, org, "she works in it now");
    let members = expect(
        app.get(
            &format!("/api/organizations/{org}/members"),
            Some(&alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let carol_row = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "carol@acme.test")
        .expect("Carol is a member");
    assert_eq!(carol_row["role"], "member");

    assert_eq!(app.mails_to("alice@acme.test"), owner_mails + 1);
    let mail = app.last_mail_to("alice@acme.test").unwrap();
    assert!(mail.contains("Carol joined"), "{mail}");
    assert!(mail.contains("carol@acme.test"), "{mail}");
    assert!(mail.contains("/organization/members"), "{mail}");

    // Joining again changes nothing; Acme is no longer offered.
    let again = expect(join(&app, &carol, &org).await, StatusCode::OK).await;
    assert_eq!(again["message"], "Already a member");
    assert!(joinable(&app, &carol).await.is_empty());
    assert_eq!(app.mails_to("alice@acme.test"), owner_mails + 1);
}

#[tokio::test]
async fn addresses_at_other_domains_see_nothing_and_cannot_join() {
    let (app, _alice, org) = open_acme().await;
    for email in [
        "dave@other.test",
        "erin@sub.acme.test",
        "fay@acme.test.evil.test",
    ] {
        let person = app.signup(email, "Someone").await;
        assert!(joinable(&app, &person).await.is_empty(), "{email}");
        let res = join(&app, &person, &org).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{email}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "Organization not found");
    }
    let nobody = app.signup("gus@acme.test", "Gus").await;
    for id in ["not-an-id", "00000000-0000-4000-8000-000000000000"] {
        assert_eq!(
            join(&app, &nobody, id).await.status(),
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.post(&format!("/api/organizations/{org}/join"), None, json!({}))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_unverified_address_is_offered_nothing_and_refused() {
    let (app, _alice, org) = open_acme().await;
    let hal = app.signup("hal@acme.test", "Hal").await;
    app.exec(
        "UPDATE users SET email_verified = false WHERE email = 'hal@acme.test'",
        &[],
    )
    .await;
    assert!(joinable(&app, &hal).await.is_empty());
    let res = join(&app, &hal, &org).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "EMAIL_NOT_VERIFIED");
    assert_ne!(current_org(&app, &hal).await, org);
}

#[tokio::test]
async fn a_joiner_takes_a_seat_and_a_full_organization_refuses() {
    let (app, alice, org) = open_acme().await;
    // Two seats: Alice and one pending invitation fill them.
    app.set_seats(&org, "team", 2, 0).await;
    let invited = expect(
        app.post(
            &format!("/api/organizations/{org}/invitations"),
            Some(&alice.jwt),
            json!({"email": "ivy@elsewhere.test"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let carol = app.signup("carol@acme.test", "Carol").await;
    let res = join(&app, &carol, &org).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "TEAM_SEAT_LIMIT");
    assert_eq!(body["seats_used"], 1);
    assert_eq!(body["pending_invitations"], 1);
    assert_ne!(current_org(&app, &carol).await, org, "nothing changed");

    let inv = invited["invitation"]["id"].as_str().unwrap();
    expect(
        app.delete(
            &format!("/api/organizations/{org}/invitations/{inv}"),
            Some(&alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect(join(&app, &carol, &org).await, StatusCode::OK).await;
    assert_eq!(detail(&app, &alice, &org).await["member_count"], 2);
}

#[tokio::test]
async fn colleagues_racing_for_the_last_seat_never_oversell_it() {
    let (app, alice, org) = open_acme().await;
    app.set_seats(&org, "team", 2, 0).await;
    let mut people = Vec::new();
    for i in 0..4 {
        people.push(app.signup(&format!("p{i}@acme.test"), "Colleague").await);
    }
    let answers = futures_join_all(&app, &people, &org).await;
    let ok = answers.iter().filter(|s| **s == StatusCode::OK).count();
    let full = answers
        .iter()
        .filter(|s| **s == StatusCode::FORBIDDEN)
        .count();
    assert_eq!((ok, full), (1, 3), "{answers:?}");
    assert_eq!(detail(&app, &alice, &org).await["member_count"], 2);
}

async fn futures_join_all(app: &TestApp, people: &[Person], org: &str) -> Vec<StatusCode> {
    let mut tasks = Vec::new();
    for p in people {
        let req = app
            .req(
                Method::POST,
                &format!("/api/organizations/{org}/join"),
                Some(&p.jwt),
            )
            .json(&json!({}));
        tasks.push(tokio::spawn(
            async move { req.send().await.unwrap().status() },
        ));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test]
async fn only_an_owner_on_the_team_plan_opens_their_own_domain_and_refusals_change_nothing() {
    let app = spawn_app(Mode::Cloud).await;
    let alice = app.signup("alice@acme.test", "Alice").await;
    let org = current_org(&app, &alice).await;

    // Free plan: the Team-plan refusal, nothing stored.
    let res = set_domain(&app, &alice, &org, json!("acme.test")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "PLAN_REQUIRES_TEAM");
    assert!(detail(&app, &alice, &org).await["auto_join_domain"].is_null());

    app.set_plan(&org, "team").await;
    for (domain, words) in [
        (
            json!("other.test"),
            "Your own address must be at other.test",
        ),
        (json!("gmail.com"), "public email service"),
        (json!("not a domain"), "Enter a domain"),
        (json!("localhost"), "Enter a domain"),
        (json!(42), ""),
    ] {
        let res = set_domain(&app, &alice, &org, domain.clone()).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{domain}");
        let body: Value = res.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().contains(words), "{body}");
        assert!(detail(&app, &alice, &org).await["auto_join_domain"].is_null());
    }
    // A bad name with a good domain changes neither.
    let res = app
        .req(
            Method::PATCH,
            &format!("/api/organizations/{org}"),
            Some(&alice.jwt),
        )
        .json(&json!({"name": "", "auto_join_domain": "acme.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(detail(&app, &alice, &org).await["auto_join_domain"].is_null());
    // Both at once.
    let res = app
        .req(
            Method::PATCH,
            &format!("/api/organizations/{org}"),
            Some(&alice.jwt),
        )
        .json(&json!({"name": "Acme", "auto_join_domain": "acme.test"}))
        .send()
        .await
        .unwrap();
    let body = expect(res, StatusCode::OK).await;
    assert_eq!(
        (body["name"].as_str(), body["auto_join_domain"].as_str()),
        (Some("Acme"), Some("acme.test"))
    );

    // An admin may rename but not open the organization.
    let bob = app.signup("bob@acme.test", "Bob").await;
    expect(join(&app, &bob, &org).await, StatusCode::OK).await;
    expect(
        app.req(
            Method::PATCH,
            &format!("/api/organizations/{org}/members/{}", bob.id),
            Some(&alice.jwt),
        )
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        set_domain(&app, &bob, &org, Value::Null).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        detail(&app, &alice, &org).await["auto_join_domain"],
        "acme.test"
    );

    // Another organization's id is not found; closing with null or "" works.
    let other = app.signup("zed@zed.test", "Zed").await;
    assert_eq!(
        set_domain(&app, &other, &org, Value::Null).await.status(),
        StatusCode::NOT_FOUND
    );
    let closed = expect(
        set_domain(&app, &alice, &org, json!("")).await,
        StatusCode::OK,
    )
    .await;
    assert!(closed["auto_join_domain"].is_null());
    let carol = app.signup("carol@acme.test", "Carol").await;
    assert!(joinable(&app, &carol).await.is_empty());
    assert_eq!(
        join(&app, &carol, &org).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn self_hosted_has_no_joining_by_domain() {
    let app = spawn_app(Mode::Selfhosted).await;
    let admin = app.setup_admin("root@acme.test").await;
    let org = current_org(&app, &admin).await;
    let res = set_domain(&app, &admin, &org, json!("acme.test")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        body["error"],
        "Joining by email domain is available in SlugBase Cloud only"
    );
    // Closing what is not open asks for nothing the edition lacks.
    for closed in [json!(null), json!("")] {
        let res = set_domain(&app, &admin, &org, closed).await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["auto_join_domain"], Value::Null);
    }
    assert!(joinable(&app, &admin).await.is_empty());
    let pat = app.add_user("pat@acme.test").await;
    assert!(joinable(&app, &pat).await.is_empty());
    // Joining: not found to an outsider, "already a member" to a member.
    assert_eq!(join(&app, &pat, &org).await.status(), StatusCode::OK);
    let elsewhere = expect(
        app.post(
            "/api/organizations",
            Some(&admin.jwt),
            json!({"name": "Elsewhere"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let outsider_org = elsewhere["id"].as_str().unwrap();
    assert_eq!(
        join(&app, &pat, outsider_org).await.status(),
        StatusCode::NOT_FOUND
    );
}
