//! Outgoing email: real SMTP when `SMTP_URL` is set, otherwise RFC 5322 `.eml` files in
//! `MAIL_DIR` (one file a message), which a person or a test can open.

use std::path::PathBuf;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::error::{AppError, Result};

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.transport {
            Transport::Smtp(_) => write!(f, "Mailer(smtp)"),
            Transport::Files(_, dir) => write!(f, "Mailer(files in {})", dir.display()),
        }
    }
}

/// An email to send: plain text, with the one link it exists for.
pub struct Email<'a> {
    pub to: &'a str,
    pub subject: String,
    pub body: String,
}

impl Mailer {
    pub fn new(smtp_url: Option<&str>, mail_dir: PathBuf, from: &str) -> anyhow::Result<Self> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM is not a valid address: {e}"))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL is not valid: {e}"))?
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&mail_dir)?;
                Transport::Files(AsyncFileTransport::new(&mail_dir), mail_dir)
            }
        };
        Ok(Self { transport, from })
    }

    pub async fn send(&self, email: Email<'_>) -> Result<()> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|_| AppError::bad_request("Invalid email format"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(email.body)
            .map_err(|e| AppError::internal(format!("building email: {e}")))?;
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(message)
                    .await
                    .map_err(|e| AppError::internal(format!("smtp: {e}")))?;
                tracing::info!(subject = %email.subject, "email sent by SMTP");
            }
            Transport::Files(t, dir) => {
                let id = t
                    .send(message)
                    .await
                    .map_err(|e| AppError::internal(format!("writing email: {e}")))?;
                // The link inside carries a secret token, so the log names the file, not the link.
                tracing::info!(
                    subject = %email.subject,
                    file = %dir.join(format!("{id}.eml")).display(),
                    "email written (no SMTP_URL configured); open the file for its link"
                );
            }
        }
        Ok(())
    }
}
