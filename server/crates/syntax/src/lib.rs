//! Specgate's lowest layer: text and the trees read from it.
//!
//! - [`text`]: the one place that converts byte offsets to line/column
//!   (UTF-8 and UTF-16) and back;
//! - [`tree`]: the located tree every reader produces (spans into the text);
//! - [`parse`]: YAML and JSON readers (a parse never fails: a tree plus errors);
//! - [`markdown`]: the Markdown outline (tree-sitter-md);
//! - [`sql`]: the tree-sitter-sequel grammar and its table query.
//!
//! Nothing here knows of requirements, rules or editors.

pub mod markdown;
pub mod parse;
pub mod sql;
pub mod text;
pub mod tree;
