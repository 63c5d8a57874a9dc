//! The pages `/go/<slug>` shows instead of redirecting: a choice between several bookmarks, the
//! confirmation of "always use this", "no such go-link" (which offers to create it), and
//! `/go/<slug>+`, the link's own page (see `library::link`). The handlers are in `go_links`.
//!
//! The go-link handler answers thousands of redirects a second, so it does no page work: it
//! returns a [`Deferred`] page, and the pages' middleware draws it (with the CSRF token and the
//! language) only when one is returned.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};

use crate::app::golinks::Candidate;
use crate::app::identity::CurrentUser;
use crate::app::link_info::LinkInfo;
use crate::domain::Slug;
use crate::store::orgs::Membership;
use crate::web::i18n::Lang;
use crate::web::layout::{self, csrf_field};
use crate::web::session::{Account, Ctx};

#[derive(Clone, Debug)]
pub enum GoPage {
    /// Several bookmarks shared with the person answer to the slug.
    Chooser {
        slug: String,
        candidates: Vec<Candidate>,
    },
    /// `GET /go/<slug>/remember/<id>`: the choice, with the form that saves it.
    Confirm { slug: String, candidate: Candidate },
    /// Nothing the person can see answers to the slug.
    NotFound { slug: String },
    /// `/go/<slug>+`: the page of each bookmark the go-link opens, in the frame of a library
    /// page (the person's organizations, for the header's switcher).
    Link {
        slug: String,
        links: Vec<LinkInfo>,
        orgs: Vec<Membership>,
        org_id: String,
    },
}

/// A go-link page waiting to be drawn by the middleware.
#[derive(Clone, Debug)]
pub struct Deferred {
    pub page: GoPage,
    pub user: Option<CurrentUser>,
}

/// The answer a go-link handler gives for `page`.
pub fn respond(page: GoPage, user: Option<CurrentUser>) -> Response {
    let status = match page {
        GoPage::NotFound { .. } => StatusCode::NOT_FOUND,
        _ => StatusCode::OK,
    };
    let mut res = status.into_response();
    res.extensions_mut().insert(Deferred { page, user });
    res
}

/// Draws a deferred page for the request whose `headers` (cookie, language) and path are given.
pub fn render(
    d: Deferred,
    headers: &HeaderMap,
    here: String,
    csrf: String,
    is_cloud: bool,
) -> Response {
    let profile = d.user.as_ref().map(|u| u.user.language.clone());
    let lang = Lang::choose(profile.as_deref(), headers);
    let theme = d
        .user
        .as_ref()
        .map_or_else(|| "auto".to_string(), |u| u.user.theme.clone());
    let (orgs, current_org_id) = match &d.page {
        GoPage::Link { orgs, org_id, .. } => (orgs.clone(), Some(org_id.clone())),
        _ => (Vec::new(), None),
    };
    let ctx = Ctx {
        lang,
        theme,
        csrf,
        here,
        is_cloud,
        account: d.user.map(|user| Account {
            user,
            orgs,
            current_org_id,
        }),
    };
    let (status, title, body) = match &d.page {
        GoPage::Chooser { slug, candidates } => (
            StatusCode::OK,
            ctx.tf("go.choose_title", &[("slug", slug)]),
            chooser(&ctx, slug, candidates),
        ),
        GoPage::Confirm { slug, candidate } => (
            StatusCode::OK,
            ctx.tf("go.choose_title", &[("slug", slug)]),
            html! {
                h1 { "go/" (slug) }
                p { (ctx.t("go.confirm_lead")) }
                ul.plain { (item(&ctx, slug, candidate)) }
            },
        ),
        GoPage::Link { slug, links, .. } => (
            StatusCode::OK,
            format!("go/{slug}"),
            crate::web::library::link::for_slug(&ctx, slug, links),
        ),
        GoPage::NotFound { slug } => (
            StatusCode::NOT_FOUND,
            ctx.t("go.missing_title").to_string(),
            missing(&ctx, slug),
        ),
    };
    (status, layout::page(&ctx, &title, body)).into_response()
}

fn chooser(ctx: &Ctx, slug: &str, candidates: &[Candidate]) -> Markup {
    html! {
        h1 { "go/" (slug) }
        p { (ctx.t("go.choose_lead")) }
        ul.grid { @for c in candidates { (item(ctx, slug, c)) } }
    }
}

fn item(ctx: &Ctx, slug: &str, c: &Candidate) -> Markup {
    html! {
        li.card {
            h2 { (c.title) }
            p.muted { (ctx.tf("go.shared_by", &[("name", &c.owner_name)])) }
            p.url { (c.url) }
            div.actions {
                a.button.secondary href=(c.url) { (ctx.t("go.open_once")) }
                form.inline method="post" action=(format!("/go/{slug}/remember/{}", c.id)) {
                    (csrf_field(ctx))
                    button type="submit" { (ctx.t("go.always")) }
                }
            }
        }
    }
}

fn missing(ctx: &Ctx, slug: &str) -> Markup {
    let create = format!(
        "/bookmarks/new?slug={}",
        url::form_urlencoded::byte_serialize(slug.as_bytes()).collect::<String>()
    );
    html! {
        h1 { "go/" (slug) }
        p role="alert" { (ctx.t("go.missing_lead")) }
        div.actions {
            @if ctx.account.is_some() && Slug::parse(slug).is_ok() {
                a.button href=(create) { (ctx.t("go.create")) }
            }
            a href="/" { (ctx.t("nav.home")) }
        }
    }
}
