//! The client snippets of the two API pages the project started from (`../shared/seeds/`), run
//! verbatim against this server: only the host, the token and the id are swapped in.

use std::path::PathBuf;
use tokio::process::Command;

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, Person, TestApp};
use crate::tenancy::two_tenants;

/// The seeds folder; a test that needs it fails (rather than passing having checked nothing)
/// when it is missing.
fn seeds_dir() -> PathBuf {
    let dir = std::env::var_os("SLUGBASE_SEEDS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds"));
    assert!(
        dir.is_dir(),
        "the seeds are missing: no folder {} (check out ../shared next to this repository, or set SLUGBASE_SEEDS_DIR)",
        dir.display()
    );
    dir
}

/// The lines of `text` from the one starting with `first` through the one starting with `last`.
fn snippet(text: &str, first: &str, last: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(first))
        .unwrap_or_else(|| panic!("no {first}"));
    let end = start
        + lines[start..]
            .iter()
            .position(|l| l.starts_with(last))
            .unwrap_or_else(|| panic!("no {last}"));
    lines[start..=end].join("\n") + "\n"
}

struct Snippets {
    curl: String,
    python: String,
    javascript: String,
}

fn load(file: &str, app: &TestApp, token: &str, id: &str) -> Snippets {
    let path = seeds_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let swap = |s: String| {
        s.replace("https://slugbase.app", &app.base)
            .replace("YOUR_API_TOKEN (JWT or sb_ API token)", token)
            .replace("example_string", id)
    };
    let python_start = text
        .lines()
        .position(|l| l.starts_with("import requests"))
        .unwrap();
    let curl_lines: Vec<&str> = text
        .lines()
        .take(python_start)
        .skip_while(|l| !l.starts_with("curl "))
        .collect();
    Snippets {
        curl: swap(curl_lines.join("\n") + "\n"),
        python: swap(snippet(&text, "import requests", "print(response.json())")),
        javascript: swap(snippet(
            &text,
            "const response = await fetch",
            "console.log(data);",
        )),
    }
}

/// Runs a snippet; asynchronously, because the server answering it shares this runtime.
async fn run(program: &str, script: &str, ext: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("snippet.{ext}"));
    std::fs::write(&path, script).unwrap();
    let out = Command::new(program)
        .arg(&path)
        .output()
        .await
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} failed: {}\n{script}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

async fn run_all(s: &Snippets) -> (String, String, String) {
    (
        run("bash", &s.curl, "sh").await,
        run("python3", &s.python, "py").await,
        run("node", &s.javascript, "mjs").await,
    )
}

async fn sb_token(app: &TestApp, who: &Person) -> String {
    let t = expect(
        app.post("/api/tokens", Some(&who.jwt), json!({"name": "seed"}))
            .await,
        StatusCode::CREATED,
    )
    .await;
    t["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn set_current_organization_snippets_work_with_a_jwt_and_an_sb_token() {
    let t = two_tenants(Mode::Cloud).await;
    let token = sb_token(&t.app, &t.alice).await;
    for credential in [t.alice.jwt.clone(), token] {
        let s = load("000_3bc501f5e02c8315.txt", &t.app, &credential, &t.org_a);
        let (curl, python, js) = run_all(&s).await;
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&curl).unwrap(),
            json!({"organizationId": t.org_a})
        );
        assert_eq!(
            python.trim(),
            format!("{{'organizationId': '{}'}}", t.org_a)
        );
        assert!(
            js.contains(&format!("organizationId: '{}'", t.org_a)),
            "{js}"
        );
        // Someone else's organization: the snippets see the contract's refusal.
        let s = load("000_3bc501f5e02c8315.txt", &t.app, &credential, &t.org_b);
        let (curl, _, _) = run_all(&s).await;
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&curl).unwrap()["error"],
            "Not a member of this organization"
        );
    }
}

#[tokio::test]
async fn create_invitation_snippets_get_the_documented_answers() {
    let t = two_tenants(Mode::Cloud).await;
    let app = &t.app;
    // Bob becomes a plain member of Alice's organization.
    expect(
        app.post(
            &format!("/api/organizations/{}/invitations", t.org_a),
            Some(&t.alice.jwt),
            json!({"email": t.bob.email}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let inv = app.token_from_mail(&t.bob.email, "/invite?token=");
    expect(
        app.post(
            "/api/invitations/accept",
            Some(&t.bob.jwt),
            json!({"token": inv}),
        )
        .await,
        StatusCode::OK,
    )
    .await;

    // The seed's documented example answer: a member without the role gets the plain Forbidden body.
    let bob_token = sb_token(app, &t.bob).await;
    for credential in [t.bob.jwt.clone(), bob_token] {
        let s = load("001_0c2b50e9ceab64b6.txt", app, &credential, &t.org_a);
        let (curl, python, js) = run_all(&s).await;
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&curl).unwrap(),
            json!({"error": "Forbidden", "message": "You don't have permission to access this resource", "code": 403})
        );
        assert!(
            python.contains("'error': 'Forbidden'") && python.contains("'code': 403"),
            "{python}"
        );
        assert!(js.contains("error: 'Forbidden'"), "{js}");
    }
    // The owner, sending no body as the snippets do, is told what is missing.
    let s = load("001_0c2b50e9ceab64b6.txt", app, &t.alice.jwt, &t.org_a);
    let (curl, python, _) = run_all(&s).await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&curl).unwrap(),
        json!({"error": "Email is required"})
    );
    assert_eq!(python.trim(), "{'error': 'Email is required'}");
    // The example id of the page itself names no organization.
    let s = load(
        "001_0c2b50e9ceab64b6.txt",
        app,
        &t.alice.jwt,
        "example_string",
    );
    let (curl, _, _) = run_all(&s).await;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&curl).unwrap(),
        json!({"error": "Organization not found"})
    );
}
