//! Schemas for the OpenAPI document of bodies that have no Rust type of their own: answers the
//! handlers build with `json!`, and create bodies that are an update body plus required fields.
//! Never built at run time; `tests/api/conventions.rs` and the schemathesis run check that the
//! answers match them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::fields;
use crate::store::invitations::Invitation;
use crate::store::users::PublicUser;

/// `{"message": …}`: the answer of actions that have nothing else to say.
#[derive(Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

/// `POST /api/bookmarks`: the bookmark body with what a new bookmark needs.
#[derive(Deserialize, ToSchema)]
pub struct NewBookmark {
    #[schema(schema_with = fields::title)]
    pub title: String,
    #[schema(schema_with = fields::url)]
    pub url: String,
    #[serde(flatten)]
    pub rest: crate::http::bookmarks::BookmarkBody,
}

/// `POST /api/folders`: the folder body with a name.
#[derive(Deserialize, ToSchema)]
pub struct NewFolder {
    #[schema(schema_with = fields::name_255)]
    pub name: String,
    #[serde(flatten)]
    pub rest: crate::http::folders::FolderBody,
}

/// `POST /api/admin/teams`: the team body with a name.
#[derive(Deserialize, ToSchema)]
pub struct NewTeam {
    #[schema(schema_with = fields::team_name)]
    pub name: String,
    #[serde(flatten)]
    pub rest: crate::http::teams::TeamBody,
}

/// `POST /api/auth/login`: the user (signed in), or the second step when MFA is on.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum LoginAnswer {
    SignedIn(PublicUser),
    MfaRequired(crate::http::mfa::MfaRequired),
}

/// `PUT /api/users/me` with a new email address: the change waits for the link.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailChangeRequested {
    pub message: String,
    /// Always true.
    pub email_verification_required: bool,
    pub current_email: String,
    pub pending_email: String,
    pub user: PublicUser,
}

/// `PUT /api/users/me`: the updated user, or a pending email change.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum ProfileAnswer {
    Updated(PublicUser),
    EmailChangeRequested(EmailChangeRequested),
}

/// What a sign-up verification link is.
#[derive(Serialize, ToSchema)]
pub struct SignupLinkStatus {
    #[schema(pattern = "^(valid|used|expired|invalid)$")]
    pub status: String,
    /// The account's address, for a valid or expired link.
    pub email: Option<String>,
}

/// A link that is still good (`newEmail` for an email change).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValidLink {
    /// Always true.
    pub valid: bool,
    pub new_email: Option<String>,
}

/// `GET /api/invitations/verify`: a pending invitation, or why the token is no good.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum InvitationCheck {
    Valid(ValidInvitation),
    Invalid(InvalidInvitation),
}

#[derive(Serialize, ToSchema)]
pub struct ValidInvitation {
    /// Always true.
    pub valid: bool,
    pub email: String,
    #[schema(format = Uuid)]
    pub organization_id: String,
    pub org_name: Option<String>,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct InvalidInvitation {
    /// Always false.
    pub valid: bool,
    pub error: String,
}

/// An invitation sent or sent again.
#[derive(Serialize, ToSchema)]
pub struct InvitationSent {
    pub message: String,
    pub invitation: Invitation,
}

/// `POST /api/invitations/accept`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Joined {
    /// `Joined organization` or `Already a member`.
    pub message: String,
    #[schema(format = Uuid)]
    pub org_id: String,
}

/// `POST /api/email-verification/confirm`.
#[derive(Serialize, ToSchema)]
pub struct EmailConfirmed {
    pub message: String,
    pub email: String,
}

/// A Stripe Checkout or Customer Portal page to send the user to.
#[derive(Serialize, ToSchema)]
pub struct BillingUrl {
    pub url: String,
}

/// The webhook's receipt; `duplicate` when the event was applied before.
#[derive(Serialize, ToSchema)]
pub struct WebhookReceipt {
    pub received: bool,
    pub duplicate: Option<bool>,
}

/// A saved go-link preference.
#[derive(Serialize, ToSchema)]
pub struct PreferenceSaved {
    /// Lower-cased.
    pub slug: String,
    #[schema(format = Uuid)]
    pub bookmark_id: String,
}
