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
use crate::error::AppError;
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
        ("link_status", &p.link_status),
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
    let (people, teams) = if page.items.iter().any(|b| b.mine) {
        super::edit::share_targets(&state, &org).await?
    } else {
        Default::default()
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
    let link_opts: Vec<(String, String)> = [
        ("", "lib.link_any"),
        ("ok", "lib.link_ok"),
        ("redirected", "lib.link_redirected"),
        ("broken", "lib.link_broken"),
        ("unreachable", "lib.link_unreachable"),
        ("unknown", "lib.link_unknown"),
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
                (select("f-link", "link_status", ctx.t("lib.link_status"), p.link_status.as_deref(), &link_opts))
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
                (bulk_bar(&ctx, &own_folders, &own_tags, &people, &teams))
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

fn bulk_bar(
    ctx: &Ctx,
    own_folders: &[folders::FolderRow],
    own_tags: &[tags::TagRow],
    people: &[(String, String)],
    teams: &[(String, String)],
) -> Markup {
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
                        option value="share" { (ctx.t("lib.bulk_share")) }
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
                div.field {
                    label for="f-bulk-share" { (ctx.t("lib.bulk_share_with")) }
                    select #f-bulk-share name="share_with" {
                        option value="" { "—" }
                        @if !people.is_empty() {
                            optgroup label=(ctx.t("lib.share_people")) {
                                @for (id, name) in people { option value=(format!("user:{id}")) { (name) } }
                            }
                        }
                        @if !teams.is_empty() {
                            optgroup label=(ctx.t("lib.share_teams")) {
                                @for (id, name) in teams { option value=(format!("team:{id}")) { (name) } }
                            }
                        }
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
                            td { a href=(b.row.url) rel="noopener noreferrer" { (b.row.title) } (super::link_badge(ctx, b)) br; small.url { (b.row.url) } }
                            td { (golink(ctx, base, b)) }
                            td.hide-narrow { (chips(b)) }
                            td { div.actions {
                                a href=(format!("/bookmarks/{}", b.row.id)) { (ctx.t("lib.details")) span.visually-hidden { " " (b.row.title) } }
                                @if b.mine {
                                    a href=(format!("/bookmarks/{}/edit", b.row.id)) { (ctx.t("lib.edit")) span.visually-hidden { " " (b.row.title) } }
                                }
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
    share_with: Option<String>,
    confirm: Option<String>,
}

/// The change one bulk action makes to one bookmark: its folder set to `folder` (or none), `tag`
/// added to its tags, or one more person (`user:<id>`) or team (`team:<id>`) it is shared with.
fn bulk_links(
    action: &str,
    b: &BookmarkView,
    folder: Option<&str>,
    tag: Option<&str>,
    share: Option<&str>,
) -> LinkInput {
    let ids = |links: &[crate::store::bookmark_list::LinkRow], more: Option<&str>| {
        let mut ids: Vec<String> = links.iter().map(|l| l.id.clone()).collect();
        ids.extend(
            more.filter(|m| !ids.iter().any(|i| i == m))
                .map(str::to_string),
        );
        Some(ids)
    };
    match action {
        "move" => LinkInput {
            folder_ids: Some(folder.into_iter().map(str::to_string).collect()),
            ..Default::default()
        },
        "tag" => LinkInput {
            tag_ids: ids(&b.tags, tag),
            ..Default::default()
        },
        _ => match share.and_then(|s| s.split_once(':')) {
            Some(("team", id)) => LinkInput {
                team_ids: ids(&b.shared.teams, Some(id)),
                ..Default::default()
            },
            Some((_, id)) => LinkInput {
                user_ids: ids(&b.shared.users, Some(id)),
                ..Default::default()
            },
            None => LinkInput::default(),
        },
    }
}

/// Move, tag, share or delete the ticked bookmarks, each through the same use case as one at a time.
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
            // As above: an id that is not the person's stops the action before anything changes.
            let mut r = Ok(());
            for id in &form.ids {
                let mut db = state.store.read().await?;
                r = use_case::view(&mut db.conn(), &org, id)
                    .await
                    .and_then(|b| {
                        b.mine
                            .then_some(())
                            .ok_or_else(|| AppError::not_found("Bookmark not found"))
                    });
                if r.is_err() {
                    break;
                }
            }
            for id in &form.ids {
                if r.is_ok() {
                    r = use_case::delete(&state.store, &org, id).await;
                }
            }
            r.map(|_| "deleted_many")
        }
        Some(action @ ("move" | "tag" | "share")) => {
            let (folder, tag) = (target(&form.folder_id), target(&form.tag_id));
            let share = target(&form.share_with);
            // Every bookmark is looked up first, so an id that is not the person's changes none.
            let mut current = Vec::with_capacity(form.ids.len());
            let mut r = Ok("updated_many");
            for id in &form.ids {
                let mut db = state.store.read().await?;
                match use_case::view(&mut db.conn(), &org, id).await {
                    Ok(v) => current.push(v),
                    Err(e) => {
                        r = Err(e);
                        break;
                    }
                }
            }
            if r.is_ok() && action == "share" && share.is_none() {
                r = Err(AppError::bad_request(
                    "Choose whom to share the bookmarks with",
                ));
            }
            for b in &current {
                if r.is_err() {
                    break;
                }
                let links = bulk_links(
                    action,
                    b,
                    folder.as_deref(),
                    tag.as_deref(),
                    share.as_deref(),
                );
                let input = BookmarkInput {
                    links,
                    ..Default::default()
                };
                if let Err(e) =
                    use_case::update(&state.store, &state.link_checker, &org, &b.row.id, input)
                        .await
                {
                    r = Err(e);
                }
            }
            r
        }
        _ => Err(AppError::bad_request(
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
