//! The organization a person is acting in. Every tenant-scoped use case takes a [`CurrentOrg`]
//! and gives every store call `org.id()`: that is what keeps organizations apart.
//!
//! Which organization is current: the one named explicitly (the `X-Organization-Id` header;
//! refused unless the person belongs to it); else the one the credential (login session or
//! `sb_` token) selected; else the one the person selected last; else the one they joined first.

use crate::app::identity::CurrentUser;
use crate::domain::ids::parse_id;
use crate::domain::plan::PlanPolicy;
use crate::domain::DomainError;
use crate::domain::{OrgRole, Rules};
use crate::error::{AppError, Result};
use crate::store::{orgs, Conn, Store};

#[derive(Clone, Debug)]
pub struct CurrentOrg {
    pub user: CurrentUser,
    pub org: orgs::Org,
    pub role: OrgRole,
    pub rules: Rules,
}

impl CurrentOrg {
    pub fn id(&self) -> &str {
        &self.org.id
    }

    pub fn user_id(&self) -> &str {
        self.user.id()
    }

    /// Owners and admins only; others get the plain Forbidden body.
    pub fn require_manager(&self) -> Result<()> {
        if self.role.can_manage() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

pub fn not_a_member() -> AppError {
    DomainError::NotAMember.into()
}

/// The organization the person is acting in when none is named.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn resolve_default(c: &mut Conn<'_>, user: &CurrentUser) -> Result<Option<String>> {
    let candidates = [
        user.credential.current_org_id(),
        user.user.last_org_id.as_deref(),
    ];
    for id in candidates.into_iter().flatten() {
        if orgs::role_of(c, id, user.id()).await?.is_some() {
            return Ok(Some(id.to_string()));
        }
    }
    orgs::first_joined(c, user.id()).await
}

/// The person's current organization, with their role and its plan's rules.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn current_org(
    store: &Store,
    user: CurrentUser,
    named: Option<&str>,
    policy: PlanPolicy,
) -> Result<CurrentOrg> {
    let mut db = store.read().await?;
    let org_id = match named {
        Some(raw) => Some(parse_id(raw.trim()).ok_or_else(not_a_member)?),
        None => resolve_default(&mut db.conn(), &user).await?,
    };
    let Some(org_id) = org_id else {
        return Err(DomainError::NoOrganization.into());
    };
    let role = orgs::role_of(&mut db.conn(), &org_id, user.id())
        .await?
        .ok_or_else(not_a_member)?;
    let org = orgs::by_id(&mut db.conn(), &org_id)
        .await?
        .ok_or_else(not_a_member)?;
    let rules = policy.rules(org.plan);
    Ok(CurrentOrg {
        user,
        org,
        role,
        rules,
    })
}
