//! Finding bookmarks: filters, sort orders, paging, the id list, and full-text search that
//! answers every query, however hostile, without an error.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::expect;
use crate::library::{bookmark, folder, get_ok, id, office, tag, titles};

fn is_rfc3339(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok())
}

#[tokio::test]
async fn the_list_filters_sorts_and_pages() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let work = folder(app, alice, json!({"name": "Work"})).await;
    let fun = tag(app, alice, "fun").await;
    let mut ids = vec![];
    for (title, body) in [
        ("Charlie", json!({"folder_ids": [work]})),
        ("alpha", json!({"tag_ids": [fun], "pinned": true})),
        ("Echo", json!({})),
        ("bravo", json!({"folder_ids": [work], "tag_ids": [fun]})),
        ("delta", json!({})),
    ] {
        let mut b = body;
        b["title"] = json!(title);
        b["url"] = json!(format!("https://{}.example", title.to_lowercase()));
        ids.push(id(&bookmark(app, alice, b).await));
    }
    let list = |q: &str| {
        let path = format!("/api/bookmarks{q}");
        async move { get_ok(app, alice, &path).await }
    };

    let all = list("").await;
    // Newest first. Two creates may share a millisecond, so check the order of the timestamps
    // rather than of the titles.
    let created: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["created_at"].as_str().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "{created:?}");
    assert_eq!(created.len(), 5);
    assert_eq!(
        (all["total"].as_i64(), all["hasMore"].as_bool()),
        (Some(5), Some(false))
    );

    let alpha = list("?sort_by=alphabetical").await;
    assert_eq!(
        titles(&alpha),
        ["alpha", "bravo", "Charlie", "delta", "Echo"]
    );

    let p1 = list("?sort_by=alphabetical&limit=2").await;
    assert_eq!(titles(&p1), ["alpha", "bravo"]);
    assert_eq!(
        (p1["total"].as_i64(), p1["hasMore"].as_bool()),
        (Some(5), Some(true))
    );
    let p3 = list("?sort_by=alphabetical&limit=2&offset=4").await;
    assert_eq!(titles(&p3), ["Echo"]);
    assert_eq!(p3["hasMore"], false);
    assert_eq!(
        titles(&list("?limit=9999").await).len(),
        5,
        "limit is capped, not refused"
    );

    assert_eq!(
        titles(&list(&format!("?folder_id={work}&sort_by=alphabetical")).await),
        ["bravo", "Charlie"]
    );
    assert_eq!(
        titles(&list(&format!("?tag_id={fun}&sort_by=alphabetical")).await),
        ["alpha", "bravo"]
    );
    assert_eq!(titles(&list("?pinned=true").await), ["alpha"]);
    assert_eq!(list("?pinned=false").await["total"], 4);
    assert_eq!(
        titles(&list(&format!("?folder_id={work}&tag_id={fun}")).await),
        ["bravo"]
    );

    // Echo opened twice, Charlie once: most used, then recently accessed.
    // Charlie first, then Echo twice: should two share a millisecond, the tie-break (newest
    // created first) gives the same order.
    for i in [0, 2, 2] {
        let res = app
            .post(
                &format!("/api/bookmarks/{}/track-access", ids[i]),
                Some(&alice.jwt),
                json!({}),
            )
            .await;
        let tracked = expect(res, StatusCode::OK).await;
        assert!(is_rfc3339(&tracked["last_accessed_at"]));
    }
    let used = list("?sort_by=most_used").await;
    assert_eq!(titles(&used)[..2], ["Echo", "Charlie"]);
    assert_eq!(used["items"][0]["access_count"], 2);
    assert_eq!(
        titles(&list("?sort_by=recently_accessed").await)[..2],
        ["Echo", "Charlie"]
    );

    let got = get_ok(
        app,
        alice,
        &format!("/api/bookmarks/ids?sort_by=alphabetical&folder_id={work}"),
    )
    .await;
    assert_eq!(got, json!({"ids": [ids[3], ids[0]]}));

    for bad in [
        "?scope=everything",
        "?sort_by=random",
        "?pinned=maybe",
        "?limit=ten",
        "?offset=-1",
        "?folder_id=x",
    ] {
        let res = app
            .get(&format!("/api/bookmarks{bad}"), Some(&alice.jwt))
            .await;
        expect(res, StatusCode::BAD_REQUEST).await;
    }

    // Empty filters (as a search form sends them) read as absent; an offset past the end, even
    // one too large to hold, is an empty last page.
    let all = get_ok(app, alice, "/api/bookmarks").await;
    let blank = get_ok(
        app,
        alice,
        "/api/bookmarks?scope=&sort_by=&pinned=&limit=&offset=&folder_id=&tag_id=&q=",
    )
    .await;
    assert_eq!(blank, all);
    let past = get_ok(
        app,
        alice,
        "/api/bookmarks?offset=7219703214098418009198896655368192",
    )
    .await;
    assert_eq!(past["items"], json!([]));
    assert_eq!(
        (&past["total"], &past["hasMore"]),
        (&all["total"], &json!(false))
    );
}

#[tokio::test]
async fn search_finds_words_in_title_url_and_slug_and_never_fails() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    bookmark(
        app,
        alice,
        json!({"title": "Quarterly planning", "url": "https://wiki.example/plan"}),
    )
    .await;
    bookmark(
        app,
        alice,
        json!({"title": "Kitchen", "url": "https://recipes.example/soup-of-the-day"}),
    )
    .await;
    bookmark(
        app,
        alice,
        json!({"title": "Team calendar", "url": "https://cal.example", "slug": "standup_notes"}),
    )
    .await;
    let found = |q: &str| {
        let path = format!("/api/bookmarks?q={}", urlencode(q));
        async move { titles(&get_ok(app, alice, &path).await) }
    };
    assert_eq!(
        found("quarterly").await,
        ["Quarterly planning"],
        "a title word"
    );
    assert_eq!(found("soup").await, ["Kitchen"], "a URL word");
    assert_eq!(found("recipes.example").await, ["Kitchen"], "a host");
    assert_eq!(found("standup").await, ["Team calendar"], "a slug word");
    assert_eq!(
        found("plan").await,
        ["Quarterly planning"],
        "the last word is a prefix"
    );
    assert_eq!(
        found("calendar cal").await,
        ["Team calendar"],
        "all words must match"
    );
    assert!(found("nothing-like-this").await.is_empty());
    for hostile in [
        r#""foo" OR * ("#,
        "*",
        "\"",
        "'",
        "NEAR(",
        "a:b",
        "-x",
        "((((",
        "%_\\",
        "soup AND",
        "🦀",
    ] {
        let res = app
            .get(
                &format!("/api/bookmarks?q={}", urlencode(hostile)),
                Some(&alice.jwt),
            )
            .await;
        expect(res, StatusCode::OK).await;
        let res = app
            .get(
                &format!("/api/bookmarks/search?q={}", urlencode(hostile)),
                Some(&alice.jwt),
            )
            .await;
        expect(res, StatusCode::OK).await;
        let res = app
            .get(
                &format!("/api/bookmarks/ids?q={}", urlencode(hostile)),
                Some(&alice.jwt),
            )
            .await;
        expect(res, StatusCode::OK).await;
    }
    // A title change is searchable at once; a deleted bookmark is gone from search.
    let k = get_ok(app, alice, "/api/bookmarks?q=kitchen").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.put(
        &format!("/api/bookmarks/{k}"),
        Some(&alice.jwt),
        json!({"title": "Pantry"}),
    )
    .await;
    assert!(found("kitchen").await.is_empty());
    assert_eq!(found("pantry").await, ["Pantry"]);
    app.delete(&format!("/api/bookmarks/{k}"), Some(&alice.jwt))
        .await;
    assert!(found("pantry").await.is_empty());
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn mixed_search_returns_bookmarks_folders_and_tags() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let b = id(&bookmark(
        app,
        alice,
        json!({"title": "Design docs", "url": "https://d.example", "slug": "design"}),
    )
    .await);
    let f = folder(app, alice, json!({"name": "Design", "icon": "🎨"})).await;
    let t = tag(app, alice, "design-system").await;
    tag(app, alice, "unrelated").await;
    let hits = get_ok(app, alice, "/api/bookmarks/search?q=desig").await;
    assert_eq!(
        hits,
        json!([
            {"type": "bookmark", "id": b, "title": "Design docs", "url": "https://d.example", "slug": "design"},
            {"type": "folder", "id": f, "title": "Design", "name": "Design", "icon": "🎨"},
            {"type": "tag", "id": t, "title": "design-system", "name": "design-system"},
        ])
    );
    assert_eq!(
        get_ok(app, alice, "/api/bookmarks/search?q=").await,
        json!([])
    );
    // Bob sees none of Alice's things.
    assert_eq!(
        get_ok(app, &o.bob, "/api/bookmarks/search?q=design").await,
        json!([])
    );
}
