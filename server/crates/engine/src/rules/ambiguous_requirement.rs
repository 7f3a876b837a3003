//! `ambiguous-requirement`: a reference to an FR-ID that several features
//! define, with nothing around it saying which one.
//!
//! **What.** An ID resolves in its own folder scope first (the PRD in the
//! same or nearest ancestor folder); failing that, to the feature named on
//! the same line or in the same paragraph (its folder name `007-search`, a
//! path to its `spec.md`, `feature 007`, or `007 FR-041`); failing that,
//! workspace-wide when only one PRD defines it. A reference that is still
//! left with several definitions is reported here. (An ID defined nowhere is
//! `unknown-requirement`.)
//!
//! **Why.** In spec-kit repositories every feature numbers its own FR-001…:
//! a note outside those features that says "FR-041" alone points at one of
//! several requirements, and a reader (or a trace) cannot tell which.
//!
//! **Example.** In `docs/roadmap.md`: `Retire FR-041 next quarter.` while
//! `specs/007-search/spec.md` and `specs/019-chat/spec.md` both define FR-041.
//!
//! **Fix.** Name the feature next to the ID (`007-search FR-041`; the quick
//! fix writes it in Markdown and SQL files), or move the file into the
//! feature's folder.
//!
//! Range: the ID itself.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::{Index, Parsed, ReqKey, Resolution};
use crate::rules::shared::requirements::IdData;

pub const RULE: Rule = Rule {
    code: "ambiguous-requirement",
    source: include_str!("ambiguous_requirement.rs"),
    default_severity: Severity::Warning,
    summary: "A reference to an FR-ID that several features define, none named around it",
    points_at: "the ID",
    check,
    fixes,
};

/// How a definition's PRD is named to a reader: its feature folder's name,
/// else the PRD's path. One entry per feature, in PRD order.
fn owners(index: &Index, keys: &[ReqKey]) -> Vec<(String, ReqKey)> {
    let mut out: Vec<(String, ReqKey)> = Vec::new();
    for k in keys {
        let file = &index.prds[k.prd];
        let name = match index.feature_dir(file) {
            Some(dir) => dir.rsplit('/').next().unwrap_or(dir).to_string(),
            None => file.to_string(),
        };
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, *k));
        }
    }
    out
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for (file, m) in index.id_mentions() {
        let Resolution::Ambiguous(keys) = index.resolve_at(file, m.span, &m.id) else {
            continue;
        };
        let names: Vec<String> = owners(index, &keys).into_iter().map(|(n, _)| n).collect();
        let example = names.first().cloned().unwrap_or_default();
        let message = format!(
            "{} is defined in several features ({}) and neither this file's folder nor its line or paragraph names one: write the feature next to the ID (`{example} {}`)",
            m.id,
            names.join(", "),
            m.id
        );
        out.push(
            Diagnostic::new(RULE.code, file, m.span, message)
                .with_data(&IdData { id: m.id.clone() }),
        );
    }
}

/// "Name feature 007-search": writes the feature's folder name before the
/// ID, once per feature that defines it; none is preferred, so batch fixing
/// never applies one. Only in Markdown and SQL files
/// (in an OpenAPI trace the ID stands alone). Needs review: which feature
/// is meant is the author's call.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(IdData { id }) = d.data() else {
        return Vec::new();
    };
    let id = id.as_str();
    let file = &d.location.file;
    if !matches!(
        index.parsed(file),
        Some(Parsed::Prd(_) | Parsed::Markdown(_) | Parsed::Sql(_))
    ) {
        return Vec::new();
    }
    let Resolution::Ambiguous(keys) = index.resolve_at(file, d.location.span, id) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, k) in owners(index, &keys) {
        if index.feature_dir(&index.prds[k.prd]).is_none() {
            continue; // only a feature folder's name resolves the ID
        }
        let (_, req) = index.requirement(k);
        let mut set = EditSet::new(index);
        set.replace(
            file,
            specgate_syntax::tree::Span::new(d.location.span.start, d.location.span.start),
            format!("{name} "),
        );
        out.extend(set.into_fix(
            format!(
                "Name feature {name}: {}",
                crate::rules::shared::openapi::short(&req.title, 50)
            ),
            Applicability::Unsafe,
        ));
    }
    // None is preferred: batch fixing must not pick a feature.
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const A: &str = "# Search\n\n- **FR-041**: Players MUST opt in to search\n";
    const B: &str =
        "# Chat\n\n- **FR-041**: Chat MUST keep history\n- **FR-050**: Chat MUST badge\n";

    fn ws(note: &str) -> Vec<(&str, &str)> {
        vec![
            ("specs/007-search/spec.md", A),
            ("specs/019-chat/spec.md", B),
            ("docs/notes.md", note),
        ]
    }

    #[test]
    fn unnamed_feature_is_ambiguous_not_unknown() {
        let idx = index(&ws("Retire FR-041 next quarter.\n"));
        let f = findings(&idx, "ambiguous-requirement");
        assert!(
            f.contains("docs/notes.md:1:8 warning[ambiguous-requirement] `FR-041` FR-041 is defined in several features (007-search, 019-chat)"),
            "{f}"
        );
        assert_eq!(findings(&idx, "unknown-requirement"), "");
    }

    #[test]
    fn a_feature_named_on_the_line_or_paragraph_resolves() {
        for note in [
            "- `specs/007-search/spec.md` — retiring FR-041\n",
            "Retiring 007-search FR-041.\n",
            "Amend feature 7: FR-041 goes.\n",
            "Amend spec 019 now (FR-041).\n",
            "Blocking is DM-only (019 FR-041).\n",
            "See [the search spec](../specs/007-search/spec.md).\nIt retires\nFR-041 too.\n",
            "Features 010/019 keep FR-041.\n",
        ] {
            let idx = index(&ws(note));
            assert_eq!(findings(&idx, "ambiguous-requirement"), "", "{note}");
            assert_eq!(findings(&idx, "unknown-requirement"), "", "{note}");
        }
        // The feature named nearest before the ID wins.
        let idx = index(&ws("007-search drops it; 019-chat keeps FR-041.\n"));
        let key = match idx.resolve_at(
            "docs/notes.md",
            specgate_syntax::tree::Span::new(36, 42),
            "FR-041",
        ) {
            crate::index::Resolution::Found(k) => k,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            &*idx.requirement(key).0.to_string(),
            "specs/019-chat/spec.md"
        );
    }

    #[test]
    fn names_that_do_not_count() {
        for note in [
            // Another feature than the two that define it.
            "Feature 008 and FR-041.\n",
            // A longer folder name, a number inside a word, another paragraph.
            "007-search-v2 FR-041\n",
            "v2019 FR-041\n",
            "007-search is done.\n\nFR-041 stays.\n",
        ] {
            let idx = index(&ws(note));
            assert!(
                findings(&idx, "ambiguous-requirement").contains("FR-041"),
                "{note}"
            );
        }
    }

    #[test]
    fn own_folder_wins_and_one_feature_with_two_prds_is_not_ambiguous() {
        // A note in feature 019's folder means 019's FR-041, whatever it names.
        let mut files = ws("");
        files.push(("specs/019-chat/plan.md", "FR-041 as in 007-search.\n"));
        let idx = index(&files);
        assert_eq!(findings(&idx, "ambiguous-requirement"), "");
        // A PRD-like checklist inside feature 019 repeats FR-050: still 019's.
        let idx = index(&[
            ("specs/007-search/spec.md", A),
            ("specs/019-chat/spec.md", B),
            (
                "specs/019-chat/checklists/requirements.md",
                "- FR-050 — badge only\n",
            ),
            ("docs/notes.md", "FR-050 is done.\n"),
        ]);
        assert_eq!(findings(&idx, "ambiguous-requirement"), "");
    }

    #[test]
    fn fix_names_the_feature_in_markdown_only() {
        let idx = index(&ws("Retire FR-041 next quarter.\n"));
        let d: Vec<_> = crate::rules::check(&idx)
            .into_iter()
            .filter(|d| d.code == "ambiguous-requirement")
            .collect();
        let fixes = crate::rules::fixes(&idx, &d[0]);
        let titles: Vec<&str> = fixes.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(
            titles,
            vec![
                "Name feature 007-search: Players MUST opt in to search",
                "Name feature 019-chat: Chat MUST keep history"
            ]
        );
        assert!(fixes
            .iter()
            .all(|f| f.applicability == crate::diag::Applicability::Unsafe));
        assert_eq!(fixes[0].edits[0].new_text, "007-search ");
        assert_eq!(fixes[0].edits[0].span.start, 7);
        // Applied, the finding is gone.
        let text = "Retire 007-search FR-041 next quarter.\n";
        let idx = index(&ws(text));
        assert_eq!(findings(&idx, "ambiguous-requirement"), "");
        // In an OpenAPI trace: no fix.
        let api = "openapi: 3.0.3\npaths:\n  /x:\n    get:\n      x-fr-ids: [FR-041]\n      responses: {}\n";
        let mut files = ws("");
        files.push(("openapi.yaml", api));
        let idx = index(&files);
        let d: Vec<_> = crate::rules::check(&idx)
            .into_iter()
            .filter(|d| d.code == "ambiguous-requirement")
            .collect();
        assert_eq!(d.len(), 1);
        assert!(crate::rules::fixes(&idx, &d[0]).is_empty());
    }
}
