//! Rate limits: a keyed token bucket per action (login, sign-up, token creation, invitations).
//!
//! A keyed limiter keeps one entry for every key it has seen (a client address, a user), so
//! [`Limits::sweep`] must run now and then (`jobs::limiter_sweep` does) to forget the keys whose
//! bucket is full again; otherwise the map grows with every new address for as long as the
//! process lives.

use std::hash::RandomState;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::error::AppError;

type Keyed<C> = RateLimiter<
    String,
    DashMapStateStore<String, RandomState>,
    C,
    NoOpMiddleware<<C as Clock>::Instant>,
>;

/// One keyed limiter; the clock is a parameter only so tests can move time by hand.
pub struct Limiter<C: Clock = DefaultClock> {
    inner: Arc<Keyed<C>>,
}

impl<C: Clock> Clone for Limiter<C> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<C: Clock> std::fmt::Debug for Limiter<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Limiter({} keys)", self.len())
    }
}

impl Limiter {
    /// `per_minute` requests a minute for each key, all of which may come at once.
    pub fn per_minute(per_minute: u32) -> Self {
        Limiter::with_clock(per_minute, DefaultClock::default())
    }
}

impl<C: Clock> Limiter<C> {
    fn with_clock(per_minute: u32, clock: C) -> Self {
        let n = NonZeroU32::new(per_minute.max(1)).expect("at least one");
        Self {
            inner: Arc::new(RateLimiter::dashmap_with_clock_and_hasher(
                Quota::per_minute(n),
                clock,
                RandomState::default(),
            )),
        }
    }

    /// Counts one request for `key`; a 429 error when the key is over its quota.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        match self.inner.check_key(&key.to_string()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.inner.clock().now());
                Err(AppError::TooManyRequests {
                    retry_after_secs: wait.as_secs().max(1),
                })
            }
        }
    }

    /// Forgets the keys whose bucket has filled up again (they would be answered exactly as a
    /// key never seen), and gives the freed room back.
    pub fn sweep(&self) {
        self.inner.retain_recent();
        self.inner.shrink_to_fit();
    }

    /// How many keys the limiter remembers.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

/// The limiters the server keeps.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Login, sign-up, verification resends and password resets, by client address.
    pub auth: Limiter,
    /// Creating API tokens and invitations, by user.
    pub writes: Limiter,
    /// Creating tags, folders and teams, by user: three times `writes`.
    pub library: Limiter,
}

impl Limits {
    pub fn new(auth_per_minute: u32, writes_per_minute: u32) -> Self {
        Self {
            auth: Limiter::per_minute(auth_per_minute),
            writes: Limiter::per_minute(writes_per_minute),
            library: Limiter::per_minute(writes_per_minute.saturating_mul(3)),
        }
    }

    /// Sweeps every limiter (see [`Limiter::sweep`]).
    pub fn sweep(&self) {
        self.auth.sweep();
        self.writes.sweep();
        self.library.sweep();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use governor::clock::FakeRelativeClock;

    use super::*;

    #[test]
    fn a_key_over_its_quota_is_refused_and_others_are_not() {
        let l = Limiter::per_minute(2);
        assert!(l.check("a").is_ok());
        assert!(l.check("a").is_ok());
        assert!(matches!(
            l.check("a"),
            Err(AppError::TooManyRequests { .. })
        ));
        assert!(l.check("b").is_ok());
    }

    #[test]
    fn a_sweep_forgets_the_addresses_whose_bucket_filled_up_again() {
        let clock = FakeRelativeClock::default();
        let l = Limiter::with_clock(10, clock.clone());
        for i in 0..1000 {
            l.check(&format!("10.0.{}.{}", i / 256, i % 256)).unwrap();
        }
        for _ in 0..10 {
            let _ = l.check("busy");
        }
        assert_eq!(l.len(), 1001);
        l.sweep();
        assert_eq!(l.len(), 1001, "nothing has refilled yet");

        // One request refills in 6 s; ten (the whole bucket) in a minute.
        clock.advance(Duration::from_secs(30));
        l.sweep();
        assert_eq!(
            l.len(),
            1,
            "only the address that has not earned its whole bucket back is kept"
        );
        let allowed = (0..10).take_while(|_| l.check("busy").is_ok()).count();
        assert_eq!(allowed, 5, "and it still has only the half it earned back");
        clock.advance(Duration::from_secs(120));
        l.sweep();
        assert!(l.is_empty());
    }
}
