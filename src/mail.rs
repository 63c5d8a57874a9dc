//! Outgoing email: real SMTP when `SMTP_URL` is set, otherwise RFC 5322 `.eml` files in
//! `MAIL_DIR` (one file a message), which a person or a test can open.
//!
//! Bodies are sent as they were written (7bit, or 8bit when not ASCII), never quoted-printable,
//! so the link an email exists for stays whole on one line, also in the `.eml` file.

use std::path::PathBuf;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
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

/// An SMTP server an instance admin set in the web app (`/api/admin/settings/smtp`); it takes
/// precedence over `SMTP_URL`. `Debug` leaves the password out.
#[derive(Clone)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    /// TLS from the first byte (usually port 465); otherwise STARTTLS when the server offers it.
    pub secure: bool,
    pub user: String,
    pub password: String,
    /// The sender; `None` keeps `MAIL_FROM`.
    pub from: Option<Mailbox>,
}

impl std::fmt::Debug for SmtpServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpServer")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("secure", &self.secure)
            .field("user", &self.user)
            .finish_non_exhaustive()
    }
}

impl SmtpServer {
    fn transport(&self) -> Result<AsyncSmtpTransport<Tokio1Executor>> {
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::transport::smtp::client::{Tls, TlsParameters};
        let params = TlsParameters::new(self.host.clone())
            .map_err(|e| AppError::bad_request(format!("SMTP host: {e}")))?;
        let tls = if self.secure {
            Tls::Wrapper(params)
        } else {
            Tls::Opportunistic(params)
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls)
            .timeout(Some(std::time::Duration::from_secs(15)));
        if !self.user.is_empty() {
            builder =
                builder.credentials(Credentials::new(self.user.clone(), self.password.clone()));
        }
        Ok(builder.build())
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

    /// Whether mail leaves by SMTP (`SMTP_URL`) rather than as files.
    pub fn has_smtp(&self) -> bool {
        matches!(self.transport, Transport::Smtp(_))
    }

    pub async fn send(&self, email: Email<'_>) -> Result<()> {
        self.send_via(email, None).await
    }

    /// Sends through `server` when given (the one an admin set), otherwise as configured.
    pub async fn send_via(&self, email: Email<'_>, server: Option<&SmtpServer>) -> Result<()> {
        // The bare address, parsed with the grammar `Email::parse` checks (no display name or
        // comments read into it).
        let to = Mailbox::new(
            None,
            email
                .to
                .parse::<lettre::Address>()
                .map_err(|_| AppError::bad_request("Invalid email format"))?,
        );
        let from = server
            .and_then(|s| s.from.clone())
            .unwrap_or_else(|| self.from.clone());
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(email.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(plain_body(&email.body))
            .map_err(|e| AppError::internal(format!("building email: {e}")))?;
        if let Some(server) = server {
            server
                .transport()?
                .send(message)
                .await
                .map_err(|e| AppError::internal(format!("smtp ({}): {e}", server.host)))?;
            tracing::info!(subject = ?email.subject, host = %server.host, "email sent by SMTP");
            return Ok(());
        }
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(message)
                    .await
                    .map_err(|e| AppError::internal(format!("smtp: {e}")))?;
                tracing::info!(subject = ?email.subject, "email sent by SMTP");
            }
            Transport::Files(t, dir) => {
                let id = t
                    .send(message)
                    .await
                    .map_err(|e| AppError::internal(format!("writing email: {e}")))?;
                // The link inside carries a secret token, so the log names the file, not the link.
                tracing::info!(
                    subject = ?email.subject,
                    file = %dir.join(format!("{id}.eml")).display(),
                    "email written (no SMTP_URL configured); open the file for its link"
                );
            }
        }
        Ok(())
    }
}

/// RFC 5322's limit on a line, without its CRLF.
const MAX_LINE: usize = 998;

/// The body as written, with CRLF line ends: `7bit` when it is ASCII, `8bit` otherwise.
/// lettre on its own picks quoted-printable for any line of 76 characters or more, which breaks
/// every link with `=` soft line breaks and `=3D`; lines may in fact be up to 998 characters.
/// A body that does not fit (a longer line, a NUL, a bare CR) is left to lettre's choice.
fn plain_body(text: &str) -> Body {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let fits = crlf
        .split("\r\n")
        .all(|line| line.len() <= MAX_LINE && !line.contains(['\r', '\0']));
    if !fits {
        return Body::new(text.to_string());
    }
    let encoding = if crlf.is_ascii() {
        ContentTransferEncoding::SevenBit
    } else {
        ContentTransferEncoding::EightBit
    };
    Body::dangerous_pre_encoded(crlf.into_bytes(), encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(body: &str) -> String {
        let message = Message::builder()
            .from("SlugBase <no-reply@localhost>".parse().unwrap())
            .to("ada@example.com".parse().unwrap())
            .subject("Hello")
            .header(ContentType::TEXT_PLAIN)
            .body(plain_body(body))
            .unwrap();
        String::from_utf8(message.formatted()).unwrap()
    }

    const LINK: &str = "http://localhost:5000/reset-password?token=aVeryLongTokenThatGoesWellPastSeventySixCharacters_0123456789abcdefghijklmnop";

    /// The message for `text` followed by [`LINK`], checked to be `encoding` with the link whole.
    fn sent_as(text: &str, encoding: &str) -> String {
        let mail = formatted(&format!("{text}\n\n{LINK}\n"));
        let header = format!("Content-Transfer-Encoding: {encoding}\r\n");
        assert!(mail.contains(&header), "{mail}");
        assert!(mail.contains(&format!("\r\n{LINK}\r\n")), "{mail}");
        mail
    }

    #[test]
    fn an_ascii_body_is_7bit_with_its_link_on_one_line() {
        sent_as("Choose a new password here:", "7bit");
    }

    #[test]
    fn a_body_with_other_letters_is_8bit_and_keeps_them() {
        let mail = sent_as("Zoë invited you to Café.", "8bit");
        assert!(mail.contains("Zoë invited you to Café."), "{mail}");
    }

    #[test]
    fn a_line_past_the_limit_falls_back_to_an_encoding_that_wraps_it() {
        let mail = formatted(&"a".repeat(MAX_LINE + 1));
        assert!(
            mail.contains("Content-Transfer-Encoding: quoted-printable\r\n"),
            "{mail}"
        );
        assert!(mail.lines().all(|l| l.len() <= MAX_LINE));
    }
}
