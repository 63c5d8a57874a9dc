//! Joining an organization by email domain: the domain an owner names, and whose address it
//! admits. Only a domain the owner's own address is at can be named, and never a public mail
//! service's, where anyone can have an address.

use super::DomainError;

/// Mail services where anybody can open an address: naming one would open the organization to
/// the world.
const PUBLIC_MAIL: &[&str] = &[
    "aol.com",
    "gmail.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "outlook.com",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "t-online.de",
    "web.de",
    "yahoo.com",
    "yandex.ru",
    "zoho.com",
];

/// A lowercase DNS name with at least two labels, such as `example.com`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AutoJoinDomain(String);

impl AutoJoinDomain {
    /// Accepts `example.com`, ` Example.COM ` and `@example.com`.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let d = raw.trim().trim_start_matches('@').to_ascii_lowercase();
        if d.is_empty() {
            return Err(DomainError::invalid("Domain is required"));
        }
        let labels: Vec<&str> = d.split('.').collect();
        let label_ok = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        if d.len() > 253 || labels.len() < 2 || !labels.iter().all(label_ok) {
            return Err(DomainError::invalid(
                "Enter a domain such as example.com (no @ or spaces)",
            ));
        }
        if PUBLIC_MAIL.contains(&d.as_str()) {
            return Err(DomainError::invalid(
                "A public email service cannot be used: anyone can have an address there",
            ));
        }
        Ok(Self(d))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `email` (already validated, lowercase) is an address at this domain exactly.
    pub fn admits(&self, email: &str) -> bool {
        domain_of(email) == Some(self.0.as_str())
    }
}

/// The part after the last `@` of an address.
pub fn domain_of(email: &str) -> Option<&str> {
    email
        .rsplit_once('@')
        .map(|(_, d)| d)
        .filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_is_normalised() {
        assert_eq!(
            AutoJoinDomain::parse(" @Example.COM ").unwrap().as_str(),
            "example.com"
        );
        assert_eq!(
            AutoJoinDomain::parse("eng.example.co.uk").unwrap().as_str(),
            "eng.example.co.uk"
        );
    }

    #[test]
    fn what_is_not_a_domain_is_refused() {
        for bad in [
            "",
            "   ",
            "localhost",
            "a@b.com",
            "exa mple.com",
            "-x.com",
            "x-.com",
            "x..com",
            ".com",
            "ex_ample.com",
        ] {
            assert!(AutoJoinDomain::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(AutoJoinDomain::parse(&format!("{}.com", "a".repeat(64))).is_err());
    }

    #[test]
    fn public_mail_services_are_refused() {
        let e = AutoJoinDomain::parse("Gmail.com").unwrap_err();
        assert!(e.to_string().contains("public email service"));
    }

    #[test]
    fn only_addresses_at_the_domain_itself_are_admitted() {
        let d = AutoJoinDomain::parse("example.com").unwrap();
        assert!(d.admits("ann@example.com"));
        assert!(!d.admits("ann@eng.example.com"));
        assert!(!d.admits("ann@example.com.evil.org"));
        assert!(!d.admits("ann@notexample.com"));
        assert!(!d.admits("example.com"));
    }
}
