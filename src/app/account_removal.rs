//! Confirming a sensitive change with the password, and a person deleting their own account.

use axum::http::StatusCode;
use serde_json::json;

use crate::app::audit::{self, Actor, Event};
use crate::app::identity::CurrentUser;
use crate::config::Mode;
use crate::domain::{DomainError, OrgRole};
use crate::error::{AppError, Result};
use crate::security::passwords;
use crate::store::{orgs, users, Store};

/// Asks for the account's password before a sensitive change (turning MFA off, renewing backup
/// codes, deleting the account): 400 `PASSWORD_REQUIRED` without it, 401 `INVALID_PASSWORD`
/// when it is wrong. An account without a password (signed in through OIDC only) passes.
pub async fn confirm_password(user: &CurrentUser, password: Option<&str>) -> Result<()> {
    let Some(hash) = user.user.password_hash.as_deref() else {
        return Ok(());
    };
    let refuse = |status, error: &str, code: &str| AppError::Coded {
        status,
        body: json!({"error": error, "code": code}),
    };
    let password = password.filter(|p| !p.is_empty()).ok_or_else(|| {
        refuse(
            StatusCode::BAD_REQUEST,
            "Password is required",
            "PASSWORD_REQUIRED",
        )
    })?;
    if !passwords::verify(password, Some(hash)).await? {
        return Err(refuse(
            StatusCode::UNAUTHORIZED,
            "Invalid password",
            "INVALID_PASSWORD",
        ));
    }
    Ok(())
}

/// Deletes the caller's account, given its password: its sessions and tokens end, its
/// memberships go, and what it owned in every organization goes with it (foreign keys cascade);
/// an organization it was the only member of is deleted. Refused, changing nothing, while it is
/// the last owner of an organization with other members, or the last admin of a self-hosted
/// instance.
pub async fn delete_own_account(
    store: &Store,
    mode: Mode,
    me: &CurrentUser,
    password: Option<&str>,
) -> Result<()> {
    confirm_password(me, password).await?;
    let mut tx = store.begin().await?;
    users::lock(&mut tx.conn(), me.id()).await?;
    if mode == Mode::Selfhosted
        && me.user.is_admin
        && users::admin_count(&mut tx.conn()).await? <= 1
    {
        return Err(AppError::bad_request(
            "The last admin cannot delete their account; make someone else an admin first",
        ));
    }
    let mut alone_in = Vec::new();
    for m in orgs::list_for_user(&mut tx.conn(), me.id()).await? {
        let members = orgs::member_count(&mut tx.conn(), &m.id).await?;
        if members <= 1 {
            alone_in.push(m.id);
        } else if m.role == OrgRole::Owner && orgs::owner_count(&mut tx.conn(), &m.id).await? <= 1 {
            return Err(DomainError::LastOwner(format!(
                "You are the last owner of {}; make someone else an owner or delete it first",
                m.name
            ))
            .into());
        }
    }
    for org_id in &alone_in {
        orgs::delete(&mut tx.conn(), org_id).await?;
        crate::store::audit::delete_for_org(&mut tx.conn(), org_id).await?;
    }
    users::delete(&mut tx.conn(), me.id()).await?;
    let event = Event::new("account.deleted", "user")
        .entity(me.id())
        .detail("organizations_deleted", alone_in.len());
    audit::record(&mut tx.conn(), &Actor::of(me), event).await?;
    tx.commit().await?;
    tracing::info!(user_id = %me.id(), organizations_deleted = alone_in.len(), "account deleted");
    Ok(())
}
