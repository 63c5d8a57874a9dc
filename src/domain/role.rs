//! Organizations: their names, the roles inside them, and the states of an invitation.

use serde::{Deserialize, Serialize};

use crate::domain::account::bounded_name;
use crate::domain::error::DomainError;

/// An organization's name: trimmed, 1–255 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(raw: Option<&str>) -> Result<Self, DomainError> {
        bounded_name(raw.unwrap_or(""), "Organization name", 255).map(Self)
    }

    /// The personal organization every cloud sign-up (and a self-hosted instance's first
    /// person) gets.
    pub fn workspace_of(person: &str) -> Self {
        Self(format!("{person}'s Workspace"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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

    /// The role a member is given: any of the three, spelled exactly.
    pub fn parse_given(raw: Option<&str>) -> Result<Self, DomainError> {
        raw.and_then(Self::parse)
            .ok_or_else(|| DomainError::invalid("role must be one of: owner, admin, member"))
    }

    /// The role an invitation offers: `member` (the default) or `admin`; nobody is invited
    /// straight in as an owner.
    pub fn parse_invited(raw: Option<&str>) -> Result<Self, DomainError> {
        match raw {
            None | Some("member") => Ok(OrgRole::Member),
            Some("admin") => Ok(OrgRole::Admin),
            Some(_) => Err(DomainError::invalid("role must be member or admin")),
        }
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

    #[test]
    fn invitations_offer_member_or_admin_and_default_to_member() {
        assert_eq!(OrgRole::parse_invited(None), Ok(OrgRole::Member));
        assert_eq!(OrgRole::parse_invited(Some("admin")), Ok(OrgRole::Admin));
        assert!(OrgRole::parse_invited(Some("owner")).is_err());
        assert!(OrgRole::parse_given(None).is_err());
        assert_eq!(OrgRole::parse_given(Some("owner")), Ok(OrgRole::Owner));
    }

    #[test]
    fn organization_names_are_trimmed_and_bounded() {
        assert_eq!(OrgName::parse(Some(" Acme ")).unwrap().as_str(), "Acme");
        assert_eq!(
            OrgName::parse(Some("  ")),
            Err(DomainError::invalid("Organization name is required"))
        );
        assert!(OrgName::parse(None).is_err());
        assert!(OrgName::parse(Some(&"x".repeat(256))).is_err());
        assert!(OrgName::parse(Some(&format!("Acme{}", " ".repeat(252)))).is_err());
        assert_eq!(OrgName::workspace_of("Ann").as_str(), "Ann's Workspace");
    }
}
