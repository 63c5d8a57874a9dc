//! Sharing inside one organization: who can see a bookmark or folder, how it shows, and that only
//! its owner may change it.

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, Person, TestApp};
use crate::library::{bookmark, folder, get_ok, id, office, simple, team, titles, Office};
use crate::tenancy::current_org;

/// Bob can read the bookmark, sees it as shared from Alice, and may not change or delete it.
async fn bob_reads_but_cannot_write(o: &Office, b: &str) {
    let (app, bob) = (&o.app, &o.bob);
    let path = format!("/api/bookmarks/{b}");
    let seen = get_ok(app, bob, &path).await;
    assert_eq!(seen["bookmark_type"], "shared");
    assert_eq!(seen["user_name"], "Admin");
    assert_eq!(seen["user_email"], "alice@example.com");
    assert_eq!(
        seen["shared_users"],
        json!([]),
        "only the owner sees whom it is shared with"
    );
    assert!(titles(&get_ok(app, bob, "/api/bookmarks").await)
        .contains(&seen["title"].as_str().unwrap().to_string()));
    let forbidden = json!({"error": "Forbidden", "message": "You don't have permission to access this resource", "code": 403});
    let res = app
        .put(&path, Some(&bob.jwt), json!({"title": "Bob's now"}))
        .await;
    assert_eq!(expect(res, StatusCode::FORBIDDEN).await, forbidden);
    let res = app
        .put(&path, Some(&bob.jwt), json!({"user_ids": [bob.id]}))
        .await;
    expect(res, StatusCode::FORBIDDEN).await;
    expect(
        app.delete(&path, Some(&bob.jwt)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let tracked = expect(
        app.post(&format!("{path}/track-access"), Some(&bob.jwt), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(tracked["access_count"].as_i64().unwrap() >= 1);
    assert_ne!(get_ok(app, &o.alice, &path).await["title"], "Bob's now");
}

async fn bob_cannot_see(app: &TestApp, bob: &Person, b: &str) {
    let path = format!("/api/bookmarks/{b}");
    expect(app.get(&path, Some(&bob.jwt)).await, StatusCode::NOT_FOUND).await;
    expect(
        app.put(&path, Some(&bob.jwt), json!({"title": "x"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    expect(
        app.delete(&path, Some(&bob.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let res = app
        .post(&format!("{path}/track-access"), Some(&bob.jwt), json!({}))
        .await;
    expect(res, StatusCode::NOT_FOUND).await;
    assert_eq!(get_ok(app, bob, "/api/bookmarks").await["total"], 0);
}

#[tokio::test]
async fn an_unshared_bookmark_is_invisible_to_colleagues() {
    let o = office().await;
    let b = simple(&o.app, &o.alice, "Private", "https://p.example").await;
    bob_cannot_see(&o.app, &o.bob, &b).await;
}

#[tokio::test]
async fn a_bookmark_shared_with_a_person_is_readable_by_them_only() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let created = bookmark(
        app,
        alice,
        json!({"title": "For Bob", "url": "https://b.example", "user_ids": [o.bob.id]}),
    )
    .await;
    assert_eq!(
        created["shared_users"],
        json!([{"id": o.bob.id, "name": "bob", "email": "bob@example.com"}])
    );
    let b = id(&created);
    bob_reads_but_cannot_write(&o, &b).await;
    bob_cannot_see(app, &o.carol, &b).await;

    // Unsharing takes it away again.
    let res = app
        .put(
            &format!("/api/bookmarks/{b}"),
            Some(&alice.jwt),
            json!({"user_ids": []}),
        )
        .await;
    assert_eq!(expect(res, StatusCode::OK).await["shared_users"], json!([]));
    bob_cannot_see(app, &o.bob, &b).await;
}

#[tokio::test]
async fn a_bookmark_shared_with_a_team_is_readable_by_its_members() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let t = team(app, alice, "Platform", &[&o.bob]).await;
    let created = bookmark(
        app,
        alice,
        json!({"title": "Runbook", "url": "https://r.example", "team_ids": [t]}),
    )
    .await;
    assert_eq!(
        created["shared_teams"],
        json!([{"id": t, "name": "Platform"}])
    );
    let b = id(&created);
    bob_reads_but_cannot_write(&o, &b).await;
    bob_cannot_see(app, &o.carol, &b).await;

    // Leaving the team ends it.
    let res = app
        .delete(
            &format!("/api/admin/teams/{t}/members/{}", o.bob.id),
            Some(&alice.jwt),
        )
        .await;
    expect(res, StatusCode::OK).await;
    bob_cannot_see(app, &o.bob, &b).await;
}

/// A member (not a manager) shares with the teams they are in, and with no other: a team of the
/// organization they are not in is "not found" (400) as another organization's team is, for
/// bookmarks and folders alike, and nothing changes. Listing teams for managing them stays with
/// owners and admins.
#[tokio::test]
async fn a_member_shares_with_their_own_teams_and_no_others() {
    let o = office().await;
    let (app, alice, bob, carol) = (&o.app, &o.alice, &o.bob, &o.carol);
    let platform = team(app, alice, "Platform", &[bob, carol]).await;
    let sales = team(app, alice, "Sales", &[carol]).await;
    // Dan's own organization, with a team of its own.
    let dan = app.add_user("dan@example.com").await;
    let created = expect(
        app.post(
            "/api/organizations",
            Some(&dan.jwt),
            json!({"name": "Dan's Org"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let res = app
        .req(reqwest::Method::POST, "/api/admin/teams", Some(&dan.jwt))
        .header("X-Organization-Id", id(&created))
        .json(&json!({"name": "Elsewhere"}))
        .send()
        .await
        .unwrap();
    let elsewhere = id(&expect(res, StatusCode::CREATED).await);

    let created = bookmark(
        app,
        bob,
        json!({"title": "Runbook", "url": "https://r.example", "team_ids": [platform]}),
    )
    .await;
    assert_eq!(
        created["shared_teams"],
        json!([{"id": platform, "name": "Platform"}])
    );
    let path = format!("/api/bookmarks/{}", id(&created));
    assert_eq!(get_ok(app, carol, &path).await["bookmark_type"], "shared");

    let not_found = "One or more teams were not found";
    for other in [&sales, &elsewhere] {
        let res = app
            .put(
                &path,
                Some(&bob.jwt),
                json!({"team_ids": [platform, other]}),
            )
            .await;
        assert_eq!(
            expect(res, StatusCode::BAD_REQUEST).await["error"],
            not_found
        );
        let res = app
            .post(
                "/api/bookmarks",
                Some(&bob.jwt),
                json!({"title": "x", "url": "https://x.example", "team_ids": [other]}),
            )
            .await;
        assert_eq!(
            expect(res, StatusCode::BAD_REQUEST).await["error"],
            not_found
        );
        let res = app
            .post(
                "/api/folders",
                Some(&bob.jwt),
                json!({"name": "Shared runbooks", "team_ids": [other]}),
            )
            .await;
        assert_eq!(
            expect(res, StatusCode::BAD_REQUEST).await["error"],
            not_found
        );
    }
    assert_eq!(
        get_ok(app, bob, &path).await["shared_teams"],
        json!([{"id": platform, "name": "Platform"}])
    );
    let listed = get_ok(app, bob, "/api/bookmarks").await;
    assert_eq!(listed["total"], 1, "no bookmark was made: {listed}");
    expect(
        app.get("/api/admin/teams", Some(&bob.jwt)).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // An owner shares with any team of the organization, in it or not.
    let res = bookmark(
        app,
        alice,
        json!({"title": "Pricing", "url": "https://p.example", "team_ids": [platform, sales]}),
    )
    .await;
    assert_eq!(res["shared_teams"].as_array().unwrap().len(), 2);
}

/// A member who leaves a team keeps the shares they made with it while they were in it (saving
/// the bookmark again with it is no error), but cannot share with it anew.
#[tokio::test]
async fn a_member_keeps_a_share_with_a_team_they_left_but_cannot_add_it_again() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let platform = team(app, alice, "Platform", &[bob]).await;
    let b = bookmark(
        app,
        bob,
        json!({"title": "Runbook", "url": "https://r.example", "team_ids": [platform]}),
    )
    .await;
    let path = format!("/api/bookmarks/{}", id(&b));
    let res = app
        .delete(
            &format!("/api/admin/teams/{platform}/members/{}", bob.id),
            Some(&alice.jwt),
        )
        .await;
    expect(res, StatusCode::OK).await;

    let res = app
        .put(
            &path,
            Some(&bob.jwt),
            json!({"title": "Runbook v2", "team_ids": [platform]}),
        )
        .await;
    let kept = expect(res, StatusCode::OK).await;
    assert_eq!(
        kept["shared_teams"],
        json!([{"id": platform, "name": "Platform"}])
    );

    let res = app
        .put(&path, Some(&bob.jwt), json!({"team_ids": []}))
        .await;
    expect(res, StatusCode::OK).await;
    let res = app
        .put(&path, Some(&bob.jwt), json!({"team_ids": [platform]}))
        .await;
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await["error"],
        "One or more teams were not found"
    );
    assert_eq!(get_ok(app, bob, &path).await["shared_teams"], json!([]));
}

#[tokio::test]
async fn a_bookmark_shared_with_all_teams_is_readable_by_anyone_in_a_team() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    team(app, alice, "Anything", &[&o.bob]).await;
    let b = id(&bookmark(
        app,
        alice,
        json!({"title": "Handbook", "url": "https://h.example", "share_all_teams": true}),
    )
    .await);
    bob_reads_but_cannot_write(&o, &b).await;
    bob_cannot_see(app, &o.carol, &b).await;
}

#[tokio::test]
async fn bookmarks_in_a_shared_folder_are_readable_through_it() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let f = folder(app, alice, json!({"name": "Onboarding"})).await;
    let b = id(&bookmark(
        app,
        alice,
        json!({"title": "Laptop setup", "url": "https://l.example", "folder_ids": [f]}),
    )
    .await);
    bob_cannot_see(app, &o.bob, &b).await;
    expect(
        app.get(&format!("/api/folders/{f}"), Some(&o.bob.jwt))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let res = app
        .put(
            &format!("/api/folders/{f}"),
            Some(&alice.jwt),
            json!({"user_ids": [o.bob.id]}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    bob_reads_but_cannot_write(&o, &b).await;
    let seen = get_ok(app, &o.bob, &format!("/api/bookmarks/{b}")).await;
    assert_eq!(
        seen["folders"],
        json!([{"id": f, "name": "Onboarding", "icon": null}])
    );
    let in_folder = get_ok(app, &o.bob, &format!("/api/bookmarks?folder_id={f}")).await;
    assert_eq!(titles(&in_folder), ["Laptop setup"]);
    let shared_folder = get_ok(app, &o.bob, &format!("/api/folders/{f}")).await;
    assert_eq!(shared_folder["folder_type"], "shared");
    assert_eq!(shared_folder["bookmark_count"], 1);
    bob_cannot_see(app, &o.carol, &b).await;

    // Through a team, and with all teams, too.
    let t = team(app, alice, "Ops", &[&o.carol]).await;
    let res = app
        .put(
            &format!("/api/folders/{f}"),
            Some(&alice.jwt),
            json!({"user_ids": [], "team_ids": [t]}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    bob_cannot_see(app, &o.bob, &b).await;
    get_ok(app, &o.carol, &format!("/api/bookmarks/{b}")).await;
}

#[tokio::test]
async fn scopes_separate_mine_shared_with_me_and_shared_by_me() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    bookmark(
        app,
        alice,
        json!({"title": "A shared", "url": "https://a.example", "user_ids": [bob.id]}),
    )
    .await;
    simple(app, alice, "A private", "https://a2.example").await;
    simple(app, bob, "B own", "https://b.example").await;
    let scope = |who: &Person, s: &str| {
        let path = format!("/api/bookmarks?scope={s}&sort_by=alphabetical");
        let who = who.clone();
        async move { titles(&get_ok(app, &who, &path).await) }
    };
    assert_eq!(scope(bob, "all").await, ["A shared", "B own"]);
    assert_eq!(scope(bob, "mine").await, ["B own"]);
    assert_eq!(scope(bob, "shared_with_me").await, ["A shared"]);
    assert!(scope(bob, "shared_by_me").await.is_empty());
    assert_eq!(scope(alice, "shared_by_me").await, ["A shared"]);
    assert!(scope(alice, "shared_with_me").await.is_empty());
}

#[tokio::test]
async fn sharing_needs_members_of_this_organization() {
    let t = crate::tenancy::two_tenants(Mode::Cloud).await;
    let app = &t.app;
    let res = app
        .post(
            "/api/bookmarks",
            Some(&t.alice.jwt),
            json!({"title": "x", "url": "https://x.example", "user_ids": [t.bob.id]}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .post(
            "/api/folders",
            Some(&t.alice.jwt),
            json!({"name": "x", "user_ids": [t.bob.id]}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(get_ok(app, &t.alice, "/api/folders").await, json!([]));
}

#[tokio::test]
async fn people_for_sharing_are_the_organizations_other_members() {
    let o = office().await;
    let people = get_ok(&o.app, &o.alice, "/api/users/for-sharing").await;
    let emails: Vec<&str> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["bob@example.com", "carol@example.com"]);
    assert!(people[0]["id"].is_string() && people[0]["name"].is_string());
    expect(
        o.app.get("/api/users/for-sharing", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // In cloud, another organization's people never appear.
    let app = spawn_app(Mode::Cloud).await;
    let ann = app.signup("ann@example.com", "Ann").await;
    app.signup("ben@example.com", "Ben").await;
    assert_eq!(
        get_ok(&app, &ann, "/api/users/for-sharing").await,
        json!([])
    );
    let _ = current_org(&app, &ann).await;
}

#[tokio::test]
async fn the_dashboard_counts_what_the_caller_owns_and_what_is_shared_with_them() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let f = folder(app, alice, json!({"name": "F", "user_ids": [bob.id]})).await;
    let t = crate::library::tag(app, bob, "mine").await;
    bookmark(
        app,
        alice,
        json!({"title": "Shared", "url": "https://s.example", "folder_ids": [f]}),
    )
    .await;
    let own = id(&bookmark(
        app,
        bob,
        json!({"title": "Own", "url": "https://o.example", "pinned": true, "tag_ids": [t]}),
    )
    .await);
    app.post(
        &format!("/api/bookmarks/{own}/track-access"),
        Some(&bob.jwt),
        json!({}),
    )
    .await;
    let stats = get_ok(app, bob, "/api/dashboard/stats").await;
    let n = |k: &str| stats[k].as_i64().unwrap_or(-1);
    assert_eq!(
        [
            n("totalBookmarks"),
            n("totalFolders"),
            n("totalTags"),
            n("sharedBookmarks"),
            n("sharedFolders")
        ],
        [1, 0, 1, 1, 1]
    );
    let list_titles = |k: &str| -> Vec<String> {
        stats[k]
            .as_array()
            .unwrap()
            .iter()
            .map(|b: &Value| b["title"].as_str().unwrap().to_string())
            .collect()
    };
    let mut recent = list_titles("recentBookmarks");
    recent.sort();
    assert_eq!(recent, ["Own", "Shared"]);
    assert_eq!(list_titles("pinnedBookmarks"), ["Own"]);
    assert_eq!(list_titles("quickAccessBookmarks"), ["Own"]);
    assert_eq!(
        stats["topTags"],
        json!([{"id": t, "name": "mine", "bookmark_count": 1}])
    );
}

#[tokio::test]
async fn a_slug_resolves_to_the_users_own_bookmark_before_shared_ones() {
    use slugbase::domain::Slug;
    use slugbase::store::bookmarks::forwarding_by_slug;
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let theirs = id(&bookmark(
        app,
        alice,
        json!({"title": "Alice's", "url": "https://a.example", "slug": "Wiki",
        "forwarding_enabled": true, "user_ids": [bob.id]}),
    )
    .await);
    // Carol's is not shared with Bob: never a candidate for him.
    bookmark(app, &o.carol, json!({"title": "Hidden", "url": "https://h.example", "slug": "wiki", "forwarding_enabled": true})).await;
    let org = current_org(app, bob).await;
    let mut db = app.state.store.read().await.unwrap();
    let found = forwarding_by_slug(&mut db.conn(), &org, &bob.id, &Slug::parse("WIKI").unwrap())
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
        [theirs.as_str()]
    );
    drop(db);

    let own = id(&bookmark(app, bob, json!({"title": "Bob's", "url": "https://b.example", "slug": "wiki", "forwarding_enabled": true})).await);
    let mut db = app.state.store.read().await.unwrap();
    let found = forwarding_by_slug(&mut db.conn(), &org, &bob.id, &Slug::parse("wiki").unwrap())
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
        [own.as_str(), theirs.as_str()]
    );
}
