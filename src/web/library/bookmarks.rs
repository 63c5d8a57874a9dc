//! `/bookmarks`: every filter in the URL, cards or a table, paging, and bulk actions.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::{html, Markup};
use serde::Deserialize;

use super::{card, chips, golink};
use crate::app::bookmarks::{self as use_case, BookmarkInput, BookmarkView};
use crate::app::list_params::ListParams;
use crate::app::sharing::LinkInput;
use crate::state::AppState;
use crate::store::{folders, tags};
use crate::web::errors::{explain, PageResult};
use crate::web::form::Form;
use crate::web::layout::{self, alert, csrf_field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(flatten)]
    params: ListParams,
    view: Option<String>,
}

/// The query string of `p` with `offset` replaced (for the pager's links).
fn href(p: &ListParams, view: &str, offset: i64) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    let pairs = [
        ("q", &p.q),
        ("scope", &p.scope),
        ("folder_id", &p.folder_id),
        ("tag_id", &p.tag_id),
        ("pinned", &p.pinned),
        ("sort_by", &p.sort_by),
        ("limit", &p.limit),
    ];
    for (k, v) in pairs {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            q.append_pair(k, v);
        }
    }
    if view == "table" {
        q.append_pair("view", "table");
    }
    if offset > 0 {
        q.append_pair("offset", &offset.to_string());
    }
    format!("/bookmarks?{}", q.finish())
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

pub async fn list(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let p = &query.params;
    let view = if query.view.as_deref() == Some("table") {
        "table"
    } else {
        "cards"
    };
    let (filter, sort) = p.filter()?;
    let (limit, offset) = p.page()?;
    let page = use_case::list(
        &state.store,
        &state.list_totals,
        &org,
        &filter,
        sort,
        limit,
        offset,
    )
    .await?;
    let (own_folders, own_tags) = {
        let mut db = state.store.read().await?;
        (
            folders::list(&mut db.conn(), org.id(), org.user_id()).await?,
            tags::list(&mut db.conn(), org.id(), org.user_id()).await?,
        )
    };
    let base = state.config.base_url();
    let any = |key: &str| vec![(String::new(), ctx.t(key).to_string())];
    let mut folder_opts = any("lib.any_folder");
    folder_opts.extend(own_folders.iter().map(|f| (f.id.clone(), f.name.clone())));
    let mut tag_opts = any("lib.any_tag");
    tag_opts.extend(own_tags.iter().map(|t| (t.id.clone(), t.name.clone())));
    let scope_opts: Vec<(String, String)> = [
        ("", "lib.scope_all"),
        ("mine", "lib.scope_mine"),
        ("shared_with_me", "lib.scope_shared_with_me"),
        ("shared_by_me", "lib.scope_shared_by_me"),
    ]
    .iter()
    .map(|(v, k)| (v.to_string(), ctx.t(k).to_string()))
    .collect();
    let sort_opts: Vec<(String, String)> = [
        ("", "lib.sort_recent"),
        ("alphabetical", "lib.sort_alpha"),
        ("most_used", "lib.sort_used"),
        ("recently_accessed", "lib.sort_accessed"),
    ]
    .iter()
    .map(|(v, k)| (v.to_string(), ctx.t(k).to_string()))
    .collect();
    let view_opts = vec![
        ("cards".to_string(), ctx.t("lib.view_cards").to_string()),
        ("table".to_string(), ctx.t("lib.view_table").to_string()),
    ];
    let shown = page.items.len() as i64;
    let first = offset.unwrap_or(0).max(0);
    let size = limit.unwrap_or(50).clamp(1, 500);
    let body = html! {
        div.toolbar {
            h1 { (ctx.t("lib.bookmarks")) }
            a.button href="/bookmarks/new" { (ctx.t("lib.new")) }
        }
        form.card-form method="get" action="/bookmarks" role="search" {
            div.row {
                div.field {
                    label for="f-q" { (ctx.t("lib.search")) }
                    input #f-q type="search" name="q" value=(p.q.as_deref().unwrap_or(""));
                }
                (select("f-scope", "scope", ctx.t("lib.scope"), p.scope.as_deref(), &scope_opts))
                (select("f-folder", "folder_id", ctx.t("lib.folder"), p.folder_id.as_deref(), &folder_opts))
                (select("f-tag", "tag_id", ctx.t("lib.tag"), p.tag_id.as_deref(), &tag_opts))
                (select("f-sort", "sort_by", ctx.t("lib.sort"), p.sort_by.as_deref(), &sort_opts))
                (select("f-view", "view", ctx.t("lib.view"), Some(view), &view_opts))
            }
            div.actions {
                div.check {
                    input #f-pinned type="checkbox" name="pinned" value="true" checked[p.pinned.as_deref() == Some("true")];
                    label for="f-pinned" { (ctx.t("lib.only_pinned")) }
                }
                button type="submit" { (ctx.t("lib.filter")) }
                a href="/bookmarks" { (ctx.t("lib.clear")) }
            }
        }
        p role="status" {
            @if page.total == 0 { (ctx.t("lib.none")) }
            @else { (ctx.tf("lib.showing", &[("from", &(first + 1).min(page.total).to_string()), ("to", &(first + shown).to_string()), ("total", &page.total.to_string())])) }
        }
        @if !page.items.is_empty() {
            form method="post" action="/bookmarks/bulk" {
                (csrf_field(&ctx))
                (bulk_bar(&ctx, &own_folders, &own_tags))
                @if view == "table" { (table(&ctx, &base, &page.items)) }
                @else { ul.grid { @for b in &page.items { (card(&ctx, &base, b, b.mine)) } } }
            }
        }
        nav.pager aria-label=(ctx.t("lib.pages")) {
            @if first > 0 { a href=(href(p, view, (first - size).max(0))) rel="prev" { "← " (ctx.t("lib.prev")) } } @else { span {} }
            @if page.has_more { a href=(href(p, view, first + shown)) rel="next" { (ctx.t("lib.next")) " →" } }
        }
    };
    Ok(layout::page(&ctx, ctx.t("lib.bookmarks"), body).into_response())
}

fn bulk_bar(ctx: &Ctx, own_folders: &[folders::FolderRow], own_tags: &[tags::TagRow]) -> Markup {
    html! {
        fieldset.bulk {
            legend { (ctx.t("lib.bulk")) " (" output data-selected-count { "0" } ")" }
            div.row {
                div.check {
                    input #sel-all type="checkbox" data-select-all="ids";
                    label for="sel-all" { (ctx.t("lib.select_all")) }
                }
                div.field {
                    label for="f-bulk-action" { (ctx.t("lib.bulk_action")) }
                    select #f-bulk-action name="action" {
                        option value="move" { (ctx.t("lib.bulk_move")) }
                        option value="tag" { (ctx.t("lib.bulk_tag")) }
                        option value="delete" { (ctx.t("lib.bulk_delete")) }
                    }
                }
                div.field {
                    label for="f-bulk-folder" { (ctx.t("lib.folder")) }
                    select #f-bulk-folder name="folder_id" {
                        option value="" { "—" }
                        @for f in own_folders { option value=(f.id) { (f.name) } }
                    }
                }
                div.field {
                    label for="f-bulk-tag" { (ctx.t("lib.tag")) }
                    select #f-bulk-tag name="tag_id" {
                        option value="" { "—" }
                        @for t in own_tags { option value=(t.id) { (t.name) } }
                    }
                }
                button.secondary type="submit" { (ctx.t("lib.apply")) }
            }
        }
    }
}

fn table(ctx: &Ctx, base: &str, items: &[BookmarkView]) -> Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr {
                    th scope="col" { span.visually-hidden { (ctx.t("lib.select")) } }
                    th scope="col" { (ctx.t("lib.title")) }
                    th scope="col" { (ctx.t("lib.golink")) }
                    th.hide-narrow scope="col" { (ctx.t("lib.labels")) }
                    th scope="col" { span.visually-hidden { (ctx.t("lib.actions")) } }
                } }
                tbody {
                    @for b in items {
                        tr {
                            td { @if b.mine {
                                input type="checkbox" name="ids" value=(b.row.id) aria-label=(ctx.tf("lib.select_one", &[("title", &b.row.title)]));
                            } }
                            td { a href=(b.row.url) rel="noopener noreferrer" { (b.row.title) } br; small.url { (b.row.url) } }
                            td { (golink(ctx, base, b)) }
                            td.hide-narrow { (chips(b)) }
                            td { @if b.mine {
                                a href=(format!("/bookmarks/{}/edit", b.row.id)) { (ctx.t("lib.edit")) span.visually-hidden { " " (b.row.title) } }
                            } }
                        }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct BulkForm {
    #[serde(default)]
    ids: Vec<String>,
    action: Option<String>,
    folder_id: Option<String>,
    tag_id: Option<String>,
    confirm: Option<String>,
}

/// Move, tag or delete the ticked bookmarks, each through the same use case as one at a time.
/// Deleting asks first.
pub async fn bulk(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Form(form): Form<BulkForm>,
) -> PageResult {
    if form.ids.is_empty() {
        let body = html! { (alert(Some(ctx.t("lib.bulk_none")))) p { a href="/bookmarks" { (ctx.t("lib.back")) } } };
        return Ok((
            StatusCode::BAD_REQUEST,
            layout::page(&ctx, ctx.t("lib.bulk"), body),
        )
            .into_response());
    }
    let target = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let outcome = match form.action.as_deref() {
        Some("delete") if form.confirm.as_deref() != Some("yes") => {
            let body = html! {
                h1 { (ctx.tf("lib.bulk_delete_confirm", &[("count", &form.ids.len().to_string())])) }
                form method="post" action="/bookmarks/bulk" {
                    (csrf_field(&ctx))
                    input type="hidden" name="action" value="delete";
                    input type="hidden" name="confirm" value="yes";
                    @for id in &form.ids { input type="hidden" name="ids" value=(id); }
                    div.actions {
                        button.danger type="submit" { (ctx.t("lib.delete")) }
                        a href="/bookmarks" { (ctx.t("lib.cancel")) }
                    }
                }
            };
            return Ok(layout::page(&ctx, ctx.t("lib.bulk"), body).into_response());
        }
        Some("delete") => {
            let mut r = Ok(());
            for id in &form.ids {
                r = use_case::delete(&state.store, &org, id).await;
                if r.is_err() {
                    break;
                }
            }
            r.map(|_| "deleted_many")
        }
        Some(action @ ("move" | "tag")) => {
            let (folder, tag) = (target(&form.folder_id), target(&form.tag_id));
            let mut r = Ok("updated_many");
            for id in &form.ids {
                let current = {
                    let mut db = state.store.read().await?;
                    use_case::view(&mut db.conn(), &org, id).await
                };
                let current = match current {
                    Ok(c) => c,
                    Err(e) => {
                        r = Err(e);
                        break;
                    }
                };
                let links = if action == "move" {
                    LinkInput {
                        folder_ids: Some(folder.iter().cloned().collect()),
                        ..Default::default()
                    }
                } else {
                    let mut ids: Vec<String> = current.tags.iter().map(|t| t.id.clone()).collect();
                    ids.extend(tag.iter().cloned());
                    LinkInput {
                        tag_ids: Some(ids),
                        ..Default::default()
                    }
                };
                let input = BookmarkInput {
                    links,
                    ..Default::default()
                };
                if let Err(e) = use_case::update(&state.store, &org, id, input).await {
                    r = Err(e);
                    break;
                }
            }
            r
        }
        _ => Err(crate::error::AppError::bad_request(
            "Choose what to do with the bookmarks",
        )),
    };
    match outcome {
        Ok(notice) => Ok(nav::see_other(&nav::with_notice("/bookmarks", notice))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let body =
                html! { (alert(Some(&message))) p { a href="/bookmarks" { (ctx.t("lib.back")) } } };
            Ok((status, layout::page(&ctx, ctx.t("lib.bulk"), body)).into_response())
        }
    }
}
