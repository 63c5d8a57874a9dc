//! Invitation reminders: once, three days after the invitation was sent, by the background job
//! the server runs, with a link of its own beside the first email's; never twice, not even with
//! two instances on one database.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use slugbase::config::Mode;

use crate::helpers::{expect, spawn_with, Person, TestApp};
use crate::tenancy::current_org;

/// Three days and a minute, in milliseconds: how far back an invitation is aged to be due.
const AGED_MS: &str = "259260000";

async fn cloud_team() -> (TestApp, Person, String) {
    let app = spawn_with(Mode::Cloud, |c| c.invitation_reminder_check_secs = 1).await;
    let alice = app.signup("alice@example.com", "Alice").await;
    let org = current_org(&app, &alice).await;
    app.set_plan(&org, "team").await;
    (app, alice, org)
}

async fn invite(app: &TestApp, alice: &Person, org: &str, email: &str) -> String {
    let body = expect(
        app.post(
            &format!("/api/organizations/{org}/invitations"),
            Some(&alice.jwt),
            json!({ "email": email }),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    body["invitation"]["id"].as_str().unwrap().to_string()
}

/// Moves the invitation's sending (and so its expiry) three days and a minute into the past.
async fn age(app: &TestApp, email: &str) {
    app.exec(
        &format!("UPDATE invitations SET expires_at = expires_at - {AGED_MS}, created_at = created_at - {AGED_MS} WHERE email = $1"),
        &[email],
    )
    .await;
}

/// Waits until `to` has received `n` emails (the job runs every second here).
async fn wait_for_mails(app: &TestApp, to: &str, n: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while app.mails_to(to) < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{to} has {} emails, expected {n}",
            app.mails_to(to)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn link_is_valid(app: &TestApp, token: &str) -> bool {
    let body: Value = app
        .get(&format!("/api/invitations/verify?token={token}"), None)
        .await
        .json()
        .await
        .unwrap();
    body["valid"] == true
}

#[tokio::test]
async fn a_waiting_invitation_is_reminded_once_and_both_links_work() {
    let (app, alice, org) = cloud_team().await;
    invite(&app, &alice, &org, "bob@example.com").await;
    invite(&app, &alice, &org, "fresh@example.com").await;
    let first = app.token_from_mail("bob@example.com", "/invite?token=");
    age(&app, "bob@example.com").await;

    wait_for_mails(&app, "bob@example.com", 2).await;
    let mail = app.last_mail_to("bob@example.com").unwrap();
    assert!(mail.contains("Reminder: Alice invited you to"), "{mail}");
    assert!(mail.contains("expires on"), "{mail}");
    let reminder = app.token_from_mail("bob@example.com", "/invite?token=");
    assert_ne!(reminder, first);
    assert!(
        link_is_valid(&app, &first).await,
        "the first link still works"
    );
    assert!(link_is_valid(&app, &reminder).await);

    // Never again, and nobody else is reminded early.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(app.mails_to("bob@example.com"), 2);
    assert_eq!(app.mails_to("fresh@example.com"), 1);

    // Bob accepts with the reminder's link.
    let bob = app.signup("bob@example.com", "Bob").await;
    let joined = expect(
        app.post(
            "/api/invitations/accept",
            Some(&bob.jwt),
            json!({ "token": reminder }),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(joined["message"], "Joined organization");
    assert!(
        !link_is_valid(&app, &first).await,
        "used, both links say so"
    );
}

#[tokio::test]
async fn cancelled_expired_and_resent_invitations_are_not_reminded_from_old_links() {
    let (app, alice, org) = cloud_team().await;
    let cancelled = invite(&app, &alice, &org, "carl@example.com").await;
    expect(
        app.delete(
            &format!("/api/organizations/{org}/invitations/{cancelled}"),
            Some(&alice.jwt),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    age(&app, "carl@example.com").await;
    invite(&app, &alice, &org, "old@example.com").await;
    app.exec(
        "UPDATE invitations SET expires_at = 1000 WHERE email = $1",
        &["old@example.com"],
    )
    .await;
    let resent = invite(&app, &alice, &org, "rita@example.com").await;
    age(&app, "rita@example.com").await;
    wait_for_mails(&app, "rita@example.com", 2).await;
    let reminder = app.token_from_mail("rita@example.com", "/invite?token=");

    // Sending again issues a new link: the reminder's stops working, and no second reminder comes.
    expect(
        app.post(
            &format!("/api/organizations/{org}/invitations/{resent}/resend"),
            Some(&alice.jwt),
            json!({}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(!link_is_valid(&app, &reminder).await);
    let newest = app.token_from_mail("rita@example.com", "/invite?token=");
    assert!(link_is_valid(&app, &newest).await);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(app.mails_to("rita@example.com"), 3);
    assert_eq!(app.mails_to("carl@example.com"), 1);
    assert_eq!(app.mails_to("old@example.com"), 1);
}

#[tokio::test]
async fn two_instances_send_one_reminder_between_them() {
    let (app, alice, org) = cloud_team().await;
    let second = app
        .reopen_with(|c| c.invitation_reminder_check_secs = 1)
        .await;
    for i in 0..4 {
        invite(&app, &alice, &org, &format!("p{i}@example.com")).await;
    }
    app.exec(
        &format!("UPDATE invitations SET expires_at = expires_at - {AGED_MS}"),
        &[],
    )
    .await;
    for i in 0..4 {
        wait_for_mails(&app, &format!("p{i}@example.com"), 2).await;
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    for i in 0..4 {
        assert_eq!(app.mails_to(&format!("p{i}@example.com")), 2, "p{i}");
    }
    drop(second);
}
