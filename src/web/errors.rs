//! Refusals shown as pages: the status the API would answer, and a sentence in the page's
//! language that says what to do next — never raw JSON.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::AppError;
use crate::web::i18n::Lang;
use crate::web::{layout, nav};

/// What a page handler may fail with: go elsewhere, or show a refusal.
#[derive(Debug)]
pub enum PageError {
    Redirect(String),
    App(AppError),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::App(e)
    }
}

impl From<crate::domain::DomainError> for PageError {
    fn from(e: crate::domain::DomainError) -> Self {
        PageError::App(e.into())
    }
}

pub type PageResult<T = Response> = Result<T, PageError>;

/// A refusal waiting to be drawn in the page's language (by `session::ensure_csrf`, which
/// knows it once the handler has run).
#[derive(Clone, Debug)]
pub struct Failure {
    pub status: StatusCode,
    pub body: Value,
}

impl Failure {
    pub fn render(self, lang: Lang) -> Response {
        let message = describe(lang, self.status, &self.body);
        let title = lang.t(title_key(self.status));
        (self.status, layout::bare(lang, title, &message)).into_response()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Redirect(to) => nav::see_other(&to),
            PageError::App(e) => {
                let (status, body) = e.into_parts();
                let mut res = status.into_response();
                res.extensions_mut().insert(Failure { status, body });
                res
            }
        }
    }
}

fn title_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => "error.title_not_found",
        401 | 403 => "error.title_forbidden",
        400..=499 => "error.title_refused",
        _ => "error.title_broken",
    }
}

/// A refusal in words, for a form's alert or an error page.
pub fn explain(lang: Lang, err: AppError) -> (StatusCode, String) {
    let (status, body) = err.into_parts();
    (status, describe(lang, status, &body))
}

fn describe(lang: Lang, status: StatusCode, body: &Value) -> String {
    let text = |k: &str| {
        body.get(k)
            .map(|v| v.to_string().trim_matches('"').to_string())
    };
    if let Some(code) = body.get("code").and_then(Value::as_str) {
        let key = format!("error.{code}");
        if lang.has(&key) {
            let limit = text("limit").unwrap_or_default();
            let count = text("count").unwrap_or_default();
            let plan = text("plan").unwrap_or_default();
            return lang.tf(
                &key,
                &[("limit", &limit), ("count", &count), ("plan", &plan)],
            );
        }
    }
    let message = body.get("error").and_then(Value::as_str).unwrap_or("");
    match status.as_u16() {
        400 | 409 | 502 if !message.is_empty() => message.to_string(),
        401 => lang.t("error.unauthorized").to_string(),
        403 if message == "Forbidden" => lang.t("error.forbidden").to_string(),
        403 if !message.is_empty() => message.to_string(),
        404 => lang.t("error.not_found").to_string(),
        413 => lang.t("error.too_large").to_string(),
        429 => lang.t("error.rate_limited").to_string(),
        400..=499 => lang.t("error.refused").to_string(),
        _ => lang.t("error.internal").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DomainError;

    #[test]
    fn plan_refusals_read_as_sentences_with_a_next_step() {
        let (status, text) = explain(
            Lang::En,
            DomainError::BookmarkLimit {
                limit: 50,
                count: 50,
            }
            .into(),
        );
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(text.contains("50") && !text.contains('{'), "{text}");
        let (_, de) = explain(Lang::De, AppError::not_found("Bookmark not found"));
        assert_eq!(de, Lang::De.t("error.not_found"));
        let (_, internal) = explain(Lang::En, AppError::internal("secret sql"));
        assert!(!internal.contains("secret"));
    }
}
