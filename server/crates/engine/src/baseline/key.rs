//! A finding's identity that survives edits around it: what the baseline
//! stores and SARIF's `partialFingerprints` hash. Never a line number.
//!
//! - in a YAML or JSON file, the JSON pointer of the innermost node or key
//!   the finding points into (`/paths/~1pets/get/responses`);
//! - in any other file (SQL, Markdown), the text of the finding's line with
//!   its whitespace collapsed (`nickname text,`);
//! - and, in both, the rule, the file and the text the finding points at
//!   (`FR-099`, `responses`).
//!
//! Two findings with one key are told apart by counting (the baseline
//! stores how many it accepts), as PHPStan's baseline does.

use crate::diag::Diagnostic;
use crate::index::Index;
use serde::{Deserialize, Serialize};
use specgate_syntax::tree::{escape_pointer_token, line_around, slice, Node, Value};
use std::hash::Hasher;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FindingKey {
    pub rule: String,
    pub file: String,
    /// The JSON pointer (YAML/JSON) or the finding's line, collapsed.
    pub at: String,
    /// The text the finding points at (at most 120 characters).
    pub text: String,
}

impl FindingKey {
    pub fn of(index: &Index, d: &Diagnostic) -> FindingKey {
        let file = &d.location.file;
        let text = index.text(file);
        let span = d.location.span;
        let at = match index.doc(file).and_then(|doc| doc.root.as_ref()) {
            Some(root) => pointer_at(root, span.start),
            None => collapse(slice(text, line_around(text, span.start))),
        };
        FindingKey {
            rule: d.code.to_string(),
            file: file.to_string(),
            at,
            text: collapse(slice(text, span)).chars().take(120).collect(),
        }
    }

    /// A stable hash of the key (FNV-1a, the same on every platform and
    /// version), in hex: SARIF's `partialFingerprints`.
    pub fn fingerprint(&self) -> String {
        let mut h = fnv::FnvHasher::default();
        for part in [&self.rule, &self.file, &self.at, &self.text] {
            h.write(part.as_bytes());
            h.write(&[0]);
        }
        format!("{:016x}", h.finish())
    }
}

/// Whitespace runs as one space, trimmed.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The JSON pointer of the innermost node (or key) of `root` holding `offset`.
pub fn pointer_at(root: &Node, offset: u32) -> String {
    let mut out = String::new();
    let mut node = root;
    loop {
        let next = match &node.value {
            Value::Map(entries, _) => entries
                .iter()
                .find(|e| {
                    e.key_span.contains(offset)
                        || (e.key_span.start <= offset
                            && offset < e.value.span.end.max(e.key_span.end))
                })
                .map(|e| (escape_pointer_token(&e.key), &e.value)),
            Value::Seq(items, _) => items
                .iter()
                .enumerate()
                .find(|(_, n)| n.span.start <= offset && offset < n.span.end)
                .map(|(i, n)| (i.to_string(), n)),
            _ => None,
        };
        let Some((token, child)) = next else {
            return out;
        };
        out.push('/');
        out.push_str(&token);
        node = child;
    }
}
