//! Bookmark files: SlugBase's JSON export and the Netscape bookmark HTML every browser reads and
//! writes. Pure functions only: reading a file into [`Entry`]s, checking an entry, and writing
//! entries back out.
//!
//! Reading checks the shape of a file, not its values: titles, URLs, slugs and names are checked
//! entry by entry ([`Entry::validate`]), so an import can report each bad bookmark and keep the rest.
//!
//! Folders nest, as in a browser: a bookmark's folder is a [`FolderPath`], the names from the top
//! level down, never one name with separators in it (a folder may well be called "A/B").

pub mod html;
pub mod json;
pub mod netscape;

use std::collections::HashSet;

use chrono::{DateTime, NaiveDateTime};

use crate::domain::error::DomainError;
use crate::domain::library::{folder_name, tag_name, NewBookmark};

/// At most this many bookmarks per import: real browser exports run to tens of thousands.
pub const MAX_ENTRIES: usize = 100_000;

/// A folder as a file places it: its name and those of the folders around it, outermost first
/// (`["Work", "Docs"]` is Docs inside Work).
pub type FolderPath = Vec<String>;

/// A folder path as one string, `Work/Docs`, for people and for flat lists of names.
pub fn path_label(path: &[String]) -> String {
    path.join("/")
}

/// One bookmark as a file carries it, not yet checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    pub title: String,
    pub url: String,
    pub slug: Option<String>,
    /// `None` when the file does not say; then a bookmark forwards when it has a slug.
    pub forwarding_enabled: Option<bool>,
    pub pinned: bool,
    pub tags: Vec<String>,
    /// The folders it is in.
    pub folders: Vec<FolderPath>,
    /// Milliseconds since the epoch.
    pub created_at: Option<i64>,
    /// How many more times the file held this same link (in other folders): they are merged
    /// into this one entry, in all of those folders.
    pub repeats: usize,
}

/// An entry whose fields all passed the same checks creating a bookmark by hand applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidEntry {
    pub bookmark: NewBookmark,
    /// Tag names and folder paths, trimmed, without case-insensitive repeats.
    pub tags: Vec<String>,
    pub folders: Vec<FolderPath>,
    pub created_at: Option<i64>,
}

impl Entry {
    /// Checks every field with the rules of a new bookmark (the same rule as one made by hand);
    /// the error is the first problem, in words for the person importing.
    pub fn validate(&self) -> Result<ValidEntry, String> {
        let bookmark = NewBookmark::parse(
            &self.title,
            &self.url,
            self.slug.as_deref(),
            self.forwarding_enabled,
            self.pinned,
        )
        .map_err(reason)?;
        Ok(ValidEntry {
            bookmark,
            tags: names(&self.tags, tag_name)?,
            folders: paths(&self.folders)?,
            created_at: self.created_at,
        })
    }
}

/// The message of a validation error.
fn reason(e: DomainError) -> String {
    e.message()
}

/// Names checked by `parse`, with blanks dropped and later case-insensitive repeats removed.
fn names(
    raw: &[String],
    parse: fn(&str) -> Result<String, DomainError>,
) -> Result<Vec<String>, String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for r in raw.iter().filter(|r| !r.trim().is_empty()) {
        let name = parse(r).map_err(reason)?;
        if seen.insert(name.to_lowercase()) {
            out.push(name);
        }
    }
    Ok(out)
}

/// Folder paths with each name checked as a folder's, blank names and empty paths dropped, and
/// later paths that repeat an earlier one (ignoring case) removed.
fn paths(raw: &[FolderPath]) -> Result<Vec<FolderPath>, String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for path in raw {
        let mut checked = Vec::with_capacity(path.len());
        for name in path.iter().filter(|n| !n.trim().is_empty()) {
            checked.push(folder_name(name).map_err(reason)?);
        }
        if !checked.is_empty() && seen.insert(path_key(&checked)) {
            out.push(checked);
        }
    }
    Ok(out)
}

/// What tells folder paths apart: their names, ignoring case.
pub fn path_key(path: &[String]) -> Vec<String> {
    path.iter().map(|n| n.to_lowercase()).collect()
}

/// A body that is not a bookmark file at all: the whole import is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotABookmarkFile(pub String);

/// An item of a file that could not even be read as a bookmark (a JSON number, say), with what
/// could be told about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    pub title: Option<String>,
    pub url: Option<String>,
    pub error: String,
}

/// The items of a file, in order.
pub type Items = Vec<Result<Entry, Unreadable>>;

/// What a file holds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookmarkFile {
    pub items: Items,
    /// Every folder a Netscape file has, empty ones included, each after the folder it is in
    /// (a JSON file names folders only through its bookmarks: this is empty).
    pub folders: Vec<FolderPath>,
}

/// Reads an uploaded file. HTML text is a Netscape bookmark file; JSON is a SlugBase export, or
/// the text of either kind wrapped as `{"format": "json"|"html", "content": "…"}` (for clients
/// that can only send JSON).
pub fn read(text: &str, is_html: bool) -> Result<BookmarkFile, NotABookmarkFile> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(NotABookmarkFile("The import file is empty".into()));
    }
    let file = if is_html {
        let (entries, folders) = netscape::parse(text)?;
        BookmarkFile {
            items: entries.into_iter().map(Ok).collect(),
            folders,
        }
    } else {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| NotABookmarkFile(format!("The file is not valid JSON ({e})")))?;
        match v.get("content") {
            Some(content) => {
                let content = content
                    .as_str()
                    .ok_or_else(|| NotABookmarkFile("content must be a string".into()))?;
                match v.get("format").and_then(|f| f.as_str()) {
                    Some(f) if f.eq_ignore_ascii_case("html") => return read(content, true),
                    Some(f) if f.eq_ignore_ascii_case("json") => return read(content, false),
                    _ => return Err(NotABookmarkFile("format must be json or html".into())),
                }
            }
            None => BookmarkFile {
                items: json::items(v)?,
                folders: Vec::new(),
            },
        }
    };
    if file.items.len() > MAX_ENTRIES {
        return Err(NotABookmarkFile(format!(
            "Import limited to {MAX_ENTRIES} bookmarks per request"
        )));
    }
    Ok(file)
}

/// A Unix time as files write it, to milliseconds. Browsers write seconds; some tools write
/// milliseconds or microseconds, told apart by size (10^11 seconds is in the year 5138).
pub fn unix_to_millis(t: i64) -> Option<i64> {
    match t {
        t if t <= 0 => None,
        t if t < 100_000_000_000 => Some(t * 1000),
        t if t < 100_000_000_000_000 => Some(t),
        t => Some(t / 1000),
    }
}

/// A date as JSON files write it: RFC 3339 (SlugBase), `YYYY-MM-DD HH:MM:SS` in UTC (SQLite
/// timestamps in older exports), or a Unix time (see [`unix_to_millis`]).
pub fn parse_date(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_i64().and_then(unix_to_millis),
        serde_json::Value::String(s) => {
            let s = s.trim();
            if let Ok(d) = DateTime::parse_from_rfc3339(s) {
                return Some(d.timestamp_millis());
            }
            NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .ok()
                .map(|d| d.and_utc().timestamp_millis())
                .or_else(|| s.parse().ok().and_then(unix_to_millis))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(title: &str, url: &str) -> Entry {
        Entry {
            title: title.into(),
            url: url.into(),
            ..Entry::default()
        }
    }

    #[test]
    fn an_entry_forwards_only_when_asked_like_a_bookmark_made_by_hand() {
        let mut e = entry(" Docs ", "https://docs.example");
        e.slug = Some(" docs ".into());
        let v = e.validate().unwrap().bookmark;
        assert_eq!(
            (v.title.as_str(), v.slug.as_ref().map(|s| s.as_str())),
            ("Docs", Some("docs"))
        );
        assert!(!v.forwarding_enabled);
        e.forwarding_enabled = Some(true);
        assert!(e.validate().unwrap().bookmark.forwarding_enabled);
        e.slug = Some("".into());
        e.forwarding_enabled = Some(true);
        assert_eq!(
            e.validate().unwrap_err(),
            "Slug is required when forwarding is enabled"
        );
    }

    #[test]
    fn bad_fields_are_reported_in_words() {
        assert!(entry("x", "javascript:alert(1)")
            .validate()
            .unwrap_err()
            .contains("http or https"));
        assert_eq!(
            entry(&"t".repeat(501), "https://a.example")
                .validate()
                .unwrap_err(),
            "Title must be no more than 500 characters"
        );
        let mut e = entry("x", "https://a.example");
        e.slug = Some("no spaces".into());
        assert!(e.validate().unwrap_err().starts_with("Slug may only"));
        let mut e = entry("x", "https://a.example");
        e.tags = vec!["t".repeat(101)];
        assert_eq!(
            e.validate().unwrap_err(),
            "Tag name must be no more than 100 characters"
        );
    }

    #[test]
    fn names_are_trimmed_and_deduplicated_ignoring_case() {
        let mut e = entry("x", "https://a.example");
        e.tags = vec![" Rust ".into(), "rust".into(), "".into(), "Web".into()];
        e.folders = vec![
            vec!["Work".into()],
            vec!["WORK".into()],
            vec![" Work ".into(), "".into(), "Docs".into()],
            vec!["work".into(), "docs".into()],
            vec!["".into()],
        ];
        let v = e.validate().unwrap();
        assert_eq!(v.tags, ["Rust", "Web"]);
        assert_eq!(v.folders, [vec!["Work"], vec!["Work", "Docs"]]);
        e.folders = vec![vec!["Work".into(), "d".repeat(256)]];
        assert_eq!(
            e.validate().unwrap_err(),
            "Folder name must be no more than 255 characters"
        );
    }

    #[test]
    fn reads_either_kind_bare_or_wrapped_in_json() {
        let html = "<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><p><DT><A HREF=\"https://a.example\">A</A></DL>";
        let count = |text: &str, is_html| read(text, is_html).unwrap().items.len();
        assert_eq!(count(html, true), 1);
        let wrapped = serde_json::json!({"format": "HTML", "content": html}).to_string();
        assert_eq!(count(&wrapped, false), 1);
        let inner = r#"[{"title": "A", "url": "https://a.example"}]"#;
        let wrapped = serde_json::json!({"format": "json", "content": inner}).to_string();
        assert_eq!(count(&wrapped, false), 1);
        assert_eq!(count(&format!("\u{feff}{inner}"), false), 1);
    }

    #[test]
    fn refuses_empty_garbage_and_oversized_files() {
        let message = |text: &str, is_html: bool| read(text, is_html).unwrap_err().0;
        assert_eq!(message("  \n", false), "The import file is empty");
        assert_eq!(message("", true), "The import file is empty");
        assert!(message("<html>hi</html>", true).starts_with("Not a bookmark file"));
        assert!(message("hello", false).contains("not valid JSON"));
        assert_eq!(
            message(r#"{"format": "pdf", "content": "x"}"#, false),
            "format must be json or html"
        );
        assert_eq!(
            message(r#"{"format": "html", "content": 5}"#, false),
            "content must be a string"
        );
        let many = format!("[{}]", vec!["{}"; MAX_ENTRIES + 1].join(","));
        assert!(message(&many, false).starts_with("Import limited to"));
    }

    #[test]
    fn unix_times_in_seconds_milliseconds_or_microseconds() {
        assert_eq!(unix_to_millis(1_700_000_000), Some(1_700_000_000_000));
        assert_eq!(unix_to_millis(1_700_000_000_123), Some(1_700_000_000_123));
        assert_eq!(
            unix_to_millis(1_700_000_000_123_456),
            Some(1_700_000_000_123)
        );
        assert_eq!(unix_to_millis(0), None);
        assert_eq!(unix_to_millis(-5), None);
    }

    #[test]
    fn dates_in_the_forms_exports_use() {
        let ms = Some(1_700_000_000_000);
        assert_eq!(parse_date(&json!("2023-11-14T22:13:20.000Z")), ms);
        assert_eq!(parse_date(&json!("2023-11-14T23:13:20+01:00")), ms);
        assert_eq!(parse_date(&json!("2023-11-14 22:13:20")), ms);
        assert_eq!(parse_date(&json!(1_700_000_000)), ms);
        assert_eq!(parse_date(&json!("1700000000")), ms);
        assert_eq!(parse_date(&json!("yesterday")), None);
        assert_eq!(parse_date(&json!(null)), None);
    }
}
