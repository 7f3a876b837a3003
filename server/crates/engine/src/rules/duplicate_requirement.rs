//! `duplicate-requirement`: an FR-ID defined twice in one scope.
//!
//! **What.** Within one PRD, or two PRDs of the same folder, each ID is
//! defined once. (Separate spec-kit features may each have their own FR-001.)
//!
//! **Why.** Two definitions make every trace ambiguous: which requirement
//! does `FR-004` mean?
//!
//! **Example.** Two table rows both starting with `FR-004`.
//!
//! **Fix.** Renumber one of them to the next free ID.
//!
//! Range: the ID at each definition (both places are reported).

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::Index;
use crate::rules::shared::requirements::IdData;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: "duplicate-requirement",
    source: include_str!("duplicate_requirement.rs"),
    default_severity: Severity::Error,
    summary: "An FR-ID is defined twice in one scope",
    points_at: "both definitions",
    check,
    fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let mut groups: BTreeMap<(&str, &str), Vec<_>> = BTreeMap::new();
    for (_, file, req) in index.all_requirements() {
        let dir = file.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        groups
            .entry((dir, req.id.as_str()))
            .or_default()
            .push((file, req));
    }
    for ((_, id), defs) in groups {
        if defs.len() < 2 {
            continue;
        }
        for (i, (file, req)) in defs.iter().enumerate() {
            let mut d = Diagnostic::new(
                RULE.code,
                file,
                req.span,
                format!(
                    "{id} is defined {} times in this scope: renumber one of them",
                    defs.len()
                ),
            )
            .with_data(&IdData { id: id.to_string() });
            for (j, (f2, r2)) in defs.iter().enumerate() {
                if i != j {
                    d = d.with_related(f2, r2.span, format!("{id} is also defined here"));
                }
            }
            out.push(d);
        }
    }
}

/// "Renumber to FR-012": the next ID after every defined one (and after
/// every ID mentioned anywhere), with the same zero padding. Preferred on
/// the later definition; needs review either way (traces may mean either).
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(IdData { id }) = d.data() else {
        return Vec::new();
    };
    let id = id.as_str();
    let Some(next) = crate::rules::shared::requirements::next_free_id(index, id) else {
        return Vec::new();
    };
    let mut set = EditSet::new(index);
    set.replace(&d.location.file, d.location.span, next.clone());
    let later = d.related.iter().all(|r| r.location < d.location);
    set.into_fix(format!("Renumber to {next}"), Applicability::Unsafe)
        .map(|mut f| {
            f.preferred = later;
            f
        })
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn both_definitions_are_reported() {
        let prd =
            "| ID | Requirement |\n|---|---|\n| FR-001 | A |\n| FR-001 | B |\n| FR-002 | C |\n";
        let idx = index(&[("prd.md", prd)]);
        let f = findings(&idx, "duplicate-requirement");
        assert_eq!(f.lines().count(), 2, "{f}");
        assert!(f.contains("prd.md:3:3") && f.contains("prd.md:4:3"), "{f}");
    }

    #[test]
    fn separate_features_may_reuse_numbers() {
        let idx = index(&[
            ("specs/001-a/spec.md", "- **FR-001**: A\n"),
            ("specs/002-b/spec.md", "- **FR-001**: B\n"),
        ]);
        assert_eq!(findings(&idx, "duplicate-requirement"), "");
    }
}
