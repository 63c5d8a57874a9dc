//! HS256 JWTs of two kinds, signed with the same server key:
//!
//! - access tokens, naming the user and the login session;
//! - MFA pending tokens, proving only that the password was right, for the few minutes in which
//!   the second factor must follow.
//!
//! Each kind is told apart in both directions, so that neither can stand in for the other: an
//! access token carries `typ: "access"` and no audience; a pending token carries
//! `typ: "mfa_pending"`, the audience [`MFA_AUDIENCE`] and no session id.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

const ACCESS_TYP: &str = "access";
const MFA_PENDING_TYP: &str = "mfa_pending";
/// The audience of MFA pending tokens; access validation refuses any token with an audience.
pub const MFA_AUDIENCE: &str = "slugbase:mfa";

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The session id: the session row decides whether the token still works.
    pub sid: String,
    /// Always `"access"`; a token without it is refused.
    #[serde(default)]
    pub typ: String,
    pub iat: i64,
    pub exp: i64,
}

/// The claims of an MFA pending token: who passed the password check, and until when.
#[derive(Debug, Serialize, Deserialize)]
pub struct MfaPendingClaims {
    /// The user id.
    pub sub: String,
    pub typ: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    /// The same, but an expired token still says which session it belongs to.
    any_age: Validation,
    mfa_validation: Validation,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JwtKeys(<redacted>)")
    }
}

impl JwtKeys {
    pub fn new(secret: &[u8]) -> Self {
        // No audience is set here, so jsonwebtoken refuses any token that carries one.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        let mut any_age = validation.clone();
        any_age.validate_exp = false;
        let mut mfa_validation = Validation::new(Algorithm::HS256);
        mfa_validation.leeway = 0;
        mfa_validation.set_audience(&[MFA_AUDIENCE]);
        mfa_validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            any_age,
            mfa_validation,
        }
    }

    fn encode<T: Serialize>(&self, claims: &T) -> String {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// An access token for `session_id`.
    pub fn sign(&self, user_id: &str, session_id: &str, now_secs: i64, ttl_secs: i64) -> String {
        self.encode(&Claims {
            sub: user_id.to_string(),
            sid: session_id.to_string(),
            typ: ACCESS_TYP.to_string(),
            iat: now_secs,
            exp: now_secs + ttl_secs,
        })
    }

    /// The claims of a valid, unexpired access token signed with our key; `None` otherwise,
    /// and for a token of any other kind.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
            .filter(|c| c.typ == ACCESS_TYP)
    }

    /// The session of an access token signed with our key, expired or not (what a CSRF token
    /// is bound to, which must not change when the 15-minute access token is renewed).
    pub fn session_of(&self, token: &str) -> Option<String> {
        decode::<Claims>(token, &self.decoding, &self.any_age)
            .ok()
            .map(|d| d.claims)
            .filter(|c| c.typ == ACCESS_TYP)
            .map(|c| c.sid)
    }

    /// A token saying that `user_id` gave the right password and must now give a second factor.
    pub fn sign_mfa_pending(&self, user_id: &str, now_secs: i64, ttl_secs: i64) -> String {
        self.encode(&MfaPendingClaims {
            sub: user_id.to_string(),
            typ: MFA_PENDING_TYP.to_string(),
            aud: MFA_AUDIENCE.to_string(),
            iat: now_secs,
            exp: now_secs + ttl_secs,
        })
    }

    /// The claims of a valid, unexpired MFA pending token; `None` otherwise, and for an access
    /// token.
    pub fn verify_mfa_pending(&self, token: &str) -> Option<MfaPendingClaims> {
        decode::<MfaPendingClaims>(token, &self.decoding, &self.mfa_validation)
            .ok()
            .map(|d| d.claims)
            .filter(|c| c.typ == MFA_PENDING_TYP && c.aud == MFA_AUDIENCE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(b"0123456789abcdef0123456789abcdef")
    }

    fn now() -> i64 {
        chrono::Utc::now().timestamp()
    }

    #[test]
    fn a_signed_token_verifies_and_a_tampered_one_does_not() {
        let keys = keys();
        let t = keys.sign("u1", "s1", now(), 60);
        let c = keys.verify(&t).unwrap();
        assert_eq!((c.sub.as_str(), c.sid.as_str()), ("u1", "s1"));
        let other = JwtKeys::new(b"another-secret-another-secret-xx");
        assert!(other.verify(&t).is_none());
        assert_eq!(keys.session_of(&t).as_deref(), Some("s1"));
        assert!(other.session_of(&t).is_none());
        let expired = keys.sign("u1", "s1", now() - 3600, 60);
        assert!(keys.verify(&expired).is_none());
        assert_eq!(keys.session_of(&expired).as_deref(), Some("s1"));
        assert!(keys.verify(&format!("{t}x")).is_none());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = keys();
        assert!(keys
            .verify(&keys.sign("u1", "s1", now() - 120, 60))
            .is_none());
        assert!(keys
            .verify_mfa_pending(&keys.sign_mfa_pending("u1", now() - 400, 300))
            .is_none());
    }

    #[test]
    fn an_mfa_pending_token_verifies_only_as_such() {
        let keys = keys();
        let pending = keys.sign_mfa_pending("u1", now(), 300);
        assert_eq!(keys.verify_mfa_pending(&pending).unwrap().sub, "u1");
        assert!(keys.verify(&pending).is_none(), "not an access token");
        let access = keys.sign("u1", "s1", now(), 60);
        assert!(
            keys.verify_mfa_pending(&access).is_none(),
            "not a pending token"
        );
    }

    #[test]
    fn a_token_without_the_access_type_is_not_an_access_token() {
        let keys = keys();
        // Signed with our key and shaped like an access token, but of no declared kind.
        let untyped = keys.encode(&serde_json::json!({
            "sub": "u1", "sid": "s1", "iat": now(), "exp": now() + 60
        }));
        assert!(keys.verify(&untyped).is_none());
        // The right type but an audience: still refused.
        let with_aud = keys.encode(&serde_json::json!({
            "sub": "u1", "sid": "s1", "typ": "access", "aud": MFA_AUDIENCE,
            "iat": now(), "exp": now() + 60
        }));
        assert!(keys.verify(&with_aud).is_none());
        // A pending token whose type was swapped for the access type.
        let mislabelled = keys.encode(&serde_json::json!({
            "sub": "u1", "typ": "access", "aud": MFA_AUDIENCE, "iat": now(), "exp": now() + 60
        }));
        assert!(keys.verify_mfa_pending(&mislabelled).is_none());
        assert!(keys.verify(&mislabelled).is_none());
    }
}
