//! Secrets: password hashing, random tokens and their digests, access JWTs, CSRF tokens and
//! rate limits. Nothing in here logs a secret.

pub mod csrf;
pub mod jwt;
pub mod passwords;
pub mod rate_limit;
pub mod secrets;

pub use secrets::{constant_time_eq, random_token, sha256_hex};
