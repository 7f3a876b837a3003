//! `unknown-requirement`: a reference to an FR-ID that no PRD defines.
//!
//! **What.** Every mention of a requirement ID outside its definition (in an
//! OpenAPI file, a SQL comment, a PRD's prose, any other Markdown) must name
//! a requirement some PRD defines. IDs resolve by scope: the PRD in the same
//! or nearest ancestor folder first (spec-kit's `specs/<feature>/spec.md`
//! each number their own FR-001…), then the feature named on the same line
//! or paragraph, then workspace-wide when unambiguous. An ID that several
//! features define and the context does not pin down is
//! `ambiguous-requirement`, not this rule.
//!
//! **Why.** A typo (`FR-0012`) or a deleted requirement leaves an endpoint
//! that looks traced but is not.
//!
//! **Example.** `x-fr-ids: [FR-099]` when the PRD stops at FR-012.
//!
//! **Fix.** Change the ID to the intended one, or add the requirement to the PRD.
//!
//! Range: the ID itself.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::{prefer_first, EditSet};
use crate::index::{Index, Resolution};
use crate::rules::shared::openapi::short;
use crate::rules::shared::requirements;
use crate::rules::shared::requirements::IdData;

pub const RULE: Rule = Rule {
    code: "unknown-requirement",
    source: include_str!("unknown_requirement.rs"),
    default_severity: Severity::Error,
    summary: "A reference to an FR-ID that no PRD defines",
    points_at: "the ID",
    check,
    fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let no_prd = index.prds.is_empty();
    for (file, m) in index.id_mentions() {
        let message = match index.resolve_at(file, m.span, &m.id) {
            Resolution::Found(_) | Resolution::Ambiguous(_) => continue,
            Resolution::Unknown if no_prd => format!(
                "{} is not defined: no PRD was found (Markdown named like *prd* or *requirements*, or specs/*/spec.md; see files.prd in specgate.toml)",
                m.id
            ),
            Resolution::Unknown => format!("{} is not defined in any PRD: fix the ID or add the requirement", m.id),
        };
        out.push(
            Diagnostic::new(RULE.code, file, m.span, message)
                .with_data(&IdData { id: m.id.clone() }),
        );
    }
}

/// "Change to FR-010" for the defined IDs closest to the unknown one: in
/// spelling (`FR-100` ↔ `FR-010`), in number, and in title when the mention
/// sits in an operation (or a line) whose words match a requirement.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(IdData { id }) = d.data() else {
        return Vec::new();
    };
    let id = id.as_str();
    let file = &d.location.file;
    if index.resolve_id(file, id) != Resolution::Unknown {
        return Vec::new();
    }
    let span = d.location.span;
    let context = index
        .operations
        .iter()
        .find(|o| o.file == *file && o.span.start <= span.start && span.end <= o.span.end)
        .map(requirements::op_query)
        .unwrap_or_else(|| {
            let text = index.text(file);
            let l = crate::edit::table::line_at(text, span.start);
            text[l.start as usize..l.end as usize].replace(id, " ")
        });
    let mut out = Vec::new();
    for req in requirements::closest_ids(index, file, id, Some(&context), 3) {
        let mut set = EditSet::new(index);
        set.replace(file, span, req.id.clone());
        out.extend(set.into_fix(
            format!("Change to {}: {}", req.id, short(&req.title, 60)),
            Applicability::Unsafe,
        ));
    }
    prefer_first(out)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const PRD: &str = "# PRD\n\n- **FR-001**: System MUST list pets. See FR-002 and NFR-001.\n";

    #[test]
    fn unknown_ids_anywhere_are_reported_at_the_id() {
        let api = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      x-fr-ids: [FR-001, FR-099]\n      responses: {}\n";
        let sql = "-- for FR-042\nCREATE TABLE pets (id int);\n";
        let idx = index(&[
            ("prd.md", PRD),
            ("openapi.yaml", api),
            ("schema.sql", sql),
            ("notes.md", "Ask about FR-007."),
        ]);
        let f = findings(&idx, "unknown-requirement");
        assert!(
            f.contains("openapi.yaml:5:26 error[unknown-requirement] `FR-099`"),
            "{f}"
        );
        assert!(f.contains("schema.sql:1:8"), "{f}");
        assert!(f.contains("notes.md:1:11"), "{f}");
        assert!(f.contains("prd.md:3:42"), "prose mention of FR-002: {f}");
        assert!(!f.contains("FR-001"), "{f}");
        assert!(!f.contains("NFR"), "{f}");
    }

    #[test]
    fn spec_kit_scopes_resolve_per_feature() {
        let a = "- **FR-001**: Book a visit\n- **FR-002**: Cancel a visit\n";
        let b = "- **FR-001**: Rate a visit\n";
        let api_b =
            "openapi: 3.1.0\npaths:\n  /ratings:\n    post:\n      x-fr-ids: [FR-001, FR-002]\n";
        let idx = index(&[
            ("specs/001-booking/spec.md", a),
            ("specs/002-rating/spec.md", b),
            ("specs/002-rating/contracts/openapi.yaml", api_b),
        ]);
        // FR-001 resolves in its own feature; FR-002 only exists in 001, which is unambiguous.
        assert_eq!(findings(&idx, "unknown-requirement"), "");
        let api_root = "openapi: 3.1.0\npaths:\n  /x:\n    get:\n      x-fr-ids: [FR-001]\n";
        let idx = index(&[
            ("specs/001-booking/spec.md", a),
            ("specs/002-rating/spec.md", b),
            ("openapi.yaml", api_root),
        ]);
        // Defined in two features, none in scope: ambiguous, not unknown.
        assert_eq!(findings(&idx, "unknown-requirement"), "");
        assert!(findings(&idx, "ambiguous-requirement").contains("FR-001"));
    }
}
