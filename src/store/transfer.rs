//! Whole-database copies: an SQLite backup with `VACUUM INTO`, and the table-by-table reads and
//! writes that `export-data` / `import-data` move an installation with, between SQLite and
//! PostgreSQL.
//!
//! [`TABLES`] is the one list of what an installation holds. Columns are read from the database's
//! own catalog (so a column a migration adds travels without a change here), typed as text,
//! integer or boolean; a table the list does not name makes [`unlisted_tables`] non-empty, which
//! export refuses and a test checks, so a new table can never be left behind silently.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Connection, Row};

use super::sql::{is_postgres, Arg};
use super::{args, q, Conn, Pools, Store};
use crate::error::{AppError, Result};

/// Every table of an installation, parents before children, so inserting in this order never
/// breaks a foreign key.
pub const TABLES: &[&str] = &[
    "instance_state",
    "users",
    "organizations",
    "org_members",
    "sessions",
    "refresh_tokens",
    "api_tokens",
    "email_tokens",
    "invitations",
    "stripe_events",
    "user_mfa",
    "mfa_backup_codes",
    "bookmarks",
    "folders",
    "tags",
    "bookmark_folders",
    "bookmark_tags",
    "teams",
    "team_members",
    "bookmark_user_shares",
    "bookmark_team_shares",
    "folder_user_shares",
    "folder_team_shares",
    "go_preferences",
    "audit_events",
    "org_settings",
    "instance_settings",
    "oidc_providers",
    "user_identities",
    "oidc_logins",
    "go_redirect_hours",
    "bookmark_history",
    "bookmark_visit_days",
];

/// Tables that are not data: the migrator's bookkeeping, SQLite's full-text index (an FTS5
/// table and its shadow tables), which the `bookmarks` triggers rebuild as rows are inserted,
/// and what running servers keep for a minute or two (rate-limit counts, job leases, background
/// imports: a file on its way in and its report, which belong to the processes of the old
/// installation, not to its people).
fn is_derived(table: &str) -> bool {
    table == "_sqlx_migrations"
        || table == "rate_limit_hits"
        || table == "job_leases"
        || table == "import_jobs"
        || table == "import_job_files"
        || table.starts_with("bookmarks_fts")
        || table.starts_with("sqlite_")
}

/// How a column's values are written in an export, the same on both databases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    Boolean,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Text => "text",
            Kind::Integer => "integer",
            Kind::Boolean => "boolean",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "text" => Some(Kind::Text),
            "integer" => Some(Kind::Integer),
            "boolean" => Some(Kind::Boolean),
            _ => None,
        }
    }

    /// From a declared type (`BIGINT`, `bigint`, `BOOLEAN`, `text`, …).
    fn from_declared(declared: &str) -> Option<Self> {
        match declared.trim().to_ascii_lowercase().as_str() {
            "text" => Some(Kind::Text),
            "bigint" | "integer" | "int" | "int8" | "smallint" => Some(Kind::Integer),
            "boolean" | "bool" => Some(Kind::Boolean),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// One value of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Text(String),
    Integer(i64),
    Boolean(bool),
}

/// The stored columns of `table`, in the database's order (PostgreSQL's generated search column
/// is left out: the database computes it again).
#[tracing::instrument(level = "debug", skip(c))]
pub async fn columns(c: &mut Conn<'_>, table: &str) -> Result<Vec<Column>> {
    let sql = if is_postgres(c) {
        "SELECT column_name::text, data_type::text FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 \
         AND is_generated = 'NEVER' ORDER BY ordinal_position"
    } else {
        "SELECT name, type FROM pragma_table_info($1) ORDER BY cid"
    };
    let declared: Vec<(String, String)> = c.fetch_all(sql, args![table]).await?;
    if declared.is_empty() {
        return Err(AppError::internal(format!("no table {table}")));
    }
    declared
        .into_iter()
        .map(|(name, ty)| match Kind::from_declared(&ty) {
            Some(kind) => Ok(Column { name, kind }),
            None => Err(AppError::internal(format!(
                "{table}.{name} has type {ty}, which an export cannot carry"
            ))),
        })
        .collect()
}

/// Tables in the database that hold data but are missing from [`TABLES`].
#[tracing::instrument(level = "debug", skip_all)]
pub async fn unlisted_tables(c: &mut Conn<'_>) -> Result<Vec<String>> {
    let sql = if is_postgres(c) {
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' \
         ORDER BY table_name"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    };
    let names: Vec<String> = c.scalars(sql, args![]).await?;
    Ok(names
        .into_iter()
        .filter(|t| !is_derived(t) && !TABLES.contains(&t.as_str()))
        .collect())
}

/// The newest migration applied: an export is only imported into the same schema.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn schema_version(c: &mut Conn<'_>) -> Result<i64> {
    let v: Option<i64> = c
        .scalar(
            "SELECT MAX(version) FROM _sqlx_migrations WHERE success",
            args![],
        )
        .await?;
    Ok(v.unwrap_or(0))
}

/// Makes the rest of this transaction read one snapshot (SQLite's deferred transaction already
/// does once it has read; PostgreSQL needs to be told).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn read_one_snapshot(c: &mut Conn<'_>) -> Result<()> {
    if is_postgres(c) {
        c.execute(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
            args![],
        )
        .await?;
    }
    Ok(())
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Every row of `table` (one of [`TABLES`]), ordered by all its columns so that two exports of
/// the same database are the same file.
#[tracing::instrument(level = "debug", skip(c, cols))]
pub async fn rows(c: &mut Conn<'_>, table: &str, cols: &[Column]) -> Result<Vec<Vec<Value>>> {
    let list = cols
        .iter()
        .map(|c| quoted(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("SELECT {list} FROM {} ORDER BY {list}", quoted(table));
    // The whole table at once: without a stream adapter among the dependencies this is the
    // simple way, and an installation's largest table (bookmarks) fits in memory many times.
    // Each column is read as its kind says, from the driver's own row type: a decoding the
    // typed helpers on `Conn` (which read whole rows into one Rust type) cannot express.
    let out = q!(c, |e| {
        let fetched = sqlx::query(&sql).fetch_all(e).await?;
        let mut out = Vec::with_capacity(fetched.len());
        for row in &fetched {
            let mut values = Vec::with_capacity(cols.len());
            for (i, col) in cols.iter().enumerate() {
                let v = match col.kind {
                    Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
                    Kind::Integer => row.try_get::<Option<i64>, _>(i)?.map(Value::Integer),
                    Kind::Boolean => row.try_get::<Option<bool>, _>(i)?.map(Value::Boolean),
                };
                values.push(v.unwrap_or(Value::Null));
            }
            out.push(values);
        }
        out
    });
    Ok(out)
}

/// How many rows `table` holds.
#[tracing::instrument(level = "debug", skip(c))]
pub async fn count(c: &mut Conn<'_>, table: &str) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM {}", quoted(table));
    c.scalar(&sql, args![]).await
}

/// An `INSERT` for `table` with these columns, to run with [`insert`] once per row.
pub fn insert_sql(table: &str, cols: &[Column]) -> String {
    let names = cols
        .iter()
        .map(|c| quoted(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let params = (1..=cols.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("INSERT INTO {} ({names}) VALUES ({params})", quoted(table))
}

/// Inserts one row; `values` are in `cols`' order and already of their column's kind (a null is
/// bound with its column's type, which PostgreSQL insists on).
#[tracing::instrument(level = "trace", skip_all)]
pub async fn insert(c: &mut Conn<'_>, sql: &str, cols: &[Column], values: &[Value]) -> Result<()> {
    let args = cols
        .iter()
        .zip(values)
        .map(|(col, v)| match (col.kind, v) {
            (Kind::Text, Value::Text(s)) => Arg::from(s.as_str()),
            (Kind::Integer, Value::Integer(n)) => Arg::from(*n),
            (Kind::Boolean, Value::Boolean(b)) => Arg::from(*b),
            (Kind::Text, _) => Arg::Text(None),
            (Kind::Integer, _) => Arg::Int(None),
            (Kind::Boolean, _) => Arg::Bool(None),
        })
        .collect();
    c.execute(sql, args).await?;
    Ok(())
}

/// After an import: what the database derives from the rows is made anew. SQLite's full-text
/// index is rebuilt by the insert triggers, but a rebuild also makes sure nothing stale is left;
/// the folders' and tags' kept totals came in with them and were then counted up again by the
/// `bookmark_folders` triggers, so they are counted once more from the rows.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn rebuild_derived(c: &mut Conn<'_>) -> Result<()> {
    if !is_postgres(c) {
        c.execute(
            "INSERT INTO bookmarks_fts (bookmarks_fts) VALUES ('rebuild')",
            args![],
        )
        .await?;
    }
    c.execute(
        "UPDATE folders SET bookmark_count = \
         (SELECT COUNT(*) FROM bookmark_folders bf WHERE bf.folder_id = folders.id)",
        args![],
    )
    .await?;
    c.execute(
        "UPDATE tags SET bookmark_count = \
         (SELECT COUNT(*) FROM bookmark_tags bt WHERE bt.tag_id = tags.id)",
        args![],
    )
    .await?;
    Ok(())
}

/// Writes a consistent copy of a live SQLite database to `file`, which must not exist.
///
/// `VACUUM INTO` reads one snapshot (in WAL mode writers carry on meanwhile) and writes a
/// compact, self-contained file. VACUUM may renumber the implicit rowids the full-text index
/// refers to, so the copy's index is rebuilt before it is handed over.
/// `Ok(false)` on PostgreSQL, which has `pg_dump` for this.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn backup_sqlite(store: &Store, file: &Path) -> Result<bool> {
    let Pools::Sqlite { write, .. } = &store.pools else {
        return Ok(false);
    };
    let target = file
        .to_str()
        .ok_or_else(|| AppError::BadRequest(format!("{} is not a UTF-8 path", file.display())))?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(write)
        .await?;
    let mut copy = sqlx::SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(file)
            .journal_mode(SqliteJournalMode::Delete)
            .foreign_keys(true),
    )
    .await?;
    sqlx::query("INSERT INTO bookmarks_fts (bookmarks_fts) VALUES ('rebuild')")
        .execute(&mut copy)
        .await?;
    copy.close().await?;
    // Like the database it copies, the backup holds password hashes and secrets.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| AppError::internal(format!("restricting {}: {e}", file.display())))?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_of_both_databases_map_to_one_kind() {
        assert_eq!(Kind::from_declared("BIGINT"), Some(Kind::Integer));
        assert_eq!(Kind::from_declared("bigint"), Some(Kind::Integer));
        assert_eq!(Kind::from_declared("BOOLEAN"), Some(Kind::Boolean));
        assert_eq!(Kind::from_declared("boolean"), Some(Kind::Boolean));
        assert_eq!(Kind::from_declared("TEXT"), Some(Kind::Text));
        assert_eq!(Kind::from_declared("tsvector"), None);
    }

    #[test]
    fn insert_sql_quotes_names_and_numbers_parameters() {
        let cols = [
            Column {
                name: "org_id".into(),
                kind: Kind::Text,
            },
            Column {
                name: "key".into(),
                kind: Kind::Text,
            },
        ];
        assert_eq!(
            insert_sql("org_settings", &cols),
            "INSERT INTO \"org_settings\" (\"org_id\", \"key\") VALUES ($1, $2)"
        );
    }

    /// Every table the migrations create is listed (or derived), on a freshly migrated SQLite
    /// database; the PostgreSQL side is checked by the `transfer` API tests.
    #[tokio::test]
    async fn every_table_the_migrations_create_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store = Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            unlisted_tables(&mut tx.conn()).await.unwrap(),
            Vec::<String>::new()
        );
        for t in TABLES {
            assert!(
                !columns(&mut tx.conn(), t).await.unwrap().is_empty(),
                "{t} is listed but no migration creates it"
            );
        }
    }
}
