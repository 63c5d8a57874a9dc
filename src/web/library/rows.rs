//! A bookmark as the library shows it: one dense line of the list, a card (the list's cards view
//! and the dashboard), or a table row. Every shape has one primary action, opening the link by
//! its title; the rest are icon buttons whose names are in words for screen readers.

use maud::{html, Markup};

use crate::app::bookmarks::BookmarkView;
use crate::web::icons::{icon, Icon};
use crate::web::nav;
use crate::web::session::Ctx;

/// `/go/<slug>` as a full URL, for copying.
fn go_url(base: &str, slug: &str) -> String {
    format!("{base}/go/{slug}")
}

/// The host a URL points at, without `www.` (what a person recognizes a link by); the URL's
/// scheme for one without a host (`mailto:`).
pub fn domain(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match u.host_str() {
            Some(h) => h.strip_prefix("www.").unwrap_or(h).to_string(),
            None => u.scheme().to_string(),
        },
        Err(_) => String::new(),
    }
}

/// The stand-in for a site's icon: the first letter of its domain on a tile whose colour comes
/// from the domain (so one site keeps its colour), one of eight with white text at 4.5:1.
fn tile(domain: &str) -> Markup {
    let letter = domain
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_else(|| "·".into());
    let hue = domain
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 8;
    html! { span class=(format!("tile tile-{hue}")) aria-hidden="true" { (letter) } }
}

/// "Broken" or "Unreachable" when the last link check found so (nothing otherwise).
pub fn link_badge(ctx: &Ctx, b: &BookmarkView) -> Markup {
    let key = match b.row.link_status.as_str() {
        "broken" => "lib.link_broken",
        "unreachable" => "lib.link_unreachable",
        _ => return html! {},
    };
    let code = b.row.link_status_code.map(|c| c.to_string());
    html! {
        " " span.badge.link-health title=[code.as_deref().map(|c| ctx.tf("lib.link_code", &[("code", c)]))] { (ctx.t(key)) }
    }
}

fn pinned(ctx: &Ctx, b: &BookmarkView) -> Markup {
    html! {
        @if b.row.pinned {
            span.pinned title=(ctx.t("lib.pinned")) { (icon(Icon::Pin)) span.visually-hidden { (ctx.t("lib.pinned")) } }
        }
    }
}

/// The go-link as a link, and a button that copies its full URL.
fn golink(ctx: &Ctx, base: &str, b: &BookmarkView) -> Markup {
    html! {
        @if let Some(slug) = &b.row.slug {
            span.golink {
                a href=(format!("/go/{slug}")) { code { "go/" (slug) } }
                button.icon-button type="button" data-copy=(go_url(base, slug)) data-copied=(ctx.t("lib.copied")) title=(ctx.t("lib.copy")) {
                    (icon(Icon::Copy)) span.visually-hidden { (ctx.t("lib.copy")) " go/" (slug) }
                }
            }
        }
    }
}

/// The bookmark's folders and tags, each a link to the list filtered by it.
pub fn labels(b: &BookmarkView) -> Markup {
    html! {
        @if !b.tags.is_empty() || !b.folders.is_empty() {
            ul.chips {
                @for f in &b.folders { li { a.chip.folder href=(format!("/bookmarks?folder_id={}", f.id)) { (icon(Icon::Folder)) (f.name) } } }
                @for t in &b.tags { li { a.chip href=(format!("/bookmarks?tag_id={}", t.id)) { "#" (t.name) } } }
            }
        }
    }
}

/// The icon buttons after the title: details, and for the owner edit and delete. The edit form
/// comes back to this page (the list as it was: filters, page and view) when saved.
fn actions(ctx: &Ctx, b: &BookmarkView) -> Markup {
    let r = &b.row;
    let edit = format!(
        "/bookmarks/{}/edit?return_to={}",
        r.id,
        nav::encode(&nav::without_notice(&ctx.here))
    );
    html! {
        a.icon-button href=(format!("/bookmarks/{}", r.id)) title=(ctx.t("lib.details")) {
            (icon(Icon::Info)) span.visually-hidden { (ctx.t("lib.details")) " " (r.title) }
        }
        @if b.mine {
            a.icon-button href=(edit) title=(ctx.t("lib.edit")) {
                (icon(Icon::Edit)) span.visually-hidden { (ctx.t("lib.edit")) " " (r.title) }
            }
            a.icon-button.danger href=(format!("/bookmarks/{}/delete", r.id)) title=(ctx.t("lib.delete")) {
                (icon(Icon::Delete)) span.visually-hidden { (ctx.t("lib.delete")) " " (r.title) }
            }
        }
    }
}

/// The tick box of a bookmark the person may change in bulk (their own).
fn pick(ctx: &Ctx, b: &BookmarkView) -> Markup {
    html! {
        input.pick type="checkbox" name="ids" value=(b.row.id)
            aria-label=(ctx.tf("lib.select_one", &[("title", &b.row.title)]));
    }
}

/// One line of the list: tile, title, domain, go-link, folders and tags, then the icon buttons.
pub fn line(ctx: &Ctx, base: &str, b: &BookmarkView) -> Markup {
    let r = &b.row;
    let site = domain(&r.url);
    html! {
        li.item {
            @if b.mine { (pick(ctx, b)) } @else { span.pick {} }
            (tile(&site))
            div.item-body {
                div.item-title {
                    a href=(r.url) rel="noopener noreferrer" { (r.title) }
                    (pinned(ctx, b))
                    (link_badge(ctx, b))
                }
                div.item-meta {
                    span.domain { (site) }
                    (golink(ctx, base, b))
                    (labels(b))
                    @if !b.mine { span.muted { (ctx.tf("lib.shared_by", &[("name", &r.owner_name)])) } }
                }
            }
            div.item-actions { (actions(ctx, b)) }
        }
    }
}

/// A bookmark as a card: tile and title, domain, go-link, `extra` (a visit chart), folders and
/// tags, and the icon buttons; with a tick box when `select`.
pub fn card_with(ctx: &Ctx, base: &str, b: &BookmarkView, select: bool, extra: Markup) -> Markup {
    let r = &b.row;
    let site = domain(&r.url);
    html! {
        li.card {
            div.card-head {
                (tile(&site))
                h3 { a href=(r.url) rel="noopener noreferrer" { (r.title) } }
                @if select && b.mine { (pick(ctx, b)) }
            }
            p.card-meta { span.domain { (site) } (pinned(ctx, b)) (link_badge(ctx, b)) }
            (golink(ctx, base, b))
            (extra)
            (labels(b))
            @if !b.mine { p.muted { (ctx.tf("lib.shared_by", &[("name", &r.owner_name)])) } }
            div.card-actions { (actions(ctx, b)) }
        }
    }
}

/// The table view; on a phone each row stacks, every cell under its column's name.
pub fn table(ctx: &Ctx, base: &str, items: &[BookmarkView]) -> Markup {
    html! {
        div.table-wrap {
            table.stack {
                thead { tr {
                    th scope="col" { span.visually-hidden { (ctx.t("lib.select")) } }
                    th scope="col" { (ctx.t("lib.title")) }
                    th scope="col" { (ctx.t("lib.golink")) }
                    th scope="col" { (ctx.t("lib.labels")) }
                    th scope="col" { span.visually-hidden { (ctx.t("lib.actions")) } }
                } }
                tbody {
                    @for b in items {
                        tr {
                            td.cell-pick { @if b.mine { (pick(ctx, b)) } }
                            td data-label=(ctx.t("lib.title")) {
                                a.title href=(b.row.url) rel="noopener noreferrer" { (b.row.title) }
                                (pinned(ctx, b)) (link_badge(ctx, b))
                                br; small.domain { (domain(&b.row.url)) }
                            }
                            td data-label=(ctx.t("lib.golink")) { (golink(ctx, base, b)) }
                            td data-label=(ctx.t("lib.labels")) { (labels(b)) }
                            td.cell-actions { div.row-actions { (actions(ctx, b)) } }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::domain;

    #[test]
    fn a_link_is_known_by_its_domain() {
        assert_eq!(domain("https://www.rust-lang.org/learn"), "rust-lang.org");
        assert_eq!(domain("http://127.0.0.1:8080/x"), "127.0.0.1");
        assert_eq!(domain("mailto:ada@example.com"), "mailto");
        assert_eq!(domain("not a url"), "");
    }
}
