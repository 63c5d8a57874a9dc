//! The library: the dashboard, bookmarks (list, form, bulk), folders, tags, go-link
//! preferences, the search-engine guide and the palette's data.

mod bookmarks;
mod dashboard;
mod edit;
mod go;
mod groups;
pub mod link;
mod suggest;

use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup};

use crate::app::bookmarks::BookmarkView;
use crate::state::AppState;
use crate::web::session::Ctx;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/bookmarks", get(bookmarks::list))
        .route("/bookmarks/bulk", post(bookmarks::bulk))
        .route("/bookmarks/new", get(edit::new_page).post(edit::create))
        .route(
            "/bookmarks/{id}/edit",
            get(edit::edit_page).post(edit::update),
        )
        .route("/bookmarks/{id}", get(link::page))
        .route(
            "/bookmarks/{id}/history/{entry}/restore",
            post(link::restore),
        )
        .route(
            "/bookmarks/{id}/delete",
            get(edit::delete_page).post(edit::delete),
        )
        .route("/folders", get(groups::folders).post(groups::create_folder))
        .route("/folders/{id}/delete", post(groups::delete_folder))
        .route("/tags", get(groups::tags).post(groups::create_tag))
        .route("/tags/{id}/delete", post(groups::delete_tag))
        .route("/tags/suggest", get(suggest::tags))
        .route("/share/suggest", get(suggest::share))
        .route("/go-preferences", get(go::preferences))
        .route("/go-preferences/forget", post(go::forget))
        .route("/search-engine", get(go::search_engine))
        .route("/opensearch.xml", get(go::opensearch))
        .route("/palette", get(go::palette))
}

/// `/go/<slug>` as a full URL, for copying.
fn go_url(base: &str, slug: &str) -> String {
    format!("{base}/go/{slug}")
}

/// A bookmark as a card: title, URL, go-link with a copy button, tags and folders, actions.
fn card(ctx: &Ctx, base: &str, b: &BookmarkView, select: bool) -> Markup {
    card_with(ctx, base, b, select, html! {})
}

/// [`card`] with `extra` (a visit chart) below the go-link.
fn card_with(ctx: &Ctx, base: &str, b: &BookmarkView, select: bool, extra: Markup) -> Markup {
    let r = &b.row;
    html! {
        li.card {
            @if select {
                div.check {
                    input type="checkbox" name="ids" value=(r.id) id=(format!("sel-{}", r.id));
                    label for=(format!("sel-{}", r.id)) { (ctx.t("lib.select")) " " span.visually-hidden { (r.title) } }
                }
            }
            h3 { a href=(r.url) rel="noopener noreferrer" { (r.title) } @if r.pinned { " " span.chip { (ctx.t("lib.pinned")) } } (link_badge(ctx, b)) }
            p.url { (r.url) }
            (golink(ctx, base, b))
            (extra)
            (chips(b))
            @if !b.mine { p.muted { (ctx.tf("lib.shared_by", &[("name", &r.owner_name)])) } }
            div.actions {
                a.button.secondary href=(format!("/bookmarks/{}", r.id)) { (ctx.t("lib.details")) span.visually-hidden { " " (r.title) } }
                @if b.mine {
                    a.button.secondary href=(format!("/bookmarks/{}/edit", r.id)) { (ctx.t("lib.edit")) span.visually-hidden { " " (r.title) } }
                    a.button.secondary href=(format!("/bookmarks/{}/delete", r.id)) { (ctx.t("lib.delete")) span.visually-hidden { " " (r.title) } }
                }
            }
        }
    }
}

/// "Broken" or "Unreachable" when the last link check found so (nothing otherwise).
fn link_badge(ctx: &Ctx, b: &BookmarkView) -> Markup {
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

fn golink(ctx: &Ctx, base: &str, b: &BookmarkView) -> Markup {
    html! {
        @if let Some(slug) = &b.row.slug {
            p.actions {
                a href=(format!("/go/{slug}")) { code { "go/" (slug) } }
                button.secondary type="button" data-copy=(go_url(base, slug)) data-copied=(ctx.t("lib.copied")) {
                    (ctx.t("lib.copy")) span.visually-hidden { " go/" (slug) }
                }
            }
        }
    }
}

fn chips(b: &BookmarkView) -> Markup {
    html! {
        @if !b.tags.is_empty() || !b.folders.is_empty() {
            ul.chips {
                @for f in &b.folders { li { a.chip href=(format!("/bookmarks?folder_id={}", f.id)) { "▸ " (f.name) } } }
                @for t in &b.tags { li { a.chip href=(format!("/bookmarks?tag_id={}", t.id)) { "#" (t.name) } } }
            }
        }
    }
}
