//! Specgate's engine: holds an API design (OpenAPI, SQL) to its product
//! requirements (PRD) and data dictionary. It knows nothing of LSP or the
//! terminal: the `specgate` binary converts and prints.
//!
//! Layers, each using only those before it (`scripts/deps` checks):
//! `config`, `diag` → `memo`, `model` (what one file says) → `workspace`
//! (the files) → `index` (the files joined: APIs, `$ref`s, operations,
//! requirements) → `edit` (writing text in a file's own style) → `rules`
//! (findings and their fixes) → `fix` (choosing and applying fixes) →
//! `inventory`, `report`, `diff`, `ide` (what a reviewer or an editor asks). The readers are in
//! `specgate_syntax`. See ARCHITECTURE.md.

pub mod baseline;
pub mod config;
pub mod diag;
pub mod diff;
pub mod edit;
pub mod fix;
pub mod ide;
pub mod index;
pub mod inventory;
pub mod memo;
pub mod model;
pub mod report;
pub mod rules;
pub mod suppress;
pub mod triage;
pub mod workspace;
