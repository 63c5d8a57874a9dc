//! A self-hosted instance admin sets up OpenID providers: list, get, create, update, delete.
//! The client secret goes in and never comes out. `GET /api/auth/providers` lists them for
//! the sign-in page, by key and name only.

use crate::app::admin_users::require_admin;
use crate::app::audit::{self, Actor, Event};
use crate::app::identity::CurrentUser;
use crate::config::Mode;
use crate::domain::ids::parse_id;
use crate::domain::oidc::{self, DEFAULT_SCOPES};
use crate::domain::{new_id, Timestamp};
use crate::error::{AppError, Result};
use crate::store::oidc::{self as store, Provider};
use crate::store::Store;

/// What the admin sends; absent means "keep" on update, "default" on create.
#[derive(Default)]
pub struct ProviderInput {
    pub key: Option<String>,
    pub name: Option<String>,
    pub issuer_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub scopes: Option<String>,
    pub auto_create_users: Option<bool>,
    pub default_role: Option<String>,
    /// Endpoints instead of discovery's; `""` clears one.
    pub authorization_url: Option<String>,
    pub token_url: Option<String>,
    pub userinfo_url: Option<String>,
}

/// An optional endpoint: empty clears it, anything else must be an issuer-like URL.
fn endpoint(v: &str) -> Result<Option<String>> {
    if v.is_empty() {
        return Ok(None);
    }
    Ok(Some(oidc::issuer_url(v)?))
}

impl ProviderInput {
    fn is_empty(&self) -> bool {
        self.key.is_none()
            && self.name.is_none()
            && self.issuer_url.is_none()
            && self.client_id.is_none()
            && self.client_secret.as_deref().is_none_or(str::is_empty)
            && self.scopes.is_none()
            && self.auto_create_users.is_none()
            && self.default_role.is_none()
            && self.authorization_url.is_none()
            && self.token_url.is_none()
            && self.userinfo_url.is_none()
    }

    /// Applies the input onto `p`, validating every field given.
    fn apply(&self, p: &mut Provider) -> Result<()> {
        if let Some(v) = &self.key {
            p.key = oidc::provider_key(v)?;
        }
        if let Some(v) = &self.name {
            // A blank name is the key's (see below), as the original has no name at all.
            p.name = if v.trim().is_empty() {
                String::new()
            } else {
                oidc::provider_name(v)?
            };
        }
        if let Some(v) = &self.issuer_url {
            p.issuer_url = oidc::issuer_url(v)?;
        }
        if let Some(v) = &self.client_id {
            p.client_id = oidc::client_id(v)?;
        }
        // An empty secret keeps the stored one, as a form whose secret field was left blank.
        if let Some(v) = self.client_secret.as_deref().filter(|s| !s.is_empty()) {
            p.client_secret = oidc::client_secret(v)?;
        }
        if let Some(v) = &self.scopes {
            p.scopes = oidc::scopes(v)?;
        }
        if let Some(v) = self.auto_create_users {
            p.auto_create_users = v;
        }
        if let Some(v) = &self.default_role {
            p.default_role = oidc::default_role(v)?;
        }
        if let Some(v) = &self.authorization_url {
            p.authorization_url = endpoint(v)?;
        }
        if let Some(v) = &self.token_url {
            p.token_url = endpoint(v)?;
        }
        if let Some(v) = &self.userinfo_url {
            p.userinfo_url = endpoint(v)?;
        }
        if p.name.is_empty() {
            p.name = p.key.clone();
        }
        Ok(())
    }
}

fn not_found() -> AppError {
    AppError::not_found("Provider not found")
}

/// Another provider has the key: 409, the request was fine but the name is taken.
fn key_taken() -> AppError {
    crate::domain::DomainError::Taken("Provider with this key already exists".into()).into()
}

fn or_key_taken(e: AppError) -> AppError {
    if e.is_unique_violation() {
        key_taken()
    } else {
        e
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(store: &Store, mode: Mode, admin: &CurrentUser) -> Result<Vec<Provider>> {
    require_admin(mode, admin)?;
    let mut db = store.read().await?;
    store::all(&mut db.conn()).await
}

/// The providers people may sign in with (the caller shows no secret of theirs).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn public_list(store: &Store, mode: Mode) -> Result<Vec<Provider>> {
    if mode == Mode::Cloud {
        return Ok(Vec::new());
    }
    let mut db = store.read().await?;
    store::all(&mut db.conn()).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(store: &Store, mode: Mode, admin: &CurrentUser, id: &str) -> Result<Provider> {
    require_admin(mode, admin)?;
    let id = parse_id(id).ok_or_else(not_found)?;
    let mut db = store.read().await?;
    store::by_id(&mut db.conn(), &id)
        .await?
        .ok_or_else(not_found)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    store: &Store,
    mode: Mode,
    admin: &CurrentUser,
    input: ProviderInput,
) -> Result<Provider> {
    require_admin(mode, admin)?;
    let required = [
        input.key.is_some(),
        input.issuer_url.is_some(),
        input.client_id.is_some(),
        input
            .client_secret
            .as_deref()
            .is_some_and(|s| !s.is_empty()),
    ];
    if required.contains(&false) {
        return Err(AppError::bad_request(
            "provider_key, issuer_url, client_id and client_secret are required",
        ));
    }
    let now = Timestamp::now().millis();
    let mut p = Provider {
        id: new_id(),
        key: String::new(),
        name: String::new(),
        issuer_url: String::new(),
        client_id: String::new(),
        client_secret: String::new(),
        scopes: DEFAULT_SCOPES.to_string(),
        auto_create_users: false,
        default_role: "user".to_string(),
        authorization_url: None,
        token_url: None,
        userinfo_url: None,
        created_at: now,
        updated_at: now,
    };
    input.apply(&mut p)?;
    let mut tx = store.begin().await?;
    if store::by_key(&mut tx.conn(), &p.key).await?.is_some() {
        return Err(key_taken());
    }
    store::save(&mut tx.conn(), &p)
        .await
        .map_err(or_key_taken)?;
    let event = Event::new("oidc_provider.created", "oidc_provider")
        .entity(&p.id)
        .detail("key", p.key.as_str())
        .detail("issuer_url", p.issuer_url.as_str());
    audit::record(&mut tx.conn(), &Actor::of(admin), event).await?;
    tx.commit().await?;
    Ok(p)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    store: &Store,
    mode: Mode,
    admin: &CurrentUser,
    id: &str,
    input: ProviderInput,
) -> Result<Provider> {
    require_admin(mode, admin)?;
    let id = parse_id(id).ok_or_else(not_found)?;
    let mut tx = store.begin().await?;
    let mut p = store::by_id(&mut tx.conn(), &id)
        .await?
        .ok_or_else(not_found)?;
    if input.is_empty() {
        return Ok(p);
    }
    input.apply(&mut p)?;
    if let Some(other) = store::by_key(&mut tx.conn(), &p.key).await? {
        if other.id != p.id {
            return Err(key_taken());
        }
    }
    p.updated_at = Timestamp::now().millis();
    store::save(&mut tx.conn(), &p)
        .await
        .map_err(or_key_taken)?;
    let event = Event::new("oidc_provider.updated", "oidc_provider")
        .entity(&p.id)
        .detail("key", p.key.as_str())
        .detail(
            "changed_client_secret",
            input
                .client_secret
                .as_deref()
                .is_some_and(|s| !s.is_empty()),
        );
    audit::record(&mut tx.conn(), &Actor::of(admin), event).await?;
    tx.commit().await?;
    Ok(p)
}

/// Deletes the provider; the accounts linked through it stay, without the link.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(store: &Store, mode: Mode, admin: &CurrentUser, id: &str) -> Result<()> {
    require_admin(mode, admin)?;
    let id = parse_id(id).ok_or_else(not_found)?;
    let mut tx = store.begin().await?;
    let p = store::by_id(&mut tx.conn(), &id)
        .await?
        .ok_or_else(not_found)?;
    store::delete(&mut tx.conn(), &id).await?;
    let event = Event::new("oidc_provider.deleted", "oidc_provider")
        .entity(&id)
        .detail("key", p.key.as_str());
    audit::record(&mut tx.conn(), &Actor::of(admin), event).await?;
    tx.commit().await?;
    Ok(())
}
