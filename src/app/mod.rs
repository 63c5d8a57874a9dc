//! The application layer: every use case once (create a bookmark, invite, accept, create a
//! token, set a plan, …), taking typed inputs and the store, never HTTP types. The JSON API in
//! `http/`, the pages and the command line are thin adapters over it.

pub mod access_counter;
pub mod account_removal;
pub mod accounts;
pub mod admin_users;
pub mod audit;
pub mod auto_join;
pub mod billing;
pub mod bookmark_io;
pub mod bookmarks;
pub mod cache;
pub mod dashboard;
pub mod email_links;
pub mod folders;
pub mod go_index;
pub mod golinks;
pub mod history;
pub mod identity;
pub mod import_jobs;
pub mod instance_stats;
pub mod invitation_links;
pub mod invitation_reminders;
pub mod invitations;
pub mod invited_signup;
pub mod link_checks;
pub mod link_info;
pub mod list_params;
pub mod members;
pub mod mfa;
pub mod oidc_client;
pub mod oidc_providers;
pub mod oidc_sign_in;
pub mod org_settings;
pub mod organizations;
pub mod plans;
pub mod sessions;
pub mod share_names;
pub mod sharing;
pub mod stripe;
pub mod tags;
pub mod teams;
pub mod tenancy;
pub mod tokens;
pub mod transfer;
pub mod visits;
