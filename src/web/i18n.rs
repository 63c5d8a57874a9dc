//! The words of the pages, one catalogue per language (`i18n/en/`, `i18n/de/`, one file per
//! page group), compiled into the binary. A line is `key = text`; `{name}` in a text is filled in by [`Lang::tf`].
//! Both catalogues hold the same keys (a test says so), and every key the code asks for exists
//! (another test reads the sources).

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::http::HeaderMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    De,
}

/// Each language's files, in the same order.
const EN: &[&str] = &[
    include_str!("i18n/en/common.txt"),
    include_str!("i18n/en/auth.txt"),
    include_str!("i18n/en/library.txt"),
    include_str!("i18n/en/settings.txt"),
    include_str!("i18n/en/admin.txt"),
    include_str!("i18n/en/org.txt"),
];
const DE: &[&str] = &[
    include_str!("i18n/de/common.txt"),
    include_str!("i18n/de/auth.txt"),
    include_str!("i18n/de/library.txt"),
    include_str!("i18n/de/settings.txt"),
    include_str!("i18n/de/admin.txt"),
    include_str!("i18n/de/org.txt"),
];

fn parse(files: &[&'static str]) -> HashMap<&'static str, &'static str> {
    files
        .iter()
        .flat_map(|text| text.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

static CATALOGUES: LazyLock<[HashMap<&'static str, &'static str>; 2]> =
    LazyLock::new(|| [parse(EN), parse(DE)]);

impl Lang {
    /// The profile's language when it is one the pages speak, else the first of
    /// `Accept-Language` that is, else English.
    pub fn choose(profile: Option<&str>, headers: &HeaderMap) -> Lang {
        if let Some(lang) = profile.and_then(Lang::from_code) {
            return lang;
        }
        let accept = headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mut ranked: Vec<(f32, &str)> = accept
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse().ok())
                    .unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked
            .into_iter()
            .find_map(|(_, tag)| Lang::from_code(tag.split('-').next().unwrap_or("")))
            .unwrap_or(Lang::En)
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "de" => Some(Lang::De),
            _ => None,
        }
    }

    /// The value of `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The text for `key`; the key itself when a catalogue lacks it (never in a release: the
    /// tests below check every key the code uses).
    pub fn t(self, key: &str) -> &'static str {
        let i = self as usize;
        CATALOGUES[i]
            .get(key)
            .or_else(|| CATALOGUES[0].get(key))
            .copied()
            .unwrap_or_else(|| {
                tracing::warn!(key, "missing string");
                "?"
            })
    }

    /// The text for `key` with each `{name}` replaced by its value.
    pub fn tf(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut out = self.t(key).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// Whether a catalogue has `key` (for messages chosen at run time, such as error codes).
    pub fn has(self, key: &str) -> bool {
        CATALOGUES[self as usize].contains_key(key)
    }

    /// A count as people of this language write it: `24,643` in English, `24.643` in German.
    /// Every count a page shows goes through here, so a large library reads at a glance.
    pub fn num(self, n: i64) -> String {
        let sep = match self {
            Lang::En => ',',
            Lang::De => '.',
        };
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(sep);
            }
            out.push(d);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_hold_the_same_keys() {
        let (en, de) = (parse(EN), parse(DE));
        let mut missing: Vec<_> = en.keys().filter(|k| !de.contains_key(*k)).collect();
        missing.extend(de.keys().filter(|k| !en.contains_key(*k)));
        missing.sort();
        assert!(
            missing.is_empty(),
            "keys in one catalogue only: {missing:?}"
        );
        for (k, v) in en.iter().chain(de.iter()) {
            assert!(!v.is_empty(), "{k} is empty");
        }
    }

    /// Every `.t("key")` / `.tf("key"` in `src/web` names a key of the catalogues.
    #[test]
    fn every_key_the_pages_ask_for_exists() {
        let en = parse(EN);
        let mut unknown = Vec::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut stack = vec![std::path::PathBuf::from(root)];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && !path.ends_with("web/i18n.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for marker in [".t(\"", ".tf(\""] {
                        for (pos, _) in text.match_indices(marker) {
                            let rest = &text[pos + marker.len()..];
                            let key = &rest[..rest.find('"').unwrap()];
                            if !en.contains_key(key) {
                                unknown.push(format!("{}: {key}", path.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(
            unknown.is_empty(),
            "keys missing from i18n/en: {unknown:#?}"
        );
    }

    #[test]
    fn counts_are_grouped_as_each_language_writes_them() {
        assert_eq!(Lang::En.num(24_643), "24,643");
        assert_eq!(Lang::De.num(24_643), "24.643");
        assert_eq!(Lang::En.num(0), "0");
        assert_eq!(Lang::En.num(999), "999");
        assert_eq!(Lang::De.num(1_000), "1.000");
        assert_eq!(Lang::En.num(1_234_567), "1,234,567");
        assert_eq!(Lang::En.num(-1_234), "-1,234");
        assert_eq!(Lang::De.num(i64::MIN), "-9.223.372.036.854.775.808");
    }

    #[test]
    fn the_language_follows_the_profile_then_the_browser() {
        let mut h = HeaderMap::new();
        h.insert(
            "accept-language",
            "fr-CH, de;q=0.9, en;q=0.8".parse().unwrap(),
        );
        assert_eq!(Lang::choose(None, &h), Lang::De);
        assert_eq!(Lang::choose(Some("en"), &h), Lang::En);
        assert_eq!(Lang::choose(Some("fr"), &h), Lang::De);
        assert_eq!(Lang::choose(None, &HeaderMap::new()), Lang::En);
        assert_eq!(Lang::De.tf("test.hello", &[("name", "Ada")]), "Hallo, Ada");
    }
}
