//! Where pages send people: the redirects themselves, over the safe `redirect` targets of
//! [`crate::request::redirect`] (which the API's OpenID sign-in follows too).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub use crate::request::redirect::encode;
pub use crate::request::redirect::{login_url, mfa_url, redirect_param, safe_path};

/// Where an anonymous visitor of `here` goes: the sign-in page, or in cloud first the session
/// renewal (an access token lives 15 minutes; the refresh cookie may still be good).
pub fn sign_in_first(here: &str, cloud: bool) -> String {
    if cloud {
        format!("/api/auth/resume?redirect={}", encode(here))
    } else {
        login_url(here)
    }
}

/// `303 See Other` to `to` (after a form, the browser follows with a `GET`).
pub fn see_other(to: &str) -> Response {
    let location = HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// `to` with `notice=<key>` added: the next page shows that message (a key of the catalogue,
/// never text from the URL) in its status area.
pub fn with_notice(to: &str, key: &str) -> String {
    let sep = if to.contains('?') { '&' } else { '?' };
    format!("{to}{sep}notice={}", encode(key))
}

/// `raw` when it is a path on this origin (what [`safe_path`] lets through: one leading `/`,
/// never `//host`, `/\host`, a scheme or a control character), else `default`. Forms that
/// come back to where the person was (`return_to`) go through here.
pub fn local_or(raw: Option<&str>, default: &str) -> String {
    match raw {
        Some(p) if !p.is_empty() && safe_path(p) == p => p.to_string(),
        _ => default.to_string(),
    }
}

/// `here` (a path and query) without its `notice`, so that coming back to it does not show an
/// old message again beside the new one.
pub fn without_notice(here: &str) -> String {
    let Some((path, query)) = here.split_once('?') else {
        return here.to_string();
    };
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "notice")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        return path.to_string();
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    format!("{path}?{query}")
}

/// `path` with the `(key, value)` pairs as its query, `path` alone when there are none.
pub fn with_query(path: &str, pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return path.to_string();
    }
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    format!("{path}?{}", q.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_is_a_local_path_or_the_default() {
        let back = |raw: &str| local_or(Some(raw), "/bookmarks/1");
        assert_eq!(
            back("/bookmarks?tag_id=2&offset=50"),
            "/bookmarks?tag_id=2&offset=50"
        );
        for evil in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "/\tx",
            "",
        ] {
            assert_eq!(back(evil), "/bookmarks/1", "{evil:?}");
        }
        assert_eq!(local_or(None, "/x"), "/x");
    }

    #[test]
    fn coming_back_drops_the_old_notice() {
        assert_eq!(without_notice("/bookmarks?notice=saved"), "/bookmarks");
        assert_eq!(
            without_notice("/bookmarks?q=a+b&notice=saved&offset=50"),
            "/bookmarks?q=a+b&offset=50"
        );
        assert_eq!(without_notice("/"), "/");
    }

    #[test]
    fn a_notice_is_added_to_the_query() {
        assert_eq!(with_notice("/a", "saved"), "/a?notice=saved");
        assert_eq!(with_notice("/a?b=1", "saved"), "/a?b=1&notice=saved");
    }
}
