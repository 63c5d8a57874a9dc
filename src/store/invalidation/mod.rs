//! Telling in-memory caches, in this process and in every other one on the same database, that
//! what they hold may be stale — and answering a write only once they all know.
//!
//! A write transaction names what it changes ([`Scope`]: one organization, one person, or — when
//! it names nothing — everything). On commit the scopes' counters are bumped here, and on
//! PostgreSQL the same scopes go out with `NOTIFY` *inside* the transaction, so every other
//! instance learns of the write exactly when it becomes visible ([`follow`] bumps the same
//! counters there).
//!
//! A cache entry remembers the [`Generations::stamp`] of the scopes it depends on at the moment
//! it was read, and is good while the stamp is unchanged. The stamp is the sum of monotonic
//! counters, so any bump in any of them changes it. Counters are kept in fixed buckets by hash:
//! memory stays bounded, and a collision only costs a needless miss.
//!
//! On PostgreSQL two rules make "acknowledged means known everywhere" hold on a busy machine:
//!
//! - **Every instance confirms.** Each instance acknowledges every write it applies from another
//!   (`ack`, on [`PRESENCE`]). A commit answers once its own notification has come back and
//!   every live instance has acknowledged it, or once [`LEASE`] has passed.
//! - **An instance that lags stops trusting its caches.** Every [`PING_EVERY`] an instance sends
//!   itself a `ping` through the database. Notifications arrive in commit order, so when a ping
//!   comes back everything committed before it was sent has been applied here. Caches are
//!   trusted only within [`LEASE`] of that moment. So a commit that waited out the lease
//!   without an instance's acknowledgement is still safe: that instance is reading through to
//!   the database by then.
//!
//! An instance that is not listening, or whose lease ran out, cannot know what others wrote:
//! [`Generations::stamp`] then never matches, and every cache reads through until it has
//! caught up.

mod follow;
mod waits;

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use follow::follow;
use waits::Waits;

/// The channel writes are announced on.
pub const CHANNEL: &str = "slugbase_invalidate";
/// The channel instances confirm writes and check their own lag on (kept apart, so that an
/// older version listening on [`CHANNEL`] never sees these words).
pub const PRESENCE: &str = "slugbase_presence";

/// How often an instance checks, through the database, that it is caught up.
pub const PING_EVERY: Duration = Duration::from_millis(200);
/// How long an instance trusts its caches after its last check came back; also the longest a
/// commit waits for the other instances to confirm.
pub const LEASE: Duration = Duration::from_millis(1000);
/// An instance not heard from for this long is no longer waited for.
pub const PEER_WINDOW: Duration = Duration::from_millis(2000);

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
    /// Whether writes of other instances reach this one (SQLite: there are none; PostgreSQL:
    /// while the listening connection is up).
    listening: AtomicBool,
    /// PostgreSQL: trust also needs a recent check that this instance is caught up.
    leased: bool,
    /// When the last check that came back was sent, in nanoseconds since `epoch` (0: never).
    caught_up: AtomicU64,
    epoch: Instant,
    hasher: std::hash::RandomState,
    seq: AtomicU64,
    /// The other instances heard from: when first, and when last.
    peers: Mutex<HashMap<String, (Instant, Instant)>>,
    /// Commits waiting to be confirmed (see [`Generations::settle`]).
    waits: Waits,
}

impl std::fmt::Debug for Generations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Generations(trusted: {})", self.trusted())
    }
}

/// What applying a notification asks of the follower.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    Nothing,
    /// Confirm to `instance` that its write `seq` was applied here.
    Ack {
        instance: String,
        seq: u64,
    },
}

impl Generations {
    /// `single`: this instance sees every write without listening (SQLite: one server per
    /// database file); otherwise (PostgreSQL) it must listen, and keep up, first.
    pub fn new(single: bool) -> Self {
        let buckets = || (0..BUCKETS).map(|_| AtomicU64::new(0)).collect();
        Self(Arc::new(Inner {
            instance: crate::security::random_token()[..12].to_string(),
            all: AtomicU64::new(0),
            orgs: buckets(),
            users: buckets(),
            listening: AtomicBool::new(single),
            leased: !single,
            caught_up: AtomicU64::new(0),
            epoch: Instant::now(),
            hasher: std::hash::RandomState::new(),
            seq: AtomicU64::new(0),
            peers: Mutex::new(HashMap::new()),
            waits: Waits::default(),
        }))
    }

    /// This process's name in notifications, so it skips its own.
    pub fn instance(&self) -> &str {
        &self.0.instance
    }

    /// Whether caches may serve what they hold: this instance follows every write, and (on
    /// PostgreSQL) was caught up within the last [`LEASE`].
    pub fn trusted(&self) -> bool {
        self.trusted_at(Instant::now())
    }

    fn trusted_at(&self, now: Instant) -> bool {
        let i = &self.0;
        if !i.listening.load(Ordering::Acquire) {
            return false;
        }
        if !i.leased {
            return true;
        }
        let at = i.caught_up.load(Ordering::Acquire);
        at != 0 && self.nanos(now).saturating_sub(at) < LEASE.as_nanos() as u64
    }

    fn nanos(&self, t: Instant) -> u64 {
        // Never 0, which means "never".
        t.saturating_duration_since(self.0.epoch).as_nanos() as u64 + 1
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

    /// A number for the next write this instance announces; [`settle`](Self::settle) waits
    /// for it to be confirmed.
    pub fn next_seq(&self) -> u64 {
        let seq = self.0.seq.fetch_add(1, Ordering::AcqRel);
        self.0.waits.open(seq);
        seq
    }

    /// Stops following write `seq` (it was not sent, or has settled).
    pub fn forget(&self, seq: u64) {
        self.0.waits.close(seq);
    }

    /// Waits until write `seq` has come back here and every other instance heard from has
    /// confirmed it, or until `deadline` (by which an instance that did not confirm no longer
    /// trusts its caches). Answers whether it was confirmed.
    pub async fn settle(&self, seq: u64, deadline: Instant) -> bool {
        self.0
            .waits
            .settle(seq, deadline, |echoed_at| self.unconfirmed(seq, echoed_at))
            .await
    }

    /// The instances that must still confirm write `seq`, which came back here at `echoed_at`:
    /// those heard from lately that were already there before it (one first heard of later
    /// began after it, so it never cached what the write changed).
    fn unconfirmed(&self, seq: u64, echoed_at: Instant) -> usize {
        let now = Instant::now();
        let peers = self.lock_peers();
        peers
            .iter()
            .filter(|(_, (first, last))| {
                *first <= echoed_at && now.saturating_duration_since(*last) < PEER_WINDOW
            })
            .filter(|(name, _)| !self.0.waits.confirmed_by(seq, name))
            .count()
    }

    fn lock_peers(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Instant)>> {
        self.0.peers.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn heard(&self, instance: &str, now: Instant) {
        let mut peers = self.lock_peers();
        peers.retain(|_, (_, last)| now.saturating_duration_since(*last) < PEER_WINDOW);
        peers
            .entry(instance.to_string())
            .and_modify(|(_, last)| *last = now)
            .or_insert((now, now));
    }

    /// Applies a notification on [`CHANNEL`]: another instance's write is applied and must be
    /// confirmed; one of this instance's own is marked as come back.
    pub fn apply(&self, payload: &str) -> Reply {
        let mut words = payload.split(' ');
        let from = words.next().unwrap_or_default();
        let (sender, seq) = from.split_once('#').unwrap_or((from, ""));
        let seq = seq.parse::<u64>().ok();
        if sender == self.instance() {
            if let Some(n) = seq {
                self.0.waits.echoed(n, Instant::now());
            }
            return Reply::Nothing;
        }
        let mut scopes = Vec::new();
        let mut everything = false;
        for w in words {
            match w.split_once(':') {
                Some(("o", id)) => scopes.push(Scope::Org(id.to_string())),
                Some(("u", id)) => scopes.push(Scope::User(id.to_string())),
                // "*", or anything this version does not know: be safe.
                _ => everything = true,
            }
        }
        self.bump(if everything { &[] } else { &scopes });
        self.heard(sender, Instant::now());
        match seq {
            Some(seq) => Reply::Ack {
                instance: sender.to_string(),
                seq,
            },
            None => Reply::Nothing,
        }
    }

    /// A `ping` word: this instance's check, sent at `sent` (nanoseconds since its epoch).
    pub fn ping_payload(&self, sent: Instant) -> String {
        format!("{} ping {}", self.instance(), self.nanos(sent))
    }

    /// An `ack` word confirming writes (`instance:seq` each).
    pub fn ack_payload(&self, acks: &[(String, u64)]) -> String {
        let mut p = format!("{} ack", self.instance());
        for (instance, seq) in acks {
            p.push_str(&format!(" {instance}:{seq}"));
        }
        p
    }

    /// Applies a notification on [`PRESENCE`]: this instance's check came back (it is caught
    /// up to when it was sent), or another instance confirmed writes or checked itself.
    pub fn apply_presence(&self, payload: &str) {
        let mut words = payload.split(' ');
        let sender = words.next().unwrap_or_default();
        let now = Instant::now();
        match words.next() {
            Some("ping") if sender == self.instance() => {
                if let Some(sent) = words.next().and_then(|n| n.parse::<u64>().ok()) {
                    self.0.caught_up.fetch_max(sent, Ordering::AcqRel);
                }
            }
            _ if sender == self.instance() => {}
            Some("ack") => {
                self.heard(sender, now);
                for w in words {
                    if let Some((to, seq)) = w.rsplit_once(':') {
                        if let (true, Ok(seq)) = (to == self.instance(), seq.parse()) {
                            self.0.waits.confirm(seq, sender);
                        }
                    }
                }
            }
            _ => self.heard(sender, now),
        }
    }

    fn set_listening(&self, listening: bool) {
        self.0.listening.store(listening, Ordering::Release);
        if !listening {
            self.0.caught_up.store(0, Ordering::Release);
            self.lock_peers().clear();
        }
        // Whatever was cached may have missed writes made while not listening (or just now).
        self.bump(&[]);
    }
}

#[cfg(test)]
mod tests;
