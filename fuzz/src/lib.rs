//! Fuzz targets for Specgate's readers and whole-workspace check.
//! The bodies live in `targets.rs`, which the test suite also compiles to
//! replay `fuzz/corpus/*` (see `server/tests/robustness_fuzz_corpus.rs`).

pub mod targets;
