//! Pull diagnostics (LSP 3.17): the reports of `textDocument/diagnostic`
//! and `workspace/diagnostic`, with result IDs.
//!
//! A result ID is a hash of the file's diagnostics as sent, so a file whose
//! findings did not change answers `unchanged` across analysis rounds (and
//! across a restart of the server), and the client keeps what it shows.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use tower_lsp_server::ls_types as ls;
use tower_lsp_server::ls_types::Uri;

/// The result ID of a set of diagnostics.
pub fn result_id(diags: &[ls::Diagnostic]) -> String {
    let mut h = std::hash::DefaultHasher::new();
    // Plain LSP types always serialize.
    serde_json::to_vec(diags).unwrap_or_default().hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The report of one document: `unchanged` when the client holds it.
pub fn document(
    diags: &[ls::Diagnostic],
    previous: Option<&str>,
) -> ls::DocumentDiagnosticReportResult {
    let id = result_id(diags);
    let report = if previous == Some(id.as_str()) {
        ls::DocumentDiagnosticReport::Unchanged(ls::RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: ls::UnchangedDocumentDiagnosticReport {
                result_id: id,
            },
        })
    } else {
        ls::DocumentDiagnosticReport::Full(ls::RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: ls::FullDocumentDiagnosticReport {
                result_id: Some(id),
                items: diags.to_vec(),
            },
        })
    };
    ls::DocumentDiagnosticReportResult::Report(report)
}

/// Builds a `workspace/diagnostic` answer from the files that have
/// findings, given what the client holds (`previous`: URI to result ID).
pub struct Workspace {
    previous: HashMap<Uri, String>,
    seen: HashSet<Uri>,
    items: Vec<ls::WorkspaceDocumentDiagnosticReport>,
}

impl Workspace {
    pub fn new(previous: Vec<ls::PreviousResultId>) -> Workspace {
        Workspace {
            previous: previous.into_iter().map(|p| (p.uri, p.value)).collect(),
            seen: HashSet::new(),
            items: Vec::new(),
        }
    }

    /// A file's findings (`version`: of the open document they are for).
    pub fn add(&mut self, uri: Uri, version: Option<i32>, diags: &[ls::Diagnostic]) {
        if !self.seen.insert(uri.clone()) {
            return;
        }
        self.push(uri, version.map(i64::from), diags);
    }

    fn push(&mut self, uri: Uri, version: Option<i64>, diags: &[ls::Diagnostic]) {
        let id = result_id(diags);
        let item = if self.previous.get(&uri) == Some(&id) {
            ls::WorkspaceDocumentDiagnosticReport::Unchanged(
                ls::WorkspaceUnchangedDocumentDiagnosticReport {
                    uri,
                    version,
                    unchanged_document_diagnostic_report: ls::UnchangedDocumentDiagnosticReport {
                        result_id: id,
                    },
                },
            )
        } else {
            ls::WorkspaceDocumentDiagnosticReport::Full(ls::WorkspaceFullDocumentDiagnosticReport {
                uri,
                version,
                full_document_diagnostic_report: ls::FullDocumentDiagnosticReport {
                    result_id: Some(id),
                    items: diags.to_vec(),
                },
            })
        };
        self.items.push(item);
    }

    /// The answer: the files added, and an empty report for every file the
    /// client holds findings of that has none any more.
    pub fn finish(mut self) -> ls::WorkspaceDiagnosticReportResult {
        let mut gone: Vec<Uri> = self
            .previous
            .keys()
            .filter(|u| !self.seen.contains(*u))
            .cloned()
            .collect();
        gone.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        for uri in gone {
            self.push(uri, None, &[]);
        }
        ls::WorkspaceDiagnosticReportResult::Report(ls::WorkspaceDiagnosticReport {
            items: self.items,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(msg: &str) -> ls::Diagnostic {
        ls::Diagnostic {
            message: msg.into(),
            ..Default::default()
        }
    }

    fn kind(r: &ls::DocumentDiagnosticReportResult) -> &'static str {
        match r {
            ls::DocumentDiagnosticReportResult::Report(ls::DocumentDiagnosticReport::Full(_)) => {
                "full"
            }
            ls::DocumentDiagnosticReportResult::Report(
                ls::DocumentDiagnosticReport::Unchanged(_),
            ) => "unchanged",
            ls::DocumentDiagnosticReportResult::Partial(_) => "partial",
        }
    }

    #[test]
    fn unchanged_only_for_the_same_findings() {
        let a = [diag("a")];
        let id = result_id(&a);
        assert_eq!(kind(&document(&a, Some(&id))), "unchanged");
        assert_eq!(kind(&document(&a, None)), "full");
        assert_eq!(kind(&document(&[diag("b")], Some(&id))), "full");
        assert_ne!(result_id(&[]), id);
    }

    #[test]
    fn files_without_findings_any_more_are_cleared() {
        let u = |s: &str| s.parse::<Uri>().unwrap();
        let kept = [diag("kept")];
        let mut w = Workspace::new(vec![
            ls::PreviousResultId {
                uri: u("file:///w/a.yaml"),
                value: result_id(&kept),
            },
            ls::PreviousResultId {
                uri: u("file:///w/gone.yaml"),
                value: "old".into(),
            },
        ]);
        w.add(u("file:///w/a.yaml"), Some(3), &kept);
        w.add(u("file:///w/b.yaml"), None, &[diag("new")]);
        let ls::WorkspaceDiagnosticReportResult::Report(r) = w.finish() else {
            panic!()
        };
        let got: Vec<String> = r
            .items
            .iter()
            .map(|i| match i {
                ls::WorkspaceDocumentDiagnosticReport::Full(f) => format!(
                    "full {} {:?} {}",
                    f.uri.as_str(),
                    f.version,
                    f.full_document_diagnostic_report.items.len()
                ),
                ls::WorkspaceDocumentDiagnosticReport::Unchanged(f) => {
                    format!("unchanged {} {:?}", f.uri.as_str(), f.version)
                }
            })
            .collect();
        assert_eq!(
            got,
            [
                "unchanged file:///w/a.yaml Some(3)",
                "full file:///w/b.yaml None 1",
                "full file:///w/gone.yaml None 0",
            ]
        );
    }
}
