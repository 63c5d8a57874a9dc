//! The fields of bookmarks, folders, tags and teams, each checked once at the edge.

use crate::domain::error::DomainError;

/// Tags one person can have in one organization.
pub const MAX_TAGS_PER_PERSON: i64 = 1_000;
/// Folders one person can have in one organization.
pub const MAX_FOLDERS_PER_PERSON: i64 = 1_000;
/// Teams one organization can have.
pub const MAX_TEAMS_PER_ORGANIZATION: i64 = 500;
/// Folders or tags on one bookmark.
pub const MAX_LABELS_PER_ITEM: usize = 100;
/// People or teams one bookmark or folder is shared with one by one.
pub const MAX_SHARES_PER_ITEM: usize = 500;

/// The refusal when a person (or organization) already has `max` of `what`.
pub fn over_count(count: i64, max: i64, what: &str) -> Result<(), DomainError> {
    if count >= max {
        return Err(DomainError::invalid(format!(
            "You can have at most {max} {what}; delete some first"
        )));
    }
    Ok(())
}
use crate::domain::ids::parse_id;

/// A bookmark title: trimmed, 1–500 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Title(String);

impl Title {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        required_text(raw, "Title", 500).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A value read back from the database, where only checked values are written (the store
    /// takes this type): kept as it is, so an edit of other fields never trips over a value
    /// written under older rules. Not for input.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }
}

/// Where a bookmark points: an absolute `http` or `https` URL of at most 2048 characters.
/// Anything a browser would run instead of fetch (`javascript:`, `data:`, `vbscript:`) is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetUrl(String);

impl TargetUrl {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let u = raw.trim();
        if u.is_empty() {
            return Err(DomainError::invalid("URL is required"));
        }
        if u.chars().count() > 2048 {
            return Err(DomainError::invalid(
                "URL must be no more than 2048 characters",
            ));
        }
        printable(u, "URL")?;
        let parsed = url::Url::parse(u).map_err(|_| DomainError::invalid("Invalid URL"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(DomainError::invalid(
                "URL must use http or https (javascript:, data: and vbscript: are not allowed)",
            ));
        }
        // The text as given (trimmed), not the parser's normalization: people expect their URL back.
        Ok(Self(u.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A value read back from the database, where only checked values are written (the store
    /// takes this type): kept as it is, so an edit of other fields never trips over a value
    /// written under older rules. Not for input.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }
}

/// A go-link name: 1–255 of `A-Z a-z 0-9 _ -`. Compared case-insensitively, stored as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(DomainError::invalid("Slug must not be empty"));
        }
        if s.len() > 255 {
            return Err(DomainError::invalid(
                "Slug must be no more than 255 characters",
            ));
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err(DomainError::invalid(
                "Slug may only contain letters, numbers, hyphens and underscores",
            ));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A value read back from the database, where only checked values are written (the store
    /// takes this type): kept as it is, so an edit of other fields never trips over a value
    /// written under older rules. Not for input.
    pub fn from_stored(stored: String) -> Self {
        Self(stored)
    }

    /// The form slugs are compared in.
    pub fn lower(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

/// A slug that may be left out: absent or blank reads as none.
pub fn optional_slug(raw: Option<&str>) -> Result<Option<Slug>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => Slug::parse(s).map(Some),
    }
}

/// Whether a bookmark forwards `/go/<slug>` to its URL: only when asked, as the published API's
/// create does (`forwarding_enabled` defaults to false), for a bookmark made by hand and one
/// read from a file alike. Forwarding needs a slug. (A browser file's keyword asks for
/// forwarding: that is the file format's meaning, read by its parser.)
pub fn forwarding(asked: Option<bool>, has_slug: bool) -> Result<bool, DomainError> {
    let on = asked.unwrap_or(false);
    if on && !has_slug {
        return Err(DomainError::invalid(
            "Slug is required when forwarding is enabled",
        ));
    }
    Ok(on)
}

/// A new bookmark's own fields, checked: what creating one by hand and importing one both build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBookmark {
    pub title: Title,
    pub url: TargetUrl,
    pub slug: Option<Slug>,
    pub forwarding_enabled: bool,
    pub pinned: bool,
}

impl NewBookmark {
    /// Checks title, URL, slug and forwarding, in that order; the error is the first problem.
    pub fn parse(
        title: &str,
        url: &str,
        slug: Option<&str>,
        forwarding_enabled: Option<bool>,
        pinned: bool,
    ) -> Result<Self, DomainError> {
        let title = Title::parse(title)?;
        let url = TargetUrl::parse(url)?;
        let slug = optional_slug(slug)?;
        let forwarding_enabled = forwarding(forwarding_enabled, slug.is_some())?;
        Ok(Self {
            title,
            url,
            slug,
            forwarding_enabled,
            pinned,
        })
    }
}

/// A folder's name: 1–255 characters, unique per owner.
pub fn folder_name(raw: &str) -> Result<String, DomainError> {
    required_text(raw, "Folder name", 255)
}

/// A folder's icon (an emoji or a short name): at most 50 characters; blank removes it.
pub fn folder_icon(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    optional_text(raw, "Icon", 50)
}

/// A tag's name: 1–100 characters, unique per owner.
pub fn tag_name(raw: &str) -> Result<String, DomainError> {
    required_text(raw, "Tag name", 100)
}

/// A team's name: 1–255 characters, unique in its organization.
pub fn team_name(raw: &str) -> Result<String, DomainError> {
    let name = required_text(raw, "Team name", 255)?;
    crate::domain::account::single_line(&name, "Team name")?;
    Ok(name)
}

/// A team's description: at most 500 characters; blank removes it.
pub fn team_description(raw: Option<&str>) -> Result<Option<String>, DomainError> {
    optional_text(raw, "Description", 500)
}

/// A list of ids as a request gives them, deduplicated (and sorted); an entry that is not a
/// UUID is refused naming `field`.
pub fn id_list(raw: &[String], field: &str) -> Result<Vec<String>, DomainError> {
    let mut seen = std::collections::BTreeSet::new();
    for r in raw {
        let id = parse_id(r.trim())
            .ok_or_else(|| DomainError::invalid(format!("{field} contains an invalid id")))?;
        seen.insert(id);
    }
    Ok(seen.into_iter().collect())
}

/// Refuses text of more than `max` characters as it was sent, white space included: the limit
/// the API document states is on what is sent, not on what is kept after trimming.
pub(crate) fn within(raw: &str, field: &str, max: usize) -> Result<(), DomainError> {
    if raw.chars().count() > max {
        return Err(DomainError::invalid(format!(
            "{field} must be no more than {max} characters"
        )));
    }
    Ok(())
}

/// Trimmed text that must be present and at most `max` characters; `field` names it in errors.
pub fn required_text(raw: &str, field: &str, max: usize) -> Result<String, DomainError> {
    within(raw, field, max)?;
    let t = raw.trim();
    if t.is_empty() {
        return Err(DomainError::invalid(format!("{field} is required")));
    }
    bounded(t, field)
}

/// Trimmed optional text of at most `max` characters; empty reads as absent (`null`, not `""`).
pub fn optional_text(
    raw: Option<&str>,
    field: &str,
    max: usize,
) -> Result<Option<String>, DomainError> {
    if let Some(r) = raw {
        within(r, field, max)?;
    }
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => bounded(t, field).map(Some),
    }
}

/// Trimmed text already [`within`] its limit: printable, kept.
fn bounded(t: &str, field: &str) -> Result<String, DomainError> {
    printable(t, field)?;
    Ok(t.to_string())
}

/// Text a person typed holds no control characters but tab, carriage return and newline: they
/// are invisible, break the pages and files that show the text, and PostgreSQL cannot store NUL
/// at all, so both databases refuse them alike, here.
pub fn printable(t: &str, field: &str) -> Result<(), DomainError> {
    if t.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(DomainError::invalid(format!(
            "{field} must not contain control characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(e: DomainError) -> String {
        match e {
            DomainError::Invalid(m) => m,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn control_characters_are_refused_but_tabs_and_newlines_kept() {
        for bad in [
            "a\u{0}b",
            "x\u{7}",
            "\u{1b}[31mred",
            "del\u{7f}",
            "c1\u{85}x",
        ] {
            assert_eq!(
                message(Title::parse(bad).unwrap_err()),
                "Title must not contain control characters"
            );
        }
        assert_eq!(
            message(TargetUrl::parse("https://x.io/a\u{0}").unwrap_err()),
            "URL must not contain control characters"
        );
        assert_eq!(
            optional_text(Some("line\r\nnext\tcol"), "Description", 500).unwrap(),
            Some("line\r\nnext\tcol".to_string())
        );
    }

    #[test]
    fn titles_are_trimmed_required_and_bounded() {
        assert_eq!(Title::parse("  Docs ").unwrap().as_str(), "Docs");
        assert_eq!(message(Title::parse(" ").unwrap_err()), "Title is required");
        assert!(
            Title::parse(&"é".repeat(500)).is_ok(),
            "characters, not bytes"
        );
        assert!(Title::parse(&"x".repeat(501)).is_err());
        assert!(
            Title::parse(&format!("x{}", "\u{a0}".repeat(500))).is_err(),
            "the limit counts what was sent, trailing spaces too"
        );
    }

    #[test]
    fn urls_must_be_http_or_https() {
        assert!(TargetUrl::parse("https://example.com/a?b=c#d").is_ok());
        assert!(TargetUrl::parse("http://localhost:8080").is_ok());
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " data:text/html,<script>x</script>",
            "vbscript:msgbox",
            "ftp://example.com",
            "file:///etc/passwd",
            "example.com",
            "https://",
            "",
        ] {
            assert!(TargetUrl::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn urls_are_bounded_at_2048_characters() {
        let base = "https://example.com/";
        let ok = format!("{base}{}", "a".repeat(2048 - base.len()));
        assert!(TargetUrl::parse(&ok).is_ok());
        assert!(TargetUrl::parse(&format!("{ok}a")).is_err());
    }

    #[test]
    fn slugs_allow_letters_digits_dash_and_underscore() {
        assert_eq!(Slug::parse("Team_Docs-2").unwrap().lower(), "team_docs-2");
        for bad in ["", "a b", "a/b", "ä", "a.b", "a%20"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Slug::parse(&"a".repeat(255)).is_ok());
        assert!(Slug::parse(&"a".repeat(256)).is_err());
    }

    #[test]
    fn forwarding_is_off_unless_asked() {
        let b =
            NewBookmark::parse(" Docs ", "https://d.example", Some(" docs "), None, false).unwrap();
        assert_eq!(
            (b.title.as_str(), b.slug.as_ref().map(Slug::as_str)),
            ("Docs", Some("docs"))
        );
        assert!(!b.forwarding_enabled);
        let on = NewBookmark::parse("D", "https://d.example", Some("d"), Some(true), false);
        assert!(on.unwrap().forwarding_enabled);
        let plain = NewBookmark::parse("D", "https://d.example", Some("  "), None, false);
        assert_eq!(plain.unwrap().slug, None);
        assert_eq!(
            message(
                NewBookmark::parse("D", "https://d.example", None, Some(true), false).unwrap_err()
            ),
            "Slug is required when forwarding is enabled"
        );
    }

    #[test]
    fn id_lists_are_deduplicated_and_refuse_non_ids() {
        let a = "0b8f5e3c-6a8e-4c55-9d43-1f4f6f1f2a01".to_string();
        let b = "0b8f5e3c-6a8e-4c55-9d43-1f4f6f1f2a00".to_string();
        assert_eq!(
            id_list(&[a.clone(), format!(" {b} "), a.clone()], "tag_ids").unwrap(),
            [b, a]
        );
        assert_eq!(
            message(id_list(&["nope".into()], "tag_ids").unwrap_err()),
            "tag_ids contains an invalid id"
        );
    }

    #[test]
    fn optional_text_reads_empty_as_absent() {
        assert_eq!(optional_text(Some("  "), "Icon", 50).unwrap(), None);
        assert_eq!(optional_text(None, "Icon", 50).unwrap(), None);
        assert_eq!(
            optional_text(Some(" 📁 "), "Icon", 50).unwrap().as_deref(),
            Some("📁")
        );
        assert_eq!(
            message(optional_text(Some(&"x".repeat(51)), "Icon", 50).unwrap_err()),
            "Icon must be no more than 50 characters"
        );
    }
}
