//! The command line against the same database as a running server.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;

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

/// Runs the command line, expecting success; what it printed, trimmed.
fn succeeds(app: &crate::helpers::TestApp, args: &[&str]) -> String {
    let out = slugbase(app, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Runs the command line, expecting a refusal that says `says`.
fn refused(app: &crate::helpers::TestApp, args: &[&str], says: &str) {
    let out = slugbase(app, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should be refused");
    assert!(stderr.contains(says), "{args:?}: {stderr}");
}

#[tokio::test]
async fn token_create_keeps_the_apis_rules_and_can_name_the_organization() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let org = expect(
        app.get("/api/session/org", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    let org = org["organizationId"].as_str().unwrap().to_string();
    let create = ["token", "create", "--email", "ada@example.com", "--name"];
    let with = |rest: &[&'static str]| [&create[..], rest].concat();

    let token = succeeds(
        &app,
        &[&create[..], &["  deploy  ", "--org", &org]].concat(),
    );
    let current = expect(
        app.get("/api/session/org", Some(&token)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        current["organizationId"],
        org.as_str(),
        "acts in the named organization"
    );
    let listed = expect(app.get("/api/tokens", Some(&ada.jwt)).await, StatusCode::OK).await;
    assert_eq!(
        listed[0]["name"], "deploy",
        "named as the API would name it"
    );

    let nowhere = ["x", "--org", "00000000-0000-0000-0000-000000000000"];
    refused(&app, &with(&nowhere), "Not a member of this organization");
    refused(&app, &with(&[" "]), "Token name is required");
    for i in 1..10 {
        let name = json!({ "name": format!("t{i}") });
        let res = app.post("/api/tokens", Some(&ada.jwt), name).await;
        expect(res, StatusCode::CREATED).await;
    }
    refused(&app, &with(&["one more"]), "Maximum of 10 tokens per user");
    let listed = expect(app.get("/api/tokens", Some(&ada.jwt)).await, StatusCode::OK).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        10,
        "the limit holds here too"
    );
}

#[tokio::test]
async fn user_create_in_cloud_gives_the_person_their_own_workspace() {
    let app = spawn_app(Mode::Cloud).await;
    let args = [
        "user",
        "create",
        "--email",
        "di@example.com",
        "--name",
        "Di",
        "--password",
    ];
    succeeds(&app, &[&args[..], &[PASSWORD]].concat());
    let di = app.login_ok("di@example.com").await;
    let orgs = expect(
        app.get("/api/organizations", Some(&di.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(orgs.as_array().unwrap().len(), 1);
    let own = &orgs[0];
    assert_eq!(
        (&own["name"], &own["role"], &own["plan"]),
        (&json!("Di's Workspace"), &json!("owner"), &json!("free"))
    );
}
