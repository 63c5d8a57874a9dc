//! The shapes the original SlugBase web client reads (API.md §9, §13): pinned here so that a
//! change of shape cannot pass unnoticed again. Each test is a flow of that client: its
//! bookmark page's folder and tag lists, its admin pages (people, invitations, teams, OIDC
//! providers, SMTP, AI, the audit log), its profile.

use crate::helpers::{expect, spawn_app, Person, TestApp};
use crate::smtp_sink::smtp_sink;
use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

async fn get_ok(app: &TestApp, who: &Person, path: &str) -> Value {
    expect(app.get(path, Some(&who.jwt)).await, StatusCode::OK).await
}

async fn post_ok(app: &TestApp, who: &Person, path: &str, body: Value) -> Value {
    let res = app.post(path, Some(&who.jwt), body).await;
    let status = res.status();
    assert!(status.is_success(), "{path}: {status}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn folder_tag_and_people_lists_are_plain_arrays_without_a_limit() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    app.add_user("bob@example.com").await;
    for name in ["Work", "Home"] {
        post_ok(&app, &ada, "/api/folders", json!({ "name": name })).await;
        post_ok(
            &app,
            &ada,
            "/api/tags",
            json!({ "name": name.to_lowercase() }),
        )
        .await;
    }
    // The original's bookmark page maps these arrays; its create dialog lists them.
    let folders = get_ok(&app, &ada, "/api/folders").await;
    let names: Vec<_> = folders
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].clone())
        .collect();
    assert_eq!(names, ["Home", "Work"]);
    let tags = get_ok(&app, &ada, "/api/tags").await;
    assert_eq!(tags.as_array().unwrap().len(), 2);
    assert_eq!(tags[0]["name"], "home");
    // With a limit: a page, as before.
    let page = get_ok(&app, &ada, "/api/folders?limit=1").await;
    assert_eq!(
        (page["total"].as_i64(), page["hasMore"].as_bool()),
        (Some(2), Some(true))
    );
    let page = get_ok(&app, &ada, "/api/tags?limit=5").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    // Everyone, newest first, with how they sign in and their invitation.
    let people = get_ok(&app, &ada, "/api/admin/users").await;
    let people = people.as_array().expect("a plain array");
    assert_eq!(people.len(), 2);
    assert_eq!(people[0]["email"], "bob@example.com");
    for key in ["oidc_provider", "invite_expires_at"] {
        assert!(people[0][key].is_null(), "{key}: {}", people[0]);
    }
    assert_eq!(people[0]["invite_pending"], false);
    assert_eq!(people[0]["invite_expired"], false);
    let page = get_ok(&app, &ada, "/api/admin/users?limit=1").await;
    assert_eq!(page["total"], 2);
    // Bad paging is still refused, and nobody else reads the people.
    for bad in [
        "/api/folders?offset=-1",
        "/api/tags?limit=abc",
        "/api/admin/users?offset=x",
    ] {
        expect(app.get(bad, Some(&ada.jwt)).await, StatusCode::BAD_REQUEST).await;
    }
    let bob = app.login_ok("bob@example.com").await;
    expect(
        app.get("/api/admin/users", Some(&bob.jwt)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn an_invited_person_waits_and_the_invitation_can_be_sent_again() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let dan = post_ok(
        &app,
        &ada,
        "/api/admin/users",
        json!({"email": "dan@example.com", "name": "Dan", "send_invite": true}),
    )
    .await;
    let dan_id = dan["id"].as_str().unwrap().to_string();
    let first = app.token_from_mail("dan@example.com", "/reset-password?token=");
    let listed = get_ok(&app, &ada, &format!("/api/admin/users/{dan_id}")).await;
    assert_eq!(listed["invite_pending"], true);
    assert_eq!(listed["invite_expired"], false);
    assert!(listed["invite_expires_at"].is_string(), "{listed}");

    // A week later the link has expired: the client offers "Resend invite".
    app.exec(
        "UPDATE email_tokens SET expires_at = 1 WHERE user_id = $1",
        &[&dan_id],
    )
    .await;
    let people = get_ok(&app, &ada, "/api/admin/users").await;
    let row = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == dan["id"])
        .unwrap()
        .clone();
    assert_eq!(
        (row["invite_pending"].clone(), row["invite_expired"].clone()),
        (json!(true), json!(true))
    );
    let path = format!("/api/admin/users/{dan_id}/resend-invite");
    let sent = post_ok(&app, &ada, &path, json!({})).await;
    assert!(sent["invite_expires_at"].is_string(), "{sent}");
    let second = app.token_from_mail("dan@example.com", "/reset-password?token=");
    assert_ne!(first, second);
    let row = get_ok(&app, &ada, &format!("/api/admin/users/{dan_id}")).await;
    assert_eq!(row["invite_expired"], false);
    // The new link sets the password; then there is nothing to resend.
    let set = app
        .post(
            "/api/password-reset/reset",
            None,
            json!({"token": second, "password": "A-new-passw0rd!"}),
        )
        .await;
    expect(set, StatusCode::OK).await;
    let refused = expect(
        app.post(&path, Some(&ada.jwt), json!({})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        refused["error"].as_str().unwrap().contains("not pending"),
        "{refused}"
    );
    let unknown = format!("/api/admin/users/{}/resend-invite", uuid::Uuid::new_v4());
    expect(
        app.post(&unknown, Some(&ada.jwt), json!({})).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let dan = app.login("dan@example.com", "A-new-passw0rd!").await;
    let dan = crate::helpers::cookie(&dan, "token").unwrap();
    expect(
        app.post(&path, Some(&dan), json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn teams_take_one_user_id_and_a_persons_teams_are_listed() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let bob = app.add_user("bob@example.com").await;
    let team = post_ok(&app, &ada, "/api/admin/teams", json!({"name": "Ops"})).await;
    let members = format!("/api/admin/teams/{}/members", team["id"].as_str().unwrap());
    let teams_of_bob = format!("/api/admin/users/{}/teams", bob.id);
    assert_eq!(get_ok(&app, &ada, &teams_of_bob).await, json!([]));
    // As the original client adds someone: one `user_id`.
    post_ok(&app, &ada, &members, json!({"user_id": bob.id})).await;
    let teams = get_ok(&app, &ada, &teams_of_bob).await;
    assert_eq!(teams.as_array().unwrap().len(), 1);
    assert_eq!(
        (teams[0]["id"].clone(), teams[0]["name"].clone()),
        (team["id"].clone(), json!("Ops"))
    );
    let mine = get_ok(&app, &bob, "/api/teams").await;
    assert_eq!(mine[0]["name"], "Ops");
    // Neither field, someone unknown, or not an admin: refused, nothing changes.
    expect(
        app.post(&members, Some(&ada.jwt), json!({})).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    let stranger = json!({"user_id": uuid::Uuid::new_v4().to_string()});
    let res = app.post(&members, Some(&ada.jwt), stranger).await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let unknown = format!("/api/admin/users/{}/teams", uuid::Uuid::new_v4());
    expect(
        app.get(&unknown, Some(&ada.jwt)).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    expect(
        app.get(&teams_of_bob, Some(&bob.jwt)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        get_ok(&app, &ada, &teams_of_bob)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn providers_are_made_with_provider_key_and_no_name() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    // The body the original client's provider form sends.
    let made = post_ok(
        &app,
        &ada,
        "/api/oidc-providers",
        json!({"provider_key": "corp", "client_id": "app", "client_secret": "s3cret-value",
            "issuer_url": "https://id.example.com", "token_url": "https://id.example.com/token",
            "scopes": "openid profile email", "auto_create_users": true, "default_role": "user"}),
    )
    .await;
    assert_eq!(made["provider_key"], "corp");
    assert_eq!(made["name"], "corp");
    assert_eq!(made["token_url"], "https://id.example.com/token");
    assert!(made["authorization_url"].is_null());
    assert_eq!(made["auto_create_users"], true);
    assert!(!made.to_string().contains("s3cret-value"));
    // The sign-in page's list (public).
    let buttons = expect(app.get("/api/auth/providers", None).await, StatusCode::OK).await;
    assert_eq!(buttons[0]["provider_key"], "corp");
    assert_eq!(buttons[0]["id"], made["id"]);
    assert_eq!(buttons[0]["callback_url"], made["callback_url"]);
    assert!(made["callback_url"]
        .as_str()
        .unwrap()
        .ends_with("/api/auth/corp/callback"));
    assert!(
        !buttons.to_string().contains("app\""),
        "no client id: {buttons}"
    );
    // Editing as the form does: the endpoint cleared, the key kept.
    let path = format!("/api/oidc-providers/{}", made["id"].as_str().unwrap());
    let res = app
        .put(
            &path,
            Some(&ada.jwt),
            json!({"provider_key": "corp", "token_url": ""}),
        )
        .await;
    let edited = expect(res, StatusCode::OK).await;
    assert!(edited["token_url"].is_null(), "{edited}");
    // A bad endpoint or a missing key changes nothing.
    for bad in [
        json!({"provider_key": "x", "client_id": "a", "client_secret": "b", "issuer_url": "https://i.example", "userinfo_url": "ftp://x"}),
        json!({"client_id": "a", "client_secret": "b", "issuer_url": "https://i.example"}),
    ] {
        let res = app.post("/api/oidc-providers", Some(&ada.jwt), bad).await;
        expect(res, StatusCode::BAD_REQUEST).await;
    }
    let list = get_ok(&app, &ada, "/api/oidc-providers").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn smtp_set_in_the_admin_area_is_what_mail_goes_out_through() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let empty = get_ok(&app, &ada, "/api/admin/settings/smtp").await;
    assert_eq!(empty["smtp_host"], "");
    assert_eq!(empty.as_object().unwrap().len(), 8);
    let (port, mut inbox) = smtp_sink().await;
    let saved = post_ok(
        &app,
        &ada,
        "/api/admin/settings/smtp",
        json!({"enabled": true, "host": "127.0.0.1", "port": port, "secure": false,
            "user": "", "password": "relay-pa55", "from": "links@example.com", "fromName": "Links"}),
    )
    .await;
    assert_eq!(saved["message"], "SMTP settings updated successfully");
    let shown = get_ok(&app, &ada, "/api/admin/settings/smtp").await;
    assert_eq!(shown["smtp_port"], port.to_string());
    assert_eq!(shown["smtp_enabled"], "true");
    assert_eq!(shown["smtp_password"], "***SET***");
    assert_eq!(
        get_ok(&app, &ada, "/api/admin/settings").await["smtp_enabled"],
        "true"
    );

    // The test-send and a real email (an invitation) both reach the server, from the sender set.
    post_ok(
        &app,
        &ada,
        "/api/admin/settings/smtp/test",
        json!({"email": "ada@example.com"}),
    )
    .await;
    let test = inbox.recv().await.unwrap();
    assert!(test.contains("Subject: SlugBase test email"), "{test}");
    assert!(test.contains("From: Links <links@example.com>"), "{test}");
    post_ok(
        &app,
        &ada,
        "/api/admin/users",
        json!({"email": "dan@example.com", "name": "Dan", "send_invite": true}),
    )
    .await;
    let invite = inbox.recv().await.unwrap();
    assert!(invite.contains("/reset-password?token="), "{invite}");
    assert_eq!(app.mails_to("dan@example.com"), 0, "not written as a file");

    // Saving without the password keeps it; bad values change nothing.
    post_ok(
        &app,
        &ada,
        "/api/admin/settings/smtp",
        json!({"password": "", "fromName": "Go"}),
    )
    .await;
    assert_eq!(
        get_ok(&app, &ada, "/api/admin/settings/smtp").await["smtp_password"],
        "***SET***"
    );
    for bad in [
        json!({"port": 70000}),
        json!({"port": "x"}),
        json!({"from": "not an address"}),
        json!({"host": "a b"}),
        json!({"enabled": true, "host": ""}),
    ] {
        let res = app
            .post("/api/admin/settings/smtp", Some(&ada.jwt), bad)
            .await;
        expect(res, StatusCode::BAD_REQUEST).await;
    }
    assert_eq!(
        get_ok(&app, &ada, "/api/admin/settings/smtp").await["smtp_from_name"],
        "Go"
    );
    // A server that is gone: the test-send says why, as a 400.
    post_ok(&app, &ada, "/api/admin/settings/smtp", json!({"port": 9})).await;
    let failed = app
        .post(
            "/api/admin/settings/smtp/test",
            Some(&ada.jwt),
            json!({"email": "ada@example.com"}),
        )
        .await;
    let failed = expect(failed, StatusCode::BAD_REQUEST).await;
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .starts_with("Failed to send test email"),
        "{failed}"
    );
    let res = app
        .post("/api/admin/settings/smtp/test", Some(&ada.jwt), json!({}))
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    // Turned off: mail is written as files again.
    post_ok(
        &app,
        &ada,
        "/api/admin/settings/smtp",
        json!({"enabled": false}),
    )
    .await;
    post_ok(
        &app,
        &ada,
        "/api/admin/settings/smtp/test",
        json!({"email": "ada@example.com"}),
    )
    .await;
    assert_eq!(app.mails_to("ada@example.com"), 1);
    // Members cannot read or change any of it.
    let bob = app.add_user("bob@example.com").await;
    for path in ["/api/admin/settings/smtp", "/api/admin/settings/ai"] {
        expect(app.get(path, Some(&bob.jwt)).await, StatusCode::FORBIDDEN).await;
        expect(
            app.post(path, Some(&bob.jwt), json!({"enabled": true}))
                .await,
            StatusCode::FORBIDDEN,
        )
        .await;
    }
}

#[tokio::test]
async fn ai_settings_are_kept_and_read_back_and_the_key_never_comes_back() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    assert_eq!(
        get_ok(&app, &ada, "/api/admin/settings/ai").await,
        json!({"ai_enabled": false, "ai_provider": "openai", "ai_model": "gpt-4o-mini", "ai_api_key_set": false})
    );
    let res = app
        .get("/api/admin/settings/ai/models", Some(&ada.jwt))
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
    post_ok(
        &app,
        &ada,
        "/api/admin/settings/ai",
        json!({"ai_enabled": true, "ai_provider": "openai", "ai_api_key": "sk-test-123456", "ai_model": "gpt-4.1-mini"}),
    )
    .await;
    let shown = get_ok(&app, &ada, "/api/admin/settings/ai").await;
    assert_eq!(
        shown,
        json!({"ai_enabled": true, "ai_provider": "openai", "ai_model": "gpt-4.1-mini", "ai_api_key_set": true})
    );
    let models = get_ok(&app, &ada, "/api/admin/settings/ai/models").await;
    assert_eq!(models, json!({"models": [{"id": "gpt-4.1-mini"}]}));
    let all = get_ok(&app, &ada, "/api/admin/settings").await;
    assert_eq!(all["ai_api_key"], "***SET***");
    assert!(!all.to_string().contains("sk-test-123456"));
    for bad in [
        json!({"ai_provider": "skynet"}),
        json!({"ai_model": "two words"}),
        json!({"ai_api_key": "\tsk-new"}),
        json!({"ai_api_key": "\n"}),
    ] {
        let res = app
            .post("/api/admin/settings/ai", Some(&ada.jwt), bad)
            .await;
        expect(res, StatusCode::BAD_REQUEST).await;
    }
    assert_eq!(get_ok(&app, &ada, "/api/admin/settings/ai").await, shown);
    // Suggestions themselves are not on yet, whatever is set.
    let bob = app.add_user("bob@example.com").await;
    let off = get_ok(&app, &bob, "/api/config/ai-suggestions").await;
    assert_eq!(off, json!({"enabled": false, "available": false}));
    let res = app
        .post(
            "/api/bookmarks/ai-suggest",
            Some(&bob.jwt),
            json!({"url": "https://example.com"}),
        )
        .await;
    expect(res, StatusCode::FORBIDDEN).await;
    let res = app
        .post("/api/bookmarks/ai-suggest", Some(&bob.jwt), json!({}))
        .await;
    expect(res, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn audit_events_carry_metadata_and_the_actors_name() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    post_ok(&app, &ada, "/api/tokens", json!({"name": "ci"})).await;
    let log = get_ok(&app, &ada, "/api/admin/audit-log?action=token.created").await;
    let event = &log["events"][0];
    assert_eq!(event["actor_name"], "Admin");
    assert_eq!(event["metadata"]["name"], "ci");
    assert_eq!(event["metadata"], event["details"]);
    assert!(log["next_cursor"].is_null());
}

#[tokio::test]
async fn the_profile_says_how_a_person_signs_in_and_what_email_waits() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    let me = get_ok(&app, &ada, "/api/auth/me").await;
    assert_eq!(me["has_password"], true);
    assert!(me["oidc_provider"].is_null() && me["oidc_sub"].is_null());
    assert!(me["email_pending"].is_null());
    let res = app
        .put(
            "/api/users/me",
            Some(&ada.jwt),
            json!({"email": "ada@new.example"}),
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    let me = get_ok(&app, &ada, "/api/users/me").await;
    assert_eq!(me["email_pending"], "ada@new.example");
    assert_eq!(me["email"], "ada@example.com");
    // The link goes where the original's client confirms it, and our own page takes it too.
    let token = app.token_from_mail("ada@new.example", "/verify-email?token=");
    let res = app
        .get(&format!("/verify-email?token={token}"), Some(&ada.jwt))
        .await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    let me = get_ok(&app, &ada, "/api/users/me").await;
    assert_eq!(me["email"], "ada@new.example");
    assert!(me["email_pending"].is_null());
}

/// When the mail server set in the admin area refuses, an email change says so (502, never a
/// 500) and leaves no change of address waiting for a link nobody received.
#[tokio::test]
async fn an_email_change_whose_link_cannot_be_sent_says_so_and_leaves_nothing_pending() {
    let app = spawn_app(Mode::Selfhosted).await;
    let ada = app.setup_admin("ada@example.com").await;
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    post_ok(
        &app,
        &ada,
        "/api/admin/settings/smtp",
        json!({"enabled": true, "host": "127.0.0.1", "port": port, "secure": false,
            "user": "", "password": "", "from": "links@example.com", "fromName": "Links"}),
    )
    .await;
    let res = app
        .put(
            "/api/users/me",
            Some(&ada.jwt),
            json!({"email": "ada@new.example", "name": "Ada L."}),
        )
        .await;
    let body = expect(res, StatusCode::BAD_GATEWAY).await;
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("could not be sent"),
        "{body}"
    );
    let me = get_ok(&app, &ada, "/api/users/me").await;
    assert!(me["email_pending"].is_null(), "{me}");
    assert_eq!(me["email"], "ada@example.com");
}

#[tokio::test]
async fn in_the_cloud_the_client_learns_who_manages_and_what_the_plan_allows() {
    let app = spawn_app(Mode::Cloud).await;
    let owner = app.signup("olga@example.com", "Olga").await;
    let me = get_ok(&app, &owner, "/api/auth/me").await;
    assert_eq!(me["workspace_admin"], true);
    let plan = get_ok(&app, &owner, "/api/config/plan").await;
    for key in [
        "bookmarkLimit",
        "canShareWithTeams",
        "ai_available",
        "audit_log_available",
        "email_invites_available",
    ] {
        assert!(plan.get(key).is_some(), "{key}: {plan}");
    }
    assert_eq!(plan["bookmarkLimit"], plan["bookmark_limit"]);
    assert_eq!(plan["audit_log_available"], true);
    // Self-hosted, the field is not there at all, as the original.
    let selfhosted = spawn_app(Mode::Selfhosted).await;
    let ada = selfhosted.setup_admin("ada@example.com").await;
    let me = get_ok(&selfhosted, &ada, "/api/auth/me").await;
    assert!(me.get("workspace_admin").is_none(), "{me}");
}
