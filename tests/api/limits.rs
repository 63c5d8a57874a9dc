//! How much one person can make: tags, folders and teams are capped, each list on a bookmark is
//! capped, and creating them is rate-limited; every refusal is a clear 4xx that changes nothing.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_with};
use crate::library::office;

#[tokio::test]
async fn a_person_with_a_thousand_tags_or_folders_is_told_to_delete_some() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let org = expect(
        app.get("/api/organizations", Some(&alice.jwt)).await,
        StatusCode::OK,
    )
    .await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for (table, more_columns, more_values) in [("tags", "", ""), ("folders", ", updated_at", ", 0")]
    {
        app.exec(
            &format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) \
                 INSERT INTO {table} (id, org_id, user_id, name, created_at{more_columns}) \
                 SELECT 'bulk-{table}-' || i, $1, $2, 'name ' || i, 0{more_values} FROM n"
            ),
            &[&org, &alice.id],
        )
        .await;
    }
    for (path, what) in [("/api/tags", "1000 tags"), ("/api/folders", "1000 folders")] {
        let refused = expect(
            app.post(path, Some(&alice.jwt), json!({"name": "one more"}))
                .await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(
            refused["error"].as_str().unwrap().contains(what),
            "{refused}"
        );
    }
    // Bob's allowance is his own.
    expect(
        app.post("/api/tags", Some(&o.bob.jwt), json!({"name": "one more"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn a_bookmark_names_at_most_a_hundred_tags_and_nothing_is_saved_when_over() {
    let o = office().await;
    let (app, alice) = (&o.app, &o.alice);
    let many: Vec<String> = (0..101)
        .map(|i| format!("00000000-0000-4000-8000-{i:012}"))
        .collect();
    let refused = expect(
        app.post(
            "/api/bookmarks",
            Some(&alice.jwt),
            json!({"title": "T", "url": "https://t.example", "tag_ids": many}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(refused["error"], "tag_ids can name at most 100 entries");
    let list = expect(
        app.get("/api/bookmarks", Some(&alice.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn creating_tags_folders_and_teams_is_rate_limited_per_person() {
    // With 1 write a minute, the library allows 3 creations a minute.
    let app = spawn_with(Mode::Selfhosted, |c| c.rate_limit_write_per_minute = 1).await;
    let ada = app.setup_admin("ada@example.com").await;
    let made = [
        ("/api/tags", "a"),
        ("/api/folders", "b"),
        ("/api/admin/teams", "c"),
    ];
    for (path, name) in made {
        expect(
            app.post(path, Some(&ada.jwt), json!({"name": name})).await,
            StatusCode::CREATED,
        )
        .await;
    }
    let res = app
        .post("/api/tags", Some(&ada.jwt), json!({"name": "d"}))
        .await;
    assert!(res.headers().get("retry-after").is_some());
    expect(res, StatusCode::TOO_MANY_REQUESTS).await;
    let tags = expect(app.get("/api/tags", Some(&ada.jwt)).await, StatusCode::OK).await;
    assert_eq!(tags.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_folder_and_tag_pages_share_the_apis_limit_on_creating() {
    // With 1 write a minute, the library allows 3 creations a minute, whichever way they come.
    let app = spawn_with(Mode::Selfhosted, |c| c.rate_limit_write_per_minute = 1).await;
    let ada = app.setup_admin("ada@example.com").await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // The page gives a token for Ada's session (a signed-out one would not work in it).
    let page = browser
        .get(app.url("/no-such-page"))
        .header("cookie", format!("token={}", ada.jwt))
        .send()
        .await
        .unwrap();
    let csrf = crate::helpers::cookie(&page, "csrf_token").unwrap();
    let post_form = |path: &'static str, name: &'static str| {
        browser
            .post(app.url(path))
            .header("cookie", format!("token={}; csrf_token={csrf}", ada.jwt))
            .form(&[("csrf_token", csrf.as_str()), ("name", name)])
            .send()
    };
    expect(
        app.post("/api/tags", Some(&ada.jwt), json!({"name": "a"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    for (path, name) in [("/folders", "b"), ("/tags", "c")] {
        let res = post_form(path, name).await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
    }
    let res = post_form("/folders", "d").await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let folders = expect(
        app.get("/api/folders", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let names: Vec<_> = folders
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["b"], "the refused form saved nothing");
    // And the API counts what the pages made.
    let res = app
        .post("/api/folders", Some(&ada.jwt), json!({"name": "e"}))
        .await;
    expect(res, StatusCode::TOO_MANY_REQUESTS).await;
}
