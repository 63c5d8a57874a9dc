//! What a person's own account shows beyond the user object (`GET /api/auth/me`,
//! `GET /api/users/me`), as the original SlugBase's client reads it: whether they have a
//! password, the OpenID provider they are linked through, an email change waiting for its
//! confirmation, and whether they manage their current organization.

use crate::app::identity::CurrentUser;
use crate::domain::Timestamp;
use crate::error::Result;
use crate::store::{email_tokens, oidc, orgs, Store};

pub struct SignInMethods {
    pub has_password: bool,
    /// The key of the provider and the subject there.
    pub oidc: Option<(String, String)>,
    pub email_pending: Option<String>,
    /// Whether they are an owner or admin of their current organization.
    pub workspace_admin: bool,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn sign_in_methods(store: &Store, me: &CurrentUser) -> Result<SignInMethods> {
    let current = crate::app::sessions::current_org(store, me).await?;
    let mut db = store.read().await?;
    let mut c = db.conn();
    let role = match &current {
        Some(org_id) => orgs::role_of(&mut c, org_id, me.id()).await?,
        None => None,
    };
    let oidc = oidc::identity_of(&mut c, me.id()).await?;
    let now = Timestamp::now().millis();
    let email_pending = email_tokens::pending_email(&mut c, me.id(), now).await?;
    Ok(SignInMethods {
        has_password: me.user.password_hash.is_some(),
        oidc,
        email_pending,
        workspace_admin: role.is_some_and(|r| r.can_manage()),
    })
}
