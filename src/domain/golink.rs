//! Go-link rules that need no database: where a link with extra path and query goes, and where
//! an anonymous visitor is sent.

/// The target of a go-link with the extra path segments (`rest`, already percent-encoded as they
/// came in the request) and query string of the request appended, so `go/docs/api/v2?x=1` works
/// like a path below the bookmark's URL. The bookmark's own query and fragment are kept.
pub fn expand_target(target: &str, rest: &str, query: Option<&str>) -> String {
    let rest = rest.trim_start_matches('/');
    let query = query.filter(|q| !q.is_empty());
    if rest.is_empty() && query.is_none() {
        return target.to_string();
    }
    let (before_fragment, fragment) = match target.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (target, None),
    };
    let (path, own_query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    let mut out = path.to_string();
    if !rest.is_empty() {
        if !out.ends_with('/') {
            // A bare origin (`https://example.com`) still needs its slash before the rest.
            out.push('/');
        }
        out.push_str(rest);
    }
    let queries: Vec<&str> = [own_query, query]
        .into_iter()
        .flatten()
        .filter(|q| !q.is_empty())
        .collect();
    if !queries.is_empty() {
        out.push('?');
        out.push_str(&queries.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// `/login?redirect=<the path asked for>`, the redirect percent-encoded.
pub fn login_redirect(path_and_query: &str) -> String {
    let encoded: String = url::form_urlencoded::byte_serialize(path_and_query.as_bytes()).collect();
    format!("/login?redirect={encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_link_goes_to_its_target() {
        assert_eq!(
            expand_target("https://ex.com/docs", "", None),
            "https://ex.com/docs"
        );
        assert_eq!(
            expand_target("https://ex.com/docs", "", Some("")),
            "https://ex.com/docs"
        );
    }

    #[test]
    fn extra_path_is_appended_with_one_slash() {
        assert_eq!(
            expand_target("https://ex.com/docs", "api/v2", None),
            "https://ex.com/docs/api/v2"
        );
        assert_eq!(
            expand_target("https://ex.com/docs/", "/api/v2", None),
            "https://ex.com/docs/api/v2"
        );
        assert_eq!(
            expand_target("https://ex.com", "a%20b", None),
            "https://ex.com/a%20b"
        );
    }

    #[test]
    fn queries_merge_and_fragments_stay_last() {
        assert_eq!(
            expand_target("https://ex.com/s?q=1", "", Some("x=2")),
            "https://ex.com/s?q=1&x=2"
        );
        assert_eq!(
            expand_target("https://ex.com/s#top", "more", Some("x=2")),
            "https://ex.com/s/more?x=2#top"
        );
        assert_eq!(
            expand_target("https://ex.com/s?a=1#f", "p", None),
            "https://ex.com/s/p?a=1#f"
        );
    }

    #[test]
    fn login_redirect_encodes_the_path() {
        assert_eq!(
            login_redirect("/go/docs/a?x=1&y=2"),
            "/login?redirect=%2Fgo%2Fdocs%2Fa%3Fx%3D1%26y%3D2"
        );
    }
}
