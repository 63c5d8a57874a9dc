//! `/tags`: list, create, delete (through the same use cases as the API); the folders are in
//! `folders_page.rs`.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

use super::list_page;
use crate::app::tags;
use crate::app::tenancy::CurrentOrg;
use crate::domain::SearchTerms;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::icons::{icon, Icon};
use crate::web::layout::{self, alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};
use axum::http::StatusCode;

#[derive(Deserialize)]
pub struct NameForm {
    name: Option<String>,
}

/// One row: the name (linking to its bookmarks), a count, and a delete button whose form asks
/// the browser to confirm nothing: deleting a folder or tag keeps its bookmarks.
fn row(
    ctx: &Ctx,
    href: String,
    name: &str,
    extra: Option<String>,
    delete: Option<String>,
) -> Markup {
    html! {
        li.actions {
            a href=(href) { (name) }
            @if let Some(extra) = extra { span.muted { (extra) } }
            @if let Some(action) = delete {
                form.inline method="post" action=(action) {
                    (csrf_field(ctx))
                    button.secondary type="submit" { (ctx.t("lib.delete")) span.visually-hidden { " " (name) } }
                }
            }
        }
    }
}

/// Which tags `/tags` shows: a page of them by name or by use, or those matching a search.
#[derive(Deserialize, Default)]
pub struct TagBrowse {
    offset: Option<i64>,
    sort_by: Option<String>,
    q: Option<String>,
}

impl TagBrowse {
    fn most_used(&self) -> bool {
        self.sort_by.as_deref() == Some("most_used")
    }

    fn href(&self, offset: i64, most_used: bool) -> String {
        let mut pairs = Vec::new();
        if most_used {
            pairs.push(("sort_by", "most_used".to_string()));
        }
        if offset > 0 {
            pairs.push(("offset", offset.to_string()));
        }
        nav::with_query("/tags", &pairs)
    }
}

/// How many tags one page of `/tags` lists.
const TAG_PAGE: i64 = 100;

async fn tags_page(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    at: &TagBrowse,
    typed: &str,
    error: Option<&str>,
) -> Result<Markup, AppError> {
    let search = at.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let offset = at.offset.unwrap_or(0).max(0);
    let (rows, total) = match search {
        Some(q) => {
            // Words as every search takes them; punctuation alone finds nothing.
            let rows = match SearchTerms::parse(q) {
                Some(terms) => {
                    let mut db = state.store.read().await?;
                    let c = &mut db.conn();
                    let pattern = terms.like_pattern();
                    store::tags::search(c, org.id(), org.user_id(), &pattern, TAG_PAGE).await?
                }
                None => Vec::new(),
            };
            let n = rows.len() as i64;
            (rows, n)
        }
        None => {
            // A page short of full needs no count (and a small library no second query).
            let sort = if at.most_used() {
                store::tags::Sort::MostUsed
            } else {
                store::tags::Sort::Alphabetical
            };
            let mut db = state.store.read().await?;
            let c = &mut db.conn();
            let rows =
                store::tags::page(c, org.id(), org.user_id(), sort, TAG_PAGE, offset).await?;
            let total = if offset == 0 && (rows.len() as i64) < TAG_PAGE {
                rows.len() as i64
            } else {
                store::tags::count(c, org.id(), org.user_id()).await?
            };
            (rows, total)
        }
    };
    Ok(html! {
        h1 { (ctx.t("lib.tags")) }
        (alert(error))
        form.card-form method="post" action="/tags" {
            (csrf_field(ctx))
            div.row {
                (Field::new(ctx.t("lib.tag_name"), "name").value(typed).required().render())
                button type="submit" { (ctx.t("lib.add_tag")) }
            }
        }
        form.search method="get" action="/tags" role="search" {
            div.search-field {
                label.visually-hidden for="f-tag-q" { (ctx.t("lib.tag_search")) }
                input #f-tag-q type="search" name="q" value=(search.unwrap_or("")) placeholder=(ctx.t("lib.tag_search"));
            }
            button.search-go type="submit" { (icon(Icon::Search)) span.label { (ctx.t("lib.search")) } }
        }
        @if search.is_none() && total > 0 {
            nav.views aria-label=(ctx.t("lib.sort")) {
                a href=(at.href(0, false)) aria-current=[(!at.most_used()).then_some("page")] { (ctx.t("lib.sort_name")) }
                a href=(at.href(0, true)) aria-current=[at.most_used().then_some("page")] { (ctx.t("lib.sort_most_used")) }
            }
        }
        @if rows.is_empty() {
            p role="status" { @if search.is_some() { (ctx.t("lib.tag_none")) } @else { (ctx.t("lib.no_tags")) } }
        }
        ul.plain {
            @for t in &rows {
                (row(ctx, format!("/bookmarks?tag_id={}", t.id), &t.name,
                    Some(ctx.tf("lib.count", &[("count", &ctx.num(t.bookmark_count))])),
                    Some(format!("/tags/{}/delete", t.id))))
            }
        }
        @if search.is_some() {
            p { a href="/tags" { (ctx.t("lib.all_tags")) } }
        } @else {
            (list_page::pager(ctx, &|o| at.href(o, at.most_used()), offset, TAG_PAGE, total))
        }
        p.muted { (ctx.t("lib.delete_keeps")) }
    })
}

pub async fn tags(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Query(at): Query<TagBrowse>,
) -> PageResult {
    let body = tags_page(&state, &org, &ctx, &at, "", None).await?;
    Ok(layout::page(&ctx, ctx.t("lib.tags"), body).into_response())
}

pub async fn create_tag(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Form(form): Form<NameForm>,
) -> PageResult {
    match tags::create(&state.store, &state.limits, &org, form.name.as_deref()).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice("/tags", "created_tag"))),
        Err(e) => refused(&state, &org, &ctx, e, form.name.as_deref().unwrap_or("")).await,
    }
}

pub async fn delete_tag(
    State(state): State<AppState>,
    Member { org, .. }: Member,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    tags::delete(&state.store, &org, &id).await?;
    Ok(nav::see_other(&nav::with_notice("/tags", "deleted_tag")))
}

/// What a refused create says on its page; a rate limit is answered as every page answers it.
pub(super) fn refused_message(ctx: &Ctx, e: AppError) -> PageResult<(StatusCode, String)> {
    if matches!(e, AppError::TooManyRequests { .. }) {
        // As every page answers a rate limit: a page of its own, with `Retry-After`.
        return Err(e.into());
    }
    Ok(explain(ctx.lang, e))
}

async fn refused(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    e: AppError,
    typed: &str,
) -> PageResult<Response> {
    let (status, message) = refused_message(ctx, e)?;
    let body = tags_page(
        state,
        org,
        ctx,
        &TagBrowse::default(),
        typed,
        Some(&message),
    )
    .await?;
    Ok((status, layout::page(ctx, ctx.t("lib.tags"), body)).into_response())
}
