//! The audit log as owners and admins read it: an event for every kind of change, none for a
//! change that failed, never a secret, newest first a page at a time, and only one's own
//! organization.

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{enable_mfa, expect, Person, TestApp, PASSWORD};
use crate::tenancy::{invited_member, two_tenants, TwoTenants};

async fn log(app: &TestApp, who: &Person, query: &str) -> Value {
    expect(
        app.get(&format!("/api/admin/audit-log{query}"), Some(&who.jwt))
            .await,
        StatusCode::OK,
    )
    .await
}

/// Every event of the reader's log, newest first, following the cursor to the end.
async fn all_events(app: &TestApp, who: &Person) -> Vec<Value> {
    let mut events = Vec::new();
    let mut query = "?limit=500".to_string();
    loop {
        let page = log(app, who, &query).await;
        events.extend(page["events"].as_array().unwrap().iter().cloned());
        match page["next_cursor"]["before"].as_str() {
            Some(c) => query = format!("?limit=500&before={c}"),
            None => return events,
        }
    }
}

fn find<'a>(events: &'a [Value], action: &str) -> Option<&'a Value> {
    events.iter().find(|e| e["action"] == action)
}

fn must<'a>(events: &'a [Value], action: &str) -> &'a Value {
    find(events, action).unwrap_or_else(|| {
        let seen: Vec<_> = events.iter().map(|e| e["action"].clone()).collect();
        panic!("no {action} event; saw {seen:?}")
    })
}

async fn created_id(res: reqwest::Response) -> String {
    expect(res, StatusCode::CREATED).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn membership_roles_and_invitations_are_recorded_with_who_and_where() {
    let TwoTenants {
        app,
        alice,
        bob,
        org_a,
        ..
    } = two_tenants(Mode::Cloud).await;
    let carol = app.signup("carol@example.com", "Carol").await;
    let invitations = format!("/api/organizations/{org_a}/invitations");
    let invite = |email: &str| app.post(&invitations, Some(&alice.jwt), json!({"email": email}));
    expect(invite("carol@example.com").await, StatusCode::CREATED).await;
    let token = app.token_from_mail("carol@example.com", "/invite?token=");
    let body = json!({ "token": token });
    expect(
        app.post("/api/invitations/accept", Some(&carol.jwt), body)
            .await,
        StatusCode::OK,
    )
    .await;
    let member = format!("/api/organizations/{org_a}/members/{}", carol.id);
    let res = app
        .req(Method::PATCH, &member, Some(&alice.jwt))
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::OK).await;
    expect(app.delete(&member, Some(&alice.jwt)).await, StatusCode::OK).await;
    let other = expect(invite("dave@example.com").await, StatusCode::CREATED).await;
    let other = other["invitation"]["id"].as_str().unwrap().to_string();
    // Resent, then cancelled (resending Carol's would race her mails for the newest token).
    let resend = format!("/api/organizations/{org_a}/invitations/{other}/resend");
    let resent = app.post(&resend, Some(&alice.jwt), json!({})).await;
    expect(resent, StatusCode::OK).await;
    let path = format!("/api/organizations/{org_a}/invitations/{other}");
    expect(app.delete(&path, Some(&alice.jwt)).await, StatusCode::OK).await;

    let events = all_events(&app, &alice).await;
    let sent = must(&events, "invitation.sent");
    assert_eq!(sent["entity_type"], "invitation");
    assert_eq!(sent["organization_id"], org_a.as_str());
    assert_eq!(sent["actor_user_id"], alice.id.as_str());
    assert_eq!(sent["actor_email"], "alice@example.com");
    assert!(sent["ip"].is_string(), "{sent}");
    assert!(sent["created_at"].as_str().unwrap().ends_with('Z'));
    must(&events, "invitation.resent");
    assert_eq!(
        must(&events, "invitation.accepted")["actor_user_id"],
        carol.id.as_str()
    );
    assert_eq!(must(&events, "invitation.cancelled")["entity_id"], other);
    must(&events, "member.joined");
    let changed = must(&events, "member.role_changed");
    assert_eq!(changed["entity_type"], "membership");
    assert_eq!(changed["details"]["to"], "admin", "{changed}");
    must(&events, "member.removed");
    assert!(
        events.iter().all(|e| e["organization_id"] == org_a.as_str()
            || e["organization_id"].is_null() && e["actor_user_id"] == alice.id.as_str()),
        "only Alice's organization (and Alice's own sign-ins): {events:?}"
    );
    assert!(
        events.iter().all(|e| e["actor_user_id"] != bob.id.as_str()),
        "nothing Bob did in his own organization"
    );
}

#[tokio::test]
async fn tokens_mfa_sign_ins_and_deletions_are_recorded() {
    let TwoTenants { app, alice, .. } = two_tenants(Mode::Cloud).await;
    let token = expect(
        app.post("/api/tokens", Some(&alice.jwt), json!({"name": "ci"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let secret = token["token"].as_str().unwrap().to_string();
    let path = format!("/api/tokens/{}", token["id"].as_str().unwrap());
    expect(app.delete(&path, Some(&alice.jwt)).await, StatusCode::OK).await;
    let refused = app.login("alice@example.com", "Wrong-password-1").await;
    expect(refused, StatusCode::UNAUTHORIZED).await;
    let alice = app.login_ok("alice@example.com").await;

    let bm = created_id(
        app.post(
            "/api/bookmarks",
            Some(&alice.jwt),
            json!({"title": "Docs", "url": "https://docs.example"}),
        )
        .await,
    )
    .await;
    let team = created_id(
        app.post("/api/admin/teams", Some(&alice.jwt), json!({"name": "ops"}))
            .await,
    )
    .await;
    let res = app
        .req(
            Method::PUT,
            &format!("/api/bookmarks/{bm}"),
            Some(&alice.jwt),
        )
        .json(&json!({"team_ids": [team]}))
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::OK).await;
    let folder = created_id(
        app.post("/api/folders", Some(&alice.jwt), json!({"name": "Work"}))
            .await,
    )
    .await;
    let tag = created_id(
        app.post("/api/tags", Some(&alice.jwt), json!({"name": "rust"}))
            .await,
    )
    .await;
    for path in [
        format!("/api/bookmarks/{bm}"),
        format!("/api/folders/{folder}"),
        format!("/api/tags/{tag}"),
        format!("/api/admin/teams/{team}"),
    ] {
        expect(app.delete(&path, Some(&alice.jwt)).await, StatusCode::OK).await;
    }
    let (_auth, codes) = enable_mfa(&app, &alice).await;

    let events = all_events(&app, &alice).await;
    let created = must(&events, "token.created");
    assert_eq!(created["entity_type"], "api_token");
    assert_eq!(created["details"]["name"], "ci");
    must(&events, "token.revoked");
    let failed = must(&events, "auth.login_failed");
    assert_eq!(failed["actor_email"], "alice@example.com");
    assert_eq!(must(&events, "auth.login")["details"]["method"], "password");
    assert_eq!(must(&events, "bookmark.sharing_changed")["entity_id"], bm);
    for (action, id) in [
        ("bookmark.deleted", &bm),
        ("folder.deleted", &folder),
        ("tag.deleted", &tag),
        ("team.deleted", &team),
    ] {
        assert_eq!(must(&events, action)["entity_id"], id.as_str(), "{action}");
    }
    must(&events, "mfa.enabled");

    let text = serde_json::to_string(&events).unwrap();
    for secret in [secret.as_str(), PASSWORD, "Wrong-password-1"]
        .into_iter()
        .chain(codes.iter().map(String::as_str))
    {
        assert!(!text.contains(secret), "{secret} is in the log");
    }
}

#[tokio::test]
async fn a_change_that_fails_leaves_no_event() {
    let TwoTenants {
        app, alice, org_a, ..
    } = two_tenants(Mode::Cloud).await;
    let before = all_events(&app, &alice).await.len();
    let bad_invite = app
        .post(
            &format!("/api/organizations/{org_a}/invitations"),
            Some(&alice.jwt),
            json!({"email": "x@example.com", "role": "emperor"}),
        )
        .await;
    expect(bad_invite, StatusCode::BAD_REQUEST).await;
    let bad_token = app
        .post("/api/tokens", Some(&alice.jwt), json!({"name": ""}))
        .await;
    expect(bad_token, StatusCode::BAD_REQUEST).await;
    let missing = format!("/api/tags/{}", uuid::Uuid::new_v4());
    expect(
        app.delete(&missing, Some(&alice.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let last_owner = app
        .post(
            &format!("/api/organizations/{org_a}/leave"),
            Some(&alice.jwt),
            json!({}),
        )
        .await;
    assert!(last_owner.status().is_client_error());
    assert_eq!(all_events(&app, &alice).await.len(), before);
}

#[tokio::test]
async fn members_are_refused_and_another_organization_is_not_readable() {
    let TwoTenants {
        app,
        alice,
        bob,
        org_a,
        org_b,
    } = two_tenants(Mode::Cloud).await;
    let carol = invited_member(&app, &alice, &org_a, "carol@example.com").await;

    let as_member = app
        .req(Method::GET, "/api/admin/audit-log", Some(&carol.jwt))
        .header("X-Organization-Id", &org_a)
        .send()
        .await
        .unwrap();
    expect(as_member, StatusCode::FORBIDDEN).await;
    let foreign = app
        .req(Method::GET, "/api/admin/audit-log", Some(&alice.jwt))
        .header("X-Organization-Id", &org_b)
        .send()
        .await
        .unwrap();
    expect(foreign, StatusCode::FORBIDDEN).await;
    let anonymous = app.get("/api/admin/audit-log", None).await;
    expect(anonymous, StatusCode::UNAUTHORIZED).await;
    // Bob reads his own organization, and none of Alice's events.
    let bobs = all_events(&app, &bob).await;
    assert!(!bobs.is_empty());
    assert!(bobs.iter().all(|e| e["organization_id"] != org_a.as_str()));
}

#[tokio::test]
async fn pages_run_newest_first_without_gaps_and_filters_narrow_them() {
    let TwoTenants { app, alice, .. } = two_tenants(Mode::Cloud).await;
    for i in 0..7 {
        let id = created_id(
            app.post(
                "/api/tags",
                Some(&alice.jwt),
                json!({ "name": format!("t{i}") }),
            )
            .await,
        )
        .await;
        let path = format!("/api/tags/{id}");
        expect(app.delete(&path, Some(&alice.jwt)).await, StatusCode::OK).await;
    }
    let everything = all_events(&app, &alice).await;
    let mut paged = Vec::new();
    let mut query = "?limit=3".to_string();
    loop {
        let page = log(&app, &alice, &query).await;
        let events = page["events"].as_array().unwrap();
        assert!(events.len() <= 3);
        paged.extend(events.iter().cloned());
        // The original SlugBase's client pages with the cursor's two halves.
        let cursor = &page["next_cursor"];
        match (
            cursor["before_created_at"].as_str(),
            cursor["before_id"].as_str(),
        ) {
            (Some(at), Some(id)) => {
                query = format!("?limit=3&before_created_at={at}&before_id={id}")
            }
            _ => {
                assert!(cursor.is_null(), "{cursor}");
                break;
            }
        }
    }
    assert_eq!(paged, everything, "pages join up to the whole log");
    let ids: HashSet<_> = paged.iter().map(|e| e["id"].clone()).collect();
    assert_eq!(ids.len(), paged.len(), "no event twice");
    let times: Vec<_> = paged.iter().map(|e| e["created_at"].clone()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.as_str().cmp(&a.as_str()));
    assert_eq!(times, sorted, "newest first");

    let deleted = log(&app, &alice, "?action=tag.deleted").await;
    let deleted = deleted["events"].as_array().unwrap();
    assert_eq!(deleted.len(), 7);
    let by_type = log(&app, &alice, "?entity_type=tag&limit=2").await;
    assert_eq!(by_type["events"].as_array().unwrap().len(), 2);
    assert!(by_type["next_cursor"]["before"].is_string());
    let by_actor = log(&app, &alice, &format!("?actor_user_id={}", alice.id)).await;
    assert!(by_actor["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor_user_id"] == alice.id.as_str()));

    for bad in [
        "?before=garbage",
        "?limit=abc",
        "?before=MTIz",
        "?before_created_at=2026-01-01T00:00:00.000Z",
        "?before_id=6f1c1f52-3c55-4a8e-9d47-0a3c35a2f1b1",
        "?before_created_at=yesterday&before_id=6f1c1f52-3c55-4a8e-9d47-0a3c35a2f1b1",
        "?actor_user_id=nope",
        "?action=a%00b",
    ] {
        let res = app
            .get(&format!("/api/admin/audit-log{bad}"), Some(&alice.jwt))
            .await;
        expect(res, StatusCode::BAD_REQUEST).await;
    }
}

#[tokio::test]
async fn a_selfhosted_instance_admin_reads_every_organization() {
    let TwoTenants {
        app,
        alice,
        bob,
        org_b,
        ..
    } = two_tenants(Mode::Selfhosted).await;
    let all = all_events(&app, &alice).await;
    must(&all, "instance.set_up");
    let bobs = find(&all, "organization.created").expect("Bob's organization");
    assert_eq!(bobs["organization_id"], org_b.as_str());
    assert_eq!(bobs["actor_user_id"], bob.id.as_str());
    // Bob is no instance admin: his own organization only.
    let his = all_events(&app, &bob).await;
    assert!(his.iter().all(|e| e["organization_id"] == org_b.as_str()
        || e["organization_id"].is_null() && e["actor_user_id"] == bob.id.as_str()));
    assert!(find(&his, "instance.set_up").is_none());
}
