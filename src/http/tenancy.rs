//! The current organization as an extractor. Every tenant-scoped handler takes `CurrentOrg`, and
//! every store call it makes is given `org.id`: that is what keeps organizations apart.
//!
//! Which organization is current: the `X-Organization-Id` header when present (403 unless the
//! user belongs to it); else the one the credential (login session or `sb_` token) selected; else
//! the one the user selected last; else the one they joined first.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;

use crate::domain::ids::parse_id;
use crate::domain::{OrgRole, Rules};
use crate::error::{AppError, Result};
use crate::http::CurrentUser;
use crate::state::AppState;
use crate::store::{orgs, Conn};

pub const HEADER: &str = "x-organization-id";

#[derive(Clone, Debug)]
pub struct CurrentOrg {
    pub user: CurrentUser,
    pub org: orgs::Org,
    pub role: OrgRole,
    pub rules: Rules,
}

impl CurrentOrg {
    pub fn id(&self) -> &str {
        &self.org.id
    }

    pub fn user_id(&self) -> &str {
        self.user.id()
    }

    /// Owners and admins only; others get the plain Forbidden body.
    pub fn require_manager(&self) -> Result<()> {
        if self.role.can_manage() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

pub fn not_a_member() -> AppError {
    AppError::status(StatusCode::FORBIDDEN, "Not a member of this organization")
}

/// The organization the user is acting in, without an explicit header.
pub async fn resolve_default(c: &mut Conn<'_>, user: &CurrentUser) -> Result<Option<String>> {
    let candidates = [
        user.credential.current_org_id(),
        user.user.last_org_id.as_deref(),
    ];
    for id in candidates.into_iter().flatten() {
        if orgs::role_of(c, id, user.id()).await?.is_some() {
            return Ok(Some(id.to_string()));
        }
    }
    orgs::first_joined(c, user.id()).await
}

impl<S> FromRequestParts<S> for CurrentOrg
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let app = AppState::from_ref(state);
        let mut db = app.store.read().await?;
        let header = parts.headers.get(HEADER).map(|v| v.to_str().unwrap_or(""));
        let org_id = match header {
            Some(raw) => Some(parse_id(raw.trim()).ok_or_else(not_a_member)?),
            None => resolve_default(&mut db.conn(), &user).await?,
        };
        let Some(org_id) = org_id else {
            return Err(AppError::status(
                StatusCode::FORBIDDEN,
                "No organization selected",
            ));
        };
        let role = orgs::role_of(&mut db.conn(), &org_id, user.id())
            .await?
            .ok_or_else(not_a_member)?;
        let org = orgs::by_id(&mut db.conn(), &org_id)
            .await?
            .ok_or_else(not_a_member)?;
        let rules = Rules::new(app.mode(), &org.plan, app.config.free_bookmark_limit);
        Ok(CurrentOrg {
            user,
            org,
            role,
            rules,
        })
    }
}

/// Just the `X-Organization-Id` header, for handlers that resolve the organization themselves
/// (taking the whole `HeaderMap` would copy every header).
pub struct OrgHeader(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for OrgHeader {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(OrgHeader(
            parts
                .headers
                .get(HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        ))
    }
}
