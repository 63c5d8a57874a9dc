//! The SQLite and PostgreSQL migrations must build the same schema: the same tables, columns
//! (name, nullability, type family), keys and named indexes. Each database's migrations are
//! applied as the server applies them, then both catalogs are read and compared.
//!
//! It needs a PostgreSQL server, so it runs on the PostgreSQL half of `./scripts/test` (which sets
//! `TEST_DATABASE_URL`) and says it was skipped on the SQLite-only run.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use sqlx::{Connection, Row};

use slugbase::store::Store;

use crate::helpers::fresh_pg;

/// What each database does its own way on purpose: full-text search is an FTS5 table (and its
/// shadow tables) on SQLite, a generated `tsvector` column with a GIN index on PostgreSQL.
const SQLITE_ONLY_TABLE_PREFIX: &str = "bookmarks_fts";
const POSTGRES_ONLY: &[&str] = &["column bookmarks.search", "index bookmarks_search"];

/// One schema as a set of comparable facts, by what they are about.
#[derive(Debug, Default)]
struct Schema {
    /// `table t`, `column t.c`, `primary key t(a, b)`, `unique t(a)`, `index name` →
    /// its description (empty when being there is all there is to it).
    facts: BTreeMap<String, String>,
}

impl Schema {
    fn add(&mut self, what: String, description: String) {
        self.facts.insert(what, description);
    }
}

/// The type family, so `BIGINT` on one side and `bigint` or `integer` on the other agree.
fn family(declared: &str) -> String {
    let t = declared.trim().to_ascii_lowercase();
    let t = t.split('(').next().unwrap_or("").trim();
    match t {
        "text" | "varchar" | "character varying" | "char" | "character" => "text",
        "integer" | "int" | "bigint" | "smallint" | "int2" | "int4" | "int8" => "integer",
        "boolean" | "bool" => "boolean",
        "real" | "double precision" | "float" | "float4" | "float8" => "real",
        "blob" | "bytea" => "bytes",
        other => other,
    }
    .to_string()
}

fn column(family: String, nullable: bool) -> String {
    format!("{family} {}", if nullable { "NULL" } else { "NOT NULL" })
}

async fn sqlite_schema(url: &str) -> Schema {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    let mut s = Schema::default();
    for table in tables
        .iter()
        .filter(|t| !t.starts_with(SQLITE_ONLY_TABLE_PREFIX))
    {
        s.add(format!("table {table}"), String::new());
        let mut primary: Vec<(i64, String)> = Vec::new();
        for col in pragma(
            &mut c,
            r#"SELECT name, type, "notnull", pk FROM pragma_table_info(?)"#,
            table,
        )
        .await
        {
            let name: String = col.get("name");
            let pk: i64 = col.get("pk");
            // A primary key column is NOT NULL on PostgreSQL whether or not it says so.
            let nullable = col.get::<i64, _>("notnull") == 0 && pk == 0;
            s.add(
                format!("column {table}.{name}"),
                column(family(col.get("type")), nullable),
            );
            if pk > 0 {
                primary.push((pk, name));
            }
        }
        primary.sort();
        let primary: Vec<String> = primary.into_iter().map(|(_, n)| n).collect();
        if !primary.is_empty() {
            s.add(
                format!("primary key {table}({})", primary.join(", ")),
                String::new(),
            );
        }
        for index in pragma(
            &mut c,
            r#"SELECT name, "unique", origin FROM pragma_index_list(?)"#,
            table,
        )
        .await
        {
            let name: String = index.get("name");
            let unique = index.get::<i64, _>("unique") == 1;
            match index.get::<String, _>("origin").as_str() {
                // Written as CREATE [UNIQUE] INDEX: compared by name.
                "c" => s.add(format!("index {name}"), index_description(table, unique)),
                // A UNIQUE constraint: its generated name differs by database, its columns do not.
                "u" => {
                    let cols: Vec<String> =
                        sqlx::query_scalar("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                            .bind(&name)
                            .fetch_all(&mut c)
                            .await
                            .unwrap();
                    s.add(
                        format!("unique {table}({})", cols.join(", ")),
                        String::new(),
                    );
                }
                _ => {} // the primary key, read above
            }
        }
    }
    s
}

/// The rows of a pragma function about one table or index.
async fn pragma(
    c: &mut sqlx::SqliteConnection,
    sql: &str,
    about: &str,
) -> Vec<sqlx::sqlite::SqliteRow> {
    sqlx::query(sql).bind(about).fetch_all(c).await.unwrap()
}

fn index_description(table: &str, unique: bool) -> String {
    format!("{}on {table}", if unique { "UNIQUE " } else { "" })
}

async fn postgres_schema(url: &str) -> Schema {
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let mut s = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for table in &tables {
        s.add(format!("table {table}"), String::new());
    }
    let cols = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c, data_type::text AS ty, \
         is_nullable::text AS nullable FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for col in cols {
        let (table, name): (String, String) = (col.get("t"), col.get("c"));
        s.add(
            format!("column {table}.{name}"),
            column(
                family(col.get("ty")),
                col.get::<String, _>("nullable") == "YES",
            ),
        );
    }
    let keys = sqlx::query(
        "SELECT t.relname::text AS t, k.contype::text AS kind, \
         array_agg(a.attname::text ORDER BY u.ord) AS cols \
         FROM pg_constraint k \
         JOIN pg_class t ON t.oid = k.conrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord) \
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = u.attnum \
         WHERE n.nspname = 'public' AND k.contype IN ('p', 'u') \
         AND t.relname <> '_sqlx_migrations' \
         GROUP BY k.oid, t.relname, k.contype",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for key in keys {
        let (table, cols): (String, Vec<String>) = (key.get("t"), key.get("cols"));
        let kind = if key.get::<String, _>("kind") == "p" {
            "primary key"
        } else {
            "unique"
        };
        s.add(
            format!("{kind} {table}({})", cols.join(", ")),
            String::new(),
        );
    }
    // Indexes of their own, not the ones behind a key (those are compared as keys above).
    let indexes = sqlx::query(
        "SELECT i.relname::text AS name, t.relname::text AS t, x.indisunique AS is_unique \
         FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for index in indexes {
        let table: String = index.get("t");
        s.add(
            format!("index {}", index.get::<String, _>("name")),
            index_description(&table, index.get("is_unique")),
        );
    }
    for what in POSTGRES_ONLY {
        s.facts.remove(*what);
    }
    s
}

/// Every difference, one line each, naming the table, column or index.
fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let all: BTreeSet<&String> = sqlite.facts.keys().chain(postgres.facts.keys()).collect();
    for what in all {
        match (sqlite.facts.get(what), postgres.facts.get(what)) {
            (Some(_), None) => out.push(format!("{what}: only on SQLite")),
            (None, Some(_)) => out.push(format!("{what}: only on PostgreSQL")),
            (Some(a), Some(b)) if a != b => {
                out.push(format!("{what}: SQLite has {a}, PostgreSQL has {b}"))
            }
            _ => {}
        }
    }
    out
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    let admin = std::env::var("TEST_DATABASE_URL").unwrap_or_default();
    if admin.is_empty() {
        // Straight to stderr, past the test harness's capture, so the run says so.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED schema::sqlite_and_postgres_migrations_build_the_same_schema: \
             needs TEST_DATABASE_URL (the PostgreSQL run of ./scripts/test sets it)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("schema.db").display());
    let (pg_url, _pg) = fresh_pg(&admin).await;
    for url in [&sqlite_url, &pg_url] {
        let store = Store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        store.close().await;
    }
    let (sqlite, postgres) = (
        sqlite_schema(&sqlite_url).await,
        postgres_schema(&pg_url).await,
    );
    assert!(
        sqlite.facts.len() > 50,
        "the catalogs were read: {sqlite:?}"
    );
    let diff = differences(&sqlite, &postgres);
    assert!(
        diff.is_empty(),
        "migrations/sqlite and migrations/postgres have drifted apart:\n  {}",
        diff.join("\n  ")
    );
}

#[test]
fn a_difference_names_what_differs() {
    let mut sqlite = Schema::default();
    let mut postgres = Schema::default();
    sqlite.add("column users.email".into(), column(family("TEXT"), false));
    postgres.add("column users.email".into(), column(family("text"), true));
    sqlite.add("column users.age".into(), column(family("BIGINT"), false));
    postgres.add("column users.age".into(), column(family("integer"), false));
    sqlite.add(
        "index users_by_name".into(),
        index_description("users", true),
    );
    postgres.add(
        "index users_by_name".into(),
        index_description("users", false),
    );
    postgres.add("table audit".into(), String::new());
    assert_eq!(
        differences(&sqlite, &postgres),
        [
            "column users.email: SQLite has text NOT NULL, PostgreSQL has text NULL",
            "index users_by_name: SQLite has UNIQUE on users, PostgreSQL has on users",
            "table audit: only on PostgreSQL",
        ]
    );
}
