//! What every request shares.

use std::sync::Arc;

use crate::app::access_counter::AccessCounter;
use crate::app::cache::GenCache;
use crate::app::email_links::Outbox;
use crate::app::golinks::GoCache;
use crate::app::identity::Authenticator;
use crate::app::sessions::SessionKeys;
use crate::config::{Config, Mode};
use crate::domain::plan::PlanPolicy;
use crate::mail::Mailer;
use crate::security::jwt::JwtKeys;
use crate::security::rate_limit::Limits;
use crate::store::Store;

/// The shared state behind one `Arc`: axum clones the state for every request, so a clone must
/// be a reference-count increment, not a copy of keys and maps.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Shared>);

impl AppState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

#[derive(Debug)]
pub struct Shared {
    pub config: Arc<Config>,
    pub store: Store,
    pub jwt: JwtKeys,
    pub sessions: SessionKeys,
    pub csrf_secret: Arc<[u8]>,
    pub mailer: Mailer,
    pub limits: Limits,
    /// Verifies access JWTs and `sb_` tokens, with a cache between writes.
    pub auth: Authenticator,
    pub go_cache: Arc<GoCache>,
    pub access_counter: Arc<AccessCounter>,
    /// Totals of bookmark lists, by organization, user and filter (see `http::bookmark_list`).
    pub list_totals: Arc<GenCache<(String, String, String), i64>>,
    /// Talks to OpenID providers (no redirects followed, a deadline on every request).
    pub oidc_http: openidconnect::reqwest::Client,
    /// Checks bookmarks' URLs (the background job and `POST /api/bookmarks/{id}/check`).
    pub link_checker: Arc<crate::app::link_checks::LinkChecker>,
    /// Background imports' doorbell: uploads ring it, the import job answers.
    pub imports: Arc<crate::app::import_jobs::ImportQueue>,
}

impl Shared {
    pub fn mode(&self) -> Mode {
        self.config.mode
    }

    pub fn is_cloud(&self) -> bool {
        self.config.mode == Mode::Cloud
    }

    /// How long an access token lives: 15 minutes in cloud (with a refresh token), 7 days self-hosted.
    pub fn access_ttl_secs(&self) -> i64 {
        self.sessions.access_ttl_secs()
    }

    /// Where use cases send email from, and the origin their links start with.
    pub fn outbox(&self) -> Outbox<'_> {
        Outbox {
            mailer: &self.mailer,
            store: &self.store,
            base_url: self.config.base_url(),
        }
    }

    /// The mode and Free-plan limit that turn an organization's plan into its rules.
    pub fn plan_policy(&self) -> PlanPolicy {
        PlanPolicy {
            mode: self.mode(),
            free_bookmark_limit: self.config.free_bookmark_limit,
        }
    }
}

pub use crate::app::sessions::REFRESH_TTL_SECS;
