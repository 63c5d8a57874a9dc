//! Administration: `GET /api/admin/audit-log` (who did what, newest first, a page at a time)
//! and `GET /api/admin/stats` (the instance's totals, for monitoring).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use utoipa::openapi::{ObjectBuilder, RefOr, Schema, Type};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::audit::{self, LogParams};
use crate::app::instance_stats::{self, InstanceStats};
use crate::domain::Timestamp;
use crate::error::Result;
use crate::http::fields;
use crate::http::{CurrentUser, Json};
use crate::request::OrgHeader;
use crate::state::AppState;
use crate::store::audit::AuditEvent;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(stats))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// Events per page, 1 to 500 (default 50).
    #[param(schema_with = crate::http::admin_users::limit_schema)]
    limit: Option<String>,
    /// The `next_cursor.before` of the previous page.
    #[param(schema_with = cursor_schema)]
    before: Option<String>,
    /// With `before_id`, the original SlugBase's cursor: `next_cursor.before_created_at`.
    #[param(schema_with = created_at_schema)]
    before_created_at: Option<String>,
    /// With `before_created_at`: `next_cursor.before_id`.
    #[param(schema_with = actor_schema)]
    before_id: Option<String>,
    /// Only events with this action, e.g. `member.role_changed`.
    #[param(schema_with = filter_schema)]
    action: Option<String>,
    /// Only events by this person.
    #[param(schema_with = actor_schema)]
    actor_user_id: Option<String>,
    /// Only events about this kind of thing, e.g. `bookmark`.
    #[param(schema_with = filter_schema)]
    entity_type: Option<String>,
}

fn cursor_schema() -> RefOr<Schema> {
    let cursor = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(audit::CURSOR_PATTERN));
    fields::or_blank(cursor.build())
}

/// An RFC 3339 time as events show it (`2026-12-07T21:00:00.123Z`), or milliseconds.
fn created_at_schema() -> RefOr<Schema> {
    let at = ObjectBuilder::new().schema_type(Type::String).pattern(Some(
        r"^([0-9]{1,18}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2}))$",
    ));
    fields::or_blank(at.build())
}

fn filter_schema() -> RefOr<Schema> {
    fields::or_blank(fields::token())
}

fn actor_schema() -> RefOr<Schema> {
    fields::or_blank(fields::uuid())
}

/// An event, with its details also under the original SlugBase's name, `metadata`.
#[derive(Serialize, ToSchema)]
pub struct LogEvent {
    #[serde(flatten)]
    event: AuditEvent,
    /// The same object as `details`.
    #[schema(value_type = Object)]
    metadata: serde_json::Value,
}

impl From<AuditEvent> for LogEvent {
    fn from(event: AuditEvent) -> Self {
        let metadata = serde_json::from_str(&event.details)
            .unwrap_or_else(|_| serde_json::Value::Object(Default::default()));
        LogEvent { event, metadata }
    }
}

/// Where the next page starts: pass `before_created_at` and `before_id` (as the original
/// SlugBase's client does), or `before` alone.
#[derive(Serialize, ToSchema)]
pub struct NextCursor {
    /// The last event's `created_at`.
    #[schema(value_type = String, format = DateTime)]
    before_created_at: String,
    before_id: String,
    /// Both in one opaque value.
    before: String,
}

#[derive(Serialize, ToSchema)]
pub struct LogPage {
    events: Vec<LogEvent>,
    /// `null` on the last page.
    next_cursor: Option<NextCursor>,
}

/// The audit log. Owners and admins of the current organization (or the one named by
/// `X-Organization-Id`) read its events; a self-hosted instance admin without the header reads
/// every event of the instance.
#[utoipa::path(get, path = "/api/admin/audit-log", tag = "admin", params(LogQuery),
    responses((status = 200, body = LogPage), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    OrgHeader(header): OrgHeader,
    Query(q): Query<LogQuery>,
) -> Result<Json<LogPage>> {
    let params = LogParams {
        limit: q.limit,
        before: q.before,
        before_created_at: q.before_created_at,
        before_id: q.before_id,
        action: q.action,
        actor_user_id: q.actor_user_id,
        entity_type: q.entity_type,
    };
    let page = audit::read(
        &state.store,
        user,
        header.as_deref(),
        state.plan_policy(),
        &params,
    )
    .await?;
    let next_cursor = page.next_cursor.and_then(|before| {
        let last = page.events.last()?;
        Some(NextCursor {
            before_created_at: Timestamp(last.created_at).to_rfc3339(),
            before_id: last.id.clone(),
            before,
        })
    });
    Ok(Json(LogPage {
        events: page.events.into_iter().map(LogEvent::from).collect(),
        next_cursor,
    }))
}

/// The instance's totals, for a monitoring system: the header `X-Stats-Secret` must equal
/// `STATS_ENDPOINT_SECRET`; without that setting this route does not exist.
#[utoipa::path(get, path = "/api/admin/stats", tag = "admin", security(()),
    params(("X-Stats-Secret" = Option<String>, Header,
        description = "Equal to `STATS_ENDPOINT_SECRET`: without it 401, and 404 when that setting is not there")),
    responses((status = 200, body = InstanceStats), (status = 401), (status = 404)))]
async fn stats(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<InstanceStats>> {
    let given = headers.get("x-stats-secret").and_then(|v| v.to_str().ok());
    let secret = state.config.stats_endpoint_secret.as_deref();
    Ok(Json(
        instance_stats::read(&state.store, secret, given).await?,
    ))
}
