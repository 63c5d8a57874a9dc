//! The extractor for JSON request bodies, answering in the project's own
//! error shape (axum's defaults answer in plain text).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::AppError;

/// A JSON object body. An empty `POST` body reads as `{}` (so a missing field gets its own clear
/// message, as clients that POST without a body expect), but an empty `PUT` or `PATCH` is 400:
/// a change with nothing in it is a client's mistake. Malformed JSON, a top-level value that is
/// not an object, or wrong types are 400; a body over the limit is 413; a non-empty body that is
/// not `application/json` (or has no `Content-Type`) is 415.
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let needs_body = matches!(*req.method(), Method::PUT | Method::PATCH);
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(is_json_media_type);
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::bad_request("Could not read request body")
            }
        })?;
        if needs_body && is_blank(&bytes) {
            return Err(AppError::bad_request("Request body is required"));
        }
        parse_body(&bytes, is_json).map(Json)
    }
}

/// As a response, the same type answers `application/json`: one `Json` both ways.
impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// Parses a JSON object body read by hand (for handlers that must check permissions before the
/// body). Only objects: serde reads a struct from an array too (`["a@b.io","pw"]` would sign in),
/// which no route declares. No string may hold NUL (`\u0000`): PostgreSQL cannot store it, and
/// refusing it here answers the same 400 on both databases for every field, including those no
/// validator of the domain checks (the domain refuses the other control characters by field).
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8], is_json: Option<bool>) -> Result<T, AppError> {
    if is_blank(bytes) {
        return serde_json::from_slice(b"{}").map_err(body_error);
    }
    // A body needs `Content-Type: application/json`: without it, or with any other type
    // (`text/plain`, `application/x+json`), a browser may send it cross-site with no preflight.
    if is_json != Some(true) {
        return Err(AppError::UnsupportedMediaType);
    }
    let value: Value = serde_json::from_slice(bytes).map_err(body_error)?;
    if !value.is_object() {
        return Err(AppError::bad_request("Request body must be a JSON object"));
    }
    if holds_nul(&value) {
        return Err(AppError::bad_request(
            "Request body must not contain NUL (\\u0000) characters",
        ));
    }
    T::deserialize(value).map_err(body_error)
}

/// `application/json`, with parameters (`; charset=utf-8`) or without.
fn is_json_media_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

fn holds_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}

fn body_error(e: serde_json::Error) -> AppError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data => AppError::bad_request(format!("Invalid request body: {e}")),
        _ => AppError::bad_request("Malformed JSON in request body"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Body {
        name: Option<String>,
    }

    #[test]
    fn empty_body_reads_as_empty_object() {
        let b: Body = parse_body(b"", Some(true)).unwrap();
        assert!(b.name.is_none());
    }

    #[test]
    fn malformed_json_and_wrong_types_are_bad_requests() {
        assert!(matches!(
            parse_body::<Body>(b"{nope", Some(true)),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse_body::<Body>(br#"{"name":5}"#, Some(true)),
            Err(AppError::BadRequest(_))
        ));
        assert!(matches!(
            parse_body::<Body>(br#"{"name":"x"}"#, Some(false)),
            Err(AppError::UnsupportedMediaType)
        ));
    }

    #[test]
    fn only_an_object_is_a_body() {
        for raw in [&br#"["x"]"#[..], b" [] ", b"\"x\"", b"5", b"null", b"true"] {
            assert!(
                matches!(
                    parse_body::<Body>(raw, Some(true)),
                    Err(AppError::BadRequest(_))
                ),
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
        let b: Body = parse_body(b" \n{\"name\":\"x\"}", Some(true)).unwrap();
        assert_eq!(b.name.as_deref(), Some("x"));
        assert!(matches!(
            parse_body::<Body>(br#"{"name":"a\u0000b"}"#, Some(true)),
            Err(AppError::BadRequest(_))
        ));
    }
}
