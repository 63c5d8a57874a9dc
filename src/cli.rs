//! The `slugbase` command line.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::app::accounts::{self, NewAccount};
use crate::app::plans::{self, PlanChange};
use crate::app::tokens::{self, StartsIn};
use crate::app::transfer;
use crate::config::Config;
use crate::domain::account::TokenName;
use crate::domain::ids::parse_id;
use crate::domain::{Email, Password, PersonName, Plan};
use crate::error::AppError;
use crate::startup::{build_state, shutdown_signal, Application};
use crate::store::{orgs, Store};

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
    /// Write a consistent copy of the SQLite database to FILE, while the server runs.
    Backup { file: PathBuf },
    /// Write every table of the database to FILE (JSON lines), to import elsewhere.
    ExportData { file: PathBuf },
    /// Fill a new, empty database from a FILE written by export-data.
    ImportData { file: PathBuf },
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
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => migrate(config).await,
        Command::User(UserCommand::Create {
            email,
            name,
            password,
            admin,
        }) => create_user(config, &email, &name, &password, admin).await,
        Command::Org(OrgCommand::SetPlan {
            org_id,
            plan,
            extra_seats,
            included_seats,
        }) => set_plan(config, &org_id, &plan, extra_seats, included_seats).await,
        Command::Token(TokenCommand::Create { email, name, org }) => {
            create_token(config, &email, &name, org.as_deref()).await
        }
        Command::Backup { file } => backup(&config, &file).await,
        Command::ExportData { file } => export_data(&config, &file).await,
        Command::ImportData { file } => import_data(&config, &file).await,
    }
}

/// `serve`: the whole application, until a shutdown signal.
async fn serve(config: Config) -> anyhow::Result<()> {
    let host = config.host.clone();
    let app = Application::build(config).await?;
    tracing::info!(
        "SlugBase ({}, {}) listening on http://{}:{}",
        app.state().mode().as_str(),
        app.state().store.kind(),
        host,
        app.port()
    );
    app.run_until(shutdown_signal()).await
}

/// `migrate`: pending migrations, then exit.
async fn migrate(config: Config) -> anyhow::Result<()> {
    let state = build_state(config).await?;
    state.store.close().await;
    println!("migrations applied");
    Ok(())
}

/// `user create`: a verified account; prints its id.
async fn create_user(
    config: Config,
    email: &str,
    name: &str,
    password: &str,
    admin: bool,
) -> anyhow::Result<()> {
    let state = build_state(config).await?;
    let account = NewAccount {
        email: Email::parse(email).map_err(user_error)?,
        name: PersonName::parse(name).map_err(user_error)?,
        password: Password::parse(password).map_err(user_error)?,
        is_admin: admin,
        email_verified: true,
    };
    let id = accounts::add_person(&state.store, state.mode(), &account)
        .await
        .map_err(app_error)?;
    println!("{id}");
    Ok(())
}

/// `org set-plan`: an organization's plan and seats, set by hand.
async fn set_plan(
    config: Config,
    org_id: &str,
    plan: &str,
    extra_seats: Option<i64>,
    included_seats: Option<i64>,
) -> anyhow::Result<()> {
    let state = build_state(config).await?;
    let plan = Plan::parse(plan).ok_or_else(|| {
        let known: Vec<&str> = Plan::ALL.iter().map(|p| p.as_str()).collect();
        anyhow::anyhow!("plan must be one of {}", known.join(", "))
    })?;
    let org_id = parse_id(org_id).ok_or_else(|| anyhow::anyhow!("no organization {org_id}"))?;
    let mut tx = state.store.begin().await?;
    let org = orgs::by_id(&mut tx.conn(), &org_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no organization {org_id}"))?;
    let change = PlanChange {
        plan,
        included_seats,
        extra_seats,
    };
    let seats = plans::set_plan(
        &mut tx.conn(),
        &crate::app::audit::Actor::system(),
        &org,
        change,
    )
    .await
    .map_err(app_error)?;
    tx.commit().await?;
    println!(
        "{org_id}: plan {plan}, {} included seats, {} extra seats",
        seats.included, seats.extra
    );
    Ok(())
}

/// `token create`: a new API token for a person; prints its secret.
async fn create_token(
    config: Config,
    email: &str,
    name: &str,
    org: Option<&str>,
) -> anyhow::Result<()> {
    let state = build_state(config).await?;
    let email = Email::parse(email).map_err(user_error)?;
    let name = TokenName::parse(Some(name)).map_err(user_error)?;
    let user = accounts::find(&state.store, &email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no user {}", email.as_str()))?;
    let starts_in = match org {
        Some(org) => StartsIn::Named(org),
        None => StartsIn::Inherited(None),
    };
    let token = tokens::create(
        &state.store,
        &crate::app::audit::Actor::system(),
        &user.id,
        &name,
        starts_in,
    )
    .await
    .map_err(app_error)?;
    println!("{}", token.secret);
    Ok(())
}

/// `backup`: a consistent copy of the SQLite database, taken while the server runs.
async fn backup(config: &Config, file: &Path) -> anyhow::Result<()> {
    let url = config.database_url();
    // Connecting would create a missing SQLite file; a backup of nothing is a mistake.
    if let Some(db) = crate::store::sqlite_file(&url) {
        if !db.exists() {
            anyhow::bail!("there is no database at {}", db.display());
        }
    }
    let store = Store::connect(&url)
        .await
        .context("connecting to the database")?;
    let done = transfer::backup(&store, file).await;
    store.close().await;
    done.map_err(app_error)?;
    println!("wrote a copy of the database to {}", file.display());
    Ok(())
}

/// `export-data`: every table to a new JSON-lines file.
async fn export_data(config: &Config, file: &Path) -> anyhow::Result<()> {
    let store = open_store(config).await?;
    let done = export_to(&store, file).await;
    store.close().await;
    let moved = done?;
    println!(
        "exported {} rows of {} tables to {}",
        moved.rows,
        moved.tables,
        file.display()
    );
    Ok(())
}

/// `import-data`: a new, empty database filled from an export.
async fn import_data(config: &Config, file: &Path) -> anyhow::Result<()> {
    let input = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let store = open_store(config).await?;
    let done = transfer::import_data(&store, std::io::BufReader::new(input)).await;
    store.close().await;
    let moved = done.map_err(app_error)?;
    println!(
        "imported {} rows of {} tables from {}",
        moved.rows,
        moved.tables,
        file.display()
    );
    Ok(())
}

/// The configured database, migrated (as `serve` would), without the rest of the application.
async fn open_store(config: &Config) -> anyhow::Result<Store> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating DATA_DIR {}", config.data_dir.display()))?;
    let store = Store::connect(&config.database_url())
        .await
        .context("connecting to the database")?;
    store.migrate().await.context("applying migrations")?;
    Ok(store)
}

/// Exports into a new `file`; a failed export leaves no half-written file behind.
async fn export_to(store: &Store, file: &Path) -> anyhow::Result<transfer::Moved> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // The export holds password hashes and secrets: readable by its owner only.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let out = options.open(file).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => anyhow::anyhow!(
            "{} already exists; export-data writes a new file and never overwrites one",
            file.display()
        ),
        _ => anyhow::anyhow!("creating {}: {e}", file.display()),
    })?;
    let mut out = std::io::BufWriter::new(out);
    match transfer::export_data(store, &mut out).await {
        Ok(moved) => Ok(moved),
        Err(e) => {
            drop(out);
            let _ = std::fs::remove_file(file);
            Err(app_error(e))
        }
    }
}

fn user_error(e: crate::domain::DomainError) -> anyhow::Error {
    anyhow::anyhow!(e.message())
}

/// A refusal of a use case as the operator should read it (a plain sentence, not a debug dump).
fn app_error(e: AppError) -> anyhow::Error {
    match e {
        AppError::Domain(d) => user_error(d),
        AppError::BadRequest(m) | AppError::NotFound(m) => anyhow::anyhow!(m),
        other => anyhow::anyhow!(other),
    }
}
