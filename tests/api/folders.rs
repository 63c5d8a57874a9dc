//! Folders: their life cycle, validation, plan rules for sharing them, and tenancy.

use reqwest::{Method, StatusCode};
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, Person, TestApp};
use crate::library::{bookmark, every_page, folder, get_ok, id, names, office, team, titles};
use crate::tenancy::{assert_foreign_ids_are_not_found, invited_member, two_tenants, Probe};

#[tokio::test]
async fn a_folder_is_created_listed_changed_and_deleted_without_its_bookmarks() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let created = expect(
        app.post(
            "/api/folders",
            Some(&alice.jwt),
            json!({"name": " Reading ", "icon": "📚"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["name"], "Reading");
    assert_eq!(created["icon"], "📚");
    assert_eq!(created["folder_type"], "own");
    assert_eq!(created["share_all_teams"], false);
    assert_eq!(created["bookmark_count"], 0);
    let f = id(&created);
    folder(app, alice, json!({"name": "Archive"})).await;
    let b = id(&bookmark(
        app,
        alice,
        json!({"title": "Essay", "url": "https://e.example", "folder_ids": [f]}),
    )
    .await);

    let list = get_ok(app, alice, "/api/folders").await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Archive", "Reading"]);
    assert_eq!(
        get_ok(app, alice, &format!("/api/folders/{f}")).await["bookmark_count"],
        1
    );

    let path = format!("/api/folders/{f}");
    let changed = expect(
        app.put(&path, Some(&alice.jwt), json!({"name": "Books"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (changed["name"].as_str(), changed["icon"].as_str()),
        (Some("Books"), Some("📚"))
    );
    let no_icon = expect(
        app.put(&path, Some(&alice.jwt), json!({"icon": null}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert!(no_icon["icon"].is_null());

    expect(app.delete(&path, Some(&alice.jwt)).await, StatusCode::OK).await;
    expect(
        app.get(&path, Some(&alice.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let kept = get_ok(app, alice, &format!("/api/bookmarks/{b}")).await;
    assert_eq!(kept["title"], "Essay");
    assert_eq!(kept["folders"], json!([]));
    assert_eq!(
        titles(&get_ok(app, alice, "/api/bookmarks").await),
        ["Essay"]
    );
}

#[tokio::test]
async fn folder_names_are_unique_per_owner_and_validated() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    folder(app, alice, json!({"name": "Work"})).await;
    let res = app
        .post("/api/folders", Some(&alice.jwt), json!({"name": "WORK"}))
        .await;
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await,
        json!({"error": "Folder already exists"})
    );
    folder(app, &o.bob, json!({"name": "Work"})).await;
    let other = folder(app, alice, json!({"name": "Play"})).await;
    let res = app
        .put(
            &format!("/api/folders/{other}"),
            Some(&alice.jwt),
            json!({"name": "work"}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;

    for (body, msg) in [
        (json!({}), "Folder name is required"),
        (json!({"name": "  "}), "Folder name is required"),
        (
            json!({"name": "x".repeat(256)}),
            "Folder name must be no more than 255 characters",
        ),
        (
            json!({"name": "ok", "icon": "x".repeat(51)}),
            "Icon must be no more than 50 characters",
        ),
        (
            json!({"name": "ok", "team_ids": ["nope"]}),
            "team_ids contains an invalid id",
        ),
        (json!({"name": 5}), ""),
    ] {
        let got = expect(
            app.post("/api/folders", Some(&alice.jwt), body.clone())
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        if !msg.is_empty() {
            assert_eq!(got["error"], msg, "{body}");
        }
    }
}

#[tokio::test]
async fn only_the_owner_changes_a_shared_folder() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let private = folder(app, alice, json!({"name": "Private"})).await;
    let shared = folder(app, alice, json!({"name": "Shared", "user_ids": [bob.id]})).await;
    for (f, status) in [
        (&private, StatusCode::NOT_FOUND),
        (&shared, StatusCode::FORBIDDEN),
    ] {
        let path = format!("/api/folders/{f}");
        expect(
            app.put(&path, Some(&bob.jwt), json!({"name": "x"})).await,
            status,
        )
        .await;
        expect(app.delete(&path, Some(&bob.jwt)).await, status).await;
    }
    let seen = &get_ok(app, bob, "/api/folders").await;
    assert_eq!(seen.as_array().unwrap().len(), 1);
    assert_eq!(seen[0]["folder_type"], "shared");
    assert_eq!(seen[0]["user_email"], "alice@example.com");
    assert_eq!(seen[0]["shared_users"], json!([]));
    // Bob cannot file his bookmarks into Alice's folder, even a shared one.
    let res = app
        .post(
            "/api/bookmarks",
            Some(&bob.jwt),
            json!({"title": "x", "url": "https://x.example", "folder_ids": [shared]}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn folder_routes_need_credentials_and_unknown_folders_are_not_found() {
    let o = office().await;
    let app = &o.app;
    let some = uuid::Uuid::new_v4();
    for (m, p) in [
        (Method::GET, "/api/folders".to_string()),
        (Method::POST, "/api/folders".into()),
        (Method::GET, format!("/api/folders/{some}")),
        (Method::PUT, format!("/api/folders/{some}")),
        (Method::DELETE, format!("/api/folders/{some}")),
    ] {
        let res = app
            .req(m.clone(), &p, None)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        expect(res, StatusCode::UNAUTHORIZED).await;
        if p.contains(&some.to_string()) {
            let res = app
                .req(m, &p, Some(&o.alice.jwt))
                .json(&json!({"name": "x"}))
                .send()
                .await
                .unwrap();
            expect(res, StatusCode::NOT_FOUND).await;
        }
    }
    expect(
        app.get("/api/folders/not-an-id", Some(&o.alice.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn sharing_folders_needs_the_team_plan() {
    let app = spawn_app(Mode::Cloud).await;
    let ann = app.signup("ann@example.com", "Ann").await;
    let res = app
        .post(
            "/api/folders",
            Some(&ann.jwt),
            json!({"name": "F", "share_all_teams": true}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::FORBIDDEN).await["code"],
        "PLAN_FOLDER_SHARING"
    );
    let f = folder(&app, &ann, json!({"name": "F"})).await;
    let res = app
        .put(
            &format!("/api/folders/{f}"),
            Some(&ann.jwt),
            json!({"share_all_teams": true}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::FORBIDDEN).await["code"],
        "PLAN_FOLDER_SHARING"
    );
    assert_eq!(
        get_ok(&app, &ann, &format!("/api/folders/{f}")).await["share_all_teams"],
        false
    );
}

#[tokio::test]
async fn another_organizations_folders_are_not_found() {
    let t = two_tenants(Mode::Cloud).await;
    let f = folder(&t.app, &t.alice, json!({"name": "A"})).await;
    assert_foreign_ids_are_not_found(
        &t,
        &[
            Probe::new(Method::GET, format!("/api/folders/{f}"), None),
            Probe::new(
                Method::PUT,
                format!("/api/folders/{f}"),
                Some(json!({"name": "B"})),
            ),
            Probe::new(Method::DELETE, format!("/api/folders/{f}"), None),
        ],
    )
    .await;
    assert_eq!(get_ok(&t.app, &t.bob, "/api/folders").await, json!([]));
    assert_eq!(
        get_ok(&t.app, &t.alice, &format!("/api/folders/{f}")).await["name"],
        "A"
    );
}

#[tokio::test]
async fn folder_pages_join_up_without_repeats_and_count_every_folder() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    for name in ["f3", "f1", "f5", "f2", "f4"] {
        folder(app, alice, json!({ "name": name })).await;
    }
    let pages = every_page(app, alice, "/api/folders?sort_by=alphabetical", 2).await;
    assert_eq!(pages, [vec!["f1", "f2"], vec!["f3", "f4"], vec!["f5"]]);
    // Newest first: created in the same millisecond or not, the pages still join up.
    let newest = names(&get_ok(app, alice, "/api/folders?sort_by=recently_added").await);
    let paged: Vec<String> = every_page(app, alice, "/api/folders?sort_by=recently_added", 2)
        .await
        .concat();
    assert_eq!(paged, newest);

    let first = get_ok(app, alice, "/api/folders?limit=2").await;
    assert_eq!(
        (first["total"].as_i64(), first["hasMore"].as_bool()),
        (Some(5), Some(true))
    );
    // Blank parameters read as absent: everything, by name.
    let all = get_ok(app, alice, "/api/folders?scope=&sort_by=&limit=&offset=").await;
    assert_eq!(names(&all), ["f1", "f2", "f3", "f4", "f5"]);
    assert!(
        all.is_array(),
        "without a limit, a plain array as the original's: {all}"
    );
    // Past the end nothing is left; a limit outside 1–500 is brought within it.
    let past = get_ok(app, alice, "/api/folders?offset=5").await;
    assert_eq!(past, json!([]));
    assert_eq!(
        names(&get_ok(app, alice, "/api/folders?limit=0").await),
        ["f1"]
    );
    let huge = get_ok(app, alice, "/api/folders?limit=99999999999999999999").await;
    assert_eq!(names(&huge).len(), 5);
}

#[tokio::test]
async fn folder_lists_sort_by_name_whatever_its_case_or_newest_first() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    for (name, created_at) in [("banana", 3000), ("Apple", 1000), ("cherry", 2000)] {
        let f = folder(app, alice, json!({ "name": name })).await;
        app.exec(
            &format!("UPDATE folders SET created_at = {created_at} WHERE id = $1"),
            &[&f],
        )
        .await;
    }
    let order = |query: &'static str| async move {
        names(&get_ok(app, alice, &format!("/api/folders{query}")).await)
    };
    assert_eq!(order("").await, ["Apple", "banana", "cherry"]);
    assert_eq!(
        order("?sort_by=alphabetical").await,
        ["Apple", "banana", "cherry"]
    );
    assert_eq!(
        order("?sort_by=recently_added").await,
        ["banana", "cherry", "Apple"]
    );
    assert_eq!(
        order("?sort_by=recently_added&limit=1&offset=1").await,
        ["cherry"]
    );
}

#[tokio::test]
async fn the_folder_list_refuses_unknown_scopes_orders_and_bad_paging() {
    let o = office().await;
    for (query, message) in [
        (
            "scope=everyone",
            "scope must be one of all, mine, shared_with_me, shared_by_me",
        ),
        (
            "sort_by=most_used",
            "sort_by must be one of alphabetical, recently_added",
        ),
        (
            "sort_by=ALPHABETICAL",
            "sort_by must be one of alphabetical, recently_added",
        ),
        ("limit=abc", "limit must be a number"),
        ("offset=abc", "offset must be a number"),
        ("offset=-1", "offset must not be negative"),
    ] {
        let res = o
            .app
            .get(&format!("/api/folders?{query}"), Some(&o.alice.jwt))
            .await;
        let body = expect(res, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"], message, "{query}");
    }
}

/// `GET /api/folders?scope=…` as `who` acting in `org`, by name: the names and the total.
async fn in_scope(app: &TestApp, who: &Person, org: &str, scope: &str) -> Vec<String> {
    let path = format!("/api/folders?scope={scope}&limit=500");
    let res = app
        .req(Method::GET, &path, Some(&who.jwt))
        .header("X-Organization-Id", org)
        .send()
        .await
        .unwrap();
    let page = expect(res, StatusCode::OK).await;
    let names = names(&page);
    assert_eq!(page["total"].as_i64(), Some(names.len() as i64), "{path}");
    names
}

#[tokio::test]
async fn folder_scopes_separate_mine_shared_with_me_and_shared_by_me_within_one_organization() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, alice, bob) = (&t.app, &t.alice, &t.bob);
    app.set_plan(&t.org_a, "team").await;
    let carol = invited_member(app, alice, &t.org_a, "carol@example.com").await;
    let ops = team(app, alice, "Ops", &[&carol]).await;
    for body in [
        json!({"name": "A private"}),
        json!({"name": "A shared", "user_ids": [carol.id]}),
        json!({"name": "A team", "team_ids": [ops]}),
        json!({"name": "A everyone", "share_all_teams": true}),
    ] {
        folder(app, alice, body).await;
    }
    for body in [
        json!({"name": "C own"}),
        json!({"name": "C shared", "user_ids": [alice.id]}),
    ] {
        let res = app
            .req(Method::POST, "/api/folders", Some(&carol.jwt))
            .header("X-Organization-Id", &t.org_a)
            .json(&body)
            .send()
            .await
            .unwrap();
        expect(res, StatusCode::CREATED).await;
    }
    // In another organization, Bob's folder (even one named like theirs) stays his.
    folder(app, bob, json!({"name": "A shared"})).await;

    let org = t.org_a.as_str();
    assert_eq!(
        in_scope(app, &carol, org, "all").await,
        ["A everyone", "A shared", "A team", "C own", "C shared"]
    );
    assert_eq!(
        in_scope(app, &carol, org, "mine").await,
        ["C own", "C shared"]
    );
    assert_eq!(
        in_scope(app, &carol, org, "shared_with_me").await,
        ["A everyone", "A shared", "A team"]
    );
    assert_eq!(
        in_scope(app, &carol, org, "shared_by_me").await,
        ["C shared"]
    );
    assert_eq!(
        in_scope(app, alice, org, "all").await,
        ["A everyone", "A private", "A shared", "A team", "C shared"]
    );
    assert_eq!(
        in_scope(app, alice, org, "mine").await,
        ["A everyone", "A private", "A shared", "A team"]
    );
    assert_eq!(
        in_scope(app, alice, org, "shared_with_me").await,
        ["C shared"]
    );
    assert_eq!(
        in_scope(app, alice, org, "shared_by_me").await,
        ["A everyone", "A shared", "A team"]
    );
    for scope in ["all", "mine"] {
        assert_eq!(in_scope(app, bob, &t.org_b, scope).await, ["A shared"]);
    }
    for scope in ["shared_with_me", "shared_by_me"] {
        assert!(in_scope(app, bob, &t.org_b, scope).await.is_empty());
    }
    // Bob cannot list Alice's organization at all.
    let res = app
        .req(Method::GET, "/api/folders", Some(&bob.jwt))
        .header("X-Organization-Id", &t.org_a)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}
