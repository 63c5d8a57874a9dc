//! Persistence: one API over SQLite and PostgreSQL.
//!
//! Every query is written once, in SQL both databases understand (`$1` placeholders, integer
//! millisecond timestamps, `BOOLEAN`, `TEXT` ids), and run through one of the typed helpers on
//! [`Conn`] (see [`sql`]), so a store function reads as its SQL and its binds:
//! `c.fetch_all(SQL, args![org_id, user_id, limit])`, likewise `fetch_optional`, `fetch_one`,
//! `scalar`, `scalar_optional`, `scalars`, and `execute` (rows changed). They return
//! [`AppError`](crate::error::AppError); a write that may hit a unique constraint maps it with
//! `on_unique`. Bound values are [`Arg`]s: text, integers and booleans (`None` is a typed
//! `NULL`), the enums stored as text, and the checked bookmark fields (`Title`, `TargetUrl`,
//! `Slug`), which the bookmark writes take instead of strings. Store functions take a [`Conn`],
//! so the same function serves a plain read and a step inside a transaction.
//!
//! SQLite gets one writer connection and a pool of readers: writes are serialized in-process,
//! so a check-then-write transaction can never interleave with another (PostgreSQL gets the same
//! guarantee from [`lock_org`]'s row lock).

pub mod access;
pub mod audit;
pub mod bookmark_list;
pub mod bookmarks;
pub mod email_tokens;
pub mod folders;
pub mod go_links;
pub mod go_preferences;
pub mod health;
pub mod history;
pub mod import_jobs;
pub mod instance_settings;
pub mod invalidation;
pub mod invitations;
pub mod leases;
pub mod link_checks;
pub mod mfa;
pub mod oidc;
pub mod orgs;
pub mod rate_limits;
pub mod sessions;
pub mod settings;
pub mod sql;
pub mod stats;
pub mod tags;
pub mod teams;
pub mod tokens;
pub mod transfer;
pub mod user_admin;
pub mod users;
pub mod visits;

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

use crate::error::Result;
pub use invalidation::{Generations, Scope};

/// Runs `$body` with `$e` bound to the driver's connection, once per database kind. Private to
/// the store: store functions run their queries through the typed helpers in [`sql`], and the
/// one query that needs the driver's own row type (`transfer::rows`) uses this.
macro_rules! q {
    ($conn:expr, |$e:ident| $body:expr) => {{
        $crate::store::statements::count_one();
        match $conn {
            $crate::store::Conn::Sqlite($e) => {
                let $e = &mut **$e;
                $body
            }
            $crate::store::Conn::Postgres($e) => {
                let $e = &mut **$e;
                $body
            }
        }
    }};
}
use q;
pub use sql::{args, Arg, Args};
pub mod statements;

#[derive(Clone, Debug)]
enum Pools {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// The database: cheap to clone, shared by every request.
#[derive(Clone, Debug)]
pub struct Store {
    pools: Pools,
    generations: Generations,
    reachable: health::Reachable,
}

/// A connection of either kind, borrowed from a [`Read`] or a [`Tx`].
pub enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// A pooled connection for reads.
pub enum Read {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Read {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Read::Sqlite(c) => Conn::Sqlite(c),
            Read::Postgres(c) => Conn::Postgres(c),
        }
    }
}

enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A write transaction; dropped without [`Tx::commit`] it rolls back.
pub struct Tx {
    inner: TxInner,
    generations: Generations,
    scopes: Vec<Scope>,
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match &mut self.inner {
            TxInner::Sqlite(t) => Conn::Sqlite(t),
            TxInner::Postgres(t) => Conn::Postgres(t),
        }
    }

    /// Says that this transaction changes what caches hold about organization `id` (its
    /// bookmarks, folders, tags, teams, sharing). A transaction that names no scope invalidates
    /// everything on commit, so forgetting to name one is slow, never wrong.
    pub fn invalidates_org(&mut self, id: &str) {
        self.scopes.push(Scope::Org(id.to_string()));
    }

    /// Says that this transaction changes what caches hold about person `id` (their sessions,
    /// tokens, memberships, go-link choices).
    pub fn invalidates_user(&mut self, id: &str) {
        self.scopes.push(Scope::User(id.to_string()));
    }

    /// Commits, and tells every in-memory cache (here, and on PostgreSQL in every instance
    /// through `NOTIFY`, sent inside the transaction) that what it holds about the scopes
    /// named may be stale. On PostgreSQL it answers once every other instance has confirmed
    /// (see [`invalidation`]).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn commit(mut self) -> Result<()> {
        self.scopes.dedup();
        let generations = self.generations.clone();
        let scopes = std::mem::take(&mut self.scopes);
        let mut announced = None;
        if let TxInner::Postgres(t) = &mut self.inner {
            let seq = generations.next_seq();
            let payload = invalidation::payload(generations.instance(), seq, &scopes);
            let sent = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(invalidation::CHANNEL)
                .bind(payload)
                .execute(&mut **t)
                .await;
            if let Err(e) = sent {
                generations.forget(seq);
                return Err(e.into());
            }
            announced = Some(seq);
        }
        let committed = self.commit_quietly().await;
        generations.bump(&scopes);
        if let Some(seq) = announced {
            if committed.is_ok() {
                // Answer once every instance has confirmed, or once one that has not can no
                // longer trust its caches (see `invalidation`).
                let deadline = std::time::Instant::now() + invalidation::LEASE;
                if !generations.settle(seq, deadline).await {
                    tracing::debug!("a write went unconfirmed for the whole lease");
                }
            }
            generations.forget(seq);
        }
        committed
    }

    /// Commits without invalidating caches: only for writes no cache reads (counters, stamps).
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn commit_quietly(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

impl Store {
    /// Connects to `url` (`sqlite://…` or `postgres://…`), creating the SQLite file if needed.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let pools = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                // Short, so that while the database is away requests are refused (503) within
                // seconds instead of piling up; the pool reconnects by itself when it is back.
                .acquire_timeout(Duration::from_secs(3))
                .connect_with(opts)
                .await?;
            Pools::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            if let Some(dir) = sqlite_dir(url) {
                std::fs::create_dir_all(dir)?;
            }
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts.clone())
                .await?;
            let read = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts.read_only(true))
                .await?;
            Pools::Sqlite { read, write }
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite:// or postgres://");
        };
        let generations = Generations::new(matches!(pools, Pools::Sqlite { .. }));
        Ok(Self {
            pools,
            generations,
            reachable: Default::default(),
        })
    }

    pub fn kind(&self) -> &'static str {
        match self.pools {
            Pools::Sqlite { .. } => "sqlite",
            Pools::Postgres(_) => "postgres",
        }
    }

    /// Applies the migrations embedded in the binary for this database kind.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match &self.pools {
            Pools::Sqlite { write, .. } => sqlx::migrate!("./migrations/sqlite").run(write).await?,
            Pools::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        self.optimize().await?;
        Ok(())
    }

    /// Lets SQLite gather the statistics its planner needs (PostgreSQL's autovacuum does this by
    /// itself): without them a library of 100,000 bookmarks can be walked in the wrong index.
    /// Cheap when nothing changed much; run at start and after an import.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn optimize(&self) -> Result<()> {
        if let Pools::Sqlite { write, .. } = &self.pools {
            sqlx::query("PRAGMA optimize=0x10002")
                .execute(write)
                .await?;
        }
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn read(&self) -> Result<Read> {
        Ok(match &self.pools {
            Pools::Sqlite { read, .. } => Read::Sqlite(read.acquire().await?),
            Pools::Postgres(pool) => Read::Postgres(pool.acquire().await?),
        })
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.pools {
            Pools::Sqlite { write, .. } => TxInner::Sqlite(write.begin().await?),
            Pools::Postgres(pool) => TxInner::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            generations: self.generations.clone(),
            scopes: Vec::new(),
        })
    }

    /// What caches check their entries against (see [`invalidation`]).
    pub fn generations(&self) -> &Generations {
        &self.generations
    }

    /// Follows other instances' writes until `stopped` (PostgreSQL; nothing to do on SQLite).
    pub async fn follow_invalidations(&self, stopped: tokio::sync::watch::Receiver<bool>) {
        if let Pools::Postgres(pool) = &self.pools {
            invalidation::follow(pool.clone(), self.generations.clone(), stopped).await;
        }
    }

    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

/// The file an SQLite URL names (none for PostgreSQL or an in-memory database).
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next()?;
    if path.is_empty() || path.starts_with(":memory:") {
        return None;
    }
    Some(std::path::PathBuf::from(path))
}

/// The folder of an SQLite file URL, so it can be created before the first connection.
fn sqlite_dir(url: &str) -> Option<std::path::PathBuf> {
    sqlite_file(url)?.parent().map(|p| p.to_path_buf())
}

/// True when the database refused a write because of a unique constraint, told by the driver's
/// error kind (the same on SQLite and PostgreSQL), never by a constraint's name.
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// For inserts that record something once (an event id, a first set-up): `Ok(false)` when the
/// row was already there.
pub fn inserted_once(r: Result<u64>) -> Result<bool> {
    match r {
        Ok(_) => Ok(true),
        Err(e) if e.is_unique_violation() => Ok(false),
        Err(e) => Err(e),
    }
}

/// Takes the organization's row lock for the rest of the transaction, so check-then-write rules
/// (seats, plan limits) see no concurrent change. On SQLite the single writer already serializes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn lock_org(c: &mut Conn<'_>, org_id: &str) -> Result<bool> {
    let n = c
        .execute(
            "UPDATE organizations SET updated_at = updated_at WHERE id = $1",
            args![org_id],
        )
        .await?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_dir_finds_the_parent_folder() {
        assert_eq!(
            sqlite_dir("sqlite://./data/slugbase.db"),
            Some(std::path::PathBuf::from("./data"))
        );
        assert_eq!(sqlite_dir("sqlite::memory:"), None);
    }
}
