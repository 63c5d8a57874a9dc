//! Telling in-memory caches, in this process and in every other one on the same database, that
//! what they hold may be stale.
//!
//! A write transaction names what it changes ([`Scope`]: one organization, one person, or — when
//! it names nothing — everything). On commit the scopes' counters are bumped here, and on
//! PostgreSQL the same scopes go out with `NOTIFY` *inside* the transaction, so every other
//! instance learns of the write exactly when it becomes visible ([`follow`] bumps the same
//! counters there). The commit then waits (briefly) for its own notification to come back to
//! this instance: by the time the write is acknowledged, the other instances have been told too,
//! so a person's very next request anywhere sees it.
//!
//! A cache entry remembers the [`Generations::stamp`] of the scopes it depends on at the moment
//! it was read, and is good while the stamp is unchanged. The stamp is the sum of monotonic
//! counters, so any bump in any of them changes it. Counters are kept in fixed buckets by hash:
//! memory stays bounded, and a collision only costs a needless miss.
//!
//! An instance that is not listening (the connection dropped, or not yet made) cannot know what
//! others wrote: [`Generations::stamp`] then never matches, and every cache reads through until
//! the listener is back (which bumps everything once, for what it may have missed).

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{oneshot, watch};

/// The channel every instance listens on.
pub const CHANNEL: &str = "slugbase_invalidate";

const BUCKETS: usize = 4096;

/// What a write changes, as far as caches are concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Org(String),
    User(String),
}

impl Scope {
    fn encode(&self) -> String {
        match self {
            Scope::Org(id) => format!("o:{id}"),
            Scope::User(id) => format!("u:{id}"),
        }
    }
}

/// The payload of one notification: the sender and its number for it, then its scopes (`*` for
/// everything).
pub fn payload(instance: &str, seq: u64, scopes: &[Scope]) -> String {
    let mut p = format!("{instance}#{seq}");
    if scopes.is_empty() {
        p.push_str(" *");
    }
    for s in scopes {
        p.push(' ');
        p.push_str(&s.encode());
    }
    p
}

#[derive(Clone)]
pub struct Generations(Arc<Inner>);

struct Inner {
    instance: String,
    all: AtomicU64,
    orgs: Box<[AtomicU64]>,
    users: Box<[AtomicU64]>,
    trusted: AtomicBool,
    hasher: std::hash::RandomState,
    seq: AtomicU64,
    /// Commits waiting for their own notification to come back (see [`Generations::sent`]).
    echoes: Mutex<HashMap<u64, oneshot::Sender<()>>>,
}

impl std::fmt::Debug for Generations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Generations(trusted: {})", self.trusted())
    }
}

impl Generations {
    /// `trusted`: whether this instance sees every write without listening (SQLite: one
    /// server per database file), or must listen first (PostgreSQL).
    pub fn new(trusted: bool) -> Self {
        let buckets = || (0..BUCKETS).map(|_| AtomicU64::new(0)).collect();
        Self(Arc::new(Inner {
            instance: crate::security::random_token()[..12].to_string(),
            all: AtomicU64::new(0),
            orgs: buckets(),
            users: buckets(),
            trusted: AtomicBool::new(trusted),
            hasher: std::hash::RandomState::new(),
            seq: AtomicU64::new(0),
            echoes: Mutex::new(HashMap::new()),
        }))
    }

    /// This process's name in notifications, so it skips its own.
    pub fn instance(&self) -> &str {
        &self.0.instance
    }

    pub fn trusted(&self) -> bool {
        self.0.trusted.load(Ordering::Acquire)
    }

    fn bucket(&self, id: &str) -> usize {
        (self.0.hasher.hash_one(id) as usize) % BUCKETS
    }

    /// The stamp of what an answer about `org` and `user` depends on: unchanged exactly while no
    /// write to those scopes (or to everything) has committed. Take it *before* reading.
    pub fn stamp(&self, org: Option<&str>, user: Option<&str>) -> u64 {
        let i = &self.0;
        if !self.trusted() {
            // Never the same twice: nothing read now is served again from a cache.
            return i.all.fetch_add(1, Ordering::AcqRel) + 1;
        }
        let mut s = i.all.load(Ordering::Acquire);
        if let Some(o) = org {
            s = s.wrapping_add(i.orgs[self.bucket(o)].load(Ordering::Acquire));
        }
        if let Some(u) = user {
            s = s.wrapping_add(i.users[self.bucket(u)].load(Ordering::Acquire));
        }
        s
    }

    /// Marks `scopes` changed (everything when empty).
    pub fn bump(&self, scopes: &[Scope]) {
        let i = &self.0;
        if scopes.is_empty() {
            i.all.fetch_add(1, Ordering::AcqRel);
        }
        for s in scopes {
            match s {
                Scope::Org(id) => i.orgs[self.bucket(id)].fetch_add(1, Ordering::AcqRel),
                Scope::User(id) => i.users[self.bucket(id)].fetch_add(1, Ordering::AcqRel),
            };
        }
    }

    /// A number for the next notification this instance sends, and what resolves when it has
    /// come back through the database.
    pub fn next_echo(&self) -> (u64, oneshot::Receiver<()>) {
        let seq = self.0.seq.fetch_add(1, Ordering::AcqRel);
        let (tx, rx) = oneshot::channel();
        self.lock_echoes().insert(seq, tx);
        (seq, rx)
    }

    /// Stops waiting for notification `seq` (it was not sent, or took too long).
    pub fn forget_echo(&self, seq: u64) {
        self.lock_echoes().remove(&seq);
    }

    fn lock_echoes(&self) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<()>>> {
        self.0.echoes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies a notification from another instance; its own only tell the commit waiting for
    /// it that it went round (and so, all but certainly, reached the others too).
    pub fn apply(&self, payload: &str) {
        let mut words = payload.split(' ');
        let from = words.next().unwrap_or_default();
        let (sender, seq) = from.split_once('#').unwrap_or((from, ""));
        if sender == self.instance() {
            if let Some(waiting) = seq.parse().ok().and_then(|n| self.lock_echoes().remove(&n)) {
                let _ = waiting.send(());
            }
            return;
        }
        let mut scopes = Vec::new();
        for w in words {
            match w.split_once(':') {
                Some(("o", id)) => scopes.push(Scope::Org(id.to_string())),
                Some(("u", id)) => scopes.push(Scope::User(id.to_string())),
                // "*", or anything this version does not know: be safe.
                _ => return self.bump(&[]),
            }
        }
        self.bump(&scopes);
    }

    fn set_trusted(&self, trusted: bool) {
        self.0.trusted.store(trusted, Ordering::Release);
        // Whatever was cached may have missed writes made while not listening (or just now).
        self.bump(&[]);
    }
}

/// Listens for other instances' writes until `stopped`, reconnecting after a lost connection;
/// caches are not trusted while the connection is down.
pub async fn follow(pool: PgPool, generations: Generations, mut stopped: watch::Receiver<bool>) {
    loop {
        if *stopped.borrow_and_update() {
            return;
        }
        match listen(&pool).await {
            Ok(mut listener) => {
                generations.set_trusted(true);
                tracing::debug!("listening for cache invalidations");
                loop {
                    tokio::select! {
                        n = listener.try_recv() => match n {
                            Ok(Some(n)) => generations.apply(n.payload()),
                            Ok(None) | Err(_) => break,
                        },
                        changed = stopped.changed() => {
                            if changed.is_err() || *stopped.borrow() {
                                return;
                            }
                        }
                    }
                }
                generations.set_trusted(false);
                tracing::warn!(
                    "lost the cache invalidation connection; caches off until it is back"
                );
            }
            Err(e) => {
                tracing::debug!(error = %e, "cannot listen for cache invalidations yet");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(250)) => {},
            _ = stopped.changed() => {},
        }
    }
}

async fn listen(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut l = PgListener::connect_with(pool).await?;
    // Reconnecting on its own would hide the gap from us: we want to know, and distrust.
    l.eager_reconnect(false);
    l.listen(CHANNEL).await?;
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_changes_the_stamps_that_depend_on_it_only() {
        let g = Generations::new(true);
        let a = g.stamp(Some("org-a"), Some("u1"));
        let b = g.stamp(Some("org-b"), Some("u2"));
        g.bump(&[Scope::Org("org-b".into())]);
        assert_eq!(g.stamp(Some("org-a"), Some("u1")), a);
        assert_ne!(g.stamp(Some("org-b"), Some("u2")), b);
        let b = g.stamp(Some("org-b"), Some("u2"));
        g.bump(&[Scope::User("u2".into())]);
        assert_ne!(g.stamp(Some("org-b"), Some("u2")), b);
        assert_eq!(g.stamp(Some("org-a"), Some("u1")), a);
        g.bump(&[]);
        assert_ne!(g.stamp(Some("org-a"), Some("u1")), a, "everything");
    }

    #[test]
    fn notifications_from_others_apply_and_ones_own_do_not() {
        let g = Generations::new(true);
        let s = g.stamp(Some("o1"), None);
        let (seq, mut echo) = g.next_echo();
        g.apply(&payload(g.instance(), seq, &[Scope::Org("o1".into())]));
        assert_eq!(g.stamp(Some("o1"), None), s);
        assert!(echo.try_recv().is_ok(), "the commit waiting for it is told");
        g.apply(&payload("other", 1, &[Scope::Org("o1".into())]));
        assert_ne!(g.stamp(Some("o1"), None), s);
        let s = g.stamp(None, Some("u"));
        g.apply("other#3 *");
        assert_ne!(g.stamp(None, Some("u")), s);
        let s = g.stamp(None, Some("u"));
        g.apply("other#4 x:garbage");
        assert_ne!(
            g.stamp(None, Some("u")),
            s,
            "unknown words invalidate everything"
        );
    }

    #[test]
    fn an_instance_that_is_not_listening_never_repeats_a_stamp() {
        let g = Generations::new(false);
        assert_ne!(g.stamp(Some("o"), None), g.stamp(Some("o"), None));
        g.set_trusted(true);
        assert_eq!(g.stamp(Some("o"), None), g.stamp(Some("o"), None));
    }
}
