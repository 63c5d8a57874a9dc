//! Roles inside an organization.

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

impl OrgRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Member => "member",
            OrgRole::Admin => "admin",
            OrgRole::Owner => "owner",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "member" => Some(OrgRole::Member),
            "admin" => Some(OrgRole::Admin),
            "owner" => Some(OrgRole::Owner),
            _ => None,
        }
    }

    /// Owners and admins manage members, invitations, teams and settings.
    pub fn can_manage(self) -> bool {
        self >= OrgRole::Admin
    }

    /// Only owners change roles, billing, or delete the organization.
    pub fn is_owner(self) -> bool {
        self == OrgRole::Owner
    }
}

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
