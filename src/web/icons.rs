//! The pages' one icon set: small line drawings on a 24×24 grid, drawn for SlugBase (no icon
//! font, no download). Each is inline SVG in the text colour (`currentColor`), hidden from
//! screen readers: the button or link that holds one always carries its name in words.

use maud::{Markup, PreEscaped};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Icon {
    Search,
    Filter,
    Close,
    Menu,
    List,
    Cards,
    Table,
    ChevronLeft,
    ChevronRight,
    Copy,
    Info,
    Edit,
    Delete,
    Check,
    Pin,
    External,
    Plus,
    Folder,
    Tag,
    SignOut,
}

impl Icon {
    /// The drawing: strokes of width 2 with round ends, as every icon of the set.
    fn paths(self) -> &'static str {
        match self {
            Icon::Search => r#"<circle cx="11" cy="11" r="6.5"/><path d="M16 16l4.5 4.5"/>"#,
            Icon::Filter => r#"<path d="M4 5h16l-6 7.5V18l-4 2v-7.5z"/>"#,
            Icon::Close => r#"<path d="M6.5 6.5l11 11M17.5 6.5l-11 11"/>"#,
            Icon::Menu => r#"<path d="M4 6.5h16M4 12h16M4 17.5h16"/>"#,
            Icon::List => {
                r#"<path d="M9 6.5h11M9 12h11M9 17.5h11"/><path d="M4.5 6.5h.01M4.5 12h.01M4.5 17.5h.01"/>"#
            }
            Icon::Cards => {
                r#"<rect x="4" y="4" width="7" height="7" rx="1.5"/><rect x="13" y="4" width="7" height="7" rx="1.5"/><rect x="4" y="13" width="7" height="7" rx="1.5"/><rect x="13" y="13" width="7" height="7" rx="1.5"/>"#
            }
            Icon::Table => {
                r#"<rect x="3.5" y="5" width="17" height="14" rx="2"/><path d="M3.5 10h17M9.5 10v9"/>"#
            }
            Icon::ChevronLeft => r#"<path d="M14.5 6l-6 6 6 6"/>"#,
            Icon::ChevronRight => r#"<path d="M9.5 6l6 6-6 6"/>"#,
            Icon::Copy => {
                r#"<rect x="9" y="9" width="11" height="11" rx="2"/><path d="M15 9V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v7a2 2 0 0 0 2 2h3"/>"#
            }
            Icon::Info => r#"<circle cx="12" cy="12" r="8.5"/><path d="M12 11v5.5M12 7.5h.01"/>"#,
            Icon::Edit => {
                r#"<path d="M4 20h4.5L19 9.5 14.5 5 4 15.5z"/><path d="M12.5 7l4.5 4.5"/>"#
            }
            Icon::Delete => {
                r#"<path d="M4 7h16M9.5 7V4.5h5V7M6 7l1 13h10l1-13M10 11v5.5M14 11v5.5"/>"#
            }
            Icon::Check => {
                r#"<path d="M20 12a8 8 0 1 1-2.4-5.7"/><path d="M20 4.5V9h-4.5"/><path d="M8.5 12.5l2.5 2.5 4.5-5"/>"#
            }
            Icon::Pin => r#"<path d="M9 3.5h6M10 3.5v6l-3.5 4h11l-3.5-4v-6M12 13.5V21"/>"#,
            Icon::External => {
                r#"<path d="M14 4h6v6M20 4l-9 9"/><path d="M18 14v4a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2h4"/>"#
            }
            Icon::Plus => r#"<path d="M12 5v14M5 12h14"/>"#,
            Icon::Folder => {
                r#"<path d="M3.5 7a2 2 0 0 1 2-2h4l2 2.5h7a2 2 0 0 1 2 2V17a2 2 0 0 1-2 2h-13a2 2 0 0 1-2-2z"/>"#
            }
            Icon::SignOut => {
                r#"<path d="M14 4h4a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-4"/><path d="M9.5 16.5L5 12l4.5-4.5M5 12h10"/>"#
            }
            Icon::Tag => {
                r#"<path d="M3.5 4.5v7l9 9 8-8-9-9h-7z"/><circle cx="8" cy="8.5" r="1.2"/>"#
            }
        }
    }
}

/// `icon` as inline SVG, sized by the stylesheet (`.icon`: 1.1em square).
pub fn icon(icon: Icon) -> Markup {
    PreEscaped(format!(
        r#"<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{}</svg>"#,
        icon.paths()
    ))
}
