//! Requirements (PRD) in Markdown: where each FR-ID is defined, with its
//! title, priority and release, and every other mention of an ID.

use super::{IdMention, Priority, Span};
use regex::Regex;

#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub id: String,
    /// The ID where it is defined.
    pub span: Span,
    /// The whole defining line (row, heading or list item), for hover and fixes.
    pub line_span: Span,
    pub title: String,
    pub priority: Option<Priority>,
    /// Tagged MVP (a Release/Scope/MVP column, or "MVP" in the heading/item).
    pub mvp: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prd {
    pub requirements: Vec<Requirement>,
    /// Every occurrence of an ID that is not a definition.
    pub mentions: Vec<IdMention>,
    /// `Release Mode: MVP` appears in the document.
    pub release_mode_mvp: bool,
    /// Span of the `Release Mode: …` value, when present.
    pub release_mode_span: Option<Span>,
}

/// Reads a PRD. `id_pattern` matches one requirement ID (e.g. `FR-\d+`); it
/// is only taken where it is not part of a longer word (`NFR-001`).
pub fn parse_prd(text: &str, id_pattern: &Regex) -> Prd {
    let _ = (text, id_pattern);
    Prd::default()
}

/// Every ID occurrence in any text, word-bounded (`NFR-001` is not `FR-001`).
pub fn find_mentions(text: &str, id_pattern: &Regex) -> Vec<IdMention> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for m in id_pattern.find_iter(text) {
        let before = m.start().checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(m.end()).copied();
        let wordish = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        if before.is_some_and(wordish)
            || after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            continue;
        }
        out.push(IdMention {
            id: m.as_str().to_string(),
            span: Span::new(m.start() as u32, m.end() as u32),
        });
    }
    out
}
