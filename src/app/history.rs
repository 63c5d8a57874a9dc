//! A bookmark's edit history: every change of its title, URL, slug or forwarding is recorded in
//! the transaction of the change, shown to everyone who can see the bookmark (its owner and the
//! people it is shared with; to anyone else it is not found), and an old value can be put back
//! by the owner. A restore is a change like any other, checked by the same rules (a slug still
//! free, forwarding only with a slug) and recorded in its turn.

use crate::app::bookmarks::{self, BookmarkInput, BookmarkView};
use crate::app::link_checks::LinkChecker;
use crate::app::tenancy::CurrentOrg;
use crate::domain::history::{stored_bool, HistoryField};
use crate::domain::ids::parse_id;
use crate::domain::new_id;
use crate::error::{AppError, Result};
use crate::store::bookmarks::{BookmarkRow, Fields};
use crate::store::history::{self, Change, HistoryRow};
use crate::store::{Conn, Store};

/// How many changes a history shows at most, newest first.
pub const SHOWN: i64 = 500;

fn entry_not_found() -> AppError {
    AppError::not_found("History entry not found")
}

/// Records what `after` changes of `before`'s title, URL, slug and forwarding.
#[tracing::instrument(level = "debug", skip_all)]
pub(crate) async fn record(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    before: &BookmarkRow,
    after: &Fields,
    now: i64,
) -> Result<()> {
    let changes = [
        (
            HistoryField::Title,
            Some(before.title.as_str()),
            Some(after.title.as_str()),
        ),
        (
            HistoryField::Url,
            Some(before.url.as_str()),
            Some(after.url.as_str()),
        ),
        (
            HistoryField::Slug,
            before.slug.as_deref(),
            after.slug.as_ref().map(|s| s.as_str()),
        ),
        (
            HistoryField::Forwarding,
            Some(stored_bool(before.forwarding_enabled)),
            Some(stored_bool(after.forwarding_enabled)),
        ),
    ];
    for (field, old_value, new_value) in changes {
        if old_value == new_value {
            continue;
        }
        let change = Change {
            id: new_id(),
            field: field.as_str(),
            old_value,
            new_value,
        };
        history::insert(c, org.id(), &before.id, org.user_id(), now, &change).await?;
    }
    Ok(())
}

/// The history of a bookmark the caller can see, newest first; 404 for any other.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<Vec<HistoryRow>> {
    let mut db = store.read().await?;
    let mut c = db.conn();
    let row = bookmarks::visible(&mut c, org, raw_id).await?;
    of(&mut c, org, &row.id).await
}

/// The history of bookmark `id`, already known to be visible to the caller.
pub(crate) async fn of(c: &mut Conn<'_>, org: &CurrentOrg, id: &str) -> Result<Vec<HistoryRow>> {
    history::list(c, org.id(), id, SHOWN).await
}

/// Puts back the value a change replaced (the owner only: 403 for others who can see the
/// bookmark, 404 for anyone else and for an entry of another bookmark).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn restore(
    store: &Store,
    checker: &LinkChecker,
    org: &CurrentOrg,
    raw_id: &str,
    raw_entry: &str,
) -> Result<BookmarkView> {
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    let row = bookmarks::owned(&mut c, org, raw_id).await?;
    let entry_id = parse_id(raw_entry).ok_or_else(entry_not_found)?;
    let entry = history::entry(&mut c, org.id(), &row.id, &entry_id)
        .await?
        .ok_or_else(entry_not_found)?;
    let field = HistoryField::parse(&entry.field).ok_or_else(entry_not_found)?;
    let old = entry.old_value;
    let mut input = BookmarkInput::default();
    match field {
        HistoryField::Title => input.title = old,
        HistoryField::Url => input.url = old,
        HistoryField::Slug => input.slug = Some(old),
        HistoryField::Forwarding => input.forwarding_enabled = Some(old.as_deref() == Some("true")),
    }
    let out = bookmarks::update_owned(&mut c, org, row, input).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    // A URL put back is checked again right away.
    checker.wake();
    Ok(out)
}
