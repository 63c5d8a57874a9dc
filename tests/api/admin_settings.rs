//! `/api/admin/settings`: owners and admins keep their organization's settings; secrets read
//! back masked; members are refused; one organization never sees another's.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, Person, TestApp};
use crate::tenancy::{invited_member, two_tenants, TwoTenants};

async fn set(app: &TestApp, who: &Person, body: Value) -> reqwest::Response {
    app.post("/api/admin/settings", Some(&who.jwt), body).await
}

#[tokio::test]
async fn an_owner_sets_reads_and_deletes_settings_and_secrets_stay_masked() {
    let TwoTenants { app, alice, .. } = two_tenants(Mode::Cloud).await;
    let saved = expect(
        set(
            &app,
            &alice,
            json!({"key": "site_name", "value": "Acme links"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(saved, json!({"key": "site_name", "value": "Acme links"}));
    let secret = set(
        &app,
        &alice,
        json!({"key": "smtp_password", "value": "hunter2-secret"}),
    );
    let saved = expect(secret.await, StatusCode::OK).await;
    assert_eq!(saved["value"], "***SET***");
    let number = set(&app, &alice, json!({"key": "smtp_port", "value": 587})).await;
    assert_eq!(expect(number, StatusCode::OK).await["value"], "587");

    let all = expect(
        app.get("/api/admin/settings", Some(&alice.jwt)).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        all,
        json!({"site_name": "Acme links", "smtp_password": "***SET***", "smtp_port": "587"})
    );
    let one = app
        .get("/api/admin/settings/smtp_password", Some(&alice.jwt))
        .await;
    assert_eq!(expect(one, StatusCode::OK).await["value"], "***SET***");

    // Writing the mask back changes nothing; the audit log names the setting, not the value.
    let back = set(
        &app,
        &alice,
        json!({"key": "smtp_password", "value": "***SET***"}),
    )
    .await;
    expect(back, StatusCode::OK).await;
    let stored: String = sqlx_value(&app, "smtp_password").await;
    assert_eq!(stored, "hunter2-secret");
    let log = expect(
        app.get("/api/admin/audit-log?entity_type=setting", Some(&alice.jwt))
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(log["events"].as_array().unwrap().len(), 3);
    assert!(!log.to_string().contains("hunter2"));

    let gone = app
        .delete("/api/admin/settings/site_name", Some(&alice.jwt))
        .await;
    assert_eq!(
        expect(gone, StatusCode::OK).await["message"],
        "Setting deleted"
    );
    for method in [Method::GET, Method::DELETE] {
        let res = app
            .req(method, "/api/admin/settings/site_name", Some(&alice.jwt))
            .send()
            .await
            .unwrap();
        expect(res, StatusCode::NOT_FOUND).await;
    }
}

async fn sqlx_value(app: &TestApp, key: &str) -> String {
    use slugbase::store::settings;
    let mut db = app.state.store.read().await.unwrap();
    let mut conn = db.conn();
    let org = slugbase::store::orgs::oldest(&mut conn)
        .await
        .unwrap()
        .unwrap();
    settings::get(&mut conn, &org, key).await.unwrap().unwrap()
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let TwoTenants { app, alice, .. } = two_tenants(Mode::Cloud).await;
    for body in [
        json!({}),
        json!({"key": "site_name"}),
        json!({"value": "x"}),
        json!({"key": "Site Name", "value": "x"}),
        json!({"key": "a-b", "value": "x"}),
        json!({"key": "site_name", "value": null}),
        json!({"key": "site_name", "value": {"nested": true}}),
        json!({"key": "site_name", "value": "nul\u{0}byte"}),
        json!({"key": "site_name", "value": "x".repeat(4097)}),
    ] {
        expect(
            set(&app, &alice, body.clone()).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    let all = app.get("/api/admin/settings", Some(&alice.jwt)).await;
    assert_eq!(expect(all, StatusCode::OK).await, json!({}));
}

#[tokio::test]
async fn members_are_refused_and_organizations_keep_their_own() {
    let TwoTenants {
        app,
        alice,
        bob,
        org_a,
        org_b,
    } = two_tenants(Mode::Cloud).await;
    let body = json!({"key": "site_name", "value": "Bob's"});
    expect(set(&app, &bob, body).await, StatusCode::OK).await;
    // Alice's organization has no such setting, and naming Bob's is refused.
    let res = app
        .get("/api/admin/settings/site_name", Some(&alice.jwt))
        .await;
    expect(res, StatusCode::NOT_FOUND).await;
    let res = app
        .delete("/api/admin/settings/site_name", Some(&alice.jwt))
        .await;
    expect(res, StatusCode::NOT_FOUND).await;
    let all = app.get("/api/admin/settings", Some(&alice.jwt)).await;
    assert_eq!(expect(all, StatusCode::OK).await, json!({}));
    let foreign = app
        .req(Method::GET, "/api/admin/settings", Some(&alice.jwt))
        .header("X-Organization-Id", &org_b)
        .send()
        .await
        .unwrap();
    expect(foreign, StatusCode::FORBIDDEN).await;

    let carol = invited_member(&app, &alice, &org_a, "carol@example.com").await;
    let as_member = |method: Method, path: &'static str| {
        app.req(method, path, Some(&carol.jwt))
            .header("X-Organization-Id", &org_a)
    };
    for (method, path) in [
        (Method::GET, "/api/admin/settings"),
        (Method::GET, "/api/admin/settings/site_name"),
        (Method::DELETE, "/api/admin/settings/site_name"),
    ] {
        let res = as_member(method, path).send().await.unwrap();
        expect(res, StatusCode::FORBIDDEN).await;
    }
    let res = as_member(Method::POST, "/api/admin/settings")
        .json(&json!({"key": "site_name", "value": "x"}))
        .send()
        .await
        .unwrap();
    expect(res, StatusCode::FORBIDDEN).await;
    expect(
        app.get("/api/admin/settings", None).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
}
