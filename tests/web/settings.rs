//! Settings in a browser: profile (language, theme), password, MFA, API tokens, import/export.

use reqwest::StatusCode;
use slugbase::config::Mode;

use crate::browser::Browser;
use crate::helpers::{expect, spawn_app, spawn_with, Authenticator, PASSWORD};

#[tokio::test]
async fn language_and_theme_follow_the_profile() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.goto("/settings").await;
    b.check_page("set-profile").await;
    b.find("#f-language option[value=de]")
        .await
        .click()
        .await
        .unwrap();
    b.click("#theme-dark").await;
    b.click("form[action='/settings'] button[type=submit]")
        .await;
    b.wait_text("Profil gespeichert").await;
    assert_eq!(b.js("return document.documentElement.lang").await, "de");
    assert_eq!(
        b.js("return document.documentElement.dataset.theme").await,
        "dark"
    );
    b.goto("/bookmarks").await;
    b.wait_text("Lesezeichen").await;
    b.check_page("set-german-bookmarks").await;

    // A bad name is refused in the page's language and nothing changes.
    let jwt =
        b.c.get_named_cookie("token")
            .await
            .unwrap()
            .value()
            .to_string();
    let csrf =
        b.c.get_named_cookie("csrf_token")
            .await
            .unwrap()
            .value()
            .to_string();
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/settings"))
        .header("cookie", format!("token={jwt}; csrf_token={csrf}"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", ""),
            ("email", "ada@example.com"),
            ("language", "de"),
            ("theme", "dark"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let html = res.text().await.unwrap();
    assert!(html.contains("role=\"alert\"") && html.contains("<html lang=\"de\""));
    let me = app.get("/api/auth/me", Some(&jwt)).await;
    assert_eq!(
        me.json::<serde_json::Value>().await.unwrap()["name"],
        "Admin"
    );
    b.close().await;
}

#[tokio::test]
async fn mfa_is_set_up_with_the_qr_page_and_then_asked_for_at_sign_in() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.goto("/settings/security").await;
    b.check_page("set-security").await;
    b.click_text("Set up two-step sign-in").await;
    let secret = b.text("#mfa-secret").await;
    assert!(
        b.exists("figure.qr svg").await,
        "the QR code is drawn on the page"
    );
    b.check_page("set-mfa-enrol").await;
    let mut phone = Authenticator::new(&secret);
    b.fill("input[name=code]", "123").await;
    b.click("form[action='/settings/mfa/confirm'] button").await;
    b.find("[role=alert]").await;
    b.fill("input[name=code]", &phone.code()).await;
    b.click("form[action='/settings/mfa/confirm'] button").await;
    b.wait_text("Your backup codes").await;
    let codes =
        b.c.find_all(fantoccini::Locator::Css("#backup-codes li"))
            .await
            .unwrap();
    assert_eq!(codes.len(), 10);
    let backup = codes[0].text().await.unwrap();
    b.check_page("set-mfa-codes").await;
    b.goto("/settings/security").await;
    b.wait_text("Two-step sign-in is on. 10 backup codes are left.")
        .await;
    assert!(
        !b.body_text().await.contains(&backup),
        "backup codes are shown once"
    );

    b.click_text("Sign out").await;
    b.wait_path(|p| p.starts_with("/login")).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    assert!(b
        .wait_path(|p| p.starts_with("/mfa"))
        .await
        .starts_with("/mfa"));
    b.fill("input[name=code]", &backup).await;
    b.click("form[action='/mfa'] button").await;
    b.wait_page("/").await;
    b.goto("/settings/security").await;
    b.wait_text("9 backup codes").await;

    // Turning it off asks for the password as well as a code.
    b.fill("#f-password-disable", "not-the-password").await;
    b.fill("#f-code-disable", &phone.code()).await;
    b.click("form[action='/settings/mfa/disable'] button").await;
    b.wait_text("Invalid password").await;
    b.wait_text("9 backup codes").await;
    b.fill("#f-password-disable", PASSWORD).await;
    b.fill("#f-code-disable", &phone.code()).await;
    b.click("form[action='/settings/mfa/disable'] button").await;
    b.wait_text("Two-step sign-in is off.").await;
    b.close().await;
}

#[tokio::test]
async fn password_change_and_api_tokens() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let other_device = app.login_ok("ada@example.com").await;
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.goto("/settings/security").await;
    b.fill("input[name=current_password]", "wrong-one").await;
    b.fill("input[name=password]", "Brand-new-789").await;
    b.click("form[action='/settings/password'] button").await;
    b.wait_text("Current password is incorrect").await;
    b.fill("input[name=current_password]", PASSWORD).await;
    b.fill("input[name=password]", "Brand-new-789").await;
    b.click("form[action='/settings/password'] button").await;
    b.wait_text("Password changed").await;
    assert_eq!(
        app.login("ada@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get("/api/auth/me", Some(&other_device.jwt))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Still signed in here: tokens.
    b.goto("/settings/tokens").await;
    b.wait_text("You have no API tokens").await;
    b.check_page("set-tokens").await;
    b.fill("input[name=name]", "ci").await;
    b.click("form[action='/settings/tokens'] button").await;
    let token = b.text("#new-token").await;
    assert!(token.starts_with("sb_"), "{token}");
    b.check_page("set-token-created").await;
    assert_eq!(
        app.get("/api/auth/me", Some(&token)).await.status(),
        StatusCode::OK
    );
    b.goto("/settings/tokens").await;
    assert!(
        !b.body_text().await.contains(&token),
        "a token is shown once"
    );
    b.click_text("Revoke ci").await;
    b.wait_text("Token revoked").await;
    assert_eq!(
        app.get("/api/auth/me", Some(&token)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    b.close().await;
}

#[tokio::test]
async fn a_browser_bookmark_file_is_imported_and_exported_again() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bookmarks.html");
    std::fs::write(
        &file,
        r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3>Reading</H3>
    <DL><p>
        <DT><A HREF="https://doc.rust-lang.org/book/" ICON="data:image/png;base64,iVBORw0KGgo=">The Rust book</A>
        <DT><A HREF="https://example.com/" SHORTCUTURL="ex">Example</A>
        <DT><A HREF="javascript:void(0)">Not a link</A>
    </DL><p>
</DL><p>
"#,
    )
    .unwrap();
    let b = Browser::open(&app.base).await;
    b.sign_in("ada@example.com", PASSWORD).await;
    b.goto("/settings/data").await;
    b.check_page("set-data").await;
    b.find("input[type=file]")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    b.click("form[action='/settings/data/import'] button").await;
    b.wait_path(|p| p.starts_with("/settings/data/imports/"))
        .await;
    b.wait_text("Imported 2 bookmarks; 1 could not be added")
        .await;
    b.wait_text("Not a link").await;
    b.check_page("set-import-report").await;
    b.goto("/bookmarks?q=rust").await;
    b.wait_text("The Rust book").await;

    // The export downloads with this browser's session.
    let jwt =
        b.c.get_named_cookie("token")
            .await
            .unwrap()
            .value()
            .to_string();
    let res = app
        .client
        .get(app.url("/settings/data/export?format=html"))
        .header("cookie", format!("token={jwt}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("slugbase-bookmarks.html"));
    let html = res.text().await.unwrap();
    assert!(
        html.contains("The Rust book")
            && html.contains("Reading")
            && html.contains("SHORTCUTURL=\"ex\"")
    );
    let res = app
        .client
        .get(app.url("/settings/data/export?format=json"))
        .header("cookie", format!("token={jwt}"))
        .send()
        .await
        .unwrap();
    let list: serde_json::Value = res.json().await.unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        app.client
            .get(app.url("/settings/data/export?format=pdf"))
            .header("cookie", format!("token={jwt}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    b.close().await;
}

/// A browser's file of `n` bookmarks in folders three deep (`Work > Docs > Rust` among them).
fn nested_file(n: usize) -> String {
    let mut out = String::from(
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n",
    );
    for (top, inner, leaf) in [("Work", "Docs", "Rust"), ("Home", "Recipes", "Baking")] {
        out.push_str(&format!(
            "<DT><H3>{top}</H3>\n<DL><p>\n<DT><H3>{inner}</H3>\n<DL><p>\n<DT><H3>{leaf}</H3>\n<DL><p>\n"
        ));
        for i in 0..n / 2 {
            out.push_str(&format!(
                "<DT><A HREF=\"https://{leaf}{i}.example/\">{leaf} page {i}</A>\n"
            ));
        }
        out.push_str("</DL><p>\n</DL><p>\n</DL><p>\n");
    }
    out.push_str("</DL><p>\n");
    out
}

/// A member (not a manager) uploads a nested browser file: the page goes at once to the
/// import's progress page, which updates itself until the import is done, and the folders are
/// there, nested, afterwards.
#[tokio::test]
async fn a_member_imports_a_nested_file_and_watches_it_finish() {
    let app = spawn_with(Mode::Selfhosted, |c| c.import_batch_size = 100).await;
    app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bookmarks.html");
    std::fs::write(&file, nested_file(3_000)).unwrap();

    let b = Browser::open(&app.base).await;
    b.sign_in("bob@example.com", PASSWORD).await;
    b.goto("/settings/data").await;
    b.find("input[type=file]")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    b.click("form[action='/settings/data/import'] button").await;
    let page = b
        .wait_path(|p| p.starts_with("/settings/data/imports/"))
        .await;
    let first = b.body_text().await;
    assert!(
        first.contains("items read")
            || first.contains("Waiting to start")
            || first.contains("Imported 3000"),
        "{first}"
    );
    // The same page that does not update itself, which a person may ask for: while the import
    // still runs, it is checked as every page is.
    b.goto(&format!("{page}?auto=off")).await;
    if b.body_text().await.contains("items read") {
        b.check_page("set-import-running").await;
        b.click_text("Update automatically").await;
        b.wait_page(&page).await;
    } else {
        b.goto(&page).await;
    }
    b.wait_text("Imported 3000 bookmarks; 0 could not be added")
        .await;
    assert!(
        !b.body_text().await.contains("updates itself"),
        "a finished import stops updating"
    );
    b.check_page("set-import-done").await;

    // Stopping the updates works without JavaScript: a link to the same page.
    let job_id = page
        .trim_start_matches("/settings/data/imports/")
        .to_string();
    let res = app
        .client
        .get(app.url(&format!("/settings/data/imports/{job_id}")))
        .header("cookie", format!("token={}", bob.jwt))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get("refresh").is_none(), "done: no reloading");

    b.click_text("Your folders").await;
    b.wait_page("/folders").await;
    b.wait_text("Home").await;
    b.goto("/folders?q=rust").await;
    b.wait_text("Rust").await;
    b.goto("/folders?q=baking").await;
    b.wait_text("Baking").await;
    let folders = expect(
        app.get("/api/folders?scope=mine", Some(&bob.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let items = folders.as_array().unwrap();
    let named = |name: &str| items.iter().find(|f| f["name"] == name).unwrap().clone();
    assert_eq!(items.len(), 6);
    assert_eq!(named("Rust")["parent_id"], named("Docs")["id"]);
    assert_eq!(named("Docs")["parent_id"], named("Work")["id"]);
    assert_eq!(named("Work")["parent_id"], serde_json::Value::Null);
    assert_eq!(named("Rust")["bookmark_count"], 1_500);

    // The data page lists the import, with its file name.
    b.goto("/settings/data").await;
    b.wait_text("Your recent imports").await;
    b.wait_text("bookmarks.html").await;
    b.check_page("set-data-recent").await;

    // Nobody else sees the job's page.
    let res = app
        .client
        .get(app.url(&format!("/settings/data/imports/{job_id}")))
        .header(
            "cookie",
            format!("token={}", app.login_ok("ada@example.com").await.jwt),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    b.close().await;
}
