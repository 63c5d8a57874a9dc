//! Roles inside an organization, and the states of an invitation.

use serde::{Deserialize, Serialize};

#[derive(
    Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum OrgRole {
    Member,
    Admin,
    Owner,
}

crate::text_enum!(OrgRole {
    Member = "member",
    Admin = "admin",
    Owner = "owner",
});

impl OrgRole {
    /// Owners and admins manage members, invitations, teams and settings.
    pub fn can_manage(self) -> bool {
        self >= OrgRole::Admin
    }

    /// Only owners change roles, billing, or delete the organization.
    pub fn is_owner(self) -> bool {
        self == OrgRole::Owner
    }
}

/// Where an invitation stands. Only `pending` ones hold a seat (until they expire).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Cancelled,
    Expired,
}

crate::text_enum!(InvitationStatus {
    Pending = "pending",
    Accepted = "accepted",
    Cancelled = "cancelled",
    Expired = "expired",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_order_by_power() {
        assert!(OrgRole::Owner.can_manage());
        assert!(OrgRole::Admin.can_manage());
        assert!(!OrgRole::Member.can_manage());
        assert!(!OrgRole::Admin.is_owner());
        assert_eq!(OrgRole::parse("admin"), Some(OrgRole::Admin));
        assert_eq!(OrgRole::parse("Admin"), None);
    }
}
