//! Engine ⇄ LSP conversions on one analysed snapshot of the workspace.
//!
//! Byte spans become LSP ranges through the [`LineIndex`] of the very text
//! the index was built from, in the negotiated encoding.
//!
//! [`LineIndex`]: specgate_syntax::text::LineIndex

use serde_json::json;
use specgate_engine::diag::{self, FileId, Severity};
use specgate_engine::ide;
use specgate_engine::index::Index;
use specgate_engine::workspace::relative_to;
use specgate_syntax::text::{Encoding, LineCol};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_lsp_server::ls_types as ls;
use tower_lsp_server::ls_types::Uri;

/// One analysed state of the workspace, shared by requests.
pub struct Snapshot {
    /// The state generation it was built from (every change bumps it).
    pub gen: u64,
    pub index: Arc<Index>,
    /// Every finding, as `ide::Analysis::check` returned them.
    pub diags: Arc<Vec<diag::Diagnostic>>,
    /// Versions of the open documents it includes.
    pub versions: HashMap<FileId, i32>,
    /// URIs the client uses for open documents.
    pub uris: HashMap<FileId, Uri>,
    pub root: PathBuf,
    pub enc: Encoding,
    /// The findings in LSP form, per file that has some (and is reported:
    /// in the editor's folders, or open).
    pub by_file: Arc<ByFile>,
}

/// LSP diagnostics per file.
pub type ByFile = HashMap<FileId, Arc<Vec<ls::Diagnostic>>>;

/// Workspace-relative id of a `file:` URI, if it is inside `root`.
pub fn file_of(root: &Path, uri: &Uri) -> Option<FileId> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    let path = uri.to_file_path()?;
    if let Some(rel) = relative_to(root, &path) {
        return (!rel.is_empty()).then(|| rel.into());
    }
    // The client may name the root through a symlink (/tmp vs /private/tmp).
    let canon = match path.canonicalize() {
        Ok(c) => c,
        Err(_) => {
            let parent = path.parent()?.canonicalize().ok()?;
            parent.join(path.file_name()?)
        }
    };
    relative_to(root, &canon)
        .filter(|r| !r.is_empty())
        .map(Into::into)
}

pub fn uri_of_path(root: &Path, file: &str) -> Option<Uri> {
    Uri::from_file_path(root.join(file))
}

pub fn encoding_name(enc: Encoding) -> ls::PositionEncodingKind {
    match enc {
        Encoding::Utf8 => ls::PositionEncodingKind::UTF8,
        Encoding::Utf16 => ls::PositionEncodingKind::UTF16,
        Encoding::Utf32 => ls::PositionEncodingKind::UTF32,
    }
}

pub fn line_col(p: ls::Position) -> LineCol {
    LineCol {
        line: p.line,
        col: p.character,
    }
}

fn position(lc: LineCol) -> ls::Position {
    ls::Position::new(lc.line, lc.col)
}

impl Snapshot {
    /// The engine's answers on this state: the only way the server asks.
    pub fn analysis(&self) -> ide::Analysis<'_> {
        ide::Analysis::new(&self.index, &self.diags)
    }

    pub fn uri(&self, file: &str) -> Option<Uri> {
        match self.uris.get(file) {
            Some(u) => Some(u.clone()),
            None => uri_of_path(&self.root, file),
        }
    }

    /// Byte offset of an LSP position in `file` (a column past the end of
    /// its line is clamped to the line end).
    pub fn offset(&self, file: &str, p: ls::Position) -> Option<u32> {
        let src = self.index.source(file)?;
        Some(src.line_index.offset(&src.text, line_col(p), self.enc))
    }

    pub fn range(&self, file: &str, span: specgate_syntax::tree::Span) -> Option<ls::Range> {
        let src = self.index.source(file)?;
        let li = &src.line_index;
        let start = li.line_col(&src.text, span.start, self.enc);
        let end = li.line_col(&src.text, span.end.max(span.start), self.enc);
        Some(ls::Range::new(position(start), position(end)))
    }

    pub fn location(&self, l: &diag::Location) -> Option<ls::Location> {
        Some(ls::Location::new(
            self.uri(&l.file)?,
            self.range(&l.file, l.span)?,
        ))
    }

    pub fn locations(&self, ls_: &[diag::Location]) -> Vec<ls::Location> {
        ls_.iter().filter_map(|l| self.location(l)).collect()
    }

    /// An engine finding as an LSP diagnostic. `data` carries the finding's
    /// own data (for fixes) and where it is (to find it again).
    /// The LSP diagnostic of a finding: none for a suppressed one, a hint
    /// for a baselined one (none with the `"baselined": "off"` setting).
    pub fn diagnostic(&self, d: &diag::Diagnostic) -> Option<ls::Diagnostic> {
        let baselined = match d.triage {
            diag::Triage::Reported => false,
            diag::Triage::Suppressed { .. } => return None,
            diag::Triage::Baselined if !self.index.config().show_baselined => return None,
            diag::Triage::Baselined => true,
        };
        let range = self.range(&d.location.file, d.location.span)?;
        let related: Vec<ls::DiagnosticRelatedInformation> = d
            .related
            .iter()
            .filter_map(|r| {
                Some(ls::DiagnosticRelatedInformation {
                    location: self.location(&r.location)?,
                    message: r.message.clone(),
                })
            })
            .collect();
        Some(ls::Diagnostic {
            range,
            severity: Some(match d.severity {
                _ if baselined => ls::DiagnosticSeverity::HINT,
                Severity::Error => ls::DiagnosticSeverity::ERROR,
                Severity::Warning => ls::DiagnosticSeverity::WARNING,
                Severity::Info => ls::DiagnosticSeverity::INFORMATION,
                Severity::Hint => ls::DiagnosticSeverity::HINT,
            }),
            code: Some(ls::NumberOrString::String(d.code.to_string())),
            code_description: ide::Analysis::doc_url(d.code)
                .parse::<Uri>()
                .ok()
                .map(|href| ls::CodeDescription { href }),
            source: Some("specgate".into()),
            message: if baselined {
                format!("{} (in the baseline)", d.message)
            } else {
                d.message.clone()
            },
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            // What a code action request needs to find the engine's finding
            // again, and no more: Stripe's 936 findings are re-sent on every
            // keystroke, and the engine's details made them 20% larger.
            data: Some(json!({
                "file": &*d.location.file,
                "span": [d.location.span.start, d.location.span.end],
            })),
        })
    }

    /// The engine finding an LSP diagnostic (sent back by the client in a
    /// code action request) stands for.
    pub fn find_diagnostic(&self, d: &ls::Diagnostic) -> Option<&diag::Diagnostic> {
        let code = match &d.code {
            Some(ls::NumberOrString::String(s)) => s.as_str(),
            _ => return None,
        };
        let data = d.data.as_ref()?;
        let file = data.get("file")?.as_str()?;
        let span = data.get("span")?.as_array()?;
        let start = span.first()?.as_u64()? as u32;
        let end = span.get(1)?.as_u64()? as u32;
        self.diags.iter().find(|x| {
            x.code == code
                && &*x.location.file == file
                && x.location.span == specgate_syntax::tree::Span::new(start, end)
        })
    }

    /// Engine edits as one LSP workspace edit (edits to files the index
    /// does not hold are dropped).
    pub fn workspace_edit(&self, edits: &[diag::TextEdit]) -> ls::WorkspaceEdit {
        let mut changes: HashMap<Uri, Vec<ls::TextEdit>> = HashMap::new();
        for e in edits {
            let (Some(uri), Some(range)) = (self.uri(&e.file), self.range(&e.file, e.span)) else {
                continue;
            };
            changes
                .entry(uri)
                .or_default()
                .push(ls::TextEdit::new(range, e.new_text.clone()));
        }
        ls::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }
    }
}
