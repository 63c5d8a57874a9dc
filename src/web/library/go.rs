//! Go-link preferences, the search-engine guide with `/opensearch.xml`, and the palette's data.

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use maud::html;
use serde::{Deserialize, Serialize};

use crate::app::bookmarks as use_case;
use crate::app::golinks;
use crate::domain::SearchTerms;
use crate::state::AppState;
use crate::store::bookmark_list::{Filter, Sort};
use crate::store::{folders, go_preferences, tags};
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

#[derive(Deserialize)]
pub struct PaletteQuery {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
struct Item {
    kind: &'static str,
    label: String,
    detail: String,
    href: String,
}

/// What the Ctrl/⌘+K palette lists for `q`: with `go <prefix>`, the go-links that start with
/// it; otherwise bookmarks, folders, tags and pages whose names match.
pub async fn palette(
    State(state): State<AppState>,
    Member { org, ctx }: Member,
    Query(query): Query<PaletteQuery>,
) -> PageResult {
    let q = query.q.trim();
    let mut items = Vec::new();
    let go_prefix = q
        .strip_prefix("go ")
        .or_else(|| q.strip_prefix("go/"))
        .map(|p| p.trim().to_lowercase());
    let words = go_prefix.clone().unwrap_or_else(|| q.to_string());
    if let Some(terms) = SearchTerms::parse(&words) {
        let filter = Filter {
            terms: Some(terms),
            ..Filter::default()
        };
        let page = use_case::list(
            &state.store,
            &state.list_totals,
            &org,
            &filter,
            Sort::MostUsed,
            Some(20),
            None,
        )
        .await?;
        for b in page.items {
            let slug = b.row.slug.clone();
            if let Some(prefix) = &go_prefix {
                if !slug
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().starts_with(prefix.as_str()))
                {
                    continue;
                }
            }
            items.push(Item {
                kind: "bookmark",
                label: b.row.title.clone(),
                detail: slug
                    .as_ref()
                    .map_or_else(|| b.row.url.clone(), |s| format!("go/{s}")),
                href: slug.map_or_else(|| b.row.url.clone(), |s| format!("/go/{s}")),
            });
        }
    }
    if go_prefix.is_none() {
        let needle = q.to_lowercase();
        let mut db = state.store.read().await?;
        for f in folders::list(&mut db.conn(), org.id(), org.user_id()).await? {
            if f.name.to_lowercase().contains(&needle) {
                items.push(Item {
                    kind: "folder",
                    label: f.name,
                    detail: ctx.t("lib.folder").into(),
                    href: format!("/bookmarks?folder_id={}", f.id),
                });
            }
        }
        for t in tags::list(&mut db.conn(), org.id(), org.user_id()).await? {
            if t.name.to_lowercase().contains(&needle) {
                items.push(Item {
                    kind: "tag",
                    label: format!("#{}", t.name),
                    detail: ctx.t("lib.tag").into(),
                    href: format!("/bookmarks?tag_id={}", t.id),
                });
            }
        }
        let pages = [
            ("/", "nav.dashboard"),
            ("/bookmarks", "nav.bookmarks"),
            ("/bookmarks/new", "lib.new"),
            ("/folders", "nav.folders"),
            ("/tags", "nav.tags"),
            ("/go-preferences", "nav.go"),
            ("/settings", "nav.settings"),
        ];
        for (href, key) in pages {
            let label = ctx.t(key);
            if label.to_lowercase().contains(&needle) {
                items.push(Item {
                    kind: "page",
                    label: label.into(),
                    detail: ctx.t("palette.page").into(),
                    href: href.into(),
                });
            }
        }
    }
    items.truncate(30);
    Ok(axum::Json(items).into_response())
}
