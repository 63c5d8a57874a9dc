//! CSRF protection for cookie-authenticated writes: a signed double-submit token. `GET
//! /api/csrf-token` returns a token and sets it as a cookie; a write authenticated by cookie must
//! echo it in `X-CSRF-Token`. A page on another site can neither read the cookie nor forge the
//! signature, so it cannot produce the header.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{constant_time_eq, random_token};

pub const COOKIE: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";

fn mac(secret: &[u8], nonce: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("any key length works");
    m.update(b"csrf:");
    m.update(nonce.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

pub fn issue(secret: &[u8]) -> String {
    let nonce = random_token();
    let sig = mac(secret, &nonce);
    format!("{nonce}.{sig}")
}

/// True when `header` carries a token we signed and equals the cookie's.
pub fn check(secret: &[u8], header: Option<&str>, cookie: Option<&str>) -> bool {
    let (Some(header), Some(cookie)) = (header, cookie) else {
        return false;
    };
    if !constant_time_eq(header.as_bytes(), cookie.as_bytes()) {
        return false;
    }
    let Some((nonce, sig)) = header.split_once('.') else {
        return false;
    };
    constant_time_eq(mac(secret, nonce).as_bytes(), sig.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_check_only_with_matching_cookie_and_key() {
        let t = issue(b"k");
        assert!(check(b"k", Some(&t), Some(&t)));
        assert!(!check(b"k", Some(&t), None));
        assert!(!check(b"k", None, Some(&t)));
        assert!(!check(b"other", Some(&t), Some(&t)));
        let forged = format!("{}.{}", "nonce", "00");
        assert!(!check(b"k", Some(&forged), Some(&forged)));
        assert!(!check(b"k", Some(&t), Some(&issue(b"k"))));
    }
}
