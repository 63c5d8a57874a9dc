//! Forms: a `POST`ed `application/x-www-form-urlencoded` body whose `csrf_token` field must
//! match the browser's CSRF cookie (a signed double-submit token bound to the session, as the
//! API's header is), from a page of this site.
//! Repeated fields (`tag_id=1&tag_id=2`) read into a `Vec`.

use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::request::cookies;
use crate::security::csrf;
use crate::state::AppState;
use crate::web::errors::PageError;

/// The name of the hidden field every form carries.
pub const FIELD: &str = "csrf_token";

/// A form with no fields of its own (a button): only its CSRF token is checked.
#[derive(serde::Deserialize)]
pub struct Empty {}

/// A form whose CSRF token checked out.
pub struct Form<T>(pub T);

/// Refuses unless `submitted` is this browser's CSRF token for its session, and the browser
/// does not say the form was sent from another site.
pub fn check_csrf(
    state: &AppState,
    headers: &HeaderMap,
    submitted: Option<&str>,
) -> Result<(), PageError> {
    let cookie = cookies::csrf_token(state, headers);
    let session = cookies::csrf_session(state, headers);
    let ok = csrf::check(
        &state.csrf_secret,
        session.as_deref(),
        submitted,
        cookie.as_deref(),
    );
    if ok && !csrf::cross_site(headers) {
        Ok(())
    } else {
        Err(AppError::BadCsrfField.into())
    }
}

impl<S, T> FromRequest<S> for Form<T>
where
    S: Send + Sync,
    AppState: FromRef<S>,
    T: DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let app = AppState::from_ref(state);
        let headers = req.headers().clone();
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::bad_request("Could not read the form")
            }
        })?;
        let token = url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == FIELD)
            .map(|(_, v)| v.into_owned());
        check_csrf(&app, &headers, token.as_deref())?;
        if bytes.contains(&0) || String::from_utf8_lossy(&bytes).contains("%00") {
            return Err(AppError::bad_request("A field holds a NUL character").into());
        }
        serde_html_form::from_bytes(&bytes)
            .map(Form)
            .map_err(|e| AppError::bad_request(format!("Invalid form: {e}")).into())
    }
}
