//! Section 2 of the contract: JSON errors, body limits, unknown routes, health and the docs.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{cookie, expect, spawn_app, PASSWORD};

#[tokio::test]
async fn health_and_version_answer_without_credentials() {
    let app = spawn_app(Mode::Cloud).await;
    assert_eq!(
        expect(app.get("/api/health", None).await, StatusCode::OK).await,
        json!({"status": "ok"})
    );
    let v = expect(app.get("/api/version", None).await, StatusCode::OK).await;
    assert_eq!(v["mode"], "cloud");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert!(v.get("commit").is_some());
}

#[tokio::test]
async fn ai_suggestions_are_reported_off_to_signed_in_people() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    assert_eq!(
        expect(
            app.get("/api/config/ai-suggestions", Some(&ada.jwt)).await,
            StatusCode::OK
        )
        .await,
        json!({"enabled": false, "available": false})
    );
    expect(
        app.get("/api/config/ai-suggestions", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}

#[tokio::test]
async fn an_unknown_api_route_is_404_json() {
    let app = spawn_app(Mode::Selfhosted).await;
    let body = expect(
        app.get("/api/no/such/route", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(body["error"], "Not found");
}

#[tokio::test]
async fn a_wrong_method_is_405_json() {
    let app = spawn_app(Mode::Selfhosted).await;
    let res = app.delete("/api/health", None).await;
    let body = expect(res, StatusCode::METHOD_NOT_ALLOWED).await;
    assert!(body["error"].is_string());
}

#[tokio::test]
async fn malformed_json_is_400_and_never_500() {
    let app = spawn_app(Mode::Selfhosted).await;
    for raw in ["{", "{\"email\": }", "[1,2", "nul", "\"just a string"] {
        let res = app
            .client
            .post(app.url("/api/auth/login"))
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        let body = expect(res, StatusCode::BAD_REQUEST).await;
        assert!(body["error"].is_string(), "{raw}: {body}");
    }
}

#[tokio::test]
async fn wrong_types_are_400() {
    let app = spawn_app(Mode::Selfhosted).await;
    let res = app
        .post(
            "/api/auth/login",
            None,
            json!({"email": 5, "password": ["x"]}),
        )
        .await;
    let body = expect(res, StatusCode::BAD_REQUEST).await;
    assert!(body["error"]
        .as_str()
        .unwrap()
        .starts_with("Invalid request body"));
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_413_json_and_changes_nothing() {
    let app = spawn_app(Mode::Selfhosted).await;
    let huge = format!(
        "{{\"email\":\"a@b.io\",\"name\":\"{}\",\"password\":\"Secret-123\"}}",
        "x".repeat(1024 * 1024 + 10)
    );
    let res = app
        .client
        .post(app.url("/api/auth/setup"))
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    let body = expect(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert!(body["error"].is_string());
    let status = expect(
        app.get("/api/auth/setup/status", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(status["initialized"], false);
}

#[tokio::test]
async fn a_non_json_body_is_415() {
    let app = spawn_app(Mode::Selfhosted).await;
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("content-type", "text/plain")
        .body("email=a@b.io")
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;

    // Types a browser may send cross-site without a preflight, or none at all, are refused
    // too, and sign nobody in.
    app.setup_admin("ada@example.com").await;
    let body = format!(r#"{{"email":"ada@example.com","password":"{PASSWORD}"}}"#);
    for content_type in [
        None,
        Some("application/x+json"),
        Some("application/vnd.api+json"),
    ] {
        let mut req = app
            .client
            .post(app.url("/api/auth/login"))
            .body(body.clone());
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        let res = req.send().await.unwrap();
        assert!(cookie(&res, "token").is_none(), "{content_type:?}");
        expect(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    }
    let res = app
        .client
        .post(app.url("/api/auth/login"))
        .header("content-type", "Application/JSON; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::OK).await;
}

#[tokio::test]
async fn missing_credentials_get_the_standard_401_body() {
    let app = spawn_app(Mode::Selfhosted).await;
    let body = expect(
        app.get("/api/auth/me", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_eq!(
        body,
        json!({"error":"Unauthorized","message":"Authentication required","code":401})
    );
    for bad in ["garbage", "sb_notatoken", "eyJhbGciOiJIUzI1NiJ9.e30.x"] {
        let body = expect(
            app.get("/api/auth/me", Some(bad)).await,
            StatusCode::UNAUTHORIZED,
        )
        .await;
        assert_eq!(body["code"], 401);
    }
    let res = app
        .client
        .get(app.url("/api/auth/me"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn openapi_describes_every_route_and_the_docs_page_serves_offline_assets() {
    let app = spawn_app(Mode::Selfhosted).await;
    let doc: Value = expect(app.get("/openapi.json", None).await, StatusCode::OK).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/health", "get"),
        ("/api/version", "get"),
        ("/api/config/ai-suggestions", "get"),
        ("/api/users/me", "delete"),
        ("/api/csrf-token", "get"),
        ("/api/auth/setup/status", "get"),
        ("/api/auth/setup", "post"),
        ("/api/auth/register", "post"),
        ("/api/auth/verify-signup", "post"),
        ("/api/auth/signup-verification/status", "get"),
        ("/api/auth/resend-signup-verification", "post"),
        ("/api/auth/request-signup-resend", "post"),
        ("/api/auth/login", "post"),
        ("/api/auth/logout", "post"),
        ("/api/auth/me", "get"),
        ("/api/auth/refresh", "post"),
        ("/api/auth/mfa/status", "get"),
        ("/api/auth/mfa/enroll/begin", "post"),
        ("/api/auth/mfa/enroll/confirm", "post"),
        ("/api/auth/mfa/enroll/cancel", "post"),
        ("/api/auth/mfa/verify", "post"),
        ("/api/auth/mfa/disable", "post"),
        ("/api/auth/mfa/backup/regenerate", "post"),
        ("/api/password-reset/request", "post"),
        ("/api/password-reset/verify", "get"),
        ("/api/password-reset/reset", "post"),
        ("/api/users/me", "put"),
        ("/api/email-verification/verify", "get"),
        ("/api/email-verification/confirm", "post"),
        ("/api/tokens", "get"),
        ("/api/tokens", "post"),
        ("/api/tokens/{id}", "delete"),
        ("/api/session/org", "get"),
        ("/api/session/org", "post"),
        ("/api/organizations", "get"),
        ("/api/organizations", "post"),
        ("/api/organizations/{id}", "get"),
        ("/api/organizations/{id}", "patch"),
        ("/api/organizations/{id}", "delete"),
        ("/api/organizations/{id}/members", "get"),
        ("/api/organizations/{id}/members/{userId}", "patch"),
        ("/api/organizations/{id}/members/{userId}", "delete"),
        ("/api/organizations/{id}/leave", "post"),
        ("/api/organizations/{id}/invitations", "get"),
        ("/api/organizations/{id}/invitations", "post"),
        (
            "/api/organizations/{id}/invitations/{invitationId}",
            "delete",
        ),
        (
            "/api/organizations/{id}/invitations/{invitationId}/resend",
            "post",
        ),
        ("/api/invitations/verify", "get"),
        ("/api/invitations/accept", "post"),
        ("/api/billing/checkout-session", "post"),
        ("/api/billing/portal-session", "post"),
        ("/api/billing/webhook", "post"),
        ("/api/config/plan", "get"),
        ("/go/{slug}", "get"),
        ("/go/{slug}/remember/{bookmarkId}", "get"),
        ("/go/{slug}/remember/{bookmarkId}", "post"),
        ("/api/go/preferences", "get"),
        ("/api/go/preferences", "post"),
        ("/api/go/preferences/{slug}", "delete"),
        ("/api/bookmarks", "get"),
        ("/api/bookmarks", "post"),
        ("/api/bookmarks/ids", "get"),
        ("/api/bookmarks/search", "get"),
        ("/api/bookmarks/export", "get"),
        ("/api/bookmarks/import", "post"),
        ("/api/bookmarks/{id}", "get"),
        ("/api/bookmarks/{id}", "put"),
        ("/api/bookmarks/{id}", "delete"),
        ("/api/bookmarks/{id}/track-access", "post"),
        ("/api/folders", "get"),
        ("/api/folders", "post"),
        ("/api/folders/{id}", "put"),
        ("/api/folders/{id}", "delete"),
        ("/api/tags", "get"),
        ("/api/tags", "post"),
        ("/api/tags/{id}", "put"),
        ("/api/tags/{id}", "delete"),
        ("/api/teams", "get"),
        ("/api/admin/teams", "get"),
        ("/api/admin/teams", "post"),
        ("/api/admin/teams/{id}", "put"),
        ("/api/admin/teams/{id}/members", "post"),
        ("/api/admin/teams/{id}/members/{userId}", "delete"),
        ("/api/users/for-sharing", "get"),
        ("/api/dashboard/stats", "get"),
        // As the original SlugBase's client calls them.
        ("/api/bookmarks/ai-suggest", "post"),
        ("/api/admin/users/{id}/teams", "get"),
        ("/api/admin/users/{id}/resend-invite", "post"),
        ("/api/admin/settings/smtp", "get"),
        ("/api/admin/settings/smtp", "post"),
        ("/api/admin/settings/smtp/test", "post"),
        ("/api/admin/settings/ai", "get"),
        ("/api/admin/settings/ai", "post"),
        ("/api/admin/settings/ai/models", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} missing from /openapi.json"
        );
    }
    let page = app.get("/api-docs", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    // It may not be framed (clickjacking), and loads nothing from elsewhere.
    let csp = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"));
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let html = page.text().await.unwrap();
    assert!(html.contains("/openapi.json") && html.contains("swagger-ui-bundle.js"));
    assert!(
        !html.contains("https://"),
        "the docs page must not load anything from the internet"
    );
    let js = app.get("/api-docs/swagger-ui-bundle.js", None).await;
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.text().await.unwrap().len() > 100_000);
}

#[tokio::test]
async fn a_json_array_where_an_object_is_declared_is_400_and_signs_nobody_in() {
    let app = spawn_app(Mode::Selfhosted).await;
    let admin = app.setup_admin("admin@example.com").await;
    for raw in [
        json!([admin.email, crate::helpers::PASSWORD]).to_string(),
        "\"admin@example.com\"".to_string(),
        "42".to_string(),
        "null".to_string(),
    ] {
        let res = app
            .client
            .post(app.url("/api/auth/login"))
            .header("content-type", "application/json")
            .body(raw.clone())
            .send()
            .await
            .unwrap();
        assert!(res.headers().get("set-cookie").is_none(), "{raw}");
        let body = expect(res, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["error"], "Request body must be a JSON object", "{raw}");
    }
}

#[tokio::test]
async fn an_empty_put_or_patch_is_400_and_changes_nothing() {
    let app = spawn_app(Mode::Selfhosted).await;
    let admin = app.setup_admin("admin@example.com").await;
    let jwt = Some(admin.jwt.as_str());
    let bookmark = expect(
        app.post(
            "/api/bookmarks",
            jwt,
            json!({"title": "Docs", "url": "https://docs.example.com"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let id = bookmark["id"].as_str().unwrap();
    let org = expect(app.get("/api/session/org", jwt).await, StatusCode::OK).await;
    let org_id = org["organizationId"].as_str().unwrap();
    for (method, path) in [
        (Method::PUT, format!("/api/bookmarks/{id}")),
        (Method::PUT, "/api/users/me".to_string()),
        (Method::PATCH, format!("/api/organizations/{org_id}")),
    ] {
        for body in ["", "  \n"] {
            let res = app
                .req(method.clone(), &path, jwt)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let got = expect(res, StatusCode::BAD_REQUEST).await;
            assert_eq!(got["error"], "Request body is required", "{method} {path}");
        }
    }
    let after = expect(
        app.get(&format!("/api/bookmarks/{id}"), jwt).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["updated_at"], bookmark["updated_at"]);
    // An empty POST still reads as `{}`, so the missing field is named.
    let res = app
        .req(Method::POST, "/api/tags", jwt)
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    let got = expect(res, StatusCode::BAD_REQUEST).await;
    assert_eq!(got["error"], "Tag name is required");
}

/// Runs on SQLite and, under `scripts/test`, on PostgreSQL, which cannot store NUL at all: both
/// must answer the same clear 400 and store nothing.
#[tokio::test]
async fn control_characters_in_text_are_400_on_every_database() {
    let app = spawn_app(Mode::Selfhosted).await;
    let admin = app.setup_admin("admin@example.com").await;
    let jwt = Some(admin.jwt.as_str());
    for (path, body, message) in [
        (
            "/api/bookmarks",
            json!({"title": "a\u{0}b", "url": "https://x.io"}),
            "Request body must not contain NUL (\\u0000) characters",
        ),
        (
            "/api/bookmarks",
            json!({"title": "bell\u{7}", "url": "https://x.io"}),
            "Title must not contain control characters",
        ),
        (
            "/api/bookmarks",
            json!({"title": "Docs", "url": "https://x.io/\u{1b}[0m"}),
            "URL must not contain control characters",
        ),
        (
            "/api/tags",
            json!({"name": "t\u{8}"}),
            "Tag name must not contain control characters",
        ),
        (
            "/api/folders",
            json!({"name": "f\u{0}"}),
            "Request body must not contain NUL (\\u0000) characters",
        ),
        (
            "/api/organizations",
            json!({"name": "\u{0}Org"}),
            "Request body must not contain NUL (\\u0000) characters",
        ),
    ] {
        let got = expect(app.post(path, jwt, body).await, StatusCode::BAD_REQUEST).await;
        assert_eq!(got["error"], message, "{path}");
    }
    let got = expect(
        app.put("/api/users/me", jwt, json!({"name": "Ann\u{1f}"}))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(got["error"], "Name must not contain control characters");
    let list = expect(app.get("/api/bookmarks", jwt).await, StatusCode::OK).await;
    assert_eq!(list["total"], 0);
    // Tabs and newlines are text.
    let created = expect(
        app.post(
            "/api/bookmarks",
            jwt,
            json!({"title": "Two\tcolumns\nand lines", "url": "https://x.io"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(created["title"], "Two\tcolumns\nand lines");
}

/// What a client generator or a fuzzer needs from `/openapi.json`: one id per operation, a
/// schema for every body it may receive, path parameters that are in the path, the credentials
/// the server takes, and the organization header where it applies.
#[tokio::test]
async fn the_openapi_document_is_complete_enough_to_generate_a_client() {
    let app = spawn_app(Mode::Selfhosted).await;
    let doc: Value = expect(app.get("/openapi.json", None).await, StatusCode::OK).await;
    let schemes = doc["components"]["securitySchemes"].as_object().unwrap();
    for scheme in ["bearer", "cookie", "csrf"] {
        assert!(schemes.contains_key(scheme), "security scheme {scheme}");
    }
    assert!(doc["components"]["schemas"]["ErrorBody"]["required"]
        .as_array()
        .unwrap()
        .contains(&json!("error")));
    let resolve = |r: &Value| -> Value {
        match r["$ref"].as_str() {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap();
                doc["components"]["responses"][name].clone()
            }
            None => r.clone(),
        }
    };
    let mut ids = std::collections::BTreeSet::new();
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{method} {path}");
            let id = op["operationId"].as_str().expect("an operation id");
            assert!(
                ids.insert(id.to_string()),
                "{name}: operation id {id} repeated"
            );
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = resolve(response);
                if status.starts_with('3') {
                    continue;
                }
                let content = response["content"].as_object();
                assert!(
                    content.is_some_and(|c| c.values().all(|m| m.get("schema").is_some())),
                    "{name} {status} has no schema"
                );
                let json_error =
                    path.starts_with("/api") || content.unwrap().contains_key("application/json");
                if json_error && (status.starts_with('4') || status.starts_with('5')) {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{name} {status}"
                    );
                }
            }
            if let Some(body) = op.get("requestBody") {
                assert!(op["responses"].get("415").is_some(), "{name}: 415");
                assert!(op["responses"].get("413").is_some(), "{name}: 413");
                for media in body["content"].as_object().unwrap().values() {
                    assert!(media.get("schema").is_some(), "{name}: body schema");
                }
            }
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            for p in &params {
                if p["in"] == "path" {
                    let name_in_path = format!("{{{}}}", p["name"].as_str().unwrap());
                    assert!(
                        path.contains(&name_in_path),
                        "{name}: {} not in path",
                        p["name"]
                    );
                }
            }
            let needs_auth = op["security"]
                .as_array()
                .is_some_and(|s| !s.iter().any(|r| r.as_object().unwrap().is_empty()));
            if needs_auth {
                assert!(op["responses"].get("401").is_some(), "{name}: 401");
            }
            let org_header = params.iter().any(|p| p["name"] == "X-Organization-Id");
            let tenant = [
                "/api/bookmarks",
                "/api/folders",
                "/api/tags",
                "/api/dashboard",
            ]
            .iter()
            .any(|prefix| path.starts_with(prefix));
            assert!(!tenant || org_header, "{name}: X-Organization-Id");
        }
    }
    assert_eq!(operations, 125);
    // Creating an OIDC provider documents what it requires; the client secret is write-only.
    let new_provider = &doc["components"]["schemas"]["NewProviderBody"];
    assert_eq!(
        new_provider["required"],
        json!(["provider_key", "issuer_url", "client_id", "client_secret"])
    );
    assert!(doc["components"]["schemas"]["ProviderView"]["properties"]
        .get("client_secret")
        .is_none());
    let login = &doc["paths"]["/api/auth/login"]["post"];
    let body = &doc["components"]["schemas"]["LoginBody"];
    assert_eq!(body["required"], json!(["email", "password"]));
    assert_eq!(body["properties"]["email"]["format"], "email");
    assert!(login["responses"]["429"]["$ref"].is_string());
    let write = &doc["paths"]["/api/tags"]["post"];
    assert_eq!(
        write["security"],
        json!([{"bearer": []}, {"cookie": [], "csrf": []}])
    );
}

#[tokio::test]
async fn a_nul_in_a_path_is_400_on_every_database_and_changes_nothing() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    for (method, path) in [
        (reqwest::Method::DELETE, "/api/go/preferences/a%00b"),
        (reqwest::Method::GET, "/api/bookmarks/a%00b"),
        (reqwest::Method::DELETE, "/api/tags/%00"),
        (reqwest::Method::GET, "/go/a%00b"),
    ] {
        let res = app.req(method, path, Some(&ada.jwt)).send().await.unwrap();
        let body = expect(res, StatusCode::BAD_REQUEST).await;
        assert!(
            body["error"].as_str().unwrap().contains("NUL"),
            "{path}: {body}"
        );
    }
    expect(
        app.get("/api/go/preferences", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
}

#[tokio::test]
async fn names_of_people_organizations_teams_and_tokens_are_single_line() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let org = crate::tenancy::current_org(&app, &ada).await;
    let forged = "Ada\n2026-12-07T00:00:00Z  INFO slugbase: admin password reset";
    let cases = [
        (
            reqwest::Method::PUT,
            "/api/users/me".to_string(),
            json!({ "name": forged }),
        ),
        (
            reqwest::Method::POST,
            "/api/admin/teams".to_string(),
            json!({ "name": "Ops\r\nDev" }),
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/organizations/{org}"),
            json!({ "name": "Acme\u{2028}Inc" }),
        ),
        (
            reqwest::Method::POST,
            "/api/tokens".to_string(),
            json!({ "name": "ci\tbot" }),
        ),
        (
            reqwest::Method::POST,
            "/api/admin/users".to_string(),
            json!({"email": "x@example.com", "name": "X\nY"}),
        ),
    ];
    for (method, path, body) in cases {
        let res = app
            .req(method, &path, Some(&ada.jwt))
            .json(&body)
            .send()
            .await
            .unwrap();
        let refused = expect(res, StatusCode::BAD_REQUEST).await;
        assert!(
            refused["error"].as_str().unwrap().contains("one line"),
            "{path}: {refused}"
        );
    }
    let me = expect(
        app.get("/api/auth/me", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(me["name"], "Admin");
    let teams = expect(
        app.get("/api/admin/teams", Some(&ada.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(teams, json!([]));
}
