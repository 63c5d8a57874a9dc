//! `X-Organization-Id`: the organization a request says it acts in (the use case decides
//! whether it may; see `app::tenancy::current_org`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

pub const HEADER: &str = "x-organization-id";

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
