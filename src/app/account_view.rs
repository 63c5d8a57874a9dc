//! What a person's own account shows beyond the user object (`GET /api/auth/me`,
//! `GET /api/users/me`), as the original SlugBase's client reads it: whether they have a
//! password, the OpenID provider they are linked through, and an email change waiting for its
//! confirmation.

use crate::app::identity::CurrentUser;
use crate::domain::Timestamp;
use crate::error::Result;
use crate::store::{email_tokens, oidc, Store};

pub struct SignInMethods {
    pub has_password: bool,
    /// The key of the provider and the subject there.
    pub oidc: Option<(String, String)>,
    pub email_pending: Option<String>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn sign_in_methods(store: &Store, me: &CurrentUser) -> Result<SignInMethods> {
    let mut db = store.read().await?;
    let mut c = db.conn();
    let oidc = oidc::identity_of(&mut c, me.id()).await?;
    let now = Timestamp::now().millis();
    let email_pending = email_tokens::pending_email(&mut c, me.id(), now).await?;
    Ok(SignInMethods {
        has_password: me.user.password_hash.is_some(),
        oidc,
        email_pending,
    })
}
