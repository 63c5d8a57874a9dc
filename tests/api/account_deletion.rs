//! `DELETE /api/users/me`: a person deletes their own account, with their password or within ten
//! minutes of signing in (the original SlugBase's client sends no password).

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, Person, TestApp, PASSWORD};

async fn delete_me(app: &TestApp, who: &Person, body: Value) -> reqwest::Response {
    app.req(reqwest::Method::DELETE, "/api/users/me", Some(&who.jwt))
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_member_deletes_their_account_and_every_credential_and_item_goes_with_it() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    expect(
        app.post(
            "/api/bookmarks",
            Some(&bob.jwt),
            json!({"title": "Bob's", "url": "https://bob.example", "slug": "bob"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let token = expect(
        app.post("/api/tokens", Some(&bob.jwt), json!({"name": "cli"}))
            .await,
        StatusCode::CREATED,
    )
    .await["token"]
        .as_str()
        .unwrap()
        .to_string();

    // An API token is no sign-in: it needs the password.
    let missing = app
        .req(reqwest::Method::DELETE, "/api/users/me", Some(&token))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let missing = expect(missing, StatusCode::BAD_REQUEST).await;
    assert_eq!(missing["code"], "PASSWORD_REQUIRED");
    let wrong = expect(
        delete_me(&app, &bob, json!({"password": "not it at all"})).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(wrong["code"], "INVALID_PASSWORD");
    expect(app.get("/api/auth/me", Some(&token)).await, StatusCode::OK).await;

    let done = delete_me(&app, &bob, json!({"password": PASSWORD})).await;
    let cleared = done
        .headers()
        .get_all("set-cookie")
        .iter()
        .any(|v| v.to_str().unwrap().starts_with("token=;"));
    assert!(cleared, "the session cookie is cleared");
    assert_eq!(
        expect(done, StatusCode::OK).await,
        json!({"message": "Account deleted"})
    );
    for credential in [&bob.jwt, &token] {
        expect(
            app.get("/api/auth/me", Some(credential)).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
    }
    expect(
        app.login("bob@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let people = expect(
        app.get("/api/users/for-sharing", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert!(!people.to_string().contains("bob@example.com"), "{people}");
    let go = app
        .req(reqwest::Method::GET, "/go/bob", Some(&ada.jwt))
        .send()
        .await
        .unwrap();
    assert_eq!(go.status(), StatusCode::NOT_FOUND);

    // The last admin stays.
    let last = expect(
        delete_me(&app, &ada, json!({"password": PASSWORD})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(last["error"].as_str().unwrap().contains("last admin"));
    expect(
        app.get("/api/auth/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
}

async fn member_count(app: &TestApp, who: &Person, org: &str) -> usize {
    let path = format!("/api/organizations/{org}/members");
    let members = expect(app.get(&path, Some(&who.jwt)).await, StatusCode::OK).await;
    members.as_array().unwrap().len()
}

#[tokio::test]
async fn the_last_owner_of_a_shared_organization_is_refused_and_nothing_changes() {
    let app = spawn_app(Mode::Cloud).await;
    let ada = app.signup("ada@example.com", "Ada").await;
    let bob = app.signup("bob@example.com", "Bob").await;
    let orgs = expect(
        app.get("/api/organizations", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let ada_org = orgs[0]["id"].as_str().unwrap().to_string();
    app.exec(
        "INSERT INTO org_members (org_id, user_id, role, joined_at) VALUES ($1, $2, 'member', 0)",
        &[&ada_org, &bob.id],
    )
    .await;

    let refused = expect(
        delete_me(&app, &ada, json!({"password": PASSWORD})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(refused["code"], "LAST_OWNER");
    expect(
        app.get("/api/auth/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(member_count(&app, &ada, &ada_org).await, 2);

    // Bob, a member there and alone in his own workspace, can go: his workspace goes too, and
    // the address can sign up again as a new account.
    expect(
        delete_me(&app, &bob, json!({"password": PASSWORD})).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(member_count(&app, &ada, &ada_org).await, 1);
    let again = app.signup("bob@example.com", "Bob again").await;
    assert_ne!(again.id, bob.id);
    let orgs = expect(
        app.get("/api/organizations", Some(&again.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(orgs.as_array().unwrap().len(), 1);

    // Now Ada is alone again and may leave, taking her workspace with her.
    expect(
        delete_me(&app, &ada, json!({"password": PASSWORD})).await,
        StatusCode::OK,
    )
    .await;
    expect(
        app.login("ada@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn right_after_signing_in_no_password_is_asked_but_later_it_is() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let cid = app.add_user("cid@example.com").await;
    // Cid signed in eleven minutes ago: the password is asked for, and nothing changes.
    app.exec(
        "UPDATE sessions SET created_at = created_at - 660000 WHERE user_id = $1",
        &[&cid.id],
    )
    .await;
    let asked = expect(
        delete_me(&app, &cid, json!({})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(asked["code"], "PASSWORD_REQUIRED");
    expect(
        app.get("/api/auth/me", Some(&cid.jwt)).await,
        StatusCode::OK,
    )
    .await;
    // A wrong password is still wrong, even right after signing in.
    let wrong = delete_me(&app, &bob, json!({"password": "not it at all"})).await;
    expect(wrong, StatusCode::UNAUTHORIZED).await;
    // Bob just signed in: deleting with no body at all, as the original client does, works.
    let res = app
        .req(reqwest::Method::DELETE, "/api/users/me", Some(&bob.jwt))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect(res, StatusCode::OK).await,
        json!({"message": "Account deleted"})
    );
    let gone = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": "bob@example.com", "password": PASSWORD}),
        )
        .await;
    expect(gone, StatusCode::UNAUTHORIZED).await;
}
