//! What an instance admin does to people's accounts: find them a page at a time, change the
//! admin flag, and hold the one lock that keeps the last admin.

use super::users::{User, COLUMNS};
use super::{args, Conn};
use crate::error::Result;

const MATCHING: &str = "($1 = '' OR lower(name) LIKE $1 OR lower(email) LIKE $1)";

/// People whose name or email matches the lower-case `LIKE` pattern (`""` for everyone),
/// newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page(c: &mut Conn<'_>, pattern: &str, limit: i64, offset: i64) -> Result<Vec<User>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE {MATCHING} ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3"
    );
    c.fetch_all(&sql, args![pattern, limit, offset]).await
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
