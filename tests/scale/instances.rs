//! Two `slugbase serve` processes on one PostgreSQL database (spec §14): what one changes, the
//! other honours on its very next request, however warm its caches are; and a `kill -9` under a
//! write load loses nothing that was acknowledged.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::{self, Server};

const SECRET: &str = "a-shared-jwt-secret-of-at-least-32-bytes";

/// A fresh database on the `TEST_DATABASE_URL` server, or `None` (with a note) on the SQLite run.
pub async fn fresh_database() -> Option<String> {
    use sqlx::Connection;
    let Ok(admin) = std::env::var("TEST_DATABASE_URL") else {
        eprintln!("skipped: two instances need one PostgreSQL (TEST_DATABASE_URL)");
        return None;
    };
    let name = format!("slugbase_scale_{}", uuid::Uuid::new_v4().simple());
    let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut c)
        .await
        .unwrap();
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_path(&format!("/{name}"));
    Some(url.to_string())
}

/// Instances A and B on one database, sharing the JWT secret as a deployment would.
async fn two_instances(db: &str) -> (Server, Server) {
    let envs = [("JWT_SECRET", SECRET), ("SLUGBASE_MODE", "selfhosted")];
    let a = Server::start(Some(db), &envs).await;
    let b = Server::start(Some(db), &envs).await;
    (a, b)
}

async fn body(res: reqwest::Response) -> Value {
    res.json().await.unwrap()
}

async fn create_link(s: &Server, bearer: &str, slug: &str, url: &str) -> String {
    let res = s
        .post(
            "/api/bookmarks",
            Some(bearer),
            json!({"title": slug, "url": url, "slug": slug, "forwarding_enabled": true}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED, "create {slug}");
    body(res).await["id"].as_str().unwrap().to_string()
}

/// `GET path` on `s` without following redirects, on a client kept across calls (making a
/// client costs more than the request).
async fn go(s: &Server, bearer: &str, path: &str) -> reqwest::Response {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let c = CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    });
    c.get(s.url(path)).bearer_auth(bearer).send().await.unwrap()
}

fn location(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_string())
}

/// Warms B's caches for `path` (several requests), then answers its location.
async fn warm_go(b: &Server, bearer: &str, path: &str) -> Option<String> {
    let mut last = None;
    for _ in 0..5 {
        last = location(&go(b, bearer, path).await);
    }
    last
}

/// How long B may take here to honour what A acknowledged. The notification crosses the database
/// asynchronously, but a commit waits for its own to come back before it answers, so B's very
/// next request nearly always sees it; `scripts/bench` measures the lag (p99 a few ms). This is
/// not a timing test: it only shows that nobody waits for a cache to expire (5 s).
const LAG: Duration = Duration::from_secs(1);

/// Asks `check` until it holds or [`LAG`] has passed; answers whether it held.
async fn within_lag<F, Fut>(mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return true;
        }
        if start.elapsed() > LAG {
            return false;
        }
    }
}

async fn me_status(s: &Server, bearer: &str) -> StatusCode {
    s.get("/api/auth/me", Some(bearer)).await.unwrap().status()
}

#[tokio::test]
async fn a_go_link_changed_on_one_instance_is_followed_by_the_other_at_once() {
    let Some(db) = fresh_database().await else {
        return;
    };
    let (a, b) = two_instances(&db).await;
    let admin = a.setup_admin("ada@example.com").await;
    let id = create_link(&a, &admin, "docs", "https://one.example.com/").await;
    assert_eq!(
        warm_go(&b, &admin, "/go/docs").await.as_deref(),
        Some("https://one.example.com/")
    );
    for n in 0..20 {
        let target = format!("https://v{n}.example.com/");
        let res = a
            .req(Method::PUT, &format!("/api/bookmarks/{id}"), Some(&admin))
            .json(&json!({"title": "docs", "url": target, "slug": "docs", "forwarding_enabled": true}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let honoured = within_lag(|| async {
            location(&go(&b, &admin, "/go/docs").await).as_deref() == Some(target.as_str())
        });
        assert!(honoured.await, "B follows the new target, round {n}");
        warm_go(&b, &admin, "/go/docs").await;
    }
    let res = a
        .delete(&format!("/api/bookmarks/{id}"), Some(&admin))
        .await;
    assert!(res.status().is_success(), "delete: {}", res.status());
    let gone =
        within_lag(|| async { go(&b, &admin, "/go/docs").await.status() == StatusCode::NOT_FOUND });
    assert!(gone.await, "deleted on A, gone on B");
}

#[tokio::test]
async fn a_logout_a_revoked_token_and_a_removed_member_end_on_the_other_instance_at_once() {
    let Some(db) = fresh_database().await else {
        return;
    };
    let (a, b) = two_instances(&db).await;
    let admin = a.setup_admin("ada@example.com").await;

    // Logout on A: B refuses the same access token on its next request.
    let session = a.login("ada@example.com").await;
    for _ in 0..3 {
        assert_eq!(me_status(&b, &session).await, StatusCode::OK);
    }
    let res = a.post("/api/auth/logout", Some(&session), json!({})).await;
    assert!(res.status().is_success(), "logout: {}", res.status());
    let ended = within_lag(|| async { me_status(&b, &session).await == StatusCode::UNAUTHORIZED });
    assert!(ended.await, "logout");

    // A personal token revoked on A.
    let created = body(
        a.post("/api/tokens", Some(&admin), json!({"name": "ci"}))
            .await,
    )
    .await;
    let token = created["token"].as_str().unwrap().to_string();
    for _ in 0..3 {
        assert_eq!(me_status(&b, &token).await, StatusCode::OK);
    }
    let res = a
        .delete(
            &format!("/api/tokens/{}", created["id"].as_str().unwrap()),
            Some(&admin),
        )
        .await;
    assert!(res.status().is_success(), "revoke: {}", res.status());
    let ended = within_lag(|| async { me_status(&b, &token).await == StatusCode::UNAUTHORIZED });
    assert!(ended.await, "revoked");

    // A member removed on A: B no longer lets them into the organization, nor follows its links.
    let res = a
        .post(
            "/api/admin/users",
            Some(&admin),
            json!({"email": "bob@example.com", "name": "Bob", "password": support::PASSWORD}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let bob_id = body(res).await["id"].as_str().unwrap().to_string();
    let bob = b.login("bob@example.com").await;
    create_link(&b, &bob, "bobs", "https://bob.example.com/").await;
    let org = body(b.get("/api/session/org", Some(&bob)).await.unwrap()).await["organizationId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        warm_go(&b, &bob, "/go/bobs").await.as_deref(),
        Some("https://bob.example.com/")
    );
    for _ in 0..3 {
        let res = b.get("/api/bookmarks", Some(&bob)).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = a
        .delete(
            &format!("/api/organizations/{org}/members/{bob_id}"),
            Some(&admin),
        )
        .await;
    assert!(res.status().is_success(), "remove: {}", res.status());
    let closed =
        within_lag(|| async { go(&b, &bob, "/go/bobs").await.status() == StatusCode::NOT_FOUND });
    assert!(closed.await, "removed: no links there");
    let list = b.get("/api/bookmarks", Some(&bob)).await.unwrap();
    assert!(
        list.status().is_client_error(),
        "removed: the organization's bookmarks are closed ({})",
        list.status()
    );
}

/// The go-link visits the API reports for a bookmark: those a flush has written.
async fn access_count(server: &Server, token: &str, id: &str) -> i64 {
    body(
        server
            .get(&format!("/api/bookmarks/{id}"), Some(token))
            .await
            .unwrap(),
    )
    .await["access_count"]
        .as_i64()
        .unwrap()
}

/// `kill -9` in the middle of bookmark writes and go-link visits: after a restart every write
/// that was answered is there, and every visit that had been counted before the kill still is. Runs on SQLite, and on PostgreSQL in the PostgreSQL run.
#[tokio::test]
async fn kill_9_under_load_loses_no_acknowledged_write_nor_a_counted_visit() {
    let db = match std::env::var("TEST_DATABASE_URL") {
        Ok(_) => fresh_database().await,
        Err(_) => None,
    };
    let mut server = Server::start(db.as_deref(), &[("SLUGBASE_MODE", "selfhosted")]).await;
    let admin = server.setup_admin("ada@example.com").await;
    let hot = create_link(&server, &admin, "hot", "https://hot.example.com/").await;

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(Mutex::new(Vec::<String>::new()));
    // Visits answered (the time each was answered, in ms since `t0`).
    let t0 = Instant::now();
    let visits = Arc::new(Mutex::new(Vec::<u64>::new()));
    let n = Arc::new(AtomicU64::new(0));
    let mut load = Vec::new();
    for w in 0..4 {
        let (base, admin, stop, written, n, c) = (
            server.base.clone(),
            admin.clone(),
            stop.clone(),
            written.clone(),
            n.clone(),
            client.clone(),
        );
        load.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let i = n.fetch_add(1, Ordering::Relaxed);
                let slug = format!("w{w}-{i}");
                let res = c
                    .post(format!("{base}/api/bookmarks"))
                    .bearer_auth(&admin)
                    .json(&json!({"title": slug, "url": "https://example.com/", "slug": slug}))
                    .send()
                    .await;
                let Ok(res) = res else { break };
                if res.status() != StatusCode::CREATED {
                    break;
                }
                let Ok(v) = res.json::<Value>().await else {
                    break;
                };
                written
                    .lock()
                    .unwrap()
                    .push(v["id"].as_str().unwrap().to_string());
            }
        }));
    }
    for _ in 0..4 {
        let (base, admin, stop, visits) = (
            server.base.clone(),
            admin.clone(),
            stop.clone(),
            visits.clone(),
        );
        load.push(tokio::spawn(async move {
            let c = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            while !stop.load(Ordering::Relaxed) {
                let Ok(res) = c
                    .get(format!("{base}/go/hot"))
                    .bearer_auth(&admin)
                    .send()
                    .await
                else {
                    break;
                };
                if res.status() != StatusCode::FOUND {
                    break;
                }
                visits.lock().unwrap().push(t0.elapsed().as_millis() as u64);
            }
        }));
    }
    // Load until enough has happened, however slow the machine: writes answered, and visits
    // that a flush has written (what the API reports is what the database holds).
    let deadline = Instant::now() + Duration::from_secs(60);
    while written.lock().unwrap().len() <= 20 || access_count(&server, &admin, &hot).await < 20 {
        assert!(Instant::now() < deadline, "the load made no headway");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let counted_before = access_count(&server, &admin, &hot).await;
    server.kill9();
    stop.store(true, Ordering::Relaxed);
    for t in load {
        let _ = t.await;
    }

    let server = server.restart().await;
    let admin = server.login("ada@example.com").await;
    let written = written.lock().unwrap().clone();
    assert!(written.len() > 20, "the load wrote ({})", written.len());
    for id in &written {
        let res = server
            .get(&format!("/api/bookmarks/{id}"), Some(&admin))
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "acknowledged bookmark {id} survived"
        );
    }
    let visits = visits.lock().unwrap().len() as i64;
    let got = access_count(&server, &admin, &hot).await;
    eprintln!(
        "kill -9: {} writes acknowledged, all kept; {visits} visits answered, \
         {counted_before} counted before the kill, {got} after",
        written.len(),
    );
    assert!(
        got >= counted_before,
        "{got} visits counted after the restart, {counted_before} before the kill"
    );
    assert!(got <= visits, "never more than were made");
}
