//! The domain's own refusal: what a rule says when it says no. It knows nothing of HTTP;
//! `error.rs` decides, in one place, which status and body each refusal is answered with.

use crate::domain::plan::{Plan, Seats};

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Input that breaks a validation rule; the message names the field and the rule.
    #[error("{0}")]
    Invalid(String),
    /// Something that must be unique already exists; the message names it.
    #[error("{0}")]
    Duplicate(String),
    /// Inviting members needs the Team plan.
    #[error("Inviting members requires the Team plan")]
    PlanRequiresTeam { plan: Plan },
    /// Sharing with teams (or all teams) needs the Team plan.
    #[error("Sharing to teams is available on the Team plan.")]
    ShareToTeamsRequiresTeam { plan: Plan },
    /// Sharing folders needs the Team plan.
    #[error("Folder sharing is available on the Team plan.")]
    FolderSharingRequiresTeam { plan: Plan },
    /// Every seat is held by a member or a pending invitation.
    #[error("All seats are in use")]
    SeatLimit(Seats),
    /// A Free-plan member owns as many bookmarks as the plan allows.
    #[error("You've reached the Free plan limit ({limit} bookmarks). Upgrade to add more.")]
    BookmarkLimit { limit: i64, count: i64 },
    /// The change would leave an organization without an owner; the message says which change.
    #[error("{0}")]
    LastOwner(String),
    /// The person does not belong to the organization they named (or it does not exist).
    #[error("Not a member of this organization")]
    NotAMember,
    /// The person belongs to no organization to act in.
    #[error("No organization selected")]
    NoOrganization,
    /// An invitation is for another address than the signed-in person's.
    #[error("This invitation was sent to a different email address")]
    WrongInvitee,
    /// First-run set-up was done already.
    #[error("System already initialized")]
    AlreadyInitialized,
    /// An admin change the rules forbid: demoting or deleting oneself, or the last admin.
    #[error("{0}")]
    AdminRule(&'static str),
    /// Open sign-up is closed (self-hosted).
    #[error("Registrations are disabled")]
    RegistrationClosed,
    /// A cloud account must confirm its address before it signs in.
    #[error("Email not verified")]
    EmailNotVerified,
    /// A one-time code (TOTP or backup) that does not check out, given to set MFA up or down.
    #[error("Invalid code")]
    InvalidCode,
    /// A sensitive change (turning MFA off, renewing backup codes, deleting the account) is
    /// confirmed with the account's password, and none was given.
    #[error("Password is required")]
    PasswordRequired,
    /// The password given to confirm a sensitive change is not the account's.
    #[error("Invalid password")]
    WrongPassword,
    /// Billing needs a payment provider, and the instance has no key for one.
    #[error("Billing not configured")]
    BillingNotConfigured,
    /// Opening an organization to an email domain is a SlugBase Cloud feature.
    #[error("Joining by email domain is available in SlugBase Cloud only")]
    AutoJoinCloudOnly,
    /// A name unique across the whole instance (an account's email, a provider's key) is
    /// held already: the request was well formed, but what it names is taken. The message
    /// names it.
    #[error("{0}")]
    Taken(String),
}

impl DomainError {
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::Invalid(msg.into())
    }

    pub fn duplicate(msg: impl Into<String>) -> Self {
        Self::Duplicate(msg.into())
    }

    /// The message a person reads (the published API's words).
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The machine-readable code of a refusal that has one (plan and seat refusals: section 6
    /// of the contract).
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Self::Invalid(_)
            | Self::Duplicate(_)
            | Self::NotAMember
            | Self::NoOrganization
            | Self::WrongInvitee
            | Self::AlreadyInitialized
            | Self::AdminRule(_)
            | Self::RegistrationClosed
            | Self::BillingNotConfigured
            | Self::AutoJoinCloudOnly
            | Self::Taken(_) => None,
            Self::LastOwner(_) => Some("LAST_OWNER"),
            Self::EmailNotVerified => Some("EMAIL_NOT_VERIFIED"),
            Self::InvalidCode => Some("INVALID_CODE"),
            Self::PasswordRequired => Some("PASSWORD_REQUIRED"),
            Self::WrongPassword => Some("INVALID_PASSWORD"),
            Self::PlanRequiresTeam { .. } => Some("PLAN_REQUIRES_TEAM"),
            Self::ShareToTeamsRequiresTeam { .. } => Some("PLAN_SHARE_TO_TEAM"),
            Self::FolderSharingRequiresTeam { .. } => Some("PLAN_FOLDER_SHARING"),
            Self::SeatLimit(_) => Some("TEAM_SEAT_LIMIT"),
            Self::BookmarkLimit { .. } => Some("PLAN_LIMIT_BOOKMARKS"),
        }
    }
}
