//! Where pages send people: the redirects themselves, over the safe `redirect` targets of
//! [`crate::request::redirect`] (which the API's OpenID sign-in follows too).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::request::redirect::encode;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notice_is_added_to_the_query() {
        assert_eq!(with_notice("/a", "saved"), "/a?notice=saved");
        assert_eq!(with_notice("/a?b=1", "saved"), "/a?b=1&notice=saved");
    }
}
