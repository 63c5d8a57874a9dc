//! `slugbase backup`, `export-data` and `import-data`, run as an operator runs them: the real
//! binary against the database of a server that was filled through the API. An installation
//! moves between SQLite and PostgreSQL (both ways when `TEST_DATABASE_URL` names a server) with
//! every row of every table intact, and the people in it can sign in and use their go-links.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Connection;

use slugbase::config::Mode;
use slugbase::store::transfer::{self, TABLES};
use slugbase::store::Store;

use crate::helpers::{enable_mfa, expect, fresh_pg, spawn_with, Person, PgDb, TestApp, PASSWORD};
use crate::library::{folder, tag, team};
use crate::tenancy::current_org;

fn slugbase(data_dir: &Path, database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_slugbase"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATA_DIR", data_dir)
        .env("DATABASE_URL", database_url)
        .env("SLUGBASE_MODE", "selfhosted")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn on(app: &TestApp, args: &[&str]) -> Output {
    slugbase(&app.data_dir, &app.database_url, args)
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The refusal's message (stderr), after checking it was a refusal and not a crash.
fn refused(out: Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "should have been refused: {stderr}");
    assert!(
        !stderr.contains("panicked"),
        "a refusal, not a panic: {stderr}"
    );
    stderr
}

fn sqlite_url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

/// A database no server has touched: PostgreSQL when the suite runs on it, else SQLite.
async fn empty_database(dir: &Path, postgres: bool) -> (String, Option<PgDb>) {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if postgres && !admin.is_empty() => {
            let (url, guard) = fresh_pg(&admin).await;
            (url, Some(guard))
        }
        _ => (sqlite_url(dir, "target.db"), None),
    }
}

fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// What an installation holds, as the people in it see it.
struct Installation {
    app: TestApp,
    alice: Person,
    bob: Person,
}

/// A self-hosted server (on `database_url`, or the suite's database) holding a row of every
/// kind, made through the API: people (one with two-factor sign-in), a team, a folder and a tag,
/// go-links shared with the team, a go preference, an invitation, a token, settings, an OIDC
/// provider, visits (per day too), an edit history and the audit log they leave.
async fn installation(database_url: Option<String>) -> Installation {
    let app = spawn_with(Mode::Selfhosted, |c| {
        if let Some(url) = database_url {
            c.database_url = Some(url);
        }
    })
    .await;
    let alice = app.setup_admin("alice@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let carol = app.add_user("carol@example.com").await;
    enable_mfa(&app, &carol).await;
    let org = current_org(&app, &alice).await;

    let ops = team(&app, &alice, "Ops", &[&bob]).await;
    let work = folder(&app, &alice, json!({"name": "Work", "team_ids": [ops]})).await;
    let docs = tag(&app, &alice, "docs").await;
    let wiki = expect(
        app.post(
            "/api/bookmarks",
            Some(&alice.jwt),
            json!({"title": "Team wiki", "url": "https://wiki.example.com/start", "slug": "wiki",
                   "forwarding_enabled": true, "pinned": true, "folder_ids": [work],
                   "tag_ids": [docs], "team_ids": [ops]}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    expect(
        app.post(
            "/api/bookmarks",
            Some(&bob.jwt),
            json!({"title": "Bob's wiki", "url": "https://bob.example.com/wiki", "slug": "wiki",
                   "forwarding_enabled": true}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    // Renamed and named back: two entries of its history, and the same title as before.
    for title in ["Wiki", "Team wiki"] {
        expect(
            app.put(
                &format!("/api/bookmarks/{wiki}"),
                Some(&alice.jwt),
                json!({"title": title}),
            )
            .await,
            StatusCode::OK,
        )
        .await;
    }
    expect(
        app.post(
            "/api/go/preferences",
            Some(&bob.jwt),
            json!({"slug": "wiki", "bookmark_id": wiki}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect(
        app.post(
            &format!("/api/organizations/{org}/invitations"),
            Some(&alice.jwt),
            json!({"email": "dan@example.com", "role": "member"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    expect(
        app.post("/api/tokens", Some(&alice.jwt), json!({"name": "deploy"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    expect(
        app.post(
            "/api/admin/settings",
            Some(&alice.jwt),
            json!({"key": "site_name", "value": "Acme links"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    expect(
        app.post(
            "/api/oidc-providers",
            Some(&alice.jwt),
            json!({"key": "corp", "name": "Corp SSO", "issuer_url": "https://sso.example.com",
                   "client_id": "slugbase", "client_secret": "s3cret-client",
                   "scopes": "email profile", "auto_create_users": true}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        app.go("/go/wiki", Some(&alice.jwt)).await.status(),
        StatusCode::FOUND
    );
    // The visit is counted in memory; written now, no background flush can change the
    // database between two reads of a test.
    app.state
        .access_counter
        .flush(&app.state.store)
        .await
        .unwrap();
    Installation { app, alice, bob }
}

/// Tables a full installation must have rows in (the rest may legitimately be empty, such as
/// sign-ins under way at a provider).
const FILLED: &[&str] = &[
    "instance_state",
    "users",
    "organizations",
    "org_members",
    "sessions",
    "api_tokens",
    "invitations",
    "user_mfa",
    "mfa_backup_codes",
    "bookmarks",
    "folders",
    "tags",
    "bookmark_folders",
    "bookmark_tags",
    "teams",
    "team_members",
    "bookmark_team_shares",
    "folder_team_shares",
    "go_preferences",
    "audit_events",
    "org_settings",
    "oidc_providers",
    "go_redirect_hours",
    "bookmark_history",
    "bookmark_visit_days",
];

/// An export as comparable data: table → (columns, rows sorted), so two databases that order
/// text differently still compare equal when they hold the same rows.
type Tables = BTreeMap<String, (Value, Vec<String>)>;

fn read_export(file: &Path) -> (Value, Tables) {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    let head: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let mut tables = Tables::new();
    let mut current = String::new();
    for line in lines {
        let v: Value = serde_json::from_str(line).unwrap();
        if let Some(t) = v["table"].as_str() {
            current = t.to_string();
            tables.insert(current.clone(), (v["columns"].clone(), vec![]));
        } else if v.is_array() {
            tables.get_mut(&current).unwrap().1.push(line.to_string());
        }
    }
    for (_, rows) in tables.values_mut() {
        rows.sort();
    }
    (head, tables)
}

fn export(data_dir: &Path, url: &str, file: &Path) -> Tables {
    ok(slugbase(
        data_dir,
        url,
        &["export-data", file.to_str().unwrap()],
    ));
    read_export(file).1
}

fn assert_same(from: &Tables, to: &Tables) {
    assert_eq!(
        from.keys().collect::<Vec<_>>(),
        to.keys().collect::<Vec<_>>()
    );
    for (table, (cols, rows)) in from {
        assert_eq!(&to[table].0, cols, "{table}: columns");
        assert_eq!(&to[table].1, rows, "{table}: rows");
    }
}

fn assert_filled(tables: &Tables) {
    let empty: Vec<&&str> = FILLED.iter().filter(|t| tables[**t].1.is_empty()).collect();
    assert!(empty.is_empty(), "no rows in {empty:?}");
}

/// A server on `database_url` serves the installation as before: the people sign in with their
/// passwords (Carol is asked for her second factor), go-links and Bob's preference redirect,
/// and search finds the bookmarks.
async fn serves_the_installation(dir: &Path, database_url: &str) {
    let (dir, url) = (dir.to_path_buf(), database_url.to_string());
    let app = spawn_with(Mode::Selfhosted, |c| {
        c.data_dir = dir;
        c.database_url = Some(url);
    })
    .await;
    let alice = app.login_ok("alice@example.com").await;
    let bob = app.login_ok("bob@example.com").await;
    let carol = expect(
        app.login("carol@example.com", PASSWORD).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(carol["mfa_required"], true);
    for who in [&alice, &bob] {
        let res = app.go("/go/wiki", Some(&who.jwt)).await;
        assert_eq!(res.status(), StatusCode::FOUND, "{}", who.email);
        assert_eq!(
            res.headers()["location"],
            "https://wiki.example.com/start",
            "{}",
            who.email
        );
    }
    let found = expect(
        app.get("/api/bookmarks?q=wiki", Some(&alice.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["items"][0]["title"], "Team wiki");
}

#[tokio::test]
async fn transfer_lists_every_table_the_migrations_create() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = empty_database(dir.path(), on_postgres()).await;
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let mut db = store.begin().await.unwrap();
    assert_eq!(
        transfer::unlisted_tables(&mut db.conn()).await.unwrap(),
        Vec::<String>::new(),
        "add new tables to store::transfer::TABLES, parents first"
    );
    for t in TABLES {
        assert!(
            !transfer::columns(&mut db.conn(), t)
                .await
                .unwrap()
                .is_empty(),
            "{t} is listed but no migration creates it"
        );
    }
    drop(db);
    store.close().await;
}

#[tokio::test]
async fn transfer_backup_copies_a_live_sqlite_database() {
    // SQLite on every run, also when the suite runs on PostgreSQL.
    let db_dir = tempfile::tempdir().unwrap();
    let Installation { app, alice, .. } =
        installation(Some(sqlite_url(db_dir.path(), "live.db"))).await;
    let copy = app.data_dir.join("copy.db");
    let file = copy.to_str().unwrap();
    // A copy made while people keep writing is a whole database: intact, no dangling keys.
    let writes = {
        let (client, url, jwt) = (
            app.client.clone(),
            app.url("/api/bookmarks"),
            alice.jwt.clone(),
        );
        tokio::spawn(async move {
            for i in 0..30 {
                let res = client
                    .post(&url)
                    .bearer_auth(&jwt)
                    .json(&json!({"title": format!("busy {i}"), "url": format!("https://busy.example.com/{i}")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), StatusCode::CREATED);
            }
        })
    };
    let busy = app.data_dir.join("busy.db");
    // Off the test's thread, so the server and the writes go on while the copy is made.
    let (data_dir, url, target) = (
        app.data_dir.clone(),
        app.database_url.clone(),
        busy.to_str().unwrap().to_string(),
    );
    let backup =
        tokio::task::spawn_blocking(move || slugbase(&data_dir, &url, &["backup", &target]));
    ok(backup.await.unwrap());
    writes.await.unwrap();
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", busy.display()))
        .await
        .unwrap();
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let dangling: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(&mut c)
        .await
        .unwrap();
    assert!(dangling.is_empty(), "{dangling:?}");
    c.close().await.unwrap();

    // Made while the server runs but nobody writes, the copy holds what the database holds.
    ok(on(&app, &["backup", file]));
    let live = export(
        &app.data_dir,
        &app.database_url,
        &app.data_dir.join("live.jsonl"),
    );
    let copied = export(
        &app.data_dir,
        &sqlite_url(&app.data_dir, "copy.db"),
        &app.data_dir.join("copy.jsonl"),
    );
    assert_same(&live, &copied);
    assert!(!live["bookmarks"].1.is_empty());

    let before = std::fs::read(&copy).unwrap();
    let said = refused(on(&app, &["backup", file]));
    assert!(said.contains("already exists"), "{said}");
    assert_eq!(std::fs::read(&copy).unwrap(), before, "left as it was");

    let copy_dir = tempfile::tempdir().unwrap();
    std::fs::rename(&copy, copy_dir.path().join("slugbase.db")).unwrap();
    serves_the_installation(copy_dir.path(), &sqlite_url(copy_dir.path(), "slugbase.db")).await;
}

#[tokio::test]
async fn transfer_backup_of_postgresql_points_to_pg_dump() {
    if !on_postgres() {
        eprintln!("skipped: set TEST_DATABASE_URL to run on PostgreSQL");
        return;
    }
    let Installation { app, .. } = installation(None).await;
    let copy = app.data_dir.join("copy.db");
    let said = refused(on(&app, &["backup", copy.to_str().unwrap()]));
    assert!(said.contains("pg_dump"), "{said}");
    assert!(!copy.exists());
}

/// Export from `source` (a filled installation), import into a new database, export that, and
/// compare; then serve the imported database.
async fn moves_without_loss(source: Option<String>, target_on_postgres: bool) {
    let Installation { mut app, .. } = installation(source).await;
    app.shut_down().await;
    let work = tempfile::tempdir().unwrap();
    let from = export(
        &app.data_dir,
        &app.database_url,
        &work.path().join("from.jsonl"),
    );
    assert_filled(&from);

    let target_dir = tempfile::tempdir().unwrap();
    let (target, _pg) = empty_database(target_dir.path(), target_on_postgres).await;
    let said = ok(slugbase(
        target_dir.path(),
        &target,
        &[
            "import-data",
            work.path().join("from.jsonl").to_str().unwrap(),
        ],
    ));
    assert!(said.contains("imported"), "{said}");
    let to = export(target_dir.path(), &target, &work.path().join("to.jsonl"));
    assert_same(&from, &to);
    serves_the_installation(target_dir.path(), &target).await;
}

#[tokio::test]
async fn transfer_from_sqlite_into_the_suites_database_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    moves_without_loss(Some(sqlite_url(dir.path(), "source.db")), true).await;
}

#[tokio::test]
async fn transfer_from_the_suites_database_into_sqlite_loses_nothing() {
    moves_without_loss(None, false).await;
}

#[tokio::test]
async fn transfer_import_refuses_a_database_that_holds_data_and_changes_nothing() {
    let Installation { app, alice, .. } = installation(None).await;
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("export.jsonl");
    let before = export(&app.data_dir, &app.database_url, &file);

    let said = refused(on(&app, &["import-data", file.to_str().unwrap()]));
    assert!(said.contains("already holds data"), "{said}");
    let after = export(
        &app.data_dir,
        &app.database_url,
        &work.path().join("after.jsonl"),
    );
    assert_same(&before, &after);
    app.login_ok(&alice.email).await;

    let said = refused(on(&app, &["export-data", file.to_str().unwrap()]));
    assert!(said.contains("already exists"), "{said}");
}

#[tokio::test]
async fn transfer_import_refuses_a_malformed_file_clearly_and_imports_nothing() {
    let Installation { app, bob, .. } = installation(None).await;
    let work = tempfile::tempdir().unwrap();
    let good = work.path().join("good.jsonl");
    export(&app.data_dir, &app.database_url, &good);
    let text = std::fs::read_to_string(&good).unwrap();
    let lines: Vec<&str> = text.lines().collect();

    // Bob's row of `users`, with `is_admin` (a boolean) given as a number.
    let users = lines
        .iter()
        .position(|l| l.contains("\"table\":\"users\""))
        .unwrap();
    let bobs = (users + 1..lines.len())
        .find(|i| lines[*i].contains(&bob.id))
        .unwrap();
    let mut wrong_type: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    wrong_type[bobs] = wrong_type[bobs].replacen("false", "0", 1);

    let cases: Vec<(&str, String, &str)> = vec![
        ("empty", String::new(), "empty"),
        (
            "text",
            "hello, world\n".into(),
            "not a SlugBase data export",
        ),
        (
            "other json",
            "{\"bookmarks\": []}\n".into(),
            "not a SlugBase data export",
        ),
        (
            "newer format",
            text.replacen("\"version\":1", "\"version\":99", 1),
            "format version 99",
        ),
        ("cut off", lines[..lines.len() / 2].join("\n"), "cut off"),
        (
            "no closing line",
            lines[..lines.len() - 1].join("\n"),
            "cut off",
        ),
        ("wrong type", wrong_type.join("\n"), "is_admin"),
        (
            "broken line",
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| if i == bobs { "[\"oops" } else { l })
                .collect::<Vec<_>>()
                .join("\n"),
            "not JSON",
        ),
    ];
    for (what, content, message) in cases {
        let target_dir = tempfile::tempdir().unwrap();
        let (target, _pg) = empty_database(target_dir.path(), on_postgres()).await;
        let file = work.path().join(format!("{what}.jsonl"));
        std::fs::write(&file, content).unwrap();
        let said = refused(slugbase(
            target_dir.path(),
            &target,
            &["import-data", file.to_str().unwrap()],
        ));
        assert!(said.contains(message), "{what}: {said}");
        // One transaction: the rows before the bad line are gone with it.
        let left = export(
            target_dir.path(),
            &target,
            &work.path().join(format!("{what}.after")),
        );
        let rows: usize = left.values().map(|(_, r)| r.len()).sum();
        assert_eq!(rows, 0, "{what}: nothing imported");
    }
}
