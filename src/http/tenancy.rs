//! The current organization as an extractor: the header, if any, handed to
//! [`app::tenancy::current_org`](crate::app::tenancy::current_org), which decides.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;

pub use crate::app::tenancy::{not_a_member, resolve_default, CurrentOrg};
use crate::error::{AppError, Result};
use crate::http::CurrentUser;
use crate::request::org_header::HEADER;
use crate::state::AppState;

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
