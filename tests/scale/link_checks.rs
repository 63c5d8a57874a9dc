//! Two instances on one PostgreSQL share the link checks: every URL is fetched once, and the
//! one host they all live on is still asked at most once a second.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::instances::fresh_database;
use crate::support::Server;

#[tokio::test]
async fn two_instances_fetch_each_url_once_and_pace_the_host_together() {
    let Some(db) = fresh_database().await else {
        return;
    };
    let hits: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let recorded = Arc::clone(&hits);
    let site = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let recorded = Arc::clone(&recorded);
        async move {
            recorded
                .lock()
                .unwrap()
                .push((uri.path().to_string(), Instant::now()));
            "fine"
        }
    });
    tokio::spawn(async move { axum::serve(listener, site).await.unwrap() });
    let envs = [
        ("JWT_SECRET", "a-shared-jwt-secret-of-at-least-32-bytes"),
        ("SLUGBASE_MODE", "selfhosted"),
        ("LINK_CHECK_ALLOW_PRIVATE", "true"),
        ("LINK_CHECK_POLL_MS", "50"),
        ("LINK_CHECK_TIMEOUT_SECS", "1"),
    ];
    let a = Server::start(Some(&db), &envs).await;
    let b = Server::start(Some(&db), &envs).await;
    let admin = a.setup_admin("ada@example.com").await;
    let count = 6;
    for n in 0..count {
        let url = format!("http://127.0.0.1:{port}/page/{n}");
        // Half through each instance, so both are woken.
        let s = if n % 2 == 0 { &a } else { &b };
        let res = s
            .post(
                "/api/bookmarks",
                Some(&admin),
                json!({"title": url, "url": url}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let res = b
            .req(Method::GET, "/api/bookmarks?link_status=ok", Some(&admin))
            .send()
            .await
            .unwrap();
        let page: Value = res.json().await.unwrap();
        if page["total"] == count {
            break;
        }
        assert!(Instant::now() < deadline, "not all checked: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Time for a doubled check to show up, if there were one.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut seen = hits.lock().unwrap().clone();
    seen.sort_by_key(|(_, t)| *t);
    let mut paths: Vec<&str> = seen.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort();
    paths.dedup();
    assert_eq!(seen.len(), count, "each URL fetched once: {seen:?}");
    assert_eq!(paths.len(), count);
    for pair in seen.windows(2) {
        let gap = pair[1].1 - pair[0].1;
        assert!(gap >= Duration::from_secs(1), "only {gap:?} apart");
    }
}
