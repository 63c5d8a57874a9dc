//! Building and running the server: what `slugbase serve` and the tests both call.
//!
//! [`Application::build`] connects the store, assembles the shared state, binds the port and
//! starts the background jobs; [`Application::run_until`] serves until told to stop, then stops
//! the jobs (the visit counter writes what is still pending) and only then closes the store.
//! [`build_app`] (in `router`) composes the API, the pages and the layers around them.

mod router;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::net::TcpListener;

use crate::app::cache::GenCache;
use crate::app::identity::Authenticator;
use crate::app::import_jobs::ImportQueue;
use crate::app::link_checks::LinkChecker;
use crate::app::sessions::SessionKeys;
use crate::config::Config;
use crate::jobs::imports::Imports;
use crate::jobs::invitation_reminders::Reminders;
use crate::jobs::Jobs;
use crate::mail::Mailer;
use crate::security::jwt::JwtKeys;
use crate::security::rate_limit::Limits;
use crate::state::{AppState, Shared};
use crate::store::Store;

pub use router::build_app;

pub struct Application {
    listener: TcpListener,
    state: AppState,
    jobs: Jobs,
}

/// Connects to the database, applies migrations and assembles the shared state.
pub async fn build_state(config: Config) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating DATA_DIR {}", config.data_dir.display()))?;
    let store = Store::connect(&config.database_url())
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("applying migrations")?;
    let secret = jwt_secret(&config)?;
    let derive = |purpose: &[u8]| {
        let mut m = Hmac::<Sha256>::new_from_slice(&secret).expect("any key length");
        m.update(purpose);
        m.finalize().into_bytes().to_vec()
    };
    let csrf_secret = derive(b"slugbase csrf key");
    let refresh_key = derive(b"slugbase refresh successor key");
    let mailer = Mailer::new(
        config.smtp_url.as_deref(),
        config.mail_dir(),
        &config.mail_from,
    )?;
    let link_checker = LinkChecker::from_config(&config)?;
    let import_batch_size = config.import_batch_size;
    let limits = Limits::for_store(
        &store,
        config.rate_limit_auth_per_minute,
        config.rate_limit_write_per_minute,
    );
    Ok(AppState::new(Shared {
        jwt: JwtKeys::new(&secret),
        sessions: SessionKeys {
            jwt: JwtKeys::new(&secret),
            mode: config.mode,
            refresh_key: refresh_key.into(),
        },
        csrf_secret: csrf_secret.into(),
        config: Arc::new(config),
        store: store.clone(),
        mailer,
        limits,
        auth: Authenticator {
            store: store.clone(),
            jwt: JwtKeys::new(&secret),
            cache: Default::default(),
        },
        go_cache: Default::default(),
        access_counter: Default::default(),
        list_totals: Arc::new(GenCache::new(std::time::Duration::from_secs(5), 50_000)),
        oidc_http: crate::app::oidc_client::http_client(),
        link_checker: Arc::new(link_checker),
        imports: Arc::new(ImportQueue::new(import_batch_size)),
    }))
}

/// `JWT_SECRET` when given (at least 32 bytes), otherwise a random secret generated once and
/// kept in `$DATA_DIR/jwt_secret`, so sessions survive restarts.
fn jwt_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = &config.jwt_secret {
        anyhow::ensure!(s.len() >= 32, "JWT_SECRET must be at least 32 bytes");
        return Ok(s.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt_secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    let fresh = format!(
        "{}{}",
        crate::security::random_token(),
        crate::security::random_token()
    );
    write_private(&path, &fresh)?;
    Ok(fresh.into_bytes())
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    Ok(())
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let addr = format!("{}:{}", config.host, config.port);
        let listener = TcpListener::bind(&addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        Self::build_on(config, listener).await
    }

    /// [`build`](Self::build) on a listener bound already: a test binds port 0, learns the
    /// port, and tells someone else (an OpenID provider's callback, `BASE_URL`) before the
    /// server starts, with no window in which another process could take the port.
    pub async fn build_on(config: Config, listener: TcpListener) -> anyhow::Result<Self> {
        let state = build_state(config).await?;
        let reminders = Reminders {
            mailer: state.mailer.clone(),
            base_url: state.config.base_url(),
            every: Duration::from_secs(state.config.invitation_reminder_check_secs),
        };
        let imports = Imports {
            queue: Arc::clone(&state.imports),
            checker: Arc::clone(&state.link_checker),
            policy: state.plan_policy(),
            holder: crate::jobs::lease::holder_id(),
        };
        let jobs = Jobs::start(
            &state.store,
            &state.access_counter,
            &state.limits,
            reminders,
            &state.link_checker,
            imports,
        );
        Ok(Self {
            listener,
            state,
            jobs,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves and the requests under way have been answered; then
    /// stops the background jobs (which write the visits still counted in memory) and closes
    /// the store, in that order, so nothing pending is lost.
    pub async fn run_until(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let app = build_app(self.state.clone());
        let served = axum::serve(
            self.listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        self.jobs.stop().await;
        self.state.store.close().await;
        tracing::info!("stopped");
        Ok(served?)
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
