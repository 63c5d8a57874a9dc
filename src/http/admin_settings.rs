//! `/api/admin/settings`: the current organization's settings, for its owners and admins.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::admin_users::require_admin;
use crate::app::instance_settings::{self as instance, AiInput, SmtpInput};
use crate::app::org_settings as use_case;
use crate::error::{AppError, Result};
use crate::http::doc_schemas::Message;
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, put))
        .routes(routes!(get, delete))
        .routes(routes!(smtp, save_smtp))
        .routes(routes!(test_smtp))
        .routes(routes!(ai, save_ai))
        .routes(routes!(ai_models))
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
    #[schema(required = true, schema_with = setting_value)]
    value: Option<Value>,
}

/// Text without control characters, or a number or a boolean (kept as its text).
fn setting_value() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .max_length(Some(4096))
                .pattern(Some(
                    r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$",
                )),
        )
        .item(ObjectBuilder::new().schema_type(Type::Number))
        .item(ObjectBuilder::new().schema_type(Type::Boolean))
        .build()
        .into()
}

/// Every setting as `{key: value}`, secrets masked. A self-hosted instance admin also sees the
/// instance's SMTP and AI settings, and `smtp_enabled` is `"true"` whenever mail leaves by SMTP
/// (the original's client then offers to email invitations).
#[utoipa::path(get, path = "/api/admin/settings", tag = "admin",
    responses((status = 200, body = BTreeMap<String, String>), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    org: CurrentOrg,
) -> Result<Json<BTreeMap<String, String>>> {
    let mut all = use_case::all(&state.store, &org).await?;
    if require_admin(state.mode(), &org.user).is_ok() {
        all.extend(instance::shown(&state.store).await?);
        if instance::smtp_enabled(&state.store, &state.mailer).await? {
            all.insert("smtp_enabled".into(), "true".into());
        }
    }
    Ok(Json(all))
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

/// The SMTP form's values as the original names them (`smtp_enabled`, `smtp_host`, `smtp_port`,
/// `smtp_secure`, `smtp_user`, `smtp_password`, `smtp_from`, `smtp_from_name`): text, `""`
/// when unset, the password `***SET***` when set. Self-hosted instance admins.
#[utoipa::path(get, path = "/api/admin/settings/smtp", tag = "admin",
    responses((status = 200, body = BTreeMap<String, String>), (status = 401), (status = 403)))]
async fn smtp(
    State(state): State<AppState>,
    org: CurrentOrg,
) -> Result<Json<BTreeMap<String, String>>> {
    Ok(Json(
        instance::smtp(&state.store, state.mode(), &org.user).await?,
    ))
}

/// The SMTP server mail goes out through, before `SMTP_URL`; absent fields stay.
#[derive(Deserialize, ToSchema)]
pub struct SmtpBody {
    enabled: Option<bool>,
    /// A host name, an IPv4 address or a bracketed IPv6 one.
    #[schema(schema_with = host_schema)]
    host: Option<String>,
    /// 1 to 65535, as a number or its text.
    #[schema(schema_with = port_schema)]
    port: Option<Value>,
    /// TLS from the start (port 465); otherwise STARTTLS when offered.
    secure: Option<bool>,
    #[schema(max_length = 255, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    user: Option<String>,
    /// Write-only; empty (or `***SET***`) keeps the stored one.
    #[schema(max_length = 1000, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    password: Option<String>,
    /// The sender's address (empty: `MAIL_FROM`).
    from: Option<String>,
    #[serde(rename = "fromName")]
    #[schema(max_length = 100, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    from_name: Option<String>,
}

fn host_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::SchemaType;
    use utoipa::openapi::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .pattern(Some(instance::HOST_PATTERN))
        .build()
}

fn port_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    use utoipa::openapi::{ObjectBuilder, Type};
    let number = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(Some(65535));
    let text = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(instance::PORT_PATTERN));
    let null = ObjectBuilder::new().schema_type(Type::Null);
    let one_of = utoipa::openapi::schema::OneOfBuilder::new()
        .item(number)
        .item(text)
        .item(null)
        .build();
    utoipa::openapi::RefOr::T(utoipa::openapi::Schema::OneOf(one_of))
}

/// The port as text: a whole number (`587`, or `587.0`) or its text.
fn port_text(v: Option<Value>) -> Result<Option<String>> {
    let bad = || AppError::bad_request("port must be a number from 1 to 65535");
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => Ok(Some(i.to_string())),
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e6 => {
                Ok(Some((f as i64).to_string()))
            }
            _ => Err(bad()),
        },
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(bad()),
    }
}

#[utoipa::path(post, path = "/api/admin/settings/smtp", tag = "admin", request_body = SmtpBody,
    responses((status = 200, body = Message), (status = 400), (status = 401), (status = 403), (status = 429)))]
async fn save_smtp(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<SmtpBody>,
) -> Result<Json<Value>> {
    let user = org.user;
    state.limits.instance_settings(user.id()).await?;
    let input = SmtpInput {
        enabled: body.enabled,
        host: body.host,
        port: port_text(body.port)?,
        secure: body.secure,
        user: body.user,
        password: body.password,
        from: body.from,
        from_name: body.from_name,
    };
    instance::save_smtp(&state.store, state.mode(), &user, input).await?;
    Ok(Json(
        json!({"message": "SMTP settings updated successfully"}),
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct TestEmailBody {
    #[schema(required = true, schema_with = crate::http::fields::email)]
    email: Option<String>,
}

/// Sends a test email the way every email goes out now (the admin's SMTP server, else
/// `SMTP_URL`, else a `.eml` file); 400 with the server's reason when it fails.
#[utoipa::path(post, path = "/api/admin/settings/smtp/test", tag = "admin", request_body = TestEmailBody,
    responses((status = 200, body = Message), (status = 400), (status = 401), (status = 403), (status = 429)))]
async fn test_smtp(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<TestEmailBody>,
) -> Result<Json<Value>> {
    let user = org.user;
    state.limits.instance_settings(user.id()).await?;
    let to = body.email.as_deref();
    instance::test_smtp(&state.store, &state.mailer, state.mode(), &user, to).await?;
    Ok(Json(json!({"message": "Test email sent successfully"})))
}

#[derive(Serialize, ToSchema)]
pub struct AiSettings {
    ai_enabled: bool,
    /// `openai` (default).
    ai_provider: String,
    /// Default `gpt-4o-mini`.
    ai_model: String,
    /// The key itself is never shown.
    ai_api_key_set: bool,
}

/// The AI provider for suggestions. Self-hosted instance admins.
#[utoipa::path(get, path = "/api/admin/settings/ai", tag = "admin",
    responses((status = 200, body = AiSettings), (status = 401), (status = 403)))]
async fn ai(State(state): State<AppState>, org: CurrentOrg) -> Result<Json<AiSettings>> {
    let v = instance::ai(&state.store, state.mode(), &org.user).await?;
    Ok(Json(AiSettings {
        ai_enabled: v.enabled,
        ai_provider: v.provider,
        ai_model: v.model,
        ai_api_key_set: v.api_key_set,
    }))
}

/// Absent fields stay; an empty key keeps the stored one.
#[derive(Deserialize, ToSchema)]
pub struct AiBody {
    ai_enabled: Option<bool>,
    #[schema(pattern = "^openai$")]
    ai_provider: Option<String>,
    /// Write-only.
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u001F\u007F-\u009F]*$")]
    ai_api_key: Option<String>,
    /// A model name, without white space.
    #[schema(max_length = 100, pattern = r"^[^\s\u0000-\u001F\u007F-\u009F]+$")]
    ai_model: Option<String>,
}

#[utoipa::path(post, path = "/api/admin/settings/ai", tag = "admin", request_body = AiBody,
    responses((status = 200, body = Message), (status = 400), (status = 401), (status = 403), (status = 429)))]
async fn save_ai(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<AiBody>,
) -> Result<Json<Value>> {
    let user = org.user;
    state.limits.instance_settings(user.id()).await?;
    let input = AiInput {
        enabled: body.ai_enabled,
        provider: body.ai_provider,
        api_key: body.ai_api_key,
        model: body.ai_model,
    };
    instance::save_ai(&state.store, state.mode(), &user, input).await?;
    Ok(Json(json!({"message": "AI settings updated successfully"})))
}

#[derive(Serialize, ToSchema)]
pub struct AiModel {
    id: String,
}

#[derive(Serialize, ToSchema)]
pub struct AiModels {
    models: Vec<AiModel>,
}

/// The models to choose from; 400 until an API key is saved.
#[utoipa::path(get, path = "/api/admin/settings/ai/models", tag = "admin",
    responses((status = 200, body = AiModels), (status = 400), (status = 401), (status = 403)))]
async fn ai_models(State(state): State<AppState>, org: CurrentOrg) -> Result<Json<AiModels>> {
    let ids = instance::ai_models(&state.store, state.mode(), &org.user).await?;
    Ok(Json(AiModels {
        models: ids.into_iter().map(|id| AiModel { id }).collect(),
    }))
}
