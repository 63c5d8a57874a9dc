//! A link's page: `/bookmarks/{id}` in the library and `/go/<slug>+` (drawn by the go-link
//! pages): the target, owner and go-link, the last link check, visits per day as a chart, and
//! the edit history, with "restore" for the owner.

use axum::extract::{Path, State};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use maud::{html, Markup};

use crate::app::link_info::{self, LinkInfo};
use crate::app::{history, link_checks};
use crate::domain::history::HistoryField;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::bookmark_list::LinkRow;
use crate::store::history::HistoryRow;
use crate::web::chart;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::icons::{icon, Icon};
use crate::web::layout::{self, csrf_field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

/// `GET /bookmarks/{id}`: the bookmark's page.
pub async fn page(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Path(id): Path<String>,
) -> PageResult {
    let info = link_info::of_bookmark(&state.store, &org, &id).await?;
    let title = info.view.row.title.clone();
    let body = one(&ctx, &info, 1, None);
    Ok(layout::page(&ctx, &title, body).into_response())
}

/// `POST /bookmarks/{id}/history/{entryId}/restore`: puts an old value back (the owner only),
/// then shows the page again; a refusal (a slug taken since) is shown on the page.
pub async fn restore(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Path((id, entry)): Path<(String, String)>,
    Form(_): Form<Empty>,
) -> PageResult {
    match history::restore(&state.store, &state.link_checker, &org, &id, &entry).await {
        Ok(b) => {
            let to = format!("/bookmarks/{}", b.row.id);
            Ok(nav::see_other(&nav::with_notice(&to, "restored")))
        }
        Err(e @ (AppError::NotFound(_) | AppError::Forbidden)) => Err(e.into()),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let info = link_info::of_bookmark(&state.store, &org, &id).await?;
            let title = info.view.row.title.clone();
            let body = one(&ctx, &info, 1, Some(&message));
            Ok((status, layout::page(&ctx, &title, body)).into_response())
        }
    }
}

/// `POST /bookmarks/{id}/check`: checks the link now (anyone who can see it may, as with
/// `POST /api/bookmarks/:id/check`) and shows the page with what the check found.
pub async fn check_now(
    State(state): State<AppState>,
    Member { org, .. }: Member,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    let b = link_checks::check_now(&state.store, &state.link_checker, &org, &id).await?;
    let to = format!("/bookmarks/{}", b.row.id);
    Ok(nav::see_other(&nav::with_notice(&to, "checked")))
}

/// The pages of the bookmarks `/go/<slug>` opens (several when it lets the person choose).
pub fn for_slug(ctx: &Ctx, slug: &str, infos: &[LinkInfo]) -> Markup {
    html! {
        h1 { "go/" (slug) }
        @if infos.len() > 1 { p { (ctx.t("go.choose_lead")) } }
        @for info in infos { (one(ctx, info, 2, None)) }
    }
}

fn when(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M UTC")
        .to_string()
}

/// One bookmark's page, its title at heading level `level` (1 on its own page, 2 under the
/// go-link's heading).
fn one(ctx: &Ctx, info: &LinkInfo, level: u8, error: Option<&str>) -> Markup {
    let b = &info.view;
    let r = &b.row;
    let heading = html! { a href=(r.url) rel="noopener noreferrer" { (r.title) } };
    html! {
        article.link-page aria-labelledby=(format!("link-{}", r.id)) {
            @if level == 1 { h1 #(format!("link-{}", r.id)) { (heading) } } @else { h2 #(format!("link-{}", r.id)) { (heading) } }
            @if let Some(message) = error { p.error role="alert" { (message) } }
            dl.facts {
                dt { (ctx.t("lib.url")) } dd.url { (r.url) }
                @if let Some(slug) = &r.slug {
                    dt { (ctx.t("link.golink")) }
                    dd {
                        code { "go/" (slug) }
                        @if !r.forwarding_enabled { " " span.chip { (ctx.t("link.not_forwarding")) } }
                    }
                }
                dt { (ctx.t("link.owner")) }
                dd { @if b.mine { (ctx.t("link.you")) } @else { (r.owner_name) } }
                dt { (ctx.t("lib.folders")) }
                dd { @if b.folders.is_empty() { span.muted { (ctx.t("link.none")) } } @else { (labels_of(&b.folders, true)) } }
                dt { (ctx.t("lib.tags")) }
                dd { @if b.tags.is_empty() { span.muted { (ctx.t("link.none")) } } @else { (labels_of(&b.tags, false)) } }
                dt { (ctx.t("lib.link_status")) }
                dd { (check(ctx, b)) }
                dt { (ctx.t("link.visits")) }
                dd { (ctx.tf("link.visits_total", &[("count", &ctx.num(r.access_count))])) }
            }
            div.actions {
                a.button href=(r.url) rel="noopener noreferrer" { (icon(Icon::External)) (ctx.t("link.open")) }
                @if b.mine {
                    a.button.secondary href=(format!("/bookmarks/{}/edit", r.id)) { (icon(Icon::Edit)) (ctx.t("lib.edit")) span.visually-hidden { " " (r.title) } }
                }
                form.inline method="post" action=(format!("/bookmarks/{}/check", r.id)) {
                    (csrf_field(ctx))
                    button.secondary type="submit" { (icon(Icon::Check)) (ctx.t("link.check_now")) }
                }
                @if b.mine {
                    a.button.secondary.danger-text href=(format!("/bookmarks/{}/delete", r.id)) { (icon(Icon::Delete)) (ctx.t("lib.delete")) span.visually-hidden { " " (r.title) } }
                }
            }
            section {
                h3 { (ctx.t("link.visits_chart")) }
                (chart::visits(ctx, &info.visits))
            }
            section {
                h3 { (ctx.t("link.history")) }
                (history_table(ctx, b.mine, &r.id, &info.history))
            }
        }
    }
}

/// Folders or tags, each a link to the list filtered by it.
fn labels_of(links: &[LinkRow], folders: bool) -> Markup {
    html! {
        ul.chips {
            @for l in links {
                li {
                    @if folders {
                        a.chip.folder href=(format!("/bookmarks?folder_id={}", l.id)) { (icon(Icon::Folder)) (l.name) }
                    } @else {
                        a.chip href=(format!("/bookmarks?tag_id={}", l.id)) { "#" (l.name) }
                    }
                }
            }
        }
    }
}

fn check(ctx: &Ctx, b: &crate::app::bookmarks::BookmarkView) -> Markup {
    let r = &b.row;
    let key = format!("lib.link_{}", r.link_status);
    let status = if ctx.lang.has(&key) {
        ctx.t(&key)
    } else {
        ctx.t("lib.link_unknown")
    };
    html! {
        (status)
        @if let Some(code) = r.link_status_code { " · " (ctx.tf("lib.link_code", &[("code", &code.to_string())])) }
        @if let Some(at) = r.link_checked_at { " · " (ctx.tf("link.checked_at", &[("when", &when(at))])) }
        @if let Some(final_url) = &r.link_final_url { br; (ctx.t("link.moved_to")) " " span.url { (final_url) } }
    }
}

fn field_name(ctx: &Ctx, field: &str) -> &'static str {
    match HistoryField::parse(field) {
        Some(HistoryField::Title) => ctx.t("lib.title"),
        Some(HistoryField::Url) => ctx.t("lib.url"),
        Some(HistoryField::Slug) => ctx.t("link.golink"),
        Some(HistoryField::Forwarding) | None => ctx.t("link.forwarding"),
    }
}

fn value(ctx: &Ctx, field: &str, v: Option<&str>) -> Markup {
    match (HistoryField::parse(field), v) {
        (Some(HistoryField::Forwarding), Some("true")) => html! { (ctx.t("link.on")) },
        (Some(HistoryField::Forwarding), _) => html! { (ctx.t("link.off")) },
        (_, None) => html! { span.muted { (ctx.t("link.none")) } },
        (_, Some(v)) => html! { span.url { (v) } },
    }
}

fn history_table(ctx: &Ctx, mine: bool, id: &str, entries: &[HistoryRow]) -> Markup {
    html! {
        @if entries.is_empty() {
            p.muted { (ctx.t("link.no_history")) }
        } @else {
            div.table-wrap {
                table.stack {
                    thead { tr {
                        th scope="col" { (ctx.t("link.when")) }
                        th scope="col" { (ctx.t("link.field")) }
                        th scope="col" { (ctx.t("link.before")) }
                        th scope="col" { (ctx.t("link.after")) }
                        th scope="col" { (ctx.t("link.by")) }
                        @if mine { th scope="col" { span.visually-hidden { (ctx.t("link.restore")) } } }
                    } }
                    tbody {
                        @for e in entries {
                            tr {
                                td data-label=(ctx.t("link.when")) { (when(e.changed_at)) }
                                td data-label=(ctx.t("link.field")) { (field_name(ctx, &e.field)) }
                                td data-label=(ctx.t("link.before")) { (value(ctx, &e.field, e.old_value.as_deref())) }
                                td data-label=(ctx.t("link.after")) { (value(ctx, &e.field, e.new_value.as_deref())) }
                                td data-label=(ctx.t("link.by")) { (e.changed_by_name.as_deref().unwrap_or("—")) }
                                @if mine {
                                    td.cell-actions {
                                        form.inline method="post" action=(format!("/bookmarks/{id}/history/{}/restore", e.id)) {
                                            (csrf_field(ctx))
                                            button.secondary type="submit" {
                                                (ctx.t("link.restore")) span.visually-hidden { " " (field_name(ctx, &e.field)) " " (when(e.changed_at)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
