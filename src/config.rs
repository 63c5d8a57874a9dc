//! Configuration: every setting is a flag that also reads an environment variable, so the
//! binary runs with no configuration at all and a `.env` file can override anything.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Request bodies above this size are refused with 413.
pub const BODY_LIMIT: usize = 1024 * 1024;
/// The largest bookmark file an import takes (API and page): real browser exports carry an
/// icon per bookmark and run to tens of megabytes.
pub const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

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

/// Every setting. `Debug` (hence any log or panic message) shows the secrets as `[redacted]` and
/// the database URL without its password.
#[derive(Args, Clone)]
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
    /// How often to look for invitations due for their reminder, in seconds.
    #[arg(
        long,
        env = "INVITATION_REMINDER_CHECK_SECS",
        default_value_t = 300,
        value_parser = clap::value_parser!(u64).range(1..),
        global = true
    )]
    pub invitation_reminder_check_secs: u64,
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
    /// When set, `GET /metrics` requires `Authorization: Bearer <this>`; when unset it is open.
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true, global = true)]
    pub metrics_token: Option<String>,
    /// Link checks under way at once (0 turns the background checker off).
    #[arg(
        long,
        env = "LINK_CHECK_CONCURRENCY",
        default_value_t = 8,
        global = true
    )]
    pub link_check_concurrency: usize,
    /// Each bookmark's URL is checked again after this many hours.
    #[arg(
        long,
        env = "LINK_CHECK_INTERVAL_HOURS",
        default_value_t = 24,
        global = true
    )]
    pub link_check_interval_hours: u64,
    /// How long one request of a check may take.
    #[arg(
        long,
        env = "LINK_CHECK_TIMEOUT_SECS",
        default_value_t = 10,
        global = true
    )]
    pub link_check_timeout_secs: u64,
    /// How often the checker looks for due bookmarks (it is also woken when a URL changes).
    #[arg(
        long,
        env = "LINK_CHECK_POLL_MS",
        default_value_t = 5000,
        global = true
    )]
    pub link_check_poll_ms: u64,
    /// Let the checker connect to loopback, private, link-local and metadata addresses.
    #[arg(
        long,
        env = "LINK_CHECK_ALLOW_PRIVATE",
        default_value_t = false,
        global = true
    )]
    pub link_check_allow_private: bool,
    /// Addresses or ranges the checker may connect to although private, e.g. `10.1.0.0/16,fd12::/16`.
    #[arg(long, env = "LINK_CHECK_ALLOW_ADDRS", global = true)]
    pub link_check_allow_addrs: Option<String>,
    /// Static answers the checker consults before DNS, curl-style: `host=ip,host2=ip2`.
    #[arg(long, env = "LINK_CHECK_RESOLVE", global = true)]
    pub link_check_resolve: Option<String>,
    /// Add a `Server-Timing` header to every answer: how many SQL statements it took and how
    /// long it ran (for developers and the tests that pin query counts; off in production, as
    /// timings can tell an attacker more than they should).
    #[arg(long, env = "SERVER_TIMING", default_value_t = false, global = true)]
    pub server_timing: bool,
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

/// What `Debug` prints in place of a secret.
const REDACTED: &str = "[redacted]";

/// `[redacted]` for a secret that is set, `None` for one that is not.
fn redacted(secret: &Option<String>) -> Option<&'static str> {
    secret.as_ref().map(|_| REDACTED)
}

/// A URL with its password replaced, in the user part or a `password=` parameter (both of
/// which sqlx reads); an unparsable one entirely.
fn without_password(url: &str) -> String {
    let Ok(mut u) = url::Url::parse(url) else {
        return REDACTED.to_string();
    };
    if u.password().is_some() {
        let _ = u.set_password(Some(REDACTED));
    }
    let pairs: Vec<(String, String)> = u.query_pairs().into_owned().collect();
    if pairs
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("password"))
    {
        u.query_pairs_mut()
            .clear()
            .extend_pairs(pairs.iter().map(|(k, v)| {
                let v = if k.eq_ignore_ascii_case("password") {
                    REDACTED
                } else {
                    v.as_str()
                };
                (k.as_str(), v)
            }));
    }
    u.to_string()
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Destructured without `..`: a new setting does not compile until it is listed here, so
        // nobody adds a secret that prints by accident.
        let Config {
            host,
            port,
            data_dir,
            database_url,
            mode,
            base_url,
            jwt_secret,
            smtp_url,
            mail_from,
            mail_dir,
            stripe_secret_key,
            stripe_webhook_secret,
            stripe_api_base,
            stripe_price_team,
            stripe_price_personal,
            free_bookmark_limit,
            invitation_reminder_check_secs,
            trust_proxy,
            rate_limit_auth_per_minute,
            rate_limit_write_per_minute,
            stats_endpoint_secret,
            metrics_token,
            link_check_concurrency,
            link_check_interval_hours,
            link_check_timeout_secs,
            link_check_poll_ms,
            link_check_allow_private,
            link_check_allow_addrs,
            link_check_resolve,
            server_timing,
        } = self;
        f.debug_struct("Config")
            .field("host", host)
            .field("port", port)
            .field("data_dir", data_dir)
            .field(
                "database_url",
                &database_url.as_deref().map(without_password),
            )
            .field("mode", mode)
            .field("base_url", base_url)
            .field("jwt_secret", &redacted(jwt_secret))
            .field("smtp_url", &smtp_url.as_deref().map(without_password))
            .field("mail_from", mail_from)
            .field("mail_dir", mail_dir)
            .field("stripe_secret_key", &redacted(stripe_secret_key))
            .field("stripe_webhook_secret", &redacted(stripe_webhook_secret))
            .field("stripe_api_base", stripe_api_base)
            .field("stripe_price_team", stripe_price_team)
            .field("stripe_price_personal", stripe_price_personal)
            .field("free_bookmark_limit", free_bookmark_limit)
            .field(
                "invitation_reminder_check_secs",
                invitation_reminder_check_secs,
            )
            .field("trust_proxy", trust_proxy)
            .field("rate_limit_auth_per_minute", rate_limit_auth_per_minute)
            .field("rate_limit_write_per_minute", rate_limit_write_per_minute)
            .field("stats_endpoint_secret", &redacted(stats_endpoint_secret))
            .field("metrics_token", &redacted(metrics_token))
            .field("link_check_concurrency", link_check_concurrency)
            .field("link_check_interval_hours", link_check_interval_hours)
            .field("link_check_timeout_secs", link_check_timeout_secs)
            .field("link_check_poll_ms", link_check_poll_ms)
            .field("link_check_allow_private", link_check_allow_private)
            .field("link_check_allow_addrs", link_check_allow_addrs)
            .field("link_check_resolve", link_check_resolve)
            .field("server_timing", server_timing)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_prints_no_secret() {
        let mut c = Config::for_data_dir("/srv/slugbase");
        c.jwt_secret = Some("jwt-0123456789abcdef0123456789abcdef".into());
        c.smtp_url = Some("smtps://mailer:smtp-pa55word@mail.example.com:465".into());
        c.stripe_secret_key = Some("sk_live_stripe_key".into());
        c.stripe_webhook_secret = Some("whsec_webhook_secret".into());
        c.stats_endpoint_secret = Some("stats-endpoint-secret".into());
        c.metrics_token = Some("metrics-bearer-token".into());
        c.database_url = Some("postgres://slugbase:db-pa55word@db.example.com/slugbase".into());
        let printed = format!("{c:?} {c:#?}");
        for secret in [
            "jwt-0123456789abcdef0123456789abcdef",
            "smtp-pa55word",
            "sk_live_stripe_key",
            "whsec_webhook_secret",
            "stats-endpoint-secret",
            "metrics-bearer-token",
            "db-pa55word",
        ] {
            assert!(!printed.contains(secret), "{secret} printed: {printed}");
        }
        // What is not secret still helps whoever reads the log.
        assert!(printed.contains("db.example.com"), "{printed}");
        assert!(printed.contains("mail.example.com"), "{printed}");
        assert!(
            printed.contains(r#"jwt_secret: Some("[redacted]")"#),
            "{printed}"
        );
    }

    #[test]
    fn a_password_parameter_is_hidden_and_an_unparsable_url_entirely() {
        assert_eq!(
            without_password("postgres://db.example.com/slugbase?sslmode=require&password=s3cret"),
            "postgres://db.example.com/slugbase?sslmode=require&password=%5Bredacted%5D"
        );
        assert_eq!(without_password("postgres://u:p@[bad"), REDACTED);
        assert_eq!(
            without_password("sqlite://./data/slugbase.db"),
            "sqlite://./data/slugbase.db"
        );
    }
}
