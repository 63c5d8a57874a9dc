//! The pages ask the database the same number of times whatever the size of the library, as
//! the owner and as a member (the `Server-Timing` header counts a request's SQL statements).
//! Their time is measured by `scripts/bench`, not here.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{spawn_with, Person, TestApp};
use crate::library::{bookmark, folder, id, tag, team};

/// The statements of `path` for a signed-in browser with its caches warm: the fewest of a few
/// requests, as a cache entry that expires (they live five seconds) costs one request more.
async fn statements(browser: &reqwest::Client, app: &TestApp, path: &str) -> u32 {
    let mut n = u32::MAX;
    for _ in 0..4 {
        let res = browser.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let timing = res.headers()["server-timing"].to_str().unwrap().to_string();
        let this = timing
            .split('"')
            .nth(1)
            .and_then(|d| d.split(' ').next())
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("{timing}"));
        n = n.min(this);
    }
    n
}

fn pages(own: &str) -> Vec<String> {
    [
        "/",
        "/bookmarks",
        "/bookmarks?view=table",
        "/bookmarks?q=essay",
        "/folders",
        "/tags",
        "/bookmarks/new",
        "/palette?q=essay",
        "/go-preferences",
    ]
    .into_iter()
    .map(str::to_string)
    .chain([
        format!("/bookmarks/{own}"),
        format!("/bookmarks/{own}/edit"),
    ])
    .collect()
}

/// Adds `n` bookmarks to `who`'s library, each in a nested folder with tags, some shared.
async fn grow(app: &TestApp, who: &Person, with: &Person, team_id: &str, n: usize) {
    let mut parent: Option<String> = None;
    for i in 0..n {
        let f = folder(
            app,
            who,
            json!({"name": format!("F{i}"), "parent_id": parent}),
        )
        .await;
        if i % 3 == 0 {
            parent = Some(f.clone());
        }
        let t = tag(app, who, &format!("t{i}")).await;
        bookmark(
            app,
            who,
            json!({"title": format!("Essay {i}"), "url": format!("https://e{i}.example"),
                   "slug": format!("essay-{i}"), "folder_ids": [f], "tag_ids": [t],
                   "user_ids": if i % 2 == 0 { vec![with.id.clone()] } else { vec![] },
                   "team_ids": if i % 5 == 0 { vec![team_id.to_string()] } else { vec![] }}),
        )
        .await;
    }
}

#[tokio::test]
async fn every_library_page_asks_the_database_as_often_for_a_big_library_as_for_a_small_one() {
    let app = spawn_with(Mode::Selfhosted, |c| {
        c.server_timing = true;
        c.rate_limit_write_per_minute = 10_000;
    })
    .await;
    let alice = app.setup_admin("alice@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let crew = team(&app, &alice, "Crew", &[&alice, &bob]).await;
    let alices = id(&bookmark(
        &app,
        &alice,
        json!({"title": "Essay", "url": "https://a.example"}),
    )
    .await);
    let bobs = id(&bookmark(
        &app,
        &bob,
        json!({"title": "Essay", "url": "https://b.example"}),
    )
    .await);
    let (as_alice, _) = app.browser_signed_in("alice@example.com").await;
    let (as_bob, _) = app.browser_signed_in("bob@example.com").await;

    let mut small = Vec::new();
    for (browser, own) in [(&as_alice, &alices), (&as_bob, &bobs)] {
        for path in pages(own) {
            small.push((path.clone(), statements(browser, &app, &path).await));
        }
    }
    grow(&app, &alice, &bob, &crew, 30).await;
    grow(&app, &bob, &alice, &crew, 12).await;
    let mut big = Vec::new();
    for (browser, own) in [(&as_alice, &alices), (&as_bob, &bobs)] {
        for path in pages(own) {
            big.push((path.clone(), statements(browser, &app, &path).await));
        }
    }
    assert_eq!(big, small, "statements per page, small library vs big");
    for (path, n) in &big {
        assert!((1..=20).contains(n), "{path} asks the database {n} times");
    }
}
