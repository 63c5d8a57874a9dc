//! The background link checker: looks for due bookmarks every poll period (and when woken after
//! a URL changed), and checks them with at most `LINK_CHECK_CONCURRENCY` checks at once and
//! one check per host per second.
//!
//! Several instances on one database share the work without doubling it:
//! - a host is paced by one instance at a time: it holds the host's lease in `job_leases`
//!   (`link-host:<host>`) while it checks there, and leaves it one second past the end of its
//!   last check, so the next instance to take it over cannot come sooner;
//! - a bookmark is claimed (`link_check_claimed_until`) by one conditional UPDATE before it is
//!   checked, so no URL is checked twice at once.
//!
//! No transaction is open while a URL is asked; each verdict is one small write.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::app::link_checks::LinkChecker;
use crate::domain::Timestamp;
use crate::error::Result;
use crate::store::link_checks::{self, DueLink, HOST_LEASE_PREFIX};
use crate::store::{leases, Store};

/// Due bookmarks read at a time, to group by host.
const DUE_BATCH: i64 = 1000;
/// Bookmarks of one host claimed at a time (a claim lasts the check budget for each).
const PER_HOST: usize = 10;
/// Checks of one host start at least this far apart.
pub const HOST_GAP: Duration = Duration::from_secs(1);

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

/// The host a URL's checks are paced by (its name, lowercased; nothing for no URL at all).
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

/// When each host's latest check from here ended (the lease paces hosts between instances).
/// The gap is counted from the end of a check, not its start: its requests (a GET after a
/// refused HEAD, redirect hops) and a slow answer then never bring the next check's first
/// request closer than a whole gap to the last one, as the host sees them.
#[derive(Default)]
struct Pacer(Mutex<HashMap<String, Instant>>);

impl Pacer {
    fn last(&self) -> std::sync::MutexGuard<'_, HashMap<String, Instant>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until a whole gap has passed since the latest check of `host` ended.
    async fn wait(&self, host: &str) {
        let at = self.last().get(host).map(|t| *t + HOST_GAP);
        if let Some(at) = at {
            tokio::time::sleep_until(at).await;
        }
    }

    /// Notes that a check of `host` has just ended.
    fn done(&self, host: &str) {
        self.last().insert(host.to_string(), Instant::now());
    }
}

struct Ctx {
    checker: Arc<LinkChecker>,
    store: Store,
    holder: String,
    pacer: Pacer,
}

pub async fn run(
    checker: Arc<LinkChecker>,
    store: Store,
    holder: String,
    mut stopped: watch::Receiver<bool>,
) {
    if checker.settings.concurrency == 0 {
        return;
    }
    let poll = checker.settings.poll;
    let ctx = Arc::new(Ctx {
        checker,
        store,
        holder,
        pacer: Pacer::default(),
    });
    loop {
        if *stopped.borrow_and_update() {
            return;
        }
        if let Err(e) = round(&ctx, &stopped).await {
            tracing::warn!(error = %e, "link check round failed; will retry");
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = ctx.checker.woken() => {}
            changed = stopped.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// Checks what is due until nothing more can be claimed here.
async fn round(ctx: &Arc<Ctx>, stopped: &watch::Receiver<bool>) -> Result<()> {
    let concurrency = ctx.checker.settings.concurrency;
    let mut tasks: JoinSet<String> = JoinSet::new();
    let mut busy: HashSet<String> = HashSet::new();
    loop {
        if *stopped.borrow() {
            break;
        }
        let free = concurrency.saturating_sub(tasks.len());
        if free > 0 {
            for (host, links) in claim_hosts(ctx, &busy, free).await? {
                busy.insert(host.clone());
                tasks.spawn(check_host(Arc::clone(ctx), host, links, stopped.clone()));
            }
        }
        let mut stop = stopped.clone();
        tokio::select! {
            done = tasks.join_next() => match done {
                None => break,
                Some(Ok(host)) => { busy.remove(&host); }
                Some(Err(e)) => tracing::error!(error = %e, "a link check task ended abnormally"),
            },
            _ = stop.changed() => break,
        }
    }
    // On stop: checks under way are abandoned; their claims run out by themselves.
    tasks.shutdown().await;
    let mut tx = ctx.store.begin().await?;
    let before = Timestamp::now().millis() - 60_000;
    link_checks::delete_old_host_leases(&mut tx.conn(), before).await?;
    // Leases are part of no cached answer.
    tx.commit_quietly().await
}

/// Takes up to `hosts` hosts (not `busy` here) with due bookmarks, with their lease, and claims
/// up to [`PER_HOST`] of each one's due bookmarks.
async fn claim_hosts(
    ctx: &Ctx,
    busy: &HashSet<String>,
    hosts: usize,
) -> Result<Vec<(String, Vec<DueLink>)>> {
    let now = Timestamp::now().millis();
    let due = {
        let mut db = ctx.store.read().await?;
        link_checks::due(&mut db.conn(), now, DUE_BATCH).await?
    };
    let mut by_host: BTreeMap<String, Vec<DueLink>> = BTreeMap::new();
    for link in due {
        let host = host_of(&link.url);
        if !busy.contains(&host) {
            let links = by_host.entry(host).or_default();
            if links.len() < PER_HOST {
                links.push(link);
            }
        }
    }
    let budget = ms(ctx.checker.settings.budget());
    let mut out = Vec::new();
    for (host, links) in by_host {
        if out.len() == hosts {
            break;
        }
        let lease = format!("{HOST_LEASE_PREFIX}{host}");
        let mut tx = ctx.store.begin().await?;
        if !leases::try_take(&mut tx.conn(), &lease, &ctx.holder, now, now + budget).await? {
            continue; // another instance is checking there
        }
        let ids: Vec<String> = links.into_iter().map(|l| l.id).collect();
        let until = now + budget * ids.len() as i64 + ms(HOST_GAP) * ids.len() as i64;
        let claimed = link_checks::claim(&mut tx.conn(), &ids, now, until).await?;
        // Claims and leases are part of no cached answer.
        tx.commit_quietly().await?;
        if !claimed.is_empty() {
            out.push((host, claimed));
        }
    }
    Ok(out)
}

/// Checks one host's claimed bookmarks in turn, paced; the host when done.
async fn check_host(
    ctx: Arc<Ctx>,
    host: String,
    links: Vec<DueLink>,
    mut stopped: watch::Receiver<bool>,
) -> String {
    let lease = format!("{HOST_LEASE_PREFIX}{host}");
    let budget = ms(ctx.checker.settings.budget());
    let mut asked = false;
    for link in links {
        ctx.pacer.wait(&host).await;
        if *stopped.borrow() {
            break;
        }
        let start = Timestamp::now().millis();
        if let Err(e) = renew(&ctx, &lease, start, start + budget).await {
            tracing::debug!(error = %e, "could not renew a link check host lease");
        }
        asked = true;
        let stop = tokio::select! {
            checked = ctx.checker.check_and_record(&ctx.store, &link.id, &link.url) => {
                if let Err(e) = checked {
                    tracing::warn!(error = %e, "could not record a link check; it is retried");
                }
                false
            }
            _ = stopped.changed() => true,
        };
        ctx.pacer.done(&host);
        if stop {
            break;
        }
    }
    // Whoever takes the host over next waits a whole gap after this instance's last check
    // (and a millisecond more, for the clock's milliseconds being rounded down).
    if asked {
        let now = Timestamp::now().millis();
        if let Err(e) = renew(&ctx, &lease, now, now + ms(HOST_GAP) + 1).await {
            tracing::debug!(error = %e, "could not leave a link check host lease");
        }
    }
    host
}

async fn renew(ctx: &Ctx, lease: &str, now: i64, until: i64) -> Result<bool> {
    let mut tx = ctx.store.begin().await?;
    let held = leases::try_take(&mut tx.conn(), lease, &ctx.holder, now, until).await?;
    tx.commit_quietly().await?;
    Ok(held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_named_without_case_or_port() {
        assert_eq!(host_of("https://Example.COM:8443/a"), "example.com");
        assert_eq!(host_of("not a url"), "");
    }

    #[tokio::test]
    async fn a_host_is_asked_a_whole_gap_after_its_last_check_ended() {
        let pacer = Pacer::default();
        let start = Instant::now();
        pacer.wait("a.test").await;
        pacer.done("a.test");
        pacer.wait("b.test").await;
        assert!(
            start.elapsed() < HOST_GAP / 2,
            "different hosts do not wait"
        );
        tokio::time::sleep(HOST_GAP / 4).await;
        let ended = Instant::now();
        pacer.done("a.test");
        pacer.wait("a.test").await;
        assert!(ended.elapsed() >= HOST_GAP);
    }
}
