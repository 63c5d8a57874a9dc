//! The bookmark list's parameters as a request gives them (query string or form), parsed once
//! for the JSON API and the pages.

use crate::domain::ids::parse_id;
use crate::domain::SearchTerms;
use crate::error::{AppError, Result};
use crate::store::bookmark_list::{Filter, Scope, Sort};

/// Every filter and paging parameter, unparsed; absent and blank mean "not given".
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ListParams {
    pub folder_id: Option<String>,
    pub tag_id: Option<String>,
    pub scope: Option<String>,
    pub pinned: Option<String>,
    pub q: Option<String>,
    pub sort_by: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
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

impl ListParams {
    pub fn filter(&self) -> Result<(Filter, Sort)> {
        let scope = match present(&self.scope) {
            None => Scope::All,
            Some(s) => Scope::parse(s).ok_or_else(|| {
                AppError::bad_request(
                    "scope must be one of all, mine, shared_with_me, shared_by_me",
                )
            })?,
        };
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
