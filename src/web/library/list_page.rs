//! The parts of `/bookmarks` around the bookmarks: the search field with the other filters
//! folded under it, the filters in force as chips that remove them, the view switch, the bulk
//! bar and the numbered pager. Every one of them is a link or a plain form, so the page works
//! the same with JavaScript off.

use maud::{html, Markup};

use super::folder_field;
use crate::app::list_params::{present, ListParams};
use crate::web::icons::{icon, Icon};
use crate::web::session::Ctx;

/// How the list shows its bookmarks: one dense line each (the default), cards, or a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    List,
    Cards,
    Table,
}

impl View {
    pub fn parse(v: Option<&str>) -> View {
        match v {
            Some("cards") => View::Cards,
            Some("table") => View::Table,
            _ => View::List,
        }
    }

    fn name(self) -> &'static str {
        match self {
            View::List => "list",
            View::Cards => "cards",
            View::Table => "table",
        }
    }
}

/// The filters a chip can remove, in the order the chips show.
const FILTERS: [&str; 7] = [
    "q",
    "folder_id",
    "tag_id",
    "scope",
    "pinned",
    "link_status",
    "sort_by",
];

/// What the filter fields and chips show for the folder and tag filters: the folder's path (or
/// name) and the tag's name, or the text typed when it named none.
#[derive(Default)]
pub struct Labels {
    pub folder: Option<String>,
    pub tag: Option<String>,
}

/// Links to the list as it is now, with one thing changed.
pub struct ListUrl<'a> {
    pub params: &'a ListParams,
    pub view: View,
}

impl ListUrl<'_> {
    fn value(&self, key: &str) -> Option<&str> {
        let p = self.params;
        let v = match key {
            "q" => &p.q,
            "folder_id" => &p.folder_id,
            "tag_id" => &p.tag_id,
            "scope" => &p.scope,
            "pinned" => &p.pinned,
            "link_status" => &p.link_status,
            "sort_by" => &p.sort_by,
            "limit" => &p.limit,
            _ => return None,
        };
        present(v)
    }

    /// The list in `view` from `offset`, with the filters `keep` says yes to (and the page size).
    fn build(&self, view: View, offset: i64, keep: impl Fn(&str) -> bool) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for key in FILTERS.iter().chain(&["limit"]) {
            if *key == "limit" || keep(key) {
                if let Some(v) = self.value(key) {
                    q.append_pair(key, v);
                }
            }
        }
        if view != View::List {
            q.append_pair("view", view.name());
        }
        if offset > 0 {
            q.append_pair("offset", &offset.to_string());
        }
        let q = q.finish();
        if q.is_empty() {
            "/bookmarks".into()
        } else {
            format!("/bookmarks?{q}")
        }
    }

    /// The page starting at `offset`.
    pub fn page(&self, offset: i64) -> String {
        self.build(self.view, offset, |_| true)
    }

    /// The first page without filter `key`.
    fn without(&self, key: &str) -> String {
        self.build(self.view, 0, |k| k != key)
    }

    /// The first page without any filter.
    fn cleared(&self) -> String {
        self.build(self.view, 0, |_| false)
    }

    /// The same page in another view.
    fn in_view(&self, view: View, offset: i64) -> String {
        self.build(view, offset, |_| true)
    }

    fn active(&self) -> impl Iterator<Item = (&'static str, &str)> {
        FILTERS
            .iter()
            .filter_map(|k| self.value(k).map(|v| (*k, v)))
    }
}

fn select(
    id: &str,
    name: &str,
    label: &str,
    current: Option<&str>,
    options: &[(String, String)],
) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                @for (value, text) in options {
                    option value=(value) selected[current.unwrap_or("") == value.as_str()] { (text) }
                }
            }
        }
    }
}

fn options(ctx: &Ctx, pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(v, k)| (v.to_string(), ctx.t(k).to_string()))
        .collect()
}

const SCOPES: [(&str, &str); 4] = [
    ("", "lib.scope_all"),
    ("mine", "lib.scope_mine"),
    ("shared_with_me", "lib.scope_shared_with_me"),
    ("shared_by_me", "lib.scope_shared_by_me"),
];
const SORTS: [(&str, &str); 4] = [
    ("", "lib.sort_recent"),
    ("alphabetical", "lib.sort_alpha"),
    ("most_used", "lib.sort_used"),
    ("recently_accessed", "lib.sort_accessed"),
];
const LINKS: [(&str, &str); 6] = [
    ("", "lib.link_any"),
    ("ok", "lib.link_ok"),
    ("redirected", "lib.link_redirected"),
    ("broken", "lib.link_broken"),
    ("unreachable", "lib.link_unreachable"),
    ("unknown", "lib.link_unknown"),
];

/// The words of a value among `pairs`, or the value itself.
fn named<'a>(ctx: &Ctx, pairs: &[(&str, &'a str)], value: &'a str) -> &'a str {
    pairs
        .iter()
        .find(|(v, _)| *v == value)
        .map_or(value, |(_, k)| ctx.t(k))
}

/// The search field, and below a "Filters" fold (a `<details>`) with every other filter. One
/// form: searching keeps the filters chosen, and the view rides along hidden.
pub fn search(ctx: &Ctx, url: &ListUrl, labels: &Labels) -> Markup {
    let p = url.params;
    let folded = url.active().filter(|(k, _)| *k != "q").count();
    html! {
        form.search method="get" action="/bookmarks" role="search" data-clean-get {
            div.search-field {
                label.visually-hidden for="f-q" { (ctx.t("lib.search_label")) }
                input #f-q type="search" name="q" value=(url.value("q").unwrap_or(""))
                    placeholder=(ctx.t("lib.search_placeholder"));
            }
            button.search-go type="submit" { (icon(Icon::Search)) span.label { (ctx.t("lib.search")) } }
            @if url.view != View::List { input type="hidden" name="view" value=(url.view.name()); }
            @if let Some(limit) = url.value("limit") { input type="hidden" name="limit" value=(limit); }
            details.filters {
                summary.button.secondary {
                    (icon(Icon::Filter)) span.label { (ctx.t("lib.filters")) }
                    @if folded > 0 { " " span.count { (ctx.num(folded as i64)) } }
                }
                div.filter-panel {
                    div.filter-grid {
                        (select("f-scope", "scope", ctx.t("lib.scope"), p.scope.as_deref(), &options(ctx, &SCOPES)))
                        (folder_field::single(ctx, "f-folder", "folder", ctx.t("lib.folder"), labels.folder.as_deref().unwrap_or(""), Some("f-folder-id")))
                        @if let Some(id) = url.value("folder_id") { input #f-folder-id type="hidden" name="folder_id" value=(id); }
                        div.field {
                            label for="f-tag" { (ctx.t("lib.tag")) }
                            div.combo {
                                input #f-tag type="text" name="tag" value=(labels.tag.as_deref().unwrap_or(""))
                                    autocomplete="off" spellcheck="false" data-suggest="/tags/suggest" data-single
                                    data-id-field="f-tag-id"
                                    data-list-label=(ctx.tf("lib.suggestions", &[("field", ctx.t("lib.tag"))]));
                            }
                        }
                        @if let Some(id) = url.value("tag_id") { input #f-tag-id type="hidden" name="tag_id" value=(id); }
                        (select("f-link", "link_status", ctx.t("lib.link_status"), p.link_status.as_deref(), &options(ctx, &LINKS)))
                        (select("f-sort", "sort_by", ctx.t("lib.sort"), p.sort_by.as_deref(), &options(ctx, &SORTS)))
                    }
                    div.check {
                        input #f-pinned type="checkbox" name="pinned" value="true" checked[url.value("pinned") == Some("true")];
                        label for="f-pinned" { (ctx.t("lib.only_pinned")) }
                    }
                    div.actions {
                        button type="submit" { (ctx.t("lib.filter")) }
                        a href="/bookmarks" { (ctx.t("lib.clear")) }
                    }
                }
            }
        }
    }
}

/// The filters in force, each a chip that links to the list without it; "clear all" after.
pub fn chips(ctx: &Ctx, url: &ListUrl, labels: &Labels) -> Markup {
    let label = |key: &str, value: &str| -> String {
        let name = match key {
            "q" => return ctx.tf("lib.chip_search", &[("q", value)]),
            "folder_id" => labels.folder.as_deref().unwrap_or(ctx.t("lib.folder")),
            "tag_id" => {
                let name = labels.tag.as_deref().unwrap_or(ctx.t("lib.tag"));
                return format!("#{name}");
            }
            "scope" => return named(ctx, &SCOPES, value).to_string(),
            "pinned" if matches!(value, "true" | "1") => return ctx.t("lib.only_pinned").into(),
            "pinned" => return ctx.t("lib.not_pinned").into(),
            "link_status" => named(ctx, &LINKS, value),
            _ => named(ctx, &SORTS, value),
        };
        let what = match key {
            "folder_id" => ctx.t("lib.folder"),
            "link_status" => ctx.t("lib.link_status"),
            _ => ctx.t("lib.sort"),
        };
        format!("{what}: {name}")
    };
    let active: Vec<_> = url.active().collect();
    html! {
        @if !active.is_empty() {
            ul.active-filters aria-label=(ctx.t("lib.active_filters")) {
                @for (key, value) in &active {
                    li {
                        a.filter-chip href=(url.without(key)) {
                            span.visually-hidden { (ctx.t("lib.remove_filter")) " " }
                            (label(key, value))
                            (icon(Icon::Close))
                        }
                    }
                }
                @if active.len() > 1 {
                    li { a.clear-all href=(url.cleared()) { (ctx.t("lib.clear")) } }
                }
            }
        }
    }
}

/// The views as links to this same page in each, the current one marked.
pub fn views(ctx: &Ctx, url: &ListUrl, offset: i64) -> Markup {
    let all = [
        (View::List, Icon::List, "lib.view_list"),
        (View::Cards, Icon::Cards, "lib.view_cards"),
        (View::Table, Icon::Table, "lib.view_table"),
    ];
    html! {
        nav.views aria-label=(ctx.t("lib.view")) {
            @for (view, glyph, key) in all {
                a.icon-button href=(url.in_view(view, offset)) aria-current=[(view == url.view).then_some("page")] title=(ctx.t(key)) {
                    (icon(glyph)) span.visually-hidden { (ctx.t(key)) }
                }
            }
        }
    }
}

/// What to do with the ticked bookmarks. Folded (a `<details>`) so that it costs one line
/// without JavaScript; with it, the bar stays hidden until something is ticked, then opens and
/// sticks to the top of the window.
pub fn bulk_bar(ctx: &Ctx) -> Markup {
    html! {
        details.bulk-bar data-bulk-bar {
            summary { (ctx.t("lib.bulk")) " (" output data-selected-count { "0" } ")" }
            div.row {
                div.field {
                    label for="f-bulk-action" { (ctx.t("lib.bulk_action")) }
                    select #f-bulk-action name="action" {
                        option value="move" { (ctx.t("lib.bulk_move")) }
                        option value="tag" { (ctx.t("lib.bulk_tag")) }
                        option value="share" { (ctx.t("lib.bulk_share")) }
                        option value="delete" { (ctx.t("lib.bulk_delete")) }
                    }
                }
                (folder_field::single(ctx, "f-bulk-folder", "folder", ctx.t("lib.folder"), "", None))
                div.field {
                    label for="f-bulk-tags" { (ctx.t("lib.bulk_tags")) }
                    div.combo {
                        input #f-bulk-tags type="text" name="tags" autocomplete="off" spellcheck="false"
                            data-suggest="/tags/suggest"
                            data-list-label=(ctx.tf("lib.suggestions", &[("field", ctx.t("lib.bulk_tags"))]));
                    }
                }
                div.field {
                    label for="f-bulk-share" { (ctx.t("lib.bulk_share_with")) }
                    div.combo {
                        input #f-bulk-share type="text" name="share_with" autocomplete="off" spellcheck="false"
                            data-suggest="/share/suggest"
                            data-list-label=(ctx.tf("lib.suggestions", &[("field", ctx.t("lib.bulk_share_with"))]));
                    }
                }
                button type="submit" { (ctx.t("lib.apply")) }
            }
        }
    }
}

/// The page numbers to offer around `current` of `pages`: the first, the last, the current
/// one with a neighbour each side, and `None` for a gap.
fn numbers(current: i64, pages: i64) -> Vec<Option<i64>> {
    let mut out = Vec::new();
    let mut last = 0;
    for n in [1, current - 1, current, current + 1, pages] {
        if n < 1 || n > pages || n <= last {
            continue;
        }
        if n > last + 1 {
            // A gap of one page is that page, not an ellipsis.
            if n == last + 2 {
                out.push(Some(last + 1));
            } else {
                out.push(None);
            }
        }
        out.push(Some(n));
        last = n;
    }
    out
}

/// "‹ 1 … 4 5 6 … 493 ›": every page a link, the current one marked `aria-current="page"`.
pub fn pager(
    ctx: &Ctx,
    href: &dyn Fn(i64) -> String,
    offset: i64,
    size: i64,
    total: i64,
) -> Markup {
    let pages = (total + size - 1) / size;
    let current = offset / size + 1;
    if pages <= 1 && offset == 0 {
        return html! {};
    }
    html! {
        nav.pager aria-label=(ctx.t("lib.pages")) {
            ul {
                li {
                    @if offset > 0 {
                        a.icon-button href=(href((offset - size).max(0))) rel="prev" title=(ctx.t("lib.prev")) {
                            (icon(Icon::ChevronLeft)) span.visually-hidden { (ctx.t("lib.prev")) }
                        }
                    }
                }
                @for n in numbers(current, pages) {
                    li {
                        @match n {
                            Some(n) => a href=(href((n - 1) * size)) aria-current=[(n == current).then_some("page")] { (ctx.num(n)) },
                            None => span.gap { "…" },
                        }
                    }
                }
                li {
                    @if offset + size < total {
                        a.icon-button href=(href(offset + size)) rel="next" title=(ctx.t("lib.next")) {
                            (icon(Icon::ChevronRight)) span.visually-hidden { (ctx.t("lib.next")) }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pager_offers_the_ends_and_the_neighbours() {
        let show = |c, p| {
            numbers(c, p)
                .iter()
                .map(|n| n.map_or("…".to_string(), |n| n.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(show(1, 493), "1 2 … 493");
        assert_eq!(show(5, 493), "1 … 4 5 6 … 493");
        assert_eq!(show(3, 493), "1 2 3 4 … 493");
        assert_eq!(show(493, 493), "1 … 492 493");
        assert_eq!(show(2, 3), "1 2 3");
        assert_eq!(show(1, 1), "1");
    }

    #[test]
    fn a_chip_links_to_the_list_without_its_filter() {
        let params = ListParams {
            q: Some("rust".into()),
            tag_id: Some("t1".into()),
            scope: Some(" ".into()),
            offset: Some("100".into()),
            ..Default::default()
        };
        let url = ListUrl {
            params: &params,
            view: View::Table,
        };
        assert_eq!(url.without("tag_id"), "/bookmarks?q=rust&view=table");
        assert_eq!(
            url.page(50),
            "/bookmarks?q=rust&tag_id=t1&view=table&offset=50"
        );
        assert_eq!(url.in_view(View::List, 0), "/bookmarks?q=rust&tag_id=t1");
    }
}
