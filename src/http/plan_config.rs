//! `GET /api/config/plan`: what the current organization's plan allows and how much of it is used;
//! `GET /api/config/ai-suggestions`: whether AI suggestions are on (they are not built yet), and
//! `POST /api/bookmarks/ai-suggest`, which says so.

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::plans;
use crate::domain::plan::Features;
use crate::domain::{time, Plan};
use crate::error::{AppError, Result};
use crate::http::Json;
use crate::http::{CurrentOrg, CurrentUser};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(plan))
        .routes(routes!(ai_suggestions))
        .routes(routes!(ai_suggest))
}

#[derive(Serialize, ToSchema)]
pub struct PlanConfig {
    mode: &'static str,
    plan: Plan,
    included_seats: i64,
    extra_seats: i64,
    seats_used: i64,
    pending_invitations: i64,
    /// Bookmarks each member may own; `null` is unlimited.
    bookmark_limit: Option<i64>,
    /// Bookmarks the caller owns in this organization.
    bookmark_count: i64,
    #[serde(serialize_with = "time::opt_millis")]
    #[schema(value_type = Option<String>, format = DateTime)]
    free_plan_grace_ends_at: Option<i64>,
    features: Features,
    /// As the original SlugBase's client reads them: `bookmark_limit`,
    #[serde(rename = "bookmarkLimit")]
    bookmark_limit_original: Option<i64>,
    /// `features.share_to_teams`,
    #[serde(rename = "canShareWithTeams")]
    can_share_with_teams: bool,
    /// AI suggestions (none on this server yet),
    ai_available: bool,
    /// whether the caller may read the audit log,
    audit_log_available: bool,
    /// and whether members can be invited by email.
    email_invites_available: bool,
}

/// The current organization's plan, seats, the caller's bookmark allowance and the features on.
#[utoipa::path(get, path = "/api/config/plan", tag = "organizations",
    responses((status = 200, body = PlanConfig), (status = 401), (status = 403)))]
async fn plan(State(state): State<AppState>, org: CurrentOrg) -> Result<Json<PlanConfig>> {
    let usage = plans::usage(&state.store, &org).await?;
    let seats = usage.seats;
    Ok(Json(PlanConfig {
        mode: state.mode().as_str(),
        plan: org.org.plan,
        included_seats: seats.included,
        extra_seats: seats.extra,
        seats_used: seats.used,
        pending_invitations: seats.pending,
        bookmark_limit: usage.bookmark_limit,
        bookmark_count: usage.bookmark_count,
        free_plan_grace_ends_at: usage.grace_ends_at,
        bookmark_limit_original: usage.bookmark_limit,
        can_share_with_teams: org.rules.features().share_to_teams,
        ai_available: false,
        audit_log_available: org.require_manager().is_ok(),
        email_invites_available: org.rules.features().invite_members,
        features: org.rules.features(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct AiSuggestions {
    /// Whether suggestions are on for the caller.
    enabled: bool,
    /// Whether the feature exists on this server (clients show its profile switch only then).
    available: bool,
}

/// Whether AI suggestions (titles, tags) are on for the caller. This server has none yet, so
/// both are `false`; the original web client reads this at start-up.
#[utoipa::path(get, path = "/api/config/ai-suggestions", tag = "meta",
    responses((status = 200, body = AiSuggestions), (status = 401)))]
async fn ai_suggestions(_user: CurrentUser) -> Json<AiSuggestions> {
    Json(AiSuggestions {
        enabled: false,
        available: false,
    })
}

#[derive(serde::Deserialize, ToSchema)]
pub struct SuggestBody {
    /// The page to suggest a title, slug and tags for.
    #[schema(required = true, max_length = 2048)]
    url: Option<String>,
    /// Read by the suggestions when they come.
    #[allow(dead_code)]
    page_title: Option<String>,
}

/// Suggestions for a new bookmark, as the original SlugBase's client asks for them (only when
/// `GET /api/config/ai-suggestions` says `enabled`). Not available on this server yet: 400
/// without a `url`, otherwise 403.
#[utoipa::path(post, path = "/api/bookmarks/ai-suggest", tag = "bookmarks", request_body = SuggestBody,
    responses((status = 400, description = "URL is required"), (status = 401),
        (status = 403, description = "AI suggestions are not available")))]
async fn ai_suggest(_user: CurrentUser, Json(body): Json<SuggestBody>) -> Result<Json<()>> {
    let url = body.url.as_deref().unwrap_or("");
    if url.trim().is_empty() {
        return Err(AppError::bad_request("URL is required"));
    }
    if url.chars().count() > 2048 {
        return Err(AppError::bad_request("URL must be at most 2048 characters"));
    }
    Err(AppError::Forbidden)
}
