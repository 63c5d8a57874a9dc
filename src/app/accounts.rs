//! Creating people and their first organization.

use rand::Rng;

use crate::config::Mode;
use crate::domain::{new_id, Email, OrgRole, Password, PersonName, Plan, Timestamp};
use crate::error::{AppError, Result};
use crate::security::passwords;
use crate::store::{orgs, users, Conn};

/// Plan and seats a new organization starts with: self-hosted instances do not enforce plans,
/// so their organizations are unlimited Teams; in cloud everyone starts on Free.
pub fn starting_plan(mode: Mode) -> Plan {
    match mode {
        Mode::Selfhosted => Plan::Team,
        Mode::Cloud => Plan::Free,
    }
}

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

/// Inserts the user; an email already taken is a 400 with `taken_msg`.
pub async fn insert_user(c: &mut Conn<'_>, a: &NewAccount, taken_msg: &str) -> Result<String> {
    if users::by_email(c, a.email.as_str()).await?.is_some() {
        return Err(AppError::bad_request(taken_msg));
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

/// Creates an organization with `owner_id` as its owner; returns its id.
pub async fn create_org(
    c: &mut Conn<'_>,
    mode: Mode,
    name: &str,
    owner_id: &str,
) -> Result<String> {
    let plan = starting_plan(mode);
    let seats = plan.default_included_seats();
    let id = new_id();
    let now = Timestamp::now().millis();
    orgs::insert(c, &id, name, plan, seats, now).await?;
    orgs::add_member(c, &id, owner_id, OrgRole::Owner, now).await?;
    Ok(id)
}

/// The personal organization every cloud sign-up gets.
pub fn workspace_name(person: &str) -> String {
    format!("{person}'s Workspace")
}

/// Marks the self-hosted instance initialized; false when it already was (so two racing
/// set-ups cannot both succeed).
pub async fn mark_initialized(c: &mut Conn<'_>) -> Result<bool> {
    let now = Timestamp::now().millis();
    let r = crate::q!(c, |e| sqlx::query(
        "INSERT INTO instance_state (id, initialized_at) VALUES (1, $1)"
    )
    .bind(now)
    .execute(e)
    .await
    .map(|r| r.rows_affected()));
    crate::store::inserted_once(r)
}

pub async fn is_initialized(c: &mut Conn<'_>) -> Result<bool> {
    let n: i64 = crate::q!(c, |e| sqlx::query_scalar(
        "SELECT COUNT(*) FROM instance_state"
    )
    .fetch_one(e)
    .await?);
    Ok(n > 0)
}
