//! Diagnostics and fixes: what rules produce, independent of how they are shown.

use serde::{Deserialize, Serialize};
use specgate_syntax::tree::Span;
use std::sync::Arc;

/// A workspace-relative path with `/` separators; the identity of a file.
pub type FileId = Arc<str>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A place in the workspace.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable rule code (`untraced-operation`).
    pub code: &'static str,
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    pub related: Vec<Related>,
    /// What the rule's fixes need to act on this finding (operation pointer,
    /// entity, …): a struct of the rule's, written by [`Diagnostic::with_data`]
    /// and read back by [`Diagnostic::data`]. Engine-internal (the LSP sends
    /// the client only where the finding is).
    pub data: serde_json::Value,
    /// A ceiling on the configured severity, for findings a rule reports
    /// more softly than its others (a note once per document at `hint`).
    pub at_most: Option<Severity>,
    /// Whether a suppression or the baseline hides it (`triage`).
    pub triage: Triage,
}

/// What became of a finding after the rules (see `triage`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Triage {
    /// Shown, and counted for the exit code.
    #[default]
    Reported,
    /// Hidden by a `specgate-ignore` comment or an `x-specgate-ignore` key.
    Suppressed { reason: Option<String> },
    /// Hidden by the baseline.
    Baselined,
}

impl Diagnostic {
    pub fn new(code: &'static str, file: &FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            location: Location {
                file: file.clone(),
                span,
            },
            message: message.into(),
            related: Vec::new(),
            data: serde_json::Value::Null,
            at_most: None,
            triage: Triage::Reported,
        }
    }

    /// This finding is shown at `sev` at most, whatever the rule's severity.
    pub fn at_most(mut self, sev: Severity) -> Self {
        self.at_most = Some(sev);
        self
    }

    /// Keeps `data` (a struct of the rule's) for the rule's fixes.
    pub fn with_data<T: serde::Serialize>(mut self, data: &T) -> Self {
        // A struct of strings, numbers and lists always serializes.
        self.data = serde_json::to_value(data).unwrap_or_default();
        self
    }

    /// The data the rule wrote with [`Diagnostic::with_data`], as its struct
    /// (`None` when there is none or it is another struct's).
    pub fn data<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        T::deserialize(&self.data).ok()
    }

    pub fn with_related(mut self, file: &FileId, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            location: Location {
                file: file.clone(),
                span,
            },
            message: message.into(),
        });
        self
    }
}

/// One text replacement in one file (byte range of the text before any edit).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TextEdit {
    pub file: FileId,
    pub span: Span,
    pub new_text: String,
}

/// Whether a fix may be applied without review (`--fix`, fix-all), only on
/// request (`--unsafe-fixes`, or one code action), or only by a person in
/// the editor (ruff's display-only fixes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    Safe,
    /// Removes its finding but takes a decision (which requirement, which
    /// name): `--unsafe-fixes` applies it.
    Unsafe,
    /// A placeholder to fill in (an empty `x-fr-ids: []`) or generated
    /// content to review (an endpoint stub): offered as a code action, never
    /// applied by a batch (`--fix`, `--unsafe-fixes`, fix-all).
    Display,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    /// Edits, possibly in several files; never overlapping within one file.
    pub edits: Vec<TextEdit>,
    /// Preferred among the fixes of one finding (LSP `isPreferred`).
    pub preferred: bool,
}
