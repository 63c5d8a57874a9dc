//! PostgreSQL goes away under a running server and comes back: the server says so, refuses
//! cleanly, writes nothing half-way, and recovers by itself.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::{PrivatePostgres, Server};

/// Polls `GET /api/health` until it answers `status` (at most `within`); answers the body.
async fn health_becomes(server: &Server, status: StatusCode, within: Duration) -> Value {
    let deadline = Instant::now() + within;
    loop {
        let res = server
            .get("/api/health", None)
            .await
            .expect("the server answers");
        if res.status() == status {
            return res.json().await.expect("a JSON body");
        }
        assert!(
            Instant::now() < deadline,
            "/api/health is still {} after {within:?}",
            res.status()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn titles(server: &Server, token: &str) -> Vec<String> {
    let res = server.get("/api/bookmarks", Some(token)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let mut titles: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn while_postgres_is_down_requests_get_503_and_the_server_recovers_when_it_is_back() {
    let mut pg = PrivatePostgres::start();
    let url = pg.create_database("restart");
    let server = Server::start(Some(&url), &[]).await;
    let token = server.setup_admin("admin@example.com").await;
    let res = server
        .post(
            "/api/bookmarks",
            Some(&token),
            json!({"title": "before", "url": "https://before.example.com"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);

    pg.stop();
    let body = health_becomes(
        &server,
        StatusCode::SERVICE_UNAVAILABLE,
        Duration::from_secs(5),
    )
    .await;
    assert!(body["error"].is_string(), "{body}");
    for attempt in 0..2 {
        let started = Instant::now();
        let res = server
            .post(
                "/api/bookmarks",
                Some(&token),
                json!({"title": "while down", "url": "https://down.example.com"}),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "attempt {attempt}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "a refusal took {:?}",
            started.elapsed()
        );
        let body: Value = res.json().await.expect("a JSON error body");
        let error = body["error"].as_str().expect("an error message");
        assert!(!error.to_lowercase().contains("sqlx"), "{error}");
        let res = server.get("/api/bookmarks", Some(&token)).await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    pg.start_again();
    health_becomes(&server, StatusCode::OK, Duration::from_secs(10)).await;
    let res = server
        .post(
            "/api/bookmarks",
            Some(&token),
            json!({"title": "after", "url": "https://after.example.com"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "{}", server.log());
    // The same process throughout: what was there before is intact, the refused write absent.
    assert_eq!(titles(&server, &token).await, ["after", "before"]);
    assert_eq!(
        pg.psql_on(
            "restart",
            "SELECT count(*) FROM bookmarks WHERE title = 'while down'"
        ),
        "0"
    );
}
