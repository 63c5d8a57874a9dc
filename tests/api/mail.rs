//! Emails as a person reads them: the `.eml` files the server writes when no SMTP_URL is set.
//! The link an email exists for must be copyable as it stands: whole, on a line of its own.

use reqwest::StatusCode;
use serde_json::json;
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_app, TestApp};
use crate::tenancy::current_org;

/// The `Content-Transfer-Encoding` of a raw message, and the line that starts with `prefix`.
fn encoding_and_line<'m>(mail: &'m str, prefix: &str) -> (&'m str, &'m str) {
    let encoding = mail
        .lines()
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
        .unwrap_or_else(|| panic!("no Content-Transfer-Encoding in:\n{mail}"));
    let line = mail
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting with {prefix} in:\n{mail}"));
    (encoding, line)
}

/// The token at the end of a link line: the whole rest of the line.
fn token_of<'l>(line: &'l str, prefix: &str) -> &'l str {
    let token = &line[prefix.len()..];
    assert!(
        token.len() >= 40
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "the link goes on or breaks: {line:?}"
    );
    token
}

fn link_prefix(app: &TestApp, path: &str) -> String {
    format!("{}{path}", app.state.config.base_url())
}

#[tokio::test]
async fn a_reset_link_copied_from_the_eml_file_works() {
    let app = spawn_app(Mode::Selfhosted).await;
    app.setup_admin("ada@example.com").await;
    expect(
        app.post(
            "/api/password-reset/request",
            None,
            json!({"email": "ada@example.com"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let mail = app.last_mail_to("ada@example.com").expect("a reset email");
    let prefix = link_prefix(&app, "/reset-password?token=");
    let (encoding, line) = encoding_and_line(&mail, &prefix);
    assert_eq!(encoding, "7bit");
    let token = token_of(line, &prefix);
    let valid = expect(
        app.get(&format!("/api/password-reset/verify?token={token}"), None)
            .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(valid, json!({"valid": true}));
}

#[tokio::test]
async fn an_invitation_from_zoe_is_8bit_with_her_name_and_the_link_intact() {
    let app = spawn_app(Mode::Selfhosted).await;
    let zoe = app.setup_as("zoe@example.com", "Zoë").await;
    let org = current_org(&app, &zoe).await;
    expect(
        app.post(
            &format!("/api/organizations/{org}/invitations"),
            Some(&zoe.jwt),
            json!({"email": "bo@example.com"}),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let mail = app.last_mail_to("bo@example.com").expect("an invitation");
    let prefix = link_prefix(&app, "/invite?token=");
    let (encoding, line) = encoding_and_line(&mail, &prefix);
    assert_eq!(encoding, "8bit");
    token_of(line, &prefix);
    assert!(
        mail.contains("Zoë invited you to join the organization \"Zoë's Workspace\""),
        "{mail}"
    );
}
