//! What an invitation link says to whoever opens it (the `/invite?token=…` page): the
//! organization, who invited, for which address and role, and whether it still works — and if
//! not, why (used, cancelled, expired), so the page can say so plainly.

use crate::domain::{InvitationStatus, Timestamp};
use crate::error::Result;
use crate::security::sha256_hex;
use crate::store::invitations::{self, Invitation};
use crate::store::{orgs, users, Store};

/// Where an invitation stands for the person holding its link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// It can be accepted.
    Open,
    Accepted,
    Cancelled,
    Expired,
}

/// An invitation as its link shows it.
#[derive(Clone, Debug)]
pub struct InvitationView {
    pub invitation: Invitation,
    pub state: LinkState,
    pub org_name: String,
    /// The inviter's name, while their account exists.
    pub invited_by: Option<String>,
}

/// The invitation `token` opens, or `None` when no invitation has that token.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn look_up(store: &Store, token: &str) -> Result<Option<InvitationView>> {
    let token = token.trim();
    if token.is_empty() {
        return Ok(None);
    }
    let mut db = store.read().await?;
    let Some(inv) = invitations::by_token_hash(&mut db.conn(), &sha256_hex(token)).await? else {
        return Ok(None);
    };
    let Some(org) = orgs::by_id(&mut db.conn(), &inv.org_id).await? else {
        return Ok(None);
    };
    let invited_by = match inv.invited_by.as_deref() {
        Some(id) => users::by_id(&mut db.conn(), id).await?.map(|u| u.name),
        None => None,
    };
    let state = match inv.status {
        InvitationStatus::Accepted => LinkState::Accepted,
        InvitationStatus::Cancelled => LinkState::Cancelled,
        InvitationStatus::Expired => LinkState::Expired,
        InvitationStatus::Pending if inv.expires_at <= Timestamp::now().millis() => {
            LinkState::Expired
        }
        InvitationStatus::Pending => LinkState::Open,
    };
    Ok(Some(InvitationView {
        invitation: inv,
        state,
        org_name: org.name,
        invited_by,
    }))
}
