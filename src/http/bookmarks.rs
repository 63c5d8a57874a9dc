//! `/api/bookmarks/{id}` and creating bookmarks: the bookmark object, its validation, and the
//! owner-only writes. Anyone a bookmark is shared with may read it and count an opening; only
//! its owner changes, re-shares or deletes it (others who can see it get 403; those who cannot, 404).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::{new_id, time, Slug, TargetUrl, Timestamp, Title};
use crate::error::{AppError, Result};
use crate::http::library::{
    id_list, nullable, path_id, share_user_ids, take, FolderRef, PersonRef, TagRef, TeamRef,
};
use crate::http::{CurrentOrg, Json};
use crate::state::AppState;
use crate::store::bookmark_list::{links, Detail};
use crate::store::bookmarks::{self, BookmarkRow, Fields, Link, Target};
use crate::store::Conn;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(track_access))
}

pub fn bookmark_not_found() -> AppError {
    AppError::not_found("Bookmark not found")
}

/// A bookmark as the caller sees it.
#[derive(Serialize, ToSchema, Debug)]
pub struct Bookmark {
    id: String,
    user_id: String,
    title: String,
    url: String,
    slug: Option<String>,
    forwarding_enabled: bool,
    pinned: bool,
    share_all_teams: bool,
    pub(crate) access_count: i64,
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    last_accessed_at: Option<i64>,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    created_at: i64,
    #[serde(serialize_with = "time::millis")]
    #[schema(value_type = String, format = DateTime)]
    updated_at: i64,
    /// `own` or `shared`.
    #[schema(value_type = String, example = "own")]
    bookmark_type: &'static str,
    tags: Vec<TagRef>,
    /// The bookmark's folders that the caller can see.
    folders: Vec<FolderRef>,
    /// Whom the owner shared it with (shown to its owner only).
    shared_teams: Vec<TeamRef>,
    shared_users: Vec<PersonRef>,
    /// The owner, for bookmarks shared with the caller.
    user_name: Option<String>,
    user_email: Option<String>,
}

/// Builds the response objects for a page of rows: four queries whatever the page size.
pub async fn hydrate(
    c: &mut Conn<'_>,
    org_id: &str,
    viewer: &str,
    rows: Vec<BookmarkRow>,
) -> Result<Vec<Bookmark>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let own: Vec<String> = rows
        .iter()
        .filter(|r| r.user_id == viewer)
        .map(|r| r.id.clone())
        .collect();
    let mut tags = links(c, Detail::BookmarkTags, org_id, viewer, &ids).await?;
    let mut folders = links(c, Detail::BookmarkFolders, org_id, viewer, &ids).await?;
    let mut teams = links(c, Detail::BookmarkTeams, org_id, viewer, &own).await?;
    let mut users = links(c, Detail::BookmarkUsers, org_id, viewer, &own).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine = r.user_id == viewer;
            Bookmark {
                tags: take(&mut tags, &r.id),
                folders: take(&mut folders, &r.id),
                shared_teams: take(&mut teams, &r.id),
                shared_users: take(&mut users, &r.id),
                bookmark_type: if mine { "own" } else { "shared" },
                user_name: (!mine).then_some(r.owner_name),
                user_email: (!mine).then_some(r.owner_email),
                id: r.id,
                user_id: r.user_id,
                title: r.title,
                url: r.url,
                slug: r.slug,
                forwarding_enabled: r.forwarding_enabled,
                pinned: r.pinned,
                share_all_teams: r.share_all_teams,
                access_count: r.access_count,
                last_accessed_at: r.last_accessed_at,
                created_at: r.created_at,
                updated_at: r.updated_at,
            }
        })
        .collect())
}

/// One bookmark as the caller sees it, or 404.
async fn load(c: &mut Conn<'_>, org: &CurrentOrg, id: &str) -> Result<Bookmark> {
    let row = bookmarks::visible(c, org.id(), org.user_id(), id)
        .await?
        .ok_or_else(bookmark_not_found)?;
    let mut one = hydrate(c, org.id(), org.user_id(), vec![row]).await?;
    one.pop().ok_or_else(bookmark_not_found)
}

/// Create and update bodies; on update every absent field stays as it is.
#[derive(Deserialize, ToSchema, Default)]
pub struct BookmarkBody {
    #[schema(schema_with = crate::http::fields::title)]
    title: Option<String>,
    #[schema(schema_with = crate::http::fields::url)]
    url: Option<String>,
    /// `null` or `""` removes the slug.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(schema_with = crate::http::fields::clearable_slug)]
    slug: Option<Option<String>>,
    /// Needs a slug.
    #[schema(nullable = false)]
    forwarding_enabled: Option<bool>,
    #[schema(nullable = false)]
    pinned: Option<bool>,
    #[schema(schema_with = crate::http::fields::uuids)]
    folder_ids: Option<Vec<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    tag_ids: Option<Vec<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    team_ids: Option<Vec<String>>,
    #[schema(schema_with = crate::http::fields::uuids)]
    user_ids: Option<Vec<String>>,
    #[schema(nullable = false)]
    share_all_teams: Option<bool>,
}

/// The links a body asks for, each `None` when absent.
struct Links {
    folders: Option<Vec<String>>,
    tags: Option<Vec<String>>,
    teams: Option<Vec<String>>,
    users: Option<Vec<String>>,
}

impl Links {
    fn parse(b: &BookmarkBody, me: &str) -> Result<Self> {
        let users = share_user_ids(b.user_ids.as_ref(), me)?;
        Ok(Self {
            folders: id_list(b.folder_ids.as_ref(), "folder_ids")?,
            tags: id_list(b.tag_ids.as_ref(), "tag_ids")?,
            teams: id_list(b.team_ids.as_ref(), "team_ids")?,
            users,
        })
    }

    /// Plan rules for sharing: teams or all teams need the Team plan.
    fn check_plan(&self, org: &CurrentOrg, share_all_teams: Option<bool>) -> Result<()> {
        let to_teams = self.teams.as_ref().is_some_and(|t| !t.is_empty());
        if to_teams || share_all_teams == Some(true) {
            org.rules.check_share_to_teams()?;
        }
        Ok(())
    }

    /// Every id must be the caller's own folder or tag, a team or a member of this organization.
    async fn check_exist(&self, c: &mut Conn<'_>, org: &CurrentOrg) -> Result<()> {
        let checks = [
            (
                &self.folders,
                Target::OwnFolders,
                "One or more folders were not found",
            ),
            (
                &self.tags,
                Target::OwnTags,
                "One or more tags were not found",
            ),
            (
                &self.teams,
                Target::Teams,
                "One or more teams were not found",
            ),
            (
                &self.users,
                Target::Members,
                "One or more users are not members of this organization",
            ),
        ];
        for (ids, target, msg) in checks {
            if let Some(ids) = ids {
                if !bookmarks::all_exist(c, target, org.id(), org.user_id(), ids).await? {
                    return Err(AppError::bad_request(msg));
                }
            }
        }
        Ok(())
    }

    async fn save(&self, c: &mut Conn<'_>, org_id: &str, bookmark_id: &str) -> Result<()> {
        let sets = [
            (&self.folders, Link::BookmarkFolders),
            (&self.tags, Link::BookmarkTags),
            (&self.teams, Link::BookmarkTeams),
            (&self.users, Link::BookmarkUsers),
        ];
        for (ids, link) in sets {
            if let Some(ids) = ids {
                bookmarks::replace_links(c, link, org_id, bookmark_id, ids).await?;
            }
        }
        Ok(())
    }
}

fn parse_slug(raw: Option<&str>) -> Result<Option<String>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => Ok(Some(Slug::parse(s)?.as_str().to_string())),
    }
}

fn check_forwarding(f: &Fields) -> Result<()> {
    if f.forwarding_enabled && f.slug.is_none() {
        return Err(AppError::bad_request(
            "Slug is required when forwarding is enabled",
        ));
    }
    Ok(())
}

/// Creates a bookmark owned by the caller. On the Free plan (cloud) each member may own a
/// limited number; the count is taken under the organization's lock so concurrent creates
/// cannot overshoot it.
#[utoipa::path(post, path = "/api/bookmarks", tag = "bookmarks", request_body = crate::http::doc_schemas::NewBookmark,
    responses((status = 201, body = Bookmark), (status = 401),
        (status = 403, description = "PLAN_LIMIT_BOOKMARKS or PLAN_SHARE_TO_TEAM"),
        (status = 400, description = "Invalid input, or Slug already exists")))]
async fn create(
    State(state): State<AppState>,
    org: CurrentOrg,
    Json(body): Json<BookmarkBody>,
) -> Result<Response> {
    let fields = Fields {
        title: Title::parse(body.title.as_deref().unwrap_or(""))?
            .as_str()
            .to_string(),
        url: TargetUrl::parse(body.url.as_deref().unwrap_or(""))?
            .as_str()
            .to_string(),
        slug: parse_slug(body.slug.clone().flatten().as_deref())?,
        forwarding_enabled: body.forwarding_enabled.unwrap_or(false),
        pinned: body.pinned.unwrap_or(false),
        share_all_teams: body.share_all_teams.unwrap_or(false),
    };
    check_forwarding(&fields)?;
    let links = Links::parse(&body, org.user_id())?;
    links.check_plan(&org, body.share_all_teams)?;

    let now = Timestamp::now().millis();
    let mut tx = state.store.begin().await?;
    if org.rules.bookmark_limit().is_some() {
        let (count, grace) =
            bookmarks::locked_quota(&mut tx.conn(), org.id(), org.user_id()).await?;
        org.rules.check_bookmark_create(count, grace, now)?;
    }
    links.check_exist(&mut tx.conn(), &org).await?;
    let id = new_id();
    bookmarks::insert(&mut tx.conn(), org.id(), org.user_id(), &id, &fields, now).await?;
    links.save(&mut tx.conn(), org.id(), &id).await?;
    let out = load(&mut tx.conn(), &org, &id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(out)).into_response())
}

/// One bookmark the caller owns or that is shared with them.
#[utoipa::path(get, path = "/api/bookmarks/{id}", tag = "bookmarks", params(("id" = String, Path)),
    responses((status = 200, body = Bookmark), (status = 401), (status = 404)))]
async fn get_one(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<axum::Json<Bookmark>> {
    let id = path_id(&id, bookmark_not_found)?;
    let mut db = state.store.read().await?;
    Ok(axum::Json(load(&mut db.conn(), &org, &id).await?))
}

/// The bookmark if the caller owns it: 404 when they cannot see it, 403 when they only can.
pub async fn owned(c: &mut Conn<'_>, org: &CurrentOrg, raw_id: &str) -> Result<BookmarkRow> {
    let id = path_id(raw_id, bookmark_not_found)?;
    let row = bookmarks::visible(c, org.id(), org.user_id(), &id)
        .await?
        .ok_or_else(bookmark_not_found)?;
    if row.user_id != org.user_id() {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Changes the fields given (owner only); lists given replace the current ones.
#[utoipa::path(put, path = "/api/bookmarks/{id}", tag = "bookmarks", params(("id" = String, Path)),
    request_body = BookmarkBody,
    responses((status = 200, body = Bookmark), (status = 401), (status = 403),
        (status = 404), (status = 400, description = "Invalid input, or Slug already exists")))]
async fn update(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
    Json(body): Json<BookmarkBody>,
) -> Result<axum::Json<Bookmark>> {
    let mut tx = state.store.begin().await?;
    let row = owned(&mut tx.conn(), &org, &id).await?;
    let fields = Fields {
        title: match &body.title {
            Some(t) => Title::parse(t)?.as_str().to_string(),
            None => row.title,
        },
        url: match &body.url {
            Some(u) => TargetUrl::parse(u)?.as_str().to_string(),
            None => row.url,
        },
        slug: match &body.slug {
            Some(s) => parse_slug(s.as_deref())?,
            None => row.slug,
        },
        forwarding_enabled: body.forwarding_enabled.unwrap_or(row.forwarding_enabled),
        pinned: body.pinned.unwrap_or(row.pinned),
        share_all_teams: body.share_all_teams.unwrap_or(row.share_all_teams),
    };
    check_forwarding(&fields)?;
    let links = Links::parse(&body, org.user_id())?;
    links.check_plan(&org, body.share_all_teams)?;
    links.check_exist(&mut tx.conn(), &org).await?;
    let now = Timestamp::now().millis();
    bookmarks::update(&mut tx.conn(), org.id(), &row.id, &fields, now).await?;
    links.save(&mut tx.conn(), org.id(), &row.id).await?;
    let out = load(&mut tx.conn(), &org, &row.id).await?;
    tx.commit().await?;
    Ok(axum::Json(out))
}

/// Deletes the bookmark (owner only).
#[utoipa::path(delete, path = "/api/bookmarks/{id}", tag = "bookmarks", params(("id" = String, Path)),
    responses((status = 200, body = crate::http::doc_schemas::Message, description = "Bookmark deleted"), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<axum::Json<serde_json::Value>> {
    let mut tx = state.store.begin().await?;
    let row = owned(&mut tx.conn(), &org, &id).await?;
    bookmarks::delete(&mut tx.conn(), org.id(), &row.id).await?;
    tx.commit().await?;
    Ok(axum::Json(
        serde_json::json!({"message": "Bookmark deleted"}),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct AccessTracked {
    id: String,
    access_count: i64,
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    last_accessed_at: Option<i64>,
}

/// Counts an opening of a bookmark the caller can see (its owner's or shared with them).
#[utoipa::path(post, path = "/api/bookmarks/{id}/track-access", tag = "bookmarks", params(("id" = String, Path)),
    responses((status = 200, body = AccessTracked), (status = 401), (status = 404)))]
async fn track_access(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
) -> Result<axum::Json<AccessTracked>> {
    let id = path_id(&id, bookmark_not_found)?;
    let mut tx = state.store.begin().await?;
    if bookmarks::visible(&mut tx.conn(), org.id(), org.user_id(), &id)
        .await?
        .is_none()
    {
        return Err(bookmark_not_found());
    }
    bookmarks::track_access(&mut tx.conn(), org.id(), &id, Timestamp::now().millis()).await?;
    let row = bookmarks::visible(&mut tx.conn(), org.id(), org.user_id(), &id)
        .await?
        .ok_or_else(bookmark_not_found)?;
    tx.commit().await?;
    Ok(axum::Json(AccessTracked {
        id: row.id,
        access_count: row.access_count,
        last_accessed_at: row.last_accessed_at,
    }))
}
