//! The two pages `/go/` shows instead of redirecting: a choice between several bookmarks, and
//! "no such go-link".

use crate::app::golinks::Candidate;
use crate::domain::bookmark_file::html::escape as esc;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222}}\
         li{{margin:.8rem 0;list-style:none;border:1px solid #ddd;border-radius:6px;padding:.7rem}}\
         ul{{padding:0}} .url{{color:#666;font-size:.9rem;word-break:break-all}} a.btn{{margin-right:1rem}}\
         </style></head><body>{body}</body></html>\n"
    )
}

/// Several bookmarks shared with the person answer to `slug`: let them pick, once or for good.
pub fn chooser(slug: &str, candidates: &[Candidate]) -> String {
    let slug_path: String = url::form_urlencoded::byte_serialize(slug.as_bytes()).collect();
    let items: String = candidates
        .iter()
        .map(|c| {
            format!(
                "<li><strong>{title}</strong> <span>shared by {owner}</span><div class=\"url\">{url}</div>\
                 <a class=\"btn\" href=\"{href}\">Open</a>\
                 <a class=\"btn\" href=\"/go/{slug_path}/remember/{id}\">Always use this</a></li>",
                title = esc(&c.title),
                owner = esc(&c.owner_name),
                url = esc(&c.url),
                href = esc(&c.url),
                id = esc(&c.id),
            )
        })
        .collect();
    page(
        &format!("go/{} – choose a link", esc(slug)),
        &format!("<h1>go/{}</h1><p>Several bookmarks answer to this go-link. Pick one:</p><ul>{items}</ul>", esc(slug)),
    )
}

/// No bookmark the person can see answers to `slug`.
pub fn not_found(slug: &str) -> String {
    page(
        "Go-link not found",
        &format!(
            "<h1>go/{}</h1><p>No bookmark you can see has this go-link.</p><p><a href=\"/\">Back to SlugBase</a></p>",
            esc(slug)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_pages_echo_is_escaped() {
        let html = not_found("<script>alert(1)</script>");
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;"));
        let c = Candidate {
            id: "1".into(),
            title: "<b>x</b>".into(),
            url: "https://e.com/?a=1&b=\"2\"".into(),
            owner_name: "O'Neil".into(),
        };
        let html = chooser("docs", &[c]);
        assert!(
            html.contains("&lt;b&gt;x&lt;/b&gt;")
                && html.contains("O&#39;Neil")
                && html.contains("a=1&amp;b=&quot;2&quot;")
        );
        assert!(html.contains("/go/docs/remember/1"));
    }
}
