//! An organization's settings, kept by its owners and admins (`/api/admin/settings`). Secret
//! settings (`*_secret`, `*_password`, `*_key`) are never read back: they answer masked, and
//! writing the mask back (a form that shows it) leaves the stored value as it is.

use std::collections::BTreeMap;

use crate::app::audit::{self, Actor, Event};
use crate::app::tenancy::CurrentOrg;
use crate::domain::setting::{setting_value, SettingKey, MASK, MAX_PER_ORG};
use crate::domain::Timestamp;
use crate::error::{AppError, Result};
use crate::store::{lock_org, settings, Store};

fn not_found() -> AppError {
    AppError::not_found("Setting not found")
}

/// Every setting of the organization, masked where secret.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all(store: &Store, org: &CurrentOrg) -> Result<BTreeMap<String, String>> {
    org.require_manager()?;
    let mut db = store.read().await?;
    let rows = settings::all(&mut db.conn(), org.id()).await?;
    Ok(rows
        .into_iter()
        .map(|(k, v)| {
            let shown = SettingKey::parse(&k).map_or_else(|_| v.clone(), |key| key.shown(&v));
            (k, shown)
        })
        .collect())
}

/// One setting, masked where secret.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(store: &Store, org: &CurrentOrg, raw_key: &str) -> Result<(String, String)> {
    org.require_manager()?;
    let key = SettingKey::parse(raw_key).map_err(|_| not_found())?;
    let mut db = store.read().await?;
    let value = settings::get(&mut db.conn(), org.id(), key.as_str())
        .await?
        .ok_or_else(not_found)?;
    Ok((key.as_str().to_string(), key.shown(&value)))
}

/// Sets a value; answers it as [`get`] would.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn put(
    store: &Store,
    org: &CurrentOrg,
    raw_key: &str,
    raw_value: &str,
) -> Result<(String, String)> {
    org.require_manager()?;
    let key = SettingKey::parse(raw_key)?;
    let value = setting_value(raw_value)?;
    let mut tx = store.begin().await?;
    lock_org(&mut tx.conn(), org.id()).await?;
    let existing = settings::get(&mut tx.conn(), org.id(), key.as_str()).await?;
    if key.is_secret() && value == MASK {
        // The form showed the mask and it came back untouched.
        let shown = existing.map(|v| key.shown(&v)).unwrap_or_default();
        return Ok((key.as_str().to_string(), shown));
    }
    if existing.is_none() && settings::count(&mut tx.conn(), org.id()).await? >= MAX_PER_ORG {
        return Err(AppError::bad_request(format!(
            "An organization can keep at most {MAX_PER_ORG} settings"
        )));
    }
    let now = Timestamp::now().millis();
    settings::put(&mut tx.conn(), org.id(), key.as_str(), &value, now).await?;
    let event = Event::new("setting.changed", "setting")
        .entity(key.as_str())
        .org(org.id());
    audit::record(&mut tx.conn(), &Actor::of(&org.user), event).await?;
    tx.commit_quietly().await?;
    Ok((key.as_str().to_string(), key.shown(&value)))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(store: &Store, org: &CurrentOrg, raw_key: &str) -> Result<()> {
    org.require_manager()?;
    let key = SettingKey::parse(raw_key).map_err(|_| not_found())?;
    let mut tx = store.begin().await?;
    if !settings::delete(&mut tx.conn(), org.id(), key.as_str()).await? {
        return Err(not_found());
    }
    let event = Event::new("setting.deleted", "setting")
        .entity(key.as_str())
        .org(org.id());
    audit::record(&mut tx.conn(), &Actor::of(&org.user), event).await?;
    tx.commit_quietly().await
}
