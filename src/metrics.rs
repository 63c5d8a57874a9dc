//! What `GET /metrics` reports, in the Prometheus text format.
//!
//! Counters and histograms live in one registry per process: a metric describes the process
//! that serves it, and the code that counts (a cache, the go-link handler, the request layer)
//! should not need the request state to do so. Gauges of things that already have a size (the
//! database pool, the visits not yet written) are read when scraped instead of kept up to date.
//!
//! Counting is meant for hot paths: a labelled counter is a hash of the label values, a read lock
//! and an atomic add.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

/// Request latency buckets, in seconds: fine below a millisecond, where go-links are answered.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    go_hits: IntCounter,
    go_misses: IntCounter,
    cache_hits: IntCounterVec,
    cache_misses: IntCounterVec,
    pool_size: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
    database_up: IntGauge,
    visits_pending: IntGauge,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    fn new() -> Self {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new(
                "slugbase_http_requests_total",
                "HTTP requests answered, by method, route template and status",
            ),
            &["method", "route", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "slugbase_http_request_duration_seconds",
                "Time from a request's arrival to its response headers, by method and route",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            &["method", "route"],
        )
        .expect("valid metric");
        let go_hits = IntCounter::new(
            "slugbase_go_link_hits_total",
            "/go/ requests that found a link (redirected, or offered a choice)",
        )
        .expect("valid metric");
        let go_misses = IntCounter::new(
            "slugbase_go_link_misses_total",
            "/go/ requests of signed-in people that found no link (the 404 page)",
        )
        .expect("valid metric");
        let cache_hits = IntCounterVec::new(
            Opts::new(
                "slugbase_cache_hits_total",
                "Lookups answered from an in-memory cache",
            ),
            &["cache"],
        )
        .expect("valid metric");
        let cache_misses = IntCounterVec::new(
            Opts::new(
                "slugbase_cache_misses_total",
                "Lookups an in-memory cache could not answer",
            ),
            &["cache"],
        )
        .expect("valid metric");
        let gauge = |name: &str, help: &str| IntGauge::new(name, help).expect("valid metric");
        let pool_size = gauge(
            "slugbase_db_pool_connections",
            "Database connections open (idle and in use)",
        );
        let pool_idle = gauge(
            "slugbase_db_pool_idle_connections",
            "Database connections open and idle",
        );
        let pool_max = gauge(
            "slugbase_db_pool_max_connections",
            "The most database connections the pool opens",
        );
        let database_up = gauge(
            "slugbase_database_up",
            "1 when the last health probe reached the database, 0 otherwise",
        );
        let visits_pending = gauge(
            "slugbase_visits_pending",
            "Bookmarks with go-link visits counted in memory and not yet written",
        );
        for m in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(go_hits.clone()),
            Box::new(go_misses.clone()),
            Box::new(cache_hits.clone()),
            Box::new(cache_misses.clone()),
            Box::new(pool_size.clone()),
            Box::new(pool_idle.clone()),
            Box::new(pool_max.clone()),
            Box::new(database_up.clone()),
            Box::new(visits_pending.clone()),
        ] {
            registry.register(m).expect("each metric registered once");
        }
        Self {
            registry,
            requests,
            latency,
            go_hits,
            go_misses,
            cache_hits,
            cache_misses,
            pool_size,
            pool_idle,
            pool_max,
            database_up,
            visits_pending,
        }
    }
}

/// One answered HTTP request. `route` is the matched route template (`/api/bookmarks/{id}`),
/// never the raw path, so the number of series stays bounded.
pub fn request(method: &str, route: &str, status: &str, elapsed: Duration) {
    let m = &*METRICS;
    m.requests.with_label_values(&[method, route, status]).inc();
    m.latency
        .with_label_values(&[method, route])
        .observe(elapsed.as_secs_f64());
}

/// A `/go/` request that found a link (`true`) or none (`false`).
pub fn go_link(found: bool) {
    if found {
        METRICS.go_hits.inc();
    } else {
        METRICS.go_misses.inc();
    }
}

/// A lookup an in-memory cache answered; `cache` names it (`"go_links"`, `"sessions"`, …).
pub fn cache_hit(cache: &str) {
    METRICS.cache_hits.with_label_values(&[cache]).inc();
}

/// A lookup an in-memory cache could not answer (absent or stale).
pub fn cache_miss(cache: &str) {
    METRICS.cache_misses.with_label_values(&[cache]).inc();
}

/// What is measured at scrape time rather than counted.
#[derive(Clone, Copy, Debug, Default)]
pub struct Gauges {
    pub pool_size: u32,
    pub pool_idle: usize,
    pub pool_max: u32,
    pub database_up: bool,
    pub visits_pending: usize,
}

/// Every metric in the Prometheus text exposition format, with `gauges` as of now.
pub fn render(gauges: Gauges) -> String {
    let m = &*METRICS;
    m.pool_size.set(i64::from(gauges.pool_size));
    m.pool_idle.set(saturating_i64(gauges.pool_idle));
    m.pool_max.set(i64::from(gauges.pool_max));
    m.database_up.set(i64::from(gauges.database_up));
    m.visits_pending.set(saturating_i64(gauges.visits_pending));
    let mut out = Vec::new();
    TextEncoder::new()
        .encode(&m.registry.gather(), &mut out)
        .expect("the text encoder writes to memory");
    String::from_utf8(out).expect("the text format is UTF-8")
}

/// The `Content-Type` of [`render`]'s output.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

fn saturating_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_requests_and_cache_lookups_appear_in_the_text_format() {
        request(
            "GET",
            "/api/bookmarks/{id}",
            "200",
            Duration::from_millis(3),
        );
        cache_hit("unit_test_cache");
        cache_miss("unit_test_cache");
        let text = render(Gauges {
            pool_size: 4,
            pool_idle: 3,
            pool_max: 16,
            database_up: true,
            visits_pending: 2,
        });
        assert!(text.contains(
            r#"slugbase_http_requests_total{method="GET",route="/api/bookmarks/{id}",status="200"}"#
        ));
        assert!(text.contains(
            r#"slugbase_http_request_duration_seconds_bucket{method="GET",route="/api/bookmarks/{id}",le="0.005"}"#
        ));
        assert!(text.contains(r#"slugbase_cache_hits_total{cache="unit_test_cache"} "#));
        assert!(text.contains(r#"slugbase_cache_misses_total{cache="unit_test_cache"} "#));
        assert!(text.contains("slugbase_db_pool_idle_connections 3\n"));
        assert!(text.contains("slugbase_database_up 1\n"));
        assert!(text.contains("slugbase_visits_pending 2\n"));
    }
}
