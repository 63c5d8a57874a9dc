//! Bookmarks: one row each, plus the folders, tags and shares that hang off it. Every function
//! takes the organization id and filters by it.

use super::access::bookmark_visible;
use super::sql::{Arg, Args};
use super::{args, lock_org, orgs, Conn};
use crate::domain::{Slug, TargetUrl, Title};
use crate::error::{AppError, Result};

/// A bookmark with its owner's name and email.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BookmarkRow {
    pub id: String,
    pub user_id: String,
    pub title: String,
    pub url: String,
    pub slug: Option<String>,
    pub forwarding_enabled: bool,
    pub pinned: bool,
    pub share_all_teams: bool,
    pub access_count: i64,
    pub last_accessed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub owner_name: String,
    pub owner_email: String,
    /// What the last link check found (see `domain::link_health`).
    pub link_status: String,
    pub link_status_code: Option<i32>,
    pub link_checked_at: Option<i64>,
    pub link_final_url: Option<String>,
}

/// Columns of [`BookmarkRow`] over `bookmarks b JOIN users u`.
pub const SELECT: &str = "SELECT b.id, b.user_id, b.title, b.url, b.slug, b.forwarding_enabled, \
    b.pinned, b.share_all_teams, b.access_count, b.last_accessed_at, b.created_at, b.updated_at, \
    u.name AS owner_name, u.email AS owner_email, b.link_status, b.link_status_code, \
    b.link_checked_at, b.link_final_url FROM bookmarks b JOIN users u ON u.id = b.user_id";

/// The fields a person sets on a bookmark, checked (see `domain::library`).
#[derive(Clone, Debug)]
pub struct Fields {
    pub title: Title,
    pub url: TargetUrl,
    pub slug: Option<Slug>,
    pub forwarding_enabled: bool,
    pub pinned: bool,
    pub share_all_teams: bool,
}

impl Fields {
    /// `first`, then the fields in the order `insert` and `update` name their columns
    /// (`title, url, slug, forwarding_enabled, pinned, share_all_teams`), then `now`.
    fn args(&self, mut first: Args, now: i64) -> Args {
        first.extend([
            Arg::from(&self.title),
            Arg::from(&self.url),
            Arg::from(&self.slug),
            Arg::from(self.forwarding_enabled),
            Arg::from(self.pinned),
            Arg::from(self.share_all_teams),
            Arg::from(now),
        ]);
        first
    }
}

/// Bookmarks the user owns in the organization (what the Free plan limit counts).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn bookmark_count(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<i64> {
    c.scalar(
        "SELECT COUNT(*) FROM bookmarks WHERE org_id = $1 AND user_id = $2",
        args![org_id, user_id],
    )
    .await
}

/// Takes the organization's lock (see [`lock_org`]) and reads what the Free plan limit is
/// checked against: how many bookmarks the user owns here, and when their grace period ends.
/// Call it inside the write transaction that adds the bookmarks.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn locked_quota(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
) -> Result<(i64, Option<i64>)> {
    lock_org(c, org_id).await?;
    let count = bookmark_count(c, org_id, user_id).await?;
    let grace = orgs::member(c, org_id, user_id)
        .await?
        .and_then(|m| m.free_plan_grace_ends_at);
    Ok((count, grace))
}

/// Every bookmark the user owns in the organization, oldest first (what an export holds).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn owned(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Vec<BookmarkRow>> {
    let sql =
        format!("{SELECT} WHERE b.org_id = $1 AND b.user_id = $2 ORDER BY b.created_at, b.id");
    c.fetch_all(&sql, args![org_id, user_id]).await
}

/// The slugs of the user's own bookmarks in the organization.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn own_slugs(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Vec<String>> {
    c.scalars(
        "SELECT slug FROM bookmarks WHERE org_id = $1 AND user_id = $2 AND slug IS NOT NULL",
        args![org_id, user_id],
    )
    .await
}

/// The URLs of the person's own bookmarks in the organization (an import matches on them).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn own_urls(c: &mut Conn<'_>, org_id: &str, user_id: &str) -> Result<Vec<String>> {
    c.scalars(
        "SELECT url FROM bookmarks WHERE org_id = $1 AND user_id = $2",
        args![org_id, user_id],
    )
    .await
}

/// The bookmark `id` when `user_id` may see it in the organization; `None` for missing, foreign
/// and unshared ones alike.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn visible(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    id: &str,
) -> Result<Option<BookmarkRow>> {
    let sql = format!(
        "{SELECT} WHERE b.id = $3 AND {}",
        bookmark_visible("b", "$1", "$2")
    );
    c.fetch_optional(&sql, args![org_id, user_id, id]).await
}

/// The forwarding bookmarks named `slug` (any case) that the user can see, their own first,
/// then those shared with them, each group oldest first: what `/go/<slug>` chooses from after
/// the user's saved preference. (`slug IS NOT NULL` lets SQLite use the partial slug index.)
#[tracing::instrument(level = "debug", skip_all)]
pub async fn forwarding_by_slug(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    slug: &Slug,
) -> Result<Vec<BookmarkRow>> {
    let sql = format!(
        "{SELECT} WHERE b.org_id = $1 AND b.slug IS NOT NULL AND lower(b.slug) = lower($3) AND b.forwarding_enabled AND {} \
         ORDER BY (b.user_id <> $2), b.created_at, b.id",
        bookmark_visible("b", "$1", "$2")
    );
    c.fetch_all(&sql, args![org_id, user_id, slug]).await
}

fn slug_taken(e: AppError) -> AppError {
    e.on_unique("Slug already exists")
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    id: &str,
    f: &Fields,
    now: i64,
) -> Result<()> {
    c.execute(
        "INSERT INTO bookmarks (id, org_id, user_id, title, url, slug, forwarding_enabled, \
         pinned, share_all_teams, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
         $8, $9, $10, $10)",
        f.args(args![id, org_id, user_id], now),
    )
    .await
    .map_err(slug_taken)?;
    Ok(())
}

/// One row of [`insert_many`]: a new bookmark's id, fields and creation time.
#[derive(Clone, Debug)]
pub struct NewRow {
    pub id: String,
    pub fields: Fields,
    pub created_at: i64,
}

/// Rows per statement of [`insert_many`] and [`link_many`]: a few thousand bound values, well
/// under both databases' limits.
const ROWS_PER_STATEMENT: usize = 250;

/// Writes new bookmarks of `user_id`, many rows per statement (an import's batch). Their slugs
/// must have been checked already: a taken one fails the whole statement.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_many(
    c: &mut Conn<'_>,
    org_id: &str,
    user_id: &str,
    rows: &[NewRow],
) -> Result<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut args = args![org_id, user_id];
        let values = chunk
            .iter()
            .map(|r| {
                let f = &r.fields;
                let id = args.push(r.id.as_str());
                let title = args.push(&f.title);
                let url = args.push(&f.url);
                let slug = args.push(&f.slug);
                let forwarding = args.push(f.forwarding_enabled);
                let pinned = args.push(f.pinned);
                let all_teams = args.push(f.share_all_teams);
                let at = args.push(r.created_at);
                format!(
                    "({id}, $1, $2, {title}, {url}, {slug}, {forwarding}, {pinned}, {all_teams}, {at}, {at})"
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO bookmarks (id, org_id, user_id, title, url, slug, forwarding_enabled, \
             pinned, share_all_teams, created_at, updated_at) VALUES {values}"
        );
        c.execute(&sql, args).await.map_err(slug_taken)?;
    }
    Ok(())
}

/// Adds the links `(owner id, target id)` through `link` (none of which exist yet), many per
/// statement.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn link_many(
    c: &mut Conn<'_>,
    link: Link,
    org_id: &str,
    pairs: &[(String, String)],
) -> Result<()> {
    let (table, owner, target) = link.parts();
    for chunk in pairs.chunks(ROWS_PER_STATEMENT) {
        let mut args = args![org_id];
        let values = chunk
            .iter()
            .map(|(o, t)| format!("($1, {}, {})", args.text(o), args.text(t)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO {table} (org_id, {owner}, {target}) VALUES {values}");
        c.execute(&sql, args).await?;
    }
    Ok(())
}

/// `SET` items for an update that gives the bookmark URL `$4`: a new URL forgets what the last
/// link check found and is due for a check at once (the same URL keeps both).
pub const URL_CHANGE: &str =
    "link_status = CASE WHEN url = $4 THEN link_status ELSE 'unknown' END, \
     link_status_code = CASE WHEN url = $4 THEN link_status_code ELSE NULL END, \
     link_checked_at = CASE WHEN url = $4 THEN link_checked_at ELSE NULL END, \
     link_final_url = CASE WHEN url = $4 THEN link_final_url ELSE NULL END, \
     link_check_due_at = CASE WHEN url = $4 THEN link_check_due_at ELSE 0 END";

#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(c: &mut Conn<'_>, org_id: &str, id: &str, f: &Fields, now: i64) -> Result<()> {
    let sql = format!(
        "UPDATE bookmarks SET title = $3, url = $4, slug = $5, forwarding_enabled = $6, pinned = $7, \
         share_all_teams = $8, updated_at = $9, {URL_CHANGE} WHERE org_id = $1 AND id = $2"
    );
    c.execute(&sql, f.args(args![org_id, id], now))
        .await
        .map_err(slug_taken)?;
    Ok(())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(c: &mut Conn<'_>, org_id: &str, id: &str) -> Result<bool> {
    let n = c
        .execute(
            "DELETE FROM bookmarks WHERE org_id = $1 AND id = $2",
            args![org_id, id],
        )
        .await?;
    Ok(n == 1)
}

/// Counts one more opening of the bookmark.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn track_access(c: &mut Conn<'_>, org_id: &str, id: &str, now: i64) -> Result<()> {
    c.execute(
        "UPDATE bookmarks SET access_count = access_count + 1, last_accessed_at = $3 \
         WHERE org_id = $1 AND id = $2",
        args![org_id, id, now],
    )
    .await?;
    Ok(())
}

/// Adds `count` visits counted in memory, the latest at `last_at` (an earlier flush may have
/// written a later one). By id alone: the visits come from go-links already resolved for
/// someone allowed to open them; a bookmark deleted meanwhile is simply not found.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_visits(c: &mut Conn<'_>, id: &str, count: i64, last_at: i64) -> Result<()> {
    c.execute(
        "UPDATE bookmarks SET access_count = access_count + $2, last_accessed_at = CASE WHEN \
         last_accessed_at IS NULL OR last_accessed_at < $3 THEN $3 ELSE last_accessed_at END \
         WHERE id = $1",
        args![id, count, last_at],
    )
    .await?;
    Ok(())
}

/// The join tables a bookmark or folder links through: (table, owner column, target column).
#[derive(Copy, Clone, Debug)]
pub enum Link {
    BookmarkFolders,
    BookmarkTags,
    BookmarkTeams,
    BookmarkUsers,
    FolderTeams,
    FolderUsers,
}

impl Link {
    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Link::BookmarkFolders => ("bookmark_folders", "bookmark_id", "folder_id"),
            Link::BookmarkTags => ("bookmark_tags", "bookmark_id", "tag_id"),
            Link::BookmarkTeams => ("bookmark_team_shares", "bookmark_id", "team_id"),
            Link::BookmarkUsers => ("bookmark_user_shares", "bookmark_id", "user_id"),
            Link::FolderTeams => ("folder_team_shares", "folder_id", "team_id"),
            Link::FolderUsers => ("folder_user_shares", "folder_id", "user_id"),
        }
    }
}

/// Makes `targets` the complete set of links of `owner_id` through `link`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn replace_links(
    c: &mut Conn<'_>,
    link: Link,
    org_id: &str,
    owner_id: &str,
    targets: &[String],
) -> Result<()> {
    let (table, owner, _) = link.parts();
    let del = format!("DELETE FROM {table} WHERE org_id = $1 AND {owner} = $2");
    c.execute(&del, args![org_id, owner_id]).await?;
    add_links(c, link, org_id, owner_id, targets).await
}

/// Links `owner_id` to each of `targets` (none of which it is linked to yet), in one statement.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add_links(
    c: &mut Conn<'_>,
    link: Link,
    org_id: &str,
    owner_id: &str,
    targets: &[String],
) -> Result<()> {
    if targets.is_empty() {
        return Ok(());
    }
    let (table, owner, target) = link.parts();
    let mut args = args![org_id, owner_id];
    let values = targets
        .iter()
        .map(|t| format!("($1, $2, {})", args.text(t)))
        .collect::<Vec<_>>()
        .join(", ");
    let ins = format!("INSERT INTO {table} (org_id, {owner}, {target}) VALUES {values}");
    c.execute(&ins, args).await?;
    Ok(())
}

/// Which of the given ids may a user link to: their own folders or tags, the organization's
/// teams (or only those the user is in), or its members.
#[derive(Copy, Clone, Debug)]
pub enum Target {
    OwnFolders,
    OwnTags,
    Teams,
    /// The teams the user is in.
    TheirTeams,
    Members,
}

/// The `(id, name)` of each of the user's own folders or tags (`OwnFolders` or `OwnTags`; other
/// targets have no owner and give nothing).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn own_names(
    c: &mut Conn<'_>,
    target: Target,
    org_id: &str,
    user_id: &str,
) -> Result<Vec<(String, String)>> {
    let table = match target {
        Target::OwnFolders => "folders",
        Target::OwnTags => "tags",
        Target::Teams | Target::TheirTeams | Target::Members => return Ok(Vec::new()),
    };
    let sql = format!("SELECT id, name FROM {table} WHERE org_id = $1 AND user_id = $2");
    c.fetch_all(&sql, args![org_id, user_id]).await
}

/// True when every id in `ids` (already deduplicated) is an acceptable `target` for the user.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_exist(
    c: &mut Conn<'_>,
    target: Target,
    org_id: &str,
    user_id: &str,
    ids: &[String],
) -> Result<bool> {
    if ids.is_empty() {
        return Ok(true);
    }
    let mut args = args![org_id];
    let (table, column) = match target {
        Target::OwnFolders => ("folders", "id"),
        Target::OwnTags => ("tags", "id"),
        Target::Teams | Target::TheirTeams => ("teams", "id"),
        Target::Members => ("org_members", "user_id"),
    };
    let owner = match target {
        Target::OwnFolders | Target::OwnTags => format!(" AND user_id = {}", args.text(user_id)),
        Target::TheirTeams => format!(
            " AND id IN (SELECT team_id FROM team_members WHERE org_id = $1 AND user_id = {})",
            args.text(user_id)
        ),
        Target::Teams | Target::Members => String::new(),
    };
    let list = args.list(ids);
    let sql =
        format!("SELECT COUNT(*) FROM {table} WHERE org_id = $1{owner} AND {column} IN ({list})");
    let n: i64 = c.scalar(&sql, args).await?;
    Ok(n == ids.len() as i64)
}
