//! Readers that turn YAML and JSON text into the located tree ([`crate::tree`]).
//! A parse never fails: it returns a tree (possibly partial) plus errors.

pub mod json;
pub mod yaml;

pub use json::parse_json;
pub use yaml::parse_yaml;
