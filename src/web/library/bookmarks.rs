//! `/bookmarks`: every filter in the URL, a dense list, cards or a table, numbered pages, and
//! bulk actions that come back to the list as it was.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;

use super::list_page::{self, ListUrl, View};
use super::rows;
use crate::app::bookmarks::{self as use_case, BookmarkInput, BookmarkView};
use crate::app::list_params::{ListParams, DEFAULT_LIMIT, MAX_LIMIT};
use crate::app::sharing::LinkInput;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{folders, tags};
use crate::web::errors::{explain, PageResult};
use crate::web::form::Form;
use crate::web::icons::{icon, Icon};
use crate::web::layout::{self, alert, csrf_field};
use crate::web::nav;
use crate::web::session::Member;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(flatten)]
    params: ListParams,
    view: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let p = &query.params;
    let url = ListUrl {
        params: p,
        view: View::parse(query.view.as_deref()),
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
    let shown = page.items.len() as i64;
    let first = offset.unwrap_or(0).max(0);
    let size = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let any_mine = page.items.iter().any(|b| b.mine);
    let body = html! {
        div.toolbar {
            h1 { (ctx.t("lib.bookmarks")) }
            a.button href="/bookmarks/new" { (icon(Icon::Plus)) (ctx.t("lib.new")) }
        }
        (list_page::search(&ctx, &url, &own_folders, &own_tags))
        (list_page::chips(&ctx, &url, &own_folders, &own_tags))
        div.list-meta {
            @if any_mine {
                div.check {
                    input #sel-all type="checkbox" form="bulk" data-select-all="ids";
                    label for="sel-all" { span.visually-hidden { (ctx.t("lib.select_all")) } }
                }
            }
            p role="status" {
                @if page.total == 0 { (ctx.t("lib.none")) }
                @else { (ctx.tf("lib.showing", &[("from", &ctx.num((first + 1).min(page.total))), ("to", &ctx.num(first + shown)), ("total", &ctx.num(page.total))])) }
            }
            (list_page::views(&ctx, &url, first))
        }
        @if !page.items.is_empty() {
            form #bulk method="post" action="/bookmarks/bulk" {
                (csrf_field(&ctx))
                input type="hidden" name="return_to" value=(nav::without_notice(&ctx.here));
                @if any_mine { (list_page::bulk_bar(&ctx, &own_folders, &own_tags, &people, &teams)) }
                @match url.view {
                    View::Table => (rows::table(&ctx, &base, &page.items)),
                    View::Cards => ul.grid { @for b in &page.items { (rows::card_with(&ctx, &base, b, true, html! {})) } },
                    View::List => ul.items { @for b in &page.items { (rows::line(&ctx, &base, b)) } },
                }
            }
        }
        (list_page::pager(&ctx, &url, first, size, page.total))
    };
    Ok(layout::page(&ctx, ctx.t("lib.bookmarks"), body).into_response())
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
    /// The list the person acted from (a local path), where they come back to.
    return_to: Option<String>,
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
    let back = nav::local_or(form.return_to.as_deref(), "/bookmarks");
    if form.ids.is_empty() {
        let body = html! { (alert(Some(ctx.t("lib.bulk_none")))) p { a href=(back) { (ctx.t("lib.back")) } } };
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
                    input type="hidden" name="return_to" value=(back);
                    @for id in &form.ids { input type="hidden" name="ids" value=(id); }
                    div.actions {
                        button.danger type="submit" { (ctx.t("lib.delete")) }
                        a href=(back) { (ctx.t("lib.cancel")) }
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
        Ok(notice) => Ok(nav::see_other(&nav::with_notice(&back, notice))),
        Err(e) => {
            let (status, message) = explain(ctx.lang, e);
            let body =
                html! { (alert(Some(&message))) p { a href=(back) { (ctx.t("lib.back")) } } };
            Ok((status, layout::page(&ctx, ctx.t("lib.bulk"), body)).into_response())
        }
    }
}
