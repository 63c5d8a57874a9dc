//! The one error type. Handlers return `Result<T>` and use `?`; this module decides what the
//! client sees. Internal errors are logged once, inside the request's span, and answered with a
//! generic message: no SQL, stack trace or secret ever reaches a client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::config::BODY_LIMIT;
use crate::domain::DomainError;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400 with a message (and optionally a machine-readable code and extra fields).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// 401 with the standard body.
    #[error("unauthorized")]
    Unauthorized,
    /// 401 with a specific message (wrong password, bad refresh token) and, for the second
    /// factor, a machine-readable code.
    #[error("unauthorized: {error}")]
    SignInRefused {
        error: &'static str,
        code: Option<&'static str>,
    },
    /// 403 with the plain Forbidden body.
    #[error("forbidden")]
    Forbidden,
    /// 404 with a message: missing and foreign rows look the same.
    #[error("not found: {0}")]
    NotFound(String),
    /// A rule of the domain said no (validation, duplicates, plan limits, seats).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A cookie-authenticated API write without this browser's CSRF token in its header.
    #[error("invalid CSRF token in the header")]
    BadCsrfHeader,
    /// A page's form posted without this browser's CSRF token in its field; its code `CSRF`
    /// lets the refusal page say, in the reader's language, that the form has expired.
    #[error("invalid CSRF token in the form")]
    BadCsrfField,
    #[error("payload too large")]
    PayloadTooLarge,
    /// A JSON route given a body that is not JSON.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// A bookmark file that is neither JSON nor HTML.
    #[error("unsupported media type for a bookmark file")]
    UnsupportedBookmarkFile,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// A service we depend on (mail, the billing provider) failed; logged where it happened,
    /// answered 502 with a message a person can act on.
    #[error("upstream: {0}")]
    Upstream(&'static str),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn bad_request(msg: impl Into<String>) -> Self {
        Self::BadRequest(msg.into())
    }

    pub fn not_found(msg: impl Into<String>) -> Self {
        Self::NotFound(msg.into())
    }

    pub fn internal(msg: impl Into<String>) -> Self {
        Self::Internal(anyhow::anyhow!(msg.into()))
    }

    /// True when the database refused a write because of a unique constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, AppError::Database(e) if crate::store::is_unique_violation(e))
    }

    /// Where a name must be unique instance-wide (an account's email, a provider's key): a
    /// duplicate, refused by the rules or by the database, becomes [`DomainError::Taken`].
    pub fn duplicate_as_conflict(self) -> Self {
        match self {
            AppError::Domain(DomainError::Duplicate(msg)) => DomainError::Taken(msg).into(),
            e if e.is_unique_violation() => DomainError::Taken("Already exists".into()).into(),
            e => e,
        }
    }

    /// Turns a unique-constraint refusal into [`DomainError::Duplicate`] with `msg` (answered
    /// 400 naming the duplicate); anything else passes unchanged.
    pub fn on_unique(self, msg: &str) -> Self {
        if self.is_unique_violation() {
            DomainError::duplicate(msg).into()
        } else {
            self
        }
    }
}

/// The message of both CSRF refusals.
const BAD_CSRF: &str = "Invalid CSRF token";

/// The one shape of every error answer, as the OpenAPI document declares it: `error` always,
/// and the other fields only where a refusal carries them. Never built at run time (bodies are
/// written as JSON above and below); it exists so clients and fuzzers know what to expect.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A human-readable message.
    pub error: String,
    /// A longer message (the plain 401 and 403 bodies).
    pub message: Option<String>,
    /// A machine-readable condition (`PLAN_REQUIRES_TEAM`, `RATE_LIMITED`, …), or the status
    /// itself in the plain 401 and 403 bodies.
    pub code: Option<ErrorCode>,
    /// `false` in the answers of the token-verification routes.
    pub valid: Option<bool>,
    /// The organization's plan (`PLAN_*` refusals).
    pub plan: Option<crate::domain::Plan>,
    /// `TEAM_SEAT_LIMIT`: the seats and how they are used.
    pub seats_total: Option<i64>,
    pub seats_used: Option<i64>,
    pub pending_invitations: Option<i64>,
    pub included_seats: Option<i64>,
    pub extra_seats: Option<i64>,
    /// `PLAN_LIMIT_BOOKMARKS`: the limit and how many bookmarks there are.
    pub limit: Option<i64>,
    pub count: Option<i64>,
    /// 429: seconds until a retry may succeed (also in `Retry-After`).
    pub retry_after: Option<u64>,
    /// 413: the largest body accepted, in bytes.
    pub limit_bytes: Option<u64>,
}

/// `code` of [`ErrorBody`]: a string condition, or the status number in the plain bodies.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ErrorCode {
    Condition(String),
    Status(u16),
}

pub fn unauthorized_body() -> Value {
    json!({"error": "Unauthorized", "message": "Authentication required", "code": 401})
}

pub fn forbidden_body() -> Value {
    json!({"error": "Forbidden", "message": "You don't have permission to access this resource", "code": 403})
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            AppError::TooManyRequests { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        };
        let (status, body) = self.into_parts();
        let mut res = (status, axum::Json(body)).into_response();
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert("retry-after", secs.to_string().parse().unwrap());
        }
        res
    }
}

impl AppError {
    /// The status and JSON body a client gets: the one place they are decided. The pages show
    /// the same refusal in words (`web::errors`); internal errors are logged here, once.
    pub fn into_parts(self) -> (StatusCode, Value) {
        match self {
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, json!({ "error": m })),
            AppError::Unauthorized => (StatusCode::UNAUTHORIZED, unauthorized_body()),
            AppError::SignInRefused { error, code } => {
                let mut body = json!({ "error": error });
                if let Some(code) = code {
                    body["code"] = code.into();
                }
                (StatusCode::UNAUTHORIZED, body)
            }
            AppError::Forbidden => (StatusCode::FORBIDDEN, forbidden_body()),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, json!({ "error": m })),
            AppError::Domain(refusal) => refusal_body(refusal),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                json!({"error": "Request body too large", "limit_bytes": BODY_LIMIT}),
            ),
            AppError::BadCsrfHeader => (StatusCode::FORBIDDEN, json!({ "error": BAD_CSRF })),
            AppError::BadCsrfField => (
                StatusCode::FORBIDDEN,
                json!({ "error": BAD_CSRF, "code": "CSRF" }),
            ),
            AppError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({"error": "Content-Type must be application/json"}),
            ),
            AppError::UnsupportedBookmarkFile => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                json!({"error": "Content-Type must be application/json or text/html"}),
            ),
            AppError::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                json!({
                    "error": "Too many requests, please try again later",
                    "code": "RATE_LIMITED",
                    "retry_after": retry_after_secs,
                }),
            ),
            AppError::Upstream(m) => (StatusCode::BAD_GATEWAY, json!({ "error": m })),
            // A uniqueness rule that no store function named: still the client's doing.
            AppError::Database(ref e) if crate::store::is_unique_violation(e) => {
                (StatusCode::BAD_REQUEST, json!({"error": "Already exists"}))
            }
            // A linked row (team, person, folder) went away between the check and the write.
            AppError::Database(sqlx::Error::Database(ref d)) if d.is_foreign_key_violation() => (
                StatusCode::BAD_REQUEST,
                json!({"error": "Something this request refers to no longer exists"}),
            ),
            // The database is away (down, restarting, unreachable): the request may succeed
            // later, and says so; logged as a warning since the health probe reports it too.
            AppError::Database(ref e) if is_unavailable(e) => {
                tracing::warn!(error = %cause_chain(e), "database unavailable");
                unavailable()
            }
            AppError::Database(e) => {
                tracing::error!(error = %cause_chain(&e), "database error");
                internal()
            }
            AppError::Internal(ref e) if e.downcast_ref().is_some_and(is_unavailable) => {
                tracing::warn!(error = %cause_chain(e.as_ref()), "database unavailable");
                unavailable()
            }
            AppError::Internal(e) => {
                tracing::error!(error = %cause_chain(e.as_ref()), "internal error");
                internal()
            }
        }
    }
}

/// The status and body of each refusal of the domain: the one place they are decided.
fn refusal_body(refusal: DomainError) -> (StatusCode, Value) {
    let plain = |status: StatusCode| (status, json!({ "error": refusal.message() }));
    let coded = |status: StatusCode| {
        let body = json!({ "error": refusal.message(), "code": refusal.code() });
        (status, body)
    };
    let extra = match &refusal {
        DomainError::Invalid(_) | DomainError::Duplicate(_) => {
            return plain(StatusCode::BAD_REQUEST)
        }
        DomainError::NotAMember
        | DomainError::NoOrganization
        | DomainError::WrongInvitee
        | DomainError::AlreadyInitialized
        | DomainError::AdminRule(_)
        | DomainError::RegistrationClosed
        | DomainError::AutoJoinCloudOnly => return plain(StatusCode::FORBIDDEN),
        DomainError::Taken(_) => return plain(StatusCode::CONFLICT),
        DomainError::BillingNotConfigured => return plain(StatusCode::NOT_IMPLEMENTED),
        DomainError::LastOwner(_) | DomainError::InvalidCode | DomainError::PasswordRequired => {
            return coded(StatusCode::BAD_REQUEST)
        }
        DomainError::WrongPassword => return coded(StatusCode::UNAUTHORIZED),
        DomainError::EmailNotVerified => json!({}),
        DomainError::PlanRequiresTeam { plan }
        | DomainError::ShareToTeamsRequiresTeam { plan }
        | DomainError::FolderSharingRequiresTeam { plan } => json!({ "plan": plan }),
        DomainError::SeatLimit(seats) => json!({
            "seats_total": seats.total(),
            "seats_used": seats.used,
            "pending_invitations": seats.pending,
            "included_seats": seats.included,
            "extra_seats": seats.extra,
        }),
        DomainError::BookmarkLimit { limit, count } => json!({ "limit": limit, "count": count }),
    };
    let (status, mut body) = coded(StatusCode::FORBIDDEN);
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    (status, body)
}

/// An error and every cause below it, for the log line of a 5xx.
fn cause_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        next = cause.source();
    }
    out
}

/// True when `e` says the database could not be reached or went away mid-request, rather than
/// that it refused this request: no connection within the pool's timeout, a broken socket, or
/// PostgreSQL's connection-exception (`08…`) and shutting-down (`57P01`–`57P03`) codes.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// The answer while the database is away: 503, in the API's one error shape.
pub fn unavailable_body() -> Value {
    json!({"error": "Service unavailable: the database cannot be reached, try again shortly"})
}

fn unavailable() -> (StatusCode, Value) {
    (StatusCode::SERVICE_UNAVAILABLE, unavailable_body())
}

fn internal() -> (StatusCode, Value) {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"error": "Internal server error"}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The refusals that once built their own bodies answer exactly as they did.
    #[test]
    fn typed_refusals_keep_their_answers() {
        let answer = |e: AppError| {
            let (status, body) = e.into_parts();
            (status.as_u16(), body.to_string())
        };
        let cases: [(AppError, u16, &str); 9] = [
            (
                DomainError::PasswordRequired.into(),
                400,
                r#"{"code":"PASSWORD_REQUIRED","error":"Password is required"}"#,
            ),
            (
                DomainError::WrongPassword.into(),
                401,
                r#"{"code":"INVALID_PASSWORD","error":"Invalid password"}"#,
            ),
            (
                DomainError::BillingNotConfigured.into(),
                501,
                r#"{"error":"Billing not configured"}"#,
            ),
            (
                DomainError::AutoJoinCloudOnly.into(),
                403,
                r#"{"error":"Joining by email domain is available in SlugBase Cloud only"}"#,
            ),
            (
                DomainError::Taken("Provider with this key already exists".into()).into(),
                409,
                r#"{"error":"Provider with this key already exists"}"#,
            ),
            (
                DomainError::duplicate("Email already registered").into(),
                400,
                r#"{"error":"Email already registered"}"#,
            ),
            (
                AppError::BadCsrfHeader,
                403,
                r#"{"error":"Invalid CSRF token"}"#,
            ),
            (
                AppError::BadCsrfField,
                403,
                r#"{"code":"CSRF","error":"Invalid CSRF token"}"#,
            ),
            (
                AppError::UnsupportedBookmarkFile,
                415,
                r#"{"error":"Content-Type must be application/json or text/html"}"#,
            ),
        ];
        for (error, status, body) in cases {
            assert_eq!(answer(error), (status, body.to_string()));
        }
        let taken = AppError::from(DomainError::duplicate("Email already registered"))
            .duplicate_as_conflict();
        assert_eq!(
            answer(taken),
            (409, r#"{"error":"Email already registered"}"#.to_string())
        );
    }
}
