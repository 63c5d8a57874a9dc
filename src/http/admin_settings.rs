//! `/api/admin/settings`: the current organization's settings, for its owners and admins.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::org_settings as use_case;
use crate::error::{AppError, Result};
use crate::http::doc_schemas::Message;
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, put))
        .routes(routes!(get, delete))
}

#[derive(Serialize, ToSchema)]
pub struct Setting {
    key: String,
    /// `***SET***` for a secret (`*_secret`, `*_password`, `*_key`) that is set.
    value: String,
}

#[derive(Deserialize, ToSchema)]
pub struct SettingBody {
    #[schema(required = true, nullable = false, pattern = "^[a-z][a-z0-9_]{0,63}$")]
    key: Option<String>,
    /// Text; a number or boolean is kept as its text. Writing `***SET***` to a secret keeps it.
    #[schema(required = true, nullable = false, value_type = String, max_length = 4096,
        pattern = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$")]
    value: Option<Value>,
}

/// Every setting as `{key: value}`, secrets masked.
#[utoipa::path(get, path = "/api/admin/settings", tag = "admin",
    responses((status = 200, body = BTreeMap<String, String>), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    org: CurrentOrg,
) -> Result<Json<BTreeMap<String, String>>> {
    Ok(Json(use_case::all(&state.store, &org).await?))
}

/// Sets one setting.
#[utoipa::path(post, path = "/api/admin/settings", tag = "admin", request_body = SettingBody,
    responses((status = 200, body = Setting), (status = 400), (status = 401), (status = 403), (status = 429)))]
async fn put(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<SettingBody>,
) -> Result<Json<Setting>> {
    state.limits.instance_settings(org.user_id()).await?;
    let required = || AppError::bad_request("Key and value are required");
    let key = body.key.ok_or_else(required)?;
    let value = match body.value.ok_or_else(required)? {
        Value::String(s) => s,
        v @ (Value::Number(_) | Value::Bool(_)) => v.to_string(),
        _ => return Err(AppError::bad_request("Setting value must be text")),
    };
    let (key, value) = use_case::put(&state.store, &org, &key, &value).await?;
    Ok(Json(Setting { key, value }))
}

#[utoipa::path(get, path = "/api/admin/settings/{key}", tag = "admin", params(("key" = String, Path)),
    responses((status = 200, body = Setting), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(key): Path<String>,
) -> Result<Json<Setting>> {
    let (key, value) = use_case::get(&state.store, &org, &key).await?;
    Ok(Json(Setting { key, value }))
}

#[utoipa::path(delete, path = "/api/admin/settings/{key}", tag = "admin", params(("key" = String, Path)),
    responses((status = 200, body = Message), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(key): Path<String>,
) -> Result<Json<Value>> {
    use_case::delete(&state.store, &org, &key).await?;
    Ok(Json(json!({"message": "Setting deleted"})))
}
