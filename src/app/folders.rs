//! Folders: a person's own, optionally shared with people, teams or all teams. Only a folder's
//! owner renames, re-shares or deletes it; deleting a folder keeps its bookmarks.

use crate::app::audit::{self, Actor, Event};
use crate::app::list_params::{self, Page, Paging};
use crate::app::sharing::{check_owner, LinkInput, Links, Owner, SharedWith, SharesOfPage};
use crate::app::tenancy::CurrentOrg;
use crate::domain::ids::parse_id;
use crate::domain::library::{folder_icon, folder_name};
use crate::domain::library::{over_count, MAX_FOLDERS_PER_PERSON};
use crate::domain::{new_id, Timestamp};
use crate::error::{AppError, Result};
use crate::security::rate_limit::Limits;
use crate::store::bookmarks::{self, Target};
use crate::store::folders::{self, Fields, FolderRow, Sort};
use crate::store::{Conn, Store};

pub fn not_found() -> AppError {
    AppError::not_found("Folder not found")
}

/// A folder's fields as a request sends them, checked by the use case; absent ones take their
/// default on create and stay on update. Its `links` carry only teams and people.
#[derive(Clone, Debug, Default)]
pub struct FolderInput {
    pub name: Option<String>,
    /// `Some(None)` (or a blank icon) removes the icon.
    pub icon: Option<Option<String>>,
    /// The folder to sit in, one of the caller's own; `Some(None)` (or blank) is the top level.
    pub parent_id: Option<Option<String>>,
    pub links: LinkInput,
}

/// A folder as one person sees it.
#[derive(Clone, Debug)]
pub struct FolderView {
    pub row: FolderRow,
    /// The viewer owns it (else it is shared with them).
    pub mine: bool,
    pub shared: SharedWith,
}

/// The views of a list of rows: two queries whatever its length.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn hydrate(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    rows: Vec<FolderRow>,
) -> Result<Vec<FolderView>> {
    let items = rows.iter().map(|r| (r.id.as_str(), r.user_id.as_str()));
    let mut shares = SharesOfPage::load(c, org, Owner::Folder, items).await?;
    Ok(rows
        .into_iter()
        .map(|row| FolderView {
            mine: row.user_id == org.user_id(),
            shared: shares.take(&row.id),
            row,
        })
        .collect())
}

/// What a folder list asks for, as a request gives it; absent and blank mean "not given".
#[derive(Clone, Debug, Default)]
pub struct ListInput {
    /// `all` (default), `mine`, `shared_with_me` or `shared_by_me`.
    pub scope: Option<String>,
    /// `alphabetical` (default) or `recently_added`.
    pub sort_by: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// The folders in the caller's `scope`, sorted and paged by the rules of every list
/// ([`Paging`]). Unknown values are refused with 400.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(store: &Store, org: &CurrentOrg, input: &ListInput) -> Result<Page<FolderView>> {
    let scope = list_params::scope(&input.scope)?;
    let sort = list_params::choice(&input.sort_by, "sort_by", Sort::NAMES, Sort::parse)?
        .unwrap_or_default();
    let paging = Paging::parse_or_all(&input.limit, &input.offset)?;
    let mut db = store.read().await?;
    let mut c = db.conn();
    let (org_id, me) = (org.id(), org.user_id());
    let total = folders::count(&mut c, org_id, me, scope).await?;
    let rows = if paging.past_end(total) {
        Vec::new()
    } else {
        folders::page(&mut c, org_id, me, scope, sort, paging.limit, paging.offset).await?
    };
    let has_more = paging.has_more(rows.len(), total);
    Ok(Page {
        items: hydrate(&mut c, org, rows).await?,
        total,
        has_more,
    })
}

/// The folder `raw_id` if the caller can see it; 404 otherwise.
#[tracing::instrument(level = "debug", skip_all)]
async fn visible(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<FolderRow> {
    let id = parse_id(raw_id).ok_or_else(not_found)?;
    folders::visible(c, org.id(), org.user_id(), &id)
        .await?
        .ok_or_else(not_found)
}

/// One folder as the caller sees it, or 404.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn view(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<FolderView> {
    let row = visible(c, org, raw_id).await?;
    hydrate(c, org, vec![row])
        .await?
        .pop()
        .ok_or_else(not_found)
}

/// The folder if the caller owns it: 404 when they cannot see it, 403 when they only can.
#[tracing::instrument(level = "debug", skip_all)]
async fn owned(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<FolderRow> {
    let row = visible(c, org, raw_id).await?;
    check_owner(org, &row.user_id)?;
    Ok(row)
}

/// The parent a request names for folder `id` (`None` while creating), checked: one of the
/// caller's own folders, and not the folder itself or one inside it.
async fn parent(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    id: Option<&str>,
    raw: Option<&str>,
) -> Result<Option<String>> {
    // Blank (a form's empty choice) is the top level, as the document says.
    let raw = raw.map(|r| r.trim_matches(crate::app::list_params::is_blank_char));
    let Some(raw) = raw.filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    let missing = || AppError::bad_request("Parent folder not found");
    let parent_id = parse_id(raw).ok_or_else(missing)?;
    let own = [parent_id];
    if !bookmarks::all_exist(c, Target::OwnFolders, org.id(), org.user_id(), &own).await? {
        return Err(missing());
    }
    let [parent_id] = own;
    if let Some(id) = id {
        let above = folders::ancestors(c, org.id(), &parent_id).await?;
        if parent_id == id || above.iter().any(|a| a == id) {
            return Err(AppError::bad_request(
                "A folder cannot be moved into itself or a folder inside it",
            ));
        }
    }
    Ok(Some(parent_id))
}

/// Creates a folder owned by the caller, with its shares.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    store: &Store,
    limits: &Limits,
    org: &CurrentOrg,
    input: FolderInput,
) -> Result<FolderView> {
    limits.library_write(org.user_id()).await?;
    let name = folder_name(input.name.as_deref().unwrap_or(""))?;
    let icon = folder_icon(input.icon.flatten().as_deref())?;
    let links = Links::parse(&input.links, Owner::Folder, org)?;
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    crate::store::users::lock(&mut c, org.user_id()).await?;
    let fields = Fields {
        name,
        icon,
        parent_id: parent(&mut c, org, None, input.parent_id.flatten().as_deref()).await?,
        share_all_teams: input.links.share_all_teams.unwrap_or(false),
    };
    let (own, _) = folders::counts(&mut c, org.id(), org.user_id()).await?;
    over_count(own, MAX_FOLDERS_PER_PERSON, "folders")?;
    let id = new_id();
    let now = Timestamp::now().millis();
    folders::insert(&mut c, org.id(), org.user_id(), &id, &fields, now).await?;
    links.save(&mut c, Owner::Folder, org, &id, false).await?;
    let out = view(&mut c, org, &id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    Ok(out)
}

/// Renames a folder or changes its icon or shares (owner only); absent fields stay.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn update(
    store: &Store,
    org: &CurrentOrg,
    raw_id: &str,
    input: FolderInput,
) -> Result<FolderView> {
    let mut tx = store.begin().await?;
    let mut c = tx.conn();
    let row = owned(&mut c, org, raw_id).await?;
    let fields = Fields {
        name: match &input.name {
            Some(n) => folder_name(n)?,
            None => row.name,
        },
        icon: match &input.icon {
            Some(i) => folder_icon(i.as_deref())?,
            None => row.icon,
        },
        parent_id: match &input.parent_id {
            Some(p) => parent(&mut c, org, Some(&row.id), p.as_deref()).await?,
            None => row.parent_id,
        },
        share_all_teams: input.links.share_all_teams.unwrap_or(row.share_all_teams),
    };
    let links = Links::parse(&input.links, Owner::Folder, org)?;
    let now = Timestamp::now().millis();
    let was_all_teams = row.share_all_teams;
    folders::update(&mut c, org.id(), &row.id, &fields, now).await?;
    links
        .save(&mut c, Owner::Folder, org, &row.id, was_all_teams)
        .await?;
    let out = view(&mut c, org, &row.id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    Ok(out)
}

/// Deletes a folder (owner only); the bookmarks in it stay, and the folders in it move up to
/// its parent (a name already taken there gets the deleted folder's name after it).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    let row = owned(&mut tx.conn(), org, raw_id).await?;
    lift_children(&mut tx.conn(), org, &row).await?;
    folders::delete(&mut tx.conn(), org.id(), &row.id).await?;
    let event = Event::new("folder.deleted", "folder")
        .entity(&row.id)
        .org(org.id())
        .detail("name", row.name.as_str());
    audit::record(&mut tx.conn(), &Actor::of(&org.user), event).await?;
    tx.invalidates_org(org.id());
    tx.commit().await
}

/// Moves the folders directly inside `row` up into its parent before it goes.
async fn lift_children(c: &mut Conn<'_>, org: &CurrentOrg, row: &FolderRow) -> Result<()> {
    let now = Timestamp::now().millis();
    let parent = row.parent_id.as_deref();
    for (id, name) in folders::children(c, org.id(), &row.id).await? {
        let mut candidate = name.clone();
        let mut n = 1;
        while folders::sibling_named(c, org.id(), &row.user_id, parent, &candidate).await? {
            n += 1;
            candidate = if n == 2 {
                format!("{name} ({})", row.name)
            } else {
                format!("{name} ({} {n})", row.name)
            };
        }
        folders::reparent(c, org.id(), &id, parent, &candidate, now).await?;
    }
    Ok(())
}

/// How many folders one page of the folder browser lists.
pub const LEVEL_PAGE: i64 = 100;

/// One level of the folder tree as the folder browser shows it.
#[derive(Clone, Debug)]
pub struct Level {
    /// The folders from the top down to the one browsed (empty at the top).
    pub crumbs: Vec<(String, String)>,
    /// The folder browsed, if it is the caller's own (new folders go into it).
    pub own_parent: Option<String>,
    pub rows: Vec<folders::LevelRow>,
    pub total: i64,
}

/// The folders in `parent` (a folder the caller can see, else 404), or at the top level: one
/// page of [`LEVEL_PAGE`] from `offset`, with the way back up.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn level(
    store: &Store,
    org: &CurrentOrg,
    parent: Option<&str>,
    offset: i64,
) -> Result<Level> {
    let mut db = store.read().await?;
    let c = &mut db.conn();
    let (mut crumbs, mut own_parent) = (Vec::new(), None);
    if let Some(raw) = parent {
        let row = visible(c, org, raw).await?;
        if row.user_id == org.user_id() {
            // Only the folders above are read, not the whole tree.
            let above = folders::ancestors(c, org.id(), &row.id).await?;
            let names = folders::own_names(c, org.id(), org.user_id(), &above).await?;
            for id in above.iter().rev() {
                if let Some((_, name)) = names.iter().find(|(i, _)| i == id) {
                    crumbs.push((id.clone(), name.clone()));
                }
            }
            own_parent = Some(row.id.clone());
        }
        crumbs.push((row.id.clone(), row.name.clone()));
    }
    let parent_id = crumbs.last().map(|(id, _)| id.as_str());
    let (rows, total) = folders::level(
        c,
        org.id(),
        org.user_id(),
        parent_id,
        LEVEL_PAGE,
        offset.max(0),
    )
    .await?;
    Ok(Level {
        crumbs,
        own_parent,
        rows,
        total,
    })
}
