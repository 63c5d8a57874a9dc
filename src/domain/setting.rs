//! An organization's settings: named values an owner or admin keeps. A setting whose name ends
//! in `_secret`, `_password` or `_key` is write-only: it is read back masked.

use super::library::printable;
use super::DomainError;

/// What a secret setting reads as once set.
pub const MASK: &str = "***SET***";
pub const MAX_VALUE: usize = 4096;
/// How many settings one organization may keep.
pub const MAX_PER_ORG: i64 = 200;

/// `[a-z0-9_]`, starting with a letter, at most 64 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingKey(String);

impl SettingKey {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let k = raw.trim();
        let ok = (1..=64).contains(&k.len())
            && k.starts_with(|c: char| c.is_ascii_lowercase())
            && k.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            return Err(DomainError::invalid(
                "Setting key must be 1 to 64 lowercase letters, digits or underscores, starting with a letter",
            ));
        }
        Ok(Self(k.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the value is write-only.
    pub fn is_secret(&self) -> bool {
        ["_secret", "_password", "_key"]
            .iter()
            .any(|s| self.0.ends_with(s))
    }

    /// The value as it may be shown.
    pub fn shown(&self, value: &str) -> String {
        match (self.is_secret(), value.is_empty()) {
            (true, false) => MASK.to_string(),
            _ => value.to_string(),
        }
    }
}

/// A setting's value: any printable text up to [`MAX_VALUE`] bytes.
pub fn setting_value(raw: &str) -> Result<String, DomainError> {
    if raw.len() > MAX_VALUE {
        return Err(DomainError::invalid(format!(
            "Setting value must be no more than {MAX_VALUE} bytes"
        )));
    }
    printable(raw, "Setting value")?;
    Ok(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_plain_names() {
        assert_eq!(
            SettingKey::parse(" smtp_host ").unwrap().as_str(),
            "smtp_host"
        );
        for bad in ["", "Smtp", "1x", "a-b", "a b", &"a".repeat(65), "é"] {
            assert!(SettingKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_read_back_masked() {
        let k = SettingKey::parse("smtp_password").unwrap();
        assert_eq!(k.shown("hunter2"), MASK);
        assert_eq!(k.shown(""), "");
        assert!(SettingKey::parse("ai_api_key").unwrap().is_secret());
        assert!(SettingKey::parse("oidc_client_secret").unwrap().is_secret());
        let plain = SettingKey::parse("site_name").unwrap();
        assert_eq!(plain.shown("Acme"), "Acme");
        assert!(!SettingKey::parse("keyboard").unwrap().is_secret());
    }
}
