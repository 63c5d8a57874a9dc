//! One-time links sent by email, and the account flows built on them: confirming a sign-up,
//! resetting a password, confirming a new email address. The token travels only inside the
//! email; the database keeps its SHA-256.

use crate::app::audit::{self, Actor, Event};
use crate::domain::{Email, Password, Timestamp};
use crate::error::{AppError, Result};
use crate::mail::{self, Mailer};
use crate::security::{passwords, random_token, sha256_hex};
use crate::store::email_tokens::{self, EmailToken, Purpose};
use crate::store::{sessions, users, Conn, Store};

/// Sign-up verification links live a day.
pub const SIGNUP_TTL_SECS: i64 = 24 * 3600;
/// Password reset links live an hour.
pub const RESET_TTL_SECS: i64 = 3600;
/// Links confirming a new email address live a day.
pub const EMAIL_CHANGE_TTL_SECS: i64 = 24 * 3600;

/// Where emails with links go out from: the mailer, and the address the links point to.
#[derive(Clone, Debug)]
pub struct Outbox<'a> {
    pub mailer: &'a Mailer,
    /// Where an SMTP server an admin set is kept (it goes before the mailer's own).
    pub store: &'a Store,
    /// The server's public address, without a trailing slash.
    pub base_url: String,
}

impl Outbox<'_> {
    /// The page at `path` (`{base}/login`).
    pub fn link_to(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The page at `path` that takes `token` (`{base}/invite?token=…`).
    pub fn link(&self, path: &str, token: &str) -> String {
        format!("{}{path}?token={token}", self.base_url)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn send(&self, to: &str, subject: String, body: String) -> Result<()> {
        let server = crate::app::instance_settings::smtp_server(self.store).await?;
        self.mailer
            .send_via(mail::Email { to, subject, body }, server.as_ref())
            .await
    }
}

/// Creates a new token for the user (retiring earlier unused ones of the same purpose).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn issue(
    c: &mut Conn<'_>,
    purpose: Purpose,
    user_id: &str,
    new_email: Option<&str>,
    ttl_secs: i64,
) -> Result<String> {
    let token = random_token();
    let now = Timestamp::now();
    email_tokens::replace(
        c,
        purpose,
        user_id,
        &sha256_hex(&token),
        new_email,
        now.millis(),
        now.plus_secs(ttl_secs).millis(),
    )
    .await?;
    Ok(token)
}

/// What a presented token turned out to be.
pub enum Lookup {
    Unknown,
    Used(EmailToken),
    Expired(EmailToken),
    Valid(EmailToken),
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn lookup(c: &mut Conn<'_>, purpose: Purpose, token: &str) -> Result<Lookup> {
    let Some(t) = email_tokens::find(c, purpose, &sha256_hex(token)).await? else {
        return Ok(Lookup::Unknown);
    };
    Ok(if t.used_at.is_some() {
        Lookup::Used(t)
    } else if t.expires_at <= Timestamp::now().millis() {
        Lookup::Expired(t)
    } else {
        Lookup::Valid(t)
    })
}

/// Marks the token used; false when another request used it first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn consume(c: &mut Conn<'_>, token: &str) -> Result<bool> {
    email_tokens::consume(c, &sha256_hex(token), Timestamp::now().millis()).await
}

/// What a link checked before it is used turned out to be.
#[derive(Clone, Debug)]
pub enum LinkCheck<T> {
    Valid(T),
    /// Why it no longer works, in the words the person reads.
    Invalid(&'static str),
}

// Sign-up verification.

#[tracing::instrument(level = "debug", skip_all)]
pub async fn issue_signup(c: &mut Conn<'_>, user_id: &str) -> Result<String> {
    issue(c, Purpose::Signup, user_id, None, SIGNUP_TTL_SECS).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn send_signup(outbox: &Outbox<'_>, to: &str, token: &str) -> Result<()> {
    let link = outbox.link("/verify-email", token);
    outbox
        .send(
            to,
            "Verify your SlugBase account".into(),
            format!(
                "Welcome to SlugBase!\n\nConfirm your email address to finish creating your account:\n\n{link}\n\nThe link works once and expires in 24 hours. If you did not sign up, ignore this email.\n"
            ),
        )
        .await
}

/// Someone signed up with an address that has an account: its owner hears of it by email (a
/// fresh verification link when the account was never verified, otherwise where to sign in or
/// reset the password), and the request gets the answer any sign-up gets.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn tell_owner_of_sign_up(
    store: &Store,
    outbox: &Outbox<'_>,
    owner: &users::User,
) -> Result<()> {
    let sent = if owner.email_verified {
        let (login, forgot) = (outbox.link_to("/login"), outbox.link_to("/forgot-password"));
        let body = format!(
            "Someone, perhaps you, asked to create a SlugBase account for {}. You have one already.\n\nSign in here:\n\n{login}\n\nForgot your password? Choose a new one here:\n\n{forgot}\n\nIf it was not you, ignore this email: nothing has changed.\n",
            owner.email
        );
        outbox
            .send(&owner.email, "Your SlugBase account".into(), body)
            .await
    } else {
        let mut tx = store.begin().await?;
        let token = issue_signup(&mut tx.conn(), &owner.id).await?;
        tx.commit().await?;
        send_signup(outbox, &owner.email, &token).await
    };
    sent.map_err(|e| {
        tracing::error!(error = %e, "sign-up email failed");
        AppError::Upstream(
            "Account created but we could not send the verification email. Please try again later or contact support.",
        )
    })
}

const SIGNUP_LINK_USED: &str = "This verification link has already been used";

/// Confirms a sign-up email address with the emailed token; answers whose it was.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn verify_signup(store: &Store, token: &str) -> Result<String> {
    let mut tx = store.begin().await?;
    let t = match lookup(&mut tx.conn(), Purpose::Signup, token).await? {
        Lookup::Unknown => {
            return Err(AppError::bad_request(
                "Invalid or expired verification link",
            ))
        }
        Lookup::Used(_) => return Err(AppError::bad_request(SIGNUP_LINK_USED)),
        Lookup::Expired(_) => {
            return Err(AppError::bad_request("This verification link has expired"))
        }
        Lookup::Valid(t) => t,
    };
    if !consume(&mut tx.conn(), token).await? {
        return Err(AppError::bad_request(SIGNUP_LINK_USED));
    }
    users::set_verified(&mut tx.conn(), &t.user_id, Timestamp::now().millis()).await?;
    tx.commit().await?;
    Ok(t.user_id)
}

/// Where a sign-up link stands: `valid`, `used`, `expired` or `invalid`, with the address it
/// confirms where that may be told.
#[derive(Clone, Debug)]
pub struct SignupLinkStatus {
    pub status: &'static str,
    pub email: Option<String>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn signup_status(store: &Store, token: &str) -> Result<SignupLinkStatus> {
    let mut db = store.read().await?;
    let (status, user_id) = match lookup(&mut db.conn(), Purpose::Signup, token).await? {
        Lookup::Unknown => ("invalid", None),
        Lookup::Used(_) => ("used", None),
        Lookup::Expired(t) => ("expired", Some(t.user_id)),
        Lookup::Valid(t) => ("valid", Some(t.user_id)),
    };
    let email = match user_id {
        Some(id) => users::by_id(&mut db.conn(), &id).await?.map(|u| u.email),
        None => None,
    };
    Ok(SignupLinkStatus { status, email })
}

/// Sends a fresh sign-up link in place of an earlier (possibly expired) one.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resend_signup(store: &Store, outbox: &Outbox<'_>, token: &str) -> Result<()> {
    let invalid = || AppError::bad_request("Invalid verification token");
    let mut tx = store.begin().await?;
    let t = match lookup(&mut tx.conn(), Purpose::Signup, token).await? {
        Lookup::Unknown => return Err(invalid()),
        Lookup::Used(_) => return Err(AppError::bad_request(SIGNUP_LINK_USED)),
        Lookup::Expired(t) | Lookup::Valid(t) => t,
    };
    let user = users::by_id(&mut tx.conn(), &t.user_id)
        .await?
        .ok_or_else(invalid)?;
    let fresh = issue_signup(&mut tx.conn(), &user.id).await?;
    tx.commit().await?;
    send_signup(outbox, &user.email, &fresh).await
}

/// Sends a new sign-up link to an unverified account with this address; nothing when there is
/// none (the caller answers the same either way).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn request_signup_resend(
    store: &Store,
    outbox: &Outbox<'_>,
    email: &Email,
) -> Result<()> {
    let mut tx = store.begin().await?;
    let user = users::by_email(&mut tx.conn(), email.as_str())
        .await?
        .filter(|u| !u.email_verified);
    if let Some(user) = user {
        let fresh = issue_signup(&mut tx.conn(), &user.id).await?;
        tx.commit().await?;
        send_signup(outbox, &user.email, &fresh).await?;
    }
    Ok(())
}

// Password reset.

pub const INVALID_TOKEN: &str = "Invalid or expired token";

/// Emails a reset link when the account exists. Sending may fail unseen: the caller answers the
/// same whatever happened, so the answer says nothing about the account.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn request_password_reset(
    store: &Store,
    outbox: &Outbox<'_>,
    email: &Email,
) -> Result<()> {
    let mut tx = store.begin().await?;
    let Some(user) = users::by_email(&mut tx.conn(), email.as_str()).await? else {
        return Ok(());
    };
    let token = issue(
        &mut tx.conn(),
        Purpose::PasswordReset,
        &user.id,
        None,
        RESET_TTL_SECS,
    )
    .await?;
    tx.commit().await?;
    let link = outbox.link("/reset-password", &token);
    let sent = outbox
        .send(
            &user.email,
            "Reset your SlugBase password".into(),
            format!("Someone asked to reset the password of your SlugBase account.\n\nChoose a new password here:\n\n{link}\n\nThe link works once and expires in an hour. If it was not you, ignore this email.\n"),
        )
        .await;
    if let Err(e) = sent {
        tracing::error!(error = %e, "password reset email failed");
    }
    Ok(())
}

/// Whether a reset token can still be used.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn check_password_reset(store: &Store, token: &str) -> Result<LinkCheck<()>> {
    let mut db = store.read().await?;
    Ok(
        match lookup(&mut db.conn(), Purpose::PasswordReset, token).await? {
            Lookup::Valid(_) => LinkCheck::Valid(()),
            _ => LinkCheck::Invalid(INVALID_TOKEN),
        },
    )
}

/// Sets a new password with a reset token, and ends every session and API token of the
/// account (whoever had the old password may have made them).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reset_password(store: &Store, token: &str, password: &Password) -> Result<()> {
    let hash = passwords::hash(password.expose()).await?;
    let mut tx = store.begin().await?;
    let Lookup::Valid(t) = lookup(&mut tx.conn(), Purpose::PasswordReset, token).await? else {
        return Err(AppError::bad_request(INVALID_TOKEN));
    };
    if !consume(&mut tx.conn(), token).await? {
        return Err(AppError::bad_request(INVALID_TOKEN));
    }
    let now = Timestamp::now().millis();
    users::set_password(&mut tx.conn(), &t.user_id, &hash, now).await?;
    sessions::revoke_all_for_user(&mut tx.conn(), &t.user_id, now).await?;
    crate::store::tokens::delete_all_for_user(&mut tx.conn(), &t.user_id, None).await?;
    let actor = Actor {
        user_id: Some(t.user_id.clone()),
        ..Actor::default()
    };
    let event = Event::new("password.reset", "user").entity(&t.user_id);
    audit::record(&mut tx.conn(), &actor, event).await?;
    tx.commit().await?;
    Ok(())
}

// Email change.

/// A link confirming `new_email` as the user's address.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn issue_email_change(
    c: &mut Conn<'_>,
    user_id: &str,
    new_email: &Email,
) -> Result<String> {
    let new_email = Some(new_email.as_str());
    issue(
        c,
        Purpose::EmailChange,
        user_id,
        new_email,
        EMAIL_CHANGE_TTL_SECS,
    )
    .await
}

/// Makes a link that could not be sent unusable.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn withdraw(store: &Store, token: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    email_tokens::consume(
        &mut tx.conn(),
        &sha256_hex(token),
        Timestamp::now().millis(),
    )
    .await?;
    tx.commit().await
}

/// Sends the link that confirms `to` as the account's new address.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn send_email_change(outbox: &Outbox<'_>, to: &str, token: &str) -> Result<()> {
    // `/verify-email`, as the original SlugBase's client routes it (`/confirm-email` works too).
    let link = outbox.link("/verify-email", token);
    outbox
        .send(
            to,
            "Confirm your new SlugBase email address".into(),
            format!("Confirm that this is the new email address of your SlugBase account:\n\n{link}\n\nThe link expires in 24 hours. Until then your account keeps its current address.\n"),
        )
        .await
}

/// The email-change link's state; a valid one tells the address it confirms.
fn email_change_token(found: Lookup) -> LinkCheck<EmailToken> {
    match found {
        Lookup::Valid(t) => LinkCheck::Valid(t),
        Lookup::Expired(_) => LinkCheck::Invalid("Token has expired"),
        Lookup::Unknown | Lookup::Used(_) => LinkCheck::Invalid(INVALID_TOKEN),
    }
}

/// Whether an email-change link is still good, and the address it confirms.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn check_email_change(store: &Store, token: &str) -> Result<LinkCheck<Option<String>>> {
    let mut db = store.read().await?;
    let found = lookup(&mut db.conn(), Purpose::EmailChange, token).await?;
    Ok(match email_change_token(found) {
        LinkCheck::Valid(t) => LinkCheck::Valid(t.new_email),
        LinkCheck::Invalid(why) => LinkCheck::Invalid(why),
    })
}

/// Confirms the new address: from now on the account uses it. Answers the address.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn confirm_email_change(store: &Store, token: &str) -> Result<String> {
    let mut tx = store.begin().await?;
    let found = lookup(&mut tx.conn(), Purpose::EmailChange, token).await?;
    let t = match email_change_token(found) {
        LinkCheck::Valid(t) => t,
        LinkCheck::Invalid(why) => return Err(AppError::bad_request(why)),
    };
    let email = t
        .new_email
        .clone()
        .ok_or_else(|| AppError::bad_request(INVALID_TOKEN))?;
    if !consume(&mut tx.conn(), token).await? {
        return Err(AppError::bad_request(INVALID_TOKEN));
    }
    users::set_email(
        &mut tx.conn(),
        &t.user_id,
        &email,
        Timestamp::now().millis(),
    )
    .await
    .map_err(|e| e.on_unique("This email address is already in use"))?;
    tx.commit().await?;
    Ok(email)
}
