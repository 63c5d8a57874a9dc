//! Account fields: email addresses, display names and passwords.

use crate::domain::error::DomainError;

/// A trimmed, lower-cased address of the form `x@y.z`, at most 255 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let e = raw.trim().to_lowercase();
        if e.is_empty() {
            return Err(DomainError::invalid("Email is required"));
        }
        if e.chars().count() > 255 {
            return Err(DomainError::invalid(
                "Email must be no more than 255 characters",
            ));
        }
        if !looks_like_email(&e) {
            return Err(DomainError::invalid("Invalid email format"));
        }
        Ok(Self(e))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address the mailer can send to (lettre's RFC 5321 grammar, the one `mail.rs` uses), with
/// a dotted domain. One grammar for both, so no account is made that can never get its email.
fn looks_like_email(e: &str) -> bool {
    if e.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    if e.parse::<lettre::Address>().is_err() {
        return false;
    }
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    if local.is_empty() || domain.contains('@') {
        return false;
    }
    match domain.rsplit_once('.') {
        Some((host, tld)) => !host.is_empty() && !tld.is_empty() && !domain.contains(".."),
        None => false,
    }
}

/// The rule every name (a person's, an organization's, a token's) follows: trimmed, present,
/// and at most `max` characters; `what` names it in the refusal.
pub(crate) fn bounded_name(raw: &str, what: &str, max: usize) -> Result<String, DomainError> {
    crate::domain::library::within(raw, what, max)?;
    let name = raw.trim();
    if name.is_empty() {
        return Err(DomainError::invalid(format!("{what} is required")));
    }
    crate::domain::library::printable(name, what)?;
    single_line(name, what)?;
    Ok(name.to_string())
}

/// A name shows on one line (in a list, an email's subject, a log line): no line break, tab or
/// line separator, so none can forge another line where it is written.
pub(crate) fn single_line(name: &str, what: &str) -> Result<(), DomainError> {
    if name.contains(['\n', '\r', '\t', '\u{2028}', '\u{2029}']) {
        return Err(DomainError::invalid(format!("{what} must be on one line")));
    }
    Ok(())
}

/// A person's display name: trimmed, 1–255 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        bounded_name(raw, "Name", 255).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the policy: 8–128 characters with an upper-case letter, a lower-case
/// letter, a digit and a symbol. Its `Debug` never shows the value.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    /// Checks the policy, naming the first rule broken (in the published API's order and words).
    /// The four classes are ASCII ones, as in the original server and the OpenAPI pattern: an
    /// `Ä` alone is not the upper-case letter, nor a `€` alone the symbol.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let n = raw.chars().count();
        let fail = |m: &str| Err(DomainError::invalid(m));
        if raw.is_empty() {
            return fail("Password is required");
        }
        if n < 8 {
            return fail("Password must be at least 8 characters long");
        }
        if n > 128 {
            return fail("Password must be no more than 128 characters");
        }
        if !raw.chars().any(|c| c.is_ascii_uppercase()) {
            return fail("Password must contain at least one uppercase letter");
        }
        if !raw.chars().any(|c| c.is_ascii_lowercase()) {
            return fail("Password must contain at least one lowercase letter");
        }
        if !raw.chars().any(|c| c.is_ascii_digit()) {
            return fail("Password must contain at least one number");
        }
        if !raw.chars().any(|c| c.is_ascii_punctuation()) {
            return fail("Password must contain at least one special character");
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The languages the interface speaks.
pub const LANGUAGES: &[&str] = &["en", "de", "fr", "es", "it", "nl", "pt", "pl", "ja", "zh"];
/// The interface's colour themes.
pub const THEMES: &[&str] = &["auto", "light", "dark"];

/// `raw` when it is one of `allowed`, spelled exactly; `field` names it in the refusal.
fn one_of(raw: String, field: &str, allowed: &[&str]) -> Result<String, DomainError> {
    if allowed.contains(&raw.as_str()) {
        return Ok(raw);
    }
    Err(DomainError::invalid(format!(
        "{field} must be one of: {}",
        allowed.join(", ")
    )))
}

/// A language of the interface, spelled as in [`LANGUAGES`].
pub fn parse_language(raw: String) -> Result<String, DomainError> {
    one_of(raw, "language", LANGUAGES)
}

/// A colour theme, spelled as in [`THEMES`].
pub fn parse_theme(raw: String) -> Result<String, DomainError> {
    one_of(raw, "theme", THEMES)
}

/// Personal API tokens a person may hold at once.
pub const MAX_LIVE_TOKENS: i64 = 10;

/// May a person who holds `live` tokens create another?
pub fn check_token_allowance(live: i64) -> Result<(), DomainError> {
    if live >= MAX_LIVE_TOKENS {
        return Err(DomainError::invalid(format!(
            "Maximum of {MAX_LIVE_TOKENS} tokens per user. Revoke an existing token first."
        )));
    }
    Ok(())
}

/// A personal API token's name: trimmed, 1–100 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    pub fn parse(raw: Option<&str>) -> Result<Self, DomainError> {
        bounded_name(raw.unwrap_or(""), "Token name", 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
    }

    #[test]
    fn emails_without_a_dotted_domain_are_refused() {
        for bad in [
            "ann",
            "ann@",
            "@x.io",
            "ann@example",
            "a@b@c.io",
            "a b@c.io",
            "a@.io",
            "a@b..io",
            // Accepted by a looser check once, refused by the mailer after the account existed.
            "q\"x@w.test",
            "(c)x@w.test",
            ".dot@w.test",
            "dot.@w.test",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn an_empty_email_says_it_is_required() {
        let err = Email::parse("  ").unwrap_err();
        assert_eq!(err, DomainError::invalid("Email is required"));
    }

    #[test]
    fn overlong_email_is_refused() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn password_needs_all_four_classes_and_8_to_128_chars() {
        assert!(Password::parse("Secret-123").is_ok());
        assert!(
            Password::parse("short1!A").is_ok(),
            "8 characters is enough"
        );
        for bad in [
            "alllowercase1!",
            "ALLUPPER1!",
            "NoDigits!!",
            "NoSymbol123",
            "Aa1!",
            "ÄÖÜäöü123!",
            "ĨĽȾaaaa1!",
            "Secret123€",
            "Secret123🏻",
        ] {
            assert!(Password::parse(bad).is_err(), "{bad} should be refused");
        }
        assert!(Password::parse(&format!("Aa1!{}", "x".repeat(125))).is_err());
    }

    #[test]
    fn password_debug_hides_the_value() {
        let p = Password::parse("Secret-123").unwrap();
        assert!(!format!("{p:?}").contains("Secret"));
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse(" Ann ").unwrap().as_str(), "Ann");
        assert!(PersonName::parse("").is_err());
        assert!(PersonName::parse(&"x".repeat(256)).is_err());
    }

    #[test]
    fn token_names_are_trimmed_and_bounded() {
        assert_eq!(TokenName::parse(Some(" ci ")).unwrap().as_str(), "ci");
        assert_eq!(
            TokenName::parse(None),
            Err(DomainError::invalid("Token name is required"))
        );
        assert!(TokenName::parse(Some(" ")).is_err());
        assert!(TokenName::parse(Some(&"x".repeat(100))).is_ok());
        assert!(TokenName::parse(Some(&"x".repeat(101))).is_err());
    }

    #[test]
    fn a_person_holds_at_most_ten_tokens() {
        assert!(check_token_allowance(9).is_ok());
        assert_eq!(
            check_token_allowance(10),
            Err(DomainError::invalid(
                "Maximum of 10 tokens per user. Revoke an existing token first."
            ))
        );
    }

    #[test]
    fn languages_and_themes_are_spelled_one_way() {
        assert_eq!(parse_language("de".into()), Ok("de".to_string()));
        assert!(parse_language("DE".into()).is_err());
        assert_eq!(
            parse_theme("neon".into()),
            Err(DomainError::invalid(
                "theme must be one of: auto, light, dark"
            ))
        );
    }
}
