//! Secrets: password hashing, random tokens and their digests, access JWTs, CSRF tokens, rate
//! limits and second factors (TOTP, backup codes). Nothing in here logs a secret.

pub mod csrf;
pub mod jwt;
pub mod passwords;
pub mod rate_limit;
pub mod secrets;
pub mod totp;

pub use secrets::{constant_time_eq, random_token, sha256_hex};
