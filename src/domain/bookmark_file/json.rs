//! SlugBase's JSON bookmark file: an array of bookmark objects.
//!
//! Written as `{title, url, slug, forwarding_enabled, pinned, tags, folders, folder_paths,
//! created_at}` with tag names; `folders` names each folder by its path (`Work/Docs`), which is
//! what a reader that knows only flat folders can use, and `folder_paths` gives the same folders
//! as lists of names (`[["Work", "Docs"]]`), which is what SlugBase reads back: a name may hold a
//! `/` itself. Read leniently, so older and neighbouring shapes import too: without
//! `folder_paths` each of `folders` is one folder at the top level; the published SlugBase's
//! `tag_names`/`folder_names`, the bookmark objects of `GET /api/bookmarks` (whose tags and
//! folders are `{id, name}` objects), `""` for no slug, and dates as RFC 3339, SQLite timestamps
//! or Unix times. Unknown fields are ignored.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::{parse_date, path_label, Entry, FolderPath, Items, NotABookmarkFile, Unreadable};
use crate::domain::time;

/// One bookmark of a JSON export.
#[derive(Serialize, ToSchema, Clone, Debug, PartialEq, Eq)]
pub struct JsonBookmark {
    pub title: String,
    pub url: String,
    pub slug: Option<String>,
    pub forwarding_enabled: bool,
    pub pinned: bool,
    /// Tag names.
    pub tags: Vec<String>,
    /// The folders it is in, each named by its path: `Work/Docs` is Docs inside Work.
    pub folders: Vec<String>,
    /// The same folders, each as the names from the top level down (`["Work", "Docs"]`); an
    /// import reads these when they are given.
    pub folder_paths: Vec<FolderPath>,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: i64,
}

impl From<Entry> for JsonBookmark {
    fn from(e: Entry) -> Self {
        Self {
            forwarding_enabled: e.forwarding_enabled.unwrap_or(false),
            title: e.title,
            url: e.url,
            slug: e.slug,
            pinned: e.pinned,
            tags: e.tags,
            folders: e.folders.iter().map(|p| path_label(p)).collect(),
            folder_paths: e.folders,
            created_at: e.created_at.unwrap_or_default(),
        }
    }
}

/// What an item of an imported file may hold.
#[derive(Deserialize)]
struct Item {
    title: Option<String>,
    url: Option<String>,
    slug: Option<String>,
    forwarding_enabled: Option<bool>,
    pinned: Option<bool>,
    #[serde(alias = "tag_names")]
    tags: Option<Vec<Name>>,
    #[serde(alias = "folder_names")]
    folders: Option<Vec<Name>>,
    folder_paths: Option<Vec<FolderPath>>,
    created_at: Option<Value>,
}

/// A tag or folder: its name, or an object with one.
#[derive(Deserialize)]
#[serde(untagged)]
enum Name {
    Plain(String),
    Object { name: String },
}

impl Name {
    fn into_string(self) -> String {
        match self {
            Name::Plain(s) | Name::Object { name: s } => s,
        }
    }
}

fn names(v: Option<Vec<Name>>) -> Vec<String> {
    v.unwrap_or_default()
        .into_iter()
        .map(Name::into_string)
        .collect()
}

/// The items of a JSON file already parsed: an array of bookmarks, or `{"bookmarks": [...]}`
/// (what the published SlugBase web app sends).
pub fn items(v: Value) -> Result<Items, NotABookmarkFile> {
    let list = match v {
        Value::Array(list) => list,
        Value::Object(mut o) => match o.remove("bookmarks") {
            Some(Value::Array(list)) => list,
            _ => return Err(not_a_list()),
        },
        _ => return Err(not_a_list()),
    };
    Ok(list.into_iter().map(item).collect())
}

fn not_a_list() -> NotABookmarkFile {
    NotABookmarkFile(
        "Expected a JSON array of bookmarks or an object with a \"bookmarks\" array".into(),
    )
}

fn item(v: Value) -> Result<Entry, Unreadable> {
    if !v.is_object() {
        return Err(Unreadable {
            title: None,
            url: None,
            error: "Each bookmark must be a JSON object".into(),
        });
    }
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let (title, url) = (text("title"), text("url"));
    let it: Item = serde_json::from_value(v).map_err(|e| Unreadable {
        title: title.clone(),
        url: url.clone(),
        error: format!("Invalid bookmark: {e}"),
    })?;
    Ok(Entry {
        title: it.title.unwrap_or_default(),
        url: it.url.unwrap_or_default(),
        slug: it.slug,
        forwarding_enabled: it.forwarding_enabled,
        pinned: it.pinned.unwrap_or(false),
        tags: names(it.tags),
        folders: match it.folder_paths {
            Some(paths) => paths,
            None => names(it.folders).into_iter().map(|n| vec![n]).collect(),
        },
        created_at: it.created_at.as_ref().and_then(parse_date),
        repeats: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Result<Items, NotABookmarkFile> {
        super::super::read(text, false).map(|f| f.items)
    }

    #[test]
    fn writes_names_and_rfc3339_dates() {
        let b = JsonBookmark::from(Entry {
            title: "Docs".into(),
            url: "https://docs.example".into(),
            slug: Some("docs".into()),
            forwarding_enabled: Some(true),
            pinned: false,
            tags: vec!["a".into()],
            folders: vec![vec!["F".into()], vec!["Work".into(), "A/B".into()]],
            created_at: Some(1_700_000_000_123),
            repeats: 0,
        });
        assert_eq!(
            serde_json::to_value(b).unwrap(),
            json!({"title": "Docs", "url": "https://docs.example", "slug": "docs",
                "forwarding_enabled": true, "pinned": false, "tags": ["a"],
                "folders": ["F", "Work/A/B"], "folder_paths": [["F"], ["Work", "A/B"]],
                "created_at": "2023-11-14T22:13:20.123Z"})
        );
    }

    #[test]
    fn reads_its_own_shape_the_published_one_and_api_objects() {
        let items = parse(
            r#"{"bookmarks": [
                {"title": "A", "url": "https://a.example", "slug": "a", "forwarding_enabled": true,
                 "pinned": true, "tags": ["x"], "folders": ["F"], "created_at": "2023-11-14T22:13:20.123Z"},
                {"title": "B", "url": "https://b.example", "slug": "", "tag_names": ["y"],
                 "folder_names": ["G"], "created_at": "2023-11-14 22:13:20"},
                {"id": "ignored", "title": "C", "url": "https://c.example", "slug": null,
                 "tags": [{"id": "1", "name": "z"}], "folders": [{"id": "2", "name": "H", "icon": null}]}
            ]}"#,
        )
        .unwrap();
        let entries: Vec<Entry> = items.into_iter().map(Result::unwrap).collect();
        assert_eq!(entries[0].slug.as_deref(), Some("a"));
        assert!(entries[0].pinned);
        assert_eq!(entries[0].created_at, Some(1_700_000_000_123));
        assert_eq!(
            (entries[1].tags.clone(), entries[1].folders.clone()),
            (vec!["y".to_string()], vec![vec!["G".to_string()]])
        );
        assert_eq!(entries[1].created_at, Some(1_700_000_000_000));
        assert_eq!(entries[2].tags, ["z"]);
        assert_eq!(entries[2].folders, [["H"]]);
        assert_eq!(entries[2].slug, None);
    }

    #[test]
    fn folder_paths_win_over_flat_names_which_are_read_as_they_are() {
        let items = parse(
            r#"[{"title": "A", "url": "https://a.example", "folders": ["Work/Docs"],
                 "folder_paths": [["Work", "Docs"]]},
                {"title": "B", "url": "https://b.example", "folders": ["Work/Docs"]}]"#,
        )
        .unwrap();
        let folders = |i: usize| items[i].as_ref().unwrap().folders.clone();
        assert_eq!(folders(0), [["Work", "Docs"]]);
        assert_eq!(
            folders(1),
            [["Work/Docs"]],
            "an older flat name stays one name"
        );
    }

    #[test]
    fn an_unreadable_item_is_reported_and_the_rest_read() {
        let items = parse(r#"[5, {"title": 7, "url": "https://x.example"}, {"title": "ok", "url": "https://ok.example"}]"#)
            .unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[0].as_ref().unwrap_err().error,
            "Each bookmark must be a JSON object"
        );
        let bad = items[1].as_ref().unwrap_err();
        assert_eq!(bad.url.as_deref(), Some("https://x.example"));
        assert!(bad.error.starts_with("Invalid bookmark"), "{}", bad.error);
        assert!(items[2].is_ok());
    }

    #[test]
    fn refuses_what_is_not_a_list_of_bookmarks() {
        assert!(parse("not json").unwrap_err().0.contains("not valid JSON"));
        for v in ["{}", "{\"bookmarks\": 3}", "\"text\"", "42", "null"] {
            assert!(parse(v).is_err(), "{v}");
        }
        assert_eq!(parse("[]").unwrap().len(), 0);
    }
}
