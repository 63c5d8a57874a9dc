//! SlugBase: a bookmark manager whose bookmarks double as go-links, organized in tenants.
//!
//! - [`config`]: settings from flags and environment.
//! - [`domain`]: validated types and product rules (no I/O).
//! - [`store`]: persistence, one API over SQLite and PostgreSQL.
//! - [`app`]: the use cases, each once; the JSON API, the pages and the CLI are adapters over it.
//! - [`http`]: the JSON API, one router per resource; [`web`]: the pages. Siblings: what both
//!   read from a request (cookies, client address, identity) is in [`request`].
//! - [`security`]: hashing, tokens, JWTs, CSRF, rate limits.
//! - [`metrics`]: counters and histograms for `GET /metrics`.
//! - [`jobs`]: background work the [`Application`] starts and stops (visit counts, limiter sweeps).

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod jobs;
pub mod mail;
pub mod metrics;
pub mod request;
pub mod security;
pub mod startup;
pub mod state;
pub mod store;
pub mod web;

pub use startup::Application;
