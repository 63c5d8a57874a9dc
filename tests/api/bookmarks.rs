//! Bookmarks: creating, reading, changing and deleting them; validation; slugs; listing,
//! filtering, sorting, paging and search; plan limits; tenancy.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::args;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, spawn_with};
use crate::library::{bookmark, concurrently, folder, get_ok, id, office, simple, tag, titles};
use crate::tenancy::{assert_foreign_ids_are_not_found, two_tenants, Probe};

fn is_rfc3339(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok())
}

#[tokio::test]
async fn a_bookmark_is_created_read_changed_in_part_and_deleted() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let f = folder(app, alice, json!({"name": "Work", "icon": "💼"})).await;
    let t = tag(app, alice, "rust").await;
    let created = bookmark(
        app,
        alice,
        json!({"title": " Rust Book ", "url": "https://doc.rust-lang.org/book/", "slug": "Book",
               "forwarding_enabled": true, "pinned": true, "folder_ids": [f], "tag_ids": [t]}),
    )
    .await;
    assert_eq!(created["title"], "Rust Book");
    assert_eq!(created["slug"], "Book");
    assert_eq!(created["forwarding_enabled"], true);
    assert_eq!(created["pinned"], true);
    assert_eq!(created["access_count"], 0);
    assert_eq!(created["last_accessed_at"], Value::Null);
    assert_eq!(created["bookmark_type"], "own");
    assert_eq!(created["user_id"], alice.id.as_str());
    assert_eq!(created["user_name"], Value::Null);
    assert!(is_rfc3339(&created["created_at"]) && is_rfc3339(&created["updated_at"]));
    assert_eq!(created["tags"], json!([{"id": t, "name": "rust"}]));
    assert_eq!(
        created["folders"],
        json!([{"id": f, "name": "Work", "icon": "💼"}])
    );
    assert_eq!(created["shared_teams"], json!([]));
    assert_eq!(created["shared_users"], json!([]));
    let bid = id(&created);

    let path = format!("/api/bookmarks/{bid}");
    assert_eq!(get_ok(app, alice, &path).await, created);

    let changed = expect(
        app.put(&path, Some(&alice.jwt), json!({"title": "The Book"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["title"], "The Book");
    assert_eq!(changed["slug"], "Book", "absent fields stay");
    assert_eq!(changed["tags"], created["tags"]);
    assert_eq!(changed["folders"], created["folders"]);

    let cleared = expect(
        app.put(
            &path,
            Some(&alice.jwt),
            json!({"slug": null, "forwarding_enabled": false, "tag_ids": [], "pinned": false}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(cleared["slug"], Value::Null);
    assert_eq!(cleared["tags"], json!([]));
    assert_eq!(cleared["pinned"], false);
    assert_eq!(
        cleared["folders"], created["folders"],
        "lists not given stay"
    );

    expect(app.delete(&path, Some(&alice.jwt)).await, StatusCode::OK).await;
    expect(
        app.get(&path, Some(&alice.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // The tag and folder outlive the bookmark.
    get_ok(app, alice, &format!("/api/tags/{t}")).await;
    get_ok(app, alice, &format!("/api/folders/{f}")).await;
}

#[tokio::test]
async fn invalid_bookmarks_are_refused_with_a_reason_and_nothing_is_saved() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let bobs_folder = folder(app, &o.bob, json!({"name": "Bob's"})).await;
    let bobs_tag = tag(app, &o.bob, "bob").await;
    let ok = json!({"title": "T", "url": "https://example.com"});
    let with = |k: &str, v: Value| {
        let mut b = ok.clone();
        b[k] = v;
        b
    };
    let cases = [
        (json!({"url": "https://example.com"}), "Title is required"),
        (json!({"title": "T"}), "URL is required"),
        (
            with("title", json!("x".repeat(501))),
            "Title must be no more than 500 characters",
        ),
        (with("url", json!("javascript:alert(1)")), ""),
        (with("url", json!("data:text/html,hi")), ""),
        (with("url", json!("vbscript:x")), ""),
        (
            with("url", json!(format!("https://e.com/{}", "a".repeat(2048)))),
            "",
        ),
        (with("slug", json!("no spaces")), ""),
        (with("slug", json!("a".repeat(256))), ""),
        (
            with("forwarding_enabled", json!(true)),
            "Slug is required when forwarding is enabled",
        ),
        (
            with("folder_ids", json!([bobs_folder])),
            "One or more folders were not found",
        ),
        (
            with("tag_ids", json!([bobs_tag])),
            "One or more tags were not found",
        ),
        (
            with("tag_ids", json!(["not-a-uuid"])),
            "tag_ids contains an invalid id",
        ),
        (
            with("team_ids", json!([uuid::Uuid::new_v4().to_string()])),
            "One or more teams were not found",
        ),
        (
            with("user_ids", json!([uuid::Uuid::new_v4().to_string()])),
            "One or more users are not members of this organization",
        ),
        (with("pinned", json!("yes")), ""),
    ];
    for (body, message) in cases {
        let res = app
            .post("/api/bookmarks", Some(&alice.jwt), body.clone())
            .await;
        let got = expect(res, StatusCode::BAD_REQUEST).await;
        assert!(got["error"].is_string(), "{body}");
        if !message.is_empty() {
            assert_eq!(got["error"], message, "{body}");
        }
    }
    let malformed = app
        .req(Method::POST, "/api/bookmarks", Some(&alice.jwt))
        .header("content-type", "application/json")
        .body("{\"title\":")
        .send()
        .await
        .unwrap();
    expect(malformed, StatusCode::BAD_REQUEST).await;
    let page = get_ok(app, alice, "/api/bookmarks").await;
    assert_eq!(page["total"], 0, "nothing was saved");

    // An update that fails changes nothing either.
    let bid = simple(app, alice, "Keep", "https://keep.example").await;
    let path = format!("/api/bookmarks/{bid}");
    let res = app
        .put(
            &path,
            Some(&alice.jwt),
            json!({"title": "Changed", "folder_ids": [bobs_folder]}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    for body in [
        json!({"url": "javascript:x"}),
        json!({"title": ""}),
        json!({"forwarding_enabled": true}),
    ] {
        expect(
            app.put(&path, Some(&alice.jwt), body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    assert_eq!(get_ok(app, alice, &path).await["title"], "Keep");
}

#[tokio::test]
async fn a_bookmark_forwards_only_when_asked_as_the_published_api_does() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let forwarding =
        |body: Value| async move { bookmark(app, alice, body).await["forwarding_enabled"].clone() };
    assert_eq!(
        forwarding(
            json!({"title": "Docs", "url": "https://docs.example/", "slug": "docs",
            "forwarding_enabled": true})
        )
        .await,
        true
    );
    assert_eq!(
        forwarding(json!({"title": "Off", "url": "https://off.example/", "slug": "off"})).await,
        false,
        "forwarding_enabled defaults to false"
    );
    assert_eq!(
        forwarding(json!({"title": "Plain", "url": "https://plain.example/"})).await,
        false
    );
    let go = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = go
        .get(app.url("/go/docs"))
        .bearer_auth(&alice.jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "https://docs.example/");
    let res = go
        .get(app.url("/go/off"))
        .bearer_auth(&alice.jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "a slug alone is no go-link"
    );
}

#[tokio::test]
async fn every_bookmark_route_needs_credentials() {
    let app = spawn_app(Mode::Selfhosted).await;
    let some = uuid::Uuid::new_v4();
    let routes = [
        (Method::GET, "/api/bookmarks".to_string()),
        (Method::GET, "/api/bookmarks/ids".into()),
        (Method::GET, "/api/bookmarks/search?q=x".into()),
        (Method::POST, "/api/bookmarks".into()),
        (Method::GET, format!("/api/bookmarks/{some}")),
        (Method::PUT, format!("/api/bookmarks/{some}")),
        (Method::DELETE, format!("/api/bookmarks/{some}")),
        (Method::POST, format!("/api/bookmarks/{some}/track-access")),
    ];
    for (method, path) in routes {
        let res = app
            .req(method.clone(), &path, None)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let body = expect(res, StatusCode::UNAUTHORIZED).await;
        assert_eq!(body["error"], "Unauthorized", "{method} {path}");
    }
}

#[tokio::test]
async fn unknown_bookmarks_are_not_found() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    for raw in [uuid::Uuid::new_v4().to_string(), "nope".to_string()] {
        let path = format!("/api/bookmarks/{raw}");
        expect(
            app.get(&path, Some(&alice.jwt)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        expect(
            app.put(&path, Some(&alice.jwt), json!({"title": "x"}))
                .await,
            StatusCode::NOT_FOUND,
        )
        .await;
        expect(
            app.delete(&path, Some(&alice.jwt)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        let res = app
            .post(&format!("{path}/track-access"), Some(&alice.jwt), json!({}))
            .await;
        expect(res, StatusCode::NOT_FOUND).await;
    }
}

#[tokio::test]
async fn slugs_are_unique_per_owner_regardless_of_case() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    bookmark(
        app,
        alice,
        json!({"title": "A", "url": "https://a.example", "slug": "docs"}),
    )
    .await;
    let res = app
        .post(
            "/api/bookmarks",
            Some(&alice.jwt),
            json!({"title": "B", "url": "https://b.example", "slug": "DOCS"}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await,
        json!({"error": "Slug already exists"})
    );
    // Another person in the organization may use the same slug.
    bookmark(
        app,
        &o.bob,
        json!({"title": "B", "url": "https://b.example", "slug": "Docs"}),
    )
    .await;
    // Renaming onto a taken slug is refused too.
    let other = simple(app, alice, "C", "https://c.example").await;
    let res = app
        .put(
            &format!("/api/bookmarks/{other}"),
            Some(&alice.jwt),
            json!({"slug": "dOcS"}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await["error"],
        "Slug already exists"
    );
}

#[tokio::test]
async fn concurrent_creates_with_one_slug_make_exactly_one_bookmark() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let slugs = ["go", "GO", "Go", "gO", "go", "GO", "Go", "gO", "go", "GO"];
    let sends = slugs.iter().enumerate().map(|(i, slug)| {
        app.req(Method::POST, "/api/bookmarks", Some(&alice.jwt))
            .json(&json!({"title": format!("T{i}"), "url": "https://x.example", "slug": slug}))
    });
    let statuses = concurrently(sends.collect()).await;
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::BAD_REQUEST)
            .count(),
        9,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn another_organizations_bookmarks_are_not_found() {
    let t = two_tenants(Mode::Cloud).await;
    let app = &t.app;
    let f = folder(app, &t.alice, json!({"name": "A"})).await;
    let b = id(&bookmark(
        app,
        &t.alice,
        json!({"title": "Secret", "url": "https://a.example", "slug": "s", "folder_ids": [f]}),
    )
    .await);
    let body = Some(json!({"title": "Mine now"}));
    assert_foreign_ids_are_not_found(
        &t,
        &[
            Probe::new(Method::GET, format!("/api/bookmarks/{b}"), None),
            Probe::new(Method::PUT, format!("/api/bookmarks/{b}"), body),
            Probe::new(Method::DELETE, format!("/api/bookmarks/{b}"), None),
            Probe::new(
                Method::POST,
                format!("/api/bookmarks/{b}/track-access"),
                Some(json!({})),
            ),
        ],
    )
    .await;
    // Nothing of A shows in B's lists, and A's folder cannot be used from B.
    let page = get_ok(app, &t.bob, &format!("/api/bookmarks?folder_id={f}")).await;
    assert_eq!(page["total"], 0);
    assert_eq!(
        get_ok(app, &t.bob, "/api/bookmarks/search?q=secret").await,
        json!([])
    );
    let res = app
        .post(
            "/api/bookmarks",
            Some(&t.bob.jwt),
            json!({"title": "x", "url": "https://x.example", "folder_ids": [f]}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    let mine = get_ok(app, &t.alice, &format!("/api/bookmarks/{b}")).await;
    assert_eq!(mine["title"], "Secret", "unchanged");
    assert_eq!(mine["access_count"], 0);
}

#[tokio::test]
async fn deleting_an_organization_removes_its_library_and_nothing_else() {
    let t = two_tenants(Mode::Cloud).await;
    let app = &t.app;
    let f = folder(app, &t.alice, json!({"name": "A"})).await;
    let tg = tag(app, &t.alice, "a").await;
    bookmark(app, &t.alice, json!({"title": "A1", "url": "https://a.example", "folder_ids": [f], "tag_ids": [tg], "slug": "a"})).await;
    simple(app, &t.bob, "B1", "https://b.example").await;
    expect(
        app.delete(
            &format!("/api/organizations/{}", t.org_a),
            Some(&t.alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let store = &app.state.store;
    let mut db = store.read().await.unwrap();
    use slugbase::store::bookmarks::bookmark_count;
    assert_eq!(
        bookmark_count(&mut db.conn(), &t.org_a, &t.alice.id)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        bookmark_count(&mut db.conn(), &t.org_b, &t.bob.id)
            .await
            .unwrap(),
        1
    );
    let left: i64 = db
        .conn()
        .scalar(
            "SELECT (SELECT COUNT(*) FROM folders WHERE org_id = $1) \
             + (SELECT COUNT(*) FROM tags WHERE org_id = $1) \
             + (SELECT COUNT(*) FROM bookmark_folders WHERE org_id = $1) \
             + (SELECT COUNT(*) FROM bookmark_tags WHERE org_id = $1)",
            args![&t.org_a],
        )
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(titles(&get_ok(app, &t.bob, "/api/bookmarks").await), ["B1"]);
}

#[tokio::test]
async fn the_free_plan_stops_creating_at_its_limit() {
    let app = spawn_with(Mode::Cloud, |c| c.free_bookmark_limit = 3).await;
    let ann = app.signup("ann@example.com", "Ann").await;
    for i in 0..3 {
        simple(&app, &ann, &format!("B{i}"), "https://e.example").await;
    }
    let res = app
        .post(
            "/api/bookmarks",
            Some(&ann.jwt),
            json!({"title": "B3", "url": "https://e.example"}),
        )
        .await;
    let body = expect(res, StatusCode::FORBIDDEN).await;
    assert_eq!(body["code"], "PLAN_LIMIT_BOOKMARKS");
    assert_eq!(
        (body["limit"].as_i64(), body["count"].as_i64()),
        (Some(3), Some(3))
    );
    let page = get_ok(&app, &ann, "/api/bookmarks").await;
    assert_eq!(page["total"], 3);
}

#[tokio::test]
async fn a_member_in_the_free_plan_grace_period_may_go_on_creating() {
    let app = spawn_with(Mode::Cloud, |c| c.free_bookmark_limit = 1).await;
    let ann = app.signup("ann@example.com", "Ann").await;
    simple(&app, &ann, "B0", "https://e.example").await;
    let org = crate::tenancy::current_org(&app, &ann).await;
    let ends = slugbase::domain::Timestamp::now().plus_secs(3600).millis();
    let mut tx = app.state.store.begin().await.unwrap();
    slugbase::store::orgs::start_grace(&mut tx.conn(), &org, ends)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    simple(&app, &ann, "B1", "https://e.example").await;
    assert_eq!(get_ok(&app, &ann, "/api/bookmarks").await["total"], 2);
}

#[tokio::test]
async fn concurrent_creates_on_the_free_plan_do_not_overshoot_the_limit() {
    let app = spawn_with(Mode::Cloud, |c| c.free_bookmark_limit = 3).await;
    let ann = app.signup("ann@example.com", "Ann").await;
    let sends = (0..8).map(|i| {
        app.req(Method::POST, "/api/bookmarks", Some(&ann.jwt))
            .json(&json!({"title": format!("B{i}"), "url": "https://e.example"}))
    });
    let statuses = concurrently(sends.collect()).await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 3);
    assert_eq!(get_ok(&app, &ann, "/api/bookmarks").await["total"], 3);
}

#[tokio::test]
async fn the_free_plan_cannot_share_with_teams() {
    let app = spawn_app(Mode::Cloud).await;
    let ann = app.signup("ann@example.com", "Ann").await;
    let res = app
        .post(
            "/api/bookmarks",
            Some(&ann.jwt),
            json!({"title": "T", "url": "https://e.example", "share_all_teams": true}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::FORBIDDEN).await["code"],
        "PLAN_SHARE_TO_TEAM"
    );
    let b = simple(&app, &ann, "T", "https://e.example").await;
    let res = app
        .put(
            &format!("/api/bookmarks/{b}"),
            Some(&ann.jwt),
            json!({"share_all_teams": true}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::FORBIDDEN).await["code"],
        "PLAN_SHARE_TO_TEAM"
    );
    assert_eq!(
        get_ok(&app, &ann, &format!("/api/bookmarks/{b}")).await["share_all_teams"],
        false
    );
}
