//! A small read-through cache for hot paths (authenticating a request, resolving a go-link).
//!
//! An entry is good while no write to what it depends on has committed since it was read (its
//! stamp from [`Generations`](crate::store::Generations), here or in another instance) and for
//! `ttl`, which bounds staleness from writers nobody is told of (the command line on SQLite).
//!
//! When an entry outlives its `ttl`, one caller is told to read it again while the others keep
//! the old value for a moment longer (at most another `ttl`): without that, every request in
//! flight would miss at once and queue on the database together.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;
use std::time::{Duration, Instant};

pub struct GenCache<K, V> {
    map: RwLock<HashMap<K, Entry<V>>>,
    ttl: Duration,
    capacity: usize,
}

impl<K, V> std::fmt::Debug for GenCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GenCache")
    }
}

struct Entry<V> {
    value: V,
    generation: u64,
    at: Instant,
    refreshing: AtomicBool,
}

impl<K: Eq + Hash, V: Clone> GenCache<K, V> {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            map: RwLock::new(HashMap::new()),
            ttl,
            capacity,
        }
    }

    /// The value for `key` if it was stored at `generation` and is fresh, or is being read
    /// again by another caller; `None` tells this caller to read it (and `put` it).
    pub fn get<Q>(&self, key: &Q, generation: u64) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get_with(key, |_| generation)
    }

    /// As [`get`](Self::get), for entries whose stamp depends on what they hold (a session's
    /// person, known only once it has been read): `generation` gives the current stamp for it.
    pub fn get_with<Q>(&self, key: &Q, generation: impl FnOnce(&V) -> u64) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get_at(key, generation, Instant::now())
    }

    /// The lookup, as of `now` (the tests' clock, so a slow machine cannot age an entry).
    fn get_at<Q>(&self, key: &Q, generation: impl FnOnce(&V) -> u64, now: Instant) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        let e = map.get(key)?;
        if e.generation != generation(&e.value) {
            return None;
        }
        let age = now.saturating_duration_since(e.at);
        if age < self.ttl {
            return Some(e.value.clone());
        }
        let someone_else_refreshes = e.refreshing.swap(true, Ordering::AcqRel);
        (someone_else_refreshes && age < self.ttl * 2).then(|| e.value.clone())
    }

    pub fn put(&self, key: K, value: V, generation: u64) {
        self.put_at(key, value, generation, Instant::now());
    }

    fn put_at(&self, key: K, value: V, generation: u64, now: Instant) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.capacity {
            // Simple and bounded: entries are cheap to read again.
            map.retain(|_, e| {
                e.generation == generation && now.saturating_duration_since(e.at) < self.ttl
            });
            if map.len() >= self.capacity {
                map.clear();
            }
        }
        map.insert(
            key,
            Entry {
                value,
                generation,
                at: now,
                refreshing: AtomicBool::new(false),
            },
        );
    }

    /// Changes a cached value in place (keeping its generation and age).
    pub fn update(&self, key: &K, f: impl FnOnce(&mut V)) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = map.get_mut(key) {
            f(&mut e.value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_with_a_new_generation_or_their_ttl() {
        let c = GenCache::new(Duration::from_secs(60), 10);
        c.put("a", 1, 7);
        assert_eq!(c.get(&"a", 7), Some(1));
        assert_eq!(c.get(&"a", 8), None, "a write since");
        let short = GenCache::new(Duration::ZERO, 10);
        short.put("a", 1, 7);
        assert_eq!(short.get(&"a", 7), None, "too old");
    }

    #[test]
    fn after_the_ttl_one_caller_reads_again_while_the_others_keep_the_old_value() {
        let ms = Duration::from_millis;
        let t0 = Instant::now();
        let c = GenCache::new(ms(20), 10);
        let get = |generation: u64, at: Duration| c.get_at(&"a", |_| generation, t0 + at);
        c.put_at("a", 1, 7, t0);
        assert_eq!(get(7, ms(25)), None, "the first caller refreshes");
        assert_eq!(get(7, ms(26)), Some(1), "the others are served meanwhile");
        assert_eq!(get(8, ms(27)), None, "but never across a write");
        c.put_at("a", 2, 7, t0 + ms(30));
        assert_eq!(get(7, ms(31)), Some(2));
        assert_eq!(get(7, ms(75)), None);
        assert_eq!(
            get(7, ms(76)),
            None,
            "twice the ttl: nobody is served the old value"
        );
    }

    #[test]
    fn the_cache_stays_within_its_capacity() {
        let c = GenCache::new(Duration::from_secs(60), 3);
        for i in 0..10 {
            c.put(i, i, 1);
        }
        assert!(c.map.read().unwrap().len() <= 3);
        assert_eq!(c.get(&9, 1), Some(9));
    }
}
