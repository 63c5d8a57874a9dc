//! Signing up from an invitation (`POST /api/auth/register` with `invitation_token`), in both
//! modes: the account is created already verified (the token came by email to that address),
//! joins the organization and is signed in, all in one transaction. A token that does not
//! fit (unknown, used, expired, another address, no seat) creates nothing.

use std::net::IpAddr;

use crate::app::accounts::{insert_user, open_account, SignUp};
use crate::app::audit::Actor;
use crate::app::invitations::accept_in;
use crate::app::sessions::{self, Issued, SessionKeys};
use crate::config::Mode;
use crate::domain::plan::PlanPolicy;
use crate::error::{AppError, Result};
use crate::security::sha256_hex;
use crate::store::users::{self, User};
use crate::store::{invitations, Store};

#[tracing::instrument(level = "debug", skip_all)]
pub async fn register(
    store: &Store,
    keys: &SessionKeys,
    policy: PlanPolicy,
    sign_up: Result<SignUp>,
    token: &str,
    ip: Option<IpAddr>,
) -> Result<(Issued, User)> {
    let token = token.trim();
    if token.is_empty() {
        return Err(AppError::bad_request("Token is required"));
    }
    let account = sign_up?.account(false, true);
    let taken = "Email already registered";
    let mut tx = store.begin().await?;
    // An unknown token is a 404 before anything else is looked at.
    invitations::by_token_hash(&mut tx.conn(), &sha256_hex(token))
        .await?
        .ok_or_else(|| AppError::not_found("Invitation not found"))?;
    // In the cloud every account has a workspace of its own; self-hosted, the invitation's
    // organization is the person's only one.
    let user_id = match keys.mode {
        Mode::Cloud => {
            open_account(&mut tx.conn(), keys.mode, &account, taken)
                .await?
                .0
        }
        Mode::Selfhosted => insert_user(&mut tx.conn(), &account, taken).await?,
    };
    let user = users::by_id(&mut tx.conn(), &user_id)
        .await?
        .ok_or_else(|| AppError::internal("user vanished"))?;
    let actor = Actor::person(&user, ip);
    let accepted = accept_in(&mut tx.conn(), policy, &user, &actor, token).await?;
    users::set_last_org(&mut tx.conn(), &user_id, &accepted.org_id).await?;
    let issued = sessions::start(keys, &mut tx.conn(), &user_id, Some(&accepted.org_id)).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user_id, org_id = %accepted.org_id, "signed up from an invitation");
    Ok((issued, user))
}
