//! SlugBase: a bookmark manager whose bookmarks double as go-links, organized in tenants.
//!
//! - [`config`]: settings from flags and environment.
//! - [`domain`]: validated types and product rules (no I/O).
//! - [`store`]: persistence, one API over SQLite and PostgreSQL.
//! - [`services`]: flows spanning several store calls, shared by HTTP and the CLI.
//! - [`http`]: one router per resource, extractors for identity and bodies.
//! - [`security`]: hashing, tokens, JWTs, CSRF, rate limits.

pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod mail;
pub mod security;
pub mod services;
pub mod startup;
pub mod state;
pub mod store;
pub mod ui;

pub use startup::Application;
