//! The OpenAPI document's cross-cutting parts, written once instead of on 87 annotations.
//!
//! The annotations on each handler say what is particular to it (its bodies, its own refusals).
//! [`Conventions`] then walks every operation and adds what the layers of this server do to all
//! of them alike: an operation id from method and path, the credentials it takes, the
//! `X-Organization-Id` header where the organization matters, the statuses the extractors and
//! layers answer (malformed JSON, body limits, media type, credentials, CSRF, unknown ids,
//! internal errors, the database away), and the one [`ErrorBody`] schema on every error answer.

use utoipa::openapi::content::Content;
use utoipa::openapi::header::Header;
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::response::Response;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi, Ref, RefOr, Required};
use utoipa::Modify;

use crate::error::ErrorBody;
use crate::security::csrf;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "SlugBase API",
        description = "Bookmarks that double as go-links, in organizations."
    ),
    components(schemas(ErrorBody))
)]
pub struct ApiDoc;

/// Path prefixes of the operations that act in the current organization (they take
/// `CurrentOrg`, or read `X-Organization-Id` themselves as `/go/` does).
const TENANT_SCOPED: &[&str] = &[
    "/api/bookmarks",
    "/api/folders",
    "/api/tags",
    "/api/teams",
    "/api/admin/teams",
    "/api/admin/audit-log",
    "/api/admin/settings",
    "/api/users/for-sharing",
    "/api/dashboard",
    "/api/config/plan",
    "/api/go/",
    "/go/",
];

const BEARER: &str = "bearer";
const COOKIE: &str = "cookie";
const CSRF: &str = "csrf";
const ERROR_SCHEMA: &str = "ErrorBody";

/// Who may call an operation, as its annotation says: `security(())` is public, no `security`
/// means credentials are required, and `security((), ("bearer" = []))` means they are optional.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Public,
    Optional,
    Required,
}

/// Fills in the conventions every operation shares; applied after the routers are merged.
pub struct Conventions;

impl Modify for Conventions {
    fn modify(&self, doc: &mut OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        add_security_schemes(&mut components.security_schemes);
        for (name, status) in STANDARD {
            components
                .responses
                .insert(name.to_string(), RefOr::T(standard_response(*status)));
        }
        doc.security = None;
        let mut bodies = Vec::new();
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, op) in operations(item) {
                complete(path, method, op);
                if let Some(body) = &op.request_body {
                    bodies.extend(body.content.values().filter_map(|c| match &c.schema {
                        Some(RefOr::Ref(r)) => Some(r.ref_location.clone()),
                        _ => None,
                    }));
                }
            }
        }
        let schemas = &mut doc.components.get_or_insert_with(Default::default).schemas;
        for location in bodies {
            let name = location.rsplit('/').next().unwrap_or_default().to_string();
            if let Some(RefOr::T(schema)) = schemas.get_mut(&name) {
                optional_fields_take_null(schema);
            }
        }
    }
}

fn add_security_schemes(schemes: &mut std::collections::BTreeMap<String, SecurityScheme>) {
    schemes.insert(
        BEARER.into(),
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT or sb_ token")
                .description(Some(
                    "An access JWT (from sign-in) or a personal `sb_` API token",
                ))
                .build(),
        ),
    );
    schemes.insert(
        COOKIE.into(),
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            crate::request::cookies::ACCESS,
            "The access JWT in the `token` cookie that sign-in sets (HttpOnly)",
        ))),
    );
    schemes.insert(
        CSRF.into(),
        SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
            "X-CSRF-Token".to_string(),
            format!(
                "From `GET /api/csrf-token` (which also sets the `{}` cookie, `{}` under https); \
                 required with the cookie on every request that changes state. It is bound to \
                 the session: fetch a new one after signing in or out",
                csrf::COOKIE,
                csrf::HOST_COOKIE
            ),
        ))),
    );
}

/// The statuses every layer answers alike, by component name.
const STANDARD: &[(&str, u16)] = &[
    ("BadRequest", 400),
    ("Unauthorized", 401),
    ("Forbidden", 403),
    ("NotFound", 404),
    ("Conflict", 409),
    ("PayloadTooLarge", 413),
    ("UnsupportedMediaType", 415),
    ("TooManyRequests", 429),
    ("InternalError", 500),
    ("BadGateway", 502),
    ("ServiceUnavailable", 503),
];

/// Page forms the contract lists among its routes: a signed-in browser sends them with its
/// session cookie and the form's `csrf_token` field, never with a Bearer token.
const PAGE_FORMS: &[(&str, &str)] = &[("post", "/go/{slug}/remember/{bookmarkId}")];

/// Operations that send an email or ask the billing provider, and so may answer 502 when that
/// service fails.
const UPSTREAM: &[(&str, &str)] = &[
    ("post", "/api/auth/register"),
    ("post", "/api/auth/resend-signup-verification"),
    ("post", "/api/auth/request-signup-resend"),
    ("post", "/api/password-reset/request"),
    ("put", "/api/users/me"),
    ("post", "/api/organizations/{id}/invitations"),
    (
        "post",
        "/api/organizations/{id}/invitations/{invitationId}/resend",
    ),
    ("post", "/api/billing/checkout-session"),
    ("post", "/api/billing/portal-session"),
];

fn standard_name(status: u16) -> Option<&'static str> {
    STANDARD
        .iter()
        .find(|(_, s)| *s == status)
        .map(|(name, _)| *name)
}

fn standard_response(status: u16) -> Response {
    let description = match status {
        400 => "Malformed JSON, a body that is not the declared object, a wrong type, or a value the contract refuses",
        401 => "Missing or bad credentials: `{\"error\":\"Unauthorized\",\"message\":\"Authentication required\",\"code\":401}`",
        403 => "Refused: a cookie-authenticated write without a valid `X-CSRF-Token`, an `X-Organization-Id` the user is not a member of, or a role or plan that does not allow it",
        404 => "No such item in the current organization (a foreign id looks the same)",
        409 => "Taken: another account has this email, or another provider this key",
        413 => "The body is over 1 MiB",
        415 => "A body that is not `application/json`",
        429 => "Too many requests: retry after `Retry-After` seconds",
        502 => "The mail server or the billing provider failed; the message says what happened and whether to try again",
        503 => "The database cannot be reached right now; try again shortly",
        _ => "Internal server error",
    };
    let mut response = Response::new(description);
    response
        .content
        .insert("application/json".into(), error_content());
    if status == 429 {
        let seconds = ObjectBuilder::new().schema_type(Type::Integer).build();
        let mut header = Header::new(seconds);
        header.description = Some("Seconds until a retry may succeed".into());
        response.headers.insert("Retry-After".into(), header);
    }
    response
}

fn error_content() -> Content {
    Content::new(Some(Ref::from_schema_name(ERROR_SCHEMA)))
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("patch", &mut item.patch),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.as_mut().map(|op| (method, op)))
}

fn access(op: &Operation) -> Access {
    let anonymous = SecurityRequirement::default();
    match &op.security {
        None => Access::Required,
        Some(reqs) if reqs.iter().all(|r| *r == anonymous) => Access::Public,
        Some(reqs) if reqs.contains(&anonymous) => Access::Optional,
        Some(_) => Access::Required,
    }
}

/// `get_api_organizations_id_members_userId` for `GET /api/organizations/{id}/members/{userId}`.
fn operation_id(method: &str, path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!("{method}_{}", words.join("_"))
}

fn complete(path: &str, method: &'static str, op: &mut Operation) {
    op.operation_id = Some(operation_id(method, path));
    let access = access(op);
    let writes = method != "get";
    let tenant = TENANT_SCOPED.iter().any(|p| path.starts_with(p));

    if access != Access::Public {
        let cookie = if writes {
            SecurityRequirement::new(COOKIE, Vec::<String>::new()).add(CSRF, Vec::<String>::new())
        } else {
            SecurityRequirement::new(COOKIE, Vec::<String>::new())
        };
        let mut reqs = vec![
            SecurityRequirement::new(BEARER, Vec::<String>::new()),
            cookie,
        ];
        if access == Access::Optional {
            reqs.insert(0, SecurityRequirement::default());
        }
        if PAGE_FORMS.contains(&(method, path)) {
            reqs = vec![SecurityRequirement::new(COOKIE, Vec::<String>::new())
                .add(CSRF, Vec::<String>::new())];
        }
        op.security = Some(reqs);
    }

    let params = op.parameters.get_or_insert_with(Vec::new);
    for p in params.iter_mut() {
        if matches!(p.parameter_in, ParameterIn::Path) && is_id(&p.name) {
            p.schema = Some(uuid_schema());
        }
    }
    if tenant {
        params.push(organization_header());
    }
    let has_path_params = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let has_query = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    if params.is_empty() {
        op.parameters = None;
    }

    // Any operation may find the database away (see `/api/health`).
    let mut statuses = vec![500, 503];
    if op.request_body.is_some() {
        statuses.extend([400, 413, 415]);
    }
    if has_query {
        statuses.push(400);
    }
    if access != Access::Public {
        statuses.push(401);
        if writes {
            statuses.push(403);
        }
    }
    if tenant {
        statuses.push(403);
    }
    if has_path_params {
        statuses.push(404);
    }
    if UPSTREAM.contains(&(method, path)) {
        statuses.push(502);
    }
    let responses = &mut op.responses.responses;
    for status in statuses {
        let name = standard_name(status).expect("a standard status");
        responses
            .entry(status.to_string())
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
    }
    for (status, response) in responses.iter_mut() {
        let status: u16 = status.parse().unwrap_or(0);
        if status < 400 {
            continue;
        }
        let RefOr::T(r) = response else { continue };
        if !r.content.is_empty() {
            continue;
        }
        match standard_name(status) {
            // A bare `(status = 401)` in an annotation: the standard answer says it all.
            Some(name) if r.description.is_empty() => {
                *response = RefOr::Ref(Ref::from_response_name(name));
            }
            _ => {
                r.content.insert("application/json".into(), error_content());
                if status == 429 {
                    r.headers.extend(standard_response(429).headers);
                }
            }
        }
    }
}

/// Every body field is an `Option` that reads `null` as absent: an optional field may be null.
fn optional_fields_take_null(schema: &mut Schema) {
    match schema {
        Schema::Object(o) => {
            for (name, property) in o.properties.iter_mut() {
                if o.required.contains(name) {
                    continue;
                }
                let schema_type = match property {
                    RefOr::T(Schema::Object(p)) => {
                        // A listed choice takes null too (absent and null both keep the value).
                        if let Some(values) = p.enum_values.as_mut() {
                            if !values.contains(&serde_json::Value::Null) {
                                values.push(serde_json::Value::Null);
                            }
                        }
                        &mut p.schema_type
                    }
                    RefOr::T(Schema::Array(p)) => &mut p.schema_type,
                    _ => continue,
                };
                if let SchemaType::Type(t) = schema_type {
                    if *t != Type::Null {
                        *schema_type = SchemaType::from_iter([t.clone(), Type::Null]);
                    }
                }
            }
        }
        Schema::AllOf(all) => {
            for item in all.items.iter_mut() {
                if let RefOr::T(s) = item {
                    optional_fields_take_null(s);
                }
            }
        }
        _ => {}
    }
}

fn is_id(name: &str) -> bool {
    name == "id" || name.ends_with("Id")
}

fn uuid_schema() -> RefOr<utoipa::openapi::schema::Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid)))
        .into()
}

fn organization_header() -> Parameter {
    ParameterBuilder::new()
        .name("X-Organization-Id")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Act in this organization (one the user belongs to, else 403) instead of the \
             session's current one",
        ))
        .schema(Some(uuid_schema()))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::org_header;

    #[test]
    fn operation_ids_come_from_method_and_path() {
        assert_eq!(
            operation_id("get", "/api/organizations/{id}/members/{userId}"),
            "get_api_organizations_id_members_userId"
        );
        assert_eq!(
            operation_id("post", "/api/auth/mfa/enroll/begin"),
            "post_api_auth_mfa_enroll_begin"
        );
        assert_eq!(
            operation_id("get", "/api/bookmarks/for-sharing"),
            "get_api_bookmarks_for_sharing"
        );
    }

    #[test]
    fn tenant_header_name_matches_the_extractor() {
        assert_eq!(
            organization_header().name.to_ascii_lowercase(),
            org_header::HEADER
        );
    }
}
