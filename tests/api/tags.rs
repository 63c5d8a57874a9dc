//! Tags: each person's own; their life cycle, validation and tenancy.

use reqwest::{Method, StatusCode};
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::expect;
use crate::library::{bookmark, every_page, get_ok, id, names, office, tag, titles};
use crate::tenancy::{assert_foreign_ids_are_not_found, two_tenants, Probe};

#[tokio::test]
async fn a_tag_is_created_listed_renamed_and_deleted_without_its_bookmarks() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let created = expect(
        app.post("/api/tags", Some(&alice.jwt), json!({"name": " rust "}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["name"], "rust");
    assert_eq!(created["bookmark_count"], 0);
    assert!(created["created_at"].is_string());
    let t = id(&created);
    tag(app, alice, "Apple").await;
    let b = id(&bookmark(
        app,
        alice,
        json!({"title": "Crab", "url": "https://c.example", "tag_ids": [t]}),
    )
    .await);

    let list = &get_ok(app, alice, "/api/tags").await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Apple", "rust"]);
    assert_eq!(list[1]["bookmark_count"], 1);

    let path = format!("/api/tags/{t}");
    let renamed = expect(
        app.put(&path, Some(&alice.jwt), json!({"name": "Rust"}))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["name"], "Rust");
    assert_eq!(
        get_ok(app, alice, &format!("/api/bookmarks/{b}")).await["tags"],
        json!([{"id": t, "name": "Rust"}])
    );

    expect(app.delete(&path, Some(&alice.jwt)).await, StatusCode::OK).await;
    expect(
        app.get(&path, Some(&alice.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    expect(
        app.delete(&path, Some(&alice.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(
        titles(&get_ok(app, alice, "/api/bookmarks").await),
        ["Crab"]
    );
    assert_eq!(
        get_ok(app, alice, &format!("/api/bookmarks/{b}")).await["tags"],
        json!([])
    );
}

#[tokio::test]
async fn tag_names_are_unique_per_owner_and_validated() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    tag(app, alice, "news").await;
    let res = app
        .post("/api/tags", Some(&alice.jwt), json!({"name": "NEWS"}))
        .await;
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await,
        json!({"error": "Tag already exists"})
    );
    tag(app, &o.bob, "news").await;
    let other = tag(app, alice, "sport").await;
    expect(
        app.put(
            &format!("/api/tags/{other}"),
            Some(&alice.jwt),
            json!({"name": "News"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    for (body, msg) in [
        (json!({}), "Tag name is required"),
        (json!({"name": ""}), "Tag name is required"),
        (
            json!({"name": "x".repeat(101)}),
            "Tag name must be no more than 100 characters",
        ),
    ] {
        let got = expect(
            app.post("/api/tags", Some(&alice.jwt), body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(got["error"], msg);
    }
    expect(
        app.put(
            &format!("/api/tags/{other}"),
            Some(&alice.jwt),
            json!({"name": ""}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
}

#[tokio::test]
async fn tags_are_private_to_their_owner() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let t = tag(app, alice, "secret").await;
    let path = format!("/api/tags/{t}");
    expect(app.get(&path, Some(&bob.jwt)).await, StatusCode::NOT_FOUND).await;
    expect(
        app.put(&path, Some(&bob.jwt), json!({"name": "x"})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    expect(
        app.delete(&path, Some(&bob.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(get_ok(app, bob, "/api/tags").await, json!([]));
    assert_eq!(get_ok(app, alice, &path).await["name"], "secret");
    for (m, p) in [
        (Method::GET, "/api/tags".to_string()),
        (Method::POST, "/api/tags".into()),
        (Method::GET, path.clone()),
        (Method::PUT, path.clone()),
        (Method::DELETE, path),
    ] {
        let res = app.req(m, &p, None).json(&json!({})).send().await.unwrap();
        expect(res, StatusCode::UNAUTHORIZED).await;
    }
}

#[tokio::test]
async fn another_organizations_tags_are_not_found() {
    let t = two_tenants(Mode::Cloud).await;
    let tg = tag(&t.app, &t.alice, "a").await;
    assert_foreign_ids_are_not_found(
        &t,
        &[
            Probe::new(Method::GET, format!("/api/tags/{tg}"), None),
            Probe::new(
                Method::PUT,
                format!("/api/tags/{tg}"),
                Some(json!({"name": "b"})),
            ),
            Probe::new(Method::DELETE, format!("/api/tags/{tg}"), None),
        ],
    )
    .await;
    let res = t
        .app
        .post(
            "/api/bookmarks",
            Some(&t.bob.jwt),
            json!({"title": "x", "url": "https://x.example", "tag_ids": [tg]}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        get_ok(&t.app, &t.alice, &format!("/api/tags/{tg}")).await["name"],
        "a"
    );
}

#[tokio::test]
async fn tag_pages_join_up_without_repeats_and_count_every_tag() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    for name in ["t3", "t1", "t5", "t2", "t4"] {
        tag(app, alice, name).await;
    }
    let pages = every_page(app, alice, "/api/tags?sort_by=alphabetical", 2).await;
    assert_eq!(pages, [vec!["t1", "t2"], vec!["t3", "t4"], vec!["t5"]]);
    for sort in ["recently_added", "most_used"] {
        let whole = names(&get_ok(app, alice, &format!("/api/tags?sort_by={sort}")).await);
        let paged = every_page(app, alice, &format!("/api/tags?sort_by={sort}"), 2).await;
        assert_eq!(paged.concat(), whole, "{sort}");
    }
    let first = get_ok(app, alice, "/api/tags?limit=2").await;
    assert_eq!(
        (first["total"].as_i64(), first["hasMore"].as_bool()),
        (Some(5), Some(true))
    );
    let all = get_ok(app, alice, "/api/tags?sort_by=&limit=&offset=").await;
    assert_eq!(names(&all), ["t1", "t2", "t3", "t4", "t5"]);
    assert!(
        all.is_array(),
        "without a limit, a plain array as the original's: {all}"
    );
    let past = get_ok(app, alice, "/api/tags?offset=9").await;
    assert_eq!(past, json!([]));
    assert_eq!(
        names(&get_ok(app, alice, "/api/tags?limit=-3").await),
        ["t1"]
    );
}

#[tokio::test]
async fn tag_lists_sort_by_name_newest_first_or_most_used() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let mut ids = std::collections::HashMap::new();
    for (name, created_at) in [
        ("beta", 3000),
        ("Alpha", 1000),
        ("gamma", 2000),
        ("delta", 4000),
    ] {
        let t = tag(app, alice, name).await;
        app.exec(
            &format!("UPDATE tags SET created_at = {created_at} WHERE id = $1"),
            &[&t],
        )
        .await;
        ids.insert(name, t);
    }
    for (url, on) in [
        ("https://one.example", vec!["beta", "gamma", "delta"]),
        ("https://two.example", vec!["gamma", "beta"]),
    ] {
        let tag_ids: Vec<&String> = on.iter().map(|n| &ids[n]).collect();
        bookmark(
            app,
            alice,
            json!({"title": "B", "url": url, "tag_ids": tag_ids}),
        )
        .await;
    }
    // Bob's tag on a bookmark he shares with Alice is his, and counts for nothing of hers.
    let bobs = tag(app, bob, "beta").await;
    bookmark(
        app,
        bob,
        json!({"title": "Shared", "url": "https://s.example", "tag_ids": [bobs], "user_ids": [alice.id]}),
    )
    .await;

    let order =
        |query: &'static str| async move { get_ok(app, alice, &format!("/api/tags{query}")).await };
    assert_eq!(names(&order("").await), ["Alpha", "beta", "delta", "gamma"]);
    assert_eq!(
        names(&order("?sort_by=alphabetical").await),
        ["Alpha", "beta", "delta", "gamma"]
    );
    assert_eq!(
        names(&order("?sort_by=recently_added").await),
        ["delta", "beta", "gamma", "Alpha"]
    );
    let most = order("?sort_by=most_used").await;
    assert_eq!(names(&most), ["beta", "gamma", "delta", "Alpha"]);
    let counts: Vec<i64> = most
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["bookmark_count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, [2, 2, 1, 0]);
    assert_eq!(
        names(&order("?sort_by=most_used&limit=2&offset=1").await),
        ["gamma", "delta"]
    );
    assert_eq!(names(&get_ok(app, bob, "/api/tags").await), ["beta"]);
}

#[tokio::test]
async fn the_tag_list_refuses_unknown_orders_and_bad_paging() {
    let o = office().await;
    for (query, message) in [
        (
            "sort_by=popular",
            "sort_by must be one of alphabetical, recently_added, most_used",
        ),
        (
            "sort_by=recently_accessed",
            "sort_by must be one of alphabetical, recently_added, most_used",
        ),
        ("limit=abc", "limit must be a number"),
        ("limit=1.5", "limit must be a number"),
        ("offset=-1", "offset must not be negative"),
    ] {
        let res = o
            .app
            .get(&format!("/api/tags?{query}"), Some(&o.alice.jwt))
            .await;
        let body = expect(res, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"], message, "{query}");
    }
}

#[tokio::test]
async fn another_organizations_tags_never_appear_in_the_list() {
    let t = two_tenants(Mode::Cloud).await;
    let (app, alice, bob) = (&t.app, &t.alice, &t.bob);
    for name in ["a1", "a2"] {
        tag(app, alice, name).await;
    }
    for name in ["a1", "b1"] {
        tag(app, bob, name).await;
    }
    for sort in ["alphabetical", "recently_added", "most_used"] {
        let path = format!("/api/tags?sort_by={sort}&limit=500");
        let mine = get_ok(app, alice, &path).await;
        let mut got = names(&mine);
        got.sort();
        assert_eq!(
            (got, mine["total"].as_i64()),
            (vec!["a1".to_string(), "a2".into()], Some(2))
        );
        let his = get_ok(app, bob, &path).await;
        let mut got = names(&his);
        got.sort();
        assert_eq!(
            (got, his["total"].as_i64()),
            (vec!["a1".to_string(), "b1".into()], Some(2))
        );
    }
    let res = app
        .req(Method::GET, "/api/tags", Some(&bob.jwt))
        .header("X-Organization-Id", &t.org_a)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}
