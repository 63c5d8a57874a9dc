//! CSRF protection for cookie-authenticated writes and forms: a signed double-submit token bound
//! to the session. `GET /api/csrf-token` (and every page) gives a token and sets it as a cookie;
//! a write authenticated by cookie must echo it in `X-CSRF-Token`, a form in its `csrf_token`
//! field.
//!
//! - A page on another site can neither read the cookie nor forge the signature.
//! - The signature covers the session the token was issued in (or none, signed out), so a token
//!   planted before sign-in, or taken from another session, does not work in this one. Signing
//!   in and signing out set a new one.
//! - Under https the cookie is named `__Host-csrf_token`: only this exact origin can set it.
//! - A browser's request that says it comes from another site (`Sec-Fetch-Site: cross-site`)
//!   is refused whatever it carries.

use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{constant_time_eq, random_token};

/// The cookie's name over plain http.
pub const COOKIE: &str = "csrf_token";
/// The cookie's name when cookies are `Secure` (a `BASE_URL` that is https).
pub const HOST_COOKIE: &str = "__Host-csrf_token";
pub const HEADER: &str = "x-csrf-token";

/// The cookie's name: `__Host-` prefixed when cookies are sent only over https.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        HOST_COOKIE
    } else {
        COOKIE
    }
}

fn mac(secret: &[u8], session: Option<&str>, nonce: &str) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("any key length works");
    m.update(b"csrf\0");
    m.update(session.unwrap_or("").as_bytes());
    m.update(b"\0");
    m.update(nonce.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// A new token for `session` (`None`: signed out).
pub fn issue(secret: &[u8], session: Option<&str>) -> String {
    let nonce = random_token();
    let sig = mac(secret, session, &nonce);
    format!("{nonce}.{sig}")
}

/// True when `header` equals the cookie and carries our signature for `session`.
pub fn check(
    secret: &[u8],
    session: Option<&str>,
    header: Option<&str>,
    cookie: Option<&str>,
) -> bool {
    let (Some(header), Some(cookie)) = (header, cookie) else {
        return false;
    };
    if !constant_time_eq(header.as_bytes(), cookie.as_bytes()) {
        return false;
    }
    let Some((nonce, sig)) = header.split_once('.') else {
        return false;
    };
    constant_time_eq(mac(secret, session, nonce).as_bytes(), sig.as_bytes())
}

/// True when the browser says the request was started by a page of another site.
pub fn cross_site(headers: &HeaderMap) -> bool {
    headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_tokens_check_only_with_matching_cookie_key_and_session() {
        let t = issue(b"k", Some("s1"));
        assert!(check(b"k", Some("s1"), Some(&t), Some(&t)));
        assert!(!check(b"k", Some("s1"), Some(&t), None));
        assert!(!check(b"k", Some("s1"), None, Some(&t)));
        assert!(!check(b"other", Some("s1"), Some(&t), Some(&t)));
        assert!(!check(b"k", Some("s2"), Some(&t), Some(&t)));
        assert!(!check(b"k", None, Some(&t), Some(&t)));
        let forged = format!("{}.{}", "nonce", "00");
        assert!(!check(b"k", None, Some(&forged), Some(&forged)));
        assert!(!check(
            b"k",
            Some("s1"),
            Some(&t),
            Some(&issue(b"k", Some("s1")))
        ));
        let signed_out = issue(b"k", None);
        assert!(check(b"k", None, Some(&signed_out), Some(&signed_out)));
    }

    #[test]
    fn only_cross_site_requests_count_as_cross_site() {
        let mut h = HeaderMap::new();
        assert!(!cross_site(&h));
        for (v, want) in [
            ("same-origin", false),
            ("same-site", false),
            ("none", false),
            ("cross-site", true),
        ] {
            h.insert("sec-fetch-site", v.parse().unwrap());
            assert_eq!(cross_site(&h), want, "{v}");
        }
    }
}
