//! Organizations, members and the current organization.

use reqwest::{Method, StatusCode};
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app};
use crate::tenancy::{assert_foreign_ids_are_not_found, current_org, two_tenants, Probe};

#[tokio::test]
async fn a_person_creates_lists_renames_and_deletes_organizations() {
    let app = spawn_app(Mode::Cloud).await;
    let bo = app.signup("bo@example.com", "Bo").await;
    let created = expect(
        app.post(
            "/api/organizations",
            Some(&bo.jwt),
            json!({"name": "  Acme  "}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["name"], "Acme");
    assert_eq!(created["plan"], "free");
    for key in ["id", "included_seats", "extra_seats", "created_at"] {
        assert!(created.get(key).is_some(), "{key}");
    }
    let id = created["id"].as_str().unwrap();

    let list = expect(
        app.get("/api/organizations", Some(&bo.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Acme", "Bo's Workspace"], "sorted by name");
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["role"] == "owner" && o["joined_at"].is_string()));

    let one = expect(
        app.get(&format!("/api/organizations/{id}"), Some(&bo.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            one["member_count"].as_i64(),
            one["pending_invitations"].as_i64()
        ),
        (Some(1), Some(0))
    );
    assert_eq!(one["role"], "owner");
    assert!(one.get("stripe_customer_id").is_some());

    let renamed = app
        .req(
            Method::PATCH,
            &format!("/api/organizations/{id}"),
            Some(&bo.jwt),
        )
        .json(&json!({"name": "Acme Inc"}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect(renamed, StatusCode::OK).await["name"], "Acme Inc");
    let empty = app
        .req(
            Method::PATCH,
            &format!("/api/organizations/{id}"),
            Some(&bo.jwt),
        )
        .json(&json!({"name": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect(empty, StatusCode::BAD_REQUEST).await["error"],
        "Organization name is required"
    );
    let missing = app
        .post("/api/organizations", Some(&bo.jwt), json!({}))
        .await;
    assert_eq!(
        expect(missing, StatusCode::BAD_REQUEST).await["error"],
        "Organization name is required"
    );

    let gone = expect(
        app.delete(&format!("/api/organizations/{id}"), Some(&bo.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(gone["message"], "Organization deleted");
    let err = expect(
        app.get(&format!("/api/organizations/{id}"), Some(&bo.jwt))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(err, json!({"error": "Organization not found"}));
    let list = expect(
        app.get("/api/organizations", Some(&bo.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "the other organization is untouched"
    );
}

#[tokio::test]
async fn switching_the_current_organization_follows_the_credential() {
    let app = spawn_app(Mode::Cloud).await;
    let bo = app.signup("bo@example.com", "Bo").await;
    let home = current_org(&app, &bo).await;
    let acme = expect(
        app.post("/api/organizations", Some(&bo.jwt), json!({"name": "Acme"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let acme = acme["id"].as_str().unwrap().to_string();

    let set = expect(
        app.post(
            "/api/session/org",
            Some(&bo.jwt),
            json!({"organizationId": acme}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(set, json!({"organizationId": acme}));
    assert_eq!(current_org(&app, &bo).await, acme);

    // A second login remembers the last choice; a token has its own current organization.
    let again = app.login_ok("bo@example.com").await;
    assert_eq!(current_org(&app, &again).await, acme);
    let token = expect(
        app.post("/api/tokens", Some(&bo.jwt), json!({"name": "t"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let token = token["token"].as_str().unwrap().to_string();
    let via_token = expect(
        app.post(
            "/api/session/org",
            Some(&token),
            json!({"organizationId": home}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(via_token["organizationId"], home.as_str());
    let token_view = expect(
        app.get("/api/session/org", Some(&token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(token_view["organizationId"], home.as_str());
    assert_eq!(
        current_org(&app, &bo).await,
        acme,
        "the session keeps its own choice"
    );
}

#[tokio::test]
async fn setting_the_organization_validates_its_input() {
    let t = two_tenants(Mode::Cloud).await;
    let app = &t.app;
    for body in [
        json!({}),
        json!({"organizationId": ""}),
        json!({"organizationId": 5}),
        json!({"organizationId": null}),
    ] {
        let got = expect(
            app.post("/api/session/org", Some(&t.alice.jwt), body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(got, json!({"error": "organizationId is required"}));
    }
    for id in [
        t.org_b.as_str(),
        "00000000-0000-0000-0000-000000000000",
        "example_string",
    ] {
        let got = expect(
            app.post(
                "/api/session/org",
                Some(&t.alice.jwt),
                json!({"organizationId": id}),
            )
            .await,
            StatusCode::FORBIDDEN,
        )
        .await;
        assert_eq!(got["error"], "Not a member of this organization");
    }
    expect(
        app.post("/api/session/org", None, json!({"organizationId": t.org_a}))
            .await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        current_org(app, &t.alice).await,
        t.org_a,
        "refusals change nothing"
    );
}

#[tokio::test]
async fn another_organizations_routes_are_not_found() {
    let t = two_tenants(Mode::Cloud).await;
    let a = &t.org_a;
    let alice = &t.alice.id;
    let probes = [
        Probe::new(Method::GET, format!("/api/organizations/{a}"), None),
        Probe::new(
            Method::PATCH,
            format!("/api/organizations/{a}"),
            Some(json!({"name": "pwned"})),
        ),
        Probe::new(Method::DELETE, format!("/api/organizations/{a}"), None),
        Probe::new(Method::GET, format!("/api/organizations/{a}/members"), None),
        Probe::new(
            Method::PATCH,
            format!("/api/organizations/{a}/members/{alice}"),
            Some(json!({"role": "member"})),
        ),
        Probe::new(
            Method::DELETE,
            format!("/api/organizations/{a}/members/{alice}"),
            None,
        ),
        Probe::new(Method::POST, format!("/api/organizations/{a}/leave"), None),
        Probe::new(
            Method::GET,
            format!("/api/organizations/{a}/invitations"),
            None,
        ),
        Probe::new(
            Method::POST,
            format!("/api/organizations/{a}/invitations"),
            Some(json!({"email": "x@example.com"})),
        ),
    ];
    assert_foreign_ids_are_not_found(&t, &probes).await;
    let still = expect(
        t.app
            .get(&format!("/api/organizations/{a}"), Some(&t.alice.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(still["name"], "Alice's Workspace");
    assert_eq!(still["member_count"], 1);
    // The header names an organization the user is not in: 403 on tenant-scoped routes.
    let res = t
        .app
        .req(Method::GET, "/api/session/org", Some(&t.bob.jwt))
        .header("x-organization-id", a.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "session/org itself reads the credential, not the header"
    );
}

#[tokio::test]
async fn roles_limit_who_manages_and_the_last_owner_stays() {
    let t = two_tenants(Mode::Cloud).await;
    let app = &t.app;
    let a = &t.org_a;
    // Bob joins A as a member through an invitation.
    expect(
        app.post(
            &format!("/api/organizations/{a}/invitations"),
            Some(&t.alice.jwt),
            json!({"email": t.bob.email}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let token = app.token_from_mail(&t.bob.email, "/invite?token=");
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

    let bob = &t.bob.id;
    let alice = &t.alice.id;
    let forbidden = json!({"error": "Forbidden", "message": "You don't have permission to access this resource", "code": 403});
    let patch = |who: &str, path: String, body: serde_json::Value| {
        app.req(Method::PATCH, &path, Some(who)).json(&body).send()
    };
    assert_eq!(
        expect(
            patch(
                &t.bob.jwt,
                format!("/api/organizations/{a}"),
                json!({"name": "x"})
            )
            .await
            .unwrap(),
            StatusCode::FORBIDDEN
        )
        .await,
        forbidden
    );
    assert_eq!(
        expect(
            app.delete(&format!("/api/organizations/{a}"), Some(&t.bob.jwt))
                .await,
            StatusCode::FORBIDDEN
        )
        .await,
        forbidden
    );
    expect(
        patch(
            &t.bob.jwt,
            format!("/api/organizations/{a}/members/{alice}"),
            json!({"role": "member"}),
        )
        .await
        .unwrap(),
        StatusCode::FORBIDDEN,
    )
    .await;
    expect(
        app.delete(
            &format!("/api/organizations/{a}/members/{alice}"),
            Some(&t.bob.jwt),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // The last owner can be neither demoted, nor removed, nor leave while Bob remains.
    let demote = expect(
        patch(
            &t.alice.jwt,
            format!("/api/organizations/{a}/members/{alice}"),
            json!({"role": "admin"}),
        )
        .await
        .unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(demote["code"], "LAST_OWNER");
    let leave = expect(
        app.post(
            &format!("/api/organizations/{a}/leave"),
            Some(&t.alice.jwt),
            json!({}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(leave["code"], "LAST_OWNER");
    let me = expect(
        app.delete(
            &format!("/api/organizations/{a}/members/{alice}"),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(me["error"].as_str().unwrap().contains("leave"));

    // Promote Bob to admin: he manages, but cannot touch the owner.
    let promoted = expect(
        patch(
            &t.alice.jwt,
            format!("/api/organizations/{a}/members/{bob}"),
            json!({"role": "admin"}),
        )
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    assert_eq!(promoted["role"], "admin");
    expect(
        patch(
            &t.bob.jwt,
            format!("/api/organizations/{a}"),
            json!({"name": "Renamed"}),
        )
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    expect(
        app.delete(
            &format!("/api/organizations/{a}/members/{alice}"),
            Some(&t.bob.jwt),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    expect(
        patch(
            &t.alice.jwt,
            format!("/api/organizations/{a}/members/{bob}"),
            json!({"role": "king"}),
        )
        .await
        .unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;

    // Make Bob an owner; now Alice may leave, and Bob is the last owner.
    expect(
        patch(
            &t.alice.jwt,
            format!("/api/organizations/{a}/members/{bob}"),
            json!({"role": "owner"}),
        )
        .await
        .unwrap(),
        StatusCode::OK,
    )
    .await;
    expect(
        app.post(
            &format!("/api/organizations/{a}/leave"),
            Some(&t.alice.jwt),
            json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect(
        app.get(&format!("/api/organizations/{a}"), Some(&t.alice.jwt))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let members = expect(
        app.get(&format!("/api/organizations/{a}/members"), Some(&t.bob.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(members.as_array().unwrap().len(), 1);
    assert_eq!(members[0]["user_id"], bob.as_str());
    let alone = expect(
        app.post(
            &format!("/api/organizations/{a}/leave"),
            Some(&t.bob.jwt),
            json!({}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(alone["error"].as_str().unwrap().contains("only member"));
}

#[tokio::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let t = two_tenants(Mode::Cloud).await;
    let app = &t.app;
    let a = &t.org_a;
    expect(
        app.post(
            &format!("/api/organizations/{a}/invitations"),
            Some(&t.alice.jwt),
            json!({"email": t.bob.email, "role": "admin"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let token = app.token_from_mail(&t.bob.email, "/invite?token=");
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
    let bob = &t.bob.id;
    let alice = &t.alice.id;
    let r = app
        .req(
            Method::PATCH,
            &format!("/api/organizations/{a}/members/{bob}"),
            Some(&t.alice.jwt),
        )
        .json(&json!({"role": "owner"}))
        .send()
        .await
        .unwrap();
    expect(r, StatusCode::OK).await;
    for _ in 0..5 {
        let one = app
            .req(
                Method::PATCH,
                &format!("/api/organizations/{a}/members/{bob}"),
                Some(&t.alice.jwt),
            )
            .json(&json!({"role": "member"}))
            .send();
        let two = app
            .req(
                Method::PATCH,
                &format!("/api/organizations/{a}/members/{alice}"),
                Some(&t.bob.jwt),
            )
            .json(&json!({"role": "member"}))
            .send();
        let (one, two) = tokio::join!(one, two);
        let statuses = [one.unwrap().status(), two.unwrap().status()];
        assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
        let members = expect(
            app.get(
                &format!("/api/organizations/{a}/members"),
                Some(&t.alice.jwt),
            )
            .await,
            StatusCode::OK,
        )
        .await;
        let owners = members
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "owner")
            .count();
        assert_eq!(owners, 1, "{members}");
        // Restore two owners for the next round.
        let (owner, other) = if members
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["user_id"] == alice.as_str() && m["role"] == "owner")
        {
            (&t.alice, bob)
        } else {
            (&t.bob, alice)
        };
        let r = app
            .req(
                Method::PATCH,
                &format!("/api/organizations/{a}/members/{other}"),
                Some(&owner.jwt),
            )
            .json(&json!({"role": "owner"}))
            .send()
            .await
            .unwrap();
        expect(r, StatusCode::OK).await;
    }
}

#[tokio::test]
async fn the_plan_config_describes_the_current_organization() {
    let app = crate::helpers::spawn_with(Mode::Cloud, |c| c.free_bookmark_limit = 3).await;
    let bo = app.signup("bo@example.com", "Bo").await;
    for i in 0..2 {
        let b = json!({"title": format!("b{i}"), "url": "https://example.com"});
        expect(
            app.post("/api/bookmarks", Some(&bo.jwt), b).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let cfg = expect(
        app.get("/api/config/plan", Some(&bo.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        cfg,
        json!({"mode": "cloud", "plan": "free", "included_seats": 1, "extra_seats": 0, "seats_used": 1,
               "pending_invitations": 0, "bookmark_limit": 3, "bookmark_count": 2, "free_plan_grace_ends_at": null,
               "features": {"share_to_teams": false, "share_folders": false, "invite_members": false, "ai_suggestions": false},
               "bookmarkLimit": 3, "canShareWithTeams": false, "ai_available": false, "audit_log_available": true,
               "email_invites_available": false})
    );
    let org = current_org(&app, &bo).await;
    app.set_plan(&org, "team").await;
    expect(
        app.post(
            &format!("/api/organizations/{org}/invitations"),
            Some(&bo.jwt),
            json!({"email": "x@example.com"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let cfg = expect(
        app.get("/api/config/plan", Some(&bo.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            cfg["plan"].as_str(),
            cfg["included_seats"].as_i64(),
            cfg["pending_invitations"].as_i64()
        ),
        (Some("team"), Some(5), Some(1))
    );
    assert_eq!(cfg["bookmark_limit"], serde_json::Value::Null);
    assert_eq!(cfg["features"]["invite_members"], true);
    // Another organization as current: its figures, not these.
    let other = expect(
        app.post("/api/organizations", Some(&bo.jwt), json!({"name": "Side"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let res = app
        .req(Method::GET, "/api/config/plan", Some(&bo.jwt))
        .header("x-organization-id", other["id"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let side = expect(res, StatusCode::OK).await;
    assert_eq!(
        (side["plan"].as_str(), side["bookmark_count"].as_i64()),
        (Some("free"), Some(0))
    );
    expect(
        app.get("/api/config/plan", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    let stranger = app.signup("eve@example.com", "Eve").await;
    let res = app
        .req(Method::GET, "/api/config/plan", Some(&stranger.jwt))
        .header("x-organization-id", org.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(
        expect(res, StatusCode::FORBIDDEN).await["error"],
        "Not a member of this organization"
    );
}

#[tokio::test]
async fn an_unknown_plan_in_the_database_is_an_error_not_a_free_organization() {
    let app = spawn_app(Mode::Cloud).await;
    let bo = app.signup("bo@example.com", "Bo").await;
    let org = current_org(&app, &bo).await;
    app.exec(
        "UPDATE organizations SET plan = 'enterprise' WHERE id = $1",
        &[&org],
    )
    .await;
    for path in ["/api/config/plan", "/api/organizations"] {
        let body = expect(
            app.get(path, Some(&bo.jwt)).await,
            StatusCode::INTERNAL_SERVER_ERROR,
        )
        .await;
        assert_eq!(
            body,
            json!({"error": "Internal server error"}),
            "{path}: no detail leaks"
        );
    }
}
