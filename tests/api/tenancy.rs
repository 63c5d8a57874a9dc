//! Two organizations side by side, and the check every tenant-owned resource adds itself to:
//! another organization's ids answer 404 (exactly like ids that do not exist) and change nothing.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, Person, TestApp};

/// Alice owns organization A, Bob owns organization B; in cloud both are on the Team plan, so
/// plan rules never hide a tenancy leak.
pub struct TwoTenants {
    pub app: TestApp,
    pub alice: Person,
    pub bob: Person,
    pub org_a: String,
    pub org_b: String,
}

pub async fn two_tenants(mode: Mode) -> TwoTenants {
    let app = spawn_app(mode).await;
    let (alice, bob) = match mode {
        Mode::Cloud => (
            app.signup("alice@example.com", "Alice").await,
            app.signup("bob@example.com", "Bob").await,
        ),
        Mode::Selfhosted => {
            let alice = app.setup_admin("alice@example.com").await;
            let bob = app.add_user("bob@example.com").await;
            (alice, bob)
        }
    };
    let org_a = current_org(&app, &alice).await;
    let org_b = match mode {
        Mode::Cloud => current_org(&app, &bob).await,
        Mode::Selfhosted => {
            // Self-hosted, Bob joined Alice's organization: give him one of his own and switch to it.
            let created = expect(
                app.post(
                    "/api/organizations",
                    Some(&bob.jwt),
                    json!({"name": "Bob's Org"}),
                )
                .await,
                StatusCode::CREATED,
            )
            .await;
            let id = created["id"].as_str().unwrap().to_string();
            let left = app
                .post(
                    &format!("/api/organizations/{org_a}/leave"),
                    Some(&bob.jwt),
                    json!({}),
                )
                .await;
            expect(left, StatusCode::OK).await;
            id
        }
    };
    for org in [&org_a, &org_b] {
        app.set_plan(org, "team").await;
    }
    TwoTenants {
        app,
        alice,
        bob,
        org_a,
        org_b,
    }
}

/// Cloud: a new person (signed up as `email`) invited into `org` by its owner, who accepts.
pub async fn invited_member(app: &TestApp, owner: &Person, org: &str, email: &str) -> Person {
    let person = app.signup(email, "Member").await;
    let invited = app
        .post(
            &format!("/api/organizations/{org}/invitations"),
            Some(&owner.jwt),
            json!({ "email": email }),
        )
        .await;
    expect(invited, StatusCode::CREATED).await;
    let token = app.token_from_mail(email, "/invite?token=");
    let body = json!({ "token": token });
    let accepted = app
        .post("/api/invitations/accept", Some(&person.jwt), body)
        .await;
    expect(accepted, StatusCode::OK).await;
    person
}

pub async fn current_org(app: &TestApp, who: &Person) -> String {
    let body = expect(
        app.get("/api/session/org", Some(&who.jwt)).await,
        StatusCode::OK,
    )
    .await;
    body["organizationId"]
        .as_str()
        .expect("a current organization")
        .to_string()
}

/// One request against a resource of organization A.
pub struct Probe {
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
}

impl Probe {
    pub fn new(method: Method, path: impl Into<String>, body: Option<Value>) -> Self {
        Self {
            method,
            path: path.into(),
            body,
        }
    }
}

/// Sends each probe as Bob (a stranger to organization A): in his own organization every probe
/// must be a 404 with a JSON error, and naming organization A in `X-Organization-Id` must be a 403.
pub async fn assert_foreign_ids_are_not_found(t: &TwoTenants, probes: &[Probe]) {
    for p in probes {
        let mut req = t.app.req(p.method.clone(), &p.path, Some(&t.bob.jwt));
        if let Some(b) = &p.body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{} {} as a stranger: {text}",
            p.method,
            p.path
        );
        assert!(
            serde_json::from_str::<Value>(&text).is_ok_and(|v| v["error"].is_string()),
            "{text}"
        );

        let mut req = t
            .app
            .req(p.method.clone(), &p.path, Some(&t.bob.jwt))
            .header("x-organization-id", &t.org_a);
        if let Some(b) = &p.body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        // Routes that name the organization in the path answer 404 before reading the header.
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{} {} naming a foreign organization: {status}",
            p.method,
            p.path
        );
    }
}
