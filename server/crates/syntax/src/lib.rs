//! Specgate's lowest layer: text and the trees read from it.
//!
//! - [`text`]: the one place that converts byte offsets to line/column
//!   (UTF-8 and UTF-16) and back;
//! - [`tree`]: the located tree every reader produces (spans into the text);
//! - [`parse`]: YAML and JSON readers (a parse never fails: a tree plus errors);
//! - [`queries`]: the tree-sitter readers of Markdown blocks and SQL tables.
//!
//! Nothing here knows of requirements, rules or editors.

pub mod parse;
pub mod queries;
pub mod text;
pub mod tree;
