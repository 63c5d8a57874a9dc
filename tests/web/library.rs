//! The library in a browser: dashboard, bookmarks, folders, tags, go-links and the palette.

use fantoccini::key::Key;
use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::browser::{no_redirects, Browser};
use crate::helpers::{cookie, expect, spawn_app, Person, TestApp, PASSWORD};

async fn api_post(app: &TestApp, who: &Person, path: &str, body: Value) -> String {
    let res = app.post(path, Some(&who.jwt), body).await;
    let status = res.status();
    let v = expect(
        res,
        if status == StatusCode::OK {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
    )
    .await;
    v["id"].as_str().unwrap_or_default().to_string()
}

/// On the table view, ticks bookmark `id` and chooses the bulk action "share".
async fn pick_to_share(b: &Browser, id: &str) {
    b.goto("/bookmarks?view=table").await;
    b.click(&format!("input[name=ids][value='{id}']")).await;
    b.find("#f-bulk-action")
        .await
        .select_by_value("share")
        .await
        .unwrap();
}

/// Shares what is ticked with `with` (a person's email or a team's name, typed) and waits
/// for the notice.
async fn share_picked(b: &Browser, with: &str) {
    b.fill("#f-bulk-share", with).await;
    b.click("form[action='/bookmarks/bulk'] button[type=submit]")
        .await;
    b.wait_text("Bookmarks updated").await;
}

/// The value of the field `css`.
async fn value(b: &Browser, css: &str) -> String {
    b.find(css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Waits for the suggestion list of the field `css` to offer `label`.
async fn wait_option(b: &Browser, css: &str, label: &str) {
    let id = b.find(css).await.attr("id").await.unwrap().unwrap();
    let xpath =
        format!("//ul[@id='{id}-list'][not(@hidden)]/li[@role='option'][contains(., '{label}')]");
    b.c.wait()
        .at_most(std::time::Duration::from_secs(10))
        .for_element(fantoccini::Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|e| panic!("{css} never suggested {label:?}: {e}"));
}

/// Types `typed` at the end of the field `css`, waits for `label` among the suggestions, takes
/// the first suggestion with the keyboard (Down, Enter) and returns the field's value.
async fn take_suggestion(b: &Browser, css: &str, typed: &str, label: &str) -> String {
    b.find(css).await.send_keys(typed).await.unwrap();
    wait_option(b, css, label).await;
    let keys = format!("{}{}", char::from(Key::Down), char::from(Key::Enter));
    b.find(css).await.send_keys(&keys).await.unwrap();
    value(b, css).await
}

/// Adds the folder whose path is `path` with the folder picker's field (typing `typed`, then
/// Enter on the suggestion), and checks that it is ticked among the chosen ones.
async fn pick_folder(b: &Browser, typed: &str, path: &str) {
    let search = "#f-folder";
    b.fill(search, typed).await;
    wait_option(b, search, path).await;
    b.find(search)
        .await
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    let chosen = b.text("#f-folders-chosen").await;
    assert!(chosen.contains(path), "{path} not among {chosen}");
}

#[tokio::test]
async fn a_bookmark_is_created_edited_found_filtered_and_deleted() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    app.add_user("bob@example.com").await;
    let work = api_post(&app, &ada, "/api/folders", json!({"name": "Work"})).await;
    api_post(&app, &ada, "/api/tags", json!({"name": "docs"})).await;

    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    assert_eq!(b.path().await, "/");
    b.wait_text("Your library is empty").await;
    b.check_page("lib-dashboard-empty").await;

    b.click_text("New bookmark").await;
    b.wait_page("/bookmarks/new").await;
    b.check_page("lib-new").await;
    b.fill("input[name=title]", "Rust docs").await;
    b.fill("input[name=url]", "javascript:alert(1)").await;
    b.fill("input[name=slug]", "rust").await;
    b.click("form[action='/bookmarks/new'] button[type=submit]")
        .await;
    b.find("[role=alert]").await;
    assert_eq!(
        b.find("input[name=title]")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Rust docs")
    );
    b.fill("input[name=url]", "https://doc.rust-lang.org/")
        .await;
    b.click("input[name=forwarding_enabled]").await;
    pick_folder(&b, "wor", "Work").await;
    assert_eq!(take_suggestion(&b, "#f-tags", "do", "docs").await, "docs, ");
    b.fill("#f-share_with", "bob@example.com").await;
    b.click("form[action='/bookmarks/new'] button[type=submit]")
        .await;
    b.wait_text("Bookmark saved").await;
    b.wait_text("go/rust").await;
    b.check_page("lib-bookmarks").await;

    // The edit link carries the list it was opened from (`?return_to=`), where saving leads.
    b.click_text("Edit Rust docs").await;
    b.wait_path(|p| p.contains("/edit?return_to=")).await;
    b.check_page("lib-edit").await;
    b.fill("input[name=title]", "The Rust book").await;
    b.click("form[action$='/edit'] button[type=submit]").await;
    b.wait_text("Changes saved").await;
    b.wait_text("The Rust book").await;

    b.goto("/bookmarks?q=book").await;
    b.wait_text("The Rust book").await;
    b.goto("/bookmarks?q=nothingmatches").await;
    b.wait_text("No bookmarks match").await;
    b.goto(&format!("/bookmarks?folder_id={work}")).await;
    b.wait_text("The Rust book").await;
    b.goto("/bookmarks").await;
    b.click_text("#docs").await;
    b.wait_path(|p| p.contains("tag_id=")).await;
    b.wait_text("The Rust book").await;
    b.goto("/bookmarks?view=table").await;
    b.check_page("lib-bookmarks-table").await;

    // A second bookmark, shared with Bob in bulk from the table.
    let second = api_post(
        &app,
        &ada,
        "/api/bookmarks",
        json!({"title": "Cargo guide", "url": "https://doc.rust-lang.org/cargo/"}),
    )
    .await;
    pick_to_share(&b, &second).await;
    b.find("#f-bulk-share").await.send_keys("bo").await.unwrap();
    wait_option(&b, "#f-bulk-share", "bob@example.com").await;
    share_picked(&b, "bob@example.com").await;

    // Bob sees both as shared with him.
    let bob = Browser::open(&app.base).await;
    bob.sign_in("bob@example.com", PASSWORD).await;
    bob.goto("/bookmarks?scope=shared_with_me").await;
    bob.wait_text("The Rust book").await;
    bob.wait_text("Cargo guide").await;
    bob.wait_text("Shared by Admin").await;
    bob.close().await;

    b.goto("/bookmarks").await;
    b.click_text("Delete The Rust book").await;
    b.wait_path(|p| p.ends_with("/delete")).await;
    b.check_page("lib-delete").await;
    b.click("form[action$='/delete'] button.danger").await;
    b.wait_text("Bookmark deleted").await;
    b.wait_text("Cargo guide").await;
    assert!(!b.body_text().await.contains("The Rust book"));
    b.close().await;
}

/// A member (the default role, not a manager) keeps a library of their own with the bookmark
/// form: a first bookmark gets two new tags by typing them, a second one takes an existing tag
/// from the suggestions, a folder from the picker and their team by typing its name (a team
/// they are not in is never suggested, and a name that is no one is an error that saves
/// nothing). They edit and delete; a teammate it is shared with reads it but gets no edit form.
#[tokio::test]
async fn a_member_keeps_their_own_library_and_shares_it_with_their_team() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let carol = app.add_user("carol@example.com").await;
    let platform = api_post(
        &app,
        &ada,
        "/api/admin/teams",
        json!({"name": "Platform", "user_ids": [bob.id, carol.id]}),
    )
    .await;
    api_post(
        &app,
        &ada,
        "/api/admin/teams",
        json!({"name": "Plans", "user_ids": [ada.id]}),
    )
    .await;

    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/folders").await;
    b.fill("input[name=name]", "Runbooks").await;
    b.click("form[method=post][action='/folders'] button").await;
    b.wait_text("Folder added").await;

    // The first bookmark: no tags yet, two typed.
    b.goto("/").await;
    b.click_text("New bookmark").await;
    b.wait_page("/bookmarks/new").await;
    assert!(
        !b.exists("input[type=checkbox][name=tag_ids], input[name=team_ids]")
            .await
    );
    b.check_page("lib-new-member").await;
    b.fill("input[name=title]", "Pager runbook").await;
    b.fill("input[name=url]", "https://runbooks.example/pager")
        .await;
    b.fill("#f-tags", "oncall, Incidents").await;
    b.click("form[action='/bookmarks/new'] button[type=submit]")
        .await;
    b.wait_text("Bookmark saved").await;
    b.wait_text("#oncall").await;
    b.wait_text("#Incidents").await;

    // The second: an existing tag suggested, a folder picked, the team typed.
    b.goto("/bookmarks/new").await;
    b.fill("input[name=title]", "Status page").await;
    b.fill("input[name=url]", "https://status.example/").await;
    assert_eq!(
        take_suggestion(&b, "#f-tags", "onc", "oncall").await,
        "oncall, "
    );
    b.find("#f-tags").await.send_keys("status").await.unwrap();
    pick_folder(&b, "run", "Runbooks").await;
    b.find("#f-share_with")
        .await
        .send_keys("Pla")
        .await
        .unwrap();
    wait_option(&b, "#f-share_with", "Platform").await;
    let offered = b.text("#f-share_with-list").await;
    assert!(
        !offered.contains("Plans"),
        "a team Bob is not in: {offered}"
    );
    b.check_page("lib-new-suggestions").await;
    let keys = format!("{}{}", char::from(Key::Down), char::from(Key::Enter));
    b.find("#f-share_with")
        .await
        .send_keys(&keys)
        .await
        .unwrap();
    assert_eq!(value(&b, "#f-share_with").await, "Platform, ");

    // A name that is no one: an error, the form as typed, nothing saved.
    b.find("#f-share_with")
        .await
        .send_keys("Nobody Here")
        .await
        .unwrap();
    b.click("form[action='/bookmarks/new'] button[type=submit]")
        .await;
    let alert = b.text("[role=alert]").await;
    assert!(alert.contains("“Nobody Here”"), "{alert}");
    assert_eq!(value(&b, "#f-share_with").await, "Platform, Nobody Here");
    assert_eq!(value(&b, "#f-tags").await, "oncall, status");
    assert!(
        b.exists("#f-folders-chosen input[name=folder_ids]:checked")
            .await
    );
    b.check_page("lib-new-unknown-share").await;
    let list = expect(
        app.get("/api/bookmarks", Some(&bob.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 1);

    b.fill("#f-share_with", "Platform").await;
    b.click("form[action='/bookmarks/new'] button[type=submit]")
        .await;
    b.wait_text("Bookmark saved").await;
    b.wait_text("Status page").await;
    b.wait_text("Runbooks").await;

    b.click_text("Edit Status page").await;
    let edit = b.wait_path(|p| p.contains("/edit?return_to=")).await;
    let id = edit
        .trim_start_matches("/bookmarks/")
        .split("/edit")
        .next()
        .unwrap()
        .to_string();
    assert_eq!(value(&b, "#f-share_with").await, "Platform");
    let tags = value(&b, "#f-tags").await;
    assert!(tags.contains("oncall") && tags.contains("status"), "{tags}");
    assert!(b.text("#f-folders-chosen").await.contains("Runbooks"));
    b.check_page("lib-edit-member").await;
    b.fill("input[name=title]", "Status handbook").await;
    b.click("form[action$='/edit'] button[type=submit]").await;
    b.wait_text("Changes saved").await;
    b.wait_text("Status handbook").await;
    let api = expect(
        app.get(&format!("/api/bookmarks/{id}"), Some(&bob.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        api["shared_teams"],
        json!([{"id": platform, "name": "Platform"}])
    );
    assert_eq!(api["folders"][0]["name"], "Runbooks");

    // The first one shared with the team in bulk, as before.
    let list = expect(
        app.get("/api/bookmarks?q=pager", Some(&bob.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let first = list["items"][0]["id"].as_str().unwrap().to_string();
    pick_to_share(&b, &first).await;
    share_picked(&b, "Platform").await;

    b.goto("/bookmarks").await;
    b.click_text("Delete Status handbook").await;
    b.wait_path(|p| p.ends_with("/delete")).await;
    b.click("form[action$='/delete'] button.danger").await;
    b.wait_text("Bookmark deleted").await;
    b.wait_text("Pager runbook").await;
    assert!(!b.body_text().await.contains("Status handbook"));
    b.close().await;

    // Carol, in the team, reads what was shared, opens its page, and may not edit it. (One
    // browser at a time: two tests that each wait for a second one would wait for each other.)
    let c = Browser::open(&app.base).await;
    c.sign_in("carol@example.com", PASSWORD).await;
    c.goto("/bookmarks?scope=shared_with_me").await;
    c.wait_text("Pager runbook").await;
    c.goto(&format!("/bookmarks/{first}")).await;
    c.wait_text("Pager runbook").await;
    assert!(
        !c.exists(&format!("a[href='/bookmarks/{first}/edit']"))
            .await
    );
    c.goto(&format!("/bookmarks/{first}/edit")).await;
    c.wait_text("You don't have permission to do that.").await;
    c.close().await;
}

/// With JavaScript off the form works as plain fields: tags and whom to share with typed with
/// commas, the folder chosen from the list of paths.
#[tokio::test]
async fn a_member_saves_the_form_without_javascript() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    api_post(
        &app,
        &ada,
        "/api/admin/teams",
        json!({"name": "Platform", "user_ids": [bob.id]}),
    )
    .await;
    let reading = api_post(&app, &bob, "/api/folders", json!({"name": "Reading"})).await;
    let ebooks = api_post(
        &app,
        &bob,
        "/api/folders",
        json!({"name": "Ebooks", "parent_id": reading}),
    )
    .await;
    api_post(&app, &bob, "/api/folders", json!({"name": "Work"})).await;

    let b = Browser::open_without_scripts(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/bookmarks/new").await;
    assert!(
        !b.exists("#f-folder-list").await,
        "no script made the folder field a combobox"
    );
    b.fill("input[name=title]", "The Rust book").await;
    b.fill("input[name=url]", "https://doc.rust-lang.org/book/")
        .await;
    b.fill("#f-tags", "rust, books").await;
    // A folder is typed by its path; a name two folders share would be refused.
    b.fill("#f-folder", "reading > ebooks").await;
    b.fill("#f-share_with", "Platform, ada@example.com").await;
    // axe-core needs scripts (the page with them is checked above); here the looks and the width.
    b.screenshot("lib-new-no-js-1280").await;
    b.set_size(crate::browser::PHONE).await;
    assert_eq!(b.overflow_px().await, 0, "wider than a phone");
    b.screenshot("lib-new-no-js-375").await;
    b.set_size(crate::browser::DESKTOP).await;
    b.click("form[action='/bookmarks/new'] button[type=submit]")
        .await;
    b.wait_text("Bookmark saved").await;
    b.close().await;

    let list = expect(
        app.get("/api/bookmarks", Some(&bob.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let saved = &list["items"][0];
    assert_eq!(saved["folders"][0]["id"], ebooks.as_str());
    assert_eq!(saved["tags"].as_array().unwrap().len(), 2);
    assert_eq!(saved["shared_teams"][0]["name"], "Platform");
    assert_eq!(saved["shared_users"][0]["email"], "ada@example.com");
}

/// The form stays small for a library of 1,000 folders and 2,000 tags: no checkbox per folder or
/// tag (the page is well under 200 KB), suggestions come from the server a few at a time, and the
/// folder picker finds one folder among the thousand.
#[tokio::test]
async fn the_form_stays_small_for_a_large_library() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    for (table, n, name) in [("folders", 1000, "'Folder '"), ("tags", 2000, "'tag-'")] {
        let extra = if table == "folders" {
            ("icon, share_all_teams, updated_at, ", "NULL, FALSE, 0, ")
        } else {
            ("", "")
        };
        let sql = format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             INSERT INTO {table} (id, org_id, user_id, name, {}created_at) \
             SELECT '00000000-0000-4000-8{}00-' || (100000000000 + i), m.org_id, m.user_id, \
             {name} || (10000 + i), {}0 FROM n, org_members m WHERE m.user_id = $1",
            extra.0,
            if table == "folders" { 1 } else { 2 },
            extra.1,
        );
        app.exec(&sql, &[bob.id.as_str()]).await;
    }

    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/bookmarks/new").await;
    let html = b.c.source().await.unwrap();
    assert!(html.len() < 200 * 1024, "{} bytes", html.len());
    let boxes = b
        .js("return document.querySelectorAll('input[type=checkbox]').length")
        .await;
    assert!(boxes.as_u64().unwrap() <= 5, "{boxes} checkboxes");
    assert!(
        !html.contains("tag-10001"),
        "tags are not listed in the page"
    );

    let started = std::time::Instant::now();
    b.fill("#f-tags", "tag-1199").await;
    wait_option(&b, "#f-tags", "tag-11990").await;
    let shown = b
        .js("return document.querySelectorAll('#f-tags-list li').length")
        .await;
    assert!(shown.as_u64().unwrap() <= 10, "{shown} suggestions");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "suggestions took {:?}",
        started.elapsed()
    );
    // Saving names an existing tag only: this library is over the per-person limit for new ones.
    b.fill("#f-tags", "tag-11990").await;
    b.fill("#f-folder", "Folder 1051").await;
    wait_option(&b, "#f-folder", "Folder 10510").await;
    b.screenshot("lib-new-large-folder-picker").await;
    pick_folder(&b, "Folder 10999", "Folder 10999").await;
    b.check_page("lib-new-large").await;
    b.fill("input[name=title]", "Big library").await;
    b.fill("input[name=url]", "https://big.example/").await;
    b.click("form[action='/bookmarks/new'] button[type=submit]")
        .await;
    b.wait_text("Bookmark saved").await;
    b.wait_text("Folder 10999").await;
    b.close().await;
}

#[tokio::test]
async fn folders_tags_go_links_and_the_palette() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    for (slug, path) in [("version", "/api/version"), ("health", "/api/health")] {
        api_post(
            &app,
            &ada,
            "/api/bookmarks",
            json!({"title": format!("Server {slug}"), "url": app.url(path), "slug": slug, "forwarding_enabled": true, "pinned": true}),
        )
        .await;
    }
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.wait_text("Server version").await;
    b.check_page("lib-dashboard").await;

    b.goto("/folders").await;
    b.fill("input[name=name]", "Reading").await;
    b.click("form[method=post][action='/folders'] button").await;
    b.wait_text("Folder added").await;
    b.fill("input[name=name]", "reading").await;
    b.click("form[method=post][action='/folders'] button").await;
    b.wait_text("already exists").await;
    b.check_page("lib-folders").await;
    b.goto("/tags").await;
    b.fill("input[name=name]", "infra").await;
    b.click("form[method=post][action='/tags'] button").await;
    b.wait_text("Tag added").await;
    b.check_page("lib-tags").await;
    b.click_text("Delete infra").await;
    b.wait_text("Tag deleted").await;

    b.goto("/go-preferences").await;
    b.check_page("lib-go-preferences").await;
    b.goto("/search-engine").await;
    let template = b
        .find("#f-template")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(template, format!("{}/go/%s", app.state.config.base_url()));
    b.check_page("lib-search-engine").await;

    // The palette: open from the header, type "go ver", Enter opens the go-link.
    b.goto("/bookmarks").await;
    b.click("[data-palette-open]").await;
    b.fill("#palette-input", "go ver").await;
    b.c.wait()
        .for_element(fantoccini::Locator::XPath(
            // The answer for "go ver", not the most used ones listed on opening.
            "//ul[@id='palette-results'][not(li[contains(., 'go/health')])]\
             /li[@role='option'][contains(., 'go/version')]",
        ))
        .await
        .unwrap();
    let shown = b.text("#palette-results").await;
    assert!(
        shown.contains("go/version") && !shown.contains("go/health"),
        "{shown}"
    );
    b.find("#palette-input")
        .await
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .unwrap();
    assert_eq!(b.wait_page("/api/version").await, "/api/version");

    // Ctrl+K opens it from anywhere, and it finds pages and folders too.
    b.goto("/tags").await;
    b.find("body")
        .await
        .send_keys(&format!("{}k", char::from(Key::Control)))
        .await
        .unwrap();
    b.fill("#palette-input", "Readi").await;
    b.c.wait()
        .for_element(fantoccini::Locator::XPath(
            "//li[@role='option'][contains(., 'Reading')]",
        ))
        .await
        .unwrap();
    b.check_page("lib-palette").await;
    b.close().await;
}

#[tokio::test]
async fn pages_keep_organizations_apart_and_refuse_bad_forms() {
    let app = spawn_app(Mode::Cloud).await;
    let ada = app.signup("ada@example.com", "Ada").await;
    let eve = app.signup("eve@example.com", "Eve").await;
    let secret = api_post(
        &app,
        &ada,
        "/api/bookmarks",
        json!({"title": "Ada's secret plan", "url": "https://secret.example", "slug": "plan"}),
    )
    .await;
    let client = no_redirects();
    let page = client
        .get(app.url("/no-such-page"))
        .header("cookie", format!("token={}", eve.jwt))
        .send()
        .await
        .unwrap();
    let csrf = cookie(&page, "csrf_token").unwrap();
    let eve_cookies = format!("token={}; csrf_token={csrf}", eve.jwt);
    let get = |path: String| {
        client
            .get(app.url(&path))
            .header("cookie", &eve_cookies)
            .send()
    };

    for path in [
        format!("/bookmarks/{secret}/edit"),
        format!("/bookmarks/{secret}/delete"),
        "/bookmarks/not-a-uuid/edit".to_string(),
    ] {
        let res = get(path.clone()).await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        "/bookmarks",
        "/bookmarks?q=secret",
        "/",
        "/palette?q=plan",
        "/palette?q=go%20pl",
    ] {
        let text = get(path.to_string()).await.unwrap().text().await.unwrap();
        assert!(
            !text.contains("secret plan"),
            "{path} shows another organization's bookmark"
        );
    }
    let res = client
        .post(app.url(&format!("/bookmarks/{secret}/delete")))
        .header("cookie", &eve_cookies)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/bookmarks/{secret}"), Some(&ada.jwt))
            .await
            .status(),
        StatusCode::OK
    );

    // Forms need their token; bad input is a 4xx page that changes nothing.
    let create = |token: &str, url: &str| {
        client
            .post(app.url("/bookmarks/new"))
            .header("cookie", &eve_cookies)
            .form(&[("csrf_token", token), ("title", "T"), ("url", url)])
            .send()
    };
    assert_eq!(
        create("", "https://a.example").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    for bad in ["", "javascript:alert(1)", "nope"] {
        let res = create(&csrf, bad).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad:?}");
        assert!(res.text().await.unwrap().contains("role=\"alert\""));
    }
    let list = expect(
        app.get("/api/bookmarks", Some(&eve.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
    for bad in [
        "/bookmarks?scope=bogus",
        "/bookmarks?offset=-1",
        "/bookmarks?folder_id=x",
    ] {
        assert_eq!(
            get(bad.to_string()).await.unwrap().status(),
            StatusCode::BAD_REQUEST,
            "{bad}"
        );
    }
    let res = create(&csrf, "https://ok.example").await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Bulk delete asks first, then deletes only what was confirmed.
    let list = expect(
        app.get("/api/bookmarks", Some(&eve.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let id = list["items"][0]["id"].as_str().unwrap().to_string();
    let bulk = |extra: &[(&str, &str)]| {
        let mut form = vec![
            ("csrf_token", csrf.as_str()),
            ("action", "delete"),
            ("ids", id.as_str()),
        ];
        form.extend_from_slice(extra);
        client
            .post(app.url("/bookmarks/bulk"))
            .header("cookie", &eve_cookies)
            .form(&form)
            .send()
    };
    // An id from another organization stops the whole action: nothing is deleted.
    let res = client
        .post(app.url("/bookmarks/bulk"))
        .header("cookie", &eve_cookies)
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("action", "delete"),
            ("confirm", "yes"),
            ("ids", id.as_str()),
            ("ids", secret.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    for (who, path) in [
        (&eve, format!("/api/bookmarks/{id}")),
        (&ada, format!("/api/bookmarks/{secret}")),
    ] {
        assert_eq!(
            app.get(&path, Some(&who.jwt)).await.status(),
            StatusCode::OK
        );
    }
    let res = bulk(&[]).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("name=\"confirm\""));
    assert_eq!(
        expect(
            app.get("/api/bookmarks", Some(&eve.jwt)).await,
            StatusCode::OK
        )
        .await["total"],
        1
    );
    assert_eq!(
        bulk(&[("confirm", "yes")]).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        expect(
            app.get("/api/bookmarks", Some(&eve.jwt)).await,
            StatusCode::OK
        )
        .await["total"],
        0
    );

    // Signed out, a page asks to sign in and comes back.
    let res = client.get(app.url("/bookmarks?q=x")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        res.headers()["location"],
        "/api/auth/resume?redirect=%2Fbookmarks%3Fq%3Dx"
    );

    let xml = client.get(app.url("/opensearch.xml")).send().await.unwrap();
    assert!(xml.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/opensearchdescription+xml"));
    assert!(xml.text().await.unwrap().contains("/go/{searchTerms}"));
}

/// A link the checker found broken carries a badge, and the list filters by what checks found.
#[tokio::test]
async fn a_broken_link_is_marked_and_can_be_filtered_for() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let site = axum::Router::new().route(
        "/ok",
        axum::routing::get(|| async { StatusCode::OK.as_u16().to_string() }),
    );
    tokio::spawn(async move { axum::serve(listener, site).await.unwrap() });
    let app = crate::helpers::spawn_with(Mode::Selfhosted, |c| {
        c.link_check_allow_private = true;
        c.link_check_concurrency = 0;
        c.link_check_timeout_secs = 1;
    })
    .await;
    let ada = app.setup_admin("ada@example.com").await;
    for (title, path) in [("Fine page", "/ok"), ("Dead page", "/missing")] {
        let url = format!("http://127.0.0.1:{port}{path}");
        let id = api_post(
            &app,
            &ada,
            "/api/bookmarks",
            json!({"title": title, "url": url}),
        )
        .await;
        api_post(&app, &ada, &format!("/api/bookmarks/{id}/check"), json!({})).await;
    }
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.goto("/bookmarks").await;
    b.wait_text("Dead page").await;
    let badge = b.find(".link-health").await;
    assert_eq!(badge.text().await.unwrap(), "Broken");
    b.check_page("lib-link-badge").await;
    b.goto("/bookmarks?link_status=broken").await;
    b.wait_text("Dead page").await;
    b.check_page("lib-link-filter").await;
    let listed = b.find("main").await.text().await.unwrap();
    assert!(!listed.contains("Fine page"), "{listed}");
}

/// A link's page: its visits drawn as a chart, its last check, its history with "restore" for
/// the owner; `/go/<slug>+` shows the same page, and the dashboard charts the most used links.
#[tokio::test]
async fn a_links_page_charts_visits_and_restores_an_old_value() {
    let app = crate::helpers::spawn_with(Mode::Selfhosted, |c| c.link_check_concurrency = 0).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let body = json!({"title": "Team wiki", "url": "https://wiki.example.com/start", "slug": "wiki",
        "forwarding_enabled": true, "user_ids": [bob.id]});
    let id = api_post(&app, &ada, "/api/bookmarks", body).await;
    let res = app
        .put(
            &format!("/api/bookmarks/{id}"),
            Some(&ada.jwt),
            json!({"url": "https://wrong.example.com/"}),
        )
        .await;
    expect(res, StatusCode::OK).await;
    for _ in 0..3 {
        let res = no_redirects()
            .get(app.url("/go/wiki"))
            .bearer_auth(&ada.jwt)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FOUND);
    }

    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    // The dashboard's most used links carry their chart once the visits are written.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        b.goto("/").await;
        if b.exists(".chart svg rect").await {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no chart on the dashboard"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(b
        .text(".chart figcaption")
        .await
        .starts_with("3 visits in the last 90 days"));
    b.check_page("lib-dashboard-charts").await;

    b.click_text("Details Team wiki").await;
    b.wait_path(|p| p == format!("/bookmarks/{id}")).await;
    b.wait_text("Visits per day, last 90 days").await;
    b.wait_text("3 in all").await;
    b.wait_text("Not checked yet").await;
    let history = b.text("table").await;
    assert!(
        history.contains("https://wiki.example.com/start")
            && history.contains("https://wrong.example.com/"),
        "{history}"
    );
    b.check_page("lib-link-page").await;

    b.click("form[action$='/restore'] button[type=submit]")
        .await;
    b.wait_text("The old value is back.").await;
    let facts = b.text("dl.facts").await;
    assert!(facts.contains("https://wiki.example.com/start"), "{facts}");
    assert_eq!(
        b.find("table")
            .await
            .find_all(fantoccini::Locator::Css("tbody tr"))
            .await
            .unwrap()
            .len(),
        2
    );

    b.goto("/go/wiki+").await;
    b.wait_text("go/wiki").await;
    b.wait_text("Visits per day, last 90 days").await;
    b.check_page("lib-go-plus").await;
    b.close().await;

    // Bob, whom it is shared with, reads the page but gets no restore button.
    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto(&format!("/bookmarks/{id}")).await;
    b.wait_text("History").await;
    assert!(!b.exists("form[action$='/restore']").await);
    b.close().await;
}
