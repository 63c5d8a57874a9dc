//! Just enough HTML for bookmark files, which browsers write as tag soup: a forgiving tokenizer
//! (tag and attribute names in any case, attribute values quoted either way or not at all,
//! comments skipped, nothing required to close), entity decoding, and escaping for output.
//!
//! Full HTML parsers (html5ever and friends) would cost more to compile than this whole module
//! and build a tree the Netscape format does not need: its meaning is in the order of a handful
//! of tags, which is what [`Tokens`] yields.

/// One piece of markup, with names lower-cased and entities decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Start {
        name: String,
        attrs: Vec<(String, String)>,
    },
    End {
        name: String,
    },
    Text(String),
    /// What follows `<!` in a declaration such as `<!DOCTYPE …>`.
    Declaration(String),
}

impl Token {
    /// The value of attribute `name` (lower-case) of a start tag.
    pub fn attr(&self, name: &str) -> Option<&str> {
        match self {
            Token::Start { attrs, .. } => attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
}

/// The tokens of `src`, in order. Never fails: anything that is not a tag is text.
pub fn tokenize(src: &str) -> Tokens<'_> {
    Tokens { src, pos: 0 }
}

pub struct Tokens<'a> {
    src: &'a str,
    pos: usize,
}

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        loop {
            let rest = &self.src[self.pos..];
            if rest.is_empty() {
                return None;
            }
            let Some(after) = rest.strip_prefix('<') else {
                return Some(self.text(0));
            };
            if after.starts_with("!--") {
                self.pos += rest[4..].find("-->").map_or(rest.len(), |i| 4 + i + 3);
                continue;
            }
            if after.starts_with('!') || after.starts_with('?') {
                let end = rest.find('>').unwrap_or(rest.len());
                self.pos += (end + 1).min(rest.len());
                if after.starts_with('!') {
                    return Some(Token::Declaration(rest[2..end].to_string()));
                }
                continue;
            }
            if let Some(closing) = after.strip_prefix('/') {
                if closing.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    return Some(self.end_tag());
                }
            } else if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
                return Some(self.start_tag());
            }
            // A `<` that opens no tag is text.
            return Some(self.text(1));
        }
    }
}

impl Tokens<'_> {
    /// Text from here to the next `<` found at or after `skip` bytes.
    fn text(&mut self, skip: usize) -> Token {
        let rest = &self.src[self.pos..];
        let end = rest[skip..].find('<').map_or(rest.len(), |i| skip + i);
        self.pos += end;
        Token::Text(decode_entities(&rest[..end]))
    }

    fn end_tag(&mut self) -> Token {
        let b = self.src.as_bytes();
        let start = self.pos + 2;
        let mut i = start;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = self.src[start..i].to_ascii_lowercase();
        self.pos = self.src[i..].find('>').map_or(b.len(), |j| i + j + 1);
        Token::End { name }
    }

    fn start_tag(&mut self) -> Token {
        let src = self.src;
        let b = src.as_bytes();
        let skip_space = |mut i: usize| {
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            i
        };
        let start = self.pos + 1;
        let mut i = start;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = src[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            if b[i] == b'>' {
                i += 1;
                break;
            }
            let name_start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            if i == name_start {
                // A stray `=`: skip it.
                i += 1;
                continue;
            }
            let attr = src[name_start..i].to_ascii_lowercase();
            let j = skip_space(i);
            if j >= b.len() || b[j] != b'=' {
                attrs.push((attr, String::new()));
                continue;
            }
            let j = skip_space(j + 1);
            let (value, next) = match b.get(j) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let end = src[j + 1..].find(q as char).map_or(b.len(), |k| j + 1 + k);
                    (&src[(j + 1).min(end)..end], (end + 1).min(b.len()))
                }
                _ => {
                    let mut k = j;
                    while k < b.len() && !b[k].is_ascii_whitespace() && b[k] != b'>' {
                        k += 1;
                    }
                    (&src[j..k], k)
                }
            };
            attrs.push((attr, decode_entities(value)));
            i = next;
        }
        self.pos = i;
        Token::Start { name, attrs }
    }
}

/// Decodes the character references a bookmark file uses: the named `&amp; &lt; &gt; &quot;
/// &apos; &nbsp;` and numeric `&#NNN;` / `&#xHH;`. Anything else, such as a bare `&` in a URL's
/// query string, stays as written.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match reference(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character `s` (which starts with `&`) refers to, and the length of the reference.
fn reference(s: &str) -> Option<(char, usize)> {
    let semi = s.bytes().take(12).position(|b| b == b';')?;
    let body = &s[1..semi];
    let c = if let Some(num) = body.strip_prefix('#') {
        let (digits, radix) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (num, 10),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32)
            .filter(|c| *c != '\0')
            .unwrap_or(char::REPLACEMENT_CHARACTER)
    } else {
        match body {
            "amp" | "AMP" => '&',
            "lt" | "LT" => '<',
            "gt" | "GT" => '>',
            "quot" | "QUOT" => '"',
            "apos" => '\'',
            "nbsp" => '\u{a0}',
            _ => return None,
        }
    };
    Some((c, semi + 1))
}

/// Escapes text or an attribute value: `& < > " '` become references, so nothing a person typed
/// can end an attribute or open a tag.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(name: &str, attrs: &[(&str, &str)]) -> Token {
        Token::Start {
            name: name.into(),
            attrs: attrs
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn decodes_named_and_numeric_references() {
        assert_eq!(
            decode_entities("a &amp; b &lt;c&gt; &quot;d&quot; &#39;e&#39; &apos;"),
            "a & b <c> \"d\" 'e' '"
        );
        assert_eq!(decode_entities("&#233;t&#xE9; &#X1F600;"), "été 😀");
        assert_eq!(decode_entities("x&nbsp;y"), "x\u{a0}y");
    }

    #[test]
    fn leaves_what_is_not_a_reference_alone() {
        assert_eq!(
            decode_entities("https://a.example/?x=1&y=2"),
            "https://a.example/?x=1&y=2"
        );
        assert_eq!(
            decode_entities("&unknown; & &#; &#xZZ; &"),
            "&unknown; & &#; &#xZZ; &"
        );
        assert_eq!(decode_entities("&#0; &#1114112;"), "\u{fffd} \u{fffd}");
        assert_eq!(decode_entities("ü&amp;ö"), "ü&ö");
    }

    #[test]
    fn escaping_round_trips_through_decoding() {
        let s = r#"Tom & "Jerry" <script>'x'</script> – ü"#;
        let e = escape(s);
        assert!(!e.contains(['<', '>', '"', '\'']));
        assert_eq!(decode_entities(&e), s);
    }

    #[test]
    fn tags_in_any_case_with_attributes_quoted_any_way() {
        let tokens: Vec<Token> =
            tokenize(r#"<DT><A HREF="https://a.example/?q=1&amp;r=2" add_date='17' Tags=x,y>T &lt;1&gt;</a>"#)
                .collect();
        assert_eq!(
            tokens,
            vec![
                start("dt", &[]),
                start(
                    "a",
                    &[
                        ("href", "https://a.example/?q=1&r=2"),
                        ("add_date", "17"),
                        ("tags", "x,y")
                    ]
                ),
                Token::Text("T <1>".into()),
                Token::End { name: "a".into() },
            ]
        );
        assert_eq!(tokens[1].attr("tags"), Some("x,y"));
    }

    #[test]
    fn comments_declarations_and_stray_brackets() {
        let tokens: Vec<Token> = tokenize(
            "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<!-- a <b> comment -->1 < 2<p><HR/><input checked>",
        )
        .collect();
        assert_eq!(
            tokens,
            vec![
                Token::Declaration("DOCTYPE NETSCAPE-Bookmark-file-1".into()),
                Token::Text("\n".into()),
                Token::Text("1 ".into()),
                Token::Text("< 2".into()),
                start("p", &[]),
                start("hr", &[]),
                start("input", &[("checked", "")]),
            ]
        );
    }

    #[test]
    fn truncated_input_ends_without_panicking() {
        for s in [
            "<a href=\"x",
            "<a href=",
            "<a href",
            "<a =",
            "</a",
            "<!DOCTYPE",
            "<!--",
            "<",
            "&#x",
            "<a href='é'>ü",
        ] {
            let _ = tokenize(s).count();
        }
        assert_eq!(
            tokenize("<a href='é'>ü").collect::<Vec<_>>(),
            vec![start("a", &[("href", "é")]), Token::Text("ü".into())]
        );
    }
}
