//! `GET /api/bookmarks/export` and `POST /api/bookmarks/import`: round trips through JSON and
//! browser HTML, partly bad and garbage files, slugs already taken, tenancy, and the Free plan.

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_with, Person, TestApp};
use crate::library::{bookmark, folder, get_ok, office, simple, tag};
use crate::tenancy::two_tenants;

const IMPORT: &str = "/api/bookmarks/import";

async fn export(app: &TestApp, who: &Person, format: &str) -> Response {
    app.get(
        &format!("/api/bookmarks/export?format={format}"),
        Some(&who.jwt),
    )
    .await
}

async fn export_json(app: &TestApp, who: &Person) -> Value {
    expect(export(app, who, "json").await, StatusCode::OK).await
}

/// Sends `body` as the import file with its own content type.
async fn import_raw(app: &TestApp, who: &Person, content_type: &str, body: &str) -> Response {
    app.req(Method::POST, IMPORT, Some(&who.jwt))
        .header("content-type", content_type)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

async fn import_ok(app: &TestApp, who: &Person, body: Value) -> Value {
    expect(app.post(IMPORT, Some(&who.jwt), body).await, StatusCode::OK).await
}

/// What a person would compare between two libraries: every field but ids and dates, with tags
/// and folders in name order and bookmarks by title.
fn library(export: &Value) -> Vec<Value> {
    let sorted = |v: &Value| {
        let mut names: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    let mut out: Vec<Value> = export
        .as_array()
        .expect("an array")
        .iter()
        .map(|b| {
            json!({"title": b["title"], "url": b["url"], "slug": b["slug"],
                "forwarding_enabled": b["forwarding_enabled"], "pinned": b["pinned"],
                "tags": sorted(&b["tags"]), "folders": sorted(&b["folders"])})
        })
        .collect();
    out.sort_by_key(|b| b["title"].as_str().unwrap().to_string());
    out
}

/// Alice's library: a bookmark in two folders with two tags that forwards, a pinned one whose
/// slug does not forward, and a plain one.
async fn fill(app: &TestApp, alice: &Person, title: &str) {
    let work = folder(app, alice, json!({"name": "Work"})).await;
    let home = folder(app, alice, json!({"name": "R&D <Home>"})).await;
    let rust = tag(app, alice, "rust").await;
    let docs = tag(app, alice, "c++ & \"more\"").await;
    bookmark(
        app,
        alice,
        json!({"title": title, "url": "https://docs.example/search?q=a&b=\"c\"",
            "slug": "docs", "forwarding_enabled": true,
            "folder_ids": [work, home], "tag_ids": [rust, docs]}),
    )
    .await;
    bookmark(
        app,
        alice,
        json!({"title": "Pinned", "url": "https://pinned.example", "slug": "Pin_1",
            "forwarding_enabled": false, "pinned": true, "folder_ids": [work]}),
    )
    .await;
    simple(app, alice, "Plain", "https://plain.example/").await;
}

#[tokio::test]
async fn a_json_export_imported_into_another_organization_gives_the_same_library() {
    let t = two_tenants(Mode::Selfhosted).await;
    let (app, alice, bob) = (&t.app, &t.alice, &t.bob);
    fill(app, alice, "Docs").await;
    let res = export(app, alice, "json").await;
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"slugbase-bookmarks.json\""
    );
    let exported = expect(res, StatusCode::OK).await;
    assert_eq!(exported.as_array().unwrap().len(), 3);
    assert_eq!(export_json(app, bob).await, json!([]), "nothing of A in B");

    let report = import_ok(app, bob, exported.clone()).await;
    assert_eq!(report["imported"], 3);
    assert_eq!(report["skipped"], 0);
    assert_eq!(report["errors"], json!([]));
    assert_eq!(report["folders_created"], 2);
    assert_eq!(report["tags_created"], 2);

    let again = export_json(app, bob).await;
    assert_eq!(library(&again), library(&exported));
    let created = |v: &Value| {
        let mut d: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["created_at"].as_str().unwrap().to_string())
            .collect();
        d.sort();
        d
    };
    assert_eq!(created(&again), created(&exported), "dates are kept");
    assert_eq!(export_json(app, alice).await, exported, "A is untouched");

    // The published web app's shape imports too.
    let report = import_ok(
        app,
        bob,
        json!({"bookmarks": [{"title": "Old", "url": "https://old.example",
            "folder_names": ["work"], "tag_names": ["New tag"]}]}),
    )
    .await;
    assert_eq!(
        (
            &report["imported"],
            &report["folders_created"],
            &report["tags_created"]
        ),
        (&json!(1), &json!(0), &json!(1)),
        "an existing folder is matched ignoring case"
    );
}

#[tokio::test]
async fn an_html_round_trip_escapes_on_export_and_decodes_on_import() {
    let t = two_tenants(Mode::Selfhosted).await;
    let (app, alice, bob) = (&t.app, &t.alice, &t.bob);
    let title = "Tom & \"Jerry\" <script>alert('x')</script> – Überblick";
    fill(app, alice, title).await;
    let res = export(app, alice, "html").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"slugbase-bookmarks.html\""
    );
    let html = res.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE NETSCAPE-Bookmark-file-1>"));
    assert!(html.contains(
        "Tom &amp; &quot;Jerry&quot; &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; – Überblick</A>"
    ));
    assert!(!html.contains("<script>"));
    assert!(html.contains("HREF=\"https://docs.example/search?q=a&amp;b=&quot;c&quot;\""));
    assert!(html.contains("<H3>R&amp;D &lt;Home&gt;</H3>"));
    assert!(html.contains("SHORTCUTURL=\"docs\""));
    assert_eq!(
        html.matches("SHORTCUTURL=\"docs\"").count(),
        2,
        "under each folder"
    );

    let report = expect(
        import_raw(app, bob, "text/html; charset=utf-8", &html).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(report["imported"], 3, "{report}");
    assert_eq!(
        library(&export_json(app, bob).await),
        library(&export_json(app, alice).await)
    );
}

#[tokio::test]
async fn a_browser_file_brings_folders_tags_and_keywords() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    folder(app, alice, json!({"name": "work"})).await;
    let html = r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://intranet.example/" ADD_DATE="1700000000" SHORTCUTURL="intra" TAGS="internal,Work">Intranet</A>
        <DT><H3>Work</H3>
        <DL><p>
            <DT><a href='https://wiki.example/?a=1&amp;b=2' add_date=1700000100>Wiki &#x2014; caf&#233;</a>
            <DT><H3>Docs</H3>
            <DL><p>
                <DT><A HREF="https://docs.example/">Docs</A>
            </DL><p>
        </DL><p>
    </DL><p>
</DL><p>
"#;
    let report = import_ok(app, alice, json!({"format": "html", "content": html})).await;
    assert_eq!(report["imported"], 3, "{report}");
    assert_eq!(
        report["folders_created"], 1,
        "Docs inside work, which exists already"
    );
    assert_eq!(report["tags_created"], 2);
    let lib = library(&export_json(app, alice).await);
    assert_eq!(
        lib,
        vec![
            json!({"title": "Docs", "url": "https://docs.example/", "slug": null,
                "forwarding_enabled": false, "pinned": false, "tags": [], "folders": ["work/Docs"]}),
            json!({"title": "Intranet", "url": "https://intranet.example/", "slug": "intra",
                "forwarding_enabled": true, "pinned": false, "tags": ["Work", "internal"], "folders": []}),
            json!({"title": "Wiki — café", "url": "https://wiki.example/?a=1&b=2", "slug": null,
                "forwarding_enabled": false, "pinned": false, "tags": [], "folders": ["work"]}),
        ]
    );
    let listed = get_ok(app, alice, "/api/bookmarks?q=intranet").await;
    assert_eq!(listed["items"][0]["created_at"], "2023-11-14T22:13:20.000Z");
}

#[tokio::test]
async fn garbage_is_refused_and_changes_nothing() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    fill(app, alice, "Docs").await;
    let before = export_json(app, alice).await;
    for (content_type, body, message) in [
        ("application/json", "this is not json {", "not valid JSON"),
        ("application/json", "", "empty"),
        ("text/html", "   \n", "empty"),
        (
            "application/json",
            r#"{"hello": "world"}"#,
            "Expected a JSON array",
        ),
        ("application/json", "42", "Expected a JSON array"),
        (
            "text/html",
            "<html><body>Hello</body></html>",
            "Not a bookmark file",
        ),
        ("text/html", "\u{0}\u{1}binary", "Not a bookmark file"),
        (
            "application/json",
            r#"{"format": "html", "content": "plain words"}"#,
            "Not a bookmark file",
        ),
    ] {
        let body = expect(
            import_raw(app, alice, content_type, body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        let error = body["error"].as_str().unwrap();
        assert!(error.contains(message), "{body:?}: {error}");
    }
    let body = expect(
        import_raw(app, alice, "text/plain", "[]").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
    )
    .await;
    assert!(body["error"].as_str().unwrap().contains("text/html"));
    let res = export(app, alice, "pdf").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(export_json(app, alice).await, before);
    let folders = get_ok(app, alice, "/api/folders").await;
    assert_eq!(folders.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_partly_bad_file_keeps_the_good_bookmarks_and_reports_the_bad() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let long = "t".repeat(501);
    let report = import_ok(
        app,
        alice,
        json!([
            {"title": "One", "url": "https://one.example", "folders": ["Good"]},
            {"title": "Evil", "url": "javascript:alert(1)", "folders": ["Bad"], "tags": ["bad"]},
            {"title": "Two", "url": "https://two.example", "slug": "two"},
            {"title": long, "url": "https://long.example"},
            {"title": "Three", "url": "https://three.example", "tags": ["good"]},
        ]),
    )
    .await;
    assert_eq!(report["imported"], 3);
    assert_eq!(report["skipped"], 2);
    assert_eq!(
        (&report["success"], &report["failed"]),
        (&json!(3), &json!(2))
    );
    assert_eq!(report["message"], "Imported 3 bookmark(s), 2 failed");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2);
    assert_eq!(
        (&errors[0]["index"], &errors[0]["title"], &errors[0]["url"]),
        (&json!(1), &json!("Evil"), &json!("javascript:alert(1)"))
    );
    assert!(errors[0]["error"]
        .as_str()
        .unwrap()
        .contains("http or https"));
    assert_eq!(errors[1]["index"], 3);
    assert_eq!(
        errors[1]["error"],
        "Title must be no more than 500 characters"
    );
    assert_eq!(
        (&report["folders_created"], &report["tags_created"]),
        (&json!(1), &json!(1)),
        "a refused bookmark makes no folder or tag"
    );
    let titles: Vec<Value> = library(&export_json(app, alice).await)
        .iter()
        .map(|b| b["title"].clone())
        .collect();
    assert_eq!(titles, vec![json!("One"), json!("Three"), json!("Two")]);
}

#[tokio::test]
async fn a_taken_or_invalid_keyword_costs_the_slug_not_the_bookmark() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    bookmark(
        app,
        alice,
        json!({"title": "Docs", "url": "https://docs.example", "slug": "docs", "forwarding_enabled": true}),
    )
    .await;
    let file = json!([
        {"title": "Other docs", "url": "https://other.example", "slug": "DOCS"},
        {"title": "New", "url": "https://new.example", "slug": "new"},
        {"title": "New again", "url": "https://again.example", "slug": "New"},
        {"title": "Bad slug", "url": "https://bad.example", "slug": "no spaces"},
    ]);
    let report = import_ok(app, alice, file.clone()).await;
    assert_eq!(report["imported"], 4);
    assert_eq!(report["kept_without_slug"], 3);
    assert_eq!(report["errors"], json!([]));
    let kept: Vec<(Value, Value)> = report["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["index"].clone(), i["outcome"].clone()))
        .collect();
    assert_eq!(
        kept,
        [0, 2, 3].map(|i| (json!(i), json!("kept_without_slug")))
    );
    assert!(report["items"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("taken"));
    let mine = export_json(app, alice).await;
    let slug_of = |title: &str| {
        mine.as_array()
            .unwrap()
            .iter()
            .find(|b| b["title"] == title)
            .unwrap()["slug"]
            .clone()
    };
    assert_eq!(slug_of("New"), "new");
    assert_eq!(slug_of("Other docs"), Value::Null);
    assert_eq!(slug_of("Bad slug"), Value::Null);
    // Slugs are per owner: Bob, in the same organization, may use Alice's.
    let report = import_ok(app, bob, file).await;
    assert_eq!(report["imported"], 4);
    assert_eq!(report["kept_without_slug"], 2);
}

#[tokio::test]
async fn an_imported_bookmark_forwards_exactly_when_one_made_by_hand_would() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let items = [
        json!({"title": "Docs", "url": "https://docs.example", "slug": "docs", "forwarding_enabled": true}),
        json!({"title": "Off", "url": "https://off.example", "slug": "off"}),
        json!({"title": "Plain", "url": "https://plain.example"}),
    ];
    for item in &items {
        bookmark(app, alice, item.clone()).await;
    }
    let report = import_ok(app, bob, json!(items)).await;
    assert_eq!(report["imported"], 3, "{report}");
    let made = library(&export_json(app, alice).await);
    let imported = library(&export_json(app, bob).await);
    assert_eq!(imported, made);
    let forwarding: Vec<(Value, Value)> = imported
        .iter()
        .map(|b| (b["title"].clone(), b["forwarding_enabled"].clone()))
        .collect();
    assert_eq!(
        forwarding,
        [
            (json!("Docs"), json!(true)),
            (json!("Off"), json!(false)),
            (json!("Plain"), json!(false))
        ]
    );

    // Forwarding without a slug is refused the same way by both.
    let bad = json!({"title": "X", "url": "https://x.example", "forwarding_enabled": true});
    let refused = expect(
        app.post("/api/bookmarks", Some(&bob.jwt), bad.clone())
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let report = import_ok(app, bob, json!([bad])).await;
    assert_eq!(report["errors"][0]["error"], refused["error"]);
}

#[tokio::test]
async fn import_and_export_need_credentials() {
    let o = office().await;
    for res in [
        o.app.get("/api/bookmarks/export", None).await,
        o.app.post(IMPORT, None, json!([])).await,
    ] {
        let body = expect(res, StatusCode::UNAUTHORIZED).await;
        assert_eq!(body["error"], "Unauthorized");
    }
}

#[tokio::test]
async fn an_export_holds_only_the_callers_own_bookmarks() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    bookmark(
        app,
        alice,
        json!({"title": "Alice's", "url": "https://alice.example", "user_ids": [bob.id]}),
    )
    .await;
    simple(app, bob, "Bob's", "https://bob.example").await;
    let shared = get_ok(app, bob, "/api/bookmarks").await;
    assert_eq!(shared["total"], 2, "Bob sees Alice's shared bookmark");
    let titles: Vec<Value> = library(&export_json(app, bob).await)
        .iter()
        .map(|b| b["title"].clone())
        .collect();
    assert_eq!(titles, vec![json!("Bob's")]);
    let html = export(app, bob, "html").await.text().await.unwrap();
    assert!(!html.contains("alice.example"));
}

#[tokio::test]
async fn the_free_plan_imports_up_to_its_limit() {
    let app = spawn_with(Mode::Cloud, |c| c.free_bookmark_limit = 3).await;
    let alice = app.signup("alice@example.com", "Alice").await;
    simple(&app, &alice, "Existing", "https://existing.example").await;
    let report = import_ok(
        &app,
        &alice,
        json!([
            {"title": "Bad", "url": "ftp://bad.example"},
            {"title": "A", "url": "https://a.example"},
            {"title": "B", "url": "https://b.example"},
            {"title": "C", "url": "https://c.example"},
            {"title": "D", "url": "https://d.example"},
        ]),
    )
    .await;
    assert_eq!(report["imported"], 2, "{report}");
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3);
    assert_eq!(errors[0]["code"], Value::Null, "a bad item uses no quota");
    for (e, index) in errors[1..].iter().zip([3, 4]) {
        assert_eq!(e["index"], index);
        assert_eq!(e["code"], "PLAN_LIMIT_BOOKMARKS");
    }
    let list = get_ok(&app, &alice, "/api/bookmarks").await;
    assert_eq!(list["total"], 3);
}
