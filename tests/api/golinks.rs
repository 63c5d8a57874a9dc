//! `/go/<slug>`: redirects for the owner and for the people it is shared with, the chooser,
//! preferences, extra path, and the pages shown instead.

use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, Person, TestApp};
use crate::library::{bookmark, folder, get_ok, id, office, team, titles};
use crate::tenancy::two_tenants;

fn no_redirects() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn go(app: &TestApp, who: Option<&Person>, path: &str) -> reqwest::Response {
    let mut req = no_redirects().get(app.url(path));
    if let Some(p) = who {
        req = req.bearer_auth(&p.jwt);
    }
    req.send().await.unwrap()
}

fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .expect("a Location header")
        .to_str()
        .unwrap()
        .to_string()
}

async fn link(
    app: &TestApp,
    who: &Person,
    slug: &str,
    url: &str,
    extra: serde_json::Value,
) -> String {
    let mut body = json!({"title": format!("{slug} by {}", who.email), "url": url, "slug": slug, "forwarding_enabled": true});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    id(&bookmark(app, who, body).await)
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_login_with_the_way_back() {
    let o = office().await;
    let res = go(&o.app, None, "/go/docs/api?v=2").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), "/login?redirect=%2Fgo%2Fdocs%2Fapi%3Fv%3D2");
}

#[tokio::test]
async fn the_owner_is_redirected_by_any_credential_and_case() {
    let o = office().await;
    let app = &o.app;
    link(
        app,
        &o.alice,
        "Docs",
        "https://docs.example.com/start",
        json!({}),
    )
    .await;
    for path in ["/go/docs", "/go/DOCS", "/go/Docs"] {
        let res = go(app, Some(&o.alice), path).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{path}");
        assert_eq!(location(&res), "https://docs.example.com/start");
    }
    let res = no_redirects()
        .get(app.url("/go/docs"))
        .header("cookie", format!("token={}", o.alice.jwt))
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&res),
        "https://docs.example.com/start",
        "the cookie works too"
    );
    let token = expect(
        app.post("/api/tokens", Some(&o.alice.jwt), json!({"name": "cli"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    let res = no_redirects()
        .get(app.url("/go/docs"))
        .bearer_auth(token["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&res),
        "https://docs.example.com/start",
        "and an sb_ token"
    );
    let res = no_redirects()
        .get(app.url("/go/docs"))
        .bearer_auth("sb_revoked")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "a bad Bearer token is refused, not anonymous"
    );
}

#[tokio::test]
async fn extra_path_and_query_are_appended_to_the_target() {
    let o = office().await;
    link(&o.app, &o.alice, "gh", "https://github.com/acme", json!({})).await;
    let res = go(&o.app, Some(&o.alice), "/go/gh/slugbase/issues?q=is%3Aopen").await;
    assert_eq!(
        location(&res),
        "https://github.com/acme/slugbase/issues?q=is%3Aopen"
    );
    let res = go(&o.app, Some(&o.alice), "/go/gh?tab=repositories").await;
    assert_eq!(location(&res), "https://github.com/acme?tab=repositories");
}

/// Opens `path` as `who`, `times` times, each time redirected.
async fn visit(app: &TestApp, who: &Person, path: &str, times: usize) {
    for _ in 0..times {
        assert_eq!(go(app, Some(who), path).await.status(), StatusCode::FOUND);
    }
}

/// The bookmark once the background job has written `count` visits of it (within a few seconds).
async fn once_counted(app: &TestApp, who: &Person, id: &str, count: i64) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let got = get_ok(app, who, &format!("/api/bookmarks/{id}")).await;
        if got["access_count"] == count {
            return got;
        }
        assert!(
            Instant::now() < deadline,
            "access_count is {} after 5 s, not {count}",
            got["access_count"]
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn visits_are_written_by_the_running_server_and_order_most_used() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let docs = link(app, alice, "docs", "https://docs.example.com", json!({})).await;
    // Newer, so first on every other sort; opened once.
    link(app, alice, "wiki", "https://wiki.example.com", json!({})).await;
    visit(app, alice, "/go/wiki", 1).await;
    visit(app, alice, "/go/docs", 3).await;

    let got = once_counted(app, alice, &docs, 3).await;
    assert!(got["last_accessed_at"].is_string(), "{got}");
    let used = get_ok(app, alice, "/api/bookmarks?sort_by=most_used").await;
    assert_eq!(
        titles(&used)[..2],
        ["docs by alice@example.com", "wiki by alice@example.com"]
    );
    assert_eq!(used["items"][1]["access_count"], 1);
    let recent = get_ok(app, alice, "/api/bookmarks?sort_by=recently_accessed").await;
    assert_eq!(titles(&recent)[0], "docs by alice@example.com");
}

#[tokio::test]
async fn visits_made_right_before_a_shutdown_are_written_before_the_database_closes() {
    let mut o = office().await;
    let docs = link(
        &o.app,
        &o.alice,
        "docs",
        "https://docs.example.com",
        json!({}),
    )
    .await;
    visit(&o.app, &o.alice, "/go/docs", 3).await;
    // At once, without waiting for the job's next round.
    o.app.shut_down().await;

    let again = o.app.reopen().await;
    let got = get_ok(&again, &o.alice, &format!("/api/bookmarks/{docs}")).await;
    assert_eq!(got["access_count"], 3, "{got}");
    assert!(got["last_accessed_at"].is_string(), "{got}");
}

#[tokio::test]
async fn unknown_disabled_and_hostile_slugs_get_an_escaped_404_page() {
    let o = office().await;
    let app = &o.app;
    id(&bookmark(app, &o.alice, json!({"title": "off", "url": "https://off.example.com", "slug": "off", "forwarding_enabled": false})).await);
    for path in [
        "/go/nothing-here",
        "/go/off",
        "/go/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let res = go(app, Some(&o.alice), path).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = res.text().await.unwrap();
        assert!(!html.contains("<script>"), "{html}");
    }
    let html = go(
        app,
        Some(&o.alice),
        "/go/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    )
    .await
    .text()
    .await
    .unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[tokio::test]
async fn links_shared_through_a_team_or_a_folder_resolve_for_its_members() {
    let o = office().await;
    let app = &o.app;
    let eng = team(app, &o.alice, "Engineering", &[&o.bob]).await;
    link(
        app,
        &o.alice,
        "wiki",
        "https://wiki.example.com",
        json!({"team_ids": [eng]}),
    )
    .await;
    let res = go(app, Some(&o.bob), "/go/wiki").await;
    assert_eq!(
        (res.status(), location(&res)),
        (StatusCode::FOUND, "https://wiki.example.com".to_string())
    );
    assert_eq!(
        go(app, Some(&o.carol), "/go/wiki").await.status(),
        StatusCode::NOT_FOUND,
        "Carol is not in the team"
    );

    let shelf = folder(
        app,
        &o.alice,
        json!({"name": "Shared shelf", "user_ids": [o.carol.id]}),
    )
    .await;
    link(
        app,
        &o.alice,
        "roadmap",
        "https://roadmap.example.com",
        json!({"folder_ids": [shelf]}),
    )
    .await;
    let res = go(app, Some(&o.carol), "/go/roadmap").await;
    assert_eq!(location(&res), "https://roadmap.example.com");

    // Unsharing takes effect at once, cache or not.
    let b = link(
        app,
        &o.alice,
        "temp",
        "https://temp.example.com",
        json!({"user_ids": [o.bob.id]}),
    )
    .await;
    assert_eq!(
        go(app, Some(&o.bob), "/go/temp").await.status(),
        StatusCode::FOUND
    );
    let res = app
        .req(
            Method::PUT,
            &format!("/api/bookmarks/{b}"),
            Some(&o.alice.jwt),
        )
        .json(&json!({"user_ids": []}))
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::OK).await;
    assert_eq!(
        go(app, Some(&o.bob), "/go/temp").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn ones_own_link_wins_and_several_shared_ones_offer_a_choice_that_can_be_remembered() {
    let o = office().await;
    let app = &o.app;
    let a = link(
        app,
        &o.alice,
        "wiki",
        "https://alice.example.com/wiki",
        json!({"user_ids": [o.bob.id]}),
    )
    .await;
    let c = link(
        app,
        &o.carol,
        "wiki",
        "https://carol.example.com/wiki",
        json!({"user_ids": [o.bob.id]}),
    )
    .await;

    let res = go(app, Some(&o.bob), "/go/wiki").await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("alice.example.com") && html.contains("carol.example.com"));
    assert!(html.contains(&format!("/go/wiki/remember/{c}")) && html.contains("Always use this"));

    // Following the link only shows the choice again; nothing is saved by a GET.
    let res = go(app, Some(&o.bob), &format!("/go/wiki/remember/{c}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("method=\"post\"") && html.contains("carol.example.com"));
    assert_eq!(
        go(app, Some(&o.bob), "/go/wiki").await.status(),
        StatusCode::OK
    );

    // The form saves it: a POST from the browser's session with the page's CSRF token.
    let page = no_redirects()
        .get(app.url("/no-such-page"))
        .header("cookie", format!("token={}", o.bob.jwt))
        .send()
        .await
        .unwrap();
    let csrf = crate::helpers::cookie(&page, "csrf_token").unwrap();
    let remember = |token: String| {
        no_redirects()
            .post(app.url(&format!("/go/wiki/remember/{c}")))
            .header("cookie", format!("token={}; csrf_token={csrf}", o.bob.jwt))
            .form(&[("csrf_token", token)])
            .send()
    };
    assert_eq!(
        remember("forged".into()).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        go(app, Some(&o.bob), "/go/wiki").await.status(),
        StatusCode::OK
    );
    let res = remember(csrf.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "https://carol.example.com/wiki");
    assert_eq!(
        location(&go(app, Some(&o.bob), "/go/WIKI").await),
        "https://carol.example.com/wiki"
    );
    let prefs = expect(
        app.get("/api/go/preferences", Some(&o.bob.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(prefs.as_array().unwrap().len(), 1);
    assert_eq!(
        (prefs[0]["slug"].as_str(), prefs[0]["bookmark_id"].as_str()),
        (Some("wiki"), Some(c.as_str()))
    );
    assert!(
        prefs[0]["workspace"].is_string() && prefs[0]["url"] == "https://carol.example.com/wiki"
    );

    // Through the API instead, then forgotten.
    let saved = app
        .post(
            "/api/go/preferences",
            Some(&o.bob.jwt),
            json!({"slug": "Wiki", "bookmark_id": a}),
        )
        .await;
    expect(saved, StatusCode::CREATED).await;
    assert_eq!(
        location(&go(app, Some(&o.bob), "/go/wiki").await),
        "https://alice.example.com/wiki"
    );
    expect(
        app.delete("/api/go/preferences/wiki", Some(&o.bob.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        go(app, Some(&o.bob), "/go/wiki").await.status(),
        StatusCode::OK,
        "the choice again"
    );
    expect(
        app.delete("/api/go/preferences/wiki", Some(&o.bob.jwt))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // Bob's own link beats everything shared with him.
    link(
        app,
        &o.bob,
        "WIKI",
        "https://bob.example.com/wiki",
        json!({}),
    )
    .await;
    assert_eq!(
        location(&go(app, Some(&o.bob), "/go/wiki").await),
        "https://bob.example.com/wiki"
    );
}

#[tokio::test]
async fn preferences_only_name_bookmarks_one_can_open_by_that_slug() {
    let o = office().await;
    let app = &o.app;
    let private = link(
        app,
        &o.alice,
        "secret",
        "https://secret.example.com",
        json!({}),
    )
    .await;
    let res = go(app, Some(&o.bob), &format!("/go/secret/remember/{private}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .post(
            "/api/go/preferences",
            Some(&o.bob.jwt),
            json!({"slug": "secret", "bookmark_id": private}),
        )
        .await;
    expect(res, StatusCode::NOT_FOUND).await;
    let res = app
        .post(
            "/api/go/preferences",
            Some(&o.bob.jwt),
            json!({"slug": "not a slug!", "bookmark_id": private}),
        )
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    let res = app
        .post(
            "/api/go/preferences",
            Some(&o.alice.jwt),
            json!({"slug": "other", "bookmark_id": private}),
        )
        .await;
    expect(res, StatusCode::NOT_FOUND).await;
    expect(
        app.get("/api/go/preferences", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn another_organizations_go_links_do_not_resolve() {
    let t = two_tenants(Mode::Cloud).await;
    let app = &t.app;
    let b = link(
        app,
        &t.alice,
        "docs",
        "https://a.example.com/docs",
        json!({}),
    )
    .await;
    assert_eq!(
        go(app, Some(&t.bob), "/go/docs").await.status(),
        StatusCode::NOT_FOUND
    );
    let res = no_redirects()
        .get(app.url("/go/docs"))
        .bearer_auth(&t.bob.jwt)
        .header("x-organization-id", &t.org_a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        go(app, Some(&t.bob), &format!("/go/docs/remember/{b}"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let res = app
        .post(
            "/api/go/preferences",
            Some(&t.bob.jwt),
            json!({"slug": "docs", "bookmark_id": b}),
        )
        .await;
    expect(res, StatusCode::NOT_FOUND).await;
    // Alice herself, in her own organization, is redirected.
    assert_eq!(
        location(&go(app, Some(&t.alice), "/go/docs").await),
        "https://a.example.com/docs"
    );
}
