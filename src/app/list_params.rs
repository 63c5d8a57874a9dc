//! The parameters of the lists as a request gives them (query string or form), parsed once for
//! the JSON API and the pages, and the paging rules every list follows.

use crate::domain::ids::parse_id;
use crate::domain::link_health::LinkStatus;
use crate::domain::{DomainError, SearchTerms};
use crate::error::{AppError, Result};
use crate::store::bookmark_list::{Filter, Scope, Sort};

/// A page holds this many items unless the request asks for another number.
pub const DEFAULT_LIMIT: i64 = 50;
/// No page holds more.
pub const MAX_LIMIT: i64 = 500;

/// Every filter and paging parameter, unparsed; absent and blank mean "not given".
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ListParams {
    pub folder_id: Option<String>,
    pub tag_id: Option<String>,
    pub scope: Option<String>,
    pub pinned: Option<String>,
    pub q: Option<String>,
    pub sort_by: Option<String>,
    /// `unknown`, `ok`, `redirected`, `broken` or `unreachable`.
    #[serde(default)]
    pub link_status: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// The white space a blank value may hold: exactly what `\s` means in the OpenAPI document's
/// patterns (JavaScript's white space and line terminators), so that a client and the server
/// agree on which values are blank. (Rust's `trim` differs: it takes U+0085, not U+FEFF.)
pub fn is_blank_char(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// The value without blank characters around it, or `None` when absent or blank.
pub fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref()
        .map(|s| s.trim_matches(is_blank_char))
        .filter(|s| !s.is_empty())
}

fn filter_id(v: &Option<String>, name: &str) -> Result<Option<String>> {
    present(v)
        .map(|s| parse_id(s).ok_or_else(|| AppError::bad_request(format!("Invalid {name}"))))
        .transpose()
}

/// A whole number; one too large to hold is as large as can be (the paging rules clamp it), so
/// any integer the document allows is taken.
pub fn number(v: &Option<String>, name: &str) -> Result<Option<i64>> {
    present(v)
        .map(|s| {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(AppError::bad_request(format!("{name} must be a number")));
            }
            Ok(s.parse::<i64>().unwrap_or(if s.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            }))
        })
        .transpose()
}

/// One of the `allowed` values (`parse` reads them), or `None` when absent or blank; any other
/// value is refused with a message naming them all.
pub fn choice<T>(
    v: &Option<String>,
    name: &str,
    allowed: &[&str],
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>> {
    present(v)
        .map(|s| {
            parse(s).ok_or_else(|| {
                AppError::bad_request(format!("{name} must be one of {}", allowed.join(", ")))
            })
        })
        .transpose()
}

/// A list's `scope`: whose items it shows (absent or blank: all the caller can see).
pub fn scope(v: &Option<String>) -> Result<Scope> {
    Ok(choice(v, "scope", Scope::NAMES, Scope::parse)?.unwrap_or_default())
}

/// Where a page starts and how long it is, by the rules of every list: `limit` defaults to
/// [`DEFAULT_LIMIT`] and is held to 1–[`MAX_LIMIT`]; `offset` defaults to 0 and must not be
/// negative.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Paging {
    pub limit: i64,
    pub offset: i64,
}

impl Paging {
    pub fn new(limit: Option<i64>, offset: Option<i64>) -> Result<Self> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let offset = offset.unwrap_or(0);
        if offset < 0 {
            return Err(DomainError::invalid("offset must not be negative").into());
        }
        Ok(Self { limit, offset })
    }

    /// `limit` and `offset` as a request gives them.
    pub fn parse(limit: &Option<String>, offset: &Option<String>) -> Result<Self> {
        Self::new(number(limit, "limit")?, number(offset, "offset")?)
    }

    /// As [`Paging::parse`], except that without a `limit` the page holds every item: the
    /// original SlugBase answers its folder, tag and user lists so, and its client reads them so.
    pub fn parse_or_all(limit: &Option<String>, offset: &Option<String>) -> Result<Self> {
        if present(limit).is_some() {
            return Self::parse(limit, offset);
        }
        let mut all = Self::new(None, number(offset, "offset")?)?;
        all.limit = i64::MAX;
        Ok(all)
    }

    /// Whether items remain after a page of `shown` items out of `total`.
    pub fn has_more(&self, shown: usize, total: i64) -> bool {
        self.offset.saturating_add(shown as i64) < total
    }

    /// Whether the page starts past the last of `total` items (so there is nothing to read).
    pub fn past_end(&self, total: i64) -> bool {
        self.offset >= total
    }
}

/// One page of a list: its items, how many there are in all and whether more follow.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub has_more: bool,
}

impl ListParams {
    pub fn filter(&self) -> Result<(Filter, Sort)> {
        let scope = scope(&self.scope)?;
        let sort = match present(&self.sort_by) {
            None => Sort::RecentlyAdded,
            Some(s) => Sort::parse(s).ok_or_else(|| {
                AppError::bad_request(
                    "sort_by must be one of recently_added, alphabetical, most_used, recently_accessed",
                )
            })?,
        };
        let pinned = match present(&self.pinned) {
            None => None,
            Some("true" | "1") => Some(true),
            Some("false" | "0") => Some(false),
            Some(_) => return Err(AppError::bad_request("pinned must be true or false")),
        };
        let filter = Filter {
            scope,
            folder_id: filter_id(&self.folder_id, "folder_id")?,
            tag_id: filter_id(&self.tag_id, "tag_id")?,
            pinned,
            terms: present(&self.q).and_then(SearchTerms::parse),
            link_status: choice(
                &self.link_status,
                "link_status",
                LinkStatus::NAMES,
                LinkStatus::parse,
            )?,
        };
        Ok((filter, sort))
    }

    /// `limit` and `offset` as numbers; the use case applies the paging rules.
    pub fn page(&self) -> Result<(Option<i64>, Option<i64>)> {
        Ok((
            number(&self.limit, "limit")?,
            number(&self.offset, "offset")?,
        ))
    }
}

#[cfg(test)]
mod blank_tests {
    use super::*;

    #[test]
    fn blank_is_what_the_documents_pattern_calls_white_space() {
        let blank = |s: &str| present(&Some(s.to_string())).is_none();
        assert!(blank(" \t\u{A0}\u{3000}\u{FEFF}"));
        assert!(
            !blank("\u{85}"),
            "NEL is not white space to JavaScript's \\s"
        );
        assert_eq!(
            number(&Some(" 12\u{2028}".into()), "limit").unwrap(),
            Some(12)
        );
        assert!(number(&Some("\u{85}".into()), "limit").is_err());
    }
}
