//! The `slugbase` command line.

use clap::{Parser, Subcommand};

use crate::app::accounts::{self, NewAccount};
use crate::app::plans::{self, PlanChange};
use crate::config::Config;
use crate::domain::ids::parse_id;
use crate::domain::{new_id, Email, OrgRole, Password, PersonName, Plan, Timestamp};
use crate::security::{random_token, sha256_hex};
use crate::startup::{build_state, shutdown_signal, Application};
use crate::store::{orgs, tokens, users};

#[derive(Parser, Debug)]
#[command(
    name = "slugbase",
    version,
    about = "Bookmarks that double as go-links"
)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run migrations, then serve the API, the web UI and /go/ (the default).
    Serve,
    /// Run pending migrations and exit.
    Migrate,
    /// Manage people.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage organizations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a verified user and print its id.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        password: String,
        #[arg(long)]
        admin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Set an organization's plan by hand (for operators without Stripe).
    SetPlan {
        org_id: String,
        /// free, personal, early_supporter or team
        plan: String,
        #[arg(long)]
        extra_seats: Option<i64>,
        #[arg(long)]
        included_seats: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Print a new `sb_` token for a user.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        org: Option<String>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(cli.config.clone()).await?;
            tracing::info!(
                "SlugBase ({}, {}) listening on http://{}:{}",
                app.state().mode().as_str(),
                app.state().store.kind(),
                cli.config.host,
                app.port()
            );
            app.run_until(shutdown_signal()).await
        }
        Command::Migrate => {
            let state = build_state(cli.config).await?;
            state.store.close().await;
            println!("migrations applied");
            Ok(())
        }
        Command::User(UserCommand::Create {
            email,
            name,
            password,
            admin,
        }) => {
            let state = build_state(cli.config).await?;
            let account = NewAccount {
                email: Email::parse(&email).map_err(user_error)?,
                name: PersonName::parse(&name).map_err(user_error)?,
                password: Password::parse(&password).map_err(user_error)?,
                is_admin: admin,
                email_verified: true,
            };
            let mut tx = state.store.begin().await?;
            let id = accounts::insert_user(
                &mut tx.conn(),
                &account,
                "a user with this email already exists",
            )
            .await
            .map_err(app_error)?;
            if state.is_cloud() {
                let org_name = accounts::workspace_name(account.name.as_str());
                accounts::create_org(&mut tx.conn(), state.mode(), &org_name, &id).await?;
            } else if let Some(org) = orgs::oldest(&mut tx.conn()).await? {
                orgs::add_member(
                    &mut tx.conn(),
                    &org,
                    &id,
                    OrgRole::Member,
                    Timestamp::now().millis(),
                )
                .await?;
            } else {
                // No organization yet: this person sets the instance up.
                accounts::mark_initialized(&mut tx.conn()).await?;
                let org_name = accounts::workspace_name(account.name.as_str());
                accounts::create_org(&mut tx.conn(), state.mode(), &org_name, &id).await?;
            }
            tx.commit().await?;
            println!("{id}");
            Ok(())
        }
        Command::Org(OrgCommand::SetPlan {
            org_id,
            plan,
            extra_seats,
            included_seats,
        }) => {
            let state = build_state(cli.config).await?;
            let plan = Plan::parse(&plan).ok_or_else(|| {
                let known: Vec<&str> = Plan::ALL.iter().map(|p| p.as_str()).collect();
                anyhow::anyhow!("plan must be one of {}", known.join(", "))
            })?;
            let org_id =
                parse_id(&org_id).ok_or_else(|| anyhow::anyhow!("no organization {org_id}"))?;
            let mut tx = state.store.begin().await?;
            let org = orgs::by_id(&mut tx.conn(), &org_id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no organization {org_id}"))?;
            let change = PlanChange {
                plan,
                included_seats,
                extra_seats,
            };
            let seats = plans::set_plan(&mut tx.conn(), &org, change)
                .await
                .map_err(app_error)?;
            tx.commit().await?;
            println!(
                "{org_id}: plan {plan}, {} included seats, {} extra seats",
                seats.included, seats.extra
            );
            Ok(())
        }
        Command::Token(TokenCommand::Create { email, name, org }) => {
            let state = build_state(cli.config).await?;
            let email = Email::parse(&email).map_err(user_error)?;
            let mut tx = state.store.begin().await?;
            let user = users::by_email(&mut tx.conn(), email.as_str())
                .await?
                .ok_or_else(|| anyhow::anyhow!("no user {}", email.as_str()))?;
            let org = match org {
                Some(o) => {
                    let o = parse_id(&o).ok_or_else(|| anyhow::anyhow!("no organization {o}"))?;
                    anyhow::ensure!(
                        orgs::role_of(&mut tx.conn(), &o, &user.id).await?.is_some(),
                        "{} is not a member of {o}",
                        email.as_str()
                    );
                    Some(o)
                }
                None => None,
            };
            let name = name.trim();
            anyhow::ensure!(
                (1..=100).contains(&name.chars().count()),
                "the token name must be 1 to 100 characters"
            );
            let secret = format!("sb_{}", random_token());
            tokens::insert(
                &mut tx.conn(),
                &new_id(),
                &user.id,
                name,
                &sha256_hex(&secret),
                org.as_deref(),
                Timestamp::now().millis(),
            )
            .await?;
            tx.commit().await?;
            println!("{secret}");
            Ok(())
        }
    }
}

fn user_error(e: crate::domain::DomainError) -> anyhow::Error {
    anyhow::anyhow!(e.message())
}

/// A refusal of a use case as the operator should read it (a plain sentence, not a debug dump).
fn app_error(e: crate::error::AppError) -> anyhow::Error {
    match e {
        crate::error::AppError::Domain(d) => user_error(d),
        other => anyhow::anyhow!(other),
    }
}
