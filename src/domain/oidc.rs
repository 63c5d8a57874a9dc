//! The settings of an OpenID provider a self-hosted admin sets up, validated: its key (which
//! names it in `/api/auth/<key>`), name, issuer, client and scopes, and what happens to a new
//! face (`auto_create_users`, `default_role`).

use super::library::required_text;
use super::DomainError;

/// Names under `/api/auth/` that the API itself uses; no provider may take them.
const RESERVED: &[&str] = &[
    "callback",
    "login",
    "logout",
    "me",
    "mfa",
    "providers",
    "refresh",
    "register",
    "resume",
    "request-signup-resend",
    "resend-signup-verification",
    "setup",
    "signup-verification",
    "verify-signup",
];

pub const DEFAULT_SCOPES: &str = "openid email profile";

/// A provider's key: 1 to 50 of `a-z 0-9 - _`, starting with a letter or digit.
pub fn provider_key(raw: &str) -> Result<String, DomainError> {
    let k = raw;
    let ok = (1..=50).contains(&k.len())
        && k.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && k.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if !ok {
        return Err(DomainError::invalid(
            "Provider key must be 1 to 50 lowercase letters, digits, - or _",
        ));
    }
    if RESERVED.contains(&k) {
        return Err(DomainError::invalid(format!(
            "Provider key \"{k}\" is taken by the API"
        )));
    }
    Ok(k.to_string())
}

/// The name people see on the sign-in button.
pub fn provider_name(raw: &str) -> Result<String, DomainError> {
    required_text(raw, "Provider name", 100)
}

/// The issuer's URL, where `/.well-known/openid-configuration` is found: `http` or `https`, a
/// host name or IPv4 address, an optional port (1–65535), and a path of letters, digits and
/// `. _ ~ -`; no query, fragment, user or space. Exactly what the API document's pattern says.
pub fn issuer_url(raw: &str) -> Result<String, DomainError> {
    let refused = || {
        DomainError::invalid("Issuer URL must be an http or https URL without query or fragment")
    };
    if raw.trim().is_empty() {
        return Err(DomainError::invalid("Issuer URL is required"));
    }
    super::library::within(raw, "Issuer URL", 2048)?;
    if !plain_http_url(raw) || url::Url::parse(raw).is_err() {
        return Err(refused());
    }
    Ok(raw.to_string())
}

/// `http(s)://host[:port][/path]` as [`issuer_url`] describes it.
fn plain_http_url(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &s[8..]
    } else if lower.starts_with("http://") {
        &s[7..]
    } else {
        return false;
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    let port_ok = port.is_none_or(|p| {
        !p.starts_with('0') && p.len() <= 5 && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    let path_ok = path
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._~-".contains(&b));
    port_ok && path_ok && (ipv4(host) || dns_name(host))
}

/// Dotted labels of letters, digits and `-`, the last one starting with a letter.
fn dns_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    let last = labels.last().copied().unwrap_or_default();
    labels
        .iter()
        .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        && last.starts_with(|c: char| c.is_ascii_alphabetic())
}

/// Four decimal octets, 0–255, without leading zeros.
fn ipv4(host: &str) -> bool {
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets.iter().all(|o| {
            !o.is_empty()
                && o.len() <= 3
                && o.bytes().all(|b| b.is_ascii_digit())
                && (o.len() == 1 || !o.starts_with('0'))
                && o.parse::<u16>().is_ok_and(|n| n <= 255)
        })
}

/// The client id the provider issued: printable ASCII, no spaces (OAuth 2.0's `VSCHAR`s).
pub fn client_id(raw: &str) -> Result<String, DomainError> {
    let id = required_text(raw, "Client ID", 255)?;
    if id.contains(char::is_whitespace) {
        return Err(DomainError::invalid("Client ID must not contain spaces"));
    }
    if !id.chars().all(|c| c.is_ascii_graphic()) {
        return Err(DomainError::invalid(
            "Client ID must be made of printable ASCII characters",
        ));
    }
    Ok(id)
}

/// The secret the provider issued: printable ASCII, at most 1,000 characters, with no space at
/// either end (a pasted secret is trimmed by the form, never by the API).
pub fn client_secret(raw: &str) -> Result<String, DomainError> {
    if raw.is_empty() {
        return Err(DomainError::invalid("Client secret is required"));
    }
    super::library::within(raw, "Client secret", 1000)?;
    let ascii = raw.bytes().all(|b| (b' '..=b'~').contains(&b));
    if !ascii || raw.starts_with(' ') || raw.ends_with(' ') {
        return Err(DomainError::invalid(
            "Client secret must be printable ASCII with no space at either end",
        ));
    }
    Ok(raw.to_string())
}

/// Space-separated scope names; `openid` is always among them.
pub fn scopes(raw: &str) -> Result<String, DomainError> {
    let mut names: Vec<&str> = raw.split_whitespace().collect();
    let ok = names.iter().all(|s| {
        s.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    });
    if !ok || raw.len() > 500 {
        return Err(DomainError::invalid(
            "Scopes must be scope names separated by spaces (at most 500 characters)",
        ));
    }
    if !names.contains(&"openid") {
        names.insert(0, "openid");
    }
    names.dedup();
    Ok(names.join(" "))
}

/// What a person who signs in for the first time becomes: `user` or an instance `admin`.
pub fn default_role(raw: &str) -> Result<String, DomainError> {
    match raw.trim() {
        r @ ("user" | "admin") => Ok(r.to_string()),
        _ => Err(DomainError::invalid(
            "default_role must be \"user\" or \"admin\"",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_url_safe_names_and_not_the_apis_own() {
        assert!(provider_key(" google ").is_err());
        assert_eq!(provider_key("corp-sso_2").unwrap(), "corp-sso_2");
        for bad in [
            "",
            "Google",
            "-x",
            "a/b",
            "a b",
            "login",
            "callback",
            &"a".repeat(51),
        ] {
            assert!(provider_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn issuers_are_plain_http_urls() {
        assert!(issuer_url("https://accounts.example.com").is_ok());
        assert!(issuer_url("http://127.0.0.1:8080/realms/x").is_ok());
        assert!(issuer_url("HTTPS://Login.Example.com:65535/a/b_c~d").is_ok());
        for bad in [
            "",
            "ftp://x",
            "https://x?y=1",
            "https://x#f",
            "not a url",
            "HTTPS://QNi0EM.c*",
            " https://x.example",
            "https://x.example ",
            "https://u@x.example",
            "https://x.example:0",
            "https://x.example:65536",
            "https://x.example:080",
            "https://1.2.3.256",
            "https://x.1",
            "https://x..example",
            "https://x.example/a%20b",
        ] {
            assert!(issuer_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scopes_always_hold_openid() {
        assert_eq!(scopes("email profile").unwrap(), "openid email profile");
        assert_eq!(scopes("openid  email").unwrap(), "openid email");
        assert_eq!(scopes("").unwrap(), "openid");
        assert!(scopes("email \"x\"").is_err());
    }

    #[test]
    fn roles_and_text() {
        assert!(default_role("admin").is_ok());
        assert!(default_role("owner").is_err());
        assert!(client_id("a b").is_err());
        assert!(client_id("<ôO").is_err());
        assert_eq!(client_id(" slugbase-app.1 ").unwrap(), "slugbase-app.1");
        assert!(provider_name("Corp\u{7}").is_err());
        assert!(client_secret("  ").is_err());
        assert!(client_secret(" s3cret").is_err());
        assert!(client_secret("s3cret ").is_err());
        assert!(client_secret("sécret").is_err());
        assert!(client_secret(&"x".repeat(1001)).is_err());
        assert_eq!(client_secret("a b~").unwrap(), "a b~");
    }
}
