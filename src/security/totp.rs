//! Second factors, as pure functions: RFC 6238 time-based codes (SHA-1, 6 digits, 30-second
//! steps, one step of clock skew either way — what every authenticator app speaks) and
//! single-use backup codes. Remembering which step and which backup codes were used is the
//! store's job (`store::mfa`).

use rand::{Rng, RngCore};
use totp_rs::{Algorithm, Secret, TOTP};

use super::{constant_time_eq, sha256_hex};

/// The name authenticator apps show next to the account.
pub const ISSUER: &str = "SlugBase";
pub const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
/// Steps accepted either side of the current one, for clocks that drift.
const SKEW_STEPS: u64 = 1;
pub const BACKUP_CODE_COUNT: usize = 10;
/// Backup-code characters: lower-case letters and digits without the look-alikes 0/o, 1/i/l.
const BACKUP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A new shared secret: 20 random bytes (the 160 bits RFC 4226 recommends), base32 without
/// padding (32 characters).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded always encodes"),
    }
}

/// The `otpauth://` URL an authenticator app reads (usually from a QR code).
pub fn otpauth_url(account: &str, secret: &str) -> String {
    format!(
        "otpauth://totp/{ISSUER}:{}?secret={secret}&issuer={ISSUER}",
        encode_label(account)
    )
}

/// Percent-encodes everything but unreserved characters and `@`, so an email stays readable.
fn encode_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, DIGITS, SKEW_STEPS as u8, STEP_SECS, bytes).ok()
}

/// `code` without spaces when it is shaped like a TOTP code (six digits), `None` otherwise.
pub fn as_totp_code(code: &str) -> Option<String> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// The time step whose code `code` is, looking one step either side of `now_secs`; `None` when
/// it matches none (or the secret is unusable). Every candidate is compared, in constant time.
pub fn matching_step(secret: &str, code: &str, now_secs: u64) -> Option<u64> {
    let code = as_totp_code(code)?;
    let totp = totp(secret)?;
    let current = now_secs / STEP_SECS;
    let mut found = None;
    for step in current.saturating_sub(SKEW_STEPS)..=current + SKEW_STEPS {
        let expected = totp.generate(step * STEP_SECS);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The code for `now_secs`; for tests and tools.
pub fn code_at(secret: &str, now_secs: u64) -> Option<String> {
    totp(secret).map(|t| t.generate(now_secs))
}

/// Ten fresh backup codes shaped `xxxx-xxxx` (about 40 bits each), to be shown once.
pub fn new_backup_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..BACKUP_CODE_COUNT)
        .map(|_| {
            let chars: String = (0..8)
                .map(|_| BACKUP_ALPHABET[rng.gen_range(0..BACKUP_ALPHABET.len())] as char)
                .collect();
            format!("{}-{}", &chars[..4], &chars[4..])
        })
        .collect()
}

/// The stored digest of a backup code as typed: case, spaces and the dash do not matter.
/// `None` when the input cannot be a backup code.
pub fn backup_code_digest(input: &str) -> Option<String> {
    let chars: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if chars.len() != 8 || !chars.bytes().all(|b| BACKUP_ALPHABET.contains(&b)) {
        return None;
    }
    Some(sha256_hex(&format!("{}-{}", &chars[..4], &chars[4..])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_160_bit_base32() {
        let s = new_secret();
        assert_eq!(s.len(), 32);
        assert!(s
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
        assert_ne!(s, new_secret());
    }

    #[test]
    fn rfc_6238_sha1_vectors_match() {
        // RFC 6238 appendix B: the ASCII key "12345678901234567890", 8-digit codes; the
        // 6-digit code is the last six digits.
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        };
        for (t, code) in [
            (59, "287082"),
            (1111111109, "081804"),
            (1234567890, "005924"),
            (2000000000, "279037"),
        ] {
            assert_eq!(code_at(&secret, t).unwrap(), code, "t={t}");
        }
    }

    #[test]
    fn codes_match_within_one_step_either_way_and_not_beyond() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let step = now / STEP_SECS;
        let current = code_at(&secret, now).unwrap();
        assert_eq!(matching_step(&secret, &current, now), Some(step));
        let spaced = format!("{} {}", &current[..3], &current[3..]);
        assert_eq!(matching_step(&secret, &spaced, now), Some(step));
        let previous = code_at(&secret, now - STEP_SECS).unwrap();
        let next = code_at(&secret, now + STEP_SECS).unwrap();
        let stale = code_at(&secret, now - 3 * STEP_SECS).unwrap();
        assert_eq!(matching_step(&secret, &previous, now), Some(step - 1));
        assert_eq!(matching_step(&secret, &next, now), Some(step + 1));
        if ![&current, &previous, &next].contains(&&stale) {
            assert_eq!(matching_step(&secret, &stale, now), None);
        }
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn the_otpauth_url_names_issuer_and_account() {
        assert_eq!(
            otpauth_url("ada+mfa@example.com", "ABC"),
            "otpauth://totp/SlugBase:ada%2Bmfa@example.com?secret=ABC&issuer=SlugBase"
        );
    }

    #[test]
    fn backup_codes_are_ten_distinct_and_digest_however_typed() {
        let codes = new_backup_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        let c = &codes[0];
        assert_eq!(c.len(), 9);
        assert_eq!(&c[4..5], "-");
        let d = backup_code_digest(c).unwrap();
        assert_eq!(backup_code_digest(&c.to_uppercase()), Some(d.clone()));
        assert_eq!(backup_code_digest(&c.replace('-', "")), Some(d.clone()));
        assert_eq!(d, sha256_hex(c));
        assert_eq!(backup_code_digest("123456"), None);
        assert_eq!(backup_code_digest("abcd-efg0"), None);
    }
}
