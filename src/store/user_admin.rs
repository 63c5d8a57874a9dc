//! What an instance admin does to people's accounts: find them a page at a time, change the
//! admin flag, and hold the one lock that keeps the last admin.

use super::users::{User, COLUMNS};
use super::{args, Conn};
use crate::error::Result;

const MATCHING: &str = "($1 = '' OR lower(name) LIKE $1 OR lower(email) LIKE $1)";

/// A person as the admin's list shows them: how they sign in, and until when the emailed link to
/// choose a password (the invitation) works.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Listed {
    #[sqlx(flatten)]
    pub user: User,
    /// The key of an OpenID provider the account is linked through.
    pub oidc_provider: Option<String>,
    /// When the newest unused set-your-password link expires.
    pub invite_expires_at: Option<i64>,
}

impl Listed {
    /// Without a password and without a linked provider the person cannot sign in until they
    /// use their invitation (or "forgot password").
    pub fn invite_pending(&self) -> bool {
        self.user.password_hash.is_none() && self.oidc_provider.is_none()
    }

    /// Pending, and the newest link had expired by `now` (time to send it again).
    pub fn invite_expired(&self, now: i64) -> bool {
        self.invite_pending() && self.invite_expires_at.is_some_and(|at| at <= now)
    }
}

const LISTED: &str =
    "(SELECT p.key FROM user_identities i JOIN oidc_providers p ON p.id = i.provider_id \
     WHERE i.user_id = users.id ORDER BY i.created_at LIMIT 1) AS oidc_provider, \
     (SELECT MAX(t.expires_at) FROM email_tokens t WHERE t.user_id = users.id \
     AND t.purpose = 'password_reset' AND t.used_at IS NULL) AS invite_expires_at";

/// People whose name or email matches the lower-case `LIKE` pattern (`""` for everyone),
/// newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page(c: &mut Conn<'_>, pattern: &str, limit: i64, offset: i64) -> Result<Vec<Listed>> {
    let sql = format!(
        "SELECT {COLUMNS}, {LISTED} FROM users WHERE {MATCHING} \
         ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    );
    c.fetch_all(&sql, args![pattern, limit, offset]).await
}

/// One person as the admin's list shows them.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn one(c: &mut Conn<'_>, id: &str) -> Result<Option<Listed>> {
    let sql = format!("SELECT {COLUMNS}, {LISTED} FROM users WHERE id = $1");
    c.fetch_optional(&sql, args![id]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(c: &mut Conn<'_>, pattern: &str) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM users WHERE {MATCHING}");
    c.scalar(&sql, args![pattern]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_admin(c: &mut Conn<'_>, id: &str, is_admin: bool, now: i64) -> Result<()> {
    c.execute(
        "UPDATE users SET is_admin = $2, updated_at = $3 WHERE id = $1",
        args![id, is_admin, now],
    )
    .await?;
    Ok(())
}

/// Takes the instance's one row lock for the rest of the transaction, so two admins demoting
/// or deleting each other at once are serialized and the second sees the first's change. On
/// SQLite the single writer already serializes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn lock_admins(c: &mut Conn<'_>) -> Result<()> {
    c.execute(
        "UPDATE instance_state SET initialized_at = initialized_at WHERE id = 1",
        args![],
    )
    .await?;
    Ok(())
}
