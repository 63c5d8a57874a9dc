//! Turning what a person typed into a full-text query that cannot be a syntax error.
//!
//! The input is cut into words of letters and digits (everything else separates words, as both
//! databases' tokenizers do), each word is quoted, all must match, and the last one matches as a
//! prefix so results follow the typing. Operators, quotes, stars and brackets typed by the user
//! are therefore plain separators: any `q` is a valid query.

/// The words of a search, at most [`MAX_WORDS`] of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchTerms(Vec<String>);

pub const MAX_WORDS: usize = 16;
const MAX_WORD_CHARS: usize = 64;

impl SearchTerms {
    /// `None` when the text holds no word to search for.
    pub fn parse(raw: &str) -> Option<Self> {
        let words: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .map(|w| {
                w.chars()
                    .take(MAX_WORD_CHARS)
                    .collect::<String>()
                    .to_lowercase()
            })
            .collect();
        (!words.is_empty()).then_some(Self(words))
    }

    /// An SQLite FTS5 query: `"rust" "book"*`.
    pub fn fts5(&self) -> String {
        self.join(" ", |w| format!("\"{w}\""), "*")
    }

    /// A PostgreSQL `to_tsquery` text: `'rust' & 'book':*`.
    pub fn tsquery(&self) -> String {
        self.join(" & ", |w| format!("'{w}'"), ":*")
    }

    /// A `LIKE` pattern for the whole phrase, for short per-owner lists (folder and tag names).
    pub fn like_pattern(&self) -> String {
        format!("%{}%", self.0.join("%"))
    }

    fn join(&self, sep: &str, quote: impl Fn(&str) -> String, prefix: &str) -> String {
        let n = self.0.len();
        self.0
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let q = quote(w);
                if i + 1 == n {
                    format!("{q}{prefix}")
                } else {
                    q
                }
            })
            .collect::<Vec<_>>()
            .join(sep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_the_last_is_a_prefix() {
        let t = SearchTerms::parse("Rust book").unwrap();
        assert_eq!(t.fts5(), r#""rust" "book"*"#);
        assert_eq!(t.tsquery(), "'rust' & 'book':*");
    }

    #[test]
    fn query_syntax_typed_by_a_person_is_only_separators() {
        let t = SearchTerms::parse(r#""foo" OR * ( NEAR(a b) ' \ ; --"#).unwrap();
        assert_eq!(t.fts5(), r#""foo" "or" "near" "a" "b"*"#);
        assert!(!t.tsquery().contains('|'));
        assert_eq!(SearchTerms::parse("*( \" ' :"), None);
        assert_eq!(SearchTerms::parse(""), None);
    }

    #[test]
    fn urls_and_slugs_split_into_words() {
        let t = SearchTerms::parse("https://docs.rs/my_crate-x").unwrap();
        assert_eq!(t.0, ["https", "docs", "rs", "my", "crate", "x"]);
        assert_eq!(t.like_pattern(), "%https%docs%rs%my%crate%x%");
    }

    #[test]
    fn long_input_is_bounded() {
        let t = SearchTerms::parse(&"w ".repeat(100)).unwrap();
        assert_eq!(t.0.len(), MAX_WORDS);
    }
}
