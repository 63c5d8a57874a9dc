//! What a bookmark's history keeps: changes of its title, URL, slug and forwarding, each with
//! the value before and after, stored as text (forwarding as `true` / `false`).

use serde_json::Value;

/// A field whose changes are kept.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum HistoryField {
    Title,
    Url,
    Slug,
    Forwarding,
}

impl HistoryField {
    pub const ALL: [HistoryField; 4] = [Self::Title, Self::Url, Self::Slug, Self::Forwarding];

    /// The API field's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Title => "title",
            Self::Url => "url",
            Self::Slug => "slug",
            Self::Forwarding => "forwarding_enabled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// A stored value as the API shows it: a string, `null` for no slug, a boolean for forwarding.
    pub fn json(self, stored: Option<&str>) -> Value {
        match (self, stored) {
            (_, None) => Value::Null,
            (Self::Forwarding, Some(v)) => Value::Bool(v == "true"),
            (_, Some(v)) => Value::String(v.to_string()),
        }
    }
}

/// How forwarding is stored in the history.
pub fn stored_bool(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_back_as_the_api_names_them() {
        for f in HistoryField::ALL {
            assert_eq!(HistoryField::parse(f.as_str()), Some(f));
        }
        assert_eq!(HistoryField::parse("pinned"), None);
    }

    #[test]
    fn values_keep_their_json_type() {
        assert_eq!(
            HistoryField::Forwarding.json(Some("true")),
            Value::Bool(true)
        );
        assert_eq!(
            HistoryField::Forwarding.json(Some(stored_bool(false))),
            Value::Bool(false)
        );
        assert_eq!(HistoryField::Slug.json(None), Value::Null);
        assert_eq!(
            HistoryField::Title.json(Some("Docs")),
            Value::String("Docs".into())
        );
    }
}
