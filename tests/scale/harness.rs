//! The harness itself: a server starts on SQLite and on a private PostgreSQL, and stops.

use std::time::Duration;

use reqwest::StatusCode;

use crate::support::{PrivatePostgres, Server};

#[tokio::test]
async fn a_server_on_sqlite_answers_health_and_dies_by_kill_9() {
    let mut server = Server::start(None, &[]).await;
    let res = server.get("/api/health", None).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let status = server.kill9();
    assert!(!status.success(), "{status}");
    // Same data folder: the admin made before the kill is still there.
    let again = server.restart().await;
    assert_eq!(
        again.get("/api/health", None).await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_server_on_a_private_postgres_keeps_its_data_across_a_restart() {
    let pg = PrivatePostgres::start();
    let url = pg.create_database("harness");
    let mut server = Server::start(Some(&url), &[]).await;
    server.setup_admin("admin@example.com").await;
    server.sigterm();
    assert!(server.wait_exit(Duration::from_secs(10)).success());
    let again = server.restart().await;
    again.login("admin@example.com").await;
    assert_eq!(pg.psql_on("harness", "SELECT count(*) FROM users"), "1");
}
