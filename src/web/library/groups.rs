//! `/folders` and `/tags`: list, create, delete (each through the same use cases as the API).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;

use crate::app::folders::{self, FolderInput};
use crate::app::tags;
use crate::app::tenancy::CurrentOrg;
use crate::error::AppError;
use crate::state::AppState;
use crate::store;
use crate::web::errors::{explain, PageResult};
use crate::web::form::{Empty, Form};
use crate::web::layout::{self, alert, csrf_field, Field};
use crate::web::nav;
use crate::web::session::{Ctx, Member};

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

async fn folders_page(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    typed: &str,
    error: Option<&str>,
) -> Result<Markup, AppError> {
    let rows = {
        let mut db = state.store.read().await?;
        store::folders::list(&mut db.conn(), org.id(), org.user_id()).await?
    };
    Ok(html! {
        h1 { (ctx.t("lib.folders")) }
        (alert(error))
        form.card-form method="post" action="/folders" {
            (csrf_field(ctx))
            div.row {
                (Field::new(ctx.t("lib.folder_name"), "name").value(typed).required().render())
                button type="submit" { (ctx.t("lib.add_folder")) }
            }
        }
        @if rows.is_empty() { p role="status" { (ctx.t("lib.no_folders")) } }
        ul.plain {
            @for f in &rows {
                @let mine = f.user_id == org.user_id();
                (row(ctx, format!("/bookmarks?folder_id={}", f.id), &f.name,
                    (!mine).then(|| ctx.tf("lib.shared_by", &[("name", &f.owner_name)])),
                    mine.then(|| format!("/folders/{}/delete", f.id))))
            }
        }
        p.muted { (ctx.t("lib.delete_keeps")) }
    })
}

pub async fn folders(State(state): State<AppState>, Member { org, ctx }: Member) -> PageResult {
    let body = folders_page(&state, &org, &ctx, "", None).await?;
    Ok(layout::page(&ctx, ctx.t("lib.folders"), body).into_response())
}

pub async fn create_folder(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Form(form): Form<NameForm>,
) -> PageResult {
    let input = FolderInput {
        name: form.name.clone(),
        ..Default::default()
    };
    match folders::create(&state.store, &state.limits, &org, input).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice(
            "/folders",
            "created_folder",
        ))),
        Err(e) => {
            refused(
                &state,
                &org,
                &ctx,
                e,
                form.name.as_deref().unwrap_or(""),
                true,
            )
            .await
        }
    }
}

pub async fn delete_folder(
    State(state): State<AppState>,
    Member { org, .. }: Member,
    Path(id): Path<String>,
    Form(_): Form<Empty>,
) -> PageResult {
    folders::delete(&state.store, &org, &id).await?;
    Ok(nav::see_other(&nav::with_notice(
        "/folders",
        "deleted_folder",
    )))
}

async fn tags_page(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    typed: &str,
    error: Option<&str>,
) -> Result<Markup, AppError> {
    let rows = {
        let mut db = state.store.read().await?;
        store::tags::list(&mut db.conn(), org.id(), org.user_id()).await?
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
        @if rows.is_empty() { p role="status" { (ctx.t("lib.no_tags")) } }
        ul.plain {
            @for t in &rows {
                (row(ctx, format!("/bookmarks?tag_id={}", t.id), &t.name,
                    Some(ctx.tf("lib.count", &[("count", &ctx.num(t.bookmark_count))])),
                    Some(format!("/tags/{}/delete", t.id))))
            }
        }
        p.muted { (ctx.t("lib.delete_keeps")) }
    })
}

pub async fn tags(State(state): State<AppState>, Member { org, ctx }: Member) -> PageResult {
    let body = tags_page(&state, &org, &ctx, "", None).await?;
    Ok(layout::page(&ctx, ctx.t("lib.tags"), body).into_response())
}

pub async fn create_tag(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Form(form): Form<NameForm>,
) -> PageResult {
    match tags::create(&state.store, &state.limits, &org, form.name.as_deref()).await {
        Ok(_) => Ok(nav::see_other(&nav::with_notice("/tags", "created_tag"))),
        Err(e) => {
            refused(
                &state,
                &org,
                &ctx,
                e,
                form.name.as_deref().unwrap_or(""),
                false,
            )
            .await
        }
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

async fn refused(
    state: &AppState,
    org: &CurrentOrg,
    ctx: &Ctx,
    e: AppError,
    typed: &str,
    folder: bool,
) -> PageResult<Response> {
    if matches!(e, AppError::TooManyRequests { .. }) {
        // As every page answers a rate limit: a page of its own, with `Retry-After`.
        return Err(e.into());
    }
    let (status, message) = explain(ctx.lang, e);
    let (title, body) = if folder {
        (
            ctx.t("lib.folders"),
            folders_page(state, org, ctx, typed, Some(&message)).await?,
        )
    } else {
        (
            ctx.t("lib.tags"),
            tags_page(state, org, ctx, typed, Some(&message)).await?,
        )
    };
    Ok((status, layout::page(ctx, title, body)).into_response())
}
