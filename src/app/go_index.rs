//! An in-memory index of each organization's forwarding slugs, so that most `/go/<slug>`
//! requests that miss the resolver's cache are still answered without a query: a slug no
//! bookmark of the organization forwards is not found, and a slug only the person's own bookmark
//! forwards opens it. Anything else (a bookmark of someone else, which may or may not be shared
//! with the person; several candidates) is asked of the database.
//!
//! An organization's index is exact or unused: it carries the stamp of the organization's writes
//! it was read at ([`Generations`](crate::store::Generations)), and any write since (here or in
//! another instance) makes it stale until it is read again in the background. An organization
//! that writes all the time is simply asked of the database; it is read again at most once per
//! [`MIN_REBUILD`] (longer when reading it is slow). Writes nobody is told of are bounded by
//! [`REFRESH`], as the caches' are by their time to live.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use crate::store::{go_links, Store};

/// The most slugs one organization's index holds; a larger one is always asked of the database.
const MAX_PER_ORG: usize = 500_000;
/// The most slugs all indexes hold together; past it they are all dropped and read again.
const MAX_TOTAL: usize = 2_000_000;
const MIN_REBUILD: Duration = Duration::from_secs(1);
/// An index is read again after this long even without a write anyone was told of (one made
/// with SQL by hand, or by the command line on SQLite), and is not used past twice as long.
const REFRESH: Duration = Duration::from_secs(30);

/// What the index can say about a slug for a person.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// No bookmark of the organization forwards it.
    NotFound,
    /// Only the person's own bookmark does.
    Own { bookmark_id: String, url: String },
    /// The database must say.
    Ask,
}

#[derive(Default)]
pub struct GoIndex {
    orgs: RwLock<HashMap<String, Arc<OrgSlugs>>>,
    /// When each organization's index was last read, and whether a read is under way.
    builds: Mutex<HashMap<String, Build>>,
}

impl std::fmt::Debug for GoIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GoIndex")
    }
}

struct OrgSlugs {
    stamp: u64,
    read_at: Instant,
    by_slug: HashMap<String, Vec<Target>>,
    len: usize,
}

struct Target {
    id: String,
    user_id: String,
    url: String,
}

#[derive(Clone, Copy)]
struct Build {
    started: Instant,
    took: Duration,
    running: bool,
}

impl GoIndex {
    /// What the index knows of `slug_lower` for `user_id` in `org_id`; when the organization's
    /// index is missing or stale it is read again in the background and the answer is `Ask`.
    pub fn answer(
        self: &Arc<Self>,
        store: &Store,
        org_id: &str,
        user_id: &str,
        slug_lower: &str,
    ) -> Answer {
        let stamp = store.generations().stamp(Some(org_id), None);
        let current = {
            let orgs = self.orgs.read().unwrap_or_else(|e| e.into_inner());
            orgs.get(org_id).filter(|o| o.stamp == stamp).cloned()
        };
        let age = current.as_ref().map(|o| o.read_at.elapsed());
        if age.is_none_or(|a| a >= REFRESH) {
            self.rebuild_soon(store, org_id);
        }
        let Some(index) = current.filter(|_| age.is_some_and(|a| a < REFRESH * 2)) else {
            return Answer::Ask;
        };
        match index.by_slug.get(slug_lower).map(Vec::as_slice) {
            None => Answer::NotFound,
            Some([only]) if only.user_id == user_id => Answer::Own {
                bookmark_id: only.id.clone(),
                url: only.url.clone(),
            },
            Some(_) => Answer::Ask,
        }
    }

    fn rebuild_soon(self: &Arc<Self>, store: &Store, org_id: &str) {
        {
            let mut builds = self.builds.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(b) = builds.get(org_id) {
                let wait = MIN_REBUILD.max(b.took * 10);
                if b.running || b.started.elapsed() < wait {
                    return;
                }
            }
            builds.insert(
                org_id.to_string(),
                Build {
                    started: Instant::now(),
                    took: Duration::ZERO,
                    running: true,
                },
            );
        }
        let (me, store, org_id) = (Arc::clone(self), store.clone(), org_id.to_string());
        tokio::spawn(async move {
            let started = Instant::now();
            if let Err(e) = me.rebuild(&store, &org_id).await {
                tracing::debug!(error = %e, "could not read the go-link index; asking the database");
            }
            let mut builds = me.builds.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(b) = builds.get_mut(&org_id) {
                b.running = false;
                b.took = started.elapsed();
            }
        });
    }

    async fn rebuild(&self, store: &Store, org_id: &str) -> crate::error::Result<()> {
        // Taken before reading: a write committed meanwhile leaves this index stale at once.
        let stamp = store.generations().stamp(Some(org_id), None);
        let read_at = Instant::now();
        let mut db = store.read().await?;
        let rows =
            go_links::forwarding_slugs(&mut db.conn(), org_id, MAX_PER_ORG as i64 + 1).await?;
        drop(db);
        if rows.len() > MAX_PER_ORG {
            return Ok(());
        }
        let len = rows.len();
        let mut by_slug: HashMap<String, Vec<Target>> = HashMap::with_capacity(len);
        for r in rows {
            by_slug.entry(r.slug_lower).or_default().push(Target {
                id: r.id,
                user_id: r.user_id,
                url: r.url,
            });
        }
        let mut orgs = self.orgs.write().unwrap_or_else(|e| e.into_inner());
        let others: usize = orgs
            .iter()
            .filter(|(k, _)| *k != org_id)
            .map(|(_, o)| o.len)
            .sum();
        if others + len > MAX_TOTAL {
            orgs.clear();
        }
        orgs.insert(
            org_id.to_string(),
            Arc::new(OrgSlugs {
                stamp,
                read_at,
                by_slug,
                len,
            }),
        );
        Ok(())
    }
}
