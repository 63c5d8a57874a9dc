//! Go-link preferences and the search-engine guide with `/opensearch.xml`.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use maud::html;
use serde::Deserialize;

use crate::app::golinks;
use crate::state::AppState;
use crate::store::go_preferences;
use crate::web::errors::PageResult;
use crate::web::form::Form;
use crate::web::layout::{self, csrf_field};
use crate::web::nav;
use crate::web::session::{Member, Visitor};

pub async fn preferences(State(state): State<AppState>, Member { org, ctx }: Member) -> PageResult {
    let prefs = {
        let mut db = state.store.read().await?;
        go_preferences::list(&mut db.conn(), org.id(), org.user_id()).await?
    };
    let body = html! {
        h1 { (ctx.t("go.prefs_title")) }
        p { (ctx.t("go.prefs_lead")) " " a href="/search-engine" { (ctx.t("go.guide_link")) } }
        @if prefs.is_empty() { p role="status" { (ctx.t("go.prefs_none")) } }
        ul.plain {
            @for p in &prefs {
                li.actions {
                    code { "go/" (p.slug) }
                    span { "→ " a href=(p.url) { (p.title) } }
                    form.inline method="post" action="/go-preferences/forget" {
                        (csrf_field(&ctx))
                        input type="hidden" name="slug" value=(p.slug);
                        button.secondary type="submit" { (ctx.t("go.forget")) span.visually-hidden { " go/" (p.slug) } }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, ctx.t("go.prefs_title"), body).into_response())
}

#[derive(Deserialize)]
pub struct ForgetForm {
    slug: String,
}

pub async fn forget(
    State(state): State<AppState>,
    Member { org, .. }: Member,
    Form(form): Form<ForgetForm>,
) -> PageResult {
    golinks::forget(&state.store, org.id(), org.user_id(), &form.slug).await?;
    Ok(nav::see_other(&nav::with_notice(
        "/go-preferences",
        "forgotten",
    )))
}

pub async fn search_engine(State(state): State<AppState>, Visitor(ctx): Visitor) -> PageResult {
    let base = state.config.base_url();
    let template = format!("{base}/go/%s");
    let body = html! {
        h1 { (ctx.t("go.guide_title")) }
        p { (ctx.t("go.guide_lead")) }
        ol {
            li { (ctx.t("go.guide_chrome")) }
            li { (ctx.t("go.guide_firefox")) }
            li { (ctx.t("go.guide_keyword")) }
        }
        div.field {
            label for="f-template" { (ctx.t("go.guide_url")) }
            input #f-template type="text" readonly value=(template);
        }
        p.actions {
            button.secondary type="button" data-copy=(template) data-copied=(ctx.t("lib.copied")) { (ctx.t("lib.copy")) }
            a href="/opensearch.xml" { (ctx.t("go.guide_opensearch")) }
        }
    };
    Ok(layout::page(&ctx, ctx.t("go.guide_title"), body).into_response())
}

/// The OpenSearch description browsers discover from every page's `<link rel="search">`.
pub async fn opensearch(State(state): State<AppState>) -> impl IntoResponse {
    let base = state.config.base_url();
    let esc = crate::domain::bookmark_file::html::escape;
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/">
  <ShortName>SlugBase</ShortName>
  <Description>Go-links: go &lt;slug&gt;</Description>
  <InputEncoding>UTF-8</InputEncoding>
  <Url type="text/html" method="get" template="{}/go/{{searchTerms}}"/>
</OpenSearchDescription>
"#,
        esc(&base)
    );
    (
        [(
            header::CONTENT_TYPE,
            "application/opensearchdescription+xml; charset=utf-8",
        )],
        body,
    )
}
