//! Password hashing with argon2id (PHC string format). Hashing is deliberately slow, so it runs
//! on the blocking pool and never stalls the async workers.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::{AppError, Result};

/// A hash of a random password, checked when an account does not exist so that a login for an
/// unknown email costs the same time as one for a known email.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_blocking("no-such-user-Password1!").expect("hashing works"));

fn hash_blocking(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("argon2: {e}")))
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

pub async fn hash(password: &str) -> Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| AppError::internal(format!("join: {e}")))?
}

/// Verifies `password` against `hash`; with no hash (unknown user, or no password set) it still
/// spends the time of a real check and answers false.
pub async fn verify(password: &str, hash: Option<&str>) -> Result<bool> {
    let password = password.to_string();
    let hash = hash.map(str::to_string);
    tokio::task::spawn_blocking(move || match hash {
        Some(h) => verify_blocking(&password, &h),
        None => {
            verify_blocking(&password, &DUMMY_HASH);
            false
        }
    })
    .await
    .map_err(|e| AppError::internal(format!("join: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash("Secret-123").await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Secret-123", Some(&h)).await.unwrap());
        assert!(!verify("Secret-124", Some(&h)).await.unwrap());
        assert!(!verify("Secret-123", None).await.unwrap());
    }
}
