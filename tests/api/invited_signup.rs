//! Signing up from an invitation: `POST /api/auth/register` with `invitation_token` creates a
//! verified account in the inviting organization and signs it in, in both modes; a token that
//! does not fit creates nothing.

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{cookie, expect, spawn_app, Person, TestApp, PASSWORD};
use crate::tenancy::{current_org, two_tenants};

async fn invite(app: &TestApp, owner: &Person, org: &str, email: &str) -> String {
    let res = app
        .post(
            &format!("/api/organizations/{org}/invitations"),
            Some(&owner.jwt),
            json!({ "email": email, "role": "admin" }),
        )
        .await;
    expect(res, StatusCode::CREATED).await;
    app.token_from_mail(email, "/invite?token=")
}

async fn register(app: &TestApp, email: &str, token: &str) -> reqwest::Response {
    app.post(
        "/api/auth/register",
        None,
        json!({"email": email, "name": "Dave", "password": PASSWORD, "invitation_token": token}),
    )
    .await
}

async fn members(app: &TestApp, owner: &Person, org: &str) -> Vec<String> {
    let path = format!("/api/organizations/{org}/members");
    let listed: Value = expect(app.get(&path, Some(&owner.jwt)).await, StatusCode::OK).await;
    listed
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap().to_string())
        .collect()
}

async fn signed_up(app: &TestApp, email: &str, token: &str) -> Person {
    let res = register(app, email, token).await;
    let jwt = cookie(&res, "token").expect("signed in at once");
    let body = expect(res, StatusCode::CREATED).await;
    assert_eq!(body["email"], email);
    Person {
        id: body["id"].as_str().unwrap().into(),
        email: email.into(),
        jwt,
    }
}

#[tokio::test]
async fn in_the_cloud_an_invitee_signs_up_verified_and_lands_in_the_organization() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, org) = (&t.app, &t.org_a);
    let token = invite(app, &t.alice, org, "dave@example.com").await;
    let dave = signed_up(app, "dave@example.com", &token).await;
    assert_eq!(&current_org(app, &dave).await, org);
    assert!(members(app, &t.alice, org)
        .await
        .contains(&"dave@example.com".to_string()));
    assert_eq!(app.mails_to("dave@example.com"), 1, "no verification email");
    // Verified: signing in works, and the invitation is used up.
    app.login_ok("dave@example.com").await;
    let again = register(app, "dave@example.com", &token).await;
    expect(again, StatusCode::BAD_REQUEST).await;
    let check = app
        .get(&format!("/api/invitations/verify?token={token}"), None)
        .await;
    assert_eq!(expect(check, StatusCode::OK).await["valid"], false);
    let role = app
        .get(
            &format!("/api/organizations/{org}/members"),
            Some(&dave.jwt),
        )
        .await;
    let role = expect(role, StatusCode::OK).await;
    let me = role
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == "dave@example.com")
        .cloned()
        .unwrap();
    assert_eq!(me["role"], "admin", "the invitation's role");
}

#[tokio::test]
async fn self_hosted_an_invitation_is_the_way_in_when_sign_up_is_closed() {
    let app = spawn_app(Mode::Selfhosted).await;
    let admin = app.setup_admin("ada@example.com").await;
    let org = current_org(&app, &admin).await;
    let closed = app
        .post(
            "/api/auth/register",
            None,
            json!({"email": "dave@example.com", "name": "Dave", "password": PASSWORD}),
        )
        .await;
    expect(closed, StatusCode::FORBIDDEN).await;
    let token = invite(&app, &admin, &org, "dave@example.com").await;
    let dave = signed_up(&app, "dave@example.com", &token).await;
    assert_eq!(current_org(&app, &dave).await, org);
    let orgs = expect(
        app.get("/api/organizations", Some(&dave.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(orgs.as_array().unwrap().len(), 1, "no workspace of his own");
}

#[tokio::test]
async fn a_token_that_does_not_fit_creates_no_account() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, org) = (&t.app, &t.org_a);
    let token = invite(app, &t.alice, org, "dave@example.com").await;
    let cases = [
        ("eve@example.com", token.as_str(), StatusCode::FORBIDDEN),
        (
            "eve@example.com",
            "not-a-real-invitation-token",
            StatusCode::NOT_FOUND,
        ),
        ("eve@example.com", "   ", StatusCode::BAD_REQUEST),
    ];
    for (email, token, status) in cases {
        expect(register(app, email, token).await, status).await;
        let login = app.login(email, PASSWORD).await;
        expect(login, StatusCode::UNAUTHORIZED).await;
    }
    // Bad fields are refused before the token is looked at.
    let weak = app
        .post(
            "/api/auth/register",
            None,
            json!({"email": "dave@example.com", "name": "Dave", "password": "weak", "invitation_token": token}),
        )
        .await;
    expect(weak, StatusCode::BAD_REQUEST).await;

    app.exec(
        "UPDATE invitations SET expires_at = 1 WHERE email = $1",
        &["dave@example.com"],
    )
    .await;
    let expired = register(app, "dave@example.com", &token).await;
    let body = expect(expired, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["error"], "Invitation has expired");
    let login = app.login("dave@example.com", PASSWORD).await;
    expect(login, StatusCode::UNAUTHORIZED).await;
    assert!(!members(app, &t.alice, org)
        .await
        .contains(&"dave@example.com".to_string()));
}
