//! Tags: each person's own labels for their bookmarks. Others' tags read as missing (404);
//! deleting a tag keeps its bookmarks.

use crate::app::audit::{self, Actor, Event};
use crate::app::list_params::{self, Page, Paging};
use crate::app::tenancy::CurrentOrg;
use crate::domain::ids::parse_id;
use crate::domain::library::tag_name;
use crate::domain::library::{over_count, MAX_TAGS_PER_PERSON};
use crate::domain::{new_id, Timestamp};
use crate::error::{AppError, Result};
use crate::security::rate_limit::Limits;
use crate::store::tags::{self, Sort, TagRow};
use crate::store::{Conn, Store};

pub fn not_found() -> AppError {
    AppError::not_found("Tag not found")
}

/// What a tag list asks for, as a request gives it; absent and blank mean "not given".
#[derive(Clone, Debug, Default)]
pub struct ListInput {
    /// `alphabetical` (default), `recently_added` or `most_used`.
    pub sort_by: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// The caller's tags, sorted and paged by the rules of every list ([`Paging`]). Unknown values
/// are refused with 400.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(store: &Store, org: &CurrentOrg, input: &ListInput) -> Result<Page<TagRow>> {
    let sort = list_params::choice(&input.sort_by, "sort_by", Sort::NAMES, Sort::parse)?
        .unwrap_or_default();
    let paging = Paging::parse_or_all(&input.limit, &input.offset)?;
    let mut db = store.read().await?;
    let mut c = db.conn();
    let (org_id, me) = (org.id(), org.user_id());
    let total = tags::count(&mut c, org_id, me).await?;
    let items = if paging.past_end(total) {
        Vec::new()
    } else {
        tags::page(&mut c, org_id, me, sort, paging.limit, paging.offset).await?
    };
    let has_more = paging.has_more(items.len(), total);
    Ok(Page {
        items,
        total,
        has_more,
    })
}

/// One of the caller's tags, or 404.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn own(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<TagRow> {
    let id = parse_id(raw_id).ok_or_else(not_found)?;
    tags::own(c, org.id(), org.user_id(), &id)
        .await?
        .ok_or_else(not_found)
}

/// Creates a tag of the caller's; its name is unique among theirs.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    store: &Store,
    limits: &Limits,
    org: &CurrentOrg,
    name: Option<&str>,
) -> Result<TagRow> {
    limits.library_write(org.user_id()).await?;
    let name = tag_name(name.unwrap_or(""))?;
    let id = new_id();
    let mut tx = store.begin().await?;
    crate::store::users::lock(&mut tx.conn(), org.user_id()).await?;
    let count = tags::count(&mut tx.conn(), org.id(), org.user_id()).await?;
    over_count(count, MAX_TAGS_PER_PERSON, "tags")?;
    let now = Timestamp::now().millis();
    tags::insert(&mut tx.conn(), org.id(), org.user_id(), &id, &name, now).await?;
    let row = own(&mut tx.conn(), org, &id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    Ok(row)
}

/// Renames one of the caller's tags.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rename(
    store: &Store,
    org: &CurrentOrg,
    raw_id: &str,
    name: Option<&str>,
) -> Result<TagRow> {
    let id = parse_id(raw_id).ok_or_else(not_found)?;
    let mut tx = store.begin().await?;
    own(&mut tx.conn(), org, &id).await?;
    let name = tag_name(name.unwrap_or(""))?;
    tags::rename(&mut tx.conn(), org.id(), org.user_id(), &id, &name).await?;
    let row = own(&mut tx.conn(), org, &id).await?;
    tx.invalidates_org(org.id());
    tx.commit().await?;
    Ok(row)
}

/// Deletes one of the caller's tags; the bookmarks that carried it stay.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn delete(store: &Store, org: &CurrentOrg, raw_id: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    let row = own(&mut tx.conn(), org, raw_id).await?;
    if !tags::delete(&mut tx.conn(), org.id(), org.user_id(), &row.id).await? {
        return Err(not_found());
    }
    let event = Event::new("tag.deleted", "tag")
        .entity(&row.id)
        .org(org.id())
        .detail("name", row.name.as_str());
    audit::record(&mut tx.conn(), &Actor::of(&org.user), event).await?;
    tx.invalidates_org(org.id());
    tx.commit().await
}

/// How many names a suggestion list holds.
pub const SUGGESTIONS: i64 = 10;

/// The ids of the caller's tags named `names` (each already checked with `tag_name`), making
/// those that do not exist yet, inside the caller's transaction: a name matches an existing
/// tag whatever its letter case. The new ones count against the per-person limit of tags.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ensure_named(
    c: &mut Conn<'_>,
    org: &CurrentOrg,
    names: &[String],
) -> Result<Vec<String>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let (org_id, me) = (org.id(), org.user_id());
    // Taken first, so that two saves naming the same new tag make it once.
    crate::store::users::lock(c, me).await?;
    let found = tags::named(c, org_id, me, names).await?;
    let id_of = |name: &str| {
        let key = name.to_lowercase();
        found
            .iter()
            .find(|(_, n)| n.to_lowercase() == key)
            .map(|(id, _)| id.clone())
    };
    let mut ids = Vec::with_capacity(names.len());
    let mut missing = Vec::new();
    for name in names {
        match id_of(name) {
            Some(id) => ids.push(id),
            None => missing.push(name),
        }
    }
    if !missing.is_empty() {
        let count = tags::count(c, org_id, me).await?;
        over_count(
            count + missing.len() as i64 - 1,
            MAX_TAGS_PER_PERSON,
            "tags",
        )?;
        let now = Timestamp::now().millis();
        for name in missing {
            let id = new_id();
            tags::insert(c, org_id, me, &id, name, now).await?;
            ids.push(id);
        }
    }
    Ok(ids)
}

/// Up to [`SUGGESTIONS`] names of the caller's tags containing `q` (in any letter case), those
/// starting with it first; nothing for a blank `q`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn suggest(store: &Store, org: &CurrentOrg, q: &str) -> Result<Vec<String>> {
    let needle = q.trim().to_lowercase();
    if needle.is_empty() {
        return Ok(Vec::new());
    }
    let mut db = store.read().await?;
    tags::suggest(
        &mut db.conn(),
        org.id(),
        org.user_id(),
        &needle,
        SUGGESTIONS,
    )
    .await
}

/// The id of the caller's tag called `name` (any letter case), if they have one.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(c: &mut Conn<'_>, org: &CurrentOrg, name: &str) -> Result<Option<String>> {
    let found = tags::named(c, org.id(), org.user_id(), &[name.trim().to_string()]).await?;
    Ok(found.into_iter().next().map(|(id, _)| id))
}

/// The name of tag `id` in the caller's organization (a list filtered by it shows it).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn name_of(c: &mut Conn<'_>, org: &CurrentOrg, id: &str) -> Result<Option<String>> {
    tags::name_of(c, org.id(), id).await
}
