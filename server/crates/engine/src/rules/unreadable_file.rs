//! `unreadable-file`: a file that was found but could not be checked.
//!
//! **What.** Files over `files.max_file_size`, files that are not UTF-8
//! (UTF-16, Latin-1), binary files. Nothing in them is checked.
//!
//! **Why.** A file silently dropped is a file silently unchecked.
//!
//! **Fix.** Save the file as UTF-8, or raise `files.max_file_size`.
//!
//! Range: the start of the file.

use super::Rule;
use crate::diag::{Diagnostic, Severity};
use crate::index::Index;
use specgate_syntax::tree::Span;

pub const RULE: Rule = Rule {
    code: "unreadable-file",
    source: include_str!("unreadable_file.rs"),
    default_severity: Severity::Warning,
    summary: "A file is too large, binary or not UTF-8, and was not checked",
    points_at: "the file",
    check,
    fixes: super::no_fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for s in &index.ws.skipped {
        out.push(Diagnostic::new(
            RULE.code,
            &s.id,
            Span::new(0, 0),
            s.reason.clone(),
        ));
    }
}
