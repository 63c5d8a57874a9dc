//! The link checker as it runs in the server: against real HTTP servers on loopback, started
//! here, which record every request they get.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::{header, Method, StatusCode as Code, Uri};
use axum::response::{IntoResponse, Response};
use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::{Config, Mode};

use crate::helpers::{expect, spawn_with, Person, TestApp};
use crate::library::{bookmark, get_ok, id};

/// A request a test server got: method, path, when.
type Hit = (Method, String, Instant);

/// A server on `ip` answering by path, recording every request.
struct Site {
    port: u16,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Site {
    async fn start(ip: &str) -> Self {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&hits));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { port, hits }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    fn paths(&self) -> Vec<String> {
        self.hits()
            .into_iter()
            .map(|(m, p, _)| format!("{m} {p}"))
            .collect()
    }
}

fn redirect(code: Code, to: &str) -> Response {
    (code, [(header::LOCATION, to.to_string())]).into_response()
}

async fn answer(State(hits): State<Arc<Mutex<Vec<Hit>>>>, method: Method, uri: Uri) -> Response {
    let path = uri.path().to_string();
    hits.lock()
        .unwrap()
        .push((method.clone(), path.clone(), Instant::now()));
    match path.as_str() {
        "/moved" => redirect(Code::MOVED_PERMANENTLY, "/moved-again"),
        "/moved-again" => redirect(Code::PERMANENT_REDIRECT, "/ok"),
        "/temporary" => redirect(Code::FOUND, "/ok"),
        "/missing" => Code::NOT_FOUND.into_response(),
        "/gone" => Code::GONE.into_response(),
        "/error" => Code::INTERNAL_SERVER_ERROR.into_response(),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Code::OK.into_response()
        }
        "/no-head" if method == Method::HEAD => Code::METHOD_NOT_ALLOWED.into_response(),
        "/loop" => redirect(Code::FOUND, "/loop-back"),
        "/loop-back" => redirect(Code::FOUND, "/loop"),
        p if p.starts_with("/to/") => {
            // `/to/<host:port>/<path>`: a redirect elsewhere.
            redirect(Code::FOUND, &format!("http://{}", &p[4..]))
        }
        _ => Code::OK.into_response(),
    }
}

/// Fast checks, against loopback servers.
fn fast(c: &mut Config) {
    c.link_check_concurrency = 8;
    c.link_check_allow_private = true;
    c.link_check_timeout_secs = 1;
    c.link_check_poll_ms = 100;
}

async fn add(app: &TestApp, who: &Person, url: &str) -> String {
    id(&bookmark(app, who, json!({"title": url, "url": url})).await)
}

/// The bookmark once its link check has recorded something other than `unknown`.
async fn checked(app: &TestApp, who: &Person, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let b = get_ok(app, who, &format!("/api/bookmarks/{id}")).await;
        if b["link_status"] != "unknown" {
            return b;
        }
        assert!(Instant::now() < deadline, "never checked: {b}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn outcome(b: &Value) -> (String, Value, Value) {
    (
        b["link_status"].as_str().unwrap().to_string(),
        b["link_status_code"].clone(),
        b["link_final_url"].clone(),
    )
}

#[tokio::test]
async fn the_checker_records_what_each_url_answers_and_the_list_filters_by_it() {
    let site = Site::start("127.0.0.1").await;
    let app = spawn_with(Mode::Selfhosted, fast).await;
    let alice = app.setup_admin("alice@example.com").await;
    let base = format!("http://127.0.0.1:{}", site.port);
    let cases = [
        ("/ok", "ok", json!(200), Value::Null),
        (
            "/moved",
            "redirected",
            json!(200),
            json!(format!("{base}/ok")),
        ),
        ("/temporary", "ok", json!(200), Value::Null),
        ("/missing", "broken", json!(404), Value::Null),
        ("/gone", "broken", json!(410), Value::Null),
        ("/error", "broken", json!(500), Value::Null),
        ("/slow", "unreachable", Value::Null, Value::Null),
        ("/no-head", "ok", json!(200), Value::Null),
        ("/loop", "broken", Value::Null, Value::Null),
    ];
    let mut ids = Vec::new();
    for (path, ..) in &cases {
        ids.push(add(&app, &alice, &format!("{base}{path}")).await);
    }
    let fresh = get_ok(&app, &alice, &format!("/api/bookmarks/{}", ids[0])).await;
    assert!(fresh.get("link_checked_at").is_some(), "{fresh}");
    for ((path, status, code, final_url), id) in cases.iter().zip(&ids) {
        let b = checked(&app, &alice, id).await;
        assert_eq!(
            outcome(&b),
            (status.to_string(), code.clone(), final_url.clone()),
            "{path}: {b}"
        );
        assert!(b["link_checked_at"].is_string(), "{b}");
    }
    let paths = site.paths();
    assert!(
        paths.contains(&"HEAD /no-head".to_string()) && paths.contains(&"GET /no-head".to_string()),
        "HEAD refused, then GET: {paths:?}"
    );
    assert_eq!(
        paths.iter().filter(|p| p.ends_with(" /ok")).count(),
        3,
        "each URL is checked once: {paths:?}"
    );

    let broken = get_ok(&app, &alice, "/api/bookmarks?link_status=broken").await;
    let mut titles: Vec<String> = broken["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            b["url"]
                .as_str()
                .unwrap()
                .trim_start_matches(&base)
                .to_string()
        })
        .collect();
    titles.sort();
    assert_eq!(titles, ["/error", "/gone", "/loop", "/missing"]);
    assert_eq!(broken["total"], 4);
    let ids_only = get_ok(&app, &alice, "/api/bookmarks/ids?link_status=unreachable").await;
    assert_eq!(ids_only["ids"], json!([ids[6]]));
    let ok = get_ok(&app, &alice, "/api/bookmarks?link_status=ok&limit=500").await;
    assert_eq!(ok["total"], 3);
    for bad in ["bogus", "OK"] {
        for path in ["/api/bookmarks", "/api/bookmarks/ids"] {
            let res = app
                .get(&format!("{path}?link_status={bad}"), Some(&alice.jwt))
                .await;
            let body = expect(res, StatusCode::BAD_REQUEST).await;
            assert!(
                body["error"].as_str().unwrap().contains("link_status"),
                "{body}"
            );
        }
    }
}

#[tokio::test]
async fn one_host_is_asked_at_most_once_a_second() {
    let site = Site::start("127.0.0.1").await;
    let app = spawn_with(Mode::Selfhosted, fast).await;
    let alice = app.setup_admin("alice@example.com").await;
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(
            add(
                &app,
                &alice,
                &format!("http://127.0.0.1:{}/page/{n}", site.port),
            )
            .await,
        );
    }
    for id in &ids {
        assert_eq!(checked(&app, &alice, id).await["link_status"], "ok");
    }
    let mut times: Vec<Instant> = site.hits().into_iter().map(|(.., t)| t).collect();
    times.sort();
    assert_eq!(times.len(), 4, "{:?}", site.paths());
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        // The gap runs from the end of one check, so the host never sees less than a second.
        assert!(gap >= Duration::from_secs(1), "only {gap:?} apart");
    }
}

#[tokio::test]
async fn private_addresses_are_refused_also_after_a_redirect() {
    // The "public" site (127.0.0.2, declared allowed) and a private one it points at.
    let public = Site::start("127.0.0.2").await;
    let private = Site::start("127.0.0.1").await;
    let app = spawn_with(Mode::Selfhosted, |c| {
        fast(c);
        c.link_check_allow_private = false;
        c.link_check_resolve = Some("public.test=127.0.0.2".into());
        c.link_check_allow_addrs = Some("127.0.0.2".into());
    })
    .await;
    let alice = app.setup_admin("alice@example.com").await;
    let p = private.port;
    let site = format!("http://public.test:{}", public.port);
    let allowed = add(&app, &alice, &format!("{site}/ok")).await;
    let refused = [
        format!("{site}/to/127.0.0.1:{p}/secret"),
        format!("{site}/to/localhost:{p}/secret"),
        format!("{site}/to/169.254.169.254/latest/meta-data"),
        format!("{site}/to/[::ffff:127.0.0.1]:{p}/secret"),
        format!("http://127.0.0.1:{p}/direct"),
        format!("http://localhost:{p}/direct"),
    ];
    let mut ids = Vec::new();
    for url in &refused {
        ids.push(add(&app, &alice, url).await);
    }
    assert_eq!(checked(&app, &alice, &allowed).await["link_status"], "ok");
    for (url, id) in refused.iter().zip(&ids) {
        let b = checked(&app, &alice, id).await;
        assert_eq!(
            outcome(&b),
            ("unreachable".into(), Value::Null, Value::Null),
            "{url}"
        );
    }
    assert_eq!(private.paths(), Vec::<String>::new(), "nothing reached it");
    assert_eq!(public.hits().len(), 5, "{:?}", public.paths());
}

#[tokio::test]
async fn a_check_can_be_asked_for_by_anyone_who_sees_the_bookmark() {
    let site = Site::start("127.0.0.1").await;
    // No background checks: what changes, the endpoint did.
    let app = spawn_with(Mode::Selfhosted, |c| {
        fast(c);
        c.link_check_concurrency = 0;
    })
    .await;
    let alice = app.setup_admin("alice@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let carol = app.add_user("carol@example.com").await;
    let url = format!("http://127.0.0.1:{}/missing", site.port);
    let b = id(&bookmark(
        &app,
        &alice,
        json!({"title": "Shared", "url": url, "user_ids": [bob.id]}),
    )
    .await);
    let path = format!("/api/bookmarks/{b}/check");
    let before = get_ok(&app, &alice, &format!("/api/bookmarks/{b}")).await;
    assert_eq!(
        outcome(&before),
        ("unknown".into(), Value::Null, Value::Null)
    );
    assert_eq!(before["link_checked_at"], Value::Null);

    let res = app.post(&path, Some(&alice.jwt), json!({})).await;
    let out = expect(res, StatusCode::OK).await;
    assert_eq!(outcome(&out), ("broken".into(), json!(404), Value::Null));
    assert_eq!(out["id"], json!(b));
    assert!(out["link_checked_at"].is_string());
    // Shared with Bob: he may ask too, and sees it as shared.
    let res = app.post(&path, Some(&bob.jwt), json!({})).await;
    let seen = expect(res, StatusCode::OK).await;
    assert_eq!(seen["bookmark_type"], "shared");
    assert_eq!(seen["link_status"], "broken");
    assert_eq!(site.hits().len(), 2, "{:?}", site.paths());
    // Carol cannot see it; nor can anyone a missing or malformed id.
    let res = app.post(&path, Some(&carol.jwt), json!({})).await;
    expect(res, StatusCode::NOT_FOUND).await;
    for missing in ["00000000-0000-4000-8000-000000000000", "nope"] {
        let res = app
            .post(
                &format!("/api/bookmarks/{missing}/check"),
                Some(&alice.jwt),
                json!({}),
            )
            .await;
        expect(res, StatusCode::NOT_FOUND).await;
    }
    let res = app.post(&path, None, json!({})).await;
    expect(res, StatusCode::UNAUTHORIZED).await;
    assert_eq!(site.hits().len(), 2, "refused requests check nothing");
}

#[tokio::test]
async fn another_organization_cannot_check_a_bookmark() {
    let site = Site::start("127.0.0.1").await;
    let app = spawn_with(Mode::Cloud, |c| {
        fast(c);
        c.link_check_concurrency = 0;
    })
    .await;
    let alice = app.signup("alice@example.com", "Alice").await;
    let mallory = app.signup("mallory@example.com", "Mallory").await;
    let url = format!("http://127.0.0.1:{}/ok", site.port);
    let b = add(&app, &alice, &url).await;
    let res = app
        .post(
            &format!("/api/bookmarks/{b}/check"),
            Some(&mallory.jwt),
            json!({}),
        )
        .await;
    expect(res, StatusCode::NOT_FOUND).await;
    assert!(site.hits().is_empty());
}

#[tokio::test]
async fn a_changed_url_is_due_again_at_once() {
    let site = Site::start("127.0.0.1").await;
    let app = spawn_with(Mode::Selfhosted, |c| {
        fast(c);
        // Only a wake-up can make the second check this soon.
        c.link_check_poll_ms = 60_000;
    })
    .await;
    let alice = app.setup_admin("alice@example.com").await;
    let base = format!("http://127.0.0.1:{}", site.port);
    let b = add(&app, &alice, &format!("{base}/ok")).await;
    assert_eq!(checked(&app, &alice, &b).await["link_status"], "ok");
    let path = format!("/api/bookmarks/{b}");
    // Another field changes nothing about the check.
    let res = app
        .put(&path, Some(&alice.jwt), json!({"title": "Renamed"}))
        .await;
    assert_eq!(expect(res, StatusCode::OK).await["link_status"], "ok");
    let res = app
        .put(
            &path,
            Some(&alice.jwt),
            json!({"url": format!("{base}/gone")}),
        )
        .await;
    let changed = expect(res, StatusCode::OK).await;
    assert_eq!(
        outcome(&changed),
        ("unknown".into(), Value::Null, Value::Null)
    );
    assert_eq!(changed["link_checked_at"], Value::Null);
    let b2 = checked(&app, &alice, &b).await;
    assert_eq!(outcome(&b2), ("broken".into(), json!(410), Value::Null));
    assert_eq!(site.paths(), ["HEAD /ok", "HEAD /gone"]);
}
