//! The dashboard: counts, pinned, quick access, recent and top tags, for the API and the page.

use crate::app::bookmarks::{hydrate, BookmarkView};
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

async fn count(c: &mut Conn<'_>, org: &CurrentOrg, scope: Scope) -> Result<i64> {
    let filter = Filter {
        scope,
        ..Filter::default()
    };
    let (_, total) = bookmark_list::page(
        c,
        org.id(),
        org.user_id(),
        &filter,
        Sort::RecentlyAdded,
        1,
        0,
    )
    .await?;
    Ok(total)
}

async fn top(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    filter: Filter,
    sort: Sort,
) -> Result<Vec<BookmarkView>> {
    let (rows, _) = bookmark_list::page(c, org.id(), org.user_id(), &filter, sort, LIST, 0).await?;
    hydrate(c, org, rows).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn overview(store: &Store, org: &CurrentOrg) -> Result<Overview> {
    let mut db = store.read().await?;
    let c = &mut db.conn();
    let (total_folders, shared_folders) = folders::counts(c, org.id(), org.user_id()).await?;
    let top_tags = tags::top(c, org.id(), org.user_id(), LIST).await?;
    let mut quick_access = top(c, org, Filter::default(), Sort::MostUsed).await?;
    quick_access.retain(|b| b.row.access_count > 0);
    let pinned = Filter {
        pinned: Some(true),
        ..Filter::default()
    };
    Ok(Overview {
        total_bookmarks: count(c, org, Scope::Mine).await?,
        total_folders,
        total_tags: tags::count(c, org.id(), org.user_id()).await?,
        shared_bookmarks: count(c, org, Scope::SharedWithMe).await?,
        shared_folders,
        recent: top(c, org, Filter::default(), Sort::RecentlyAdded).await?,
        top_tags,
        quick_access,
        pinned: top(c, org, pinned, Sort::RecentlyAdded).await?,
    })
}
