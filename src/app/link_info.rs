//! A link's page: what a bookmark is (target, owner, go-link, last check), how it is used
//! (visits per day) and how it changed (history). The same for the bookmark's page in the
//! library and for `/go/<slug>+`, which shows the bookmarks `/go/<slug>` would open.

use crate::app::bookmarks::{self, BookmarkView};
use crate::app::golinks::{self, GoCache, Resolution};
use crate::app::history;
use crate::app::tenancy::CurrentOrg;
use crate::app::visits;
use crate::domain::visits::DayCount;
use crate::error::Result;
use crate::store::history::HistoryRow;
use crate::store::Store;

#[derive(Clone, Debug)]
pub struct LinkInfo {
    pub view: BookmarkView,
    pub visits: Vec<DayCount>,
    pub history: Vec<HistoryRow>,
}

/// The page of a bookmark the caller can see; 404 for any other.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_bookmark(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<LinkInfo> {
    let mut db = store.read().await?;
    let mut c = db.conn();
    let view = bookmarks::view(&mut c, org, raw_id).await?;
    let visits = visits::of(&mut c, &view.row.id).await?;
    let history = history::of(&mut c, org, &view.row.id).await?;
    Ok(LinkInfo {
        view,
        visits,
        history,
    })
}

/// The pages of what `/go/<slug>` opens for the caller: one bookmark, the several it would let
/// them choose from, or none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_slug(
    store: &Store,
    cache: &GoCache,
    org: &CurrentOrg,
    slug: &str,
) -> Result<Vec<LinkInfo>> {
    let resolution = golinks::resolve(store, cache, org.id(), org.user_id(), slug).await?;
    let ids: Vec<String> = match resolution.as_ref() {
        Resolution::Go { bookmark_id, .. } => vec![bookmark_id.clone()],
        Resolution::Choose(candidates) => candidates.iter().map(|c| c.id.clone()).collect(),
        Resolution::NotFound => Vec::new(),
    };
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.push(of_bookmark(store, org, &id).await?);
    }
    Ok(out)
}
