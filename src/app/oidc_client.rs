//! The OpenID Connect authorization code flow with PKCE, `state` and `nonce`, on the
//! `openidconnect` crate: discovery, the authorization URL, the code exchange and the ID
//! token's verification (signature by the issuer's published keys, issuer, audience, nonce,
//! expiry). What comes out is who the issuer says the person is; nothing here touches the
//! database.

use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::reqwest;
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};

/// Why a sign-in at a provider failed; each is a code the sign-in page explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Discovery failed: the issuer is down, or its metadata is not valid for it.
    ProviderUnavailable,
    /// The provider would not exchange the code (used, expired, or not for us).
    CodeRefused,
    /// The ID token is missing, or its signature, issuer, audience, nonce or expiry is wrong.
    InvalidIdToken,
}

impl Failure {
    pub fn code(self) -> &'static str {
        match self {
            Failure::ProviderUnavailable => "provider_unavailable",
            Failure::CodeRefused => "code_refused",
            Failure::InvalidIdToken => "invalid_id_token",
        }
    }
}

/// A provider as the flow needs it.
pub struct ClientConfig<'a> {
    pub issuer_url: &'a str,
    pub client_id: &'a str,
    pub client_secret: &'a str,
    pub scopes: &'a str,
    pub redirect_uri: &'a str,
}

/// Where to send the browser, and what the callback must check against.
pub struct Started {
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
}

/// The person, as the verified ID token (and the user info endpoint, for what the token left
/// out) describes them.
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
}

/// An HTTP client for talking to providers: no redirects (they would open the server to
/// request forgery), a deadline, and idle sockets dropped before a provider's server would
/// close them (Node's default is five seconds), so a sign-in never goes out on a dead one.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(std::time::Duration::from_secs(3))
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("an HTTP client builds")
}

async fn discover(
    http: &reqwest::Client,
    cfg: &ClientConfig<'_>,
) -> Result<CoreProviderMetadata, Failure> {
    let issuer =
        IssuerUrl::new(cfg.issuer_url.to_string()).map_err(|_| Failure::ProviderUnavailable)?;
    CoreProviderMetadata::discover_async(issuer, http)
        .await
        .map_err(|e| {
            tracing::warn!(issuer = cfg.issuer_url, error = %e, "OIDC discovery failed");
            Failure::ProviderUnavailable
        })
}

fn redirect(cfg: &ClientConfig<'_>) -> Result<RedirectUrl, Failure> {
    RedirectUrl::new(cfg.redirect_uri.to_string()).map_err(|_| Failure::ProviderUnavailable)
}

/// Discovers the provider and builds the authorization URL with a fresh state, nonce and
/// PKCE (S256) challenge.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn start(http: &reqwest::Client, cfg: &ClientConfig<'_>) -> Result<Started, Failure> {
    let metadata = discover(http, cfg).await?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(cfg.client_id.to_string()),
        Some(ClientSecret::new(cfg.client_secret.to_string())),
    )
    .set_redirect_uri(redirect(cfg)?);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client.authorize_url(
        CoreAuthenticationFlow::AuthorizationCode,
        CsrfToken::new_random,
        Nonce::new_random,
    );
    for scope in cfg.scopes.split_whitespace().filter(|s| *s != "openid") {
        request = request.add_scope(Scope::new(scope.to_string()));
    }
    let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
    Ok(Started {
        url: url.to_string(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
    })
}

/// Exchanges the code (with the PKCE verifier) and verifies the ID token against the nonce
/// sent; asks the user info endpoint for the email when the token carries none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn finish(
    http: &reqwest::Client,
    cfg: &ClientConfig<'_>,
    code: &str,
    pkce_verifier: &str,
    nonce: &str,
) -> Result<Identity, Failure> {
    let metadata = discover(http, cfg).await?;
    let client = CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(cfg.client_id.to_string()),
        Some(ClientSecret::new(cfg.client_secret.to_string())),
    )
    .set_redirect_uri(redirect(cfg)?);
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|_| Failure::ProviderUnavailable)?
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_string()))
        .request_async(http)
        .await
        .map_err(|e| {
            tracing::info!(issuer = cfg.issuer_url, error = %e, "OIDC code exchange refused");
            Failure::CodeRefused
        })?;
    let id_token = tokens.id_token().ok_or(Failure::InvalidIdToken)?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(nonce.to_string()))
        .map_err(|e| {
            tracing::info!(issuer = cfg.issuer_url, error = %e, "OIDC ID token refused");
            Failure::InvalidIdToken
        })?;
    let mut identity = Identity {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: claims.email().map(|e| e.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string()),
    };
    if identity.email.is_none() {
        if let Ok(request) = client.user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        ) {
            let info: openidconnect::core::CoreUserInfoClaims =
                request.request_async(http).await.map_err(|e| {
                    tracing::info!(issuer = cfg.issuer_url, error = %e, "OIDC user info refused");
                    Failure::InvalidIdToken
                })?;
            identity.email = info.email().map(|e| e.to_string());
            identity.email_verified = info.email_verified().unwrap_or(false);
            if identity.name.is_none() {
                identity.name = info.name().and_then(|n| n.get(None)).map(|n| n.to_string());
            }
        }
    }
    Ok(identity)
}
