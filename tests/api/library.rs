//! Fixtures for the bookmark library tests: people sharing one organization, and short ways to
//! create bookmarks, folders, tags and teams.

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, Person, TestApp};

/// A self-hosted instance where Alice (owner) and Bob and Carol (members) share one organization.
pub struct Office {
    pub app: TestApp,
    pub alice: Person,
    pub bob: Person,
    pub carol: Person,
}

pub async fn office() -> Office {
    let app = spawn_app(Mode::Selfhosted).await;
    let alice = app.setup_admin("alice@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let carol = app.add_user("carol@example.com").await;
    Office {
        app,
        alice,
        bob,
        carol,
    }
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

/// Creates a bookmark and returns it.
pub async fn bookmark(app: &TestApp, who: &Person, body: Value) -> Value {
    expect(
        app.post("/api/bookmarks", Some(&who.jwt), body).await,
        StatusCode::CREATED,
    )
    .await
}

/// Creates a bookmark with just a title and URL.
pub async fn simple(app: &TestApp, who: &Person, title: &str, url: &str) -> String {
    id(&bookmark(app, who, json!({"title": title, "url": url})).await)
}

pub async fn folder(app: &TestApp, who: &Person, body: Value) -> String {
    id(&expect(
        app.post("/api/folders", Some(&who.jwt), body).await,
        StatusCode::CREATED,
    )
    .await)
}

pub async fn tag(app: &TestApp, who: &Person, name: &str) -> String {
    id(&expect(
        app.post("/api/tags", Some(&who.jwt), json!({ "name": name }))
            .await,
        StatusCode::CREATED,
    )
    .await)
}

/// Creates a team with `members` (as an owner or admin).
pub async fn team(app: &TestApp, admin: &Person, name: &str, members: &[&Person]) -> String {
    let ids: Vec<&str> = members.iter().map(|p| p.id.as_str()).collect();
    id(&expect(
        app.post(
            "/api/admin/teams",
            Some(&admin.jwt),
            json!({"name": name, "user_ids": ids}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await)
}

/// `GET path` as `who`, expecting 200.
pub async fn get_ok(app: &TestApp, who: &Person, path: &str) -> Value {
    expect(app.get(path, Some(&who.jwt)).await, StatusCode::OK).await
}

/// The titles of a bookmark page, in order.
pub fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|b| b["title"].as_str().unwrap().to_string())
        .collect()
}

/// The names of a folder or tag page, in order.
/// The names in a list: a page's `items`, or the plain array a list without `limit` answers.
pub fn names(page: &Value) -> Vec<String> {
    page.as_array()
        .or_else(|| page["items"].as_array())
        .expect("items")
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .collect()
}

/// Each page of the list at `path` (which has a query string) in turn, `limit` at a time, until
/// `hasMore` says none are left; every page's `total` must be the same.
pub async fn every_page(app: &TestApp, who: &Person, path: &str, limit: usize) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut total = None;
    loop {
        let offset = pages.len() * limit;
        let path = format!("{path}&limit={limit}&offset={offset}");
        let page = get_ok(app, who, &path).await;
        let t = page["total"].as_i64().unwrap();
        assert_eq!(*total.get_or_insert(t), t, "{path}: the total changed");
        pages.push(names(&page));
        if !page["hasMore"].as_bool().unwrap() {
            return pages;
        }
        assert!(pages.len() <= 10, "{path}: hasMore never ends");
    }
}

/// Sends every request at once and returns their statuses.
pub async fn concurrently(reqs: Vec<reqwest::RequestBuilder>) -> Vec<StatusCode> {
    let mut set = tokio::task::JoinSet::new();
    for r in reqs {
        set.spawn(r.send());
    }
    let mut out = vec![];
    while let Some(res) = set.join_next().await {
        out.push(res.unwrap().unwrap().status());
    }
    out
}
