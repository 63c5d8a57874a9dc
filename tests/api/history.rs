//! A bookmark's edit history and its visits per day, through the running server: what the owner
//! changes is kept and can be put back; people it is shared with read it; anyone else, and any
//! other organization, gets 404. Visits made through `/go/` are counted per day by the server's
//! own background flush.

use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, Person, TestApp};
use crate::library::{bookmark, get_ok, id, office, Office};
use crate::tenancy::{assert_foreign_ids_are_not_found, two_tenants, Probe};

async fn history(app: &TestApp, who: &Person, b: &str) -> Vec<Value> {
    get_ok(app, who, &format!("/api/bookmarks/{b}/history"))
        .await
        .as_array()
        .unwrap()
        .clone()
}

async fn restore(app: &TestApp, who: &Person, b: &str, entry: &str) -> reqwest::Response {
    app.post(
        &format!("/api/bookmarks/{b}/history/{entry}/restore"),
        Some(&who.jwt),
        json!({}),
    )
    .await
}

async fn edit(app: &TestApp, who: &Person, b: &str, body: Value) -> Value {
    expect(
        app.put(&format!("/api/bookmarks/{b}"), Some(&who.jwt), body)
            .await,
        StatusCode::OK,
    )
    .await
}

/// Alice's go-link `docs`, shared with Bob (not with Carol).
async fn shared_docs(o: &Office) -> String {
    let body = json!({"title": "Docs", "url": "https://docs.example.com", "slug": "docs",
        "forwarding_enabled": true, "user_ids": [o.bob.id]});
    id(&bookmark(&o.app, &o.alice, body).await)
}

#[tokio::test]
async fn every_change_of_title_url_slug_and_forwarding_is_kept_newest_first() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let b = shared_docs(&o).await;
    assert!(
        history(app, alice, &b).await.is_empty(),
        "creating is not a change"
    );

    edit(
        app,
        alice,
        &b,
        json!({"title": "Docs v2", "url": "https://docs.example.com/v2"}),
    )
    .await;
    edit(app, alice, &b, json!({"slug": "manual"})).await;
    edit(app, alice, &b, json!({"forwarding_enabled": false})).await;
    // Changes to other fields, and a title set to what it is, add nothing.
    edit(app, alice, &b, json!({"pinned": true, "title": "Docs v2"})).await;

    let h = history(app, alice, &b).await;
    let fields: Vec<&str> = h.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields.len(), 4, "{h:#?}");
    assert_eq!(fields[0], "forwarding_enabled");
    assert_eq!(fields[1], "slug");
    assert!(fields[2..].contains(&"title") && fields[2..].contains(&"url"));
    assert_eq!(h[0]["old"], json!(true));
    assert_eq!(h[0]["new"], json!(false));
    assert_eq!(h[1]["old"], "docs");
    assert_eq!(h[1]["new"], "manual");
    let title = h.iter().find(|e| e["field"] == "title").unwrap();
    assert_eq!(title["old"], "Docs");
    assert_eq!(title["new"], "Docs v2");
    assert_eq!(
        title["changed_by"],
        json!({"id": alice.id, "name": "Admin"})
    );
    assert!(title["changed_at"].as_str().unwrap().ends_with('Z'));
    assert!(h.iter().all(|e| e["id"].is_string()));

    // Removing the slug (forwarding is off) is kept as null.
    edit(app, alice, &b, json!({"slug": null})).await;
    let h = history(app, alice, &b).await;
    assert_eq!(
        (h[0]["field"].as_str(), &h[0]["new"]),
        (Some("slug"), &Value::Null)
    );
}

#[tokio::test]
async fn the_owner_puts_an_old_value_back_and_the_restore_is_a_change_of_its_own() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let b = shared_docs(&o).await;
    edit(app, alice, &b, json!({"url": "https://wrong.example.com"})).await;
    edit(app, alice, &b, json!({"slug": "wrong"})).await;

    let h = history(app, alice, &b).await;
    let url_change = h.iter().find(|e| e["field"] == "url").unwrap();
    let back = expect(
        restore(app, alice, &b, url_change["id"].as_str().unwrap()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["url"], "https://docs.example.com");
    assert_eq!(back["slug"], "wrong", "only that field goes back");
    let slug_change = &h[0];
    let back = expect(
        restore(app, alice, &b, slug_change["id"].as_str().unwrap()).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(back["slug"], "docs");

    // The go-link follows at once.
    let res = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/go/docs"))
        .bearer_auth(&alice.jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "https://docs.example.com");

    let h = history(app, alice, &b).await;
    assert_eq!(h.len(), 4);
    assert_eq!(
        (h[0]["field"].as_str(), h[0]["new"].as_str()),
        (Some("slug"), Some("docs"))
    );
    assert_eq!(h[1]["new"], "https://docs.example.com");
}

#[tokio::test]
async fn a_restore_is_checked_like_an_edit_and_a_refused_one_changes_nothing() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let b = shared_docs(&o).await;
    edit(app, alice, &b, json!({"slug": "manual"})).await;
    // Meanwhile another of Alice's bookmarks took `docs`.
    bookmark(
        app,
        alice,
        json!({"title": "Other", "url": "https://o.example", "slug": "docs"}),
    )
    .await;
    let h = history(app, alice, &b).await;
    let res = restore(app, alice, &b, h[0]["id"].as_str().unwrap()).await;
    let body = expect(res, StatusCode::BAD_REQUEST).await;
    assert!(body["error"].as_str().unwrap().contains("Slug"), "{body}");
    assert_eq!(
        get_ok(app, alice, &format!("/api/bookmarks/{b}")).await["slug"],
        "manual"
    );
    assert_eq!(
        history(app, alice, &b).await.len(),
        1,
        "a refused restore records nothing"
    );

    // Forwarding needs a slug: with the slug gone, turning forwarding back on is refused.
    let plain = id(&bookmark(
        app,
        alice,
        json!({"title": "P", "url": "https://p.example", "slug": "p", "forwarding_enabled": true}),
    )
    .await);
    edit(app, alice, &plain, json!({"forwarding_enabled": false})).await;
    edit(app, alice, &plain, json!({"slug": null})).await;
    let h = history(app, alice, &plain).await;
    let fwd = h
        .iter()
        .find(|e| e["field"] == "forwarding_enabled")
        .unwrap();
    let res = restore(app, alice, &plain, fwd["id"].as_str().unwrap()).await;
    expect(res, StatusCode::BAD_REQUEST).await;

    // Entries that are not this bookmark's, and ids that are not ids, are not found.
    let other_entry = h[0]["id"].as_str().unwrap();
    for entry in [
        other_entry,
        "not-an-id",
        "00000000-0000-4000-8000-000000000000",
    ] {
        let res = restore(app, alice, &b, entry).await;
        let body = expect(res, StatusCode::NOT_FOUND).await;
        assert_eq!(body["error"], "History entry not found");
    }
}

#[tokio::test]
async fn people_it_is_shared_with_read_the_history_but_only_the_owner_restores() {
    let o = office().await;
    let (app, alice, bob, carol) = (&o.app, &o.alice, &o.bob, &o.carol);
    let b = shared_docs(&o).await;
    edit(app, alice, &b, json!({"title": "Renamed"})).await;

    let seen = history(app, bob, &b).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["old"], "Docs");
    let entry = seen[0]["id"].as_str().unwrap();
    let res = restore(app, bob, &b, entry).await;
    let body = expect(res, StatusCode::FORBIDDEN).await;
    assert_eq!(body["error"], "Forbidden");
    assert_eq!(
        get_ok(app, alice, &format!("/api/bookmarks/{b}")).await["title"],
        "Renamed"
    );

    // Carol cannot see the bookmark: its history and visits do not exist for her.
    for path in [
        format!("/api/bookmarks/{b}/history"),
        format!("/api/bookmarks/{b}/visits"),
    ] {
        expect(
            app.get(&path, Some(&carol.jwt)).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }
    expect(restore(app, carol, &b, entry).await, StatusCode::NOT_FOUND).await;

    // Unshared from Bob, the history is gone for him too.
    edit(app, alice, &b, json!({"user_ids": []})).await;
    let path = format!("/api/bookmarks/{b}/history");
    expect(app.get(&path, Some(&bob.jwt)).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn another_organizations_history_and_visits_are_not_found() {
    let t = two_tenants(Mode::Cloud).await;
    let b = id(&bookmark(
        &t.app,
        &t.alice,
        json!({"title": "A", "url": "https://a.example", "slug": "a"}),
    )
    .await);
    edit(&t.app, &t.alice, &b, json!({"title": "A2"})).await;
    let entry = history(&t.app, &t.alice, &b).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_foreign_ids_are_not_found(
        &t,
        &[
            Probe::new(Method::GET, format!("/api/bookmarks/{b}/history"), None),
            Probe::new(Method::GET, format!("/api/bookmarks/{b}/visits"), None),
            Probe::new(
                Method::POST,
                format!("/api/bookmarks/{b}/history/{entry}/restore"),
                Some(json!({})),
            ),
        ],
    )
    .await;
    assert_eq!(
        get_ok(&t.app, &t.alice, &format!("/api/bookmarks/{b}")).await["title"],
        "A2"
    );
}

/// Today's count once the server's background flush has written `count` visits.
async fn today_once(app: &TestApp, who: &Person, b: &str, count: i64) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let days = get_ok(app, who, &format!("/api/bookmarks/{b}/visits")).await;
        let days = days.as_array().unwrap().clone();
        if days.last().unwrap()["count"] == count {
            return days;
        }
        assert!(
            Instant::now() < deadline,
            "today is {} after 5 s, not {count}",
            days.last().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn go_link_visits_and_openings_are_counted_per_day_for_ninety_days() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let b = shared_docs(&o).await;
    let fresh = get_ok(app, alice, &format!("/api/bookmarks/{b}/visits")).await;
    let fresh = fresh.as_array().unwrap();
    assert_eq!(fresh.len(), 90);
    assert!(fresh.iter().all(|d| d["count"] == 0));
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(fresh[89]["day"], today, "oldest first, ending today (UTC)");
    let first = chrono::Utc::now().date_naive() - chrono::Days::new(89);
    assert_eq!(fresh[0]["day"], first.format("%Y-%m-%d").to_string());

    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for who in [alice, alice, alice, bob] {
        let res = client
            .get(app.url("/go/docs"))
            .bearer_auth(&who.jwt)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FOUND);
    }
    // The link page counts nothing; an opening from the library counts one.
    let res = client
        .get(app.url("/go/docs+"))
        .bearer_auth(&alice.jwt)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    expect(
        app.post(
            &format!("/api/bookmarks/{b}/track-access"),
            Some(&bob.jwt),
            json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    let days = today_once(app, bob, &b, 5).await;
    assert_eq!(
        days.iter()
            .map(|d| d["count"].as_i64().unwrap())
            .sum::<i64>(),
        5
    );
    assert_eq!(
        get_ok(app, alice, &format!("/api/bookmarks/{b}")).await["access_count"],
        5
    );
}

#[tokio::test]
async fn visits_older_than_ninety_days_are_not_shown_and_deleted_bookmarks_take_theirs_along() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let b = shared_docs(&o).await;
    let today = chrono::Utc::now().timestamp_millis().div_euclid(86_400_000);
    for (day, count) in [(today - 89, 2), (today - 90, 7), (today - 400, 9)] {
        app.exec(
            "INSERT INTO bookmark_visit_days (bookmark_id, day, count) VALUES ($1, CAST($2 AS BIGINT), CAST($3 AS BIGINT))",
            &[&b, &day.to_string(), &count.to_string()],
        )
        .await;
    }
    let days = get_ok(app, alice, &format!("/api/bookmarks/{b}/visits")).await;
    let days = days.as_array().unwrap();
    assert_eq!(days[0]["count"], 2);
    assert_eq!(
        days.iter()
            .map(|d| d["count"].as_i64().unwrap())
            .sum::<i64>(),
        2
    );

    expect(
        app.delete(&format!("/api/bookmarks/{b}"), Some(&alice.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    let path = format!("/api/bookmarks/{b}/visits");
    expect(
        app.get(&path, Some(&alice.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn the_link_page_shows_target_owner_visits_check_and_history_and_restores() {
    let o = office().await;
    let (app, alice, bob) = (&o.app, &o.alice, &o.bob);
    let b = shared_docs(&o).await;
    edit(app, alice, &b, json!({"title": "Docs <b>v2</b>"})).await;

    let page = |who: &Person, path: &str| {
        let (app, jwt, path) = (app, who.jwt.clone(), path.to_string());
        async move {
            Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .get(app.url(&path))
                .bearer_auth(jwt)
                .send()
                .await
                .unwrap()
        }
    };
    let res = page(alice, "/go/docs+").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    let html = res.text().await.unwrap();
    assert!(html.contains("https://docs.example.com"), "{html}");
    assert!(
        html.contains("Docs &lt;b&gt;v2&lt;/b&gt;"),
        "typed text is escaped"
    );
    assert!(html.contains("Visits per day"));
    assert!(html.contains("<svg"));
    assert!(html.contains("/restore"), "the owner gets restore buttons");

    // Bob sees the page of what he may open, without restore buttons; Carol has no such link.
    let html = page(bob, "/go/docs+").await.text().await.unwrap();
    assert!(html.contains("Admin") && html.contains("Docs"), "{html}");
    assert!(!html.contains("/restore"));
    let res = page(&o.carol, "/go/docs+").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("/bookmarks/new?slug=docs"),
        "the 404 offers to create it"
    );

    // Signed out: to sign-in, and back to the link page.
    let res = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/go/docs+"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login?redirect=%2Fgo%2Fdocs%2B"));
}
