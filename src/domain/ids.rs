//! Identifiers are UUID strings.

/// A fresh random id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The canonical form of `raw` when it is a UUID; `None` otherwise, which callers answer with
/// 404 exactly as for an id that does not exist.
pub fn parse_id(raw: &str) -> Option<String> {
    uuid::Uuid::parse_str(raw).ok().map(|u| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_canonical_uuids() {
        let id = new_id();
        assert_eq!(parse_id(&id.to_uppercase()), Some(id));
        assert_eq!(parse_id("example_string"), None);
    }
}
