//! Flows that span several store calls and are shared by the HTTP API and the command line.

pub mod access_counter;
pub mod accounts;
pub mod bookmark_io;
pub mod cache;
pub mod email_links;
pub mod golinks;
pub mod mfa;
pub mod sessions;
pub mod stripe;
