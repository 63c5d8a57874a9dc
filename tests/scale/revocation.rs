//! Security review item 10: a revocation acknowledged by one instance holds on every other at
//! once, while the machine is busy. Two `slugbase serve` processes share one PostgreSQL; a load
//! of signed-in requests keeps both (and the two cores) busy; round after round a token is
//! revoked, or a session ended, on A, and B's very next request with it must be refused.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::instances::fresh_database;
use crate::support::Server;

const SECRET: &str = "a-shared-jwt-secret-of-at-least-32-bytes";
const ROUNDS: usize = 40;
const LOAD_TASKS: usize = 48;

async fn status(s: &Server, bearer: &str) -> StatusCode {
    s.get("/api/auth/me", Some(bearer)).await.unwrap().status()
}

/// Keeps both instances busy with signed-in reads (each one checks a credential through the
/// cache under test) until `stop`; answers how many were made.
fn load(
    a: &Server,
    b: &Server,
    bearer: &str,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<u64> {
    let made = Arc::new(AtomicU64::new(0));
    let urls = [
        a.url("/api/auth/me"),
        b.url("/api/bookmarks?limit=20"),
        b.url("/api/auth/me"),
    ];
    let mut tasks = Vec::new();
    for n in 0..LOAD_TASKS {
        let (url, bearer, stop, made) = (
            urls[n % urls.len()].clone(),
            bearer.to_string(),
            stop.clone(),
            made.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            while !stop.load(Ordering::Relaxed) {
                if let Ok(r) = client.get(&url).bearer_auth(&bearer).send().await {
                    let _ = r.bytes().await;
                    made.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    tokio::spawn(async move {
        for t in tasks {
            let _ = t.await;
        }
        made.load(Ordering::Relaxed)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_acknowledged_on_one_instance_holds_on_the_other_at_once_under_load() {
    let Some(db) = fresh_database().await else {
        return;
    };
    let envs = [("JWT_SECRET", SECRET), ("SLUGBASE_MODE", "selfhosted")];
    let a = Server::start(Some(&db), &envs).await;
    let b = Server::start(Some(&db), &envs).await;
    let admin = a.setup_admin("ada@example.com").await;
    for n in 0..20 {
        let res = a
            .post(
                "/api/bookmarks",
                Some(&admin),
                json!({"title": format!("b{n}"), "url": format!("https://b{n}.example.com/")}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let loader = load(&a, &b, &admin, stop.clone());

    let mut stale = Vec::new();
    let mut took = Vec::new();
    for round in 0..ROUNDS {
        // A personal token, revoked on A.
        let created: Value = a
            .post(
                "/api/tokens",
                Some(&admin),
                json!({"name": format!("r{round}")}),
            )
            .await
            .json()
            .await
            .unwrap();
        let token = created["token"].as_str().unwrap().to_string();
        for _ in 0..3 {
            assert_eq!(
                status(&b, &token).await,
                StatusCode::OK,
                "warm, round {round}"
            );
        }
        let started = Instant::now();
        let res = a
            .delete(
                &format!("/api/tokens/{}", created["id"].as_str().unwrap()),
                Some(&admin),
            )
            .await;
        assert!(res.status().is_success(), "revoke: {}", res.status());
        took.push(started.elapsed());
        let next = status(&b, &token).await;
        if next != StatusCode::UNAUTHORIZED {
            stale.push(format!("token, round {round}: {next}"));
        }

        // A session, ended on A.
        let session = a.login("ada@example.com").await;
        for _ in 0..3 {
            assert_eq!(
                status(&b, &session).await,
                StatusCode::OK,
                "warm, round {round}"
            );
        }
        let started = Instant::now();
        let res = a.post("/api/auth/logout", Some(&session), json!({})).await;
        assert!(res.status().is_success(), "logout: {}", res.status());
        took.push(started.elapsed());
        let next = status(&b, &session).await;
        if next != StatusCode::UNAUTHORIZED {
            stale.push(format!("session, round {round}: {next}"));
        }
    }
    stop.store(true, Ordering::Relaxed);
    let made = tokio::time::timeout(Duration::from_secs(30), loader)
        .await
        .expect("the load stops")
        .unwrap();
    took.sort();
    eprintln!(
        "{ROUNDS} rounds of each under a load of {made} requests; a revocation took {:?} (median), {:?} (slowest)",
        took[took.len() / 2],
        took[took.len() - 1]
    );
    assert!(
        stale.is_empty(),
        "B honoured a credential A had already revoked:\n{}",
        stale.join("\n")
    );
}
