//! One-time links sent by email. The token travels only inside the email; the database keeps
//! its SHA-256.

use crate::domain::Timestamp;
use crate::error::Result;
use crate::mail::{self, Mailer};
use crate::security::{random_token, sha256_hex};
use crate::store::email_tokens::{self, EmailToken, Purpose};
use crate::store::Conn;

/// Where emails with links go out from: the mailer, and the address the links point to.
#[derive(Clone, Debug)]
pub struct Outbox<'a> {
    pub mailer: &'a Mailer,
    /// The server's public address, without a trailing slash.
    pub base_url: String,
}

impl Outbox<'_> {
    /// The page at `path` that takes `token` (`{base}/invite?token=…`).
    pub fn link(&self, path: &str, token: &str) -> String {
        format!("{}{path}?token={token}", self.base_url)
    }

    pub async fn send(&self, to: &str, subject: String, body: String) -> Result<()> {
        self.mailer.send(mail::Email { to, subject, body }).await
    }
}

/// Creates a new token for the user (retiring earlier unused ones of the same purpose).
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
pub async fn consume(c: &mut Conn<'_>, token: &str) -> Result<bool> {
    email_tokens::consume(c, &sha256_hex(token), Timestamp::now().millis()).await
}
