//! The stylesheet, scripts and icons, compiled into the binary and served under names that
//! carry a hash of their content (`app.3f9a1c2b7d.css`), so a browser may keep them for a year
//! and still never runs an old script against a new page.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

struct Asset {
    /// The name pages ask for (`app.css`).
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

const FILES: &[Asset] = &[
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("assets/app.css"),
    },
    Asset {
        name: "app.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("assets/app.js"),
    },
    Asset {
        name: "palette.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("assets/palette.js"),
    },
    Asset {
        name: "favicon.svg",
        content_type: "image/svg+xml",
        bytes: include_bytes!("assets/favicon.svg"),
    },
];

/// Each file's served name, worked out once.
static HASHED: LazyLock<Vec<String>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|a| {
            let digest = hex::encode(Sha256::digest(a.bytes));
            let (stem, ext) = a.name.rsplit_once('.').expect("names have an extension");
            format!("{stem}.{}.{ext}", &digest[..10])
        })
        .collect()
});

/// The URL of asset `name` (`/assets/app.<hash>.css`). Panics on a name that is not embedded:
/// a typo shows up the first time the page renders in any test.
pub fn url(name: &str) -> String {
    let i = FILES
        .iter()
        .position(|a| a.name == name)
        .unwrap_or_else(|| panic!("no asset named {name}"));
    format!("/assets/{}", HASHED[i])
}

/// The bytes of every script and stylesheet a page may load (for the page-weight budget).
pub fn page_weight() -> usize {
    FILES
        .iter()
        .filter(|a| a.name.ends_with(".css") || a.name.ends_with(".js"))
        .map(|a| a.bytes.len())
        .sum()
}

/// `GET /assets/{name}`: a hashed name answers for a year; anything else is 404.
pub async fn serve(Path(name): Path<String>) -> Response {
    let Some(i) = HASHED.iter().position(|h| *h == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let a = &FILES[i];
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(a.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        a.bytes,
    )
        .into_response()
}

/// `GET /favicon.ico`, which browsers ask for on pages that name no icon (the API reference).
pub async fn favicon() -> Response {
    let a = &FILES[FILES
        .iter()
        .position(|a| a.name == "favicon.svg")
        .expect("embedded")];
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(a.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        a.bytes,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_content_hash_and_pages_stay_light() {
        let css = url("app.css");
        assert!(css.starts_with("/assets/app.") && css.ends_with(".css") && css.len() > 20);
        assert!(page_weight() < 100 * 1024, "{} bytes", page_weight());
    }
}
