//! Text editing for quick fixes: style detection, inserting entries into
//! YAML/JSON/Markdown/CSV at the right place in the file's own style, and
//! applying [`TextEdit`]s. What to write is the rules' business
//! (`rules::shared` holds what several rules' fixes share); choosing and
//! applying fixes across a workspace is [`crate::fix`]'s.
//!
//! Fixes never re-serialize a document: each edit replaces or inserts only
//! the bytes it must, so comments, key order, quoting and indentation stay.

pub mod refs;
pub mod render;
#[cfg(test)]
mod roundtrip_tests;
pub mod structured;
pub mod style;
pub mod table;

pub use render::{Raw, Val};
pub use structured::{DocEditor, Pos};
pub use style::{Format, Style};

use crate::diag::{Applicability, FileId, Fix, TextEdit};
use crate::index::Index;
use specgate_syntax::tree::Span;
use std::collections::BTreeMap;

/// Why edits could not be applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EditError {
    Overlap(Span, Span),
    OutOfBounds(Span),
}

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditError::Overlap(a, b) => write!(f, "edits overlap: {a:?} and {b:?}"),
            EditError::OutOfBounds(s) => {
                write!(f, "edit outside the text or inside a character: {s:?}")
            }
        }
    }
}

/// Whether two edits of the same file cannot both apply: their ranges
/// overlap, or both insert at the same offset (their order would be a guess).
pub fn conflict(a: &TextEdit, b: &TextEdit) -> bool {
    if a.file != b.file {
        return false;
    }
    let (x, y) = (a.span, b.span);
    if x.is_empty() && y.is_empty() {
        return x.start == y.start;
    }
    x.start < y.end && y.start < x.end
}

/// Applies edits (byte ranges of `text`, any order, none overlapping) to `text`.
pub fn apply(text: &str, edits: &[TextEdit]) -> Result<String, EditError> {
    let mut es: Vec<&TextEdit> = edits.iter().collect();
    es.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0usize;
    let mut prev: Option<Span> = None;
    for e in es {
        let (s, en) = (e.span.start as usize, e.span.end as usize);
        if en > text.len() || s > en || !text.is_char_boundary(s) || !text.is_char_boundary(en) {
            return Err(EditError::OutOfBounds(e.span));
        }
        if s < at {
            return Err(EditError::Overlap(prev.unwrap_or_default(), e.span));
        }
        out.push_str(&text[at..s]);
        out.push_str(&e.new_text);
        at = en;
        prev = Some(e.span);
    }
    out.push_str(&text[at..]);
    Ok(out)
}

/// Applies edits of several files to their texts; returns the new texts of
/// the files that changed.
pub fn apply_files(
    text_of: impl Fn(&str) -> Option<String>,
    edits: &[TextEdit],
) -> Result<BTreeMap<FileId, String>, EditError> {
    let mut by_file: BTreeMap<FileId, Vec<TextEdit>> = BTreeMap::new();
    for e in edits {
        by_file.entry(e.file.clone()).or_default().push(e.clone());
    }
    let mut out = BTreeMap::new();
    for (f, es) in by_file {
        let old = text_of(&f).unwrap_or_default();
        let new = apply(&old, &es)?;
        if new != old {
            out.insert(f, new);
        }
    }
    Ok(out)
}

/// Edits of several files being prepared for one fix.
pub struct EditSet<'a> {
    pub index: &'a Index,
    docs: BTreeMap<FileId, DocEditor<'a>>,
    raw: Vec<TextEdit>,
}

impl<'a> EditSet<'a> {
    pub fn new(index: &'a Index) -> Self {
        EditSet {
            index,
            docs: BTreeMap::new(),
            raw: Vec::new(),
        }
    }

    /// The editor of a YAML/JSON file of the index.
    pub fn doc(&mut self, file: &FileId) -> Option<&mut DocEditor<'a>> {
        if !self.docs.contains_key(file) {
            let index = self.index;
            let fd = index.files.get(file)?;
            let doc = index.doc(file)?;
            doc.root.as_ref()?;
            let text: &str = &fd.source.text;
            let format = Format::of(file);
            let st = match index.apis_of(file).next() {
                Some(api) => (*index.api_fact_keyed(api, "style", file, |index, api| {
                    file_style(index, Some(api), file, text, doc, format)
                }))
                .clone(),
                None => file_style(index, None, file, text, doc, format),
            };
            self.docs.insert(
                file.clone(),
                DocEditor::with_style(file, text, Some(doc), st),
            );
        }
        self.docs.get_mut(file)
    }

    /// A plain text edit (Markdown, SQL, CSV).
    pub fn replace(&mut self, file: &FileId, span: Span, new_text: impl Into<String>) {
        self.raw.push(TextEdit {
            file: file.clone(),
            span,
            new_text: new_text.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty() && self.docs.is_empty()
    }

    /// All edits, sorted; identical duplicates dropped.
    pub fn finish(self) -> Vec<TextEdit> {
        let mut out = self.raw;
        for (_, d) in self.docs {
            out.extend(d.finish());
        }
        out.sort();
        out.dedup();
        out
    }

    /// The finished edits as a fix (`None` when there is nothing to do or
    /// the edits would overlap).
    pub fn into_fix(self, title: impl Into<String>, applicability: Applicability) -> Option<Fix> {
        let index = self.index;
        let edits = self.finish();
        if edits.is_empty() {
            return None;
        }
        // In a half-typed document, nothing is written at or after its first
        // syntax error: where a collection ends there is a guess.
        for e in &edits {
            if let Some(first) = index
                .doc(&e.file)
                .and_then(|d| d.errors.iter().map(|x| x.span.start).min())
            {
                if e.span.end >= first {
                    return None;
                }
            }
        }
        for w in edits.windows(2) {
            if conflict(&w[0], &w[1]) {
                return None;
            }
        }
        Some(Fix {
            title: title.into(),
            applicability,
            edits,
            preferred: false,
        })
    }
}

/// The style of `file`; what it does not show is taken from the other
/// files of its API (a path file with no small schema writes them like the
/// components file does).
fn file_style(
    index: &Index,
    api: Option<&crate::index::Api>,
    file: &str,
    text: &str,
    doc: &specgate_syntax::tree::Document,
    format: Format,
) -> Style {
    let mut votes = style::Votes::of(text, Some(doc), format);
    let mut others = style::Votes::default();
    for other in api.iter().flat_map(|a| a.files.iter()) {
        if &**other != file && Format::of(other) == format {
            if let Some(od) = index.doc(other) {
                others.add(&style::Votes::of(index.text(other), Some(od), format));
            }
        }
    }
    votes.fill_from(&others);
    style::decide(text, &votes, format)
}

/// Marks the first fix of a list preferred.
pub fn prefer_first(mut fixes: Vec<Fix>) -> Vec<Fix> {
    if let Some(f) = fixes.first_mut() {
        f.preferred = true;
    }
    fixes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn te(s: u32, e: u32, t: &str) -> TextEdit {
        TextEdit {
            file: "a".into(),
            span: Span::new(s, e),
            new_text: t.into(),
        }
    }

    #[test]
    fn applies_in_any_order_and_refuses_overlap() {
        let t = "hello world";
        assert_eq!(
            apply(t, &[te(6, 11, "there"), te(0, 0, ">> "), te(5, 5, ",")]).unwrap(),
            ">> hello, there"
        );
        assert!(matches!(
            apply(t, &[te(0, 5, "x"), te(3, 7, "y")]),
            Err(EditError::Overlap(..))
        ));
        assert!(apply(t, &[te(0, 99, "x")]).is_err());
        assert!(conflict(&te(3, 3, "a"), &te(3, 3, "b")));
        assert!(!conflict(&te(3, 3, "a"), &te(3, 5, "b")));
        assert!(conflict(&te(2, 4, "a"), &te(3, 5, "b")));
    }
}
