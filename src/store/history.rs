//! A bookmark's edit history: one row per changed field (title, URL, slug, forwarding), written
//! in the transaction of the change. Read by bookmark id after the caller's access was checked,
//! and always with the organization id too.

use super::{args, Conn};
use crate::error::Result;

/// One change of one field, with the name of who made it (absent once their account is gone).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HistoryRow {
    pub id: String,
    pub bookmark_id: String,
    pub changed_at: i64,
    pub changed_by: Option<String>,
    pub changed_by_name: Option<String>,
    pub field: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// A change to record.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    pub id: String,
    pub field: &'a str,
    pub old_value: Option<&'a str>,
    pub new_value: Option<&'a str>,
}

const SELECT: &str = "SELECT h.id, h.bookmark_id, h.changed_at, h.changed_by, \
    u.name AS changed_by_name, h.field, h.old_value, h.new_value \
    FROM bookmark_history h LEFT JOIN users u ON u.id = h.changed_by";

/// Records `change` of bookmark `bookmark_id` made by `user_id` at `now`, after its others.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    c: &mut Conn<'_>,
    org_id: &str,
    bookmark_id: &str,
    user_id: &str,
    now: i64,
    change: &Change<'_>,
) -> Result<()> {
    c.execute(
        "INSERT INTO bookmark_history \
         (id, org_id, bookmark_id, seq, changed_at, changed_by, field, old_value, new_value) \
         VALUES ($1, $2, $3, \
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM bookmark_history WHERE bookmark_id = $3), \
         $4, $5, $6, $7, $8)",
        args![
            &change.id,
            org_id,
            bookmark_id,
            now,
            user_id,
            change.field,
            change.old_value,
            change.new_value
        ],
    )
    .await?;
    Ok(())
}

/// The newest `limit` changes of the bookmark, newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    c: &mut Conn<'_>,
    org_id: &str,
    bookmark_id: &str,
    limit: i64,
) -> Result<Vec<HistoryRow>> {
    let sql = format!(
        "{SELECT} WHERE h.org_id = $1 AND h.bookmark_id = $2 \
         ORDER BY h.seq DESC LIMIT $3"
    );
    c.fetch_all(&sql, args![org_id, bookmark_id, limit]).await
}

/// One change of the bookmark, if it is one of its own.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn entry(
    c: &mut Conn<'_>,
    org_id: &str,
    bookmark_id: &str,
    id: &str,
) -> Result<Option<HistoryRow>> {
    let sql = format!("{SELECT} WHERE h.org_id = $1 AND h.bookmark_id = $2 AND h.id = $3");
    c.fetch_optional(&sql, args![org_id, bookmark_id, id]).await
}
