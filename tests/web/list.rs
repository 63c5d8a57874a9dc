//! The library list as a member uses it: one search field with the filters in force as chips,
//! the dense list view, numbered pages, counts written as the page's language writes them, the
//! edit form that comes back to the list, the bookmark's own page, and the list on a phone.

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::browser::{no_redirects, Browser, PHONE};
use crate::helpers::{cookie, expect, spawn_app, Person, TestApp, PASSWORD};

/// Brings `n` bookmarks into `who`'s library in one import: "Item 001" … at
/// `https://docs.example.org/page/<i>`; every other one in folder "Runbooks" with tag "oncall",
/// every tenth with the go-link `item-<i>`.
async fn fill(app: &TestApp, who: &Person, n: usize) {
    let items: Vec<Value> = (1..=n)
        .map(|i| {
            let mut b = json!({"title": format!("Item {i:03}"), "url": format!("https://docs.example.org/page/{i}")});
            if i % 2 == 0 {
                b["folders"] = json!(["Runbooks"]);
                b["tags"] = json!(["oncall"]);
            }
            if i % 10 == 0 {
                b["slug"] = json!(format!("item-{i}"));
                b["forwarding_enabled"] = json!(true);
            }
            b
        })
        .collect();
    let res = app
        .post("/api/bookmarks/import", Some(&who.jwt), json!(items))
        .await;
    let out = expect(res, StatusCode::OK).await;
    assert_eq!(out["imported"], n, "{out}");
}

/// The id of `who`'s folder or tag called `name` (`kind`: "folders" or "tags").
async fn id_of(app: &TestApp, who: &Person, kind: &str, name: &str) -> String {
    let list = expect(
        app.get(&format!("/api/{kind}"), Some(&who.jwt)).await,
        StatusCode::OK,
    )
    .await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A member of Ada's organization with a library of `n` bookmarks, signed in.
async fn member_with(n: usize, languages: &str) -> (TestApp, Person, Browser) {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    fill(&app, &bob, n).await;
    let b = Browser::open_with(&app.base, languages).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    (app, bob, b)
}

async fn current_page(b: &Browser) -> String {
    b.text("nav.pager a[aria-current=page]").await
}

#[tokio::test]
async fn a_member_searches_filters_with_chips_pages_by_number_and_edits_back_to_the_list() {
    let (app, bob, b) = member_with(120, "en-US,en").await;
    let runbooks = id_of(&app, &bob, "folders", "Runbooks").await;

    // The list view is the default: one line per bookmark with its domain and go-link, the
    // first of them right under the search field.
    b.goto("/bookmarks").await;
    assert_eq!(
        b.c.find_all(fantoccini::Locator::Css("ul.items > li.item"))
            .await
            .unwrap()
            .len(),
        50
    );
    let line = b.text("li.item:has(.golink)").await;
    assert!(
        line.contains("Item ") && line.contains("docs.example.org") && line.contains("go/item-"),
        "{line}"
    );
    assert!(
        line.contains("#oncall") && line.contains("Runbooks"),
        "{line}"
    );
    b.wait_text("1–50 of 120").await;
    b.check_page("list-default").await;

    // Numbered pages: 1 is current; 2 moves there and is marked; "next" reaches the last.
    assert_eq!(current_page(&b).await, "1");
    let numbers = b.text("nav.pager").await;
    assert!(numbers.contains('3'), "{numbers}");
    b.click("nav.pager a[href$='offset=50']").await;
    assert!(b.path().await.ends_with("offset=50"));
    assert_eq!(current_page(&b).await, "2");
    b.wait_text("51–100 of 120").await;
    b.click("nav.pager a[rel=next]").await;
    assert_eq!(current_page(&b).await, "3");
    b.wait_text("101–120 of 120").await;
    assert!(!b.exists("nav.pager a[rel=next]").await);

    // The other filters are folded away; chosen there, they show as chips.
    b.goto("/bookmarks").await;
    assert!(!b.find("#f-tag").await.is_displayed().await.unwrap());
    b.click("details.filters > summary").await;
    b.fill("#f-tag", "oncall").await;
    b.fill("#f-folder", "runbooks").await;
    b.find("#f-sort")
        .await
        .select_by_value("alphabetical")
        .await
        .unwrap();
    b.click_text("Apply filters").await;
    let filtered = b.path().await;
    assert!(
        filtered.contains("tag_id=")
            && filtered.contains("folder_id=")
            && !filtered.contains("scope="),
        "blank filters stay out of the address: {filtered}"
    );
    b.wait_text("1–50 of 60").await;
    let chips = b.text("ul.active-filters").await;
    for chip in ["#oncall", "Folder: Runbooks", "Sort: Alphabetical"] {
        assert!(chips.contains(chip), "{chips}");
    }
    b.check_page("list-chips").await;

    // A chip removes its filter and keeps the others.
    b.click_text("Remove filter #oncall").await;
    let without = b.path().await;
    assert!(
        !without.contains("tag_id=")
            && without.contains(&format!("folder_id={runbooks}"))
            && without.contains("sort_by=alphabetical"),
        "{without}"
    );
    b.wait_text("1–50 of 60").await;

    // Searching keeps the filters in force.
    b.fill("#f-q", "Item 05").await;
    b.click("form.search button.search-go").await;
    let searched = b.path().await;
    assert!(
        searched.contains("q=Item+05") && searched.contains("folder_id="),
        "{searched}"
    );
    b.wait_text("1–5 of 5").await;

    // Page 2 of the folder, then edit its first bookmark: saving comes back to that page.
    let list = format!("/bookmarks?folder_id={runbooks}&sort_by=alphabetical&offset=50");
    b.goto(&list).await;
    assert_eq!(current_page(&b).await, "2");
    let first = b.text("li.item .item-title a").await;
    b.click_text(&format!("Edit {first}")).await;
    b.wait_path(|p| p.contains("/edit?return_to=")).await;
    b.fill("input[name=title]", "Renamed on page two").await;
    b.click("form[action$='/edit'] button[type=submit]").await;
    b.wait_text("Changes saved").await;
    assert_eq!(b.path().await, format!("{list}&notice=saved"));
    assert_eq!(current_page(&b).await, "2");
    assert!(b
        .text("ul.active-filters")
        .await
        .contains("Folder: Runbooks"));

    // A return_to that leads elsewhere is refused: saving opens the bookmark's page.
    let id = expect(
        app.get("/api/bookmarks?q=Renamed", Some(&bob.jwt)).await,
        StatusCode::OK,
    )
    .await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for evil in ["//evil.example", "https://evil.example/", "/\\evil.example"] {
        b.goto(&format!(
            "/bookmarks/{id}/edit?return_to={}",
            url::form_urlencoded::byte_serialize(evil.as_bytes()).collect::<String>()
        ))
        .await;
        let kept = b
            .find("input[name=return_to]")
            .await
            .prop("value")
            .await
            .unwrap();
        assert_eq!(
            kept.as_deref(),
            Some(format!("/bookmarks/{id}").as_str()),
            "{evil}"
        );
    }
    b.click("form[action$='/edit'] button[type=submit]").await;
    b.wait_text("Changes saved").await;
    assert_eq!(b.path().await, format!("/bookmarks/{id}?notice=saved"));

    // The form itself is checked too, not only the page that draws it.
    let client = no_redirects();
    let page = client
        .get(app.url("/no-such-page"))
        .header("cookie", format!("token={}", bob.jwt))
        .send()
        .await
        .unwrap();
    let csrf = cookie(&page, "csrf_token").unwrap();
    let res = client
        .post(app.url(&format!("/bookmarks/{id}/edit")))
        .header("cookie", format!("token={}; csrf_token={csrf}", bob.jwt))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("title", "Renamed again"),
            ("url", "https://docs.example.org/page/2"),
            ("return_to", "//evil.example/steal"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        format!("/bookmarks/{id}?notice=saved").as_str()
    );
    b.close().await;
}

/// Bulk actions stay out of the way until something is ticked; without a script they are one
/// folded line above the list, in the same form.
#[tokio::test]
async fn the_bulk_bar_appears_when_a_bookmark_is_ticked() {
    let (app, bob, b) = member_with(3, "en-US,en").await;
    b.goto("/bookmarks").await;
    let bar = b.find("details.bulk-bar").await;
    assert!(!bar.is_displayed().await.unwrap());
    b.click("li.item input[name=ids]").await;
    assert!(bar.is_displayed().await.unwrap());
    assert_eq!(
        b.js("return document.querySelector('details.bulk-bar').open")
            .await,
        Value::Bool(true)
    );
    assert_eq!(b.text("[data-selected-count]").await, "1");
    b.find("#f-bulk-action")
        .await
        .select_by_value("delete")
        .await
        .unwrap();
    b.click("form#bulk button[type=submit]").await;
    b.wait_text("Delete 1 bookmarks?").await;
    b.click("form[action='/bookmarks/bulk'] button.danger")
        .await;
    b.wait_text("Bookmarks deleted").await;
    b.wait_text("1–2 of 2").await;
    b.close().await;

    // The page as a browser without JavaScript gets it: the bar is a <details> in the form.
    let html = no_redirects()
        .get(app.url("/bookmarks"))
        .header("cookie", format!("token={}", bob.jwt))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let form = &html[html.find("<form id=\"bulk\"").expect("the bulk form")..];
    assert!(form.contains("<details class=\"bulk-bar\""), "{form}");
    assert!(form.contains("name=\"action\"") && form.contains("name=\"ids\""));
}

/// German pages group thousands with a dot, English ones with a comma: the list's total, its
/// last page, the dashboard and the tags page.
#[tokio::test]
async fn counts_are_written_the_way_the_pages_language_writes_them() {
    let (app, bob, b) = member_with(1_234, "de-DE,de").await;
    let speak = |language: &'static str| {
        app.req(reqwest::Method::PUT, "/api/users/me", Some(&bob.jwt))
            .json(&json!({ "language": language }))
            .send()
    };
    assert_eq!(speak("de").await.unwrap().status(), StatusCode::OK);
    b.goto("/bookmarks").await;
    b.wait_text("1–50 von 1.234").await;
    assert!(b.text("nav.pager").await.contains("25"));
    b.check_page("list-de").await;
    b.goto("/").await;
    assert_eq!(b.text("ul.stats li strong").await, "1.234");
    b.goto("/tags").await;
    b.wait_text("617 Lesezeichen").await;

    assert_eq!(speak("en").await.unwrap().status(), StatusCode::OK);
    b.goto("/bookmarks").await;
    b.wait_text("1–50 of 1,234").await;
    b.goto("/").await;
    assert_eq!(b.text("ul.stats li strong").await, "1,234");
    b.close().await;
}

/// On a 375 px phone the header is one short row with a menu button, the first bookmark is on
/// the first screen, and a table's rows stack instead of squeezing words letter by letter.
#[tokio::test]
async fn on_a_phone_the_list_comes_first() {
    let (_app, _bob, b) = member_with(60, "en-US,en").await;
    b.set_size(PHONE).await;
    b.goto("/bookmarks").await;
    let header = b
        .js("return document.querySelector('header.top').getBoundingClientRect().height")
        .await
        .as_f64()
        .unwrap();
    assert!(header <= 64.0, "the header is {header} px tall");
    let first = b
        .js("const r = document.querySelector('li.item').getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight]")
        .await;
    let (top, bottom, screen) = (
        first[0].as_f64().unwrap(),
        first[1].as_f64().unwrap(),
        first[2].as_f64().unwrap(),
    );
    assert!(
        bottom < screen && top < 300.0,
        "the first bookmark is at {top}–{bottom} px of {screen}"
    );
    assert!(!b.find("header nav").await.is_displayed().await.unwrap());

    // The menu opens without a script (a <details>) and leads on.
    b.click("summary.menu-button").await;
    assert!(b.find("header nav").await.is_displayed().await.unwrap());
    b.click("header nav a[href='/tags']").await;
    b.wait_page("/tags").await;

    b.goto("/bookmarks?view=table").await;
    let width = b
        .js("return document.querySelector('table.stack td[data-label]').getBoundingClientRect().width")
        .await
        .as_f64()
        .unwrap();
    assert!(width > 250.0, "a stacked cell is {width} px wide");
    assert_eq!(b.overflow_px().await, 0);
    b.set_size(crate::browser::DESKTOP).await;
    b.check_page("list-table").await;
    b.goto("/bookmarks?view=cards").await;
    b.check_page("list-cards").await;
    b.close().await;
}

/// A bookmark's page shows its folders and tags, checks the link now, and deletes.
#[tokio::test]
async fn a_bookmarks_page_checks_the_link_now_and_deletes_it() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let site = axum::Router::new().route("/ok", axum::routing::get(|| async { "fine" }));
    tokio::spawn(async move { axum::serve(listener, site).await.unwrap() });
    let app = crate::helpers::spawn_with(Mode::Selfhosted, |c| {
        c.link_check_allow_private = true;
        c.link_check_concurrency = 0;
        c.link_check_timeout_secs = 2;
    })
    .await;
    app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let items = json!([{"title": "Status page", "url": format!("http://127.0.0.1:{port}/ok"),
        "folders": ["Runbooks"], "tags": ["oncall"]}]);
    expect(
        app.post("/api/bookmarks/import", Some(&bob.jwt), items)
            .await,
        StatusCode::OK,
    )
    .await;
    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/bookmarks?q=Status").await;
    b.click_text("Details Status page").await;
    let page = b.wait_path(|p| p.starts_with("/bookmarks/")).await;
    let facts = b.text("dl.facts").await;
    assert!(
        facts.contains("Runbooks") && facts.contains("#oncall"),
        "{facts}"
    );
    b.wait_text("Not checked yet").await;

    b.click_text("Check now").await;
    b.wait_text("Link checked").await;
    assert_eq!(b.path().await, format!("{page}?notice=checked"));
    let facts = b.text("dl.facts").await;
    assert!(
        facts.contains("OK") && facts.contains("HTTP 200"),
        "{facts}"
    );
    b.check_page("list-bookmark-page").await;

    // Its tag leads to the list filtered by it.
    b.click_text("#oncall").await;
    b.wait_path(|p| p.contains("tag_id=")).await;
    b.wait_text("Status page").await;

    b.goto(&page).await;
    b.click_text("Delete Status page").await;
    b.wait_path(|p| p.ends_with("/delete")).await;
    b.click("form[action$='/delete'] button.danger").await;
    b.wait_text("Bookmark deleted").await;
    b.wait_text("No bookmarks match").await;
    b.close().await;
}
