//! Rate limits: a keyed token bucket per action (login, sign-up, token creation, invitations).

use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::AppError;

#[derive(Clone)]
pub struct Limiter {
    inner: Arc<DefaultKeyedRateLimiter<String>>,
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Limiter")
    }
}

impl Limiter {
    /// `per_minute` requests a minute for each key, all of which may come at once.
    pub fn per_minute(per_minute: u32) -> Self {
        let n = NonZeroU32::new(per_minute.max(1)).expect("at least one");
        Self {
            inner: Arc::new(RateLimiter::keyed(Quota::per_minute(n))),
        }
    }

    /// Counts one request for `key`; a 429 error when the key is over its quota.
    pub fn check(&self, key: &str) -> Result<(), AppError> {
        match self.inner.check_key(&key.to_string()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Err(AppError::TooManyRequests {
                    retry_after_secs: wait.as_secs().max(1),
                })
            }
        }
    }
}

/// The limiters the server keeps.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Login, sign-up, verification resends and password resets, by client address.
    pub auth: Limiter,
    /// Creating API tokens and invitations, by user.
    pub writes: Limiter,
}

impl Limits {
    pub fn new(auth_per_minute: u32, writes_per_minute: u32) -> Self {
        Self {
            auth: Limiter::per_minute(auth_per_minute),
            writes: Limiter::per_minute(writes_per_minute),
        }
    }
}

#[cfg(test)]
mod tests {
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
}
