//! Settings of the whole instance that a self-hosted instance admin makes in the web app, with
//! the original SlugBase's keys and shapes: the SMTP server mail goes out through (it takes
//! precedence over `SMTP_URL`) with a test-send, and the AI provider for suggestions. Secrets
//! (the SMTP password, the AI key) go in and never come out: they read back as set or not.

use std::collections::BTreeMap;

use lettre::message::Mailbox;

use crate::app::admin_users::require_admin;
use crate::app::audit::{self, Actor, Event};
use crate::app::identity::CurrentUser;
use crate::config::Mode;
use crate::domain::setting::{SettingKey, MASK};
use crate::domain::{DomainError, Email, Timestamp};
use crate::error::{AppError, Result};
use crate::mail::{self, Mailer, SmtpServer};
use crate::store::{instance_settings, Store};

/// The SMTP keys, as the original names them.
pub const SMTP_KEYS: [&str; 8] = [
    "smtp_enabled",
    "smtp_host",
    "smtp_port",
    "smtp_secure",
    "smtp_user",
    "smtp_password",
    "smtp_from",
    "smtp_from_name",
];

const AI_PROVIDERS: [&str; 1] = ["openai"];
const DEFAULT_AI_PROVIDER: &str = "openai";
const DEFAULT_AI_MODEL: &str = "gpt-4o-mini";

async fn stored(store: &Store) -> Result<BTreeMap<String, String>> {
    let mut db = store.read().await?;
    Ok(instance_settings::all(&mut db.conn())
        .await?
        .into_iter()
        .collect())
}

/// Every instance setting, secrets masked (for `GET /api/admin/settings`), by the same rule as
/// an organization's settings.
pub async fn shown(store: &Store) -> Result<BTreeMap<String, String>> {
    Ok(stored(store)
        .await?
        .into_iter()
        .map(|(k, v)| {
            let shown = SettingKey::parse(&k).map_or_else(|_| v.clone(), |key| key.shown(&v));
            (k, shown)
        })
        .collect())
}

/// The eight SMTP keys as text, `""` when unset, the password masked.
pub async fn smtp(
    store: &Store,
    mode: Mode,
    admin: &CurrentUser,
) -> Result<BTreeMap<String, String>> {
    require_admin(mode, admin)?;
    let all = shown(store).await?;
    Ok(SMTP_KEYS
        .iter()
        .map(|k| (k.to_string(), all.get(*k).cloned().unwrap_or_default()))
        .collect())
}

/// What the admin's SMTP form sends; absent fields stay, and an empty password keeps the
/// stored one (the form never shows it).
#[derive(Default)]
pub struct SmtpInput {
    pub enabled: Option<bool>,
    pub host: Option<String>,
    pub port: Option<String>,
    pub secure: Option<bool>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub from: Option<String>,
    pub from_name: Option<String>,
}

/// The API document's pattern for a host (empty clears it).
pub const HOST_PATTERN: &str = r"^([A-Za-z0-9._-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])?$";
/// The API document's pattern for a port given as text: 1 to 65535, no leading zero.
pub const PORT_PATTERN: &str =
    r"^(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})$";

/// Text of at most `max` characters without control characters, then trimmed.
fn text(value: &str, field: &str, max: usize) -> Result<String> {
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(DomainError::invalid(format!(
            "{field} must be at most {max} characters, without control characters"
        ))
        .into());
    }
    Ok(value.trim().to_string())
}

/// A host name, an IPv4 address or a bracketed IPv6 address, as [`HOST_PATTERN`] says.
fn host(value: &str) -> Result<String> {
    let name = |v: &str| {
        (1..=253).contains(&v.len())
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    };
    let bracketed = |v: &str| {
        v.strip_prefix('[')
            .and_then(|v| v.strip_suffix(']'))
            .is_some_and(|ip| {
                (2..=45).contains(&ip.len())
                    && ip
                        .bytes()
                        .all(|b| b.is_ascii_hexdigit() || b":.".contains(&b))
            })
    };
    if value.is_empty() || name(value) || bracketed(value) {
        Ok(value.to_string())
    } else {
        Err(DomainError::invalid("host must be a host name or address").into())
    }
}

/// 1 to 65535 written plainly, as [`PORT_PATTERN`] says.
fn port(value: &str) -> Result<String> {
    match value.parse::<u16>() {
        Ok(p) if p > 0 && p.to_string() == value => Ok(value.to_string()),
        _ => Err(DomainError::invalid("port must be a number from 1 to 65535").into()),
    }
}

fn sender(value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    Ok(Email::parse(v)?.as_str().to_string())
}

fn flag(v: bool) -> String {
    if v { "true" } else { "false" }.to_string()
}

impl SmtpInput {
    /// The keys to write, validated; none is written unless all are valid.
    fn changes(&self) -> Result<Vec<(&'static str, String)>> {
        let mut out = Vec::new();
        if let Some(v) = self.enabled {
            out.push(("smtp_enabled", flag(v)));
        }
        if let Some(v) = &self.host {
            out.push(("smtp_host", host(v)?));
        }
        if let Some(v) = &self.port {
            out.push(("smtp_port", port(v)?));
        }
        if let Some(v) = self.secure {
            out.push(("smtp_secure", flag(v)));
        }
        if let Some(v) = &self.user {
            out.push(("smtp_user", text(v, "user", 255)?));
        }
        if let Some(v) = self.password.as_deref().map(str::trim) {
            if !v.is_empty() && v != MASK {
                out.push(("smtp_password", text(v, "password", 1000)?));
            }
        }
        if let Some(v) = &self.from {
            out.push(("smtp_from", sender(v)?));
        }
        if let Some(v) = &self.from_name {
            out.push(("smtp_from_name", text(v, "fromName", 100)?));
        }
        Ok(out)
    }
}

async fn write(
    store: &Store,
    admin: &CurrentUser,
    changes: Vec<(&'static str, String)>,
    action: &'static str,
    entity: &str,
) -> Result<()> {
    let now = Timestamp::now().millis();
    let keys: Vec<String> = changes.iter().map(|(k, _)| k.to_string()).collect();
    let mut tx = store.begin().await?;
    for (key, value) in &changes {
        instance_settings::put(&mut tx.conn(), key, value, now).await?;
    }
    let event = Event::new(action, "settings")
        .entity(entity)
        .detail("keys", keys);
    audit::record(&mut tx.conn(), &Actor::of(admin), event).await?;
    tx.commit().await
}

/// Saves the SMTP form. Turning SMTP on needs a host.
pub async fn save_smtp(
    store: &Store,
    mode: Mode,
    admin: &CurrentUser,
    input: SmtpInput,
) -> Result<()> {
    require_admin(mode, admin)?;
    let changes = input.changes()?;
    if input.enabled == Some(true) {
        let host_now = stored(store).await?.remove("smtp_host").unwrap_or_default();
        let host_after = input
            .host
            .as_deref()
            .map_or(host_now, |h| h.trim().to_string());
        if host_after.is_empty() {
            return Err(DomainError::invalid("host is required to turn SMTP on").into());
        }
    }
    write(store, admin, changes, "settings.smtp_updated", "smtp").await
}

/// The SMTP server mail goes out through, when an admin set one and turned it on.
pub async fn smtp_server(store: &Store) -> Result<Option<SmtpServer>> {
    let mut all = stored(store).await?;
    let mut take = |k: &str| all.remove(k).unwrap_or_default();
    if take("smtp_enabled") != "true" {
        return Ok(None);
    }
    let host = take("smtp_host");
    if host.is_empty() {
        return Ok(None);
    }
    let secure = take("smtp_secure") == "true";
    let port = take("smtp_port")
        .parse()
        .unwrap_or(if secure { 465 } else { 587 });
    let (address, name) = (take("smtp_from"), take("smtp_from_name"));
    let from = address
        .parse()
        .ok()
        .map(|a| Mailbox::new((!name.is_empty()).then_some(name), a));
    Ok(Some(SmtpServer {
        host,
        port,
        secure,
        user: take("smtp_user"),
        password: take("smtp_password"),
        from,
    }))
}

/// Whether mail leaves by SMTP at all (an admin's server, or `SMTP_URL`), as the original's
/// `smtp_enabled` tells its client that invitations can be emailed.
pub async fn smtp_enabled(store: &Store, mailer: &Mailer) -> Result<bool> {
    Ok(mailer.has_smtp() || smtp_server(store).await?.is_some())
}

/// Sends a test email to `to` the way every email goes out now; 400 with the reason when it
/// cannot be sent.
pub async fn test_smtp(
    store: &Store,
    mailer: &Mailer,
    mode: Mode,
    admin: &CurrentUser,
    to: Option<&str>,
) -> Result<()> {
    require_admin(mode, admin)?;
    let to = to
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| AppError::bad_request("Email is required"))?;
    let to = Email::parse(to)?;
    let server = smtp_server(store).await?;
    let email = mail::Email {
        to: to.as_str(),
        subject: "SlugBase test email".into(),
        body: "This is a test email from SlugBase: email from this instance reaches you.\n".into(),
    };
    mailer.send_via(email, server.as_ref()).await.map_err(|e| {
        tracing::warn!(error = %e, "test email failed");
        // The transport's own words (refused, timed out, authentication failed): the admin
        // needs them to fix the settings, and they hold no secret.
        AppError::bad_request(format!("Failed to send test email: {e}"))
    })
}

/// The AI settings as the original's admin page reads them.
pub struct AiView {
    pub enabled: bool,
    pub provider: String,
    pub model: String,
    pub api_key_set: bool,
}

pub async fn ai(store: &Store, mode: Mode, admin: &CurrentUser) -> Result<AiView> {
    require_admin(mode, admin)?;
    let all = stored(store).await?;
    let get = |k: &str, default: &str| {
        all.get(k)
            .filter(|v| !v.is_empty())
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    Ok(AiView {
        enabled: get("ai_enabled", "false") == "true",
        provider: get("ai_provider", DEFAULT_AI_PROVIDER),
        model: get("ai_model", DEFAULT_AI_MODEL),
        api_key_set: all.get("ai_api_key").is_some_and(|v| !v.is_empty()),
    })
}

#[derive(Default)]
pub struct AiInput {
    pub enabled: Option<bool>,
    pub provider: Option<String>,
    pub api_key: Option<String>,
    pub model: Option<String>,
}

pub async fn save_ai(store: &Store, mode: Mode, admin: &CurrentUser, input: AiInput) -> Result<()> {
    require_admin(mode, admin)?;
    let mut changes = Vec::new();
    if let Some(v) = input.enabled {
        changes.push(("ai_enabled", flag(v)));
    }
    if let Some(v) = input.provider.as_deref() {
        if !AI_PROVIDERS.contains(&v) {
            return Err(DomainError::invalid("ai_provider must be openai").into());
        }
        changes.push(("ai_provider", v.to_string()));
    }
    if let Some(raw) = input.api_key.as_deref() {
        // Checked as sent (a control character is refused, even at an end), then trimmed.
        let v = text(raw, "ai_api_key", 500)?;
        if !v.is_empty() && v != MASK {
            changes.push(("ai_api_key", v));
        }
    }
    if let Some(v) = &input.model {
        if v.is_empty() || v.chars().any(char::is_whitespace) {
            return Err(DomainError::invalid("ai_model must be a model name").into());
        }
        let v = text(v, "ai_model", 100)?;
        if v.is_empty() {
            return Err(DomainError::invalid("ai_model must be a model name").into());
        }
        changes.push(("ai_model", v));
    }
    write(store, admin, changes, "settings.ai_updated", "ai").await
}

/// The models to choose from: 400 until a key is saved. Listing the provider's own models comes
/// with the suggestions themselves; until then the chosen model is the one offered.
pub async fn ai_models(store: &Store, mode: Mode, admin: &CurrentUser) -> Result<Vec<String>> {
    let view = ai(store, mode, admin).await?;
    if !view.api_key_set {
        return Err(AppError::bad_request(
            "API key required to list models. Set and save your API key first.",
        ));
    }
    Ok(vec![view.model])
}
