//! Visits per day of a bookmark (counts only), for the API and the charts: the last 90 UTC
//! days, oldest first, quiet days as 0. Go-link visits are added by the access counter's
//! flush, openings from the library by `track_access`.

use std::collections::HashMap;

use crate::app::bookmarks;
use crate::app::tenancy::CurrentOrg;
use crate::domain::visits::{first_day, series, DayCount};
use crate::domain::Timestamp;
use crate::error::Result;
use crate::store::{visits, Conn, Store};

/// The visits of a bookmark the caller can see; 404 for any other.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn per_day(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<Vec<DayCount>> {
    let mut db = store.read().await?;
    let mut c = db.conn();
    let row = bookmarks::visible(&mut c, org, raw_id).await?;
    of(&mut c, &row.id).await
}

/// The visits of bookmark `id`, already known to be visible to the caller.
pub(crate) async fn of(c: &mut Conn<'_>, id: &str) -> Result<Vec<DayCount>> {
    let today = Timestamp::now().day();
    let rows = visits::since(c, id, first_day(today)).await?;
    Ok(series(today, &rows))
}

/// The visits of several bookmarks already known to be visible, in one query, by id.
pub(crate) async fn of_many(
    c: &mut Conn<'_>,
    ids: &[String],
) -> Result<HashMap<String, Vec<DayCount>>> {
    let today = Timestamp::now().day();
    let mut by_id: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    for (id, day, count) in visits::since_many(c, ids, first_day(today)).await? {
        by_id.entry(id).or_default().push((day, count));
    }
    Ok(ids
        .iter()
        .map(|id| {
            let rows = by_id.remove(id).unwrap_or_default();
            (id.clone(), series(today, &rows))
        })
        .collect())
}

/// The visits of bookmarks a list showed the caller (the dashboard's most used), by id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_listed(
    store: &Store,
    listed: &[bookmarks::BookmarkView],
) -> Result<HashMap<String, Vec<DayCount>>> {
    let ids: Vec<String> = listed.iter().map(|b| b.row.id.clone()).collect();
    let mut db = store.read().await?;
    of_many(&mut db.conn(), &ids).await
}
