//! Configuration: every setting is a flag that also reads an environment variable, so the
//! binary runs with no configuration at all and a `.env` file can override anything.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Request bodies above this size are refused with 413.
pub const BODY_LIMIT: usize = 1024 * 1024;

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Selfhosted,
    Cloud,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Selfhosted => "selfhosted",
            Mode::Cloud => "cloud",
        }
    }
}

#[derive(Args, Clone, Debug)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "HOST", default_value = "127.0.0.1", global = true)]
    pub host: String,
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "PORT", default_value_t = 5000, global = true)]
    pub port: u16,
    /// Holds the SQLite file, generated secrets and the mail folder.
    #[arg(long, env = "DATA_DIR", default_value = "./data", global = true)]
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; defaults to `sqlite://$DATA_DIR/slugbase.db`.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    #[arg(
        long,
        env = "SLUGBASE_MODE",
        value_enum,
        default_value = "selfhosted",
        global = true
    )]
    pub mode: Mode,
    /// Public origin used in emailed links; defaults to `http://localhost:$PORT`.
    #[arg(long, env = "BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Signs access tokens; generated once into `$DATA_DIR` when unset.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,
    /// e.g. `smtp://user:pass@host:587`; when unset mail is written as `.eml` files.
    #[arg(long, env = "SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "SlugBase <no-reply@localhost>",
        global = true
    )]
    pub mail_from: String,
    /// Defaults to `$DATA_DIR/mail`.
    #[arg(long, env = "MAIL_DIR", global = true)]
    pub mail_dir: Option<PathBuf>,
    #[arg(long, env = "STRIPE_SECRET_KEY", hide_env_values = true, global = true)]
    pub stripe_secret_key: Option<String>,
    #[arg(
        long,
        env = "STRIPE_WEBHOOK_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub stripe_webhook_secret: Option<String>,
    /// Base URL of Stripe's API (a local server that speaks its wire format in tests).
    #[arg(
        long,
        env = "STRIPE_API_BASE",
        default_value = "https://api.stripe.com",
        global = true
    )]
    pub stripe_api_base: String,
    /// Stripe price id of the Team plan (checkout with it makes an organization `team`).
    #[arg(long, env = "STRIPE_PRICE_TEAM", global = true)]
    pub stripe_price_team: Option<String>,
    /// Stripe price id of the Personal plan.
    #[arg(long, env = "STRIPE_PRICE_PERSONAL", global = true)]
    pub stripe_price_personal: Option<String>,
    #[arg(long, env = "FREE_BOOKMARK_LIMIT", default_value_t = 50, global = true)]
    pub free_bookmark_limit: i64,
    /// Trust `X-Forwarded-For` for the client address (behind a reverse proxy only).
    #[arg(long, env = "TRUST_PROXY", default_value_t = false, global = true)]
    pub trust_proxy: bool,
    /// Attempts per minute and client address on login, sign-up and password reset.
    #[arg(
        long,
        env = "RATE_LIMIT_AUTH_PER_MINUTE",
        default_value_t = 10,
        global = true
    )]
    pub rate_limit_auth_per_minute: u32,
    /// Token creations and invitations per minute and user.
    #[arg(
        long,
        env = "RATE_LIMIT_WRITE_PER_MINUTE",
        default_value_t = 20,
        global = true
    )]
    pub rate_limit_write_per_minute: u32,
    /// Secret for `GET /api/admin/stats`.
    #[arg(
        long,
        env = "STATS_ENDPOINT_SECRET",
        hide_env_values = true,
        global = true
    )]
    pub stats_endpoint_secret: Option<String>,
}

impl Config {
    /// A configuration with every default, rooted at `data_dir`: what tests and tools start from.
    pub fn for_data_dir(data_dir: impl Into<PathBuf>) -> Self {
        use clap::Parser;
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            config: Config,
        }
        let mut c = Only::parse_from(["slugbase"]).config;
        c.data_dir = data_dir.into();
        c
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("slugbase.db").display()))
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.mail_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("mail"))
    }

    /// The public origin without a trailing slash.
    pub fn base_url(&self) -> String {
        let url = self
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://localhost:{}", self.port));
        url.trim_end_matches('/').to_string()
    }

    pub fn secure_cookies(&self) -> bool {
        self.base_url().starts_with("https://")
    }
}
