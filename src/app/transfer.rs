//! Moving a whole installation: a backup copy of a live SQLite database, and an export that
//! another database (of either kind) imports with nothing lost.
//!
//! The export is JSON lines, read and written one line at a time:
//!
//! ```text
//! {"format":"slugbase-data","version":1,"schema":8,"source":"sqlite"}
//! {"table":"users","columns":[{"name":"id","type":"text"},…],"rows":2}
//! ["0b6c…","ada@example.com",…,true,…]
//! …one header and its rows for every table, parents first…
//! {"end":true,"tables":30,"rows":123}
//! ```
//!
//! Values are typed (text, integer, boolean, null) whatever the database stores them as, so an
//! SQLite 0/1 arrives in PostgreSQL as a `BOOLEAN`. The closing line lets a cut-off file be told
//! from a complete one.

use std::io::{BufRead, Write};
use std::path::Path;

use serde_json::{json, Value as Json};

use crate::error::{AppError, Result};
use crate::store::transfer::{self, Column, Kind, Value, TABLES};
use crate::store::Store;

pub const FORMAT: &str = "slugbase-data";
pub const VERSION: i64 = 1;

/// What an export or an import moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub tables: usize,
    pub rows: u64,
}

/// Writes a consistent copy of the (live) SQLite database to `file`, which must not exist yet.
#[tracing::instrument(level = "debug", skip(store))]
pub async fn backup(store: &Store, file: &Path) -> Result<()> {
    if file.exists() {
        return Err(AppError::bad_request(format!(
            "{} already exists; backup writes a new file and never overwrites one",
            file.display()
        )));
    }
    if !transfer::backup_sqlite(store, file).await? {
        return Err(AppError::bad_request(
            "this is a PostgreSQL database: back it up with pg_dump (slugbase backup copies SQLite databases)",
        ));
    }
    Ok(())
}

fn write_line(out: &mut impl Write, v: &Json) -> Result<()> {
    serde_json::to_writer(&mut *out, v).map_err(|e| AppError::internal(e.to_string()))?;
    out.write_all(b"\n")
        .map_err(|e| AppError::internal(format!("writing the export: {e}")))
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Text(s) => Json::String(s.clone()),
        Value::Integer(n) => json!(n),
        Value::Boolean(b) => Json::Bool(*b),
    }
}

/// Writes every table of the database to `out`, all read from one snapshot.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn export_data(store: &Store, out: &mut impl Write) -> Result<Moved> {
    // Only read, never committed: dropping it rolls back.
    let mut tx = store.begin().await?;
    transfer::read_one_snapshot(&mut tx.conn()).await?;
    let unlisted = transfer::unlisted_tables(&mut tx.conn()).await?;
    if !unlisted.is_empty() {
        return Err(AppError::internal(format!(
            "tables missing from store::transfer::TABLES, so an export would lose them: {}",
            unlisted.join(", ")
        )));
    }
    let schema = transfer::schema_version(&mut tx.conn()).await?;
    write_line(
        out,
        &json!({"format": FORMAT, "version": VERSION, "schema": schema, "source": store.kind()}),
    )?;
    let mut moved = Moved { tables: 0, rows: 0 };
    for table in TABLES {
        let cols = transfer::columns(&mut tx.conn(), table).await?;
        let rows = transfer::rows(&mut tx.conn(), table, &cols).await?;
        let columns: Vec<Json> = cols
            .iter()
            .map(|c| json!({"name": c.name, "type": c.kind.as_str()}))
            .collect();
        write_line(
            out,
            &json!({"table": table, "columns": columns, "rows": rows.len()}),
        )?;
        for row in &rows {
            write_line(out, &Json::Array(row.iter().map(to_json).collect()))?;
        }
        moved.tables += 1;
        moved.rows += rows.len() as u64;
    }
    write_line(
        out,
        &json!({"end": true, "tables": moved.tables, "rows": moved.rows}),
    )?;
    out.flush()
        .map_err(|e| AppError::internal(format!("writing the export: {e}")))?;
    Ok(moved)
}

/// The lines of an export, numbered from 1 for messages, blank lines skipped.
struct Lines<R> {
    inner: std::io::Lines<R>,
    number: usize,
}

impl<R: BufRead> Lines<R> {
    /// The next line as JSON; `None` at the end of the file.
    fn next(&mut self) -> Result<Option<Json>> {
        loop {
            let Some(line) = self.inner.next() else {
                return Ok(None);
            };
            self.number += 1;
            let line = line.map_err(|e| self.refuse(format!("cannot be read ({e})")))?;
            if line.trim().is_empty() {
                continue;
            }
            return serde_json::from_str(&line)
                .map(Some)
                .map_err(|e| match self.number {
                    1 => AppError::bad_request(format!(
                        "this is not a SlugBase data export (line 1 is not JSON: {e})"
                    )),
                    _ => self.refuse(format!("is not JSON ({e})")),
                });
        }
    }

    /// The next line, which must be there.
    fn expect(&mut self, what: &str) -> Result<Json> {
        self.next()?.ok_or_else(|| {
            AppError::bad_request(format!(
                "the file ends after line {} where {what} should follow: it is cut off",
                self.number
            ))
        })
    }

    fn refuse(&self, why: impl std::fmt::Display) -> AppError {
        AppError::bad_request(format!("line {} {why}", self.number))
    }
}

fn from_json(kind: Kind, v: &Json) -> Option<Value> {
    match (kind, v) {
        (_, Json::Null) => Some(Value::Null),
        (Kind::Text, Json::String(s)) => Some(Value::Text(s.clone())),
        (Kind::Integer, Json::Number(n)) => n.as_i64().map(Value::Integer),
        (Kind::Boolean, Json::Bool(b)) => Some(Value::Boolean(*b)),
        _ => None,
    }
}

/// The columns a table header names, each checked against the database's column of that name;
/// in the file's order, which is the order of the values in its rows.
fn header_columns(
    lines: &Lines<impl BufRead>,
    table: &str,
    header: &Json,
    in_db: &[Column],
) -> Result<Vec<Column>> {
    let listed = header["columns"]
        .as_array()
        .ok_or_else(|| lines.refuse(format!("should list the columns of {table}")))?;
    let mut cols = Vec::with_capacity(listed.len());
    for c in listed {
        let (Some(name), Some(kind)) =
            (c["name"].as_str(), c["type"].as_str().and_then(Kind::parse))
        else {
            return Err(lines.refuse(format!("has a column of {table} without a name and a type")));
        };
        let Some(db_col) = in_db.iter().find(|d| d.name == name) else {
            return Err(lines.refuse(format!(
                "names a column {table}.{name} this database does not have"
            )));
        };
        if cols.iter().any(|c: &Column| c.name == name) {
            return Err(lines.refuse(format!("names the column {table}.{name} twice")));
        }
        if db_col.kind != kind {
            return Err(lines.refuse(format!(
                "gives {table}.{name} as {}, this database has {}",
                kind.as_str(),
                db_col.kind.as_str()
            )));
        }
        cols.push(db_col.clone());
    }
    if let Some(missing) = in_db.iter().find(|d| !cols.contains(d)) {
        return Err(lines.refuse(format!(
            "lacks the column {table}.{} this database has",
            missing.name
        )));
    }
    Ok(cols)
}

/// Fills a new, empty (migrated) database from an export, in one transaction: anything wrong
/// with the file, or a database that already holds data, changes nothing.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn import_data(store: &Store, input: impl BufRead) -> Result<Moved> {
    let mut tx = store.begin().await?;
    for table in TABLES {
        let n = transfer::count(&mut tx.conn(), table).await?;
        if n > 0 {
            return Err(AppError::bad_request(format!(
                "the database already holds data ({n} rows in {table}); import-data only fills a new, empty database"
            )));
        }
    }
    let schema = transfer::schema_version(&mut tx.conn()).await?;
    let mut lines = Lines {
        inner: input.lines(),
        number: 0,
    };

    let head = lines.next()?.ok_or_else(|| {
        AppError::bad_request("the file is empty, not a SlugBase data export".to_string())
    })?;
    if head["format"] != FORMAT {
        return Err(AppError::bad_request(
            "this is not a SlugBase data export (made by slugbase export-data)".to_string(),
        ));
    }
    if head["version"] != VERSION {
        return Err(AppError::bad_request(format!(
            "the export is in format version {}, this slugbase reads version {VERSION}",
            head["version"]
        )));
    }
    if head["schema"] != schema {
        return Err(AppError::bad_request(format!(
            "the export is of database schema {}, this database is at {schema}: \
             export and import with the same slugbase version",
            head["schema"]
        )));
    }

    let mut moved = Moved { tables: 0, rows: 0 };
    for table in TABLES {
        let header = lines.expect(&format!("the table {table}"))?;
        if header["table"] != *table {
            return Err(lines.refuse(format!(
                "should start the table {table} (tables come in a fixed order), found {}",
                header.get("table").unwrap_or(&header)
            )));
        }
        let in_db = transfer::columns(&mut tx.conn(), table).await?;
        let cols = header_columns(&lines, table, &header, &in_db)?;
        let count = header["rows"]
            .as_u64()
            .ok_or_else(|| lines.refuse(format!("should give the number of rows of {table}")))?;
        let sql = transfer::insert_sql(table, &cols);
        for _ in 0..count {
            let row = lines.expect(&format!("a row of {table}"))?;
            let values = row
                .as_array()
                .filter(|r| r.len() == cols.len())
                .ok_or_else(|| {
                    lines.refuse(format!(
                        "should be a row of {table} with {} values",
                        cols.len()
                    ))
                })?;
            let mut typed = Vec::with_capacity(values.len());
            for (col, v) in cols.iter().zip(values) {
                typed.push(from_json(col.kind, v).ok_or_else(|| {
                    lines.refuse(format!(
                        "gives {table}.{} the value {v}, which is not {}",
                        col.name,
                        col.kind.as_str()
                    ))
                })?);
            }
            transfer::insert(&mut tx.conn(), &sql, &cols, &typed)
                .await
                .map_err(|e| {
                    lines.refuse(format!("is a row of {table} the database refused: {e}"))
                })?;
        }
        moved.tables += 1;
        moved.rows += count;
    }

    let end = lines.expect("the closing line")?;
    if end["end"] != true || end["tables"] != moved.tables || end["rows"] != moved.rows {
        return Err(lines.refuse(format!(
            "should close the export after {} tables and {} rows",
            moved.tables, moved.rows
        )));
    }
    if lines.next()?.is_some() {
        return Err(lines.refuse("follows the closing line"));
    }
    transfer::rebuild_derived(&mut tx.conn()).await?;
    tx.commit().await?;
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_kind_and_nothing_else_passes() {
        assert_eq!(
            from_json(Kind::Boolean, &json!(true)),
            Some(Value::Boolean(true))
        );
        assert_eq!(from_json(Kind::Boolean, &json!(1)), None);
        assert_eq!(
            from_json(Kind::Integer, &json!(42)),
            Some(Value::Integer(42))
        );
        assert_eq!(from_json(Kind::Integer, &json!(1.5)), None);
        assert_eq!(
            from_json(Kind::Text, &json!("x")),
            Some(Value::Text("x".into()))
        );
        assert_eq!(from_json(Kind::Text, &json!(3)), None);
        assert_eq!(from_json(Kind::Text, &Json::Null), Some(Value::Null));
    }
}
