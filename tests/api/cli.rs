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
        .env("RUST_LOG", "warn")
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
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
    assert!(token.starts_with("sb_"));
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

    let out = slugbase(
        &app,
        &[
            "token",
            "create",
            "--email",
            "ada@example.com",
            "--name",
            "  deploy  ",
            "--org",
            &org,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_string();
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

    let stranger = slugbase(
        &app,
        &[
            "token",
            "create",
            "--email",
            "ada@example.com",
            "--name",
            "x",
            "--org",
            "00000000-0000-0000-0000-000000000000",
        ],
    );
    assert!(!stranger.status.success());
    assert!(String::from_utf8_lossy(&stranger.stderr).contains("Not a member of this organization"));
    let unnamed = slugbase(
        &app,
        &[
            "token",
            "create",
            "--email",
            "ada@example.com",
            "--name",
            " ",
        ],
    );
    assert!(!unnamed.status.success());
    assert!(String::from_utf8_lossy(&unnamed.stderr).contains("Token name is required"));

    for i in 1..10 {
        expect(
            app.post(
                "/api/tokens",
                Some(&ada.jwt),
                json!({ "name": format!("t{i}") }),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
    }
    let eleventh = slugbase(
        &app,
        &[
            "token",
            "create",
            "--email",
            "ada@example.com",
            "--name",
            "one more",
        ],
    );
    assert!(
        !eleventh.status.success(),
        "ten live tokens is the limit here too"
    );
    assert!(String::from_utf8_lossy(&eleventh.stderr).contains("Maximum of 10 tokens per user"));
    let listed = expect(app.get("/api/tokens", Some(&ada.jwt)).await, StatusCode::OK).await;
    assert_eq!(listed.as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn user_create_in_cloud_gives_the_person_their_own_workspace() {
    let app = spawn_app(Mode::Cloud).await;
    let out = slugbase(
        &app,
        &[
            "user",
            "create",
            "--email",
            "di@example.com",
            "--name",
            "Di",
            "--password",
            PASSWORD,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let di = app.login_ok("di@example.com").await;
    let orgs = expect(
        app.get("/api/organizations", Some(&di.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(orgs.as_array().unwrap().len(), 1);
    assert_eq!(orgs[0]["name"], "Di's Workspace");
    assert_eq!(orgs[0]["role"], "owner");
    assert_eq!(orgs[0]["plan"], "free");
}
