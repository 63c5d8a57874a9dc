//! People: the first person of a self-hosted instance, cloud sign-ups, people added by an
//! operator, each with the organization they start in; and a person's own profile.

use rand::Rng;

use crate::app::audit::{self, Actor, Event};
use crate::app::email_links::{self, Outbox};
use crate::app::identity::CurrentUser;
use crate::app::organizations;
use crate::app::sessions::{self, Issued, SessionKeys};
use crate::config::Mode;
use crate::domain::account::{parse_language, parse_theme};
use crate::domain::role::OrgName;
use crate::domain::{new_id, DomainError, Email, OrgRole, Password, PersonName, Timestamp};
use crate::error::{AppError, Result};
use crate::security::passwords;
use crate::store::users::{ProfileChange, User};
use crate::store::{orgs, users, Conn, Store};

fn new_user_key() -> String {
    let bytes: [u8; 6] = rand::thread_rng().gen();
    hex::encode(bytes)
}

pub struct NewAccount {
    pub email: Email,
    pub name: PersonName,
    pub password: Password,
    pub is_admin: bool,
    pub email_verified: bool,
}

/// The person with this email, if any.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(store: &Store, email: &Email) -> Result<Option<users::User>> {
    let mut db = store.read().await?;
    users::by_email(&mut db.conn(), email.as_str()).await
}

/// What a person signs up with.
pub struct SignUp {
    pub email: Email,
    pub name: PersonName,
    pub password: Password,
}

impl SignUp {
    /// Validates in the order people see the messages: presence, email, name, password.
    pub fn parse(
        email: Option<&str>,
        name: Option<&str>,
        password: Option<&str>,
    ) -> Result<SignUp> {
        let (Some(email), Some(name), Some(password)) = (email, name, password) else {
            return Err(AppError::bad_request(
                "Email, name, and password are required",
            ));
        };
        Ok(SignUp {
            email: Email::parse(email)?,
            name: PersonName::parse(name)?,
            password: Password::parse(password)?,
        })
    }

    pub(crate) fn account(self, is_admin: bool, email_verified: bool) -> NewAccount {
        NewAccount {
            email: self.email,
            name: self.name,
            password: self.password,
            is_admin,
            email_verified,
        }
    }
}

/// Inserts the user; an email already taken is a 400 with `taken_msg`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_user(c: &mut Conn<'_>, a: &NewAccount, taken_msg: &str) -> Result<String> {
    if users::by_email(c, a.email.as_str()).await?.is_some() {
        return Err(DomainError::duplicate(taken_msg).into());
    }
    let hash = passwords::hash(a.password.expose()).await?;
    let id = new_id();
    let key = new_user_key();
    users::insert(
        c,
        &users::NewUser {
            id: &id,
            email: a.email.as_str(),
            name: a.name.as_str(),
            password_hash: &hash,
            user_key: &key,
            is_admin: a.is_admin,
            email_verified: a.email_verified,
            now: Timestamp::now().millis(),
        },
    )
    .await
    .map_err(|e| e.on_unique(taken_msg))?;
    Ok(id)
}

/// A new person with an organization of their own (`<name>'s Workspace`, as its owner): a
/// cloud sign-up, and a self-hosted instance's first person. Returns the person's and the
/// organization's ids.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open_account(
    c: &mut Conn<'_>,
    mode: Mode,
    a: &NewAccount,
    taken_msg: &str,
) -> Result<(String, String)> {
    let user_id = insert_user(c, a, taken_msg).await?;
    let org_name = OrgName::workspace_of(a.name.as_str());
    let org_id = organizations::found(c, mode, &org_name, &user_id).await?;
    Ok((user_id, org_id))
}

/// A person added by an operator (`slugbase user create`): in cloud they get their own
/// workspace as if they had signed up; self-hosted they join the instance's first organization
/// as a member, or, when there is none yet, set the instance up with their own.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_person(store: &Store, mode: Mode, a: &NewAccount) -> Result<String> {
    let mut tx = store.begin().await?;
    let user_id = add_person_in(&mut tx.conn(), mode, a).await?;
    tx.commit().await?;
    Ok(user_id)
}

/// [`add_person`] on the caller's transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_person_in(c: &mut Conn<'_>, mode: Mode, a: &NewAccount) -> Result<String> {
    let taken = "a user with this email already exists";
    let first_org = match mode {
        Mode::Cloud => None,
        Mode::Selfhosted => orgs::oldest(c).await?,
    };
    match first_org {
        Some(org_id) => {
            let user_id = insert_user(c, a, taken).await?;
            let now = Timestamp::now().millis();
            orgs::add_member(c, &org_id, &user_id, OrgRole::Member, now).await?;
            Ok(user_id)
        }
        None => {
            if mode == Mode::Selfhosted {
                mark_initialized(c).await?;
            }
            Ok(open_account(c, mode, a, taken).await?.0)
        }
    }
}

/// Whether the first person exists (always, in cloud).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn is_set_up(store: &Store, mode: Mode) -> Result<bool> {
    if mode == Mode::Cloud {
        return Ok(true);
    }
    let mut db = store.read().await?;
    is_initialized(&mut db.conn()).await
}

/// Self-hosted first run: the first admin and the first organization, signed in. Refused (403)
/// in cloud and once done; `sign_up` is the parsed request, refused only after that.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_up(
    store: &Store,
    keys: &SessionKeys,
    sign_up: Result<SignUp>,
) -> Result<(Issued, User)> {
    let already = || AppError::from(DomainError::AlreadyInitialized);
    if keys.is_cloud() || is_set_up(store, keys.mode).await? {
        return Err(already());
    }
    // The first person runs the instance, and typed their address in themselves.
    let account = sign_up?.account(true, true);
    let mut tx = store.begin().await?;
    if !mark_initialized(&mut tx.conn()).await? {
        return Err(already());
    }
    let taken = "User with this email already exists";
    let (user_id, org_id) = open_account(&mut tx.conn(), keys.mode, &account, taken).await?;
    let issued = sessions::start(keys, &mut tx.conn(), &user_id, Some(&org_id)).await?;
    let user = users::by_id(&mut tx.conn(), &user_id)
        .await?
        .ok_or_else(|| AppError::internal("user vanished"))?;
    let event = Event::new("instance.set_up", "organization")
        .entity(&org_id)
        .org(&org_id);
    audit::record(&mut tx.conn(), &Actor::person(&user, None), event).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user.id, "instance set up");
    Ok((issued, user))
}

/// Cloud sign-up: an unverified account with its own workspace, and an emailed link to verify
/// it. Refused (403) self-hosted; `sign_up` is the parsed request, refused only after that. An
/// address that has an account already gets the same answer, and its owner an email.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn register(
    store: &Store,
    outbox: &Outbox<'_>,
    mode: Mode,
    sign_up: Result<SignUp>,
) -> Result<()> {
    if mode != Mode::Cloud {
        return Err(DomainError::RegistrationClosed.into());
    }
    let account = sign_up?.account(false, false);
    let mut tx = store.begin().await?;
    let taken = "Email already registered";
    if let Some(owner) = users::by_email(&mut tx.conn(), account.email.as_str()).await? {
        drop(tx);
        // The same answer, after the same work, as for a new address: whether an address has
        // an account is told only to whoever reads its email.
        passwords::hash(account.password.expose()).await?;
        return email_links::tell_owner_of_sign_up(store, outbox, &owner).await;
    }
    let (user_id, _) = open_account(&mut tx.conn(), mode, &account, taken).await?;
    let token = email_links::issue_signup(&mut tx.conn(), &user_id).await?;
    tx.commit().await?;
    email_links::send_signup(outbox, account.email.as_str(), &token)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "sign-up email failed");
            AppError::Upstream(
                "Account created but we could not send the verification email. Please try again later or contact support.",
            )
        })
}

/// Changes to a person's own profile. A new email address is only requested: a link goes to it,
/// and the address changes when that link is confirmed.
#[derive(Default)]
pub struct ProfileEdit {
    pub change: ProfileChange,
    /// A new address, different from the current one.
    pub new_email: Option<Email>,
}

impl ProfileEdit {
    /// Validates in the order clients see the messages: name, language, theme, email. An edit
    /// that names no field is refused; naming the current address changes nothing.
    pub fn parse(
        name: Option<&str>,
        language: Option<String>,
        theme: Option<String>,
        ai_suggestions_enabled: Option<bool>,
        email: Option<&str>,
        current_email: &str,
    ) -> Result<Self, DomainError> {
        let change = ProfileChange {
            name: name
                .map(|n| PersonName::parse(n).map(|n| n.as_str().to_string()))
                .transpose()?,
            language: language.map(parse_language).transpose()?,
            theme: theme.map(parse_theme).transpose()?,
            ai_suggestions_enabled,
        };
        let new_email = match email {
            Some(raw) => Some(Email::parse(raw)?).filter(|e| e.as_str() != current_email),
            None => None,
        };
        let nothing = change.name.is_none()
            && change.language.is_none()
            && change.theme.is_none()
            && change.ai_suggestions_enabled.is_none();
        if nothing && email.is_none() {
            return Err(DomainError::invalid("No fields to update"));
        }
        Ok(Self { change, new_email })
    }
}

/// The profile after an edit, and the address waiting for confirmation if one was asked for.
pub struct ProfileUpdated {
    pub user: User,
    pub pending_email: Option<Email>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update_profile(
    store: &Store,
    outbox: &Outbox<'_>,
    me: &CurrentUser,
    edit: ProfileEdit,
) -> Result<ProfileUpdated> {
    let mut tx = store.begin().await?;
    users::update_profile(
        &mut tx.conn(),
        me.id(),
        &edit.change,
        Timestamp::now().millis(),
    )
    .await?;
    let mut token = None;
    if let Some(email) = &edit.new_email {
        if users::by_email(&mut tx.conn(), email.as_str())
            .await?
            .is_some()
        {
            return Err(DomainError::duplicate("User with this email already exists").into());
        }
        token = Some(email_links::issue_email_change(&mut tx.conn(), me.id(), email).await?);
    }
    let user = users::by_id(&mut tx.conn(), me.id())
        .await?
        .ok_or(AppError::Unauthorized)?;
    tx.commit().await?;
    if let (Some(email), Some(token)) = (&edit.new_email, token) {
        if let Err(e) = email_links::send_email_change(outbox, email.as_str(), &token).await {
            // Nobody can confirm a link that never went out: withdraw it, so no change of
            // address is shown as pending.
            tracing::error!(error = %e, "email change confirmation failed");
            email_links::withdraw(store, &token).await?;
            return Err(AppError::Upstream(
                "Your profile was saved, but the confirmation email to the new address could not be sent. Please try again.",
            ));
        }
    }
    Ok(ProfileUpdated {
        user,
        pending_email: edit.new_email,
    })
}

/// Marks the self-hosted instance initialized; false when it already was (so two racing
/// set-ups cannot both succeed).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_initialized(c: &mut Conn<'_>) -> Result<bool> {
    users::mark_instance_initialized(c, Timestamp::now().millis()).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn is_initialized(c: &mut Conn<'_>) -> Result<bool> {
    users::instance_initialized(c).await
}

/// Changes a signed-in person's password after checking the current one. Every session of the
/// account ends (a thief's too); the person's own browser gets the new one this answers.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn change_password(
    store: &Store,
    keys: &SessionKeys,
    me: &CurrentUser,
    current: &str,
    new: &Password,
) -> Result<Issued> {
    let ok = passwords::verify(current, me.user.password_hash.as_deref()).await?;
    if !ok {
        return Err(DomainError::invalid("Current password is incorrect").into());
    }
    let hash = passwords::hash(new.expose()).await?;
    let mut tx = store.begin().await?;
    let now = Timestamp::now().millis();
    users::set_password(&mut tx.conn(), me.id(), &hash, now).await?;
    crate::store::sessions::revoke_all_for_user(&mut tx.conn(), me.id(), now).await?;
    let issued = sessions::start(
        keys,
        &mut tx.conn(),
        me.id(),
        me.user.last_org_id.as_deref(),
    )
    .await?;
    let event = Event::new("password.changed", "user").entity(me.id());
    audit::record(&mut tx.conn(), &Actor::of(me), event).await?;
    tx.commit().await?;
    Ok(issued)
}
