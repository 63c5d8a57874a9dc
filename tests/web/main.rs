//! The web app as a person sees it: every test spawns the server as `slugbase serve` does
//! (background jobs included, SQLite or `TEST_DATABASE_URL`) and drives it with headless
//! Chromium through ChromeDriver. Needs `chromium`, `chromium-driver` and axe-core
//! (`scripts/web-tools` installs axe-core under `target/web-tools`).

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

#[allow(dead_code)]
mod browser;

#[path = "../api/oidc_provider.rs"]
#[allow(dead_code)]
mod oidc_provider;

#[path = "../api/smtp_sink.rs"]
mod smtp_sink;

mod shell;

mod admin;
mod auth;
mod invite;
mod library;
mod list;
mod org;
mod settings;
