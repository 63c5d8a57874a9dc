//! Several `slugbase serve` processes on one PostgreSQL: a rate limit is counted once for all of
//! them, not once per instance, and a scheduled job runs on one instance at a time (its lease).
//!
//! The two-server tests need `TEST_DATABASE_URL` (an SQLite database is opened by one process,
//! by design) and say so when they skip; the lease and cleanup tests run on both databases.

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::args;
use slugbase::config::Mode;
use slugbase::store::{leases, rate_limits, Store};
use tokio::task::JoinSet;

use crate::helpers::{spawn_app, spawn_with, TestApp, PASSWORD};

fn on_postgres(test: &str) -> bool {
    let on = std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty());
    if !on {
        eprintln!("{test}: skipped, two instances need TEST_DATABASE_URL (PostgreSQL)");
    }
    on
}

/// Sends every request at once, alternating between the two servers; the statuses in any order.
async fn hammer(
    instances: [&TestApp; 2],
    path: &str,
    bearer: Option<&str>,
    bodies: Vec<Value>,
) -> Vec<StatusCode> {
    let mut sent = JoinSet::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let app = instances[i % 2];
        let mut req = app.client.post(app.url(path)).json(&body);
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        sent.spawn(async move { req.send().await.unwrap().status() });
    }
    sent.join_all().await
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[tokio::test]
async fn failed_sign_ins_spread_over_two_instances_are_limited_once_not_twice() {
    if !on_postgres("failed_sign_ins_spread_over_two_instances") {
        return;
    }
    let limit = |c: &mut slugbase::config::Config| c.rate_limit_auth_per_minute = 5;
    let a = spawn_with(Mode::Selfhosted, limit).await;
    let b = a.reopen_with(limit).await;
    a.setup_admin("ada@example.com").await;

    let wrong = vec![json!({"email": "ada@example.com", "password": "wrong-password"}); 20];
    let statuses = hammer([&a, &b], "/api/auth/login", None, wrong).await;
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        5,
        "five attempts a minute from one address, whichever instance answers: {statuses:?}"
    );
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 15);

    // Either instance now refuses even the right password, and says when to come back.
    for app in [&a, &b] {
        let res = app.login("ada@example.com", PASSWORD).await;
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=120).contains(&wait), "retry-after {wait}");
    }
}

#[tokio::test]
async fn api_tokens_made_on_two_instances_share_one_write_limit() {
    if !on_postgres("api_tokens_made_on_two_instances") {
        return;
    }
    let limit = |c: &mut slugbase::config::Config| c.rate_limit_write_per_minute = 2;
    let a = spawn_with(Mode::Selfhosted, limit).await;
    // The same data folder, so the same signing secret: a sign-in on one is good on the other.
    let b = a.reopen_with(limit).await;
    let ada = a.setup_admin("ada@example.com").await;

    let names = (0..6).map(|i| json!({"name": format!("t{i}")})).collect();
    let statuses = hammer([&a, &b], "/api/tokens", Some(&ada.jwt), names).await;
    assert_eq!(count(&statuses, StatusCode::CREATED), 2, "{statuses:?}");
    assert_eq!(count(&statuses, StatusCode::TOO_MANY_REQUESTS), 4);
    let listed =
        crate::helpers::expect(b.get("/api/tokens", Some(&ada.jwt)).await, StatusCode::OK).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        2,
        "nothing was made past the limit"
    );
}

/// Takes (or renews) the lease `job` for `holder` as of `now`, for one second.
async fn take(store: &Store, job: &str, holder: &str, now: i64) -> bool {
    let mut tx = store.begin().await.unwrap();
    let taken = leases::try_take(&mut tx.conn(), job, holder, now, now + 1_000)
        .await
        .unwrap();
    tx.commit_quietly().await.unwrap();
    taken
}

#[tokio::test]
async fn of_instances_racing_for_a_lease_one_wins_and_another_takes_over_once_it_runs_out() {
    let app = spawn_app(Mode::Selfhosted).await;
    let store = &app.state.store;
    let mut racing = JoinSet::new();
    for i in 0..6 {
        let store = store.clone();
        racing.spawn(async move {
            let holder = format!("instance-{i}");
            let won = take(&store, "nightly", &holder, 10_000).await;
            (holder, won)
        });
    }
    let tries = racing.join_all().await;
    let winners: Vec<&String> = tries.iter().filter(|t| t.1).map(|t| &t.0).collect();
    assert_eq!(winners.len(), 1, "{tries:?}");
    let winner = winners[0].as_str();
    let other = tries.iter().find(|t| !t.1).unwrap().0.as_str();

    assert!(
        !take(store, "nightly", other, 10_999).await,
        "held until it runs out"
    );
    assert!(
        take(store, "nightly", winner, 10_500).await,
        "the holder renews it"
    );
    assert!(
        !take(store, "nightly", other, 11_000).await,
        "renewed to 11.5 s"
    );
    assert!(
        take(store, "nightly", other, 11_500).await,
        "run out: taken over"
    );
    assert!(
        !take(store, "nightly", winner, 11_600).await,
        "the old holder is out now"
    );
    assert!(
        take(store, "another job", winner, 11_600).await,
        "leases are per job"
    );
}

async fn rows(app: &TestApp, sql: &str) -> i64 {
    let mut db = app.state.store.read().await.unwrap();
    db.conn().scalar(sql, args![]).await.unwrap()
}

#[tokio::test]
async fn counts_add_up_per_window_and_the_cleanup_keeps_only_what_is_still_read() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let minute = 60_000_i64;
    let now = 1_000 * minute + 30_000;
    let (current, previous) = (1_000 * minute, 999 * minute);

    let mut tx = app.state.store.begin().await.unwrap();
    for (start, n) in [(previous, 3), (current, 2)] {
        for _ in 0..n {
            rate_limits::hit(&mut tx.conn(), "auth:login:x", start, start - minute)
                .await
                .unwrap();
        }
    }
    let counted = rate_limits::hit(&mut tx.conn(), "auth:login:x", current, previous)
        .await
        .unwrap();
    assert_eq!(counted, (3, 3), "this window's count and the one before");
    let other = rate_limits::hit(&mut tx.conn(), "auth:login:y", current, previous)
        .await
        .unwrap();
    assert_eq!(other, (1, 0), "keys count apart");
    tx.commit_quietly().await.unwrap();
    app.exec(
        &format!(
            "INSERT INTO rate_limit_hits (key, window_start, count) VALUES ('auth:login:x', {}, 9)",
            998 * minute
        ),
        &[],
    )
    .await;
    app.exec(
        "INSERT INTO sessions (id, user_id, created_at, expires_at) VALUES ('old', $1, 0, 1)",
        &[&ada.id],
    )
    .await;
    let sessions_before = rows(&app, "SELECT COUNT(*) FROM sessions").await;

    slugbase::jobs::cleanup::round(&app.state.store, now)
        .await
        .unwrap();
    assert_eq!(
        // (On PostgreSQL the set-up above was counted too, in today's window: not ours.)
        rows(
            &app,
            "SELECT COUNT(*) FROM rate_limit_hits WHERE key LIKE 'auth:login:%'"
        )
        .await,
        3,
        "the windows two minutes old are gone; this one and the one before stay"
    );
    assert_eq!(
        rows(&app, "SELECT COUNT(*) FROM sessions").await,
        sessions_before - 1,
        "only the expired session is gone"
    );
    // Ada's own session (expiring years after `now`) still signs her in.
    crate::helpers::expect(
        app.get("/api/auth/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
}
