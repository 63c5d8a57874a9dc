use super::*;

/// Shaped like a Firefox export: a doctype, a stray `</meta>`, the menu's own bookmarks, the
/// toolbar as a root folder, nested folders, keywords, tags, descriptions, and entities.
const FIREFOX: &str = r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'self'; script-src 'none'; img-src data: *; object-src 'none'"></meta>
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks Menu</H1>

<DL><p>
    <DT><A HREF="https://www.mozilla.org/en-US/firefox/central/" ADD_DATE="1700000000" LAST_MODIFIED="1700000001" ICON_URI="https://www.mozilla.org/favicon.ico" ICON="data:image/png;base64,iVBORw0KGgo=">Getting Started</A>
    <HR>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000002" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks Toolbar</H3>
    <DL><p>
        <DT><A HREF="https://docs.rs/" ADD_DATE="1700000100" LAST_MODIFIED="1700000101" SHORTCUTURL="docs" TAGS="rust,docs">Docs.rs</A>
        <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000000">Work</H3>
        <DL><p>
            <DT><A HREF="https://wiki.example/a?x=1&amp;y=2" ADD_DATE="1700000200">Tom &amp; Jerry&#39;s &lt;wiki&gt;</A>
            <DD>A description that is not a title
            <DT><H3>Docs</H3>
            <DL><p>
                <DT><A HREF="https://nested.example/" ADD_DATE="1700000300">Nested   one</A>
            </DL><p>
        </DL><p>
    </DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000000" UNFILED_BOOKMARKS_FOLDER="true">Other Bookmarks</H3>
    <DL><p>
        <DT><A HREF="https://unfiled.example/">Unfiled &#x2013; caf&#233;</A>
    </DL><p>
</DL>
"#;

/// Shaped like a Chrome export.
const CHROME: &str = r#"<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000500" PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>
    <DL><p>
        <DT><A HREF="https://github.com/" ADD_DATE="1700000000" ICON="data:image/png;base64,AAAA">GitHub</A>
        <DT><H3 ADD_DATE="1700000001" LAST_MODIFIED="1700000400">Rust</H3>
        <DL><p>
            <DT><A HREF="https://www.rust-lang.org/de" ADD_DATE="1700000001">Rust – Programmiersprache</A>
        </DL><p>
    </DL><p>
    <DT><H3 ADD_DATE="1700000000" LAST_MODIFIED="1700000000">Other bookmarks</H3>
    <DL><p>
        <DT><A HREF="https://example.org/" ADD_DATE="1700000002"></A>
    </DL><p>
</DL><p>
"#;

/// Each entry's title, URL and folders (as `A/B` labels).
fn summary(entries: &[Entry]) -> Vec<(String, String, Vec<String>)> {
    entries
        .iter()
        .map(|e| {
            let folders = e.folders.iter().map(|p| p.join("/")).collect();
            (e.title.clone(), e.url.clone(), folders)
        })
        .collect()
}

fn s(v: &str) -> String {
    v.to_string()
}

fn path(names: &[&str]) -> FolderPath {
    names.iter().map(|n| n.to_string()).collect()
}

/// The entries of a file that must parse.
fn entries(src: &str) -> Vec<Entry> {
    parse(src).unwrap().0
}

#[test]
fn reads_a_firefox_export() {
    let (entries, folders) = parse(FIREFOX).unwrap();
    assert_eq!(
        folders,
        [path(&["Work"]), path(&["Work", "Docs"])],
        "the browser's roots are no folders"
    );
    assert_eq!(
        summary(&entries),
        vec![
            (
                s("Getting Started"),
                s("https://www.mozilla.org/en-US/firefox/central/"),
                vec![]
            ),
            (s("Docs.rs"), s("https://docs.rs/"), vec![]),
            (
                s("Tom & Jerry's <wiki>"),
                s("https://wiki.example/a?x=1&y=2"),
                vec![s("Work")]
            ),
            (
                s("Nested one"),
                s("https://nested.example/"),
                vec![s("Work/Docs")]
            ),
            (s("Unfiled – café"), s("https://unfiled.example/"), vec![]),
        ]
    );
    let docs = &entries[1];
    assert_eq!(docs.slug.as_deref(), Some("docs"));
    assert_eq!(docs.tags, ["rust", "docs"]);
    assert_eq!(docs.created_at, Some(1_700_000_100_000));
    assert_eq!(
        docs.forwarding_enabled,
        Some(true),
        "a browser keyword is a go-link"
    );
    assert_eq!(entries[4].created_at, None);
    assert_eq!(entries[3].folders, [path(&["Work", "Docs"])]);
}

#[test]
fn reads_a_chrome_export() {
    let entries = entries(CHROME);
    assert_eq!(
        summary(&entries),
        vec![
            (s("GitHub"), s("https://github.com/"), vec![]),
            (
                s("Rust – Programmiersprache"),
                s("https://www.rust-lang.org/de"),
                vec![s("Rust")]
            ),
            // An untitled bookmark is titled by its address; Chrome's "Other bookmarks" has no
            // marker attribute, so it is an ordinary folder.
            (
                s("https://example.org/"),
                s("https://example.org/"),
                vec![s("Other bookmarks")]
            ),
        ]
    );
}

#[test]
fn reads_lower_case_unquoted_and_unclosed_markup() {
    let src = "<dl><dt><a href=https://x.example/ add_date=1700000000 tags='a, b'>X\n  one\
               <dt><h3>F</h3><dl><p><dt><a href='https://y.example'>Y</dl></dl>";
    let entries = entries(src);
    assert_eq!(
        summary(&entries),
        vec![
            (s("X one"), s("https://x.example/"), vec![]),
            (s("Y"), s("https://y.example"), vec![s("F")]),
        ]
    );
    assert_eq!(entries[0].tags, ["a", "b"]);
}

#[test]
fn refuses_what_is_not_a_bookmark_file() {
    for garbage in [
        "",
        "just some words",
        "<html><body><p>Hello <a href=\"https://x.example\">x</a></p></body></html>",
        "[{\"title\": \"x\"}]",
    ] {
        assert!(parse(garbage).is_err(), "{garbage:?}");
    }
    assert_eq!(
        parse("<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><p></DL>").unwrap(),
        (vec![], vec![])
    );
}

#[test]
fn writes_what_it_reads_escaping_everything() {
    let entries = vec![
        Entry {
            title: s(r#"Tom & "Jerry" <b>'s</b> – ü"#),
            url: s("https://a.example/?q=1&r=\"2\"<>"),
            slug: Some(s("tj")),
            forwarding_enabled: Some(false),
            pinned: true,
            tags: vec![s("a&b"), s("<c>")],
            folders: vec![path(&["Zeta"]), path(&["Al\"pha"])],
            created_at: Some(1_700_000_000_000),
            repeats: 0,
        },
        Entry {
            title: s("Plain"),
            url: s("https://plain.example/"),
            slug: Some(s("plain")),
            forwarding_enabled: Some(true),
            created_at: Some(1_700_000_001_000),
            ..Entry::default()
        },
    ];
    let html = render(&entries, &[]);
    assert!(html.starts_with("<!DOCTYPE NETSCAPE-Bookmark-file-1>"));
    assert!(html.contains(
        "<A HREF=\"https://a.example/?q=1&amp;r=&quot;2&quot;&lt;&gt;\" ADD_DATE=\"1700000000\" \
         TAGS=\"a&amp;b,&lt;c&gt;\" SHORTCUTURL=\"tj\" FORWARDING=\"0\" PINNED=\"1\">\
         Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;s&lt;/b&gt; – ü</A>"
    ));
    // The unfiled one comes first, then the folders by name, the first bookmark under both.
    let plain = html.find("Plain").unwrap();
    let alpha = html.find("Al&quot;pha").unwrap();
    let zeta = html.find("Zeta").unwrap();
    assert!(plain < alpha && alpha < zeta);
    assert_eq!(html.matches("Tom &amp;").count(), 2);

    let back = entries_of(&html);
    assert_eq!(back.len(), 2, "a bookmark in two folders is read back once");
    let mut first = entries[0].clone();
    first.folders.sort();
    // Written under each of its folders, it is read as one link seen twice.
    first.repeats = 1;
    assert_eq!(back[1], first);
    assert_eq!(back[0], entries[1]);
}

fn entries_of(html: &str) -> Vec<Entry> {
    entries(html)
}

#[test]
fn nested_folders_are_written_nested_and_read_back_as_the_same_tree() {
    let entries = vec![
        Entry {
            title: s("Deep"),
            url: s("https://deep.example/"),
            folders: vec![path(&["Work", "Docs", "Rust"])],
            ..Entry::default()
        },
        Entry {
            title: s("Shallow"),
            url: s("https://shallow.example/"),
            folders: vec![path(&["Work"]), path(&["A/B"])],
            ..Entry::default()
        },
    ];
    let empty = path(&["Work", "Empty"]);
    let html = render(&entries, std::slice::from_ref(&empty));
    assert_eq!(html.matches("<H3>").count(), 5, "{html}");
    let work = html.find("<H3>Work</H3>").unwrap();
    let docs = html.find("<H3>Docs</H3>").unwrap();
    let rust = html.find("<H3>Rust</H3>").unwrap();
    assert!(work < docs && docs < rust);
    assert!(
        html.contains("<H3>A/B</H3>"),
        "a slash is part of a name: {html}"
    );
    let (back, folders) = parse(&html).unwrap();
    assert_eq!(
        folders,
        [
            path(&["A/B"]),
            path(&["Work"]),
            path(&["Work", "Docs"]),
            path(&["Work", "Docs", "Rust"]),
            empty,
        ]
    );
    let deep = back.iter().find(|e| e.title == "Deep").unwrap();
    assert_eq!(deep.folders, [path(&["Work", "Docs", "Rust"])]);
    let shallow = back.iter().find(|e| e.title == "Shallow").unwrap();
    assert_eq!(shallow.folders, [path(&["A/B"]), path(&["Work"])]);
}

#[test]
fn long_headings_keep_their_first_characters_and_empty_ones_are_no_folder() {
    let long = "x".repeat(300);
    let src = format!(
        "<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><p><DT><H3>{long}</H3><DL><p>\
         <DT><H3>  </H3><DL><p><DT><A HREF=\"https://a.example/\">A</A></DL><p></DL><p></DL>"
    );
    let (entries, folders) = parse(&src).unwrap();
    assert_eq!(folders, [vec!["x".repeat(255)]]);
    assert_eq!(entries[0].folders, [vec!["x".repeat(255)]]);
}
