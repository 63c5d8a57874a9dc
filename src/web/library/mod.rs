//! The library: the dashboard, bookmarks (list, form, bulk), folders, tags, go-link
//! preferences, the search-engine guide and the palette's data.

mod bookmarks;
mod dashboard;
mod edit;
mod folder_field;
mod folders_page;
mod go;
mod groups;
pub mod link;
mod list_page;
mod palette;
mod rows;
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
        .route("/bookmarks/{id}/check", post(link::check_now))
        .route(
            "/bookmarks/{id}/delete",
            get(edit::delete_page).post(edit::delete),
        )
        .route(
            "/folders",
            get(folders_page::folders).post(folders_page::create_folder),
        )
        .route("/folders/{id}/delete", post(folders_page::delete_folder))
        .route("/tags", get(groups::tags).post(groups::create_tag))
        .route("/tags/{id}/delete", post(groups::delete_tag))
        .route("/tags/suggest", get(suggest::tags))
        .route("/folders/suggest", get(suggest::folders))
        .route("/share/suggest", get(suggest::share))
        .route("/go-preferences", get(go::preferences))
        .route("/go-preferences/forget", post(go::forget))
        .route("/search-engine", get(go::search_engine))
        .route("/opensearch.xml", get(go::opensearch))
        .route("/palette", get(palette::palette))
}

/// A bookmark as a card (the dashboard's sections).
fn card(ctx: &Ctx, base: &str, b: &BookmarkView, select: bool) -> Markup {
    rows::card_with(ctx, base, b, select, html! {})
}

/// [`card`] with `extra` (a visit chart) below the go-link.
fn card_with(ctx: &Ctx, base: &str, b: &BookmarkView, select: bool, extra: Markup) -> Markup {
    rows::card_with(ctx, base, b, select, extra)
}
