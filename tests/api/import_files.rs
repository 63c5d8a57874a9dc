//! Importing files as browsers write them: large ones with an icon per bookmark, the same file
//! twice, the same link in two folders, nested folders out and back, and the limits.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, Person, TestApp};

const IMPORT: &str = "/api/bookmarks/import";

async fn import_html(app: &TestApp, who: &Person, body: String) -> reqwest::Response {
    app.req(Method::POST, IMPORT, Some(&who.jwt))
        .header("content-type", "text/html")
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn total(app: &TestApp, who: &Person) -> i64 {
    expect(
        app.get("/api/bookmarks?limit=1", Some(&who.jwt)).await,
        StatusCode::OK,
    )
    .await["total"]
        .as_i64()
        .unwrap()
}

/// A Netscape file of `n` bookmarks, each with an icon of about `icon_bytes`, as Firefox and
/// Chrome write them.
fn browser_file(n: usize, icon_bytes: usize) -> String {
    let icon = format!("data:image/png;base64,{}", "A".repeat(icon_bytes));
    let mut out = String::from(
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n<DT><H3>Imported</H3>\n<DL><p>\n",
    );
    for i in 0..n {
        out.push_str(&format!(
            "<DT><A HREF=\"https://site{i}.example/page\" ADD_DATE=\"1700000000\" ICON=\"{icon}\">Site {i}</A>\n"
        ));
    }
    out.push_str("</DL><p>\n</DL><p>\n");
    out
}

#[tokio::test]
async fn a_large_browser_file_with_icons_imports_and_the_same_file_twice_adds_nothing() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    // 6,000 bookmarks (past the old cap of 5,000) in about 3.5 MB: over the API's 1 MiB limit.
    let file = browser_file(6_000, 500);
    assert!(file.len() > 3_000_000);
    let report = expect(import_html(&app, &ada, file.clone()).await, StatusCode::OK).await;
    assert_eq!(report["imported"], 6_000, "{}", report["message"]);
    assert_eq!(total(&app, &ada).await, 6_000);
    let again = expect(import_html(&app, &ada, file).await, StatusCode::OK).await;
    assert_eq!(
        (again["imported"].clone(), again["already_there"].clone()),
        (json!(0), json!(6_000))
    );
    // Links already there need no look: they are counted, not listed.
    assert_eq!(again["items"], json!([]));
    assert_eq!(again["items_truncated"], false);
    assert_eq!(total(&app, &ada).await, 6_000);
    // No icon data is kept anywhere.
    let export = app
        .get("/api/bookmarks/export?format=html", Some(&ada.jwt))
        .await
        .text()
        .await
        .unwrap();
    assert!(!export.contains("base64"));
}

#[tokio::test]
async fn the_same_link_in_two_folders_is_one_bookmark_and_the_report_says_so() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let file = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n\
        <DT><H3>Work</H3>\n<DL><p>\n<DT><A HREF=\"https://docs.example/\">Docs</A>\n</DL><p>\n\
        <DT><H3>Home</H3>\n<DL><p>\n<DT><A HREF=\"https://docs.example/\">Docs</A>\n\
        <DT><A HREF=\"https://other.example/\" SHORTCUTURL=\"has space\">Other</A>\n</DL><p>\n</DL><p>\n";
    let report = expect(
        import_html(&app, &ada, file.to_string()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["imported"], 2, "{report}");
    assert_eq!(report["merged"], 1);
    assert_eq!(report["kept_without_slug"], 1);
    let outcomes: Vec<&str> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["kept_without_slug"],
        "a merge is counted, not listed"
    );
    let list = expect(
        app.get("/api/bookmarks?q=docs", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);
    let mut folders: Vec<String> = list["items"][0]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    folders.sort();
    assert_eq!(folders, ["Home", "Work"]);
}

#[tokio::test]
async fn nested_folders_go_out_nested_and_come_back_as_the_same_tree() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let file = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><H3>Work</H3>\n<DL><p>\n\
        <DT><H3>Docs</H3>\n<DL><p>\n<DT><A HREF=\"https://deep.example/\">Deep</A>\n</DL><p>\n\
        <DT><A HREF=\"https://top.example/\">Top</A>\n</DL><p>\n</DL><p>\n";
    expect(
        import_html(&app, &ada, file.to_string()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(tree(&app, &ada).await, ["Work", "Work > Docs"]);
    let html = app
        .get("/api/bookmarks/export?format=html", Some(&ada.jwt))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("<H3>Docs</H3>") && !html.contains("Work/Docs"),
        "{html}"
    );

    let bob = app.add_user("bob@example.com").await;
    let report = expect(import_html(&app, &bob, html).await, StatusCode::OK).await;
    assert_eq!(report["imported"], 2);
    assert_eq!(report["folders_created"], 2);
    assert_eq!(tree(&app, &bob).await, ["Work", "Work > Docs"]);
}

/// The person's own folders, each as its path from the top (`Work > Docs`), sorted.
pub async fn tree(app: &TestApp, who: &Person) -> Vec<String> {
    let mut folders: Vec<(String, String, Option<String>)> = Vec::new();
    loop {
        let path = format!("/api/folders?scope=mine&limit=500&offset={}", folders.len());
        let page = expect(app.get(&path, Some(&who.jwt)).await, StatusCode::OK).await;
        folders.extend(page["items"].as_array().unwrap().iter().map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["name"].as_str().unwrap().to_string(),
                f["parent_id"].as_str().map(str::to_string),
            )
        }));
        if page["hasMore"] != true {
            break;
        }
    }
    let mut paths: Vec<String> = folders
        .iter()
        .map(|(_, name, parent)| {
            let mut path = vec![name.clone()];
            let mut up = parent.clone();
            while let Some(p) = up {
                let (_, name, next) = folders.iter().find(|f| f.0 == p).expect("parent listed");
                path.insert(0, name.clone());
                up = next.clone();
            }
            path.join(" > ")
        })
        .collect();
    paths.sort();
    paths
}

#[tokio::test]
async fn the_limits_are_written_down_and_refusals_change_nothing() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    // One bookmark over the count is refused whole, with the limit in the message.
    let items: Vec<Value> = (0..100_001)
        .map(|i| json!({"title": "t", "url": format!("https://e.example/{i}")}))
        .collect();
    let res = app.post(IMPORT, Some(&ada.jwt), Value::Array(items)).await;
    let body = expect(res, StatusCode::BAD_REQUEST).await;
    assert!(
        body["error"].as_str().unwrap().contains("100000")
            || body["error"].as_str().unwrap().contains("100,000"),
        "{body}"
    );
    assert_eq!(total(&app, &ada).await, 0);
    // Over 64 MiB is 413; the rest of the API keeps its 1 MiB limit.
    let huge = "x".repeat(65 * 1024 * 1024);
    let res = import_html(&app, &ada, huge).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let res = app
        .req(Method::POST, "/api/bookmarks", Some(&ada.jwt))
        .header("content-type", "application/json")
        .body(format!("{{\"title\":\"{}\"}}", "x".repeat(2 * 1024 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(total(&app, &ada).await, 0);
}
