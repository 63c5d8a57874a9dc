//! The audit log: who did what, when, and from where. Use cases record an event with
//! [`record`] on the connection of the transaction that makes the change, so the event and the
//! change are committed together or not at all. Events are never updated, and [`record`] drops
//! any detail whose name says it holds a password, secret or token, whatever a caller passes.

use std::net::IpAddr;

use serde_json::{Map, Value};

use crate::app::identity::CurrentUser;
use crate::app::list_params::present;
use crate::app::tenancy::current_org;
use crate::config::Mode;
use crate::domain::ids::parse_id;
use crate::domain::plan::PlanPolicy;
use crate::domain::{new_id, Timestamp};
use crate::error::{AppError, Result};
use crate::store::audit::{self, AuditEvent, Query};
use crate::store::{users, Conn, Store};

/// Who acts: a person (with their address at the time), or nobody (an operator's command, the
/// billing provider, a sign-in by someone not known), and the client's address.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub ip: Option<IpAddr>,
}

impl Actor {
    /// The signed-in person of a request.
    pub fn of(user: &CurrentUser) -> Self {
        Self::person(&user.user, user.ip)
    }

    /// A person known by other means (the account a sign-in or a link is for).
    pub fn person(user: &users::User, ip: Option<IpAddr>) -> Self {
        Self {
            user_id: Some(user.id.clone()),
            email: Some(user.email.clone()),
            ip,
        }
    }

    /// A request by nobody known, from `ip`.
    pub fn anonymous(ip: Option<IpAddr>) -> Self {
        Self {
            ip,
            ..Self::default()
        }
    }

    /// The system itself: an operator's command line, a webhook.
    pub fn system() -> Self {
        Self::default()
    }
}

/// What happened, to what, in which organization.
#[derive(Clone, Debug)]
pub struct Event {
    action: &'static str,
    entity_type: &'static str,
    entity_id: Option<String>,
    organization_id: Option<String>,
    details: Map<String, Value>,
}

impl Event {
    pub fn new(action: &'static str, entity_type: &'static str) -> Self {
        Self {
            action,
            entity_type,
            entity_id: None,
            organization_id: None,
            details: Map::new(),
        }
    }

    pub fn entity(mut self, id: &str) -> Self {
        self.entity_id = Some(id.to_string());
        self
    }

    pub fn org(mut self, id: &str) -> Self {
        self.organization_id = Some(id.to_string());
        self
    }

    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }
}

/// Names of details that must never be written, however a caller builds an event.
fn is_secret_name(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "secret", "token", "hash", "code", "key"]
        .iter()
        .any(|w| key.contains(w))
}

fn scrub(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| !is_secret_name(k))
                .map(|(k, v)| (k, scrub(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(scrub).collect()),
        other => other,
    }
}

/// Writes `event` on `c`, which should be the transaction of the change it records.
#[tracing::instrument(level = "debug", skip_all, fields(action = event.action))]
pub async fn record(c: &mut Conn<'_>, actor: &Actor, event: Event) -> Result<()> {
    let details = scrub(Value::Object(event.details));
    let row = AuditEvent {
        id: new_id(),
        created_at: Timestamp::now().millis(),
        actor_user_id: actor.user_id.clone(),
        actor_email: actor.email.clone(),
        actor_name: None,
        action: event.action.to_string(),
        entity_type: event.entity_type.to_string(),
        entity_id: event.entity_id,
        organization_id: event.organization_id,
        details: details.to_string(),
        ip: actor.ip.map(|ip| ip.to_string()),
    };
    audit::insert(c, &row).await
}

/// Records an event in a transaction of its own, for what changes nothing else (a refused
/// sign-in).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_alone(store: &Store, actor: &Actor, event: Event) -> Result<()> {
    let mut tx = store.begin().await?;
    record(&mut tx.conn(), actor, event).await?;
    // Nothing cached reads the log.
    tx.commit_quietly().await
}

/// The filters of `GET /api/admin/audit-log`, unparsed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct LogParams {
    pub limit: Option<String>,
    pub before: Option<String>,
    /// The original SlugBase's cursor, in two halves: the last event's `created_at` (as shown,
    /// or in milliseconds) and its `id`. Both or neither.
    pub before_created_at: Option<String>,
    pub before_id: Option<String>,
    pub action: Option<String>,
    pub actor_user_id: Option<String>,
    pub entity_type: Option<String>,
}

/// One page of the log and the cursor of the next (`None` on the last page).
#[derive(Clone, Debug)]
pub struct LogPage {
    pub events: Vec<AuditEvent>,
    pub next_cursor: Option<String>,
}

pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 500;

/// What a cursor looks like: the event's time in milliseconds and its id. Clients treat it as
/// opaque; the API document gives the pattern so that anything it allows reads back.
pub const CURSOR_PATTERN: &str =
    r"^[0-9]{1,18}\.[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

fn encode_cursor(e: &AuditEvent) -> String {
    format!("{}.{}", e.created_at, e.id)
}

/// The original's two-part cursor, when given (both halves or neither).
fn split_cursor(at: &Option<String>, id: &Option<String>) -> Result<Option<(i64, String)>> {
    let bad = || AppError::bad_request("Invalid cursor");
    match (present(at), present(id)) {
        (None, None) => Ok(None),
        (Some(at), Some(id)) => {
            let millis = if at.bytes().all(|b| b.is_ascii_digit()) && at.len() <= 18 {
                at.parse::<i64>().map_err(|_| bad())?
            } else {
                chrono::DateTime::parse_from_rfc3339(at)
                    .map_err(|_| bad())?
                    .timestamp_millis()
            };
            Ok(Some((millis, parse_id(id).ok_or_else(bad)?)))
        }
        _ => Err(AppError::bad_request(
            "Pagination requires both before_created_at and before_id",
        )),
    }
}

fn decode_cursor(raw: &str) -> Result<(i64, String)> {
    let bad = || AppError::bad_request("Invalid cursor");
    let (at, id) = raw.split_once('.').ok_or_else(bad)?;
    if at.is_empty() || at.len() > 18 || !at.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let at = at.parse::<i64>().map_err(|_| bad())?;
    let id = parse_id(id).ok_or_else(bad)?;
    Ok((at, id))
}

/// A filter on a text column; NUL, which no stored value holds (and PostgreSQL cannot take), is
/// refused.
fn filter(raw: &Option<String>, name: &str) -> Result<Option<String>> {
    match present(raw) {
        Some(s) if s.contains('\0') => Err(AppError::bad_request(format!("Invalid {name}"))),
        v => Ok(v.map(str::to_string)),
    }
}

fn limit(raw: &Option<String>) -> Result<i64> {
    match present(raw) {
        None => Ok(DEFAULT_PAGE),
        Some(s) => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(AppError::bad_request("limit must be a number"));
            }
            let n = s
                .parse::<i64>()
                .unwrap_or(if s.starts_with('-') { 1 } else { MAX_PAGE });
            Ok(n.clamp(1, MAX_PAGE))
        }
    }
}

/// A page of the log for `user`: a self-hosted instance admin reads every event; an owner or
/// admin of the current organization (or the one `named`) reads that organization's; anyone
/// else is refused with the plain Forbidden.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn read(
    store: &Store,
    user: CurrentUser,
    named_org: Option<&str>,
    policy: PlanPolicy,
    params: &LogParams,
) -> Result<LogPage> {
    let organization_id =
        if policy.mode == Mode::Selfhosted && user.user.is_admin && named_org.is_none() {
            None
        } else {
            let org = current_org(store, user, named_org, policy)
                .await
                .map_err(|_| AppError::Forbidden)?;
            org.require_manager()?;
            Some(org.org.id)
        };
    let limit = limit(&params.limit)?;
    let query = Query {
        organization_id,
        action: filter(&params.action, "action")?,
        actor_user_id: present(&params.actor_user_id)
            .map(|id| parse_id(id).ok_or_else(|| AppError::bad_request("Invalid actor_user_id")))
            .transpose()?,
        entity_type: filter(&params.entity_type, "entity_type")?,
        before: match split_cursor(&params.before_created_at, &params.before_id)? {
            Some(cursor) => Some(cursor),
            None => present(&params.before).map(decode_cursor).transpose()?,
        },
        // One more than asked tells whether another page follows.
        limit: limit + 1,
    };
    let mut db = store.read().await?;
    let mut events = audit::list(&mut db.conn(), &query).await?;
    let more = events.len() as i64 > limit;
    events.truncate(limit as usize);
    let next_cursor = more.then(|| events.last().map(encode_cursor)).flatten();
    Ok(LogPage {
        events,
        next_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_reach_the_details() {
        let v = serde_json::json!({
            "name": "ci", "password": "x", "new_password": "y", "client_secret": "z",
            "token": "sb_x", "backup_codes": ["a"], "nested": {"api_key": "k", "role": "admin"},
        });
        assert_eq!(
            scrub(v),
            serde_json::json!({"name": "ci", "nested": {"role": "admin"}})
        );
    }

    #[test]
    fn a_cursor_reads_back_and_garbage_is_refused() {
        let e = AuditEvent {
            id: new_id(),
            created_at: 1_700_000_000_123,
            actor_user_id: None,
            actor_email: None,
            actor_name: None,
            action: "x".into(),
            entity_type: "y".into(),
            entity_id: None,
            organization_id: None,
            details: "{}".into(),
            ip: None,
        };
        assert_eq!(
            decode_cursor(&encode_cursor(&e)).unwrap(),
            (e.created_at, e.id.clone())
        );
        for bad in [
            "",
            "nope",
            "MTIz",
            "12.not-a-uuid",
            "-1.0f0e4c4e-0000-4000-8000-000000000000",
        ] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }
}
