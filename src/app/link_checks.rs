//! Checking bookmarks' URLs: the [`LinkChecker`] that asks a URL how it is (HEAD, then GET when
//! HEAD is refused; redirects followed by hand, each hop's address checked against the
//! [`AddressPolicy`] after DNS), recording what it found, and "check this one now".
//!
//! The background rounds (which bookmarks, paced per host) are `jobs::link_check`.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::sync::Notify;
use url::{Host, Url};

use crate::app::bookmarks::{self, BookmarkView};
use crate::app::tenancy::CurrentOrg;
use crate::config::Config;
use crate::domain::link_health::{
    head_refused, is_redirect, judge, parse_cidrs, parse_static_answers, AddressPolicy, Outcome,
    Verdict, MAX_REDIRECTS,
};
use crate::domain::Timestamp;
use crate::error::Result;
use crate::store::{link_checks, Store};

/// How the checker runs, from the `LINK_CHECK_*` settings.
#[derive(Clone, Debug)]
pub struct CheckSettings {
    /// Checks under way at once; 0: no background checks.
    pub concurrency: usize,
    /// A bookmark is due again this long after its check.
    pub interval: Duration,
    /// How long one request may take.
    pub timeout: Duration,
    /// How often the background checker looks for due bookmarks.
    pub poll: Duration,
}

impl CheckSettings {
    /// The longest one check can take: every hop asked twice (HEAD, then GET), plus slack. A
    /// claim on a bookmark lasts this long per bookmark claimed.
    pub fn budget(&self) -> Duration {
        let requests = 2 * (MAX_REDIRECTS as u32 + 1);
        self.timeout * requests + Duration::from_secs(2)
    }
}

/// Asks URLs how they are; one per server, shared by the background job and the check endpoint.
#[derive(Debug)]
pub struct LinkChecker {
    http: reqwest::Client,
    policy: Arc<AddressPolicy>,
    pub settings: CheckSettings,
    wake: Notify,
}

/// DNS for the checker: the static answers first, then the system resolver; only the addresses
/// the policy permits are handed to the connection (none left: the lookup fails).
#[derive(Debug)]
struct GuardedResolver {
    answers: HashMap<String, IpAddr>,
    policy: Arc<AddressPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let fixed = self.answers.get(&host).copied();
        let policy = Arc::clone(&self.policy);
        Box::pin(async move {
            let found: Vec<SocketAddr> = match fixed {
                Some(ip) => vec![SocketAddr::new(ip, 0)],
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
            };
            let permitted: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| policy.permits(a.ip()))
                .collect();
            if permitted.is_empty() {
                return Err(format!("{host}: no address the link checker may connect to").into());
            }
            Ok(Box::new(permitted.into_iter()) as Addrs)
        })
    }
}

impl LinkChecker {
    /// The checker the settings describe; a clear message for a malformed address list.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let allowed = parse_cidrs(config.link_check_allow_addrs.as_deref().unwrap_or(""))
            .map_err(|e| anyhow::anyhow!("LINK_CHECK_ALLOW_ADDRS: not an address or range: {e}"))?;
        let answers = parse_static_answers(config.link_check_resolve.as_deref().unwrap_or(""))
            .map_err(|e| anyhow::anyhow!("LINK_CHECK_RESOLVE: not host=ip: {e}"))?;
        let policy = Arc::new(AddressPolicy {
            allow_private: config.link_check_allow_private,
            allowed,
        });
        let settings = CheckSettings {
            concurrency: config.link_check_concurrency,
            interval: Duration::from_secs(config.link_check_interval_hours.saturating_mul(3600)),
            timeout: Duration::from_secs(config.link_check_timeout_secs.max(1)),
            poll: Duration::from_millis(config.link_check_poll_ms.max(10)),
        };
        let resolver = GuardedResolver {
            answers: answers.into_iter().collect(),
            policy: Arc::clone(&policy),
        };
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would connect for us, past the address checks.
            .no_proxy()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            .dns_resolver(Arc::new(resolver))
            .user_agent(concat!("SlugBase-LinkChecker/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            http,
            policy,
            settings,
            wake: Notify::new(),
        })
    }

    /// Tells the background checker that a bookmark is due now (a URL changed). A wake-up while
    /// it is busy is kept for when it looks again.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Resolves when [`LinkChecker::wake`] was called.
    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Whether the URL's host, when it is an address, may be connected to (a name is checked
    /// after DNS, by the resolver).
    fn literal_permitted(&self, url: &Url) -> bool {
        match url.host() {
            Some(Host::Ipv4(ip)) => self.policy.permits(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => self.policy.permits(IpAddr::V6(ip)),
            Some(Host::Domain(_)) => true,
            None => false,
        }
    }

    /// One request for `url`: HEAD, or GET when HEAD is refused or fails in some odd way (not a
    /// timeout or a failed connection, which GET would meet too). The status and `Location`.
    async fn ask(&self, url: &Url) -> Option<(u16, Option<String>)> {
        let answer = |r: reqwest::Response| {
            let location = r
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            (r.status().as_u16(), location)
        };
        match self.http.head(url.clone()).send().await {
            Ok(r) if !head_refused(r.status().as_u16()) => return Some(answer(r)),
            Ok(_) => {}
            Err(e) if e.is_timeout() || e.is_connect() => return None,
            Err(_) => {}
        }
        // The body is never read: the answer's head says all a check needs.
        self.http.get(url.clone()).send().await.ok().map(answer)
    }

    /// Follows `start` through up to [`MAX_REDIRECTS`] redirects, every hop's address checked.
    pub async fn probe(&self, start: &str) -> Outcome {
        let Ok(mut url) = Url::parse(start) else {
            return Outcome::NoAnswer;
        };
        let mut redirects = Vec::new();
        let mut seen = HashSet::new();
        loop {
            if !matches!(url.scheme(), "http" | "https") || !self.literal_permitted(&url) {
                return Outcome::NoAnswer;
            }
            if !seen.insert(url.to_string()) {
                return Outcome::RedirectLoop;
            }
            let Some((code, location)) = self.ask(&url).await else {
                return Outcome::NoAnswer;
            };
            match location.and_then(|l| url.join(&l).ok()) {
                Some(next) if is_redirect(code) => {
                    if redirects.len() == MAX_REDIRECTS {
                        return Outcome::RedirectLoop;
                    }
                    redirects.push(code);
                    url = next;
                }
                _ => {
                    return Outcome::Answered {
                        code,
                        url: url.to_string(),
                        redirects,
                    }
                }
            }
        }
    }

    /// Checks `url` and records the verdict on bookmark `id` (unless its URL changed meanwhile).
    pub async fn check_and_record(&self, store: &Store, id: &str, url: &str) -> Result<Verdict> {
        let verdict = judge(&self.probe(url).await);
        record(store, id, url, &verdict, &self.settings).await?;
        Ok(verdict)
    }
}

/// Writes a verdict, and the next check's time. Only a changed verdict can change a cached
/// answer (the list totals by `link_status`), so only that one invalidates the organization;
/// an unchanged one (the common case) commits quietly.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record(
    store: &Store,
    id: &str,
    url: &str,
    verdict: &Verdict,
    settings: &CheckSettings,
) -> Result<()> {
    let now = Timestamp::now().millis();
    let next = now + i64::try_from(settings.interval.as_millis()).unwrap_or(i64::MAX / 4);
    let mut tx = store.begin().await?;
    let Some((org_id, before)) = link_checks::current(&mut tx.conn(), id, url).await? else {
        // Deleted, or its URL changed while it was checked: the new URL is due anyway.
        link_checks::unclaim(&mut tx.conn(), id).await?;
        return tx.commit_quietly().await;
    };
    link_checks::record(&mut tx.conn(), id, url, verdict, now, next).await?;
    if before == *verdict {
        tx.commit_quietly().await
    } else {
        tx.invalidates_org(&org_id);
        tx.commit().await
    }
}

/// Checks a bookmark the caller can see now (404 otherwise) and gives it back as they see it.
/// No transaction is open while the URL is asked.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn check_now(
    store: &Store,
    checker: &LinkChecker,
    org: &CurrentOrg,
    raw_id: &str,
) -> Result<BookmarkView> {
    let row = {
        let mut db = store.read().await?;
        bookmarks::visible(&mut db.conn(), org, raw_id).await?
    };
    checker.check_and_record(store, &row.id, &row.url).await?;
    let mut db = store.read().await?;
    bookmarks::view(&mut db.conn(), org, &row.id).await
}
