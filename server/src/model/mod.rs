//! What the engine knows about each kind of file, as plain data with byte spans.
//!
//! Each reader turns one file's text into one of these models; the index
//! ([`crate::index`]) joins them into one workspace view that rules query.

pub mod dictionary;
pub mod oas30;
#[cfg(test)]
mod oas30_oracle;
pub mod openapi;
pub mod prd;
pub mod sql;

pub use crate::tree::Span;

/// A mention of a requirement ID somewhere in a file (not its definition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdMention {
    pub id: String,
    pub span: Span,
}

/// Requirement priority. MUST/SHOULD/COULD read as P0/P1/P2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Priority {
    P0,
    P1,
    P2,
    P3,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P0 => "P0",
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
        }
    }
}
