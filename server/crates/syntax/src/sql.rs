//! The tree-sitter reading of SQL: the tree-sitter-sequel grammar and the
//! query `queries/sql_tables.scm` (tables and columns of one `CREATE TABLE`
//! / `ALTER TABLE` statement), compiled once. The SQL model reads with it
//! and falls back to its own scanner where it cannot.

use crate::markdown::compile;
use std::sync::OnceLock;
use tree_sitter::{Language, Query};

/// Tables and columns of one `CREATE TABLE` / `ALTER TABLE` statement.
pub const SQL_TABLES: &str = include_str!("../../../../queries/sql_tables.scm");

pub fn sql_language() -> Language {
    tree_sitter_sequel::LANGUAGE.into()
}

/// [`SQL_TABLES`] compiled for tree-sitter-sequel.
pub fn sql_tables() -> Option<&'static Query> {
    static Q: OnceLock<Option<Query>> = OnceLock::new();
    compile(&Q, sql_language(), SQL_TABLES)
}
