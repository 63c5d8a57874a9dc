//! The dashboard: counts, pinned, quick access, recent and top tags, for the API and the page.

use crate::app::bookmarks::{hydrate, total, BookmarkView, ListTotals};
use crate::app::tenancy::CurrentOrg;
use crate::error::Result;
use crate::store::bookmark_list::{self, Filter, Scope, Sort};
use crate::store::tags::TagRow;
use crate::store::{folders, tags, Conn, Store};

/// How many bookmarks (and tags) each list of the dashboard shows.
pub const LIST: i64 = 10;

pub struct Overview {
    pub total_bookmarks: i64,
    pub total_folders: i64,
    pub total_tags: i64,
    pub shared_bookmarks: i64,
    pub shared_folders: i64,
    pub recent: Vec<BookmarkView>,
    pub top_tags: Vec<TagRow>,
    /// The most used bookmarks that were used at all.
    pub quick_access: Vec<BookmarkView>,
    pub pinned: Vec<BookmarkView>,
}

/// A list of the dashboard: the first [`LIST`] bookmarks of `filter` in `sort` order.
async fn top(
    c: &mut Conn<'_>,
    store: &Store,
    totals: &ListTotals,
    org: &CurrentOrg,
    filter: Filter,
    sort: Sort,
) -> Result<Vec<BookmarkView>> {
    let total = total(c, store, totals, org, &filter).await?;
    if total == 0 {
        return Ok(Vec::new());
    }
    let rows =
        bookmark_list::rows(c, org.id(), org.user_id(), &filter, sort, LIST, 0, total).await?;
    hydrate(c, org, rows).await
}

fn scoped(scope: Scope) -> Filter {
    Filter {
        scope,
        ..Filter::default()
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn overview(store: &Store, totals: &ListTotals, org: &CurrentOrg) -> Result<Overview> {
    let mut db = store.read().await?;
    let c = &mut db.conn();
    let (total_folders, shared_folders) = folders::counts(c, org.id(), org.user_id()).await?;
    let top_tags = tags::top(c, org.id(), org.user_id(), LIST).await?;
    let all = Filter::default();
    let mut quick_access = top(c, store, totals, org, all.clone(), Sort::MostUsed).await?;
    quick_access.retain(|b| b.row.access_count > 0);
    let pinned = Filter {
        pinned: Some(true),
        ..Filter::default()
    };
    Ok(Overview {
        total_bookmarks: total(c, store, totals, org, &scoped(Scope::Mine)).await?,
        total_folders,
        total_tags: tags::count(c, org.id(), org.user_id()).await?,
        shared_bookmarks: total(c, store, totals, org, &scoped(Scope::SharedWithMe)).await?,
        shared_folders,
        recent: top(c, store, totals, org, all, Sort::RecentlyAdded).await?,
        top_tags,
        quick_access,
        pinned: top(c, store, totals, org, pinned, Sort::RecentlyAdded).await?,
    })
}
