//! `/api/admin/users`: a self-hosted instance admin manages people's accounts. An admin can
//! neither delete nor demote themselves, and the last admin stays: every admin change takes
//! one instance-wide lock, so two admins demoting each other at once cannot both succeed.

use crate::app::accounts::{insert_user, NewAccount};
use crate::app::audit::{self, Actor, Event};
use crate::app::email_links::{self, Outbox};
use crate::app::identity::CurrentUser;
use crate::app::{account_removal, admin_invites};
use crate::config::Mode;
use crate::domain::ids::parse_id;
use crate::domain::{DomainError, Email, OrgRole, Password, PersonName, SearchTerms, Timestamp};
use crate::error::{AppError, Result};
use crate::security::{passwords, random_token};
use crate::store::email_tokens::Purpose;
use crate::store::teams::{self, TeamRow};
use crate::store::user_admin::Listed;
use crate::store::users::{self, ProfileChange, User};
use crate::store::{orgs, sessions, tokens, user_admin, Store};

/// How long an emailed set-your-password link works.
pub const INVITE_TTL_SECS: i64 = 7 * 24 * 3600;
pub const DEFAULT_PAGE: i64 = 50;
pub const MAX_PAGE: i64 = 500;

pub(crate) fn not_found() -> AppError {
    AppError::not_found("User not found")
}

/// Only a self-hosted instance admin; in the cloud nobody.
pub fn require_admin(mode: Mode, user: &CurrentUser) -> Result<()> {
    if mode == Mode::Selfhosted && user.user.is_admin {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub struct UserPage {
    pub items: Vec<Listed>,
    pub total: i64,
    pub has_more: bool,
}

/// Another account has the address: 400, as the contract says.
const EMAIL_TAKEN: &str = "User with this email already exists";

#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    store: &Store,
    q: Option<&str>,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<UserPage> {
    // Without a limit, everyone: the original SlugBase answers its list so.
    let limit = limit.map_or(i64::MAX, |l| l.clamp(1, MAX_PAGE));
    let offset = offset.unwrap_or(0);
    if offset < 0 {
        return Err(AppError::bad_request("offset must not be negative"));
    }
    let pattern = q
        .and_then(SearchTerms::parse)
        .map(|t| t.like_pattern())
        .unwrap_or_default();
    let mut db = store.read().await?;
    let total = user_admin::count(&mut db.conn(), &pattern).await?;
    let items = user_admin::page(&mut db.conn(), &pattern, limit, offset).await?;
    let has_more = offset + (items.len() as i64) < total;
    Ok(UserPage {
        items,
        total,
        has_more,
    })
}

/// One person as the admin's list shows them, or 404.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn listed(store: &Store, id: &str) -> Result<Listed> {
    let id = parse_id(id).ok_or_else(not_found)?;
    let mut db = store.read().await?;
    user_admin::one(&mut db.conn(), &id)
        .await?
        .ok_or_else(not_found)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn get(store: &Store, id: &str) -> Result<User> {
    let id = parse_id(id).ok_or_else(not_found)?;
    let mut db = store.read().await?;
    users::by_id(&mut db.conn(), &id)
        .await?
        .ok_or_else(not_found)
}

/// A person an admin adds, validated.
pub struct NewPerson {
    pub email: Email,
    pub name: PersonName,
    pub password: Option<Password>,
    pub is_admin: bool,
    pub send_invite: bool,
}

/// Creates the account (verified: an admin vouches for the address) as a member of the
/// instance's organization; with `send_invite`, emails a link to choose a password.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    store: &Store,
    outbox: &Outbox<'_>,
    admin: &CurrentUser,
    p: NewPerson,
) -> Result<User> {
    let invite = p.send_invite;
    // Without a password nobody knows this one: the person chooses theirs through the emailed
    // link or "forgot password", or signs in through an OpenID provider.
    let chose_password = p.password.is_some();
    let password = match p.password {
        Some(pw) => pw,
        None => Password::parse(&format!("Aa1-{}", random_token()))?,
    };
    let account = NewAccount {
        email: p.email,
        name: p.name,
        password,
        is_admin: p.is_admin,
        email_verified: true,
    };
    let mut tx = store.begin().await?;
    let id = insert_user(&mut tx.conn(), &account, EMAIL_TAKEN).await?;
    if !chose_password {
        users::clear_password(&mut tx.conn(), &id, Timestamp::now().millis()).await?;
    }
    if let Some(org_id) = orgs::oldest(&mut tx.conn()).await? {
        let now = Timestamp::now().millis();
        orgs::add_member(&mut tx.conn(), &org_id, &id, OrgRole::Member, now).await?;
    }
    let link_token = if invite {
        let purpose = Purpose::PasswordReset;
        Some(email_links::issue(&mut tx.conn(), purpose, &id, None, INVITE_TTL_SECS).await?)
    } else {
        None
    };
    let event = Event::new("user.created", "user")
        .entity(&id)
        .detail("email", account.email.as_str())
        .detail("is_admin", account.is_admin)
        .detail("invited", invite);
    audit::record(&mut tx.conn(), &Actor::of(admin), event).await?;
    let user = users::by_id(&mut tx.conn(), &id)
        .await?
        .ok_or_else(not_found)?;
    tx.commit().await?;
    if let Some(token) = link_token {
        if let Err(e) = admin_invites::send(outbox, admin, &user, &token).await {
            tracing::error!(error = %e, "set-password email failed");
            return Err(AppError::Upstream(
                "The account was created but the email could not be sent; send a password reset from the sign-in page",
            ));
        }
    }
    Ok(user)
}

/// Changes to someone's account; `None` leaves a field as it is.
#[derive(Default)]
pub struct Edit {
    pub name: Option<PersonName>,
    pub email: Option<Email>,
    pub is_admin: Option<bool>,
    pub password: Option<Password>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(store: &Store, admin: &CurrentUser, id: &str, edit: Edit) -> Result<User> {
    let id = parse_id(id).ok_or_else(not_found)?;
    if edit.name.is_none()
        && edit.email.is_none()
        && edit.is_admin.is_none()
        && edit.password.is_none()
    {
        // Nothing this endpoint knows was sent: the person as they are.
        return get(store, &id).await;
    }
    let hash = match &edit.password {
        Some(p) => Some(passwords::hash(p.expose()).await?),
        None => None,
    };
    let mut tx = store.begin().await?;
    user_admin::lock_admins(&mut tx.conn()).await?;
    let target = users::by_id(&mut tx.conn(), &id)
        .await?
        .ok_or_else(not_found)?;
    let now = Timestamp::now().millis();
    if edit.is_admin == Some(false) && target.is_admin {
        if target.id == admin.id() {
            return Err(DomainError::AdminRule("You cannot remove your own admin rights").into());
        }
        if users::admin_count(&mut tx.conn()).await? <= 1 {
            return Err(DomainError::AdminRule("The last admin must stay an admin").into());
        }
    }
    if let Some(name) = &edit.name {
        let change = ProfileChange {
            name: Some(name.as_str().to_string()),
            ..ProfileChange::default()
        };
        users::update_profile(&mut tx.conn(), &id, &change, now).await?;
    }
    if let Some(email) = &edit.email {
        if email.as_str() != target.email {
            users::set_email(&mut tx.conn(), &id, email.as_str(), now)
                .await
                .map_err(|e| e.on_unique(EMAIL_TAKEN))?;
        }
    }
    if let Some(is_admin) = edit.is_admin {
        user_admin::set_admin(&mut tx.conn(), &id, is_admin, now).await?;
    }
    if let Some(hash) = &hash {
        users::set_password(&mut tx.conn(), &id, hash, now).await?;
        // A new password ends every way in that the old one opened.
        sessions::revoke_all_for_user(&mut tx.conn(), &id, now).await?;
        tokens::delete_all_for_user(&mut tx.conn(), &id, None).await?;
    }
    let mut event = Event::new("user.updated", "user").entity(&id);
    for (field, changed) in [
        ("name", edit.name.is_some()),
        ("email", edit.email.is_some()),
        ("password", edit.password.is_some()),
    ] {
        if changed {
            event = event.detail(&format!("changed_{field}"), true);
        }
    }
    if let Some(is_admin) = edit.is_admin {
        event = event.detail("is_admin", is_admin);
    }
    audit::record(&mut tx.conn(), &Actor::of(admin), event).await?;
    let user = users::by_id(&mut tx.conn(), &id)
        .await?
        .ok_or_else(not_found)?;
    tx.commit().await?;
    Ok(user)
}

/// Deletes someone else's account: their sessions and tokens end at once.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(store: &Store, mode: Mode, admin: &CurrentUser, id: &str) -> Result<()> {
    let id = parse_id(id).ok_or_else(not_found)?;
    if id == admin.id() {
        return Err(DomainError::AdminRule(
            "You cannot delete your own account here; use your profile",
        )
        .into());
    }
    let mut tx = store.begin().await?;
    let target = users::by_id(&mut tx.conn(), &id)
        .await?
        .ok_or_else(not_found)?;
    account_removal::remove(&mut tx.conn(), mode, &target, &Actor::of(admin)).await?;
    tx.commit().await
}

/// The teams of the admin's current organization that someone is in, by name.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn teams_of(store: &Store, org_id: &str, id: &str) -> Result<Vec<TeamRow>> {
    let id = parse_id(id).ok_or_else(not_found)?;
    let mut db = store.read().await?;
    let mut c = db.conn();
    users::by_id(&mut c, &id).await?.ok_or_else(not_found)?;
    teams::list_for_member(&mut c, org_id, &id).await
}
