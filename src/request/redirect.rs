//! Where a browser may be sent next: a `redirect` parameter made safe, and the sign-in pages
//! that come back to it. The pages and the API's OpenID sign-in both follow these rules.

/// `raw` when it is a path on this origin, else `/`. A `redirect` parameter must never lead
/// elsewhere: `//evil.com`, `/\evil.com`, `https://…` and anything with control characters
/// (a browser drops tabs and newlines, turning `/\t/evil.com` into `//evil.com`) are refused.
pub fn safe_path(raw: &str) -> String {
    let ok = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && !raw.chars().any(|c| c.is_control() || c == '\\');
    if ok {
        raw.to_string()
    } else {
        "/".to_string()
    }
}

/// The `redirect` parameter of a query string, made safe (`/` when absent).
pub fn redirect_param(query: Option<&str>) -> String {
    query
        .and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "redirect")
                .map(|(_, v)| v.into_owned())
        })
        .map_or_else(|| "/".to_string(), |r| safe_path(&r))
}

/// `s` as a query-string value.
pub fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The sign-in page, coming back to `to` afterwards.
pub fn login_url(to: &str) -> String {
    if to == "/" {
        "/login".to_string()
    } else {
        format!("/login?redirect={}", encode(to))
    }
}

/// The second step of signing in, coming back to `to` afterwards.
pub fn mfa_url(to: &str) -> String {
    if to == "/" {
        "/mfa".to_string()
    } else {
        format!("/mfa?redirect={}", encode(to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_origin_are_followed() {
        for ok in ["/", "/go/docs", "/bookmarks?q=a&tag_id=1", "/go/a%2F%2Fb"] {
            assert_eq!(safe_path(ok), ok);
        }
        for bad in [
            "//evil.com",
            "/\\evil.com",
            "https://evil.com",
            "evil.com",
            "/\t/evil.com",
            "/a\nb",
            "",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_path(bad), "/", "{bad:?}");
        }
        assert_eq!(redirect_param(Some("redirect=%2F%2Fevil.com")), "/");
        assert_eq!(redirect_param(Some("a=1&redirect=%2Fgo%2Fx")), "/go/x");
        assert_eq!(redirect_param(None), "/");
        assert_eq!(login_url("/go/x?y=1"), "/login?redirect=%2Fgo%2Fx%3Fy%3D1");
    }
}
