//! `GET /metrics`: the Prometheus text format, behind `METRICS_TOKEN` when it is set.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::Server;

const TOKEN: &str = "metrics-test-token-0123456789";

async fn scrape(server: &Server, bearer: Option<&str>) -> reqwest::Response {
    server.get("/metrics", bearer).await.unwrap()
}

/// The value of the sample on the line that starts with `series` (name and labels), if any.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_need_the_token_when_one_is_set() {
    let server = Server::start(None, &[("METRICS_TOKEN", TOKEN)]).await;
    for bearer in [None, Some("wrong"), Some("metrics-test-token-012345678")] {
        let res = scrape(&server, bearer).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{bearer:?}");
        let body: Value = res.json().await.expect("the API's error shape");
        assert!(body["error"].is_string(), "{body}");
    }
    let res = scrape(&server, Some(TOKEN)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
}

#[tokio::test]
async fn metrics_are_open_without_a_token_and_left_out_of_the_openapi_document() {
    let server = Server::start(None, &[]).await;
    assert_eq!(scrape(&server, None).await.status(), StatusCode::OK);
    let doc: Value = server
        .get("/openapi.json", None)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"].get("/metrics").is_none());
}

#[tokio::test]
async fn requests_are_counted_by_route_template_and_go_links_by_hit_and_miss() {
    let server = Server::start(None, &[("METRICS_TOKEN", TOKEN)]).await;
    let token = server.setup_admin("admin@example.com").await;
    let res = server
        .post(
            "/api/bookmarks",
            Some(&token),
            json!({"title": "docs", "url": "https://docs.example.com", "slug": "docs", "forwarding_enabled": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..3 {
        let res = server
            .get(&format!("/api/bookmarks/{id}"), Some(&token))
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    for _ in 0..2 {
        assert_eq!(
            server.go("/go/docs", Some(&token)).await.status(),
            StatusCode::FOUND
        );
    }
    assert_eq!(
        server.go("/go/nothing-here", Some(&token)).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = server.get("/no/such/page/12345", None).await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let text = scrape(&server, Some(TOKEN)).await.text().await.unwrap();
    let count =
        |series: &str| sample(&text, series).unwrap_or_else(|| panic!("{series} in\n{text}"));
    assert_eq!(
        count(
            r#"slugbase_http_requests_total{method="GET",route="/api/bookmarks/{id}",status="200"}"#
        ),
        3.0
    );
    assert_eq!(
        count(r#"slugbase_http_requests_total{method="POST",route="/api/bookmarks",status="201"}"#),
        1.0
    );
    assert_eq!(
        count(r#"slugbase_http_requests_total{method="GET",route="/go/{slug}",status="302"}"#),
        2.0
    );
    assert_eq!(
        count(
            r#"slugbase_http_request_duration_seconds_count{method="GET",route="/api/bookmarks/{id}"}"#
        ),
        3.0
    );
    assert_eq!(count("slugbase_go_link_hits_total"), 2.0);
    assert_eq!(count("slugbase_go_link_misses_total"), 1.0);
    assert_eq!(count("slugbase_database_up"), 1.0);
    assert!(count("slugbase_db_pool_max_connections") >= 1.0);
    assert!(count("slugbase_db_pool_connections") >= count("slugbase_db_pool_idle_connections"));
    sample(&text, "slugbase_visits_pending").expect("the queue depth");
    // Route templates only: no id and no unmatched path makes a series of its own.
    assert!(!text.contains(&id), "{text}");
    assert!(!text.contains("12345"), "{text}");
    assert!(text.contains(r#"route="unmatched",status="404""#), "{text}");
}
