//! `/api/oidc-providers` (self-hosted instance admins set up OpenID providers; the client
//! secret is write-only) and `GET /api/auth/providers` (public: what the sign-in page offers).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::openapi::{Object, ObjectBuilder, Type};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::oidc_providers::{self as use_case, ProviderInput};
use crate::domain::time;
use crate::error::Result;
use crate::http::doc_schemas::Message;
use crate::http::{CurrentUser, Json};
use crate::state::AppState;
use crate::store::oidc::Provider;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public_list))
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}

/// A provider on the sign-in page, as the original SlugBase lists it (`id`, `provider_key`,
/// `issuer_url`, `callback_url`), with the button's `name` (and `key`, the same as
/// `provider_key`).
#[derive(Serialize, ToSchema)]
pub struct ProviderButton {
    id: String,
    provider_key: String,
    issuer_url: String,
    callback_url: String,
    name: String,
    key: String,
}

fn callback_url(state: &AppState, key: &str) -> String {
    crate::app::oidc_sign_in::callback_url(&state.config.base_url(), key)
}

/// The providers people may sign in with (none in cloud); sign in at `/api/auth/<provider_key>`.
#[utoipa::path(get, path = "/api/auth/providers", tag = "auth", security(()),
    responses((status = 200, body = [ProviderButton])))]
async fn public_list(State(state): State<AppState>) -> Result<Json<Vec<ProviderButton>>> {
    let all = use_case::public_list(&state.store, state.mode()).await?;
    Ok(Json(
        all.into_iter()
            .map(|p| ProviderButton {
                callback_url: callback_url(&state, &p.key),
                id: p.id,
                provider_key: p.key.clone(),
                issuer_url: p.issuer_url,
                name: p.name,
                key: p.key,
            })
            .collect(),
    ))
}

/// A provider as an admin sees it: everything but the client secret.
#[derive(Serialize, ToSchema)]
pub struct ProviderView {
    id: String,
    /// Names the provider in its URLs (`/api/auth/<provider_key>`), as the original calls it.
    provider_key: String,
    /// The same as `provider_key`.
    key: String,
    name: String,
    issuer_url: String,
    client_id: String,
    /// Always true: a provider cannot be saved without one, and it is never shown.
    has_client_secret: bool,
    scopes: String,
    auto_create_users: bool,
    /// `user` or `admin`: what a person created at first sign-in becomes.
    default_role: String,
    /// Endpoints given instead of discovery's, or `null`.
    authorization_url: Option<String>,
    token_url: Option<String>,
    userinfo_url: Option<String>,
    /// Register this as the redirect URI at the provider.
    callback_url: String,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    updated_at: i64,
}

impl ProviderView {
    fn new(state: &AppState, p: Provider) -> Self {
        Self {
            callback_url: callback_url(state, &p.key),
            id: p.id,
            provider_key: p.key.clone(),
            key: p.key,
            name: p.name,
            issuer_url: p.issuer_url,
            client_id: p.client_id,
            has_client_secret: !p.client_secret.is_empty(),
            scopes: p.scopes,
            auto_create_users: p.auto_create_users,
            default_role: p.default_role,
            authorization_url: p.authorization_url,
            token_url: p.token_url,
            userinfo_url: p.userinfo_url,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// Every key the API itself uses under `/api/auth/` is left out.
fn key_schema() -> Object {
    string(
        "^(?!(callback|login|logout|me|mfa|providers|refresh|register|resume|request-signup-resend|resend-signup-verification|setup|signup-verification|verify-signup)$)[a-z0-9][a-z0-9_-]{0,49}$",
    )
    .build()
}

fn string(pattern: &str) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
}

/// An http or https URL: a host name (or IPv4 address), a port, a path; no query or fragment.
fn issuer_schema() -> Object {
    const OCTET: &str = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
    const PORT: &str =
        "(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})";
    let host = format!("(([A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*|{OCTET}(\\.{OCTET}){{3}})");
    string(&format!(
        "^[Hh][Tt][Tt][Pp][Ss]?://{host}(:{PORT})?(/[A-Za-z0-9._~-]*)*$"
    ))
    .max_length(Some(2048))
    .build()
}

fn client_id_schema() -> Object {
    string("^[!-~]{1,255}$").build()
}

fn secret_schema() -> Object {
    string("^[!-~]([ -~]{0,998}[!-~])?$").build()
}

/// On update a blank secret keeps the stored one.
fn secret_or_blank_schema() -> Object {
    string("^([!-~]([ -~]{0,998}[!-~])?)?$").build()
}

fn scopes_schema() -> Object {
    string(r"^[ ]*([!#-\[\]-~]+([ ]+|$)){0,30}$")
        .max_length(Some(500))
        .build()
}

fn role_schema() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["user", "admin"]))
        .build()
}

/// An endpoint instead of discovery's; `""` clears it.
fn endpoint_schema() -> Object {
    let url = issuer_schema();
    let pattern = url.pattern.clone().unwrap_or_default();
    let inner = pattern.trim_start_matches('^').trim_end_matches('$');
    string(&format!("^({inner})?$"))
        .max_length(Some(2048))
        .build()
}

/// What updating a provider takes: any of the fields.
#[derive(Deserialize, ToSchema)]
pub struct ProviderBody {
    /// Names the provider in its URLs: `/api/auth/<provider_key>` (as the original calls it).
    #[schema(schema_with = key_schema)]
    provider_key: Option<String>,
    /// The same as `provider_key`, when that is absent.
    #[schema(schema_with = key_schema)]
    key: Option<String>,
    /// What the sign-in button says.
    #[schema(schema_with = crate::http::fields::name_or_blank_100)]
    name: Option<String>,
    #[schema(schema_with = issuer_schema)]
    issuer_url: Option<String>,
    #[schema(schema_with = client_id_schema)]
    client_id: Option<String>,
    /// Write-only; empty or absent keeps the stored one.
    #[schema(schema_with = secret_or_blank_schema)]
    client_secret: Option<String>,
    /// Space-separated; `openid` is added when missing.
    #[schema(schema_with = scopes_schema)]
    scopes: Option<String>,
    #[schema(nullable = false)]
    auto_create_users: Option<bool>,
    #[schema(schema_with = role_schema)]
    default_role: Option<String>,
    #[schema(schema_with = endpoint_schema)]
    authorization_url: Option<String>,
    #[schema(schema_with = endpoint_schema)]
    token_url: Option<String>,
    #[schema(schema_with = endpoint_schema)]
    userinfo_url: Option<String>,
}

/// What creating a provider takes (documentation of the same body, with what is required).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct NewProviderBody {
    /// Names the provider in its URLs: `/api/auth/<provider_key>`.
    #[schema(schema_with = key_schema)]
    provider_key: String,
    /// What the sign-in button says (default: the key).
    #[schema(schema_with = crate::http::fields::name_or_blank_100)]
    name: Option<String>,
    /// Where `/.well-known/openid-configuration` is found.
    #[schema(schema_with = issuer_schema)]
    issuer_url: String,
    #[schema(schema_with = client_id_schema)]
    client_id: String,
    /// Write-only: never shown again.
    #[schema(schema_with = secret_schema)]
    client_secret: String,
    /// Space-separated (default `openid email profile`); `openid` is added when missing.
    #[schema(schema_with = scopes_schema)]
    scopes: Option<String>,
    /// Create an account at first sign-in for a verified email nobody here has (default false).
    #[schema(nullable = false)]
    auto_create_users: Option<bool>,
    /// `user` (default) or `admin`: what a person created at first sign-in becomes.
    #[schema(schema_with = role_schema)]
    default_role: Option<String>,
    #[schema(schema_with = endpoint_schema)]
    authorization_url: Option<String>,
    #[schema(schema_with = endpoint_schema)]
    token_url: Option<String>,
    #[schema(schema_with = endpoint_schema)]
    userinfo_url: Option<String>,
}

impl ProviderBody {
    /// The use case's input. `provider_key` goes before `key`; a `key` sent beside it must
    /// still be a valid key.
    fn input(self) -> Result<ProviderInput> {
        let b = self;
        if let (Some(_), Some(alias)) = (&b.provider_key, &b.key) {
            crate::domain::oidc::provider_key(alias)?;
        }
        Ok(ProviderInput {
            key: b.provider_key.or(b.key),
            name: b.name,
            issuer_url: b.issuer_url,
            client_id: b.client_id,
            client_secret: b.client_secret,
            scopes: b.scopes,
            auto_create_users: b.auto_create_users,
            default_role: b.default_role,
            authorization_url: b.authorization_url,
            token_url: b.token_url,
            userinfo_url: b.userinfo_url,
        })
    }
}

/// Every provider, by name.
#[utoipa::path(get, path = "/api/oidc-providers", tag = "admin",
    responses((status = 200, body = [ProviderView]), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Json<Vec<ProviderView>>> {
    let all = use_case::list(&state.store, state.mode(), &user).await?;
    Ok(Json(
        all.into_iter()
            .map(|p| ProviderView::new(&state, p))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/oidc-providers/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = ProviderView), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ProviderView>> {
    let p = use_case::get(&state.store, state.mode(), &user, &id).await?;
    Ok(Json(ProviderView::new(&state, p)))
}

/// Sets up a provider: `provider_key` (or `key`), `issuer_url`, `client_id` and
/// `client_secret` are required. Nothing is fetched from the issuer until someone signs in.
#[utoipa::path(post, path = "/api/oidc-providers", tag = "admin", request_body = NewProviderBody,
    responses((status = 201, body = ProviderView), (status = 400), (status = 401), (status = 403), (status = 409), (status = 429)))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<ProviderBody>,
) -> Result<Response> {
    state.limits.oidc_providers(user.id()).await?;
    let p = use_case::create(&state.store, state.mode(), &user, body.input()?).await?;
    Ok((StatusCode::CREATED, Json(ProviderView::new(&state, p))).into_response())
}

/// Changes the fields given; the others, and the secret unless a new one is given, stay.
#[utoipa::path(put, path = "/api/oidc-providers/{id}", tag = "admin", params(("id" = String, Path)),
    request_body = ProviderBody,
    responses((status = 200, body = ProviderView), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(body): Json<ProviderBody>,
) -> Result<Json<ProviderView>> {
    let p = use_case::update(&state.store, state.mode(), &user, &id, body.input()?).await?;
    Ok(Json(ProviderView::new(&state, p)))
}

/// Deletes the provider. People linked through it keep their accounts; they sign in another way.
#[utoipa::path(delete, path = "/api/oidc-providers/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Message), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    use_case::delete(&state.store, state.mode(), &user, &id).await?;
    Ok(Json(json!({"message": "Provider deleted"})))
}
