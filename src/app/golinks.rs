//! Resolving `/go/<slug>`: the person's saved preference, else their own bookmark, else one
//! shared with them; several shared ones make a choice. Answers are cached between writes (see
//! [`GenCache`]), so a busy go-link costs no database read, and most others are answered by the
//! organization's slug index ([`GoIndex`]); the rest cost one query.

use std::sync::Arc;
use std::time::Duration;

use crate::app::cache::GenCache;
use crate::app::go_index::{Answer, GoIndex};
use crate::app::identity::CurrentUser;
use crate::app::tenancy::resolve_default;
use crate::domain::ids::parse_id;
use crate::domain::{Slug, Timestamp};
use crate::error::{AppError, Result};
use crate::metrics;
use crate::store::{bookmarks, go_links, go_preferences, orgs, Store};

#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: String,
    pub title: String,
    pub url: String,
    pub owner_name: String,
}

impl From<&bookmarks::BookmarkRow> for Candidate {
    fn from(r: &bookmarks::BookmarkRow) -> Self {
        Candidate {
            id: r.id.clone(),
            title: r.title.clone(),
            url: r.url.clone(),
            owner_name: r.owner_name.clone(),
        }
    }
}

#[derive(Debug)]
pub enum Resolution {
    Go { bookmark_id: String, url: String },
    Choose(Vec<Candidate>),
    NotFound,
}

type OrgKey = (String, String);
type LinkKey = (String, String, String);

pub struct GoCache {
    orgs: GenCache<OrgKey, Option<String>>,
    links: GenCache<LinkKey, Arc<Resolution>>,
    index: Arc<GoIndex>,
}

impl Default for GoCache {
    fn default() -> Self {
        let ttl = Duration::from_secs(5);
        Self {
            orgs: GenCache::new(ttl, 100_000),
            links: GenCache::new(ttl, 200_000),
            index: Default::default(),
        }
    }
}

impl std::fmt::Debug for GoCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GoCache")
    }
}

/// The organization a go-link is resolved in: the one named by `X-Organization-Id` if the
/// person belongs to it, else their current one. `None` when they belong to none (or not to the
/// one named).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn organization(
    store: &Store,
    cache: &GoCache,
    user: &CurrentUser,
    header: Option<&str>,
) -> Result<Option<String>> {
    let generation = store.generations().stamp(None, Some(user.id()));
    let key = match header {
        Some(h) => (user.id().to_string(), format!("header:{h}")),
        None => (
            user.id().to_string(),
            format!(
                "credential:{}",
                user.credential.current_org_id().unwrap_or("")
            ),
        ),
    };
    if let Some(hit) = cache.orgs.get(&key, generation) {
        return Ok(hit);
    }
    let mut db = store.read().await?;
    let org = match header {
        Some(h) => match parse_id(h.trim()) {
            Some(id)
                if orgs::role_of(&mut db.conn(), &id, user.id())
                    .await?
                    .is_some() =>
            {
                Some(id)
            }
            _ => None,
        },
        None => resolve_default(&mut db.conn(), user).await?,
    };
    cache.orgs.put(key, org.clone(), generation);
    Ok(org)
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn resolve(
    store: &Store,
    cache: &GoCache,
    org_id: &str,
    user_id: &str,
    slug: &str,
) -> Result<Arc<Resolution>> {
    let slug_lower = slug.to_lowercase();
    let generation = store.generations().stamp(Some(org_id), Some(user_id));
    let key = (org_id.to_string(), user_id.to_string(), slug_lower.clone());
    if let Some(hit) = cache.links.get(&key, generation) {
        metrics::cache_hit("go_links");
        return Ok(hit);
    }
    metrics::cache_miss("go_links");
    match cache.index.answer(store, org_id, user_id, &slug_lower) {
        Answer::NotFound => {
            metrics::cache_hit("go_index");
            return Ok(Arc::new(Resolution::NotFound));
        }
        Answer::Own { bookmark_id, url } => {
            metrics::cache_hit("go_index");
            return Ok(Arc::new(Resolution::Go { bookmark_id, url }));
        }
        Answer::Ask => metrics::cache_miss("go_index"),
    }
    let mut db = store.read().await?;
    let rows = go_links::candidates(&mut db.conn(), org_id, user_id, slug).await?;
    drop(db);
    let go = |r: &go_links::GoCandidate| Resolution::Go {
        bookmark_id: r.id.clone(),
        url: r.url.clone(),
    };
    let resolution = if let Some(r) = rows.iter().find(|r| r.preferred) {
        go(r)
    } else if let Some(own) = rows.iter().find(|r| r.user_id == user_id) {
        go(own)
    } else {
        match rows.as_slice() {
            [] => Resolution::NotFound,
            [only] => go(only),
            several => Resolution::Choose(
                several
                    .iter()
                    .map(|r| Candidate {
                        id: r.id.clone(),
                        title: r.title.clone(),
                        url: r.url.clone(),
                        owner_name: r.owner_name.clone(),
                    })
                    .collect(),
            ),
        }
    };
    let resolution = Arc::new(resolution);
    cache.links.put(key, resolution.clone(), generation);
    Ok(resolution)
}

/// The bookmark `bookmark_id` when `/go/<slug>` may open it for the person (for the page that
/// asks them to confirm "always use this"); changes nothing.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn choice(
    store: &Store,
    org_id: &str,
    user_id: &str,
    slug: &Slug,
    bookmark_id: &str,
) -> Result<Option<Candidate>> {
    let mut db = store.read().await?;
    let rows = bookmarks::forwarding_by_slug(&mut db.conn(), org_id, user_id, slug).await?;
    Ok(rows
        .iter()
        .find(|b| b.id == bookmark_id)
        .map(Candidate::from))
}

/// Saves which bookmark `/go/<slug>` opens for the person ("always use this"), when it is one
/// they can open by this slug; its URL, or `None` when it is not.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remember(
    store: &Store,
    org_id: &str,
    user_id: &str,
    slug: &Slug,
    bookmark_id: &str,
) -> Result<Option<String>> {
    let mut tx = store.begin().await?;
    let candidates = bookmarks::forwarding_by_slug(&mut tx.conn(), org_id, user_id, slug).await?;
    let Some(b) = candidates.into_iter().find(|b| b.id == bookmark_id) else {
        return Ok(None);
    };
    let now = Timestamp::now().millis();
    go_preferences::upsert(
        &mut tx.conn(),
        org_id,
        user_id,
        &slug.lower(),
        bookmark_id,
        now,
    )
    .await?;
    tx.invalidates_user(user_id);
    tx.commit().await?;
    Ok(Some(b.url))
}

/// Forgets the person's saved choice for a slug (any case); 404 when there is none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn forget(store: &Store, org_id: &str, user_id: &str, slug: &str) -> Result<()> {
    let mut tx = store.begin().await?;
    if !go_preferences::delete(&mut tx.conn(), org_id, user_id, &slug.to_lowercase()).await? {
        return Err(AppError::not_found("Preference not found"));
    }
    tx.invalidates_user(user_id);
    tx.commit().await
}
