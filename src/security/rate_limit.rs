//! Rate limits: a keyed limit per action (login, sign-up, token creation, invitations), so many
//! attempts a minute for each key (a client address, a user).
//!
//! Where the counts live depends on the database, because that decides how many processes share
//! them:
//! - **PostgreSQL**: any number of `slugbase serve` processes may run on one database, so the
//!   counts are kept in it (`rate_limit_hits`, one row per key and minute) and every instance
//!   refuses the same attempt. A check is one atomic upsert on a pooled connection; the cleanup
//!   job (`jobs::cleanup`) deletes the old windows.
//! - **SQLite**: the database is a file on one machine, opened by one process, so nobody else
//!   can count; the limits stay in memory (a token bucket per key, as `governor` keeps it) and a
//!   check never touches the database, let alone its single writer.
//!
//! A keyed in-memory limiter keeps one entry for every key it has seen, so [`Limits::sweep`]
//! must run now and then (`jobs::limiter_sweep` does) to forget the keys whose bucket is full
//! again; otherwise the map grows with every new address for as long as the process lives.

use std::hash::RandomState;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

use crate::domain::Timestamp;
use crate::error::AppError;
use crate::store::{rate_limits, Store};

type Keyed<C> = RateLimiter<
    String,
    DashMapStateStore<String, RandomState>,
    C,
    NoOpMiddleware<<C as Clock>::Instant>,
>;

/// One keyed limiter in memory; the clock is a parameter only so tests can move time by hand.
pub struct LocalLimiter<C: Clock = DefaultClock> {
    inner: Arc<Keyed<C>>,
}

impl<C: Clock> Clone for LocalLimiter<C> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<C: Clock> std::fmt::Debug for LocalLimiter<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LocalLimiter({} keys)", self.len())
    }
}

impl LocalLimiter {
    /// `per_minute` requests a minute for each key, all of which may come at once.
    pub fn per_minute(per_minute: u32) -> Self {
        LocalLimiter::with_clock(per_minute, DefaultClock::default())
    }
}

impl<C: Clock> LocalLimiter<C> {
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

/// Rate-limit windows are a minute long: the quotas are "so many a minute".
pub const WINDOW_MS: i64 = 60_000;

/// One keyed limit, counted in memory or in the database (see the module documentation).
#[derive(Clone, Debug)]
pub struct Limiter(Counts);

#[derive(Clone, Debug)]
enum Counts {
    Local(LocalLimiter),
    Shared {
        store: Store,
        /// Keeps the keys of different limiters apart in the one table.
        name: &'static str,
        per_minute: u32,
    },
}

impl Limiter {
    /// `per_minute` requests a minute for each key, counted in this process.
    pub fn per_minute(per_minute: u32) -> Self {
        Self(Counts::Local(LocalLimiter::per_minute(per_minute)))
    }

    /// `per_minute` requests a minute for each key, counted in `store` (PostgreSQL) so every
    /// instance on it shares the count.
    pub fn shared(store: Store, name: &'static str, per_minute: u32) -> Self {
        Self(Counts::Shared {
            store,
            name,
            per_minute: per_minute.max(1),
        })
    }

    /// Counts one request for `key`; a 429 error when the key is over its quota.
    pub async fn check(&self, key: &str) -> Result<(), AppError> {
        match &self.0 {
            Counts::Local(l) => l.check(key),
            Counts::Shared {
                store,
                name,
                per_minute,
            } => {
                let now = Timestamp::now().millis();
                let start = now - now.rem_euclid(WINDOW_MS);
                // A plain pooled connection (on PostgreSQL reads and writes share one pool): the
                // upsert commits on its own, one round trip, and no transaction is held open.
                let mut db = store.read().await?;
                let (current, previous) = rate_limits::hit(
                    &mut db.conn(),
                    &format!("{name}:{key}"),
                    start,
                    start - WINDOW_MS,
                )
                .await?;
                sliding_window(*per_minute, now - start, previous, current)
            }
        }
    }

    /// Forgets the in-memory keys whose bucket has filled up again; nothing for shared counts,
    /// whose old windows the cleanup job deletes.
    pub fn sweep(&self) {
        if let Counts::Local(l) = &self.0 {
            l.sweep();
        }
    }
}

/// The sliding-window estimate: the attempts of the window under way, plus those of the window
/// before weighted by how much of it still lies within the last minute. `current` includes
/// this attempt; refused attempts count too, so hammering keeps the door shut. When refused,
/// the wait is until one more attempt would be let through if nothing else came.
fn sliding_window(
    limit: u32,
    elapsed_ms: i64,
    previous: i64,
    current: i64,
) -> Result<(), AppError> {
    let (w, limit) = (WINDOW_MS as f64, f64::from(limit));
    let (elapsed, previous, current) = (elapsed_ms as f64, previous as f64, current as f64);
    if previous * (w - elapsed) / w + current <= limit {
        return Ok(());
    }
    let wait_ms = if current + 1.0 <= limit {
        // Room in this window: wait until the previous window's weight has shrunk enough.
        (w - elapsed) - (limit - current - 1.0) * w / previous
    } else {
        // This window alone is full: into the next, where this one is the previous.
        (w - elapsed) + w * (1.0 - (limit - 1.0) / current)
    };
    Err(AppError::TooManyRequests {
        retry_after_secs: (wait_ms / 1000.0).ceil().max(1.0) as u64,
    })
}

/// The limiters the server keeps. Callers name the action (`limits.sign_in(ip)`), never a
/// limiter and a key: which limiter counts an action, and under which key, is written here once.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Signing in and up, second factors, verification, resets: by client address (and a few
    /// by person, where the address alone would let one account be hammered from many).
    auth: Limiter,
    /// Creating API tokens, invitations and OpenID providers, editing people and the instance's
    /// settings, checking a link now: by person.
    writes: Limiter,
    /// Creating tags, folders and teams, by person: three times `writes`.
    library: Limiter,
}

/// One action's limit: which limiter counts it, and the prefix that keeps its keys apart.
macro_rules! actions {
    ($($(#[$doc:meta])* $name:ident($key:ident: $ty:ty) => $limiter:ident, $prefix:literal;)*) => {
        impl Limits {
            $(
                $(#[$doc])*
                pub async fn $name(&self, $key: $ty) -> Result<(), AppError> {
                    self.$limiter.check(&format!(concat!($prefix, ":{}"), $key)).await
                }
            )*
        }
    };
}

actions! {
    /// Signing in with a password (the API and the sign-in page).
    sign_in(ip: IpAddr) => auth, "login";
    /// Creating the first administrator of a new instance.
    setup(ip: IpAddr) => auth, "setup";
    /// Signing up.
    sign_up(ip: IpAddr) => auth, "register";
    /// A second-factor code, by the address it comes from.
    second_factor(ip: IpAddr) => auth, "mfa";
    /// A second-factor code, by the person it is for (turning MFA on and off included).
    second_factor_of(user_id: &str) => auth, "mfa-user";
    /// Asking for a password reset, or setting a new password with its link.
    password_reset(ip: IpAddr) => auth, "reset";
    /// Changing one's password, by person.
    password_change(user_id: &str) => auth, "password";
    /// Following an email verification link.
    email_verification(ip: IpAddr) => auth, "verify";
    /// Sending the verification email again.
    verification_resend(ip: IpAddr) => auth, "resend";
    /// Signing in through an OpenID provider (both legs).
    oidc_sign_in(ip: IpAddr) => auth, "oidc";
    /// Deleting one's account (it asks for the password).
    account_deletion(ip: IpAddr) => auth, "delete-account";
    /// Changing one's email address (it asks for the password).
    email_change(ip: IpAddr) => auth, "email-change";
    /// Looking an invitation up by its token.
    invitation_lookup(ip: IpAddr) => auth, "invite-verify";
    /// Creating or resending invitations.
    invitation(user_id: &str) => writes, "invite";
    /// Creating a personal API token.
    api_token(user_id: &str) => writes, "tokens";
    /// Creating or changing people as an administrator.
    admin_users(user_id: &str) => writes, "admin-users";
    /// Changing the instance's settings.
    instance_settings(user_id: &str) => writes, "settings";
    /// Creating or changing OpenID providers.
    oidc_providers(user_id: &str) => writes, "oidc-providers";
    /// Checking a bookmark's link now.
    link_check(user_id: &str) => writes, "link-check";
    /// Creating a tag, a folder or a team (the API and the pages alike, in their use cases).
    library_write(user_id: &str) => library, "library";
}

impl Limits {
    /// Limits counted in this process.
    pub fn new(auth_per_minute: u32, writes_per_minute: u32) -> Self {
        Self {
            auth: Limiter::per_minute(auth_per_minute),
            writes: Limiter::per_minute(writes_per_minute),
            library: Limiter::per_minute(writes_per_minute.saturating_mul(3)),
        }
    }

    /// The limits for a server on `store`: counted in the database on PostgreSQL, which several
    /// instances may share, and in memory on SQLite, which only this process opens.
    pub fn for_store(store: &Store, auth_per_minute: u32, writes_per_minute: u32) -> Self {
        if store.kind() != "postgres" {
            return Self::new(auth_per_minute, writes_per_minute);
        }
        let shared = |name, n| Limiter::shared(store.clone(), name, n);
        Self {
            auth: shared("auth", auth_per_minute),
            writes: shared("writes", writes_per_minute),
            library: shared("library", writes_per_minute.saturating_mul(3)),
        }
    }

    /// Sweeps every limiter (see [`LocalLimiter::sweep`]).
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
        let l = LocalLimiter::per_minute(2);
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
        let l = LocalLimiter::with_clock(10, clock.clone());
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

    fn refused(r: Result<(), AppError>) -> u64 {
        match r {
            Err(AppError::TooManyRequests { retry_after_secs }) => retry_after_secs,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_fresh_window_lets_the_whole_quota_through_and_no_more() {
        for n in 1..=5 {
            assert!(sliding_window(5, 1_000, 0, n).is_ok(), "attempt {n}");
        }
        let wait = refused(sliding_window(5, 1_000, 0, 6));
        // This minute is full (6 attempts): the rest of it must pass, then a third of the next,
        // until its 6 weigh 4 and one more fits.
        assert_eq!(wait, 79);
    }

    #[test]
    fn the_previous_window_weighs_as_much_as_it_still_overlaps_the_last_minute() {
        // 10 attempts last minute, a quarter into this one: 7.5 of them still count.
        assert!(sliding_window(10, 15_000, 10, 1).is_ok());
        assert!(sliding_window(10, 15_000, 10, 2).is_ok());
        let wait = refused(sliding_window(10, 15_000, 10, 3));
        // The next one passes once the old window weighs 6 or less: at 24 s, 9 s from now.
        assert_eq!(wait, 9);
        // Nearly at the end of the minute the old window hardly counts (1/6 of an attempt).
        assert!(sliding_window(10, 59_000, 10, 9).is_ok());
        assert!(sliding_window(10, 59_000, 10, 10).is_err());
    }
}
