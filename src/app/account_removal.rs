//! Confirming a sensitive change with the password, and a person deleting their own account.

use crate::app::audit::{self, Actor, Event};
use crate::app::identity::CurrentUser;
use crate::config::Mode;
use crate::domain::{DomainError, OrgRole, Timestamp};
use crate::error::{AppError, Result};
use crate::security::passwords;
use crate::store::{orgs, sessions, users, Conn, Store};

/// Asks for the account's password before a sensitive change (turning MFA off, renewing backup
/// codes, deleting the account): 400 `PASSWORD_REQUIRED` without it, 401 `INVALID_PASSWORD`
/// when it is wrong. An account without a password (signed in through OIDC only) passes.
pub async fn confirm_password(user: &CurrentUser, password: Option<&str>) -> Result<()> {
    let Some(hash) = user.user.password_hash.as_deref() else {
        return Ok(());
    };
    let password = password
        .filter(|p| !p.is_empty())
        .ok_or(DomainError::PasswordRequired)?;
    if !passwords::verify(password, Some(hash)).await? {
        return Err(DomainError::WrongPassword.into());
    }
    Ok(())
}

/// Within this long of signing in, the session itself counts as the password for deleting the
/// account ("sudo mode"): the original SlugBase client asks for none.
pub const RECENT_SIGN_IN_MILLIS: i64 = 10 * 60 * 1000;

/// Whether the caller signed in, in this browser session, within [`RECENT_SIGN_IN_MILLIS`]. An
/// API token never counts: it is not a sign-in.
async fn signed_in_recently(store: &Store, me: &CurrentUser) -> Result<bool> {
    let Some(id) = me.credential.session_id() else {
        return Ok(false);
    };
    let mut db = store.read().await?;
    let Some(session) = sessions::by_id(&mut db.conn(), id).await? else {
        return Ok(false);
    };
    let now = Timestamp::now().millis();
    Ok(session.is_live(now) && now - session.created_at <= RECENT_SIGN_IN_MILLIS)
}

/// Deletes the caller's account, given its password (or a recent sign-in, see
/// [`RECENT_SIGN_IN_MILLIS`]): its sessions and tokens end, its
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
    let without_password = password.is_none_or(str::is_empty);
    if !(without_password && signed_in_recently(store, me).await?) {
        confirm_password(me, password).await?;
    }
    let mut tx = store.begin().await?;
    let alone_in = remove(&mut tx.conn(), mode, &me.user, &Actor::of(me)).await?;
    tx.commit().await?;
    tracing::info!(user_id = %me.id(), organizations_deleted = alone_in, "account deleted");
    Ok(())
}

/// Removes `user`'s account on the transaction `c` under the rules of [`delete_own_account`]
/// (an instance admin deleting someone goes through here too); returns how many organizations
/// went with it.
pub(crate) async fn remove(
    c: &mut Conn<'_>,
    mode: Mode,
    user: &users::User,
    actor: &Actor,
) -> Result<usize> {
    // One lock for every admin change: two admins removing each other at once are serialized.
    crate::store::user_admin::lock_admins(c).await?;
    users::lock(c, &user.id).await?;
    let fresh = users::by_id(c, &user.id)
        .await?
        .ok_or_else(|| AppError::not_found("User not found"))?;
    if mode == Mode::Selfhosted && fresh.is_admin && users::admin_count(c).await? <= 1 {
        return Err(AppError::bad_request(
            "The last admin cannot delete their account; make someone else an admin first",
        ));
    }
    let mut alone_in = Vec::new();
    for m in orgs::list_for_user(c, &user.id).await? {
        let members = orgs::member_count(c, &m.id).await?;
        if members <= 1 {
            alone_in.push(m.id);
        } else if m.role == OrgRole::Owner && orgs::owner_count(c, &m.id).await? <= 1 {
            let who = if actor.user_id.as_deref() == Some(user.id.as_str()) {
                "You are".to_string()
            } else {
                format!("{} is", fresh.name)
            };
            return Err(DomainError::LastOwner(format!(
                "{who} the last owner of {}; make someone else an owner or delete it first",
                m.name
            ))
            .into());
        }
    }
    for org_id in &alone_in {
        orgs::delete(c, org_id).await?;
        crate::store::audit::delete_for_org(c, org_id).await?;
    }
    users::delete(c, &user.id).await?;
    let event = Event::new("account.deleted", "user")
        .entity(&user.id)
        .detail("email", fresh.email.as_str())
        .detail("organizations_deleted", alone_in.len());
    audit::record(c, actor, event).await?;
    Ok(alone_in.len())
}
