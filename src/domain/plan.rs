//! Plans, their limits and features, and seat arithmetic: the one place the rules live, so the
//! invitation, bookmark and sharing endpoints all enforce them alike.

use serde::Serialize;
use serde_json::json;

use crate::config::Mode;
use crate::error::AppError;
use axum::http::StatusCode;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Personal,
    EarlySupporter,
    Team,
}

/// Seats a Team plan includes before extra seats are bought.
pub const TEAM_INCLUDED_SEATS: i64 = 5;
/// How long a member who drops to Free above the bookmark limit may go on creating bookmarks.
pub const FREE_PLAN_GRACE_DAYS: i64 = 14;

impl Plan {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "free" => Some(Plan::Free),
            "personal" => Some(Plan::Personal),
            "early_supporter" => Some(Plan::EarlySupporter),
            "team" => Some(Plan::Team),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Personal => "personal",
            Plan::EarlySupporter => "early_supporter",
            Plan::Team => "team",
        }
    }

    pub fn default_included_seats(self) -> i64 {
        match self {
            Plan::Team => TEAM_INCLUDED_SEATS,
            _ => 1,
        }
    }
}

/// What an organization may do, given the server's mode. Self-hosted instances do not enforce
/// plans: every organization behaves as an unlimited Team.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub plan: Plan,
    pub enforced: bool,
    pub free_bookmark_limit: i64,
}

#[derive(Serialize, Debug, PartialEq, Eq, utoipa::ToSchema)]
pub struct Features {
    pub share_to_teams: bool,
    pub share_folders: bool,
    pub invite_members: bool,
    pub ai_suggestions: bool,
}

impl Rules {
    pub fn new(mode: Mode, stored_plan: &str, free_bookmark_limit: i64) -> Self {
        Self {
            plan: Plan::parse(stored_plan).unwrap_or(Plan::Free),
            enforced: mode == Mode::Cloud,
            free_bookmark_limit,
        }
    }

    fn is_team(&self) -> bool {
        !self.enforced || self.plan == Plan::Team
    }

    /// Bookmarks each member may own; `None` is unlimited.
    pub fn bookmark_limit(&self) -> Option<i64> {
        (self.enforced && self.plan == Plan::Free).then_some(self.free_bookmark_limit)
    }

    pub fn features(&self) -> Features {
        Features {
            share_to_teams: self.is_team(),
            share_folders: self.is_team(),
            invite_members: self.is_team(),
            ai_suggestions: !self.enforced || self.plan != Plan::Free,
        }
    }

    /// Inviting needs the Team plan (refusal `PLAN_REQUIRES_TEAM`).
    pub fn check_can_invite(&self) -> Result<(), AppError> {
        if self.is_team() {
            return Ok(());
        }
        Err(AppError::coded(
            StatusCode::FORBIDDEN,
            "Inviting members requires the Team plan",
            "PLAN_REQUIRES_TEAM",
            json!({ "plan": self.plan.as_str() }),
        ))
    }

    pub fn check_share_to_teams(&self) -> Result<(), AppError> {
        if self.features().share_to_teams {
            return Ok(());
        }
        Err(AppError::coded(
            StatusCode::FORBIDDEN,
            "Sharing to teams is available on the Team plan.",
            "PLAN_SHARE_TO_TEAM",
            json!({ "plan": self.plan.as_str() }),
        ))
    }

    pub fn check_share_folders(&self) -> Result<(), AppError> {
        if self.features().share_folders {
            return Ok(());
        }
        Err(AppError::coded(
            StatusCode::FORBIDDEN,
            "Folder sharing is available on the Team plan.",
            "PLAN_FOLDER_SHARING",
            json!({ "plan": self.plan.as_str() }),
        ))
    }

    /// May a member who owns `count` bookmarks create one more? `grace_ends_at` (ms) lets a member
    /// who was downgraded keep going until it passes.
    pub fn check_bookmark_create(
        &self,
        count: i64,
        grace_ends_at: Option<i64>,
        now: i64,
    ) -> Result<(), AppError> {
        let Some(limit) = self.bookmark_limit() else {
            return Ok(());
        };
        if count < limit || grace_ends_at.is_some_and(|g| now < g) {
            return Ok(());
        }
        Err(AppError::coded(
            StatusCode::FORBIDDEN,
            &format!(
                "You've reached the Free plan limit ({limit} bookmarks). Upgrade to add more."
            ),
            "PLAN_LIMIT_BOOKMARKS",
            json!({ "limit": limit, "count": count }),
        ))
    }
}

/// The seat figures of an organization.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Seats {
    pub included: i64,
    pub extra: i64,
    /// Members now.
    pub used: i64,
    /// Pending, unexpired invitations: each holds a seat until it is accepted or ends.
    pub pending: i64,
}

impl Seats {
    pub fn total(&self) -> i64 {
        self.included + self.extra
    }

    fn refusal(&self) -> AppError {
        AppError::coded(
            StatusCode::FORBIDDEN,
            "All seats are in use",
            "TEAM_SEAT_LIMIT",
            json!({
                "seats_total": self.total(),
                "seats_used": self.used,
                "pending_invitations": self.pending,
                "included_seats": self.included,
                "extra_seats": self.extra,
            }),
        )
    }

    /// Another invitation needs a seat no member or pending invitation holds.
    pub fn check_invite(&self, rules: &Rules) -> Result<(), AppError> {
        if rules.enforced && self.used + self.pending >= self.total() {
            return Err(self.refusal());
        }
        Ok(())
    }

    /// Accepting turns one pending invitation into a member: there must be a seat for them
    /// among the members (a downgraded organization may have fewer seats than invitations).
    pub fn check_accept(&self, rules: &Rules) -> Result<(), AppError> {
        if rules.enforced && self.used + 1 > self.total() {
            return Err(self.refusal());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cloud(plan: &str) -> Rules {
        Rules::new(Mode::Cloud, plan, 50)
    }

    fn code_of(e: AppError) -> (StatusCode, serde_json::Value) {
        match e {
            AppError::Coded { status, body } => (status, body),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn only_team_may_invite_in_cloud_and_the_refusal_names_the_plan() {
        assert!(cloud("team").check_can_invite().is_ok());
        for plan in ["free", "personal", "early_supporter"] {
            let (status, body) = code_of(cloud(plan).check_can_invite().unwrap_err());
            assert_eq!(status, StatusCode::FORBIDDEN);
            assert_eq!(body["code"], "PLAN_REQUIRES_TEAM");
            assert_eq!(body["plan"], plan);
        }
    }

    #[test]
    fn selfhosted_behaves_as_unlimited_team() {
        let r = Rules::new(Mode::Selfhosted, "free", 50);
        assert!(r.check_can_invite().is_ok());
        assert_eq!(r.bookmark_limit(), None);
        assert!(r.features().share_folders && r.features().ai_suggestions);
        let full = Seats {
            included: 1,
            extra: 0,
            used: 10,
            pending: 3,
        };
        assert!(full.check_invite(&r).is_ok());
    }

    #[test]
    fn seats_count_members_and_pending_invitations() {
        let team = cloud("team");
        let s = Seats {
            included: 5,
            extra: 1,
            used: 4,
            pending: 1,
        };
        assert!(s.check_invite(&team).is_ok());
        let s = Seats {
            included: 5,
            extra: 1,
            used: 4,
            pending: 2,
        };
        let (_, body) = code_of(s.check_invite(&team).unwrap_err());
        assert_eq!(body["code"], "TEAM_SEAT_LIMIT");
        assert_eq!(
            (
                body["seats_total"].as_i64(),
                body["seats_used"].as_i64(),
                body["pending_invitations"].as_i64()
            ),
            (Some(6), Some(4), Some(2))
        );
        assert_eq!(
            (
                body["included_seats"].as_i64(),
                body["extra_seats"].as_i64()
            ),
            (Some(5), Some(1))
        );
    }

    #[test]
    fn accepting_needs_a_free_seat_among_members() {
        let team = cloud("team");
        assert!(Seats {
            included: 5,
            extra: 0,
            used: 4,
            pending: 1
        }
        .check_accept(&team)
        .is_ok());
        assert!(Seats {
            included: 5,
            extra: 0,
            used: 5,
            pending: 1
        }
        .check_accept(&team)
        .is_err());
    }

    #[test]
    fn free_plan_limits_bookmarks_with_a_grace_period() {
        let free = cloud("free");
        assert_eq!(free.bookmark_limit(), Some(50));
        assert!(free.check_bookmark_create(49, None, 0).is_ok());
        let (_, body) = code_of(free.check_bookmark_create(50, None, 0).unwrap_err());
        assert_eq!(
            (
                body["code"].as_str(),
                body["limit"].as_i64(),
                body["count"].as_i64()
            ),
            (Some("PLAN_LIMIT_BOOKMARKS"), Some(50), Some(50))
        );
        assert!(
            free.check_bookmark_create(80, Some(1000), 999).is_ok(),
            "within grace"
        );
        assert!(
            free.check_bookmark_create(80, Some(1000), 1000).is_err(),
            "grace over"
        );
        assert!(cloud("personal")
            .check_bookmark_create(10_000, None, 0)
            .is_ok());
    }

    #[test]
    fn sharing_features_follow_the_plan() {
        assert!(cloud("free").check_share_to_teams().is_err());
        assert!(cloud("personal").check_share_folders().is_err());
        assert!(cloud("team").check_share_to_teams().is_ok());
        assert!(cloud("personal").features().ai_suggestions);
        assert!(!cloud("free").features().ai_suggestions);
        let (_, body) = code_of(cloud("free").check_share_folders().unwrap_err());
        assert_eq!(body["code"], "PLAN_FOLDER_SHARING");
    }
}
