//! Invitations to an organization. The token is emailed; only its SHA-256 is stored.

use serde::Serialize;

use super::{args, Conn};
use crate::domain::{time, InvitationStatus, OrgRole};
use crate::error::Result;

#[derive(Clone, Debug, sqlx::FromRow, Serialize, utoipa::ToSchema)]
pub struct Invitation {
    pub id: String,
    #[serde(rename = "organization_id")]
    pub org_id: String,
    pub email: String,
    pub role: OrgRole,
    pub status: InvitationStatus,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
    pub invited_by: Option<String>,
    /// When the one reminder went out (three days after sending), or `null`.
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reminded_at: Option<i64>,
}

const COLUMNS: &str =
    "id, org_id, email, role, status, expires_at, created_at, invited_by, reminded_at";

/// Pending invitations past their expiry become `expired`, so they no longer hold a seat or
/// block a new invitation to the same address.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn expire_old(c: &mut Conn<'_>, org_id: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE invitations SET status = 'expired' WHERE org_id = $1 AND status = 'pending' AND \
         expires_at <= $2",
        args![org_id, now],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn pending_count(c: &mut Conn<'_>, org_id: &str, now: i64) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM invitations WHERE org_id = $1 AND status = 'pending' AND expires_at \
         > $2",
        args![org_id, now],
    )
    .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn pending(c: &mut Conn<'_>, org_id: &str, now: i64) -> Result<Vec<Invitation>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations WHERE org_id = $1 AND status = 'pending' AND expires_at > $2 ORDER BY created_at DESC, id"
    );
    c.fetch_all(&sql, args![org_id, now]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn pending_for_email(
    c: &mut Conn<'_>,
    org_id: &str,
    email: &str,
    now: i64,
) -> Result<bool> {
    let n: i64 = c
        .scalar(
            "SELECT COUNT(*) FROM invitations WHERE org_id = $1 AND email = $2 AND status = \
             'pending' AND expires_at > $3",
            args![org_id, email, now],
        )
        .await?;
    Ok(n > 0)
}

pub struct NewInvitation<'a> {
    pub id: &'a str,
    pub org_id: &'a str,
    pub email: &'a str,
    pub role: OrgRole,
    pub token_hash: &'a str,
    pub invited_by: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(c: &mut Conn<'_>, n: &NewInvitation<'_>) -> Result<()> {
    c.execute(
        "INSERT INTO invitations (id, org_id, email, role, token_hash, status, invited_by, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8)",
        args![
            n.id,
            n.org_id,
            n.email,
            n.role,
            n.token_hash,
            n.invited_by,
            n.now,
            n.expires_at
        ],
    )
    .await?;
    Ok(())
}

/// One invitation of the organization (a foreign id is simply not found).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn in_org(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<Option<Invitation>> {
    let sql = format!("SELECT {COLUMNS} FROM invitations WHERE org_id = $1 AND id = $2");
    c.fetch_optional(&sql, args![org_id, id]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn by_token_hash(c: &mut Conn<'_>, token_hash: &str) -> Result<Option<Invitation>> {
    // The first email's link and the reminder's both work until the invitation expires.
    let sql = format!(
        "SELECT {COLUMNS} FROM invitations WHERE token_hash = $1 \
         UNION ALL SELECT {COLUMNS} FROM invitations WHERE reminder_token_hash = $1"
    );
    c.fetch_optional(&sql, args![token_hash]).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_status(
    c: &mut Conn<'_>,
    id: &str,
    status: InvitationStatus,
    now: i64,
) -> Result<()> {
    c.execute(
        "UPDATE invitations SET status = $2, accepted_at = CASE WHEN $2 = 'accepted' THEN $3 ELSE \
         accepted_at END WHERE id = $1",
        args![id, status, now],
    )
    .await?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn renew(c: &mut Conn<'_>, id: &str, token_hash: &str, expires_at: i64) -> Result<()> {
    c.execute(
        "UPDATE invitations SET token_hash = $2, reminder_token_hash = NULL, expires_at = $3 \
         WHERE id = $1",
        args![id, token_hash, expires_at],
    )
    .await?;
    Ok(())
}

/// A pending invitation due for its reminder, with what the email says.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueReminder {
    pub id: String,
    pub email: String,
    pub expires_at: i64,
    pub org_name: String,
    pub inviter_name: Option<String>,
}

/// Pending, unexpired invitations never reminded whose expiry is at most `expiring_by`
/// (so sent long enough ago), oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn due_reminders(
    c: &mut Conn<'_>,
    now: i64,
    expiring_by: i64,
    limit: i64,
) -> Result<Vec<DueReminder>> {
    c.fetch_all(
        "SELECT i.id, i.email, i.expires_at, o.name AS org_name, u.name AS inviter_name FROM \
         invitations i JOIN organizations o ON o.id = i.org_id LEFT JOIN users u ON u.id = \
         i.invited_by WHERE i.status = 'pending' AND i.reminded_at IS NULL AND i.expires_at > $1 \
         AND i.expires_at <= $2 ORDER BY i.expires_at, i.id LIMIT $3",
        args![now, expiring_by, limit],
    )
    .await
}

/// Records the reminder and its link, unless it was recorded already (by another instance, or
/// the invitation is no longer pending): whoever changes the row sends the email.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_reminded(c: &mut Conn<'_>, id: &str, token_hash: &str, now: i64) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE invitations SET reminded_at = $3, reminder_token_hash = $2 \
             WHERE id = $1 AND reminded_at IS NULL AND status = 'pending'",
            args![id, token_hash, now],
        )
        .await?;
    Ok(n == 1)
}
