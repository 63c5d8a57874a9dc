//! Who a page is for: the extractors every page handler starts from, and the CSRF cookie that
//! its forms echo.
//!
//! - [`Visitor`]: anyone (anonymous pages, the go-link pages).
//! - [`Guest`]: signed-out only; a signed-in person is sent on (to `redirect` or `/`).
//! - [`Signed`]: signed in; anyone else is sent to `/login?redirect=<this page>` (in cloud first
//!   through `/api/auth/resume`, which renews an expired 15-minute access token from the
//!   refresh cookie, so a person is not asked to sign in again every quarter of an hour).
//! - [`Member`]: signed in and acting in an organization, as a [`CurrentOrg`] for use cases.

use std::sync::{Arc, Mutex};

use axum::extract::{FromRef, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::identity::CurrentUser;
use crate::app::organizations;
use crate::app::tenancy::{self, CurrentOrg};
use crate::request::cookies;
use crate::security::csrf;
use crate::state::AppState;
use crate::store::orgs::Membership;
use crate::web::errors::PageError;
use crate::web::go_pages;
use crate::web::i18n::Lang;
use crate::web::nav;

/// The CSRF token of this browser (the cookie's value, or a new one set on this answer).
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// Where the page's extractor leaves the language, so that an error answered after it (by
/// [`PageError`]) speaks the same language as the page would have.
#[derive(Clone, Default, Debug)]
pub struct LangSlot(pub Arc<Mutex<Option<Lang>>>);

impl LangSlot {
    pub fn get(&self) -> Option<Lang> {
        *self.0.lock().expect("never poisoned")
    }
}

/// Gives every page request a CSRF token (setting the cookie when the browser has none or a
/// forged one) and a [`LangSlot`]; the API keeps its own `GET /api/csrf-token`. Under `/go/`,
/// which mostly redirects, the work is done only when a page comes back
/// ([`go_pages::Deferred`]).
pub async fn ensure_csrf(state: &AppState, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/api/") || path.starts_with("/assets/") {
        return next.run(req).await;
    }
    if path.starts_with("/go/") {
        return go_page(state, req, next).await;
    }
    let (token, fresh) = csrf_token(state, req.headers());
    req.extensions_mut().insert(CsrfToken(token.clone()));
    let slot = LangSlot::default();
    let fallback = Lang::choose(None, req.headers());
    req.extensions_mut().insert(slot.clone());
    let mut res = next.run(req).await;
    if let Some(failure) = res.extensions_mut().remove::<crate::web::errors::Failure>() {
        res = failure.render(slot.get().unwrap_or(fallback));
    }
    // Signing in or out sets a token of its own, which this one must not override.
    if fresh && !cookies::sets_csrf(state, res.headers()) {
        res.headers_mut()
            .append(header::SET_COOKIE, cookies::csrf(state, token));
    }
    res
}

/// The browser's CSRF token when it is one we signed for its session, else a new one (`true`:
/// set the cookie).
fn csrf_token(state: &AppState, headers: &HeaderMap) -> (String, bool) {
    let session = cookies::csrf_session(state, headers);
    match cookies::csrf_token(state, headers)
        .filter(|t| csrf::check(&state.csrf_secret, session.as_deref(), Some(t), Some(t)))
    {
        Some(t) => (t, false),
        None => (csrf::issue(&state.csrf_secret, session.as_deref()), true),
    }
}

async fn go_page(state: &AppState, req: Request, next: Next) -> Response {
    // Cheap to keep (reference-counted), and only read when a page must be drawn.
    let cookie = req.headers().get(header::COOKIE).cloned();
    let language = req.headers().get(header::ACCEPT_LANGUAGE).cloned();
    let uri = req.uri().clone();
    let mut res = next.run(req).await;
    let Some(deferred) = res.extensions_mut().remove::<go_pages::Deferred>() else {
        if let Some(failure) = res.extensions_mut().remove::<crate::web::errors::Failure>() {
            res = failure.render(Lang::En);
        }
        return res;
    };
    let mut headers = HeaderMap::new();
    if let Some(v) = cookie {
        headers.insert(header::COOKIE, v);
    }
    if let Some(v) = language {
        headers.insert(header::ACCEPT_LANGUAGE, v);
    }
    let (token, fresh) = csrf_token(state, &headers);
    let here = uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string();
    let mut res = go_pages::render(deferred, &headers, here, token.clone(), state.is_cloud());
    // Signing in or out sets a token of its own, which this one must not override.
    if fresh && !cookies::sets_csrf(state, res.headers()) {
        res.headers_mut()
            .append(header::SET_COOKIE, cookies::csrf(state, token));
    }
    res
}

/// What the page shell needs: language, theme, CSRF token, where we are, and who is asking.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub lang: Lang,
    /// `auto`, `light` or `dark`: the profile's choice (`auto` when signed out).
    pub theme: String,
    pub csrf: String,
    /// This page's path and query, for "come back here" after signing in.
    pub here: String,
    pub is_cloud: bool,
    pub account: Option<Account>,
}

/// The signed-in person, their organizations and the current one (for the header's switcher).
#[derive(Clone, Debug)]
pub struct Account {
    pub user: CurrentUser,
    pub orgs: Vec<Membership>,
    pub current_org_id: Option<String>,
}

impl Account {
    pub fn current_org(&self) -> Option<&Membership> {
        let id = self.current_org_id.as_deref()?;
        self.orgs.iter().find(|m| m.id == id)
    }
}

impl Ctx {
    /// A shortcut to the catalogue of this page's language.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.lang.tf(key, args)
    }

    /// A count written for this page's language (see [`Lang::num`]).
    pub fn num(&self, n: i64) -> String {
        self.lang.num(n)
    }
}

fn lang_slot(parts: &Parts, lang: Lang) {
    if let Some(slot) = parts.extensions.get::<LangSlot>() {
        *slot.0.lock().expect("never poisoned") = Some(lang);
    }
}

/// The person the access cookie names, if it is valid (a stale or forged cookie is signed out).
async fn cookie_user(parts: &Parts, state: &AppState) -> Result<Option<CurrentUser>, PageError> {
    match cookies::get(&parts.headers, cookies::ACCESS) {
        Some(jwt) if !jwt.is_empty() => {
            let user = state.auth.by_jwt(&jwt).await?;
            Ok(user.map(|mut u| {
                u.ip = Some(crate::request::client_ip::client_ip(
                    parts,
                    state.config.trust_proxy,
                ));
                u
            }))
        }
        _ => Ok(None),
    }
}

fn here(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or("/", |pq| pq.as_str())
        .to_string()
}

async fn context(parts: &Parts, state: &AppState) -> Result<Ctx, PageError> {
    let user = cookie_user(parts, state).await?;
    let account = match user {
        Some(user) => {
            let orgs = organizations::list(&state.store, &user).await?;
            let current_org_id = {
                let mut db = state.store.read().await?;
                tenancy::resolve_default(&mut db.conn(), &user).await?
            };
            Some(Account {
                user,
                orgs,
                current_org_id,
            })
        }
        None => None,
    };
    let profile = account.as_ref().map(|a| a.user.user.language.as_str());
    let lang = Lang::choose(profile, &parts.headers);
    lang_slot(parts, lang);
    let theme = account
        .as_ref()
        .map_or("auto", |a| a.user.user.theme.as_str())
        .to_string();
    let csrf = parts
        .extensions
        .get::<CsrfToken>()
        .map(|t| t.0.clone())
        .unwrap_or_default();
    Ok(Ctx {
        lang,
        theme,
        csrf,
        here: here(parts),
        is_cloud: state.is_cloud(),
        account,
    })
}

/// Any visitor, signed in or not.
pub struct Visitor(pub Ctx);

impl<S> FromRequestParts<S> for Visitor
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        Ok(Visitor(context(parts, &state).await?))
    }
}

/// Signed-out pages (sign-in, sign-up, …): a signed-in person goes on to where they were
/// going (`redirect`), or to the dashboard.
pub struct Guest(pub Ctx);

impl<S> FromRequestParts<S> for Guest
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let ctx = context(parts, &state).await?;
        if ctx.account.is_some() {
            let to = nav::redirect_param(parts.uri.query());
            return Err(PageError::Redirect(to));
        }
        Ok(Guest(ctx))
    }
}

/// A signed-in person.
pub struct Signed {
    pub user: CurrentUser,
    pub ctx: Ctx,
}

impl<S> FromRequestParts<S> for Signed
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let ctx = context(parts, &state).await?;
        match ctx.account.as_ref() {
            Some(a) => Ok(Signed {
                user: a.user.clone(),
                ctx,
            }),
            None => Err(PageError::Redirect(nav::sign_in_first(
                &ctx.here,
                state.is_cloud(),
            ))),
        }
    }
}

/// A signed-in person acting in their current organization.
pub struct Member {
    pub org: CurrentOrg,
    pub ctx: Ctx,
}

impl<S> FromRequestParts<S> for Member
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Signed { ctx, .. } = Signed::from_request_parts(parts, state).await?;
        member(&AppState::from_ref(state), ctx).await
    }
}

/// The signed-in person of `ctx` in their current organization.
pub async fn member(state: &AppState, ctx: Ctx) -> Result<Member, PageError> {
    let account = ctx
        .account
        .as_ref()
        .ok_or(PageError::Redirect(nav::login_url(&ctx.here)))?;
    if account.orgs.is_empty() {
        // Out of every organization (left or deleted the last): found one to go on.
        return Err(PageError::Redirect("/organizations/new".to_string()));
    }
    let org = tenancy::current_org(
        &state.store,
        account.user.clone(),
        account.current_org_id.as_deref(),
        state.plan_policy(),
    )
    .await?;
    tracing::Span::current().record("org_id", org.id());
    Ok(Member { org, ctx })
}

/// `GET /api/auth/resume?redirect=…` (cloud): renews the session from the refresh cookie (which
/// the browser sends only under `/api/auth`) and goes on to `redirect`; without a working
/// refresh token, to the sign-in page.
pub async fn resume(State(state): State<AppState>, req: Request) -> Response {
    let to = nav::redirect_param(req.uri().query());
    let token = cookies::get(req.headers(), cookies::REFRESH).filter(|t| !t.is_empty());
    let renewed = match token {
        Some(t) if state.is_cloud() => {
            crate::app::sessions::refresh(&state.store, &state.sessions, &t)
                .await
                .ok()
                .flatten()
        }
        _ => None,
    };
    let Some((issued, _user)) = renewed else {
        return nav::see_other(&nav::login_url(&to));
    };
    let mut res = nav::see_other(&to);
    let h = res.headers_mut();
    cookies::add_renewed_session(&state, h, issued);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
