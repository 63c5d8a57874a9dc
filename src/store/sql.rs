//! Small helpers for queries whose shape depends on the request (filters, `IN` lists).

use super::Conn;

/// A value bound to a numbered placeholder.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    Int(i64),
    Bool(bool),
}

/// Arguments and their `$n` placeholders, numbered in the order they are pushed.
#[derive(Clone, Debug, Default)]
pub struct Args(pub Vec<Arg>);

impl Args {
    /// Starts with `$1` = organization and `$2` = user, the convention of the library queries.
    pub fn org_user(org_id: &str, user_id: &str) -> Self {
        Self(vec![
            Arg::Text(org_id.to_string()),
            Arg::Text(user_id.to_string()),
        ])
    }

    /// Adds a value and returns its placeholder.
    pub fn push(&mut self, a: Arg) -> String {
        self.0.push(a);
        format!("${}", self.0.len())
    }

    pub fn text(&mut self, s: &str) -> String {
        self.push(Arg::Text(s.to_string()))
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
}

/// Binds every argument of an [`Args`] to a query, in order (inside [`q!`](crate::q), for either driver).
#[macro_export]
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for a in &$args.0 {
            query = match a {
                $crate::store::sql::Arg::Text(s) => query.bind(s.as_str()),
                $crate::store::sql::Arg::Int(i) => query.bind(*i),
                $crate::store::sql::Arg::Bool(b) => query.bind(*b),
            };
        }
        query
    }};
}
pub use bind_args;

/// True on PostgreSQL, for the few queries the dialects must write differently (full-text search).
pub fn is_postgres(c: &Conn<'_>) -> bool {
    matches!(c, Conn::Postgres(_))
}
