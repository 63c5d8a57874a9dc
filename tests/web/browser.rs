//! A real Chromium driven through ChromeDriver (WebDriver), one per test, against a server
//! started as `slugbase serve` starts. Every page a test visits can be checked with
//! [`Browser::check_page`]: axe-core finds no serious or critical violation, the console shows no
//! error (a CSP refusal is one), nothing scrolls sideways at 375 px, and screenshots (desktop and
//! 375 px, light and dark) land in `target/screenshots/` (or `$SCREENSHOT_DIR`).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Browsers at once: each is a few hundred MB and the machine has two cores.
static SLOTS: LazyLock<std::sync::Arc<Semaphore>> =
    LazyLock::new(|| std::sync::Arc::new(Semaphore::new(2)));

pub const DESKTOP: (u32, u32) = (1280, 900);

/// How long a wait for a condition may take before the test fails. Every wait returns as soon
/// as its condition holds, so this costs nothing when the page is there; it is long because a
/// loaded two-core machine may take seconds for what takes milliseconds when idle.
const PATIENCE: Duration = Duration::from_secs(30);
pub const PHONE: (u32, u32) = (375, 812);

/// ChromeDriver in a process group of its own, so that dropping it also ends its Chromium.
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let pgid = self.child.id() as i32;
        if pgid > 1 {
            // SAFETY: a plain system call on the group this process started; no memory involved.
            unsafe { libc::killpg(pgid, libc::SIGKILL) };
        }
        let _ = self.child.wait();
    }
}

/// Starts ChromeDriver on port 0 and reads the port it was given from its first lines ("…
/// started successfully on port N."), so no other process can take it in between. One that
/// ends before saying so (seen once on a loaded machine; what it wrote is kept) is replaced by
/// another, a few times at most.
fn start_driver() -> Driver {
    let mut said = Vec::new();
    for _ in 0..3 {
        match try_start_driver() {
            Ok(driver) => return driver,
            Err(why) => said.push(why),
        }
    }
    panic!(
        "ChromeDriver never said which port it listens on:\n{}",
        said.join("\n---\n")
    )
}

fn try_start_driver() -> Result<Driver, String> {
    use std::io::BufRead;
    use std::os::unix::process::CommandExt;
    let bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let errors = tempfile::tempfile().expect("a temporary file");
    let mut child = Command::new(&bin)
        .arg("--port=0")
        .stdout(Stdio::piped())
        .stderr(errors.try_clone().expect("a second handle"))
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {bin} ({e}): install chromium and chromium-driver (see README)")
        });
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = String::new();
    let port = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(p) = line.strip_prefix("ChromeDriver was started successfully on port ")
                {
                    break p
                        .trim_end_matches('.')
                        .parse::<u16>()
                        .expect("a port number");
                }
                out.push_str(&line);
                out.push('\n');
            }
            _ => {
                let status = child.wait().map(|s| s.to_string()).unwrap_or_default();
                let mut err = String::new();
                let mut errors = errors;
                use std::io::{Read, Seek};
                let _ = errors.rewind();
                let _ = errors.read_to_string(&mut err);
                return Err(format!("{bin} ended ({status}); it wrote:\n{out}{err}"));
            }
        }
    };
    // Keep reading what it says, so it never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Ok(Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    })
}

pub struct Browser {
    pub c: Client,
    pub base: String,
    _profile: tempfile::TempDir,
    driver: Driver,
    _slot: OwnedSemaphorePermit,
}

/// ChromeDriver's log endpoint (not part of W3C WebDriver, so not in fantoccini).
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or("")))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.into()))
    }
}

impl Browser {
    /// A browser whose pages ask for English.
    pub async fn open(base: &str) -> Browser {
        Self::open_with(base, "en-US,en").await
    }

    /// A browser that runs no scripts, as for a person with JavaScript off: the pages' core
    /// flows must work so.
    pub async fn open_without_scripts(base: &str) -> Browser {
        Self::launch(base, "en-US,en", false).await
    }

    /// A browser whose `Accept-Language` is `languages`.
    pub async fn open_with(base: &str, languages: &str) -> Browser {
        Self::launch(base, languages, true).await
    }

    async fn launch(base: &str, languages: &str, scripts: bool) -> Browser {
        let slot = SLOTS.clone().acquire_owned().await.unwrap();
        let driver = start_driver();
        let profile = tempfile::tempdir().unwrap();
        let chrome = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let caps = json!({
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": chrome,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--hide-scrollbars", format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--lang={}", languages.split(',').next().unwrap_or("en")),
                ],
                "prefs": {
                    "intl.accept_languages": languages,
                    "profile.managed_default_content_settings.javascript": if scripts { 1 } else { 2 },
                },
            }
        });
        let caps = caps.as_object().unwrap().clone();
        let deadline = Instant::now() + Duration::from_secs(20);
        let c = loop {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&driver.url)
                .await
            {
                Ok(c) => break c,
                Err(e) if Instant::now() > deadline => panic!("chromedriver: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        c.set_window_size(DESKTOP.0, DESKTOP.1).await.unwrap();
        Browser {
            c,
            base: base.to_string(),
            _profile: profile,
            driver,
            _slot: slot,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn goto(&self, path: &str) {
        self.c.goto(&self.url(path)).await.unwrap();
    }

    /// The current path and query (the origin cut off).
    pub async fn path(&self) -> String {
        let url = self.c.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    }

    /// Waits for the path to satisfy `ok` (a form's redirect lands asynchronously) and returns
    /// it; fails the test, naming the path it stayed on, when it never does.
    pub async fn wait_path(&self, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let p = self.path().await;
            if ok(&p) {
                return p;
            }
            assert!(
                Instant::now() < deadline,
                "the page stayed on {p}, not the one the test waited for"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits for the page at `path` and returns the path with its query: the query is part of
    /// what must match only when `path` has one (`/login?error=…`), since a redirect may add
    /// one (`/?notice=joined`).
    pub async fn wait_page(&self, path: &str) -> String {
        if path.contains('?') {
            self.wait_path(|p| p == path).await
        } else {
            self.wait_path(|p| p.split('?').next() == Some(path)).await
        }
    }

    pub async fn find(&self, css: &str) -> Element {
        self.c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self.c.find_all(Locator::Css(css)).await.unwrap().is_empty()
    }

    /// Types `value` into the field `css` (after clearing it).
    pub async fn fill(&self, css: &str, value: &str) {
        let el = self.find(css).await;
        el.clear().await.unwrap();
        el.send_keys(value).await.unwrap();
    }

    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        let finder = format!("document.querySelector({})", js_string(css));
        let navigates = self.marks_navigation(&finder).await;
        el.click().await.unwrap();
        if navigates {
            self.wait_navigated().await;
        }
    }

    /// Whether clicking the element `finder` (a JS expression) opens another page: a link to
    /// another address in this tab, or a submit button of a form the browser will send (its
    /// fields valid). If so, marks the current document, so that
    /// [`wait_navigated`](Self::wait_navigated) can tell when the next one has replaced it.
    /// Without that wait, a check right after a click could read the old page (a notice still
    /// showing from the previous save) and act on elements about to go stale. The mark is an
    /// attribute of the root element: a new page, or a page a script writes in place of this
    /// one (`document.open`), has a root element without it.
    async fn marks_navigation(&self, finder: &str) -> bool {
        let script = format!(
            "const e = {finder}; if (!e) return false; \
             const href = e.tagName === 'A' ? e.getAttribute('href') : null; \
             const link = href !== null && !href.startsWith('#') && !href.startsWith('javascript:') \
               && !e.hasAttribute('download') && (e.target || '_self') === '_self'; \
             const form = e.type === 'submit' ? e.form : null; \
             const sends = !!form && (form.noValidate || e.formNoValidate || form.checkValidity()); \
             const go = link || sends; \
             if (go) {{ document.documentElement.setAttribute('data-test-old-page', ''); }} \
             return go;"
        );
        self.js(&script).await.as_bool().unwrap_or(false)
    }

    /// Waits until the marked document has been replaced and the new one has loaded; fails the
    /// test when no new page comes.
    async fn wait_navigated(&self) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            // While the old page unloads the script may fail: that is "not yet".
            let done = self
                .c
                .execute(
                    "return !document.documentElement.hasAttribute('data-test-old-page') \
                     && document.readyState === 'complete'",
                    vec![],
                )
                .await;
            if matches!(done, Ok(Value::Bool(true))) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "a click that opens a page opened none; still on {}",
                self.path().await
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Clicks the button (or link) whose visible text is `text`.
    pub async fn click_text(&self, text: &str) {
        let xpath = format!(
            "//*[self::button or self::a][normalize-space(.)={}]",
            xpath_literal(text)
        );
        let el = self
            .c
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button or link {text:?}: {e}"));
        let finder = format!(
            "document.evaluate({}, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue",
            js_string(&xpath)
        );
        let navigates = self.marks_navigation(&finder).await;
        el.click().await.unwrap();
        if navigates {
            self.wait_navigated().await;
        }
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    /// The whole visible text of the page.
    pub async fn body_text(&self) -> String {
        // Read by script: an element found before a navigation would be stale after it.
        self.js("return document.body ? document.body.innerText : ''")
            .await
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Waits for the page's text to contain `needle`.
    pub async fn wait_text(&self, needle: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let text = self.body_text().await;
            if text.contains(needle) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "{needle:?} never appeared on {}; the page says:\n{text}",
                    self.path().await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn js(&self, script: &str) -> Value {
        self.c.execute(script, vec![]).await.unwrap()
    }

    /// Signs in through the sign-in page and waits to leave it.
    pub async fn sign_in(&self, email: &str, password: &str) {
        if !self.path().await.starts_with("/login") {
            self.goto("/login").await;
        }
        self.fill("input[name=email]", email).await;
        self.fill("input[name=password]", password).await;
        self.click("form[action='/login'] button[type=submit]")
            .await;
        self.wait_path(|p| !p.starts_with("/login")).await;
    }

    pub async fn set_size(&self, (w, h): (u32, u32)) {
        self.c.set_window_size(w, h).await.unwrap();
    }

    /// What the console logged at level SEVERE since the last call.
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self.c.issue_cmd(BrowserLog).await.unwrap_or(Value::Null);
        log.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or("").to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The serious and critical axe-core violations of the page as it is now.
    pub async fn axe(&self) -> Vec<String> {
        let source = std::fs::read_to_string(axe_path()).unwrap_or_else(|e| {
            panic!(
                "axe-core not found at {} ({e}): run scripts/web-tools",
                axe_path().display()
            )
        });
        self.c.execute(&source, vec![]).await.unwrap();
        let result = self
            .c
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {resultTypes: ['violations']})
                    .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,
                        help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))))
                    .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));",
                vec![],
            )
            .await
            .unwrap();
        result
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| {
                format!(
                    "{} ({}): {} at {}",
                    v["id"], v["impact"], v["help"], v["nodes"]
                )
            })
            .collect()
    }

    /// How far the page is wider than the window (0 when nothing scrolls sideways).
    pub async fn overflow_px(&self) -> i64 {
        self.js("return document.documentElement.scrollWidth - window.innerWidth")
            .await
            .as_i64()
            .unwrap_or(0)
    }

    /// The innermost elements whose right edge lies past the window, to say what to fix.
    async fn wider_than_window(&self) -> String {
        let script = "const w = window.innerWidth; \
            return [...document.querySelectorAll('body *')] \
              .filter(e => e.getBoundingClientRect().right > w + 1 \
                && ![...e.children].some(c => c.getBoundingClientRect().right > w + 1)) \
              .slice(0, 5) \
              .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : '') \
                + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)') \
              .join(', ');";
        self.js(script).await.as_str().unwrap_or("").to_string()
    }

    /// The checks every page must pass, and its four screenshots named `name`: axe-core (light,
    /// then dark), the console, and the 375 px width. The window is back at desktop size after.
    pub async fn check_page(&self, name: &str) {
        let path = self.path().await;
        let mut problems = Vec::new();
        let lang = self.js("return document.documentElement.lang").await;
        if lang.as_str().unwrap_or("").is_empty() {
            problems.push("no <html lang>".to_string());
        }
        let title = self.c.title().await.unwrap();
        if title.trim().is_empty() {
            problems.push("no <title>".to_string());
        }
        let original = self
            .js("return document.documentElement.dataset.theme || 'auto'")
            .await;
        for theme in ["light", "dark"] {
            self.js(&format!(
                "document.documentElement.dataset.theme = '{theme}'"
            ))
            .await;
            for v in self.axe().await {
                problems.push(format!("{theme}: {v}"));
            }
            for size in [DESKTOP, PHONE] {
                self.set_size(size).await;
                if size == PHONE {
                    let over = self.overflow_px().await;
                    if over > 0 {
                        let culprits = self.wider_than_window().await;
                        problems.push(format!(
                            "{over} px wider than a 375 px window; reaching past it: {culprits}"
                        ));
                    }
                }
                self.screenshot(&format!("{name}-{}-{theme}", size.0)).await;
            }
            self.set_size(DESKTOP).await;
        }
        self.js(&format!(
            "document.documentElement.dataset.theme = {original}"
        ))
        .await;
        // A page answered with an error status (a 404 page, a refused form) logs its own load,
        // which tests check by status; anything else (a script error, a CSP refusal, a missing
        // asset) is a problem.
        for e in self.console_errors().await {
            let page_load = e
                .contains(" - Failed to load resource: the server responded with a status of 4")
                && !e.contains("/assets/");
            if !page_load {
                problems.push(format!("console: {e}"));
            }
        }
        assert!(
            problems.is_empty(),
            "{path} ({name}):\n{}",
            problems.join("\n")
        );
    }

    pub async fn screenshot(&self, name: &str) {
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let png = self.c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// Ends the browser session (and with the driver, Chromium).
    pub async fn close(self) {
        let _ = self.c.clone().close().await;
        drop(self.driver);
    }
}

/// A client that shows redirects instead of following them (for the HTTP tests of pages).
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else {
        format!("concat('{}')", s.replace('\'', "', \"'\", '"))
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn axe_path() -> PathBuf {
    std::env::var("AXE_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("target/web-tools/node_modules/axe-core/axe.min.js"))
}

fn screenshot_dir() -> PathBuf {
    std::env::var("SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("target/screenshots"))
}

/// `s` as a JavaScript string literal (JSON's string syntax is JavaScript's).
fn js_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
