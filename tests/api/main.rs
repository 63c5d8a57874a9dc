//! The API as a client sees it: every test spawns a real server on port 0 with its own database
//! and speaks HTTP to it. Set `TEST_DATABASE_URL=postgres://…` to run the same suite on PostgreSQL.

mod helpers;

mod account_deletion;
mod accounts_cloud;
mod accounts_selfhosted;
mod admin_settings;
mod admin_users;
mod audit_log;
mod auto_join;
mod billing;
mod bookmark_form;
mod bookmark_list;
mod bookmarks;
mod cli;
mod conventions;
mod csrf;
mod folders;
mod golinks;
mod history;
mod import_export;
mod import_files;
mod instance_stats;
mod invitation_reminders;
mod invitations;
mod invited_signup;
mod library;
mod limits;
mod limits_across_instances;
mod link_checks;
mod mail;
mod mfa;
mod oidc;
mod oidc_provider;
mod organizations;
mod password_reset;
mod profile;
mod schema;
mod seeds;
mod sharing;
mod tags;
mod teams;
mod tenancy;
mod tokens;
mod transfer;
