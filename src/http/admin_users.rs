//! `/api/admin/users`: self-hosted instance admins manage people's accounts.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::admin_invites;
use crate::app::admin_users::{self as use_case, Edit, NewPerson};
use crate::app::list_params::number;
use crate::domain::{time, Email, Password, PersonName, Timestamp};
use crate::error::{AppError, Result};
use crate::http::doc_schemas::Message;
use crate::http::teams::Team;
use crate::http::{CurrentOrg, CurrentUser, Json};
use crate::state::AppState;
use crate::store::user_admin::Listed;
use crate::store::users::PublicUser;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(teams_of))
        .routes(routes!(resend_invite))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Words that the name or email contains.
    q: Option<String>,
    /// 1 to 500; without it the answer is a plain array of everyone.
    #[param(schema_with = crate::http::admin_users::limit_schema)]
    limit: Option<String>,
    #[param(schema_with = crate::http::admin_users::offset_schema)]
    offset: Option<String>,
}

/// A person as the admin's list shows them: the user object, how they sign in, and their
/// invitation (as the original SlugBase lists them).
#[derive(Serialize, ToSchema)]
pub struct ListedUser {
    #[serde(flatten)]
    user: PublicUser,
    /// The key of the OpenID provider the account is linked through, or `null`.
    oidc_provider: Option<String>,
    /// No password and no linked provider yet: they wait to use their emailed link.
    invite_pending: bool,
    /// When their newest unused set-your-password link expires, or `null`.
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    invite_expires_at: Option<i64>,
    /// Pending, and that link has expired ("Resend invite").
    invite_expired: bool,
}

impl From<Listed> for ListedUser {
    fn from(l: Listed) -> Self {
        let invite_pending = l.invite_pending();
        let invite_expired = l.invite_expired(Timestamp::now().millis());
        ListedUser {
            oidc_provider: l.oidc_provider,
            invite_pending,
            invite_expires_at: l.invite_expires_at,
            invite_expired,
            user: l.user.into(),
        }
    }
}

/// The answer to `GET /api/admin/users`: as the original SlugBase, a plain array of everyone
/// when no `limit` is given (its client maps it), a page with one.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum UserList {
    All(Vec<ListedUser>),
    Page(UserPage),
}

#[derive(Serialize, ToSchema)]
pub struct UserPage {
    items: Vec<ListedUser>,
    total: i64,
    #[serde(rename = "hasMore")]
    has_more: bool,
}

/// Everyone on the instance, newest first: every one as an array without `limit`, a page
/// `{items, total, hasMore}` with it.
#[utoipa::path(get, path = "/api/admin/users", tag = "admin", params(ListQuery),
    responses((status = 200, body = UserList), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<UserList>> {
    use_case::require_admin(state.mode(), &user)?;
    let limit = number(&q.limit, "limit")?;
    let offset = number(&q.offset, "offset")?;
    let page = use_case::list(&state.store, q.q.as_deref(), limit, offset).await?;
    let items = page.items.into_iter().map(ListedUser::from).collect();
    Ok(Json(match limit {
        None => UserList::All(items),
        Some(_) => UserList::Page(UserPage {
            items,
            total: page.total,
            has_more: page.has_more,
        }),
    }))
}

#[utoipa::path(get, path = "/api/admin/users/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = ListedUser), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<ListedUser>> {
    use_case::require_admin(state.mode(), &user)?;
    Ok(Json(use_case::listed(&state.store, &id).await?.into()))
}

/// The teams of the current organization that someone is in, by name.
#[utoipa::path(get, path = "/api/admin/users/{id}/teams", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = [Team]), (status = 401), (status = 403), (status = 404)))]
async fn teams_of(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<Json<Vec<Team>>> {
    use_case::require_admin(state.mode(), &org.user)?;
    let rows = use_case::teams_of(&state.store, org.id(), &id).await?;
    Ok(Json(rows.into_iter().map(Team::from).collect()))
}

#[derive(Serialize, ToSchema)]
pub struct InviteSent {
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    invite_expires_at: i64,
}

/// Emails a new set-your-password link to someone who has not used theirs (no password and no
/// linked provider); the earlier link stops working. 400 for anyone else.
#[utoipa::path(post, path = "/api/admin/users/{id}/resend-invite", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = InviteSent), (status = 400, description = "Not waiting for an invitation"),
        (status = 401), (status = 403), (status = 404), (status = 429), (status = 502)))]
async fn resend_invite(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<InviteSent>> {
    use_case::require_admin(state.mode(), &user)?;
    state.limits.admin_users(user.id()).await?;
    let invite_expires_at =
        admin_invites::resend(&state.store, &state.outbox(), &user, &id).await?;
    Ok(Json(InviteSent { invite_expires_at }))
}

#[derive(Deserialize, ToSchema)]
pub struct NewUserBody {
    #[schema(required = true, schema_with = crate::http::fields::email)]
    email: Option<String>,
    #[schema(required = true, schema_with = crate::http::fields::person_name)]
    name: Option<String>,
    /// Without one the person signs in through an OpenID provider, the `send_invite` link or
    /// "forgot password" (empty or `null`: none).
    #[schema(schema_with = crate::http::fields::password_or_empty)]
    password: Option<String>,
    is_admin: Option<bool>,
    /// Email the person a link to choose their password (valid 7 days).
    send_invite: Option<bool>,
}

fn password(raw: Option<&str>) -> Result<Option<Password>> {
    Ok(raw
        .filter(|p| !p.is_empty())
        .map(Password::parse)
        .transpose()?)
}

/// Adds a person (verified) as a member of the instance's organization.
#[utoipa::path(post, path = "/api/admin/users", tag = "admin", request_body = NewUserBody,
    responses((status = 201, body = PublicUser), (status = 400, description = "Invalid input, or User with this email already exists"), (status = 401), (status = 403), (status = 429), (status = 502)))]
async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Json(body): Json<NewUserBody>,
) -> Result<Response> {
    use_case::require_admin(state.mode(), &user)?;
    state.limits.admin_users(user.id()).await?;
    let (Some(email), Some(name)) = (body.email.as_deref(), body.name.as_deref()) else {
        return Err(AppError::bad_request("Email and name are required"));
    };
    let person = NewPerson {
        email: Email::parse(email)?,
        name: PersonName::parse(name)?,
        password: password(body.password.as_deref())?,
        is_admin: body.is_admin.unwrap_or(false),
        send_invite: body.send_invite.unwrap_or(false),
    };
    let created = use_case::create(&state.store, &state.outbox(), &user, person).await?;
    Ok((StatusCode::CREATED, Json(PublicUser::from(created))).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct UserEditBody {
    #[schema(schema_with = crate::http::fields::nullable_person_name)]
    name: Option<String>,
    #[schema(schema_with = crate::http::fields::nullable_email)]
    email: Option<String>,
    is_admin: Option<bool>,
    /// A new password; every session and API token of the person ends. Empty keeps it.
    #[schema(schema_with = crate::http::fields::password_or_empty)]
    password: Option<String>,
}

/// Changes someone's name, email, admin flag or password. An admin cannot demote themselves,
/// and the last admin stays.
#[utoipa::path(put, path = "/api/admin/users/{id}", tag = "admin", params(("id" = String, Path)), request_body = UserEditBody,
    responses((status = 200, body = PublicUser), (status = 400, description = "Invalid input, the last admin, or User with this email already exists"), (status = 401), (status = 403), (status = 404)))]
async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Json(body): Json<UserEditBody>,
) -> Result<Json<PublicUser>> {
    use_case::require_admin(state.mode(), &user)?;
    let edit = Edit {
        name: body.name.as_deref().map(PersonName::parse).transpose()?,
        email: body.email.as_deref().map(Email::parse).transpose()?,
        is_admin: body.is_admin,
        password: password(body.password.as_deref())?,
    };
    Ok(Json(
        use_case::update(&state.store, &user, &id, edit)
            .await?
            .into(),
    ))
}

/// Deletes someone's account; their sessions and tokens end at once. Not one's own.
#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "admin", params(("id" = String, Path)),
    responses((status = 200, body = Message), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>> {
    use_case::require_admin(state.mode(), &user)?;
    use_case::delete(&state.store, state.mode(), &user, &id).await?;
    Ok(Json(json!({"message": "User deleted"})))
}

pub(crate) fn limit_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::fields::or_blank(crate::http::fields::integer(None))
}

fn offset_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    crate::http::fields::or_blank(crate::http::fields::integer(Some(0.0)))
}
