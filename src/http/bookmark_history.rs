//! A bookmark's edit history and its visits per day: `GET /api/bookmarks/{id}/history`,
//! `POST /api/bookmarks/{id}/history/{entryId}/restore` and `GET /api/bookmarks/{id}/visits`.
//! Whoever can see the bookmark reads them; only its owner restores.

use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::{history, visits};
use crate::domain::history::HistoryField;
use crate::domain::time::millis;
use crate::domain::visits::DayCount;
use crate::error::Result;
use crate::http::bookmarks::Bookmark;
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;
use crate::store::history::HistoryRow;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(restore))
        .routes(routes!(per_day))
}

/// Who made a change.
#[derive(Serialize, ToSchema)]
pub struct ChangedBy {
    id: String,
    name: String,
}

/// A title, URL or slug (a string; `null` for no slug) or forwarding (a boolean).
fn field_value() -> utoipa::openapi::schema::Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([
            Type::String,
            Type::Boolean,
            Type::Null,
        ]))
        .build()
}

/// One change of one field.
#[derive(Serialize, ToSchema)]
pub struct HistoryEntry {
    /// What `POST …/history/{entryId}/restore` takes.
    id: String,
    #[serde(serialize_with = "millis")]
    #[schema(value_type = String, format = DateTime)]
    changed_at: i64,
    /// `null` once the account that made it is gone.
    changed_by: Option<ChangedBy>,
    /// `title`, `url`, `slug` or `forwarding_enabled`.
    field: String,
    #[schema(schema_with = field_value)]
    old: Value,
    #[schema(schema_with = field_value)]
    new: Value,
}

impl From<HistoryRow> for HistoryEntry {
    fn from(r: HistoryRow) -> Self {
        let kind = HistoryField::parse(&r.field);
        let json = |v: Option<&str>| match kind {
            Some(f) => f.json(v),
            None => v.map_or(Value::Null, |s| Value::String(s.to_string())),
        };
        HistoryEntry {
            old: json(r.old_value.as_deref()),
            new: json(r.new_value.as_deref()),
            id: r.id,
            changed_at: r.changed_at,
            changed_by: r
                .changed_by
                .zip(r.changed_by_name)
                .map(|(id, name)| ChangedBy { id, name }),
            field: r.field,
        }
    }
}

/// Every change of the bookmark's title, URL, slug and forwarding, newest first (the newest
/// 500). Anyone who can see the bookmark reads it; to anyone else it is not found.
#[utoipa::path(get, path = "/api/bookmarks/{id}/history", tag = "bookmarks", params(("id" = String, Path)),
    responses((status = 200, body = [HistoryEntry]), (status = 401), (status = 404)))]
async fn list(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>> {
    let rows = history::list(&state.store, &org, &id).await?;
    Ok(Json(rows.into_iter().map(HistoryEntry::from).collect()))
}

/// Puts back the value the change replaced, as an edit of the bookmark (so the same rules
/// apply: a slug must still be free, forwarding needs a slug) that is recorded in its turn.
/// The owner only: 403 for others who can see the bookmark.
#[utoipa::path(post, path = "/api/bookmarks/{id}/history/{entryId}/restore", tag = "bookmarks",
    params(("id" = String, Path), ("entryId" = String, Path)),
    responses((status = 200, body = Bookmark), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn restore(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path((id, entry_id)): Path<(String, String)>,
) -> Result<Json<Bookmark>> {
    let out = history::restore(&state.store, &state.link_checker, &org, &id, &entry_id).await?;
    Ok(Json(out.into()))
}

/// Visits per UTC day over the last 90 days, oldest first, days without visits as 0 (counts
/// only: nothing about who visited is kept). Go-link visits and openings from the library count.
#[utoipa::path(get, path = "/api/bookmarks/{id}/visits", tag = "bookmarks", params(("id" = String, Path)),
    responses((status = 200, body = [DayCount]), (status = 401), (status = 404)))]
async fn per_day(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<Vec<DayCount>>> {
    Ok(Json(visits::per_day(&state.store, &org, &id).await?))
}
