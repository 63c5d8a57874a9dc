//! Tags: each person's own; their life cycle, validation and tenancy.

use reqwest::{Method, StatusCode};
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::expect;
use crate::library::{bookmark, get_ok, id, office, tag, titles};
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

    let list = get_ok(app, alice, "/api/tags").await;
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
