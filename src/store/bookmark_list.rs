//! Listing bookmarks: the filters of `GET /api/bookmarks`, its sort orders and paging, and the
//! tags, folders and shares of a page loaded in one query each (never one per bookmark).

use std::collections::HashMap;

use super::access::{
    bookmark_is_shared, bookmark_shared_with, bookmark_visible, folder_visible,
    others_bookmark_ids_shared_with,
};
use super::bookmarks::{BookmarkRow, SELECT};
use super::sql::{is_postgres, Args};
use super::{args, Conn};
use crate::domain::link_health::LinkStatus;
use crate::domain::SearchTerms;
use crate::error::Result;

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    All,
    Mine,
    SharedWithMe,
    SharedByMe,
}

impl Scope {
    /// The values of `scope`, as [`Scope::parse`] reads them.
    pub const NAMES: &'static [&'static str] = &["all", "mine", "shared_with_me", "shared_by_me"];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "all" => Scope::All,
            "mine" => Scope::Mine,
            "shared_with_me" => Scope::SharedWithMe,
            "shared_by_me" => Scope::SharedByMe,
            _ => return None,
        })
    }
}

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    RecentlyAdded,
    Alphabetical,
    MostUsed,
    RecentlyAccessed,
}

impl Sort {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "recently_added" => Sort::RecentlyAdded,
            "alphabetical" => Sort::Alphabetical,
            "most_used" => Sort::MostUsed,
            "recently_accessed" => Sort::RecentlyAccessed,
            _ => return None,
        })
    }

    fn order_by(self) -> &'static str {
        match self {
            Sort::RecentlyAdded => "b.created_at DESC, b.id",
            Sort::Alphabetical => "lower(b.title), b.created_at DESC, b.id",
            Sort::MostUsed => "b.access_count DESC, b.created_at DESC, b.id",
            Sort::RecentlyAccessed => {
                "(b.last_accessed_at IS NULL), b.last_accessed_at DESC, b.created_at DESC, b.id"
            }
        }
    }

    /// The same order, written so that no index can give it: the rows are then read from the
    /// filter's few matches and sorted, instead of walking an index in this order and testing
    /// each row (SQLite takes a unary `+` as "not this column's index").
    fn order_by_sorting(self) -> &'static str {
        match self {
            Sort::RecentlyAdded => "+b.created_at DESC, b.id",
            Sort::Alphabetical => "lower(b.title), +b.created_at DESC, b.id",
            Sort::MostUsed => "+b.access_count DESC, +b.created_at DESC, b.id",
            Sort::RecentlyAccessed => {
                "(b.last_accessed_at IS NULL), +b.last_accessed_at DESC, +b.created_at DESC, b.id"
            }
        }
    }
}

/// What to list; every field narrows the bookmarks visible to the user.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub scope: Scope,
    pub folder_id: Option<String>,
    pub tag_id: Option<String>,
    pub pinned: Option<bool>,
    pub terms: Option<SearchTerms>,
    pub link_status: Option<LinkStatus>,
}

/// The `WHERE` condition for `f` over `bookmarks b`, with `$1` = organization, `$2` = user.
fn condition(c: &Conn<'_>, f: &Filter, args: &mut Args, few_hits: bool) -> String {
    condition_in(c, f, args, few_hits, None)
}

/// Which part of the bookmarks visible to the user (`Scope::All`) a condition keeps.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Part {
    /// Their own.
    Own,
    /// Others' shared with them, read from the set of shared ids.
    Shared,
}

/// [`condition`], for one [`Part`] of `Scope::All` when `part` is given.
fn condition_in(
    c: &Conn<'_>,
    f: &Filter,
    args: &mut Args,
    few_hits: bool,
    part: Option<Part>,
) -> String {
    let mut parts = vec![match (f.scope, part) {
        (Scope::All, Some(Part::Own)) => "(b.org_id = $1 AND b.user_id = $2)".into(),
        // PostgreSQL is made to read the shared ids first, then look each up: left to itself it
        // guessed thousands and scanned the whole library (340 ms instead of a few).
        (Scope::All, Some(Part::Shared)) if is_postgres(c) => format!(
            "(b.org_id = $1 AND b.user_id <> $2 AND b.id = ANY(ARRAY({})))",
            others_bookmark_ids_shared_with("$1", "$2")
        ),
        (Scope::All, Some(Part::Shared)) => format!(
            "(b.org_id = $1 AND b.user_id <> $2 AND b.id IN ({}))",
            others_bookmark_ids_shared_with("$1", "$2")
        ),
        (Scope::All, None) => bookmark_visible("b", "$1", "$2"),
        (Scope::Mine, _) => "(b.org_id = $1 AND b.user_id = $2)".into(),
        (Scope::SharedWithMe, _) => format!(
            "(b.org_id = $1 AND b.user_id <> $2 AND {})",
            bookmark_shared_with("b", "$1", "$2")
        ),
        (Scope::SharedByMe, _) => format!(
            "(b.org_id = $1 AND b.user_id = $2 AND {})",
            bookmark_is_shared("b")
        ),
    }];
    if let Some(folder) = &f.folder_id {
        let p = args.text(folder);
        parts.push(format!(
            "b.id IN (SELECT bookmark_id FROM bookmark_folders WHERE folder_id = {p})"
        ));
    }
    if let Some(tag) = &f.tag_id {
        let p = args.text(tag);
        parts.push(format!(
            "b.id IN (SELECT bookmark_id FROM bookmark_tags WHERE tag_id = {p})"
        ));
    }
    if let Some(pinned) = f.pinned {
        let p = args.push(pinned);
        parts.push(format!("b.pinned = {p}"));
    }
    if let Some(status) = f.link_status {
        let p = args.push(status);
        parts.push(format!("b.link_status = {p}"));
    }
    if let Some(terms) = &f.terms {
        if is_postgres(c) {
            let p = args.push(terms.tsquery());
            if few_hits {
                // Start from the full-text index's few hits; left to itself PostgreSQL may walk
                // the whole library in date order looking for them (see `FEW_HITS`).
                parts.push(format!(
                    "b.id = ANY(ARRAY(SELECT s.id FROM bookmarks s WHERE s.org_id = $1 \
                     AND s.search @@ to_tsquery('simple', {p})))"
                ));
            } else {
                parts.push(format!("b.search @@ to_tsquery('simple', {p})"));
            }
        } else {
            // Many hits: the unary `+` keeps SQLite from starting at the hits and sorting them
            // all; it walks the order's index instead and tests each row against the hit set.
            let p = args.push(terms.fts5());
            let walk = if few_hits { "" } else { "+" };
            parts.push(format!(
                "{walk}b.rowid IN (SELECT rowid FROM bookmarks_fts WHERE bookmarks_fts MATCH {p})"
            ));
        }
    }
    parts.join(" AND ")
}

/// One page of the bookmarks matching `f`, and how many match in all.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    f: &Filter,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> Result<(Vec<BookmarkRow>, i64)> {
    let total = count(c, org_id, user_id, f).await?;
    let rows = rows(c, org_id, user_id, f, sort, limit, offset, total).await?;
    Ok((rows, total))
}

/// At least how many bookmarks match `f`'s words, counted from the full-text index alone
/// (on SQLite across every organization) and only up to one past [`FEW_HITS`] (SQLite:
/// [`FEW_HITS_SQLITE`]), for a list that shows no total (the palette): it decides how the rows
/// are read, as [`count`] does, without testing or counting every hit.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn hits_at_most(c: &mut Conn<'_>, org_id: &str, terms: &SearchTerms) -> Result<i64> {
    // Only whether they are few matters: counting stops one past the line.
    if is_postgres(c) {
        c.scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM bookmarks WHERE org_id = $1 \
             AND search @@ to_tsquery('simple', $2) LIMIT $3) h",
            args![org_id, terms.tsquery(), FEW_HITS + 1],
        )
        .await
    } else {
        c.scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM bookmarks_fts WHERE bookmarks_fts MATCH $1 \
             LIMIT $2) h",
            args![terms.fts5(), FEW_HITS_SQLITE + 1],
        )
        .await
    }
}

/// How many bookmarks match `f`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(c: &mut Conn<'_>, org_id: &str, user_id: &str, f: &Filter) -> Result<i64> {
    let mut args = Args::org_user(org_id, user_id);
    let cond = condition(c, f, &mut args, false);
    let count_sql = format!("SELECT COUNT(*) FROM bookmarks b WHERE {cond}");
    // A search is planned with its words known (see `plan_with_values`).
    let fresh = plan_with_values(f);
    c.scalar(&count_sql, args.persistent(!fresh)).await
}

/// Searches are planned for the words actually asked: a statement prepared once and reused gets
/// PostgreSQL's generic plan, which guesses a word's frequency and may walk the whole library in
/// date order instead of asking the full-text index (50 ms instead of 1 ms on 100,000 rows).
fn plan_with_values(f: &Filter) -> bool {
    f.terms.is_some()
}

/// Up to this many matches, a search page is read starting from the full-text hits; past it,
/// in the list's order (the first page then fills long before the library ends). Measured on
/// 100,000 bookmarks with PostgreSQL: a rare word 44 ms in date order and 0.7 ms from the hits;
/// a word in 15% of them 190 ms from the hits and about 1 ms in date order.
pub const FEW_HITS: i64 = 5_000;

/// [`FEW_HITS`] for SQLite, whose hits cost a row each to sort: with 18,000 hits of 100,000
/// the palette took 34 ms from the hits and 3.7 ms walking the most-used index.
pub const FEW_HITS_SQLITE: i64 = 1_000;

/// One page of the bookmarks matching `f`, in `sort` order; `total` is how many match (from
/// [`count`]), which decides how a search is read.
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rows(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    f: &Filter,
    sort: Sort,
    limit: i64,
    offset: i64,
    total: i64,
) -> Result<Vec<BookmarkRow>> {
    let few_hits = total
        <= if is_postgres(c) {
            FEW_HITS
        } else {
            FEW_HITS_SQLITE
        };
    let narrow = f.folder_id.is_some() || f.tag_id.is_some() || (f.terms.is_some() && few_hits);
    let order = |part: Part| match (part, narrow) {
        // Others' shared bookmarks are usually few among the organization's, so they are read
        // from the shared ids and sorted; so is everything a folder, tag or rare word narrows.
        (Part::Shared, _) | (_, true) => sort.order_by_sorting(),
        (Part::Own, false) => sort.order_by(),
    };
    let mut args = Args::org_user(org_id, user_id);
    // The page is chosen from the sort keys, and only its rows are read whole: a deep page then
    // walks index entries rather than 25,000 rows (the keys are in the indexes of 0016).
    //
    // Newest first (the default order) has an index per owner; the others walk the
    // organization's index (most used: walking it, a page fills long before the end even for a
    // member who sees few of the bookmarks) or are sorted whole (by title, by last visit).
    let keys = if f.scope == Scope::All && sort == Sort::RecentlyAdded {
        // The visible bookmarks are the person's own and the others' shared with them: each
        // part is read in order up to the end of the page, and the two are merged.
        let end = args.push(offset.saturating_add(limit));
        let own = condition_in(c, f, &mut args, few_hits, Some(Part::Own));
        let shared = condition_in(c, f, &mut args, few_hits, Some(Part::Shared));
        let lim = args.push(limit);
        let off = args.push(offset);
        // Only the sort's columns, so the owner's index answers alone.
        format!(
            "SELECT b.id FROM (SELECT * FROM (SELECT b.id, b.created_at FROM bookmarks b \
             WHERE {own} ORDER BY {} LIMIT {end}) o UNION ALL SELECT * FROM (SELECT b.id, \
             b.created_at FROM bookmarks b WHERE {shared} ORDER BY {} LIMIT {end}) s) b \
             ORDER BY {} LIMIT {lim} OFFSET {off}",
            order(Part::Own),
            order(Part::Shared),
            sort.order_by()
        )
    } else {
        let cond = condition(c, f, &mut args, few_hits);
        let lim = args.push(limit);
        let off = args.push(offset);
        let by = if narrow {
            sort.order_by_sorting()
        } else {
            sort.order_by()
        };
        format!("SELECT b.id FROM bookmarks b WHERE {cond} ORDER BY {by} LIMIT {lim} OFFSET {off}")
    };
    let sql = format!(
        "{SELECT} WHERE b.org_id = $1 AND b.id IN ({keys}) ORDER BY {}",
        sort.order_by()
    );
    let fresh = plan_with_values(f);
    c.fetch_all(&sql, args.persistent(!fresh)).await
}

/// The ids of the first `limit` bookmarks matching `f`, in `sort` order.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ids(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    f: &Filter,
    sort: Sort,
    limit: i64,
) -> Result<Vec<String>> {
    let mut args = Args::org_user(org_id, user_id);
    let cond = condition(c, f, &mut args, false);
    let lim = args.push(limit);
    let sql = format!(
        "SELECT b.id FROM bookmarks b WHERE {cond} ORDER BY {} LIMIT {lim}",
        sort.order_by()
    );
    c.scalars(&sql, args).await
}

/// Something a bookmark or folder is linked to: a tag, folder, team or person.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LinkRow {
    pub owner_id: String,
    pub id: String,
    pub name: String,
    /// A folder's icon or a person's email.
    pub extra: Option<String>,
}

pub type Links = HashMap<String, Vec<LinkRow>>;

/// What to load for a page of bookmarks or folders.
#[derive(Copy, Clone, Debug)]
pub enum Detail {
    BookmarkTags,
    /// Only the folders the viewer can see.
    BookmarkFolders,
    BookmarkTeams,
    BookmarkUsers,
    FolderTeams,
    FolderUsers,
}

impl Detail {
    /// The query over join table `j`, with `$1` = organization and `viewer` the viewer's placeholder.
    fn sql(self, viewer: &str, list: &str) -> String {
        let (select, order) = match self {
            Detail::BookmarkTags => (
                "SELECT j.bookmark_id AS owner_id, t.id, t.name, CAST(NULL AS TEXT) AS extra \
                 FROM bookmark_tags j JOIN tags t ON t.id = j.tag_id WHERE j.bookmark_id",
                "lower(t.name)",
            ),
            Detail::BookmarkFolders => (
                "SELECT j.bookmark_id AS owner_id, f.id, f.name, f.icon AS extra \
                 FROM bookmark_folders j JOIN folders f ON f.id = j.folder_id WHERE j.bookmark_id",
                "lower(f.name)",
            ),
            Detail::BookmarkTeams => (
                "SELECT j.bookmark_id AS owner_id, t.id, t.name, CAST(NULL AS TEXT) AS extra \
                 FROM bookmark_team_shares j JOIN teams t ON t.id = j.team_id WHERE j.bookmark_id",
                "lower(t.name)",
            ),
            Detail::BookmarkUsers => (
                "SELECT j.bookmark_id AS owner_id, u.id, u.name, u.email AS extra \
                 FROM bookmark_user_shares j JOIN users u ON u.id = j.user_id WHERE j.bookmark_id",
                "lower(u.name)",
            ),
            Detail::FolderTeams => (
                "SELECT j.folder_id AS owner_id, t.id, t.name, CAST(NULL AS TEXT) AS extra \
                 FROM folder_team_shares j JOIN teams t ON t.id = j.team_id WHERE j.folder_id",
                "lower(t.name)",
            ),
            Detail::FolderUsers => (
                "SELECT j.folder_id AS owner_id, u.id, u.name, u.email AS extra \
                 FROM folder_user_shares j JOIN users u ON u.id = j.user_id WHERE j.folder_id",
                "lower(u.name)",
            ),
        };
        let visible = match self {
            Detail::BookmarkFolders => format!(" AND {}", folder_visible("f", "$1", viewer)),
            _ => String::new(),
        };
        format!("{select} IN ({list}) AND j.org_id = $1{visible} ORDER BY {order}")
    }
}

/// The `detail` links of every id in `owner_ids`, grouped by id, in one query.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn links(
    c: &mut Conn<'_>,
    detail: Detail,
    org_id: &str,
    viewer_id: &str,
    owner_ids: &[String],
) -> Result<Links> {
    let mut out = Links::new();
    if owner_ids.is_empty() {
        return Ok(out);
    }
    let mut args = args![org_id];
    let viewer = match detail {
        Detail::BookmarkFolders => args.text(viewer_id),
        _ => String::new(),
    };
    let list = args.list(owner_ids);
    let sql = detail.sql(&viewer, &list);
    let rows: Vec<LinkRow> = c.fetch_all(&sql, args).await?;
    for r in rows {
        out.entry(r.owner_id.clone()).or_default().push(r);
    }
    Ok(out)
}
