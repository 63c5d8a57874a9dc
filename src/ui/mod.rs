//! Server-rendered pages. Everything they echo is escaped.

pub mod go_pages;
