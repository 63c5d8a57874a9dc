//! Personal API tokens (`sb_…`): created from the API or by an operator (`slugbase token
//! create`) through the same use case, so both keep to the same name rule and the same limit of
//! live tokens. The secret is shown once; the database keeps only its SHA-256.

use crate::app::audit::{self, Actor, Event};
use crate::app::tenancy::not_a_member;
use crate::domain::account::{check_token_allowance, TokenName};
use crate::domain::ids::parse_id;
use crate::domain::{new_id, Timestamp};
use crate::error::{AppError, Result};
use crate::security::{random_token, sha256_hex};
use crate::store::tokens::{self, TokenInfo};
use crate::store::{orgs, users, Store};

/// The organization a new token starts acting in.
#[derive(Copy, Clone, Debug)]
pub enum StartsIn<'a> {
    /// The one current for the credential that creates it, as it stands; with none, the
    /// person's last or first organization. Like any current organization it is checked each
    /// time the token is used.
    Inherited(Option<&'a str>),
    /// One named by an operator: refused unless the person belongs to it.
    Named(&'a str),
}

/// A token just made: the only time its secret is seen.
#[derive(Clone, Debug)]
pub struct NewToken {
    pub id: String,
    pub name: String,
    /// `sb_` and 43 base64url characters.
    pub secret: String,
    pub created_at: i64,
}

/// The person's tokens, newest first, without their secrets.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(store: &Store, user_id: &str) -> Result<Vec<TokenInfo>> {
    let mut db = store.read().await?;
    tokens::list_for_user(&mut db.conn(), user_id).await
}

/// Creates a token for the person. Their row is locked while the live tokens are counted, so
/// racing creations never exceed the limit.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn create(
    store: &Store,
    actor: &Actor,
    user_id: &str,
    name: &TokenName,
    starts_in: StartsIn<'_>,
) -> Result<NewToken> {
    let secret = format!("sb_{}", random_token());
    let id = new_id();
    let now = Timestamp::now().millis();
    let mut tx = store.begin().await?;
    users::lock(&mut tx.conn(), user_id).await?;
    let org_id = match starts_in {
        StartsIn::Inherited(org_id) => org_id.map(str::to_string),
        StartsIn::Named(raw) => {
            let org_id = parse_id(raw.trim()).ok_or_else(not_a_member)?;
            orgs::role_of(&mut tx.conn(), &org_id, user_id)
                .await?
                .ok_or_else(not_a_member)?;
            Some(org_id)
        }
    };
    check_token_allowance(tokens::count_for_user(&mut tx.conn(), user_id).await?)?;
    tokens::insert(
        &mut tx.conn(),
        &id,
        user_id,
        name.as_str(),
        &sha256_hex(&secret),
        org_id.as_deref(),
        now,
    )
    .await?;
    let mut event = Event::new("token.created", "api_token")
        .entity(&id)
        .detail("name", name.as_str());
    if let Some(org_id) = &org_id {
        event = event.org(org_id);
    }
    audit::record(&mut tx.conn(), actor, event).await?;
    tx.invalidates_user(user_id);
    tx.commit().await?;
    Ok(NewToken {
        id,
        name: name.as_str().to_string(),
        secret,
        created_at: now,
    })
}

/// Revokes one of the person's tokens: it answers 401 from this moment on. Someone else's token
/// is not found, exactly as one that does not exist.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn revoke(store: &Store, actor: &Actor, user_id: &str, token_id: &str) -> Result<()> {
    let not_found = || AppError::not_found("Token not found");
    let id = parse_id(token_id).ok_or_else(not_found)?;
    let mut tx = store.begin().await?;
    if !tokens::delete(&mut tx.conn(), user_id, &id).await? {
        return Err(not_found());
    }
    let event = Event::new("token.revoked", "api_token").entity(&id);
    audit::record(&mut tx.conn(), actor, event).await?;
    tx.invalidates_user(user_id);
    tx.commit().await?;
    Ok(())
}
