//! `spawn_app`: a real server on port 0 with a fresh database (SQLite in a temporary folder, or a
//! new PostgreSQL database when `TEST_DATABASE_URL` names a server), and an HTTP client.

use std::path::PathBuf;

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use slugbase::config::{Config, Mode};
use slugbase::state::AppState;
use slugbase::store::Arg;
use slugbase::Application;

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub client: Client,
    pub mail_dir: PathBuf,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Resolving it is the graceful shutdown `slugbase serve` does on Ctrl-C.
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
    /// Dropped with the app: removes the PostgreSQL database made for this test.
    _pg: Option<PgDb>,
}

/// A PostgreSQL database made for one test and dropped after it.
pub struct PgDb {
    admin_url: String,
    name: String,
}

impl Drop for PgDb {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime; do the async work on a thread of its own.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut c) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                            .execute(&mut c)
                            .await;
                }
            });
        })
        .join();
    }
}

/// A new, empty database on the server `admin_url` names: its URL, and the guard that drops it.
pub async fn fresh_pg(admin_url: &str) -> (String, PgDb) {
    use sqlx::Connection;
    let name = format!("slugbase_test_{}", uuid::Uuid::new_v4().simple());
    let mut c = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("TEST_DATABASE_URL reachable");
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut c)
        .await
        .unwrap();
    let mut url = url::Url::parse(admin_url).unwrap();
    url.set_path(&format!("/{name}"));
    (
        url.to_string(),
        PgDb {
            admin_url: admin_url.to_string(),
            name,
        },
    )
}

pub async fn spawn_app(mode: Mode) -> TestApp {
    spawn_with(mode, |_| {}).await
}

/// Spawns with the test's own changes to the configuration (rate limits are generous unless a
/// test lowers them).
pub async fn spawn_with(mode: Mode, tweak: impl FnOnce(&mut Config)) -> TestApp {
    try_spawn_with(mode, tweak).await.expect("app builds")
}

/// Spawns on a port bound before the server is built, so `tweak` knows it (for a `BASE_URL`
/// that a provider must be told): port 0, the port the system gave, and no window in which
/// another process could take it.
pub async fn spawn_on_a_known_port(mode: Mode, tweak: impl FnOnce(&mut Config, u16)) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    build_and_run(mode, |c| tweak(c, port), Some(listener))
        .await
        .expect("app builds")
}

/// [`spawn_with`] that reports a server that cannot start instead of failing the test.
pub async fn try_spawn_with(
    mode: Mode,
    tweak: impl FnOnce(&mut Config),
) -> anyhow::Result<TestApp> {
    build_and_run(mode, tweak, None).await
}

async fn build_and_run(
    mode: Mode,
    tweak: impl FnOnce(&mut Config),
    listener: Option<tokio::net::TcpListener>,
) -> anyhow::Result<TestApp> {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_data_dir(dir.path());
    config.host = "127.0.0.1".into();
    config.port = 0;
    config.mode = mode;
    config.smtp_url = None;
    config.mail_dir = None;
    config.jwt_secret = None;
    config.rate_limit_auth_per_minute = 10_000;
    config.rate_limit_write_per_minute = 10_000;
    // The background link checker stays off: the tests' URLs are made up and this machine has no
    // way out, so a verdict ("unreachable") could land on a row in the middle of a test that
    // compares it. The link-check tests turn it on with their own servers to check.
    config.link_check_concurrency = 0;
    config.database_url = None;
    tweak(&mut config);
    let mut pg = None;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin) if !admin.is_empty() && config.database_url.is_none() => {
            let (url, db) = fresh_pg(&admin).await;
            config.database_url = Some(url);
            pg = Some(db);
        }
        _ => {}
    }
    let mail_dir = config.mail_dir();
    let data_dir = config.data_dir.clone();
    let database_url = config.database_url();
    // The path `slugbase serve` takes: build (background jobs included), then run until told.
    let app = match listener {
        Some(l) => Application::build_on(config, l).await?,
        None => Application::build(config).await?,
    };
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stop.await;
    }));
    Ok(TestApp {
        base,
        state,
        client: Client::new(),
        mail_dir,
        data_dir,
        database_url,
        shutdown: Some(shutdown),
        server: Some(server),
        _dir: dir,
        _pg: pg,
    })
}

pub const PASSWORD: &str = "Secret-123";

/// A signed-in person as a test sees them.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: String,
    pub email: String,
    pub jwt: String,
}

impl TestApp {
    /// Shuts the server down as Ctrl-C does and waits until it has finished: requests under
    /// way answered, background jobs stopped (pending visits written), the store closed.
    pub async fn shut_down(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            tokio::time::timeout(std::time::Duration::from_secs(10), server)
                .await
                .expect("the server stops within 10 s")
                .expect("the server task did not panic")
                .expect("the server stopped cleanly");
        }
    }

    /// A new server on this one's data folder and database (as after a restart).
    pub async fn reopen(&self) -> TestApp {
        self.reopen_with(|_| {}).await
    }

    /// A new server on this one's data folder and database, with the test's own changes to its
    /// configuration. While this one still runs it is a second instance beside it, as behind a
    /// load balancer: its own port, state and background jobs, the same database and secrets.
    pub async fn reopen_with(&self, tweak: impl FnOnce(&mut Config)) -> TestApp {
        let (data_dir, database_url) = (self.data_dir.clone(), self.database_url.clone());
        spawn_with(self.state.config.mode, |c| {
            c.data_dir = data_dir;
            c.database_url = Some(database_url);
            tweak(c);
        })
        .await
    }

    /// A client that keeps cookies, as a browser does, signed in as `email` (with
    /// [`PASSWORD`]); also the login answer, for its cookies.
    pub async fn browser_signed_in(&self, email: &str) -> (reqwest::Client, Response) {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let login = browser
            .post(self.url("/api/auth/login"))
            .json(&serde_json::json!({"email": email, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::OK);
        (browser, login)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn req(&self, method: Method, path: &str, bearer: Option<&str>) -> RequestBuilder {
        let r = self.client.request(method, self.url(path));
        match bearer {
            Some(t) => r.bearer_auth(t),
            None => r,
        }
    }

    /// `GET path` without following redirects, as a go-link is checked.
    pub async fn go(&self, path: &str, bearer: Option<&str>) -> Response {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut req = client.get(self.url(path));
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        req.send().await.unwrap()
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Response {
        self.req(Method::GET, path, bearer).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, bearer: Option<&str>, body: Value) -> Response {
        self.req(Method::POST, path, bearer)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put(&self, path: &str, bearer: Option<&str>, body: Value) -> Response {
        self.req(Method::PUT, path, bearer)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str, bearer: Option<&str>) -> Response {
        self.req(Method::DELETE, path, bearer).send().await.unwrap()
    }

    /// Self-hosted first run: the admin, signed in.
    pub async fn setup_admin(&self, email: &str) -> Person {
        self.setup_as(email, "Admin").await
    }

    /// Self-hosted first run by an admin of this name.
    pub async fn setup_as(&self, email: &str, name: &str) -> Person {
        let res = self
            .post(
                "/api/auth/setup",
                None,
                json!({"email": email, "name": name, "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "setup");
        let jwt = cookie(&res, "token").expect("token cookie");
        let body: Value = res.json().await.unwrap();
        Person {
            id: body["id"].as_str().unwrap().into(),
            email: email.into(),
            jwt,
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/auth/login",
            None,
            json!({"email": email, "password": password}),
        )
        .await
    }

    pub async fn login_ok(&self, email: &str) -> Person {
        let res = self.login(email, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK, "login {email}");
        let jwt = cookie(&res, "token").expect("token cookie");
        let body: Value = res.json().await.unwrap();
        Person {
            id: body["id"].as_str().unwrap().into(),
            email: email.into(),
            jwt,
        }
    }

    /// Cloud: register, follow the emailed link, and sign in.
    pub async fn signup(&self, email: &str, name: &str) -> Person {
        let res = self
            .post(
                "/api/auth/register",
                None,
                json!({"email": email, "name": name, "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::CREATED, "register {email}");
        let token = self.token_from_mail(email, "/verify-email?token=");
        let res = self
            .post("/api/auth/verify-signup", None, json!({ "token": token }))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "verify {email}");
        self.login_ok(email).await
    }

    /// Self-hosted: a person added by the operator (joins the first organization).
    pub async fn add_user(&self, email: &str) -> Person {
        use slugbase::app::accounts::{self, NewAccount};
        use slugbase::domain::{Email, OrgRole, Password, PersonName};
        use slugbase::store::orgs;
        let account = NewAccount {
            email: Email::parse(email).unwrap(),
            name: PersonName::parse(email.split('@').next().unwrap()).unwrap(),
            password: Password::parse(PASSWORD).unwrap(),
            is_admin: false,
            email_verified: true,
        };
        let mut tx = self.state.store.begin().await.unwrap();
        let id = accounts::insert_user(&mut tx.conn(), &account, "taken")
            .await
            .unwrap();
        let org = orgs::oldest(&mut tx.conn())
            .await
            .unwrap()
            .expect("set up first");
        orgs::add_member(
            &mut tx.conn(),
            &org,
            &id,
            OrgRole::Member,
            slugbase::domain::Timestamp::now().millis(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        self.login_ok(email).await
    }

    /// Sets an organization's plan directly in the database (as `slugbase org set-plan` does).
    pub async fn set_plan(&self, org_id: &str, plan: &str) {
        let seats = if plan == "team" { 5 } else { 1 };
        self.set_seats(org_id, plan, seats, 0).await;
    }

    pub async fn set_seats(&self, org_id: &str, plan: &str, included: i64, extra: i64) {
        let plan = slugbase::domain::Plan::parse(plan).expect("a known plan");
        let mut tx = self.state.store.begin().await.unwrap();
        slugbase::store::orgs::set_plan(&mut tx.conn(), org_id, plan, included, extra, 0)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    /// Runs one SQL statement with string parameters (to age a row, say).
    pub async fn exec(&self, sql: &str, args: &[&str]) {
        let mut tx = self.state.store.begin().await.unwrap();
        let args = args.iter().map(|a| Arg::from(*a)).collect();
        tx.conn().execute(sql, args).await.unwrap();
        tx.commit().await.unwrap();
    }

    /// The newest email to `to`, as the raw RFC 5322 text of its `.eml` file.
    pub fn last_mail_to(&self, to: &str) -> Option<String> {
        let mut found: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(&self.mail_dir)
            .ok()?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .filter_map(|e| {
                let text = std::fs::read_to_string(e.path()).ok()?;
                let modified = e.metadata().ok()?.modified().ok()?;
                let to_line = text
                    .lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("to:"))?
                    .to_ascii_lowercase();
                to_line
                    .contains(&to.to_ascii_lowercase())
                    .then_some((modified, text))
            })
            .collect();
        found.sort_by_key(|(t, _)| *t);
        found.pop().map(|(_, t)| t)
    }

    pub fn mails_to(&self, to: &str) -> usize {
        std::fs::read_dir(&self.mail_dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                    .filter(|t| {
                        t.lines().any(|l| {
                            l.to_ascii_lowercase().starts_with("to:")
                                && l.to_ascii_lowercase().contains(&to.to_ascii_lowercase())
                        })
                    })
                    .count()
            })
            .unwrap_or(0)
    }

    /// The token in the newest email to `to` following `marker` (e.g. `/invite?token=`).
    pub fn token_from_mail(&self, to: &str, marker: &str) -> String {
        let mail = self
            .last_mail_to(to)
            .unwrap_or_else(|| panic!("no email to {to}"));
        let start = mail
            .find(marker)
            .unwrap_or_else(|| panic!("no {marker} in email:\n{mail}"))
            + marker.len();
        mail[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
}

/// The whole `Set-Cookie` line a response sends for cookie `name`, with its attributes.
pub fn set_cookie_line(res: &Response, name: &str) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

/// The value a response sets for cookie `name`.
pub fn cookie(res: &Response, name: &str) -> Option<String> {
    set_cookie_line(res, name).map(|line| {
        let pair = line.split(';').next().unwrap_or("");
        pair.split_once('=').map_or("", |(_, v)| v).to_string()
    })
}

/// Asserts the status and returns the JSON body.
pub async fn expect(res: Response, status: StatusCode) -> Value {
    let got = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(got, status, "unexpected status; body: {text}");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("body is not JSON: {text}"))
}

/// An authenticator app holding a secret. A server accepts each time step's code once and
/// refuses older steps after a newer one, so like a person waiting for the next code, this app
/// never offers a step at or before the last one it gave. The server accepts one step either
/// way of its clock; codes are picked so they stay acceptable for a couple of seconds, so a step
/// boundary passing mid-request cannot make a test flaky. At most three codes fit in a window.
pub struct Authenticator {
    totp: totp_rs::TOTP,
    last_step: Option<u64>,
}

impl Authenticator {
    pub fn new(secret: &str) -> Self {
        let bytes = totp_rs::Secret::Encoded(secret.to_string())
            .to_bytes()
            .unwrap();
        Self {
            totp: totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes).unwrap(),
            last_step: None,
        }
    }

    /// The next code the server has not seen, as a person's app shows it. The server accepts
    /// the steps around now, each once; when they are used up (a test that starts in the last
    /// seconds of a window has fewer), wait for the clock to reach the next window, as a person
    /// would wait for their app's next code.
    pub fn code(&mut self) -> String {
        loop {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let lowest = (now + 2) / 30 - 1;
            let highest = now / 30 + 1;
            let step = self.last_step.map_or(lowest, |s| lowest.max(s + 1));
            if step <= highest {
                self.last_step = Some(step);
                return self.totp.generate(step * 30);
            }
            assert!(
                step <= highest + 1,
                "a test used more than three codes in one window"
            );
            std::thread::sleep(std::time::Duration::from_secs(30 - now % 30));
        }
    }
}

/// Enrolls `who` and returns their app and their backup codes.
pub async fn enable_mfa(app: &TestApp, who: &Person) -> (Authenticator, Vec<String>) {
    let begun = expect(
        app.post("/api/auth/mfa/enroll/begin", Some(&who.jwt), json!({}))
            .await,
        StatusCode::OK,
    )
    .await;
    let mut auth = Authenticator::new(begun["secret"].as_str().unwrap());
    let confirmed = expect(
        app.post(
            "/api/auth/mfa/enroll/confirm",
            Some(&who.jwt),
            json!({"code": auth.code()}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    let codes = confirmed["backup_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    (auth, codes)
}
