//! Imports that keep a browser's folder tree, and exports that write it back: folders matched by
//! place and name, the same file twice, and an export imported into a fresh organization.

use std::collections::BTreeSet;

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, Person, TestApp};
use crate::import_files::tree;
use crate::library::{bookmark, folder, office};
use crate::tenancy::two_tenants;

const IMPORT: &str = "/api/bookmarks/import";

pub async fn send(
    app: &TestApp,
    who: &Person,
    path: &str,
    content_type: &str,
    body: String,
) -> Response {
    app.req(Method::POST, path, Some(&who.jwt))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn import_ok(app: &TestApp, who: &Person, html: &str) -> Value {
    expect(
        send(app, who, IMPORT, "text/html", html.to_string()).await,
        StatusCode::OK,
    )
    .await
}

pub async fn total(app: &TestApp, who: &Person) -> i64 {
    expect(
        app.get("/api/bookmarks?limit=1", Some(&who.jwt)).await,
        StatusCode::OK,
    )
    .await["total"]
        .as_i64()
        .unwrap()
}

/// A browser's file with folders three deep, a folder name with a slash in it, a name used in
/// two places, an empty folder, the toolbar and "other bookmarks" roots, and one link in two
/// folders.
pub const NESTED: &str = r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://top.example/">Top</A>
        <DT><H3>Work</H3>
        <DL><p>
            <DT><A HREF="https://intranet.example/" SHORTCUTURL="intra">Intranet</A>
            <DT><H3>Docs</H3>
            <DL><p>
                <DT><A HREF="https://docs.example/">Docs</A>
                <DT><H3>Rust</H3>
                <DL><p>
                    <DT><A HREF="https://doc.rust-lang.org/">Rust docs</A>
                </DL><p>
            </DL><p>
            <DT><H3>Empty</H3>
            <DL><p>
            </DL><p>
        </DL><p>
        <DT><H3>Home</H3>
        <DL><p>
            <DT><H3>Docs</H3>
            <DL><p>
                <DT><A HREF="https://recipes.example/">Recipes</A>
                <DT><A HREF="https://docs.example/">Docs</A>
            </DL><p>
            <DT><H3>A/B testing</H3>
            <DL><p>
                <DT><A HREF="https://ab.example/">AB</A>
            </DL><p>
        </DL><p>
    </DL><p>
    <DT><H3 UNFILED_BOOKMARKS_FOLDER="true">Other bookmarks</H3>
    <DL><p>
        <DT><A HREF="https://unfiled.example/">Unfiled</A>
    </DL><p>
</DL><p>
"#;

pub const NESTED_TREE: [&str; 7] = [
    "Home",
    "Home > A/B testing",
    "Home > Docs",
    "Work",
    "Work > Docs",
    "Work > Docs > Rust",
    "Work > Empty",
];

/// Each of the person's bookmarks (by title) with the paths of its folders.
pub async fn placed(app: &TestApp, who: &Person) -> BTreeSet<(String, Vec<String>)> {
    let export = expect(
        app.get("/api/bookmarks/export?format=json", Some(&who.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    export
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let mut paths: Vec<String> = b["folder_paths"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let names: Vec<&str> = p
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| n.as_str().unwrap())
                        .collect();
                    names.join(" > ")
                })
                .collect();
            paths.sort();
            (b["title"].as_str().unwrap().to_string(), paths)
        })
        .collect()
}

#[tokio::test]
async fn a_browser_file_keeps_its_tree_matching_folders_by_place_and_a_second_import_adds_nothing()
{
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    // Folders Alice has already: "work" at the top with "DOCS" in it, matched whatever the case.
    let work = folder(app, alice, json!({"name": "work"})).await;
    folder(app, alice, json!({"name": "DOCS", "parent_id": work})).await;
    let report = import_ok(app, alice, NESTED).await;
    assert_eq!(
        (&report["imported"], &report["merged"], &report["errors"]),
        (&json!(7), &json!(1), &json!([])),
        "{report}"
    );
    assert_eq!(report["items"], json!([]), "a merge needs no look");
    assert_eq!(report["folders_created"], 5, "work and DOCS are matched");
    assert_eq!(
        tree(app, alice).await,
        [
            "Home",
            "Home > A/B testing",
            "Home > Docs",
            "work",
            "work > DOCS",
            "work > DOCS > Rust",
            "work > Empty",
        ]
    );
    let docs = placed(app, alice).await;
    assert!(docs.contains(&(
        "Docs".to_string(),
        vec!["Home > Docs".to_string(), "work > DOCS".to_string()]
    )));
    assert!(docs.contains(&("Top".to_string(), vec![])));
    assert!(docs.contains(&(
        "Rust docs".to_string(),
        vec!["work > DOCS > Rust".to_string()]
    )));

    // The same file again: nothing new.
    let again = import_ok(app, alice, NESTED).await;
    assert_eq!(
        (
            &again["imported"],
            &again["already_there"],
            &again["folders_created"]
        ),
        (&json!(0), &json!(7), &json!(0)),
        "{again}"
    );
    assert_eq!(again["items"], json!([]), "nothing needs a look");
    assert_eq!(total(app, alice).await, 7);
    assert_eq!(tree(app, alice).await.len(), 7);
}

#[tokio::test]
async fn an_export_imported_into_a_fresh_organization_gives_the_same_tree() {
    let t = two_tenants(Mode::Selfhosted).await;
    let (app, alice, bob) = (&t.app, &t.alice, &t.bob);
    let report = expect(
        send(app, alice, IMPORT, "text/html", NESTED.to_string()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["imported"], 7, "{report}");
    assert_eq!(tree(app, alice).await, NESTED_TREE);
    // A folder made by hand, empty, deep in the tree travels too.
    let folders = expect(
        app.get("/api/folders?scope=mine", Some(&alice.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let rust = folders
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "Rust")
        .unwrap()["id"]
        .clone();
    folder(app, alice, json!({"name": "Later", "parent_id": rust})).await;
    bookmark(
        app,
        alice,
        json!({"title": "Book", "url": "https://book.example/", "folder_ids": [rust]}),
    )
    .await;

    let html = app
        .get("/api/bookmarks/export?format=html", Some(&alice.jwt))
        .await
        .text()
        .await
        .unwrap();
    let report = expect(
        send(app, bob, IMPORT, "text/html", html).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["imported"], 8, "{report}");
    assert_eq!(report["folders_created"], 8);
    assert_eq!(tree(app, bob).await, tree(app, alice).await);
    assert_eq!(placed(app, bob).await, placed(app, alice).await);

    // Alice's JSON export names the same places: into Bob's library it adds nothing.
    let json = app
        .get("/api/bookmarks/export?format=json", Some(&alice.jwt))
        .await
        .text()
        .await
        .unwrap();
    let report = expect(
        send(app, bob, IMPORT, "application/json", json.clone()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (
            &report["imported"],
            &report["already_there"],
            &report["folders_created"]
        ),
        (&json!(0), &json!(8), &json!(0)),
        "{report}"
    );
    // A JSON export's `folders` name each folder by its path, for readers of flat folders.
    let exported: Value = serde_json::from_str(&json).unwrap();
    let book = exported
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["title"] == "Book")
        .unwrap();
    assert_eq!(book["folders"], json!(["Work/Docs/Rust"]));
    assert_eq!(book["folder_paths"], json!([["Work", "Docs", "Rust"]]));
}
