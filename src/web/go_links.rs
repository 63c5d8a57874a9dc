//! `/go/<slug>`: the go-link redirect, its pages (the chooser, "always use this", `+`, not
//! found; drawn by [`go_pages`]) and the form that saves a choice. Routed with the API's
//! OpenAPI document (they take its bearer credentials too), which the start-up composes.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::golinks::{self, Resolution};
use crate::app::{link_info, organizations, tenancy};
use crate::domain::golink::{expand_target, login_redirect};
use crate::domain::ids::parse_id;
use crate::domain::library::Slug;
use crate::error::{AppError, Result};
use crate::metrics;
use crate::request::{CurrentUser, MaybeUser, OrgHeader};
use crate::state::AppState;
use crate::web::errors::PageResult;
use crate::web::form::{Empty, Form};
use crate::web::go_pages::{self, GoPage};
use crate::web::nav;
use crate::web::session::Signed;

/// The go-link routes, documented.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(go))
        .routes(routes!(remember, remember_form))
        .route("/go/{slug}/{*rest}", get(go_with_path))
}

fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, v),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-cache"),
                ),
            ],
        )
            .into_response(),
        Err(_) => AppError::bad_request("Invalid redirect target").into_response(),
    }
}

fn not_found_page(slug: &str, user: Option<&CurrentUser>) -> Response {
    go_pages::respond(
        GoPage::NotFound {
            slug: slug.to_string(),
        },
        user.cloned(),
    )
}

/// Redirects to the bookmark with this slug: the person's saved preference, else their own,
/// else one shared with them; several shared ones give a page to choose from. Anonymous
/// visitors are sent to `/login?redirect=…`.
#[utoipa::path(get, path = "/go/{slug}", tag = "go-links", params(("slug" = String, Path)),
    security((), ("bearer" = [])),
    responses((status = 302, description = "To the bookmark's URL, or to /login when signed out"),
        (status = 200, description = "HTML page to choose between several bookmarks", body = String, content_type = "text/html"),
        (status = 404, description = "HTML page", body = String, content_type = "text/html")))]
async fn go(
    State(state): State<AppState>,
    user: MaybeUser,
    Path(slug): Path<String>,
    uri: OriginalUri,
    OrgHeader(header): OrgHeader,
) -> Result<Response> {
    serve(&state, user, &slug, "", &uri, header.as_deref()).await
}

/// `/go/<slug>/<more/path>`: the same, with the extra path (and query) appended to the target.
async fn go_with_path(
    State(state): State<AppState>,
    user: MaybeUser,
    Path((slug, _)): Path<(String, String)>,
    uri: OriginalUri,
    OrgHeader(header): OrgHeader,
) -> Result<Response> {
    // The raw path keeps the request's own percent-encoding.
    let raw = uri.path();
    let prefix_len = raw.find(&format!("/{slug}/")).map(|i| i + slug.len() + 2);
    let rest = prefix_len.map(|n| &raw[n.min(raw.len())..]).unwrap_or("");
    let rest = rest.to_string();
    serve(&state, user, &slug, &rest, &uri, header.as_deref()).await
}

async fn serve(
    state: &AppState,
    user: MaybeUser,
    slug: &str,
    rest: &str,
    uri: &OriginalUri,
    header: Option<&str>,
) -> Result<Response> {
    let Some(user) = user.0 else {
        let asked = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        return Ok(redirect(&login_redirect(asked)));
    };
    if let (Some(slug), "") = (slug.strip_suffix('+'), rest) {
        return link_page(state, user, slug, header).await;
    }
    if Slug::parse(slug).is_err() {
        metrics::go_link(false);
        return Ok(not_found_page(slug, Some(&user)));
    }
    let Some(org_id) = golinks::organization(&state.store, &state.go_cache, &user, header).await?
    else {
        metrics::go_link(false);
        return Ok(not_found_page(slug, Some(&user)));
    };
    let resolution =
        golinks::resolve(&state.store, &state.go_cache, &org_id, user.id(), slug).await?;
    metrics::go_link(!matches!(resolution.as_ref(), Resolution::NotFound));
    Ok(match resolution.as_ref() {
        Resolution::Go { bookmark_id, url } => {
            state.access_counter.hit(bookmark_id);
            redirect(&expand_target(url, rest, uri.query()))
        }
        Resolution::Choose(candidates) => go_pages::respond(
            GoPage::Chooser {
                slug: slug.to_string(),
                candidates: candidates.clone(),
            },
            Some(user),
        ),
        Resolution::NotFound => not_found_page(slug, Some(&user)),
    })
}

/// `/go/<slug>+`: the page of what `/go/<slug>` opens (target, owner, visits, last check,
/// history) instead of going there. Counts no visit.
async fn link_page(
    state: &AppState,
    user: CurrentUser,
    slug: &str,
    header: Option<&str>,
) -> Result<Response> {
    if Slug::parse(slug).is_err() {
        return Ok(not_found_page(slug, Some(&user)));
    }
    let Some(org_id) = golinks::organization(&state.store, &state.go_cache, &user, header).await?
    else {
        return Ok(not_found_page(slug, Some(&user)));
    };
    let org = tenancy::current_org(
        &state.store,
        user.clone(),
        Some(&org_id),
        state.plan_policy(),
    )
    .await?;
    let links = link_info::of_slug(&state.store, &state.go_cache, &org, slug).await?;
    if links.is_empty() {
        return Ok(not_found_page(slug, Some(&user)));
    }
    let orgs = organizations::list(&state.store, &user).await?;
    Ok(go_pages::respond(
        GoPage::Link {
            slug: slug.to_string(),
            links,
            orgs,
            org_id,
        },
        Some(user),
    ))
}

/// The form behind "always use this" (section 12): a page form, sent by a signed-in browser
/// with its session cookie and the `csrf_token` field, that saves the choice and redirects to
/// the bookmark. Signed out, it redirects to sign-in; a wrong token is a 403.
#[utoipa::path(post, path = "/go/{slug}/remember/{bookmarkId}", tag = "go-links",
    params(("slug" = String, Path), ("bookmarkId" = String, Path)),
    request_body(content = RememberForm, content_type = "application/x-www-form-urlencoded"),
    security(("cookie" = [], "csrf" = [])),
    responses((status = 303, description = "To the bookmark once saved; to /login when signed out"),
        (status = 404, description = "HTML page: no such go-link or bookmark for this person", body = String, content_type = "text/html")))]
async fn remember_form(
    State(state): State<AppState>,
    Signed { user, .. }: Signed,
    Path((slug, bookmark_id)): Path<(String, String)>,
    Form(_): Form<Empty>,
) -> PageResult {
    let missing = || go_pages::respond(GoPage::NotFound { slug: slug.clone() }, Some(user.clone()));
    let (Ok(parsed), Some(id)) = (Slug::parse(&slug), parse_id(&bookmark_id)) else {
        return Ok(missing());
    };
    let Some(org_id) = golinks::organization(&state.store, &state.go_cache, &user, None).await?
    else {
        return Ok(missing());
    };
    match golinks::remember(&state.store, &org_id, user.id(), &parsed, &id).await? {
        Some(url) => {
            state.access_counter.hit(&id);
            Ok(nav::see_other(&url))
        }
        None => Ok(missing()),
    }
}

/// The body of the "always use this" form.
#[derive(ToSchema)]
#[allow(dead_code)]
struct RememberForm {
    /// This browser's CSRF token (the value of its `csrf_token` cookie).
    csrf_token: String,
}

/// Shows one bookmark of the chooser with the form that saves it as the person's choice for
/// this slug ("always use this"). A `GET` changes nothing: the form `POST`s here with the CSRF
/// token, which saves the choice and redirects to the bookmark.
#[utoipa::path(get, path = "/go/{slug}/remember/{bookmarkId}", tag = "go-links",
    params(("slug" = String, Path), ("bookmarkId" = String, Path)),
    security((), ("bearer" = [])),
    responses((status = 200, description = "HTML page with the form that saves the choice", body = String, content_type = "text/html"),
        (status = 302, description = "To /login when signed out"),
        (status = 404, description = "HTML page", body = String, content_type = "text/html")))]
async fn remember(
    State(state): State<AppState>,
    user: MaybeUser,
    Path((slug, bookmark_id)): Path<(String, String)>,
    uri: OriginalUri,
    OrgHeader(header): OrgHeader,
) -> Result<Response> {
    let Some(user) = user.0 else {
        let asked = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
        return Ok(redirect(&login_redirect(asked)));
    };
    let (Ok(parsed), Some(id), Some(org_id)) = (
        Slug::parse(&slug),
        parse_id(&bookmark_id),
        golinks::organization(&state.store, &state.go_cache, &user, header.as_deref()).await?,
    ) else {
        return Ok(not_found_page(&slug, Some(&user)));
    };
    match golinks::choice(&state.store, &org_id, user.id(), &parsed, &id).await? {
        Some(candidate) => Ok(go_pages::respond(
            GoPage::Confirm {
                slug: parsed.as_str().to_string(),
                candidate,
            },
            Some(user),
        )),
        None => Ok(not_found_page(&slug, Some(&user))),
    }
}
