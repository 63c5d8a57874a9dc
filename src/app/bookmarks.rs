//! Bookmarks: creating, changing and deleting one with its links and shares, counting an
//! opening, and how a person sees them. Anyone a bookmark is shared with may read it and count
//! an opening; only its owner changes, re-shares or deletes it (others who can see it are
//! refused with 403; those who cannot get 404).

use crate::app::audit::{self, Actor, Event};
use crate::app::cache::GenCache;
use crate::app::history;
use crate::app::link_checks::LinkChecker;
use crate::app::list_params::{self, Paging};
use crate::app::sharing::{check_owner, LinkInput, Links, Owner, SharedWith, SharesOfPage};
use crate::app::tenancy::CurrentOrg;
use crate::domain::ids::parse_id;
use crate::domain::library::{forwarding, optional_slug, NewBookmark};
use crate::domain::{new_id, DomainError, Rules, Slug, TargetUrl, Timestamp, Title};
use crate::error::{AppError, Result};
use crate::store::bookmark_list::{self, links, Detail, Filter, LinkRow, Sort};
use crate::store::bookmarks::{self, BookmarkRow, Fields};
use crate::store::{visits, Conn, Store};

pub fn not_found() -> AppError {
    AppError::not_found("Bookmark not found")
}

/// A bookmark's fields as a request sends them, checked by the use case (so that on update the
/// owner check comes first). On create an absent field takes its default; on update it stays.
#[derive(Clone, Debug, Default)]
pub struct BookmarkInput {
    pub title: Option<String>,
    pub url: Option<String>,
    /// `Some(None)` (or a blank slug) removes the slug.
    pub slug: Option<Option<String>>,
    /// On create, absent means "when there is a slug" (see [`forwarding`]).
    pub forwarding_enabled: Option<bool>,
    pub pinned: Option<bool>,
    pub links: LinkInput,
}

/// A bookmark as one person sees it.
#[derive(Clone, Debug)]
pub struct BookmarkView {
    pub row: BookmarkRow,
    /// The viewer owns it (else it is shared with them).
    pub mine: bool,
    pub tags: Vec<LinkRow>,
    /// Its folders that the viewer can see.
    pub folders: Vec<LinkRow>,
    pub shared: SharedWith,
}

/// The views of a page of rows: four queries whatever the page size.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn hydrate(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    rows: Vec<BookmarkRow>,
) -> Result<Vec<BookmarkView>> {
    let (org_id, me) = (org.id(), org.user_id());
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut tags = links(c, Detail::BookmarkTags, org_id, me, &ids).await?;
    let mut folders = links(c, Detail::BookmarkFolders, org_id, me, &ids).await?;
    let items = rows.iter().map(|r| (r.id.as_str(), r.user_id.as_str()));
    let mut shares = SharesOfPage::load(c, org, Owner::Bookmark, items).await?;
    Ok(rows
        .into_iter()
        .map(|row| BookmarkView {
            mine: row.user_id == me,
            tags: tags.remove(&row.id).unwrap_or_default(),
            folders: folders.remove(&row.id).unwrap_or_default(),
            shared: shares.take(&row.id),
            row,
        })
        .collect())
}

/// The bookmark `raw_id` if the caller can see it; 404 for missing, foreign and unshared ones
/// alike (and for an id that is not even a UUID).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn visible(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<BookmarkRow> {
    let id = parse_id(raw_id).ok_or_else(not_found)?;
    bookmarks::visible(c, org.id(), org.user_id(), &id)
        .await?
        .ok_or_else(not_found)
}

/// One bookmark as the caller sees it, or 404.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn view(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<BookmarkView> {
    let row = visible(c, org, raw_id).await?;
    as_seen(c, org, row).await
}

/// The bookmark if the caller owns it: 404 when they cannot see it, 403 when they only can.
#[tracing::instrument(level = "debug", skip_all)]
pub(crate) async fn owned(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<BookmarkRow> {
    let row = visible(c, org, raw_id).await?;
    check_owner(org, &row.user_id)?;
    Ok(row)
}

/// The bookmark as the caller sees it, if they own it (the edit and delete pages): 404 when
/// they cannot see it, 403 when they only can.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn view_owned(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<BookmarkView> {
    let row = owned(c, org, raw_id).await?;
    as_seen(c, org, row).await
}

async fn as_seen(c: &mut Conn<'_>, org: &CurrentOrg, row: BookmarkRow) -> Result<BookmarkView> {
    let mut one = hydrate(c, org, vec![row]).await?;
    one.pop().ok_or_else(not_found)
}

/// What the Free plan's bookmark limit is checked against, read under the organization's lock
/// so that concurrent creates and imports cannot overshoot it.
#[derive(Copy, Clone, Debug)]
pub struct Quota {
    owned: i64,
    grace_ends_at: Option<i64>,
}

impl Quota {
    /// Takes the lock and reads the caller's count; `None` when the plan has no limit. Call it
    /// inside the transaction that adds the bookmarks.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load(c: &mut Conn<'_>, org: &CurrentOrg) -> Result<Option<Self>> {
        Self::load_for(c, org.id(), org.user_id(), &org.rules).await
    }

    /// [`load`](Self::load) for `user_id` in `org_id` under `rules`, where no request names
    /// them (a background import).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load_for(
        c: &mut Conn<'_>,
        org_id: &str,
        user_id: &str,
        rules: &Rules,
    ) -> Result<Option<Self>> {
        if rules.bookmark_limit().is_none() {
            return Ok(None);
        }
        let (owned, grace_ends_at) = bookmarks::locked_quota(c, org_id, user_id).await?;
        Ok(Some(Self {
            owned,
            grace_ends_at,
        }))
    }

    /// Refuses one more bookmark when the caller, with the `added` this request already made,
    /// owns as many as the plan allows (and their grace period is over).
    pub fn check_one_more(&self, rules: &Rules, added: i64, now: i64) -> Result<(), DomainError> {
        rules.check_bookmark_create(self.owned + added, self.grace_ends_at, now)
    }
}

/// Writes a checked new bookmark of the caller dated `created_at`; its id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_new(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    b: &NewBookmark,
    share_all_teams: bool,
    created_at: i64,
) -> Result<String> {
    let fields = Fields {
        title: b.title.clone(),
        url: b.url.clone(),
        slug: b.slug.clone(),
        forwarding_enabled: b.forwarding_enabled,
        pinned: b.pinned,
        share_all_teams,
    };
    let id = new_id();
    bookmarks::insert(c, org.id(), org.user_id(), &id, &fields, created_at).await?;
    Ok(id)
}

/// Creates a bookmark owned by the caller, with its folders, tags and shares. On the cloud
/// Free plan each member may own a limited number. The link checker is woken to check the new
/// URL.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    store: &Store,
    checker: &LinkChecker,
    org: &CurrentOrg,
    input: BookmarkInput,
) -> Result<BookmarkView> {
    let new = NewBookmark::parse(
        input.title.as_deref().unwrap_or(""),
        input.url.as_deref().unwrap_or(""),
        input.slug.flatten().as_deref(),
        input.forwarding_enabled,
        input.pinned.unwrap_or(false),
    )?;
    let links = Links::parse(&input.links, Owner::Bookmark, org)?;
    let now = Timestamp::now().millis();
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    if let Some(quota) = Quota::load(&mut c, org).await? {
        quota.check_one_more(&org.rules, 0, now)?;
    }
    let share_all_teams = links.all_teams.unwrap_or(false);
    let id = insert_new(&mut c, org, &new, share_all_teams, now).await?;
    links.save(&mut c, Owner::Bookmark, org, &id, false).await?;
    let out = view(&mut c, org, &id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    checker.wake();
    Ok(out)
}

/// Changes the fields given (owner only); link lists given replace the current ones. Each
/// changed title, URL, slug or forwarding is kept in the bookmark's history. A URL given wakes
/// the link checker.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    store: &Store,
    checker: &LinkChecker,
    org: &CurrentOrg,
    raw_id: &str,
    input: BookmarkInput,
) -> Result<BookmarkView> {
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    let row = owned(&mut c, org, raw_id).await?;
    let url_given = input.url.is_some();
    let out = update_owned(&mut c, org, row, input).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    if url_given {
        checker.wake();
    }
    Ok(out)
}

/// [`update`] of a bookmark already read and checked as the caller's, inside the caller's
/// transaction (a restore from the history goes this way too).
#[tracing::instrument(level = "debug", skip_all)]
pub(crate) async fn update_owned(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    row: BookmarkRow,
    input: BookmarkInput,
) -> Result<BookmarkView> {
    let title = match &input.title {
        Some(t) => Title::parse(t)?,
        None => Title::from_stored(row.title.clone()),
    };
    let url = match &input.url {
        Some(u) => TargetUrl::parse(u)?,
        None => TargetUrl::from_stored(row.url.clone()),
    };
    let slug = match &input.slug {
        Some(s) => optional_slug(s.as_deref())?,
        None => row.slug.clone().map(Slug::from_stored),
    };
    let asked = input.forwarding_enabled.unwrap_or(row.forwarding_enabled);
    let forwarding_enabled = forwarding(Some(asked), slug.is_some())?;
    let links = Links::parse(&input.links, Owner::Bookmark, org)?;
    let fields = Fields {
        forwarding_enabled,
        title,
        url,
        slug,
        pinned: input.pinned.unwrap_or(row.pinned),
        share_all_teams: links.all_teams.unwrap_or(row.share_all_teams),
    };
    let now = Timestamp::now().millis();
    bookmarks::update(c, org.id(), &row.id, &fields, now).await?;
    history::record(c, org, &row, &fields, now).await?;
    links
        .save(c, Owner::Bookmark, org, &row.id, row.share_all_teams)
        .await?;
    view(c, org, &row.id).await
}

/// Deletes the bookmark (owner only).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    let row = owned(&mut tx.conn(), org, raw_id).await?;
    bookmarks::delete(&mut tx.conn(), org.id(), &row.id).await?;
    let event = Event::new("bookmark.deleted", "bookmark")
        .entity(&row.id)
        .org(org.id())
        .detail("title", row.title.as_str())
        .detail("url", row.url.as_str())
        .detail("slug", row.slug.as_deref());
    audit::record(&mut tx.conn(), &Actor::of(&org.user), event).await?;
    tx.invalidates_org(org.id());
    tx.commit().await
}

/// Counts an opening of a bookmark the caller can see; the bookmark afterwards.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn track_access(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<BookmarkRow> {
    let mut tx = store.begin().await?;
    let id = visible(&mut tx.conn(), org, raw_id).await?.id;
    let now = Timestamp::now();
    bookmarks::track_access(&mut tx.conn(), org.id(), &id, now.millis()).await?;
    visits::add(&mut tx.conn(), &id, now.day(), 1).await?;
    let row = visible(&mut tx.conn(), org, &id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    Ok(row)
}

/// Totals of bookmark lists by organization, person and filter, kept until the next write.
pub type ListTotals = GenCache<(String, String, String), i64>;

/// One page of a bookmark list.
pub type Page = list_params::Page<BookmarkView>;

/// How many bookmarks the caller can see through `filter`. Counting every visible bookmark is
/// the costly part of a page (a whole-library scan); the total is kept until the next write, so
/// paging through a large library, or opening the dashboard again, stays fast.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn total(
    c: &mut Conn<'_>,
    store: &Store,
    totals: &ListTotals,
    org: &CurrentOrg,
    filter: &Filter,
) -> Result<i64> {
    let generation = store
        .generations()
        .stamp(Some(org.id()), Some(org.user_id()));
    let key = (
        org.id().to_string(),
        org.user_id().to_string(),
        format!("{filter:?}"),
    );
    if let Some(total) = totals.get(&key, generation) {
        return Ok(total);
    }
    let total = bookmark_list::count(c, org.id(), org.user_id(), filter).await?;
    totals.put(key, total, generation);
    Ok(total)
}

/// The first `limit` bookmarks the caller can see that match `filter`, in `sort` order, for a
/// list that shows no total and only their own fields (the palette): nothing is counted, and
/// their tags, folders and shares are not read.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn first(
    store: &Store,
    org: &CurrentOrg,
    filter: &Filter,
    sort: Sort,
    limit: i64,
) -> Result<Vec<BookmarkRow>> {
    let mut db = store.read().await?;
    let mut c = db.conn();
    let hits = match &filter.terms {
        Some(terms) => bookmark_list::hits_at_most(&mut c, org.id(), terms).await?,
        None => i64::MAX,
    };
    if hits == 0 {
        return Ok(Vec::new());
    }
    bookmark_list::rows(
        &mut c,
        org.id(),
        org.user_id(),
        filter,
        sort,
        limit,
        0,
        hits,
    )
    .await
}

/// The bookmarks the caller can see, filtered, sorted and paged by the rules of every list
/// ([`Paging`]: `limit` defaults to 50 and is held to 1–500; `offset` must not be negative).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(
    store: &Store,
    totals: &ListTotals,
    org: &CurrentOrg,
    filter: &Filter,
    sort: Sort,
    limit: Option<i64>,
    offset: Option<i64>,
) -> Result<Page> {
    let paging = Paging::new(limit, offset)?;
    let mut db = store.read().await?;
    let mut c = db.conn();
    let total = total(&mut c, store, totals, org, filter).await?;
    // Past the last bookmark there is nothing to read.
    let rows = if paging.past_end(total) {
        Vec::new()
    } else {
        bookmark_list::rows(
            &mut c,
            org.id(),
            org.user_id(),
            filter,
            sort,
            paging.limit,
            paging.offset,
            total,
        )
        .await?
    };
    let has_more = paging.has_more(rows.len(), total);
    Ok(Page {
        items: hydrate(&mut c, org, rows).await?,
        total,
        has_more,
    })
}
