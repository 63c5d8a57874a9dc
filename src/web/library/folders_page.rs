//! `/folders`: the folder tree, one level at a time (`?parent=<id>`), with the way back up, a
//! search by name or path (`?q=`), and new folders made where one is browsing. A level lists
//! at most [`LEVEL_PAGE`] folders per page, so a library of 1,000 folders is a page like any.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

use super::groups::refused_message;
use super::list_page;
use crate::app::folder_paths;
use crate::app::folders::{self, FolderInput, LEVEL_PAGE};
use crate::app::tenancy::CurrentOrg;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::errors::PageResult;
use crate::web::form::Form;
use crate::web::icons::{icon, Icon};
use crate::web::layout::{self, alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

/// Where in the tree: the folder browsed, the page, and a search.
#[derive(Deserialize, Default, Clone)]
pub struct Browse {
    parent: Option<String>,
    offset: Option<i64>,
    q: Option<String>,
}

impl Browse {
    fn parent(&self) -> Option<&str> {
        self.parent
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
    }

    fn href(&self, offset: i64) -> String {
        let mut pairs = Vec::new();
        if let Some(p) = self.parent() {
            pairs.push(("parent", p.to_string()));
        }
        if offset > 0 {
            pairs.push(("offset", offset.to_string()));
        }
        nav::with_query("/folders", &pairs)
    }
}

fn level_href(id: &str) -> String {
    format!("/folders?parent={id}")
}

/// One folder: its name (to its bookmarks), its totals, what it holds, and delete if it is
/// the person's.
fn row(ctx: &Ctx, org: &CurrentOrg, back: &str, f: &crate::store::folders::LevelRow) -> Markup {
    let r = &f.folder;
    let mine = r.user_id == org.user_id();
    html! {
        li.folder-row {
            (icon(Icon::Folder))
            a.name href=(format!("/bookmarks?folder_id={}", r.id)) { (r.name) }
            span.muted { (ctx.tf("lib.count", &[("count", &ctx.num(r.bookmark_count))])) }
            @if f.children > 0 {
                a.sub href=(level_href(&r.id)) {
                    (ctx.tf("lib.subfolders", &[("count", &ctx.num(f.children))]))
                    (icon(Icon::ChevronRight))
                }
            }
            @if !mine { span.muted { (ctx.tf("lib.shared_by", &[("name", &r.owner_name)])) } }
            @if mine {
                form.inline method="post" action=(format!("/folders/{}/delete", r.id)) {
                    (csrf_field(ctx))
                    input type="hidden" name="return_to" value=(back);
                    button.icon-button type="submit" title=(ctx.t("lib.delete")) {
                        (icon(Icon::Delete)) span.visually-hidden { (ctx.t("lib.delete")) " " (r.name) }
                    }
                }
            }
        }
    }
}

async fn page(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    at: &Browse,
    typed: &str,
    error: Option<&str>,
) -> Result<Markup, AppError> {
    let search = at.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let found = match search {
        Some(q) => Some(folder_paths::suggest_many(&state.store, org, q).await?),
        None => None,
    };
    let level = folders::level(&state.store, org, at.parent(), at.offset.unwrap_or(0)).await?;
    let back = at.href(at.offset.unwrap_or(0));
    Ok(html! {
        h1 { (ctx.t("lib.folders")) }
        (alert(error))
        form.search method="get" action="/folders" role="search" {
            div.search-field {
                label.visually-hidden for="f-folder-q" { (ctx.t("lib.folder_search")) }
                input #f-folder-q type="search" name="q" value=(search.unwrap_or(""))
                    placeholder=(ctx.t("lib.folder_search"));
            }
            button.search-go type="submit" { (icon(Icon::Search)) span.label { (ctx.t("lib.search")) } }
        }
        @if let Some(found) = &found {
            h2 { (ctx.tf("lib.folders_found", &[("q", search.unwrap_or(""))])) }
            @if found.is_empty() { p role="status" { (ctx.t("lib.folder_none")) } }
            ul.plain.folders {
                @for (id, path) in found {
                    li.folder-row {
                        (icon(Icon::Folder))
                        a.name href=(format!("/bookmarks?folder_id={id}")) { (path) }
                        a.sub href=(level_href(id)) { (ctx.t("lib.open_folder")) (icon(Icon::ChevronRight)) }
                    }
                }
            }
            p { a href="/folders" { (ctx.t("lib.all_folders")) } }
        } @else {
            nav.crumbs aria-label=(ctx.t("lib.folder_path")) {
                ol {
                    li { a href="/folders" aria-current=[level.crumbs.is_empty().then_some("page")] { (ctx.t("lib.all_folders")) } }
                    @for (i, (id, name)) in level.crumbs.iter().enumerate() {
                        li { a href=(level_href(id)) aria-current=[(i + 1 == level.crumbs.len()).then_some("page")] { (name) } }
                    }
                }
            }
            @if level.crumbs.is_empty() || level.own_parent.is_some() {
                form.card-form method="post" action="/folders" {
                    (csrf_field(ctx))
                    @if let Some(parent) = &level.own_parent { input type="hidden" name="parent_id" value=(parent); }
                    div.row {
                        (Field::new(ctx.t("lib.folder_name"), "name").value(typed).required().render())
                        button type="submit" { (icon(Icon::Plus)) (ctx.t("lib.add_folder")) }
                    }
                }
            }
            @if level.total == 0 {
                p role="status" {
                    @if level.crumbs.is_empty() { (ctx.t("lib.no_folders")) } @else { (ctx.t("lib.no_subfolders")) }
                }
            }
            ul.plain.folders {
                @for f in &level.rows { (row(ctx, org, &back, f)) }
            }
            (list_page::pager(ctx, &|o| at.href(o), at.offset.unwrap_or(0).max(0), LEVEL_PAGE, level.total))
        }
        p.muted { (ctx.t("lib.delete_keeps")) }
    })
}

pub async fn folders(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Query(at): Query<Browse>,
) -> PageResult {
    let body = page(&state, &org, &ctx, &at, "", None).await?;
    Ok(layout::page(&ctx, ctx.t("lib.folders"), body).into_response())
}

#[derive(Deserialize)]
pub struct NewFolder {
    name: Option<String>,
    parent_id: Option<String>,
}

pub async fn create_folder(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Form(form): Form<NewFolder>,
) -> PageResult {
    let at = Browse {
        parent: form.parent_id.clone(),
        ..Browse::default()
    };
    let input = FolderInput {
        name: form.name.clone(),
        parent_id: Some(at.parent().map(str::to_string)),
        ..Default::default()
    };
    match folders::create(&state.store, &state.limits, &org, input).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(
            &at.href(0),
            "created_folder",
        ))),
        Err(e) => {
            let (status, message) = refused_message(&ctx, e)?;
            let typed = form.name.as_deref().unwrap_or("");
            let body = page(&state, &org, &ctx, &at, typed, Some(&message)).await?;
            Ok((status, layout::page(&ctx, ctx.t("lib.folders"), body)).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct Back {
    return_to: Option<String>,
}

pub async fn delete_folder(
    State(state): State<AppState>,
    Member { org, .. }: Member,
    Path(id): Path<String>,
    Form(back): Form<Back>,
) -> PageResult<Response> {
    folders::delete(&state.store, &org, &id).await?;
    let to = nav::local_or(back.return_to.as_deref(), "/folders");
    // The level of a folder just deleted is gone; its parent's is not.
    let to = if to.contains(&id) {
        "/folders".to_string()
    } else {
        to
    };
    Ok(nav::see_other(&nav::with_notice(&to, "deleted_folder")))
}
