//! A real OpenID provider for the tests: the `oidc-provider` package, started per test from
//! tests/oidc/provider.mjs, and an instance set up to sign in through it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::{Client, StatusCode};
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_on_a_known_port, Person, TestApp};

pub const CLIENT_ID: &str = "slugbase-tests";
pub const CLIENT_SECRET: &str = "a-client-secret-for-tests";

/// The provider's Node process; killed with the test.
pub struct Provider {
    child: Child,
    pub issuer: String,
    http: Client,
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Provider {
    pub fn start(redirect_uri: &str) -> Provider {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc");
        assert!(
            std::path::Path::new(dir)
                .join("node_modules/oidc-provider")
                .exists(),
            "the test provider is not installed: run scripts/web-tools (npm ci in tests/oidc)"
        );
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .args([CLIENT_ID, CLIENT_SECRET, redirect_uri])
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        // The provider goes on writing notices; a closed pipe would stop it.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let port = line
            .trim()
            .strip_prefix("listening ")
            .unwrap_or_else(|| panic!("provider did not start: {line:?}"));
        Provider {
            child,
            issuer: format!("http://127.0.0.1:{port}"),
            // Node closes an idle kept-alive socket after five seconds; under load a reused
            // one can be closed while the request goes out (hyper's IncompleteMessage).
            http: Client::builder().pool_max_idle_per_host(0).build().unwrap(),
        }
    }

    /// Who signs in at the next interaction.
    pub async fn prepare(&self, sub: &str, email: &str, verified: bool) {
        let body =
            json!({"sub": sub, "email": email, "email_verified": verified, "name": "Pat Provider"});
        let res = self
            .http
            .post(format!("{}/__login", self.issuer))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }

    pub async fn tamper(&self, mode: &str) {
        let res = self
            .http
            .post(format!("{}/__tamper", self.issuer))
            .json(&json!({"mode": mode}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
}

/// An instance whose public URL is known before it starts (the provider must be told where
/// to send people back), with an admin and a provider `corp`.
pub async fn instance(auto_create: bool) -> (TestApp, Provider, Person) {
    let app = spawn_on_a_known_port(Mode::Selfhosted, |c, port| {
        c.base_url = Some(format!("http://127.0.0.1:{port}"));
    })
    .await;
    let op = Provider::start(&app.url("/api/auth/corp/callback"));
    let admin = app.setup_admin("admin@example.com").await;
    let created = app
        .post(
            "/api/oidc-providers",
            Some(&admin.jwt),
            json!({
                "key": "corp", "name": "Corp SSO", "issuer_url": op.issuer,
                "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "scopes": "email profile", "auto_create_users": auto_create,
            }),
        )
        .await;
    expect(created, StatusCode::CREATED).await;
    (app, op, admin)
}
