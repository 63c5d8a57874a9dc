//! The real `slugbase` binary as a separate process, and a PostgreSQL cluster of the test's own.
//!
//! `tests/api/` runs the server inside the test process; what happens at the edges of a process
//! (a signal, `kill -9`, the database going away under a running server, two instances on one
//! database) can only be seen from outside it. [`Server`] starts `slugbase serve` on a free
//! port and waits until it answers `/api/health`; [`PrivatePostgres`] runs a throw-away cluster
//! (as `scripts/pg-temp.sh` does) that a test may stop and start again under a running server.

#![allow(dead_code)] // Each test file uses its own part of the harness.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};

/// How long a server or a cluster may take to come up before the test fails.
const START_TIMEOUT: Duration = Duration::from_secs(30);

pub const PASSWORD: &str = "Secret-123";

/// A folder shared by the servers started in it (the SQLite file, `jwt_secret`, mail), removed
/// when the last of them and the test let go of it.
pub type DataDir = Arc<tempfile::TempDir>;

pub fn data_dir() -> DataDir {
    Arc::new(tempfile::tempdir().expect("a temporary folder"))
}

/// `slugbase serve` in a process of its own. Killed (SIGKILL) when dropped if still running.
pub struct Server {
    child: Child,
    pub port: u16,
    pub base: String,
    pub data_dir: DataDir,
    /// `None` means the SQLite file in the data folder.
    pub database_url: Option<String>,
    /// The extra environment it was started with, so [`Server::restart`] starts the same.
    envs: Vec<(String, String)>,
    log: PathBuf,
    exit: Option<ExitStatus>,
    pub client: Client,
}

/// The port a server started with `PORT=0` was given, as its log says ("listening on
/// http://127.0.0.1:N"); fails the test with the log if the process exits first or says
/// nothing in [`START_TIMEOUT`].
async fn reported_port(child: &mut Child, log: &std::path::Path) -> u16 {
    const SAYS: &str = "listening on http://127.0.0.1:";
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        if let Some(at) = text.find(SAYS) {
            let digits: String = text[at + SAYS.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(port) = digits.parse() {
                return port;
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("slugbase exited with {status} on start:\n{text}");
        }
        assert!(
            Instant::now() < deadline,
            "slugbase did not say its port in {START_TIMEOUT:?}:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl Server {
    /// Starts a server on a fresh data folder. `database_url` `None` means SQLite in that folder;
    /// `envs` are added to (and override) the defaults below.
    pub async fn start(database_url: Option<&str>, envs: &[(&str, &str)]) -> Server {
        Self::start_in(data_dir(), database_url, envs).await
    }

    /// Starts a server on `data_dir` (another server's, to restart on the same data or to run a
    /// second instance that shares its `jwt_secret`).
    pub async fn start_in(
        data_dir: DataDir,
        database_url: Option<&str>,
        envs: &[(&str, &str)],
    ) -> Server {
        let envs: Vec<(String, String)> = envs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self::spawn(data_dir, database_url.map(str::to_string), envs).await
    }

    /// A new process on this one's data folder, database and environment (call after it exited).
    pub async fn restart(&self) -> Server {
        assert!(self.exit.is_some(), "restart after the server has exited");
        Self::spawn(
            self.data_dir.clone(),
            self.database_url.clone(),
            self.envs.clone(),
        )
        .await
    }

    async fn spawn(
        data_dir: DataDir,
        database_url: Option<String>,
        envs: Vec<(String, String)>,
    ) -> Server {
        let log = tempfile::Builder::new()
            .prefix("server-")
            .suffix(".log")
            .tempfile_in(data_dir.path())
            .expect("a log file")
            .into_temp_path()
            .keep()
            .expect("the log file kept");
        let out = std::fs::File::create(&log).expect("log file");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_slugbase"));
        cmd.arg("serve")
            .current_dir(data_dir.path())
            .env("HOST", "127.0.0.1")
            .env("PORT", "0")
            .env("DATA_DIR", data_dir.path())
            .env("RATE_LIMIT_AUTH_PER_MINUTE", "10000")
            .env("RATE_LIMIT_WRITE_PER_MINUTE", "10000")
            .env("RUST_LOG", "info")
            .env_remove("DATABASE_URL")
            .env_remove("SMTP_URL")
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        if let Some(url) = &database_url {
            cmd.env("DATABASE_URL", url);
        }
        for (k, v) in &envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the slugbase binary starts");
        let port = reported_port(&mut child, &log).await;
        let mut server = Server {
            child,
            port,
            base: format!("http://127.0.0.1:{port}"),
            data_dir,
            database_url,
            envs,
            log,
            exit: None,
            client: Client::new(),
        };
        server.wait_healthy().await;
        server
    }

    /// Waits until `/api/health` answers 200; fails the test (with the server's log) if the
    /// process exits first or it takes longer than [`START_TIMEOUT`].
    async fn wait_healthy(&mut self) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.exit = Some(status);
                panic!("slugbase exited with {status} on start:\n{}", self.log());
            }
            if let Ok(res) = self.get("/api/health", None).await {
                if res.status() == StatusCode::OK {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "slugbase did not become healthy in {START_TIMEOUT:?}:\n{}",
                self.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote to stdout and stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
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

    /// `GET path`; an error only when the connection fails.
    pub async fn get(&self, path: &str, bearer: Option<&str>) -> reqwest::Result<Response> {
        self.req(Method::GET, path, bearer).send().await
    }

    pub async fn post(&self, path: &str, bearer: Option<&str>, body: Value) -> Response {
        self.req(Method::POST, path, bearer)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn delete(&self, path: &str, bearer: Option<&str>) -> Response {
        self.req(Method::DELETE, path, bearer).send().await.unwrap()
    }

    /// `GET path` without following redirects, as a go-link is checked.
    pub async fn go(&self, path: &str, bearer: Option<&str>) -> Response {
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut req = client.get(self.url(path));
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        req.send().await.unwrap()
    }

    /// Self-hosted first run: creates the admin and answers their access token.
    pub async fn setup_admin(&self, email: &str) -> String {
        let res = self
            .post(
                "/api/auth/setup",
                None,
                json!({"email": email, "name": "Admin", "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "setup");
        token_cookie(&res).expect("token cookie")
    }

    /// Signs in an existing person and answers their access token.
    pub async fn login(&self, email: &str) -> String {
        let res = self
            .post(
                "/api/auth/login",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "login {email}");
        token_cookie(&res).expect("token cookie")
    }

    /// Sends SIGTERM (what an orchestrator sends to stop a process).
    pub fn sigterm(&self) {
        self.signal(libc::SIGTERM);
    }

    /// Sends SIGKILL and reaps the process: it gets no chance to clean up.
    pub fn kill9(&mut self) -> ExitStatus {
        self.signal(libc::SIGKILL);
        self.wait_exit(Duration::from_secs(10))
    }

    fn signal(&self, sig: libc::c_int) {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid fits");
        // SAFETY: `kill` has no memory-safety preconditions; the pid is our own, unreaped child.
        let rc = unsafe { libc::kill(pid, sig) };
        assert_eq!(rc, 0, "kill({pid}, {sig})");
    }

    /// Waits for the process to exit (at most `timeout`, else the test fails) and answers how.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(status) = self.exit {
            return status;
        }
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                self.exit = Some(status);
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "slugbase still running after {timeout:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// How the process ended, if it has (does not wait).
    pub fn exit_status(&mut self) -> Option<ExitStatus> {
        if self.exit.is_none() {
            self.exit = self.child.try_wait().unwrap();
        }
        self.exit
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.exit_status().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The `token` cookie a sign-in sets.
pub fn token_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("token="))
        .map(|rest| rest.split(';').next().unwrap_or("").to_string())
}

/// The number in the name of the cluster's socket file; it reserves no TCP port.
const SOCKET_PORT: u16 = 5432;

/// A PostgreSQL cluster of the test's own in a temporary folder, reached through a Unix socket
/// in that folder (no TCP port, so nothing can take its address, not even across a restart),
/// with fsync off. Stopped and removed when dropped. As root the cluster belongs to the
/// `postgres` user, since `initdb` refuses to run as root.
pub struct PrivatePostgres {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
    running: bool,
}

impl PrivatePostgres {
    /// Creates the cluster and starts it.
    pub fn start() -> PrivatePostgres {
        let bin = pg_bin();
        let dir = tempfile::Builder::new()
            .prefix("slugbase-pg.")
            .tempdir()
            .expect("a temporary folder");
        if is_root() {
            chown_postgres(dir.path());
        }
        let pg = PrivatePostgres {
            bin,
            dir,
            port: SOCKET_PORT,
            running: false,
        };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
            ],
        );
        let mut pg = pg;
        pg.start_again();
        pg
    }

    /// The `postgres` database: `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    pub fn url_of(&self, database: &str) -> String {
        format!(
            "postgres://postgres@localhost/{database}?host={}&port={}",
            self.dir.path().display(),
            self.port
        )
    }

    /// Creates a database and answers its URL (two instances of a test share one this way).
    pub fn create_database(&self, name: &str) -> String {
        self.psql(&format!("CREATE DATABASE \"{name}\""));
        self.url_of(name)
    }

    /// Runs SQL with `psql` on the `postgres` database; answers what it printed (unaligned,
    /// tuples only).
    pub fn psql(&self, sql: &str) -> String {
        self.psql_on("postgres", sql)
    }

    pub fn psql_on(&self, database: &str, sql: &str) -> String {
        let out = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args([
                "-h",
                self.dir.path().to_str().unwrap(),
                "-p",
                &self.port.to_string(),
            ])
            .args(["-U", "postgres", "-d", database, "-c", sql])
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Stops the server (fast: open connections are cut, as when a database goes away); the
    /// data folder and port are kept for [`PrivatePostgres::start_again`].
    pub fn stop(&mut self) {
        let data = self.data();
        self.run(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"],
        );
        self.running = false;
    }

    /// Starts the server again on the same data and port (also what [`PrivatePostgres::start`]
    /// calls the first time); returns once it accepts connections.
    pub fn start_again(&mut self) {
        let data = self.data();
        let log = self.dir.path().join("log");
        let opts = format!(
            "-c listen_addresses= -p {} -k {} -c fsync=off -c max_connections=300",
            self.port,
            self.dir.path().display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                &START_TIMEOUT.as_secs().to_string(),
                "-o",
                &opts,
                "start",
            ],
        );
        self.running = true;
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs one of the cluster's programs, as the `postgres` user when we are root.
    fn run(&self, program: &str, args: &[&str]) {
        let exe = self.bin.join(program);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&exe);
            c
        } else {
            Command::new(&exe)
        };
        let out = cmd
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("{program} runs: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            self.log()
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        if self.running {
            let data = self.data();
            let exe = self.bin.join("pg_ctl");
            let args = ["-D", data.to_str().unwrap(), "-m", "immediate", "stop"];
            let _ = if is_root() {
                Command::new("runuser")
                    .args(["-u", "postgres", "--"])
                    .arg(&exe)
                    .args(args)
                    .output()
            } else {
                Command::new(&exe).args(args).output()
            };
        }
    }
}

/// The folder with `initdb` and `pg_ctl`: the newest `/usr/lib/postgresql/*/bin`, else `PATH`.
fn pg_bin() -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    // By major version, so 16 comes after 9.
    found.sort_by_key(|b| {
        b.parent()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .and_then(|n| n.split('.').next())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(bin) = found.pop() {
        return bin;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .find(|d| d.join("initdb").is_file())
        .expect("PostgreSQL binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on PATH")
}

fn is_root() -> bool {
    // SAFETY: `geteuid` only reads the process's credentials.
    unsafe { libc::geteuid() == 0 }
}

fn chown_postgres(path: &Path) {
    let ok = Command::new("chown")
        .arg("postgres")
        .arg(path)
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(ok, "chown postgres {}", path.display());
}
