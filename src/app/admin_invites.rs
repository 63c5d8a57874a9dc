//! The invitation an instance admin sends with a new account: an emailed link to choose a
//! password (`/reset-password?token=…`, valid 7 days), and sending it again while the person has
//! not used it (`POST /api/admin/users/:id/resend-invite`).

use crate::app::admin_users::{not_found, INVITE_TTL_SECS};
use crate::app::audit::{self, Actor, Event};
use crate::app::email_links::{self, Outbox};
use crate::app::identity::CurrentUser;
use crate::domain::ids::parse_id;
use crate::error::{AppError, Result};
use crate::store::email_tokens::Purpose;
use crate::store::users::User;
use crate::store::{user_admin, Store};

/// Emails `user` the link `token` opens.
pub async fn send(
    outbox: &Outbox<'_>,
    admin: &CurrentUser,
    user: &User,
    token: &str,
) -> Result<()> {
    let link = outbox.link("/reset-password", token);
    let body = format!(
        "{} made you a SlugBase account for {}.\n\nChoose your password here:\n\n{link}\n\nThe link works once and expires in 7 days.\n",
        admin.user.name, user.email
    );
    outbox
        .send(&user.email, "Your SlugBase account".into(), body)
        .await
}

/// Sends a new invitation to someone who has neither a password nor a linked OpenID account
/// yet; the earlier link stops working. Answers when the new one expires (milliseconds).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resend(
    store: &Store,
    outbox: &Outbox<'_>,
    admin: &CurrentUser,
    raw_id: &str,
) -> Result<i64> {
    let id = parse_id(raw_id).ok_or_else(not_found)?;
    let mut tx = store.begin().await?;
    let person = user_admin::one(&mut tx.conn(), &id)
        .await?
        .ok_or_else(not_found)?;
    if !person.invite_pending() {
        return Err(AppError::bad_request("User is not pending invite signup."));
    }
    let purpose = Purpose::PasswordReset;
    let token = email_links::issue(&mut tx.conn(), purpose, &id, None, INVITE_TTL_SECS).await?;
    let event = Event::new("user.invite_resent", "user")
        .entity(&id)
        .detail("email", person.user.email.as_str());
    audit::record(&mut tx.conn(), &Actor::of(admin), event).await?;
    let expires_at = user_admin::one(&mut tx.conn(), &id)
        .await?
        .and_then(|p| p.invite_expires_at)
        .ok_or_else(not_found)?;
    tx.commit().await?;
    if let Err(e) = send(outbox, admin, &person.user, &token).await {
        tracing::error!(error = %e, "invitation email failed");
        return Err(AppError::Upstream("Could not send invite email"));
    }
    Ok(expires_at)
}
