//! Creating people and their first organization.

use rand::Rng;

use crate::app::organizations;
use crate::config::Mode;
use crate::domain::role::OrgName;
use crate::domain::{new_id, DomainError, Email, OrgRole, Password, PersonName, Timestamp};
use crate::error::Result;
use crate::security::passwords;
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
pub async fn find(store: &Store, email: &Email) -> Result<Option<users::User>> {
    let mut db = store.read().await?;
    users::by_email(&mut db.conn(), email.as_str()).await
}

/// Inserts the user; an email already taken is a 400 with `taken_msg`.
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
pub async fn add_person(store: &Store, mode: Mode, a: &NewAccount) -> Result<String> {
    let taken = "a user with this email already exists";
    let mut tx = store.begin().await?;
    let first_org = match mode {
        Mode::Cloud => None,
        Mode::Selfhosted => orgs::oldest(&mut tx.conn()).await?,
    };
    let user_id = match first_org {
        Some(org_id) => {
            let user_id = insert_user(&mut tx.conn(), a, taken).await?;
            let now = Timestamp::now().millis();
            orgs::add_member(&mut tx.conn(), &org_id, &user_id, OrgRole::Member, now).await?;
            user_id
        }
        None => {
            if mode == Mode::Selfhosted {
                mark_initialized(&mut tx.conn()).await?;
            }
            open_account(&mut tx.conn(), mode, a, taken).await?.0
        }
    };
    tx.commit().await?;
    Ok(user_id)
}

/// Marks the self-hosted instance initialized; false when it already was (so two racing
/// set-ups cannot both succeed).
pub async fn mark_initialized(c: &mut Conn<'_>) -> Result<bool> {
    users::mark_instance_initialized(c, Timestamp::now().millis()).await
}

pub async fn is_initialized(c: &mut Conn<'_>) -> Result<bool> {
    users::instance_initialized(c).await
}
