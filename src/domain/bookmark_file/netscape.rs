//! The Netscape bookmark file: what Chrome, Firefox, Safari and Edge export and import.
//!
//! ```text
//! <!DOCTYPE NETSCAPE-Bookmark-file-1>
//! <DL><p>
//!     <DT><H3 ADD_DATE="…">Folder</H3>
//!     <DL><p>
//!         <DT><A HREF="…" ADD_DATE="…" TAGS="a,b" SHORTCUTURL="slug">Title</A>
//!     </DL><p>
//! </DL><p>
//! ```
//!
//! Reading: each `<H3>` names the `<DL>` that follows it, and a `<DL>` inside another is a folder
//! inside that one: a bookmark's folder is the [`FolderPath`] of the lists around it, and every
//! folder of the file (empty ones too) is listed, outer ones first. The browsers' own roots
//! (`PERSONAL_TOOLBAR_FOLDER`, the bookmarks bar, and `UNFILED_BOOKMARKS_FOLDER`, "Other
//! bookmarks") hold everything and name nothing, so they add no folder: what is in them is at
//! the top level. `TAGS` are comma-separated tag names, `SHORTCUTURL` (Firefox keywords) is the
//! slug, `ADD_DATE` the creation time. A bookmark listed in several folders (as SlugBase writes
//! one that is in several) is read back as one bookmark in all of them.
//!
//! Writing: the same tree, each folder inside its parent, sorted by name; in each folder its
//! bookmarks first, then its folders. A bookmark in several folders is written under each. Two
//! attributes browsers ignore keep SlugBase's own flags: `PINNED="1"` and `FORWARDING="0"` (a
//! slug that does not forward).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::html::{escape, tokenize, Token};
use super::{path_key, unix_to_millis, Entry, FolderPath, NotABookmarkFile};

/// SlugBase's limit on folder names: a longer heading keeps its first characters.
const FOLDER_NAME_MAX: usize = 255;

/// What the tokens seen so far are building.
enum Capture {
    Nothing,
    /// A folder heading; `root` for the browsers' own top folders.
    Heading {
        text: String,
        root: bool,
    },
    Link {
        attrs: Token,
        text: String,
    },
}

/// Reads a Netscape bookmark file: its bookmarks, and every folder in it (outer ones before the
/// folders inside them). Refuses text with neither the Netscape doctype nor a `<DL>` list, which
/// is not a bookmark file whatever else it holds.
pub fn parse(src: &str) -> Result<(Vec<Entry>, Vec<FolderPath>), NotABookmarkFile> {
    let mut is_bookmark_file = false;
    // One element per open `<DL>`: the folder it is, if any.
    let mut open: Vec<Option<String>> = Vec::new();
    let mut folders: Vec<FolderPath> = Vec::new();
    let mut folder_keys: HashSet<Vec<String>> = HashSet::new();
    // The heading just read, waiting for its `<DL>`.
    let mut heading: Option<Option<String>> = None;
    let mut capture = Capture::Nothing;
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: HashMap<(String, String, String, Option<i64>), usize> = HashMap::new();

    for token in tokenize(src) {
        match &token {
            Token::Declaration(d) => {
                is_bookmark_file |= d.to_ascii_uppercase().contains("NETSCAPE-BOOKMARK-FILE");
            }
            Token::Text(t) => match &mut capture {
                Capture::Heading { text, .. } | Capture::Link { text, .. } => text.push_str(t),
                Capture::Nothing => {}
            },
            Token::Start { name, .. } => {
                // Browsers do not always close `<A>`: any structure ends the link.
                if matches!(name.as_str(), "a" | "dt" | "dd" | "dl" | "h3") {
                    finish_link(&mut capture, &open, &mut entries, &mut seen);
                }
                match name.as_str() {
                    "dl" => {
                        is_bookmark_file = true;
                        let named = heading.take().flatten();
                        let is_folder = named.is_some();
                        open.push(named);
                        if is_folder {
                            let path = folder_path(&open);
                            if folder_keys.insert(path_key(&path)) {
                                folders.push(path);
                            }
                        }
                    }
                    "h3" => {
                        let root = ["personal_toolbar_folder", "unfiled_bookmarks_folder"]
                            .iter()
                            .any(|a| {
                                token
                                    .attr(a)
                                    .is_some_and(|v| v.eq_ignore_ascii_case("true"))
                            });
                        heading = None;
                        capture = Capture::Heading {
                            text: String::new(),
                            root,
                        };
                    }
                    "a" => {
                        heading = None;
                        capture = Capture::Link {
                            attrs: token,
                            text: String::new(),
                        };
                    }
                    _ => {}
                }
            }
            Token::End { name } => match name.as_str() {
                "a" => finish_link(&mut capture, &open, &mut entries, &mut seen),
                "h3" => {
                    if let Capture::Heading { text, root } =
                        std::mem::replace(&mut capture, Capture::Nothing)
                    {
                        let name: String = collapse(&text).chars().take(FOLDER_NAME_MAX).collect();
                        let name = name.trim_end().to_string();
                        heading = Some((!root && !name.is_empty()).then_some(name));
                    }
                }
                "dl" => {
                    finish_link(&mut capture, &open, &mut entries, &mut seen);
                    open.pop();
                }
                _ => {}
            },
        }
    }
    finish_link(&mut capture, &open, &mut entries, &mut seen);
    if !is_bookmark_file {
        return Err(NotABookmarkFile(
            "Not a bookmark file: expected JSON or Netscape bookmark HTML (<!DOCTYPE NETSCAPE-Bookmark-file-1>)".into(),
        ));
    }
    Ok((entries, folders))
}

/// Ends the link being read, if any, adding it to `entries` (or its folder to the same
/// bookmark already read from another folder).
fn finish_link(
    capture: &mut Capture,
    open: &[Option<String>],
    entries: &mut Vec<Entry>,
    seen: &mut HashMap<(String, String, String, Option<i64>), usize>,
) {
    let Capture::Link { attrs, text } = std::mem::replace(capture, Capture::Nothing) else {
        return;
    };
    let attr = |n: &str| attrs.attr(n).map(str::trim).filter(|v| !v.is_empty());
    let url = attr("href").unwrap_or_default().to_string();
    let mut title = collapse(&text);
    if title.is_empty() {
        // Browsers show the address of an untitled bookmark; so do we.
        title = url.chars().take(500).collect();
    }
    let slug = attr("shortcuturl").map(str::to_string);
    let created_at = attr("add_date")
        .and_then(|d| d.parse().ok())
        .and_then(unix_to_millis);
    let path = folder_path(open);
    let folders: Vec<FolderPath> = if path.is_empty() {
        Vec::new()
    } else {
        vec![path]
    };
    let key = (
        url.clone(),
        title.clone(),
        slug.as_deref().unwrap_or_default().to_lowercase(),
        created_at,
    );
    if let Some(&i) = seen.get(&key) {
        let e = &mut entries[i];
        e.repeats += 1;
        add_new(&mut e.folders, folders);
        add_new(&mut e.tags, tags(attr("tags")));
        return;
    }
    seen.insert(key, entries.len());
    // A browser's keyword is typed to go somewhere: it forwards unless the file says it does not
    // (our own export writes `forwarding="false"` for a slug that does not forward).
    let forwarding_enabled = attr("forwarding")
        .map(flag)
        .or_else(|| slug.is_some().then_some(true));
    entries.push(Entry {
        title,
        url,
        slug,
        forwarding_enabled,
        pinned: attr("pinned").is_some_and(flag),
        tags: tags(attr("tags")),
        folders,
        created_at,
        repeats: 0,
    });
}

fn add_new<T: PartialEq>(list: &mut Vec<T>, more: Vec<T>) {
    for m in more {
        if !list.contains(&m) {
            list.push(m);
        }
    }
}

fn flag(v: &str) -> bool {
    v == "1" || v.eq_ignore_ascii_case("true")
}

fn tags(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Runs of HTML white space become one space, and none at the ends.
fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_ascii_whitespace())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The folder the open lists are: the names of those that are folders, outermost first (empty
/// at the top level).
fn folder_path(open: &[Option<String>]) -> FolderPath {
    open.iter().flatten().cloned().collect()
}

/// Writes `entries` as a Netscape bookmark file, with `folders` (every folder, so that empty ones
/// are kept too) nested as browsers nest them.
pub fn render(entries: &[Entry], folders: &[FolderPath]) -> String {
    let mut out = String::from(
        "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n\
         <!-- This is an automatically generated file.\n     It will be read and overwritten.\n     DO NOT EDIT! -->\n\
         <META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n\
         <TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n",
    );
    let mut root = Folder::default();
    for path in folders {
        root.at(path);
    }
    for (i, e) in entries.iter().enumerate() {
        if e.folders.is_empty() {
            root.links.push(i);
        }
        for path in &e.folders {
            root.at(path).links.push(i);
        }
    }
    write_folder(&mut out, &root, entries, 1);
    out.push_str("</DL><p>\n");
    out
}

/// A folder of the file being written: its links (indexes into the entries) and sub-folders,
/// sorted by name ignoring case.
#[derive(Default)]
struct Folder {
    links: Vec<usize>,
    children: BTreeMap<(String, String), Folder>,
}

impl Folder {
    /// The folder at `path` below this one, made (with those above it) when missing.
    fn at(&mut self, path: &[String]) -> &mut Folder {
        let mut node = self;
        for name in path {
            node = node
                .children
                .entry((name.to_lowercase(), name.clone()))
                .or_default();
        }
        node
    }
}

fn write_folder(out: &mut String, f: &Folder, entries: &[Entry], depth: usize) {
    let indent = "    ".repeat(depth);
    for &i in &f.links {
        link(out, &entries[i], &indent);
    }
    for ((_, name), child) in &f.children {
        out.push_str(&format!(
            "{indent}<DT><H3>{}</H3>\n{indent}<DL><p>\n",
            escape(name)
        ));
        write_folder(out, child, entries, depth + 1);
        out.push_str(&format!("{indent}</DL><p>\n"));
    }
}

fn link(out: &mut String, e: &Entry, indent: &str) {
    out.push_str(&format!("{indent}<DT><A HREF=\"{}\"", escape(&e.url)));
    if let Some(ms) = e.created_at {
        out.push_str(&format!(" ADD_DATE=\"{}\"", ms.div_euclid(1000)));
    }
    if !e.tags.is_empty() {
        out.push_str(&format!(" TAGS=\"{}\"", escape(&e.tags.join(","))));
    }
    if let Some(slug) = &e.slug {
        out.push_str(&format!(" SHORTCUTURL=\"{}\"", escape(slug)));
        if e.forwarding_enabled == Some(false) {
            out.push_str(" FORWARDING=\"0\"");
        }
    }
    if e.pinned {
        out.push_str(" PINNED=\"1\"");
    }
    out.push_str(&format!(">{}</A>\n", escape(&e.title)));
}

#[cfg(test)]
mod tests;
