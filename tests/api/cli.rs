//! The command line against the same database as a running server.

use std::process::Command;

use reqwest::StatusCode;

use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, PASSWORD};

fn slugbase(app: &crate::helpers::TestApp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_slugbase"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", &app.data_dir)
        .env("DATABASE_URL", &app.database_url)
        .env("SLUGBASE_MODE", app.state.config.mode.as_str())
        // Chatty on purpose: every log line must go to stderr, never into the result on stdout.
        .env("RUST_LOG", "debug")
        .output()
        .expect("the binary runs")
}

#[tokio::test]
async fn user_create_then_token_create_give_a_working_token() {
    let app = spawn_app(Mode::Selfhosted).await;
    let admin = app.setup_admin("ada@example.com").await;
    let out = slugbase(
        &app,
        &[
            "user",
            "create",
            "--email",
            "Cy@Example.com",
            "--name",
            "Cy",
            "--password",
            PASSWORD,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert_eq!(id.len(), 36);

    let me = app.login_ok("cy@example.com").await;
    assert_eq!(me.id, id);
    let mut db = app.state.store.read().await.unwrap();
    let admin_org = slugbase::store::orgs::first_joined(&mut db.conn(), &admin.id)
        .await
        .unwrap()
        .unwrap();
    let role = slugbase::store::orgs::role_of(&mut db.conn(), &admin_org, &id)
        .await
        .unwrap();
    assert_eq!(
        role,
        Some(slugbase::domain::OrgRole::Member),
        "joins the first organization"
    );
    drop(db);

    let out = slugbase(
        &app,
        &[
            "token",
            "create",
            "--email",
            "cy@example.com",
            "--name",
            "deploy",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "only the token: {stdout}");
    assert!(!out.stderr.is_empty(), "the logs went to stderr");
    let token = stdout.trim().to_string();
    assert!(token.starts_with("sb_"), "{stdout}");
    let whoami = expect(app.get("/api/auth/me", Some(&token)).await, StatusCode::OK).await;
    assert_eq!(whoami["email"], "cy@example.com");
}

#[tokio::test]
async fn the_cli_refuses_bad_input_with_a_message() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    let dup = slugbase(
        &app,
        &[
            "user",
            "create",
            "--email",
            "ada@example.com",
            "--name",
            "A",
            "--password",
            PASSWORD,
        ],
    );
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    let weak = slugbase(
        &app,
        &[
            "user",
            "create",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--password",
            "weak",
        ],
    );
    assert!(!weak.status.success());
    let nobody = slugbase(
        &app,
        &[
            "token",
            "create",
            "--email",
            "nobody@example.com",
            "--name",
            "t",
        ],
    );
    assert!(!nobody.status.success());
    let plan = slugbase(
        &app,
        &[
            "org",
            "set-plan",
            "00000000-0000-0000-0000-000000000000",
            "team",
        ],
    );
    assert!(!plan.status.success());
    assert!(String::from_utf8_lossy(&plan.stderr).contains("no organization"));
}

#[tokio::test]
async fn set_plan_changes_an_organizations_plan_and_seats() {
    let app = spawn_app(Mode::Cloud).await;
    let bo = app.signup("bo@example.com", "Bo").await;
    let org = {
        let mut db = app.state.store.read().await.unwrap();
        slugbase::store::orgs::first_joined(&mut db.conn(), &bo.id)
            .await
            .unwrap()
            .unwrap()
    };
    let out = slugbase(
        &app,
        &["org", "set-plan", &org, "team", "--extra-seats", "3"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut db = app.state.store.read().await.unwrap();
    let o = slugbase::store::orgs::by_id(&mut db.conn(), &org)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (o.plan.as_str(), o.included_seats, o.extra_seats),
        ("team", 5, 3)
    );
    let bad = slugbase(&app, &["org", "set-plan", &org, "platinum"]);
    assert!(!bad.status.success());
}
