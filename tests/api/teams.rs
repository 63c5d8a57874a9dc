//! Teams: managed by owners and admins, listed by their members, kept inside one organization.

use reqwest::{Method, StatusCode};
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::expect;
use crate::library::{get_ok, id, office, team};
use crate::tenancy::{assert_foreign_ids_are_not_found, two_tenants, Probe};

#[tokio::test]
async fn an_admin_creates_changes_staffs_and_deletes_a_team() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let created = expect(
        app.post(
            "/api/admin/teams",
            Some(&alice.jwt),
            json!({"name": "Platform", "description": "Infra", "user_ids": [o.bob.id]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["name"], "Platform");
    assert_eq!(created["description"], "Infra");
    assert_eq!(created["member_count"], 1);
    assert_eq!(
        created["members"],
        json!([{"id": o.bob.id, "name": "bob", "email": "bob@example.com"}])
    );
    let t = id(&created);
    let path = format!("/api/admin/teams/{t}");

    let changed = expect(
        app.put(&path, Some(&alice.jwt), json!({"description": null}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (changed["name"].as_str(), changed["description"].is_null()),
        (Some("Platform"), true)
    );

    let staffed = expect(
        app.post(
            &format!("{path}/members"),
            Some(&alice.jwt),
            json!({"user_ids": [o.carol.id, o.bob.id]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(staffed["member_count"], 2);
    let all = get_ok(app, alice, "/api/admin/teams").await;
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(
        get_ok(app, &o.carol, "/api/teams").await[0]["name"],
        "Platform"
    );
    assert_eq!(
        get_ok(app, alice, "/api/teams").await,
        json!([]),
        "Alice manages it but is not in it"
    );

    let res = app
        .delete(&format!("{path}/members/{}", o.carol.id), Some(&alice.jwt))
        .await;
    assert_eq!(expect(res, StatusCode::OK).await["member_count"], 1);
    let res = app
        .delete(&format!("{path}/members/{}", o.carol.id), Some(&alice.jwt))
        .await;
    expect(res, StatusCode::NOT_FOUND).await;
    assert_eq!(get_ok(app, &o.carol, "/api/teams").await, json!([]));

    expect(app.delete(&path, Some(&alice.jwt)).await, StatusCode::OK).await;
    expect(
        app.get(&path, Some(&alice.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(get_ok(app, &o.bob, "/api/teams").await, json!([]));
}

#[tokio::test]
async fn team_input_is_validated() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    team(app, alice, "Ops", &[]).await;
    let res = app
        .post("/api/admin/teams", Some(&alice.jwt), json!({"name": "ops"}))
        .await;
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await["error"],
        "Team already exists"
    );
    for (body, msg) in [
        (json!({}), "Team name is required"),
        (
            json!({"name": "x".repeat(256)}),
            "Team name must be no more than 255 characters",
        ),
        (
            json!({"name": "ok", "description": "x".repeat(501)}),
            "Description must be no more than 500 characters",
        ),
        (
            json!({"name": "ok", "user_ids": [uuid::Uuid::new_v4().to_string()]}),
            "One or more users are not members of this organization",
        ),
    ] {
        let got = expect(
            app.post("/api/admin/teams", Some(&alice.jwt), body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(got["error"], msg);
    }
    let t = team(app, alice, "Dev", &[]).await;
    let res = app
        .post(
            &format!("/api/admin/teams/{t}/members"),
            Some(&alice.jwt),
            json!({"user_ids": []}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn members_cannot_manage_teams() {
    let o = office().await;
    let (app, bob) = (&o.app, &o.bob);
    let t = team(app, &o.alice, "Ops", &[bob]).await;
    let path = format!("/api/admin/teams/{t}");
    for (m, p) in [
        (Method::GET, "/api/admin/teams".to_string()),
        (Method::POST, "/api/admin/teams".into()),
        (Method::GET, path.clone()),
        (Method::PUT, path.clone()),
        (Method::DELETE, path.clone()),
        (Method::POST, format!("{path}/members")),
        (Method::DELETE, format!("{path}/members/{}", bob.id)),
    ] {
        let res = app
            .req(m.clone(), &p, Some(&bob.jwt))
            .json(&json!({"name": "x", "user_ids": [bob.id]}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            expect(res, StatusCode::FORBIDDEN).await["error"],
            "Forbidden",
            "{m} {p}"
        );
        let res = app
            .req(m.clone(), &p, None)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        expect(res, StatusCode::UNAUTHORIZED).await;
    }
    assert_eq!(get_ok(app, bob, "/api/teams").await[0]["id"], t.as_str());
    expect(app.get("/api/teams", None).await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn another_organizations_teams_are_not_found_and_cannot_be_joined() {
    let t = two_tenants(Mode::Cloud).await;
    let app = &t.app;
    let team_a = team(app, &t.alice, "A team", &[]).await;
    let path = format!("/api/admin/teams/{team_a}");
    assert_foreign_ids_are_not_found(
        &t,
        &[
            Probe::new(Method::GET, path.clone(), None),
            Probe::new(Method::PUT, path.clone(), Some(json!({"name": "B"}))),
            Probe::new(Method::DELETE, path.clone(), None),
            Probe::new(
                Method::POST,
                format!("{path}/members"),
                Some(json!({"user_ids": [t.bob.id]})),
            ),
            Probe::new(
                Method::DELETE,
                format!("{path}/members/{}", t.alice.id),
                None,
            ),
        ],
    )
    .await;
    // Alice cannot put Bob (not in her organization) into her team, nor share with B's team.
    let res = app
        .post(
            &format!("{path}/members"),
            Some(&t.alice.jwt),
            json!({"user_ids": [t.bob.id]}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    let team_b = team(app, &t.bob, "B team", &[]).await;
    let res = app
        .post(
            "/api/bookmarks",
            Some(&t.alice.jwt),
            json!({"title": "x", "url": "https://x.example", "team_ids": [team_b]}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        get_ok(app, &t.bob, "/api/admin/teams")
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(get_ok(app, &t.alice, &path).await["member_count"], 0);
}
