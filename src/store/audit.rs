//! The audit log: events are inserted inside the transaction of the change they record, and
//! never updated (the schema refuses it). Read newest first, by a `(created_at, id)` cursor.

use serde::Serialize;

use super::sql::Args;
use super::{args, Conn};
use crate::domain::time;
use crate::error::Result;

/// One event as it is stored and read.
#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub id: String,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    pub actor_user_id: Option<String>,
    pub actor_email: Option<String>,
    /// The actor's name now (read, not stored; `null` once their account is gone).
    #[sqlx(default)]
    pub actor_name: Option<String>,
    /// What happened, e.g. `member.role_changed`, `auth.login_failed`.
    pub action: String,
    /// The kind of thing it happened to, e.g. `membership`, `bookmark`.
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub organization_id: Option<String>,
    /// A JSON object with what else the event needs to be understood; never a secret.
    #[serde(serialize_with = "json_text")]
    #[schema(value_type = Object)]
    pub details: String,
    pub ip: Option<String>,
}

/// `details` is stored as JSON text and answered as the object it holds.
fn json_text<S: serde::Serializer>(v: &str, s: S) -> std::result::Result<S::Ok, S::Error> {
    let value: serde_json::Value =
        serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::Object(Default::default()));
    value.serialize(s)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(c: &mut Conn<'_>, e: &AuditEvent) -> Result<()> {
    c.execute(
        "INSERT INTO audit_events (id, created_at, actor_user_id, actor_email, action, \
         entity_type, entity_id, organization_id, details, ip) VALUES ($1, $2, $3, $4, $5, $6, \
         $7, $8, $9, $10)",
        args![
            &e.id,
            e.created_at,
            &e.actor_user_id,
            &e.actor_email,
            &e.action,
            &e.entity_type,
            &e.entity_id,
            &e.organization_id,
            &e.details,
            &e.ip
        ],
    )
    .await?;
    Ok(())
}

/// Which events to read.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Only this organization's events and its members' own account events; `None` reads
    /// every event (instance admins).
    pub organization_id: Option<String>,
    pub action: Option<String>,
    pub actor_user_id: Option<String>,
    pub entity_type: Option<String>,
    /// Strictly older than this `(created_at, id)`.
    pub before: Option<(i64, String)>,
    pub limit: i64,
}

/// Newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(c: &mut Conn<'_>, f: &Query) -> Result<Vec<AuditEvent>> {
    let mut args = Args::default();
    let mut conditions = Vec::new();
    if let Some(org) = &f.organization_id {
        // The organization's own events, and what its members did to their own accounts
        // (tokens, MFA, passwords), which belongs to no organization.
        let org = args.text(org);
        conditions.push(format!(
            "(organization_id = {org} OR (organization_id IS NULL AND actor_user_id IN \
             (SELECT user_id FROM org_members WHERE org_id = {org})))"
        ));
    }
    for (column, value) in [
        ("action", &f.action),
        ("actor_user_id", &f.actor_user_id),
        ("entity_type", &f.entity_type),
    ] {
        if let Some(v) = value {
            conditions.push(format!("{column} = {}", args.text(v)));
        }
    }
    if let Some((at, id)) = &f.before {
        let at = args.push(*at);
        let id = args.text(id);
        conditions.push(format!(
            "(created_at < {at} OR (created_at = {at} AND id < {id}))"
        ));
    }
    let limit = args.push(f.limit);
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT id, created_at, actor_user_id, actor_email, \
         (SELECT u.name FROM users u WHERE u.id = audit_events.actor_user_id) AS actor_name, \
         action, entity_type, entity_id, organization_id, details, ip \
         FROM audit_events {filter} ORDER BY created_at DESC, id DESC LIMIT {limit}"
    );
    c.fetch_all(&sql, args).await
}

/// Removes an organization's events with the rest of its data.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete_for_org(c: &mut Conn<'_>, org_id: &str) -> Result<()> {
    c.execute(
        "DELETE FROM audit_events WHERE organization_id = $1",
        args![org_id],
    )
    .await?;
    Ok(())
}
