//! Signing in through an OpenID provider. `begin` remembers a sign-in under way (state and
//! browser binding hashed, nonce, PKCE verifier) and answers the provider's authorization URL;
//! `finish` takes it back once, verifies what the provider answered and signs the person in:
//! the account already linked to that issuer and subject, else the account with the same
//! verified email (linked from then on), else a new one when the provider allows it.

use std::net::IpAddr;

use crate::app::accounts::{add_person_in, NewAccount};
use crate::app::mfa::PENDING_TTL_SECS;
use crate::app::oidc_client::{self, ClientConfig, Failure, Identity};
use crate::app::sessions::{self, Issued, SessionKeys, SignedInBy};
use crate::config::Mode;
use crate::domain::{Email, Password, PersonName, Timestamp};
use crate::security::{constant_time_eq, random_token, sha256_hex};
use crate::store::oidc::{self as store, NewLogin, Provider};
use crate::store::{users, Store};

/// How long a person has at the provider before the sign-in must start again.
pub const LOGIN_TTL_SECS: i64 = 600;

/// Why a sign-in through a provider was refused; `code()` goes to `/login?error=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    UnknownProvider,
    /// The state is unknown, used, expired, for another provider or from another browser.
    InvalidState,
    /// The provider said no (the person cancelled, or it refused the request).
    Denied,
    Provider(Failure),
    /// The provider vouches for no email address, or not for a verified one.
    EmailNotVerified,
    /// The local account with that address has not confirmed it: linking it would hand it to
    /// whoever holds the address at the provider.
    AccountNotVerified,
    /// Nobody here has that address and the provider may not create accounts.
    NoAccount,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::UnknownProvider => "unknown_provider",
            Refusal::InvalidState => "invalid_state",
            Refusal::Denied => "access_denied",
            Refusal::Provider(f) => f.code(),
            Refusal::EmailNotVerified => "email_not_verified",
            Refusal::AccountNotVerified => "account_not_verified",
            Refusal::NoAccount => "no_account",
        }
    }
}

/// Either a refusal the person is shown, or a fault of ours (the database).
pub type Outcome<T> = std::result::Result<T, SignInError>;

#[derive(Debug)]
pub enum SignInError {
    Refused(Refusal),
    Fault(crate::error::AppError),
}

impl From<Refusal> for SignInError {
    fn from(r: Refusal) -> Self {
        SignInError::Refused(r)
    }
}

impl From<crate::error::AppError> for SignInError {
    fn from(e: crate::error::AppError) -> Self {
        SignInError::Fault(e)
    }
}

/// Where the browser goes, and the secret its binding cookie holds.
pub struct Begun {
    pub authorize_url: String,
    pub browser_token: String,
}

/// How the sign-in ended well.
pub enum Finished {
    SignedIn {
        issued: Issued,
        redirect_to: String,
    },
    /// MFA is on: the second step is still to come.
    SecondFactor {
        mfa_token: String,
        redirect_to: String,
    },
}

/// What a sign-in needs from the running server.
pub struct Context<'a> {
    pub store: &'a Store,
    pub keys: &'a SessionKeys,
    pub http: &'a openidconnect::reqwest::Client,
    pub mode: Mode,
    pub base_url: String,
}

/// Where provider `key` sends a person back (`{base}/api/auth/<key>/callback`): the redirect
/// URI to register at the provider.
pub fn callback_url(base_url: &str, key: &str) -> String {
    format!("{}/api/auth/{key}/callback", base_url.trim_end_matches('/'))
}

impl Context<'_> {
    fn redirect_uri(&self, key: &str) -> String {
        callback_url(&self.base_url, key)
    }

    fn client<'p>(&self, p: &'p Provider, redirect_uri: &'p str) -> ClientConfig<'p> {
        ClientConfig {
            issuer_url: &p.issuer_url,
            client_id: &p.client_id,
            client_secret: &p.client_secret,
            scopes: &p.scopes,
            redirect_uri,
        }
    }

    async fn provider(&self, key: &str) -> Outcome<Provider> {
        if self.mode == Mode::Cloud {
            return Err(Refusal::UnknownProvider.into());
        }
        let mut db = self.store.read().await?;
        store::by_key(&mut db.conn(), key)
            .await?
            .ok_or(Refusal::UnknownProvider.into())
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn begin(cx: &Context<'_>, key: &str, redirect_to: &str) -> Outcome<Begun> {
    let provider = cx.provider(key).await?;
    let redirect_uri = cx.redirect_uri(&provider.key);
    let started = oidc_client::start(cx.http, &cx.client(&provider, &redirect_uri))
        .await
        .map_err(Refusal::Provider)?;
    let browser_token = random_token();
    let now = Timestamp::now();
    let mut tx = cx.store.begin().await?;
    store::sweep_logins(&mut tx.conn(), now.millis()).await?;
    store::start_login(
        &mut tx.conn(),
        &NewLogin {
            state_hash: &sha256_hex(&started.state),
            browser_hash: &sha256_hex(&browser_token),
            provider_id: &provider.id,
            nonce: &started.nonce,
            pkce_verifier: &started.pkce_verifier,
            redirect_to,
            now: now.millis(),
            expires_at: now.plus_secs(LOGIN_TTL_SECS).millis(),
        },
    )
    .await?;
    // Nothing cached reads sign-ins under way.
    tx.commit_quietly().await?;
    Ok(Begun {
        authorize_url: started.url,
        browser_token,
    })
}

/// The provider's answer at the callback.
pub struct Callback<'a> {
    pub key: &'a str,
    pub state: Option<&'a str>,
    pub code: Option<&'a str>,
    /// The provider's `error` parameter, when it refused.
    pub error: Option<&'a str>,
    pub browser_token: Option<&'a str>,
    pub ip: Option<IpAddr>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn finish(cx: &Context<'_>, cb: Callback<'_>) -> Outcome<Finished> {
    let state = cb
        .state
        .filter(|s| !s.is_empty())
        .ok_or(Refusal::InvalidState)?;
    // Taken out first, and for good: whatever follows, this state cannot be used again.
    let login = {
        let mut tx = cx.store.begin().await?;
        let login = store::take_login(&mut tx.conn(), &sha256_hex(state)).await?;
        tx.commit_quietly().await?;
        login.ok_or(Refusal::InvalidState)?
    };
    let browser = sha256_hex(cb.browser_token.unwrap_or(""));
    let fresh = login.expires_at > Timestamp::now().millis();
    if !fresh || !constant_time_eq(browser.as_bytes(), login.browser_hash.as_bytes()) {
        return Err(Refusal::InvalidState.into());
    }
    let provider = cx.provider(cb.key).await?;
    if provider.id != login.provider_id {
        return Err(Refusal::InvalidState.into());
    }
    if cb.error.is_some() {
        return Err(Refusal::Denied.into());
    }
    let code = cb.code.filter(|c| !c.is_empty()).ok_or(Refusal::Denied)?;
    let redirect_uri = cx.redirect_uri(&provider.key);
    let identity = oidc_client::finish(
        cx.http,
        &cx.client(&provider, &redirect_uri),
        code,
        &login.pkce_verifier,
        &login.nonce,
    )
    .await
    .map_err(Refusal::Provider)?;
    let how = SignedInBy {
        method: "oidc",
        provider: Some(provider.key.clone()),
        ip: cb.ip,
    };
    let user = account_for(cx, &provider, &identity, &how).await?;
    let redirect_to = login.redirect_to;
    if user.mfa_enabled {
        let now = Timestamp::now().millis() / 1000;
        let mfa_token = cx
            .keys
            .jwt
            .sign_mfa_pending(&user.id, now, PENDING_TTL_SECS);
        return Ok(Finished::SecondFactor {
            mfa_token,
            redirect_to,
        });
    }
    let mut tx = cx.store.begin().await?;
    let issued = sessions::start(cx.keys, &mut tx.conn(), &user.id, None).await?;
    sessions::record_sign_in(&mut tx.conn(), &user, &how).await?;
    tx.commit().await?;
    Ok(Finished::SignedIn {
        issued,
        redirect_to,
    })
}

/// The account this identity signs in to, linking or creating it as the rules say.
async fn account_for(
    cx: &Context<'_>,
    provider: &Provider,
    identity: &Identity,
    how: &SignedInBy,
) -> Outcome<users::User> {
    let mut tx = cx.store.begin().await?;
    let linked = store::linked_user(&mut tx.conn(), &identity.issuer, &identity.subject).await?;
    if let Some(user_id) = linked {
        if let Some(user) = users::by_id(&mut tx.conn(), &user_id).await? {
            return Ok(user);
        }
    }
    let email = identity
        .email
        .as_deref()
        .filter(|_| identity.email_verified)
        .and_then(|e| Email::parse(e).ok());
    let Some(email) = email else {
        drop(tx);
        sessions::record_refused_sign_in(cx.store, None, how, "email_not_verified").await?;
        return Err(Refusal::EmailNotVerified.into());
    };
    let now = Timestamp::now().millis();
    let user_id = match users::by_email(&mut tx.conn(), email.as_str()).await? {
        Some(user) if !user.email_verified => {
            drop(tx);
            sessions::record_refused_sign_in(cx.store, Some(&user), how, "account_not_verified")
                .await?;
            return Err(Refusal::AccountNotVerified.into());
        }
        Some(user) => user.id,
        None if provider.auto_create_users => {
            let account = NewAccount {
                name: person_name(identity, &email),
                email,
                password: Password::parse(&format!("Aa1-{}", random_token()))
                    .map_err(crate::error::AppError::from)?,
                is_admin: provider.default_role == "admin",
                email_verified: true,
            };
            let id = add_person_in(&mut tx.conn(), cx.mode, &account).await?;
            // The random password was only a placeholder: nobody knows it.
            users::clear_password(&mut tx.conn(), &id, now).await?;
            id
        }
        None => {
            drop(tx);
            sessions::record_refused_sign_in(cx.store, None, how, "no_account").await?;
            return Err(Refusal::NoAccount.into());
        }
    };
    if !store::link(
        &mut tx.conn(),
        &identity.issuer,
        &identity.subject,
        &provider.id,
        &user_id,
        now,
    )
    .await?
    {
        // Another sign-in of the same person linked first; theirs stands.
        drop(tx);
        let mut db = cx.store.read().await?;
        let winner = store::linked_user(&mut db.conn(), &identity.issuer, &identity.subject)
            .await?
            .ok_or(Refusal::InvalidState)?;
        return users::by_id(&mut db.conn(), &winner)
            .await?
            .ok_or(Refusal::InvalidState.into());
    }
    let user = users::by_id(&mut tx.conn(), &user_id)
        .await?
        .ok_or(Refusal::InvalidState)?;
    tx.commit().await?;
    Ok(user)
}

/// The name the provider gives, else the address's local part.
fn person_name(identity: &Identity, email: &Email) -> PersonName {
    identity
        .name
        .as_deref()
        .and_then(|n| PersonName::parse(n).ok())
        .or_else(|| PersonName::parse(email.as_str().split('@').next().unwrap_or("")).ok())
        .unwrap_or_else(|| PersonName::parse("New user").expect("a valid name"))
}
