//! Specgate: holds an API design (OpenAPI, SQL) to its product requirements
//! (PRD) and data dictionary.
//!
//! Layers: `text` and `tree` are the primitives; `parse` and `model` read
//! files; `workspace`/`index` join them; `rules` produce diagnostics and
//! fixes. `cli` and `lsp` only convert and print: the engine knows nothing
//! of either.

pub mod cli;
pub mod config;
pub mod diag;
pub mod edit;
pub mod ide;
pub mod index;
pub mod inventory;
pub mod lsp;
pub mod memo;
pub mod model;
pub mod parse;
pub mod queries;
pub mod reuse;
pub mod rules;
pub mod text;
pub mod tree;
pub mod workspace;
