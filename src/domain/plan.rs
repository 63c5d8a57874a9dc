//! Plans, their limits and features, and seat arithmetic: the one place the rules live, so the
//! invitation, bookmark and sharing endpoints all enforce them alike.

use serde::{Deserialize, Serialize};

use crate::config::Mode;
use crate::domain::error::DomainError;

#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
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

crate::text_enum!(Plan {
    Free = "free",
    Personal = "personal",
    EarlySupporter = "early_supporter",
    Team = "team",
});

impl Plan {
    /// The plan a new organization starts on: self-hosted instances do not enforce plans, so
    /// theirs are unlimited Teams; in cloud everyone starts on Free.
    pub fn starting(mode: Mode) -> Plan {
        match mode {
            Mode::Selfhosted => Plan::Team,
            Mode::Cloud => Plan::Free,
        }
    }

    /// Seats the plan includes before any extra seats are bought.
    pub fn default_included_seats(self) -> i64 {
        match self {
            Plan::Team => TEAM_INCLUDED_SEATS,
            _ => 1,
        }
    }

    /// The seats an organization has after moving to this plan: a Team keeps the extra seats
    /// asked for (or those it had), every other plan has one seat and no extras.
    pub fn seats(self, included: Option<i64>, extra: Option<i64>, had_extra: i64) -> PlanSeats {
        PlanSeats {
            included: included.unwrap_or(self.default_included_seats()),
            extra: match self {
                Plan::Team => extra.unwrap_or(had_extra),
                _ => 0,
            },
        }
    }
}

/// Included and extra seats, as stored on an organization.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PlanSeats {
    pub included: i64,
    pub extra: i64,
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

/// The server's plan settings: whether plans are enforced (the mode) and the Free plan's
/// bookmark limit. With an organization's plan they give its [`Rules`].
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PlanPolicy {
    pub mode: Mode,
    pub free_bookmark_limit: i64,
}

impl PlanPolicy {
    pub fn rules(self, plan: Plan) -> Rules {
        Rules::new(self.mode, plan, self.free_bookmark_limit)
    }
}

impl Rules {
    pub fn new(mode: Mode, plan: Plan, free_bookmark_limit: i64) -> Self {
        Self {
            plan,
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
    pub fn check_can_invite(&self) -> Result<(), DomainError> {
        if self.is_team() {
            return Ok(());
        }
        Err(DomainError::PlanRequiresTeam { plan: self.plan })
    }

    pub fn check_share_to_teams(&self) -> Result<(), DomainError> {
        if self.features().share_to_teams {
            return Ok(());
        }
        Err(DomainError::ShareToTeamsRequiresTeam { plan: self.plan })
    }

    pub fn check_share_folders(&self) -> Result<(), DomainError> {
        if self.features().share_folders {
            return Ok(());
        }
        Err(DomainError::FolderSharingRequiresTeam { plan: self.plan })
    }

    /// May a member who owns `count` bookmarks create one more? `grace_ends_at` (ms) lets a member
    /// who was downgraded keep going until it passes.
    pub fn check_bookmark_create(
        &self,
        count: i64,
        grace_ends_at: Option<i64>,
        now: i64,
    ) -> Result<(), DomainError> {
        let Some(limit) = self.bookmark_limit() else {
            return Ok(());
        };
        if count < limit || grace_ends_at.is_some_and(|g| now < g) {
            return Ok(());
        }
        Err(DomainError::BookmarkLimit { limit, count })
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

    /// Another invitation needs a seat no member or pending invitation holds.
    pub fn check_invite(&self, rules: &Rules) -> Result<(), DomainError> {
        if rules.enforced && self.used + self.pending >= self.total() {
            return Err(DomainError::SeatLimit(*self));
        }
        Ok(())
    }

    /// Accepting turns one pending invitation into a member: there must be a seat for them
    /// among the members (a downgraded organization may have fewer seats than invitations).
    pub fn check_accept(&self, rules: &Rules) -> Result<(), DomainError> {
        if rules.enforced && self.used + 1 > self.total() {
            return Err(DomainError::SeatLimit(*self));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cloud(plan: &str) -> Rules {
        Rules::new(Mode::Cloud, Plan::parse(plan).unwrap(), 50)
    }

    #[test]
    fn only_team_may_invite_in_cloud_and_the_refusal_names_the_plan() {
        assert!(cloud("team").check_can_invite().is_ok());
        for plan in [Plan::Free, Plan::Personal, Plan::EarlySupporter] {
            let refusal = cloud(plan.as_str()).check_can_invite().unwrap_err();
            assert_eq!(refusal, DomainError::PlanRequiresTeam { plan });
        }
    }

    #[test]
    fn plans_are_spelled_one_way() {
        for plan in Plan::ALL {
            assert_eq!(Plan::parse(plan.as_str()), Some(*plan));
        }
        assert_eq!(Plan::parse("Team"), None);
        assert_eq!(Plan::parse("enterprise"), None);
    }

    #[test]
    fn changing_plan_sets_seats_in_one_place() {
        assert_eq!(
            Plan::Team.seats(None, None, 3),
            PlanSeats {
                included: 5,
                extra: 3
            }
        );
        assert_eq!(
            Plan::Team.seats(Some(10), Some(0), 3),
            PlanSeats {
                included: 10,
                extra: 0
            }
        );
        assert_eq!(
            Plan::Free.seats(None, Some(4), 3),
            PlanSeats {
                included: 1,
                extra: 0
            }
        );
    }

    #[test]
    fn new_organizations_start_free_in_cloud_and_team_self_hosted() {
        assert_eq!(Plan::starting(Mode::Cloud), Plan::Free);
        assert_eq!(Plan::starting(Mode::Selfhosted), Plan::Team);
        assert_eq!(Plan::Team.default_included_seats(), 5);
        assert_eq!(Plan::Personal.default_included_seats(), 1);
    }

    #[test]
    fn selfhosted_behaves_as_unlimited_team() {
        let r = Rules::new(Mode::Selfhosted, Plan::Free, 50);
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
        assert_eq!(s.check_invite(&team), Err(DomainError::SeatLimit(s)));
        assert_eq!(s.total(), 6);
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
        assert_eq!(
            free.check_bookmark_create(50, None, 0),
            Err(DomainError::BookmarkLimit {
                limit: 50,
                count: 50
            })
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
        assert_eq!(
            cloud("free").check_share_folders(),
            Err(DomainError::FolderSharingRequiresTeam { plan: Plan::Free })
        );
    }
}
