//! The `specgate` binary's own layer: `cli` prints, `lsp` converts and
//! delegates. The engine (`specgate_engine`) and the readers
//! (`specgate_syntax`) know nothing of either.
//!
//! The engine's and the readers' modules are re-exported under their own
//! names (`specgate::index`, `specgate::tree`) for the integration tests,
//! benchmarks and the fuzz targets.

pub mod cli;
pub mod lsp;

pub use specgate_engine::{
    baseline, config, diag, diff, edit, fix, ide, index, inventory, memo, model, report, rules,
    suppress, triage, workspace,
};
pub use specgate_syntax::{markdown, parse, sql, text, tree};
