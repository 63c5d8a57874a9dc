//! The current organization as an extractor: the header, if any, handed to
//! [`app::tenancy::current_org`](crate::app::tenancy::current_org), which decides.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;

pub use crate::app::tenancy::{not_a_member, resolve_default, CurrentOrg};
use crate::error::{AppError, Result};
use crate::http::CurrentUser;
use crate::state::AppState;

pub const HEADER: &str = "x-organization-id";

impl<S> FromRequestParts<S> for CurrentOrg
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let user = CurrentUser::from_request_parts(parts, state).await?;
        let app = AppState::from_ref(state);
        let header = parts.headers.get(HEADER).map(|v| v.to_str().unwrap_or(""));
        let org =
            crate::app::tenancy::current_org(&app.store, user, header, app.plan_policy()).await?;
        tracing::Span::current().record("org_id", org.id());
        Ok(org)
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
