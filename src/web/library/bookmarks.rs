//! `/bookmarks`: every filter in the URL, a dense list, cards or a table, numbered pages, and
//! bulk actions that come back to the list as it was.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;

use super::folder_field;
use super::list_page::{self, Labels, ListUrl, View};
use super::rows;
use crate::app::bookmarks::{self as use_case, BookmarkInput, BookmarkView};
use crate::app::list_params::{present, ListParams, DEFAULT_LIMIT, MAX_LIMIT};
use crate::app::sharing::LinkInput;
use crate::app::tenancy::CurrentOrg;
use crate::app::{folder_paths, share_names, tags};
use crate::domain::name_list;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::{explain, PageResult};
use crate::web::form::Form;
use crate::web::icons::{icon, Icon};
use crate::web::layout::{self, alert, csrf_field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(flatten)]
    params: ListParams,
    view: Option<String>,
    /// The filter panel's folder, typed by its name or path (blank: any folder).
    folder: Option<String>,
    /// The filter panel's tag, typed by its name (blank: any tag).
    tag: Option<String>,
}

/// The folder and tag filters: what the panel's typed fields name (they win over `folder_id`
/// and `tag_id` when they differ from what those name), and how the page names them. A typed
/// name that names nothing is said so, and filters nothing.
async fn filters(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    query: &mut ListQuery,
) -> Result<(Labels, Vec<String>), AppError> {
    let mut db = state.store.read().await?;
    let c = &mut db.conn();
    let mut labels = Labels::default();
    let mut problems = Vec::new();
    let p = &mut query.params;
    if let Some(id) = present(&p.folder_id) {
        labels.folder = folder_paths::label(c, org, id).await?;
    }
    if let Some(text) = query.folder.take() {
        let text = text.trim();
        if text.is_empty() {
            (p.folder_id, labels.folder) = (None, None);
        } else if Some(text) != labels.folder.as_deref() {
            match folder_paths::resolve(c, org, text).await? {
                Ok(id) => (p.folder_id, labels.folder) = (Some(id), Some(text.to_string())),
                Err(why) => {
                    problems.push(folder_field::unresolved(ctx, &why));
                    (p.folder_id, labels.folder) = (None, Some(text.to_string()));
                }
            }
        }
    }
    if let Some(id) = present(&p.tag_id) {
        labels.tag = tags::name_of(c, org, id).await?;
    }
    if let Some(text) = query.tag.take() {
        let name = name_list::split(&text)
            .into_iter()
            .next()
            .unwrap_or_default();
        if Some(name.as_str()) != labels.tag.as_deref() {
            if name.is_empty() {
                (p.tag_id, labels.tag) = (None, None);
            } else if let Some(id) = tags::find(c, org, &name).await? {
                (p.tag_id, labels.tag) = (Some(id), Some(name));
            } else {
                problems.push(ctx.tf("lib.tag_unknown", &[("name", &name)]));
                (p.tag_id, labels.tag) = (None, Some(name));
            }
        }
    }
    Ok((labels, problems))
}

pub async fn list(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Query(mut query): Query<ListQuery>,
) -> PageResult {
    let typed = query.folder.is_some() || query.tag.is_some();
    let (labels, problems) = filters(&state, &org, &ctx, &mut query).await?;
    let p = &query.params;
    let url = ListUrl {
        params: p,
        view: View::parse(query.view.as_deref()),
    };
    // The filter panel sent names: the address the list keeps names the ids, as its links do.
    if typed && problems.is_empty() {
        return Ok(nav::see_other(&url.page(0)));
    }
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
        (list_page::search(&ctx, &url, &labels))
        @for problem in &problems { (alert(Some(problem))) }
        (list_page::chips(&ctx, &url, &labels))
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
                @if any_mine { (list_page::bulk_bar(&ctx)) }
                @match url.view {
                    View::Table => (rows::table(&ctx, &base, &page.items)),
                    View::Cards => ul.grid { @for b in &page.items { (rows::card_with(&ctx, &base, b, true, html! {})) } },
                    View::List => ul.items { @for b in &page.items { (rows::line(&ctx, &base, b)) } },
                }
            }
        }
        (list_page::pager(&ctx, &|o| url.page(o), first, size, page.total))
    };
    Ok(layout::page(&ctx, ctx.t("lib.bookmarks"), body).into_response())
}

#[derive(Deserialize)]
pub struct BulkForm {
    #[serde(default)]
    ids: Vec<String>,
    action: Option<String>,
    /// Move: the folder, typed by its name or path (blank: out of every folder).
    folder: Option<String>,
    /// Tag: tag names, comma-separated (new ones are made).
    tags: Option<String>,
    /// Share: people and teams, comma-separated, as the bookmark form takes them.
    share_with: Option<String>,
    confirm: Option<String>,
    /// The list the person acted from (a local path), where they come back to.
    return_to: Option<String>,
}

/// What a bulk action adds, read once for every bookmark.
#[derive(Default)]
struct Targets {
    folder: Option<String>,
    tag_names: Vec<String>,
    share: share_names::Named,
}

/// The change one bulk action makes to one bookmark: its folder set to `folder` (or none), the
/// tags added to its tags, or the people and teams added to those it is shared with.
fn bulk_links(action: &str, b: &BookmarkView, t: &Targets) -> LinkInput {
    let ids = |links: &[crate::store::bookmark_list::LinkRow], more: &[String]| {
        let mut ids: Vec<String> = links.iter().map(|l| l.id.clone()).collect();
        for m in more {
            if !ids.contains(m) {
                ids.push(m.clone());
            }
        }
        Some(ids)
    };
    match action {
        "move" => LinkInput {
            folder_ids: Some(t.folder.iter().cloned().collect()),
            ..Default::default()
        },
        "tag" => LinkInput {
            tag_ids: ids(&b.tags, &[]),
            tag_names: Some(t.tag_names.clone()),
            ..Default::default()
        },
        _ => LinkInput {
            team_ids: ids(&b.shared.teams, &t.share.team_ids),
            user_ids: ids(&b.shared.users, &t.share.user_ids),
            ..Default::default()
        },
    }
}

/// The folder, tags or people and teams the bulk form names for `action`; `Err` with the
/// message to show when something names nothing (or, for sharing, nothing at all is named).
async fn targets(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    action: &str,
    form: &BulkForm,
) -> Result<Result<Targets, String>, AppError> {
    let mut t = Targets::default();
    match action {
        "move" => match folder_field::resolve(state, org, ctx, form.folder.as_deref()).await? {
            Ok(folder) => t.folder = folder,
            Err(message) => return Ok(Err(message)),
        },
        "tag" => {
            t.tag_names = name_list::split(form.tags.as_deref().unwrap_or(""));
            if t.tag_names.is_empty() {
                return Ok(Err(ctx.t("lib.bulk_no_tags").to_string()));
            }
        }
        _ => {
            let entries = name_list::split(form.share_with.as_deref().unwrap_or(""));
            if entries.is_empty() {
                return Ok(Err(ctx.t("lib.bulk_no_share").to_string()));
            }
            t.share = share_names::resolve(&state.store, org, &entries, &[]).await?;
            if let Some(name) = t.share.unknown.first().or(t.share.ambiguous.first()) {
                let key = if t.share.unknown.is_empty() {
                    "lib.share_ambiguous"
                } else {
                    "lib.share_unknown"
                };
                return Ok(Err(ctx.tf(key, &[("names", &format!("“{name}”"))])));
            }
        }
    }
    Ok(Ok(t))
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
            // Every bookmark is looked up first, so an id that is not the person's own changes none.
            let mut current = Vec::with_capacity(form.ids.len());
            let mut r = Ok("updated_many");
            for id in &form.ids {
                let mut db = state.store.read().await?;
                // Only its owner changes a bookmark: one shared with the person stops the action
                // here, before any of their own is changed.
                let own = use_case::view(&mut db.conn(), &org, id)
                    .await
                    .and_then(|v| {
                        if v.mine {
                            Ok(v)
                        } else {
                            Err(AppError::Forbidden)
                        }
                    });
                match own {
                    Ok(v) => current.push(v),
                    Err(e) => {
                        r = Err(e);
                        break;
                    }
                }
            }
            let t = match targets(&state, &org, &ctx, action, &form).await? {
                Ok(t) => t,
                Err(message) if r.is_ok() => {
                    r = Err(AppError::bad_request(message));
                    Targets::default()
                }
                Err(_) => Targets::default(),
            };
            for b in &current {
                if r.is_err() {
                    break;
                }
                let input = BookmarkInput {
                    links: bulk_links(action, b, &t),
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
