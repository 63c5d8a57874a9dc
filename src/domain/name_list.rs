//! Names typed into one text field, separated by commas (`rust, reading list`): how the bookmark
//! form reads its tags and whom to share with, and how it writes them back.
//!
//! A name that holds a comma, or starts with a double quote, is written in double quotes with
//! any quote in it doubled (as CSV does), so every name a person or the API gave survives a
//! round trip through the form unchanged.

/// The names of `raw`, trimmed, in the order typed; blank entries and repeats (compared
/// whatever their letter case) are left out.
pub fn split(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut chars = raw.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut name = String::new();
        if chars.next_if_eq(&'"').is_some() {
            // Quoted: up to the closing quote, `""` standing for one quote.
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.next_if_eq(&'"').is_some() {
                        name.push('"');
                        continue;
                    }
                    break;
                }
                name.push(c);
            }
            // Anything typed after the closing quote belongs to the same name.
            for c in chars.by_ref() {
                if c == ',' {
                    break;
                }
                name.push(c);
            }
        } else {
            for c in chars.by_ref() {
                if c == ',' {
                    break;
                }
                name.push(c);
            }
        }
        let name = name.trim();
        if !name.is_empty() && seen.insert(name.to_lowercase()) {
            out.push(name.to_string());
        }
        if chars.peek().is_none() {
            return out;
        }
    }
}

/// One name as [`split`] reads it back: quoted when it holds a comma or starts with a quote.
pub fn quote(name: &str) -> String {
    if name.contains(',') || name.starts_with('"') {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

/// The names as one field's text, `a, b, "c, d"`.
pub fn join<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(quote).collect::<Vec<_>>().join(", ")
}

/// The address in `Name <address>` (how the form writes a person), if the entry is written so.
pub fn bracketed_address(entry: &str) -> Option<&str> {
    let inner = entry.strip_suffix('>')?;
    let (_, address) = inner.rsplit_once('<')?;
    let address = address.trim();
    (!address.is_empty()).then_some(address)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_blank_or_repeated_ones_dropped() {
        assert_eq!(
            split(" rust ,Reading list,, rust,RUST , ,x"),
            ["rust", "Reading list", "x"]
        );
        assert!(split("").is_empty());
        assert!(split(" , ,").is_empty());
    }

    #[test]
    fn a_quoted_name_keeps_its_commas_and_quotes() {
        assert_eq!(
            split(r#""Smith, Jo <jo@x.example>", "say ""hi""", plain"#),
            ["Smith, Jo <jo@x.example>", r#"say "hi""#, "plain"]
        );
        // An unclosed quote runs to the end.
        assert_eq!(split(r#"a, "b, c"#), ["a", "b, c"]);
    }

    #[test]
    fn every_name_survives_a_round_trip() {
        let names = ["rust", "a, b", "\"quoted\"", "mid\"quote", "tail\"", "x ,y"];
        let text = join(names.iter().copied());
        assert_eq!(split(&text), names);
        assert_eq!(join(["a", "b"]), "a, b");
    }

    #[test]
    fn a_person_is_found_by_the_address_in_brackets() {
        assert_eq!(
            bracketed_address("Bob Builder <bob@example.com>"),
            Some("bob@example.com")
        );
        assert_eq!(bracketed_address("bob@example.com"), None);
        assert_eq!(bracketed_address("odd <>"), None);
    }
}
