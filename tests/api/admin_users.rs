//! `/api/admin/users`: a self-hosted instance admin lists, adds, changes and deletes people;
//! nobody else can; an admin keeps their own rights and the last admin stays, also when two
//! admins demote each other at once.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, Person, TestApp, PASSWORD};

async fn put(app: &TestApp, who: &Person, id: &str, body: Value) -> reqwest::Response {
    app.req(
        Method::PUT,
        &format!("/api/admin/users/{id}"),
        Some(&who.jwt),
    )
    .json(&body)
    .send()
    .await
    .unwrap()
}

async fn me_status(app: &TestApp, bearer: &str) -> StatusCode {
    app.get("/api/auth/me", Some(bearer)).await.status()
}

#[tokio::test]
async fn an_admin_lists_adds_changes_and_deletes_people() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let created = app
        .post(
            "/api/admin/users",
            Some(&ada.jwt),
            json!({"email": " Carol@Example.com ", "name": "Carol", "password": PASSWORD}),
        )
        .await;
    let carol = expect(created, StatusCode::CREATED).await;
    assert_eq!(carol["email"], "carol@example.com");
    assert_eq!(carol["is_admin"], false);
    assert!(carol.get("password_hash").is_none());
    let carol_id = carol["id"].as_str().unwrap().to_string();
    let signed_in = app.login_ok("carol@example.com").await;
    let orgs = app.get("/api/organizations", Some(&signed_in.jwt)).await;
    assert_eq!(
        expect(orgs, StatusCode::OK).await.as_array().unwrap().len(),
        1
    );

    let page = expect(
        app.get("/api/admin/users?limit=2", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (page["total"].as_i64(), page["hasMore"].as_bool()),
        (Some(3), Some(true))
    );
    assert_eq!(
        page["items"][0]["email"], "carol@example.com",
        "newest first"
    );
    let found = app
        .get("/api/admin/users?q=BOB&limit=50", Some(&ada.jwt))
        .await;
    let found = expect(found, StatusCode::OK).await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["id"], bob.id.as_str());
    let one = app
        .get(&format!("/api/admin/users/{carol_id}"), Some(&ada.jwt))
        .await;
    assert_eq!(expect(one, StatusCode::OK).await["name"], "Carol");

    let changed = put(
        &app,
        &ada,
        &bob.id,
        json!({"name": "Robert", "email": "robert@example.com", "is_admin": true}),
    )
    .await;
    let changed = expect(changed, StatusCode::OK).await;
    assert_eq!(
        (&changed["name"], &changed["email"], &changed["is_admin"]),
        (&json!("Robert"), &json!("robert@example.com"), &json!(true))
    );
    // A body with nothing this endpoint knows changes nothing and shows the person as they are.
    let unchanged = put(&app, &ada, &bob.id, json!({"nickname": "Bobby"})).await;
    assert_eq!(expect(unchanged, StatusCode::OK).await, changed);
    // So does `null`, and an empty password, as the original client sends them (and as the
    // document now says).
    let kept = json!({"name": null, "email": null, "password": ""});
    let unchanged = put(&app, &ada, &bob.id, kept).await;
    assert_eq!(expect(unchanged, StatusCode::OK).await, changed);
    assert_eq!(me_status(&app, &bob.jwt).await, StatusCode::OK);
    // A new password ends every session the old one opened.
    assert_eq!(me_status(&app, &bob.jwt).await, StatusCode::OK);
    let reset = put(&app, &ada, &bob.id, json!({"password": "Another-456"})).await;
    expect(reset, StatusCode::OK).await;
    assert_eq!(me_status(&app, &bob.jwt).await, StatusCode::UNAUTHORIZED);
    let res = app.login("robert@example.com", "Another-456").await;
    expect(res, StatusCode::OK).await;

    let token = expect(
        app.post("/api/tokens", Some(&signed_in.jwt), json!({"name": "ci"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = token["token"].as_str().unwrap().to_string();
    let gone = app
        .delete(&format!("/api/admin/users/{carol_id}"), Some(&ada.jwt))
        .await;
    assert_eq!(
        expect(gone, StatusCode::OK).await["message"],
        "User deleted"
    );
    assert_eq!(
        me_status(&app, &signed_in.jwt).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(me_status(&app, &token).await, StatusCode::UNAUTHORIZED);
    let again = app
        .get(&format!("/api/admin/users/{carol_id}"), Some(&ada.jwt))
        .await;
    expect(again, StatusCode::NOT_FOUND).await;

    let log = app
        .get("/api/admin/audit-log?entity_type=user", Some(&ada.jwt))
        .await;
    let log = expect(log, StatusCode::OK).await;
    let actions: Vec<_> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for a in ["user.created", "user.updated", "account.deleted"] {
        assert!(actions.contains(&a.to_string()), "{a} in {actions:?}");
    }
    assert!(!log.to_string().contains("Another-456"));
}

#[tokio::test]
async fn with_send_invite_the_person_chooses_a_password_through_the_emailed_link() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let created = app
        .post(
            "/api/admin/users",
            Some(&ada.jwt),
            json!({"email": "dan@example.com", "name": "Dan", "send_invite": true}),
        )
        .await;
    expect(created, StatusCode::CREATED).await;
    let token = app.token_from_mail("dan@example.com", "/reset-password?token=");
    let set = app
        .post(
            "/api/password-reset/reset",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    expect(set, StatusCode::OK).await;
    app.login_ok("dan@example.com").await;
    // Neither a password nor an invitation: an account for signing in through an OpenID
    // provider (or "forgot password"); no mail, and no password anyone knows.
    let neither = app
        .post(
            "/api/admin/users",
            Some(&ada.jwt),
            json!({"email": "eve@example.com", "name": "Eve", "send_invite": false}),
        )
        .await;
    expect(neither, StatusCode::CREATED).await;
    assert_eq!(app.mails_to("eve@example.com"), 0);
    for guess in ["", PASSWORD] {
        let res = app.login("eve@example.com", guess).await;
        assert!(res.status().is_client_error());
    }
}

#[tokio::test]
async fn bad_input_unknown_ids_and_taken_addresses_are_refused() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    for body in [
        json!({}),
        json!({"email": "x@example.com"}),
        json!({"email": "not-an-email", "name": "X", "password": PASSWORD}),
        json!({"email": "x@example.com", "name": "X", "password": "weak"}),
        json!({"email": "x@example.com", "name": "a\u{0}b", "password": PASSWORD}),
    ] {
        let res = app
            .post("/api/admin/users", Some(&ada.jwt), body.clone())
            .await;
        expect(res, StatusCode::BAD_REQUEST).await;
    }
    // An address another account has is a conflict, on create and on change.
    let taken = app
        .post(
            "/api/admin/users",
            Some(&ada.jwt),
            json!({"email": "bob@example.com", "name": "Bob 2", "password": PASSWORD}),
        )
        .await;
    // 400, as the contract says (not 409).
    let taken = expect(taken, StatusCode::BAD_REQUEST).await;
    assert_eq!(taken["error"], "User with this email already exists");
    let taken = put(&app, &ada, &bob.id, json!({"email": "ada@example.com"})).await;
    expect(taken, StatusCode::BAD_REQUEST).await;
    for id in [uuid::Uuid::new_v4().to_string(), "nope".to_string()] {
        let path = format!("/api/admin/users/{id}");
        expect(app.get(&path, Some(&ada.jwt)).await, StatusCode::NOT_FOUND).await;
        expect(
            put(&app, &ada, &id, json!({"name": "X"})).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        expect(
            app.delete(&path, Some(&ada.jwt)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    for bad in ["?limit=abc", "?offset=-1", "?offset=x"] {
        let res = app
            .get(&format!("/api/admin/users{bad}"), Some(&ada.jwt))
            .await;
        expect(res, StatusCode::BAD_REQUEST).await;
    }
    let page = app.get("/api/admin/users?limit=50", Some(&ada.jwt)).await;
    assert_eq!(
        expect(page, StatusCode::OK).await["total"],
        2,
        "nothing was created"
    );
}

#[tokio::test]
async fn people_who_are_not_instance_admins_are_refused() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let paths = [
        (Method::GET, "/api/admin/users".to_string()),
        (Method::POST, "/api/admin/users".to_string()),
        (Method::GET, format!("/api/admin/users/{}", ada.id)),
        (Method::PUT, format!("/api/admin/users/{}", bob.id)),
        (Method::DELETE, format!("/api/admin/users/{}", ada.id)),
    ];
    for (method, path) in &paths {
        let body =
            json!({"email": "x@example.com", "name": "X", "password": PASSWORD, "is_admin": true});
        let res = app
            .req(method.clone(), path, Some(&bob.jwt))
            .json(&body)
            .send()
            .await
            .unwrap();
        expect(res, StatusCode::FORBIDDEN).await;
        let res = app
            .req(method.clone(), path, None)
            .json(&body)
            .send()
            .await
            .unwrap();
        expect(res, StatusCode::UNAUTHORIZED).await;
    }
    let me = expect(
        app.get("/api/auth/me", Some(&bob.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["is_admin"], false, "Bob did not make himself an admin");

    // In the cloud there are no instance admins at all.
    let cloud = spawn_app(Mode::Cloud).await;
    let alice = cloud.signup("alice@example.com", "Alice").await;
    let res = cloud.get("/api/admin/users", Some(&alice.jwt)).await;
    expect(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn an_admin_keeps_their_own_rights_and_the_last_admin_stays() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let demote = put(&app, &ada, &ada.id, json!({"is_admin": false})).await;
    expect(demote, StatusCode::FORBIDDEN).await;
    let own = app
        .delete(&format!("/api/admin/users/{}", ada.id), Some(&ada.jwt))
        .await;
    expect(own, StatusCode::FORBIDDEN).await;
    let me = expect(
        app.get("/api/auth/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["is_admin"], true);
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one_admin() {
    for _ in 0..5 {
        let app = spawn_app(Mode::Selfhosted).await;
        let ada = app.setup_admin("ada@example.com").await;
        let bob = app.add_user("bob@example.com").await;
        expect(
            put(&app, &ada, &bob.id, json!({"is_admin": true})).await,
            StatusCode::OK,
        )
        .await;
        let (a, b) = tokio::join!(
            put(&app, &ada, &bob.id, json!({"is_admin": false})),
            put(&app, &bob, &ada.id, json!({"is_admin": false})),
        );
        let ok = [a.status(), b.status()]
            .iter()
            .filter(|s| **s == StatusCode::OK)
            .count();
        assert_eq!(ok, 1, "exactly one demotion: {} {}", a.status(), b.status());
        let page = app.get("/api/admin/users", Some(&ada.jwt)).await;
        let admins = match page.status() {
            StatusCode::OK => page.json::<Value>().await.unwrap(),
            _ => {
                expect(
                    app.get("/api/admin/users", Some(&bob.jwt)).await,
                    StatusCode::OK,
                )
                .await
            }
        };
        let n = admins
            .as_array()
            .unwrap()
            .iter()
            .filter(|u| u["is_admin"] == true)
            .count();
        assert_eq!(n, 1);
    }
}
