//! Nested folders: `parent_id`, names unique among siblings, no folder inside itself, deleting
//! lifts the children, and the kept bookmark totals.

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, TestApp};
use crate::library::{bookmark, folder, get_ok, id, office};
use crate::tenancy::two_tenants;

async fn folders_by_name(app: &TestApp, jwt: &str) -> Vec<(String, Option<String>, i64)> {
    let list = expect(app.get("/api/folders", Some(jwt)).await, StatusCode::OK).await;
    let mut out: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["parent_id"].as_str().map(str::to_string),
                f["bookmark_count"].as_i64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn folders_nest_and_names_are_unique_among_siblings_only() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let reading = folder(app, alice, json!({"name": "Reading"})).await;
    let work = folder(app, alice, json!({"name": "Work"})).await;
    let created = expect(
        app.post(
            "/api/folders",
            Some(&alice.jwt),
            json!({"name": "Misc", "parent_id": reading}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["parent_id"], json!(reading));
    // The same name elsewhere in the tree is another folder, as in a browser's bookmarks.
    folder(app, alice, json!({"name": "Misc", "parent_id": work})).await;
    folder(app, alice, json!({"name": "Misc"})).await;
    let res = app
        .post(
            "/api/folders",
            Some(&alice.jwt),
            json!({"name": "MISC", "parent_id": reading}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await,
        json!({"error": "Folder already exists"})
    );
    let got = get_ok(app, alice, &format!("/api/folders/{}", id(&created))).await;
    assert_eq!(got["parent_id"], json!(reading));
    // Clients that never send parent_id leave it as it is on update.
    let renamed = expect(
        app.put(
            &format!("/api/folders/{}", id(&created)),
            Some(&alice.jwt),
            json!({"name": "Odds"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(renamed["parent_id"], json!(reading));
    // …and `null` moves it to the top level.
    let top = expect(
        app.put(
            &format!("/api/folders/{}", id(&created)),
            Some(&alice.jwt),
            json!({"parent_id": null}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(top["parent_id"], Value::Null);
    // A form's empty choice (blank text) is the top level too, as the document says.
    for blank in ["", " ", "\u{a0}"] {
        let made = folder(
            app,
            alice,
            json!({"name": format!("Top{}", blank.len()), "parent_id": blank}),
        )
        .await;
        let got = get_ok(app, alice, &format!("/api/folders/{made}")).await;
        assert_eq!(got["parent_id"], Value::Null, "{blank:?}");
    }
}

#[tokio::test]
async fn a_folder_cannot_go_inside_itself_or_into_a_folder_it_does_not_own() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let a = folder(app, alice, json!({"name": "A"})).await;
    let b = folder(app, alice, json!({"name": "B", "parent_id": a})).await;
    let c = folder(app, alice, json!({"name": "C", "parent_id": b})).await;
    let before = folders_by_name(app, &alice.jwt).await;
    for target in [&a, &c] {
        let res = app
            .put(
                &format!("/api/folders/{a}"),
                Some(&alice.jwt),
                json!({"name": "A2", "parent_id": target}),
            )
            .await;
        assert_eq!(
            expect(res, StatusCode::BAD_REQUEST).await["error"],
            "A folder cannot be moved into itself or a folder inside it"
        );
    }
    // Bob's folder, shared with Alice, is still not hers to file folders into.
    let bobs = folder(app, bob, json!({"name": "Bob's", "user_ids": [alice.id]})).await;
    for parent in [
        bobs.as_str(),
        "7d4c1e0e-0000-4000-8000-000000000000",
        "nope",
    ] {
        let res = app
            .post(
                "/api/folders",
                Some(&alice.jwt),
                json!({"name": "Inside", "parent_id": parent}),
            )
            .await;
        assert_eq!(
            expect(res, StatusCode::BAD_REQUEST).await["error"],
            "Parent folder not found",
            "{parent}"
        );
    }
    assert_eq!(
        folders_by_name(app, &alice.jwt).await.len(),
        before.len() + 1
    );
    assert_eq!(
        folders_by_name(app, &alice.jwt)
            .await
            .into_iter()
            .filter(|f| f.0 != "Bob's")
            .collect::<Vec<_>>(),
        before,
        "nothing changed"
    );
}

#[tokio::test]
async fn deleting_a_folder_moves_its_children_up_and_keeps_every_bookmark() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let top = folder(app, alice, json!({"name": "Top"})).await;
    let middle = folder(app, alice, json!({"name": "Middle", "parent_id": top})).await;
    let inner = folder(app, alice, json!({"name": "Inner", "parent_id": middle})).await;
    let clash = folder(app, alice, json!({"name": "Notes", "parent_id": middle})).await;
    folder(app, alice, json!({"name": "Notes", "parent_id": top})).await;
    let b = id(&bookmark(
        app,
        alice,
        json!({"title": "Deep", "url": "https://deep.example", "folder_ids": [inner, middle]}),
    )
    .await);

    expect(
        app.delete(&format!("/api/folders/{middle}"), Some(&alice.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    let inner_now = get_ok(app, alice, &format!("/api/folders/{inner}")).await;
    assert_eq!(inner_now["parent_id"], json!(top));
    let clash_now = get_ok(app, alice, &format!("/api/folders/{clash}")).await;
    assert_eq!(clash_now["parent_id"], json!(top));
    assert_eq!(clash_now["name"], "Notes (Middle)");
    let kept = get_ok(app, alice, &format!("/api/bookmarks/{b}")).await;
    assert_eq!(kept["title"], "Deep");
    assert_eq!(kept["folders"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn folder_totals_follow_every_change_and_are_the_same_for_whoever_sees_the_folder() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let shared = folder(app, alice, json!({"name": "Shared", "user_ids": [bob.id]})).await;
    let other = folder(app, alice, json!({"name": "Other"})).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(id(&bookmark(
            app,
            alice,
            json!({"title": format!("b{n}"), "url": "https://t.example", "folder_ids": [shared]}),
        )
        .await));
    }
    let total = |v: Value| v["bookmark_count"].as_i64().unwrap();
    let path = format!("/api/folders/{shared}");
    assert_eq!(total(get_ok(app, alice, &path).await), 3);
    assert_eq!(total(get_ok(app, bob, &path).await), 3);
    // Moved out, deleted: the totals follow.
    expect(
        app.put(
            &format!("/api/bookmarks/{}", ids[0]),
            Some(&alice.jwt),
            json!({"title": "b0", "url": "https://t.example", "folder_ids": [other]}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect(
        app.delete(&format!("/api/bookmarks/{}", ids[1]), Some(&alice.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(total(get_ok(app, alice, &path).await), 1);
    assert_eq!(total(get_ok(app, bob, &path).await), 1);
    assert_eq!(
        total(get_ok(app, alice, &format!("/api/folders/{other}")).await),
        1
    );
}

#[tokio::test]
async fn another_organizations_folder_is_no_parent() {
    let t = two_tenants(Mode::Cloud).await;
    let theirs = folder(&t.app, &t.bob, json!({"name": "Theirs"})).await;
    let res = t
        .app
        .post(
            "/api/folders",
            Some(&t.alice.jwt),
            json!({"name": "Mine", "parent_id": theirs}),
        )
        .await;
    assert_eq!(
        expect(res, StatusCode::BAD_REQUEST).await["error"],
        "Parent folder not found"
    );
}
