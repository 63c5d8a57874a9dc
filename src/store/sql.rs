//! How a store function runs its query: the SQL, its arguments ([`Args`], usually written
//! [`args!`](crate::args)), and one of the typed helpers on [`Conn`] ([`Conn::fetch_all`],
//! [`Conn::fetch_optional`], [`Conn::fetch_one`], [`Conn::scalar`], [`Conn::scalar_optional`],
//! [`Conn::scalars`], [`Conn::execute`]), which run it on whichever database the connection is.
//! Queries whose shape depends on the request (filters, `IN` lists) build their [`Args`] as they
//! write the SQL, with [`Args::push`] handing out the placeholders.

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Decode, FromRow, Postgres, Sqlite, Type};

use super::{q, Conn};
use crate::domain::link_health::LinkStatus;
use crate::domain::{InvitationStatus, OrgRole, Plan, Slug, TargetUrl, Title};
use crate::error::Result;

/// A value bound to a numbered placeholder. `None` binds SQL `NULL` of the variant's type
/// (PostgreSQL wants a typed null).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Text(Option<String>),
    Int(Option<i64>),
    /// A 32-bit integer (an HTTP status code), bound as PostgreSQL's `INTEGER`.
    Int4(Option<i32>),
    Bool(Option<bool>),
}

/// Arguments and their `$n` placeholders, numbered in the order they are pushed.
#[derive(Clone, Debug)]
pub struct Args {
    values: Vec<Arg>,
    persistent: bool,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            values: Vec::new(),
            persistent: true,
        }
    }
}

impl FromIterator<Arg> for Args {
    fn from_iter<I: IntoIterator<Item = Arg>>(iter: I) -> Self {
        Self {
            values: iter.into_iter().collect(),
            ..Self::default()
        }
    }
}

impl Extend<Arg> for Args {
    fn extend<I: IntoIterator<Item = Arg>>(&mut self, iter: I) {
        self.values.extend(iter);
    }
}

impl Args {
    /// Starts with `$1` = organization and `$2` = user, the convention of the library queries.
    pub fn org_user(org_id: &str, user_id: &str) -> Self {
        crate::args![org_id, user_id]
    }

    /// Adds a value and returns its placeholder.
    pub fn push(&mut self, a: impl Into<Arg>) -> String {
        self.values.push(a.into());
        format!("${}", self.values.len())
    }

    pub fn text(&mut self, s: &str) -> String {
        self.push(s)
    }

    /// Placeholders for every id, comma-separated (an empty list reads `NULL`, matching nothing).
    pub fn list(&mut self, ids: &[String]) -> String {
        if ids.is_empty() {
            return "NULL".into();
        }
        ids.iter()
            .map(|id| self.text(id))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Whether the database may keep the statement prepared and reuse its plan (the default).
    /// `false` for a statement that must be planned for the values it is given (see
    /// `bookmark_list::plan_with_values`).
    pub fn persistent(mut self, keep: bool) -> Self {
        self.persistent = keep;
        self
    }
}

/// `args![org_id, user_id, limit]`: an [`Args`] of every value, `$1`, `$2`, … in order.
#[macro_export]
macro_rules! args {
    ($($a:expr),* $(,)?) => {
        <$crate::store::sql::Args as ::std::iter::FromIterator<$crate::store::sql::Arg>>::from_iter(
            [$($crate::store::sql::Arg::from($a)),*]
        )
    };
}
pub use args;

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(Some(s.to_string()))
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(Some(s))
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Text(Some(s.clone()))
    }
}

impl From<Option<&str>> for Arg {
    fn from(s: Option<&str>) -> Self {
        Arg::Text(s.map(str::to_string))
    }
}

impl From<Option<String>> for Arg {
    fn from(s: Option<String>) -> Self {
        Arg::Text(s)
    }
}

impl From<&Option<String>> for Arg {
    fn from(s: &Option<String>) -> Self {
        Arg::Text(s.clone())
    }
}

impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Int(Some(n))
    }
}

impl From<Option<i64>> for Arg {
    fn from(n: Option<i64>) -> Self {
        Arg::Int(n)
    }
}

impl From<Option<i32>> for Arg {
    fn from(n: Option<i32>) -> Self {
        Arg::Int4(n)
    }
}

impl From<bool> for Arg {
    fn from(b: bool) -> Self {
        Arg::Bool(Some(b))
    }
}

impl From<Option<bool>> for Arg {
    fn from(b: Option<bool>) -> Self {
        Arg::Bool(b)
    }
}

/// The checked bookmark fields bind their text.
macro_rules! text_type_args {
    ($($t:ty),+) => {$(
        impl From<&$t> for Arg {
            fn from(v: &$t) -> Self {
                Arg::from(v.as_str())
            }
        }

        impl From<Option<&$t>> for Arg {
            fn from(v: Option<&$t>) -> Self {
                Arg::from(v.map(|v| v.as_str()))
            }
        }

        impl From<&Option<$t>> for Arg {
            fn from(v: &Option<$t>) -> Self {
                Arg::from(v.as_ref())
            }
        }
    )+};
}
text_type_args!(Title, TargetUrl, Slug);

/// The enums stored as text (see `domain::text_enum`) bind their spelling.
macro_rules! text_enum_args {
    ($($t:ty),+) => {$(
        impl From<$t> for Arg {
            fn from(v: $t) -> Self {
                Arg::from(v.as_str())
            }
        }

        impl From<Option<$t>> for Arg {
            fn from(v: Option<$t>) -> Self {
                Arg::from(v.map(|v| v.as_str()))
            }
        }
    )+};
}
text_enum_args!(Plan, OrgRole, InvitationStatus, LinkStatus);

/// Binds every argument of an [`Args`] to a sqlx query of either driver, in order.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for a in &$args.values {
            query = match a {
                Arg::Text(s) => query.bind(s.as_deref()),
                Arg::Int(i) => query.bind(*i),
                Arg::Int4(i) => query.bind(*i),
                Arg::Bool(b) => query.bind(*b),
            };
        }
        query.persistent($args.persistent)
    }};
}

/// A row type both drivers can read (`#[derive(sqlx::FromRow)]` structs and tuples are).
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A single column's type both drivers can read (`i64`, `String`, `bool`, `Option` of them, the
/// text enums, …).
pub trait Scalar:
    Type<Sqlite>
    + for<'r> Decode<'r, Sqlite>
    + Type<Postgres>
    + for<'r> Decode<'r, Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: Type<Sqlite>
        + for<'r> Decode<'r, Sqlite>
        + Type<Postgres>
        + for<'r> Decode<'r, Postgres>
        + Send
        + Unpin
{
}

impl Conn<'_> {
    /// Runs a statement; how many rows it changed.
    pub async fn execute(&mut self, sql: &str, args: Args) -> Result<u64> {
        Ok(q!(self, |e| bind_args!(sqlx::query(sql), args)
            .execute(e)
            .await?
            .rows_affected()))
    }

    /// Every row the query returns.
    pub async fn fetch_all<R: Row>(&mut self, sql: &str, args: Args) -> Result<Vec<R>> {
        Ok(q!(self, |e| bind_args!(sqlx::query_as::<_, R>(sql), args)
            .fetch_all(e)
            .await?))
    }

    /// The first row, if any.
    pub async fn fetch_optional<R: Row>(&mut self, sql: &str, args: Args) -> Result<Option<R>> {
        Ok(q!(self, |e| bind_args!(sqlx::query_as::<_, R>(sql), args)
            .fetch_optional(e)
            .await?))
    }

    /// The first row; an error when there is none.
    pub async fn fetch_one<R: Row>(&mut self, sql: &str, args: Args) -> Result<R> {
        Ok(q!(self, |e| bind_args!(sqlx::query_as::<_, R>(sql), args)
            .fetch_one(e)
            .await?))
    }

    /// The first column of the first row (a `COUNT(*)`, a `RETURNING id`); an error when there
    /// is no row.
    pub async fn scalar<T: Scalar>(&mut self, sql: &str, args: Args) -> Result<T> {
        Ok(q!(self, |e| bind_args!(
            sqlx::query_scalar::<_, T>(sql),
            args
        )
        .fetch_one(e)
        .await?))
    }

    /// The first column of the first row, if there is a row.
    pub async fn scalar_optional<T: Scalar>(&mut self, sql: &str, args: Args) -> Result<Option<T>> {
        Ok(q!(self, |e| bind_args!(
            sqlx::query_scalar::<_, T>(sql),
            args
        )
        .fetch_optional(e)
        .await?))
    }

    /// The first column of every row.
    pub async fn scalars<T: Scalar>(&mut self, sql: &str, args: Args) -> Result<Vec<T>> {
        Ok(q!(self, |e| bind_args!(
            sqlx::query_scalar::<_, T>(sql),
            args
        )
        .fetch_all(e)
        .await?))
    }
}

/// True on PostgreSQL, for the few queries the dialects must write differently (full-text search).
pub fn is_postgres(c: &Conn<'_>) -> bool {
    matches!(c, Conn::Postgres(_))
}
