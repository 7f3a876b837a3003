//! `untraced-operation`: an operation that names no requirement.
//!
//! **What.** Every operation must name at least one FR-ID: in a trace key
//! (`x-fr-ids`, configurable with `requirements.trace_keys`; a string or a
//! list), in its `summary` or `description`, or in a YAML comment inside it.
//!
//! **Why.** Contract-first design says every endpoint exists because a
//! requirement asks for it. An endpoint that traces to nothing is scope creep
//! or a requirement nobody wrote down.
//!
//! **Example.**
//! ```yaml
//! paths:
//!   /appointments:
//!     get:            # ← untraced-operation
//!       summary: List appointments
//! ```
//!
//! **Fix.** Add `x-fr-ids: [FR-006]` naming the requirement the operation
//! serves (the quick fixes propose the best-matching ones).
//!
//! Range: the method key.

use super::Rule;
use crate::diag::{Diagnostic, Severity};
use crate::index::Index;
use serde_json::json;

pub const RULE: Rule = Rule {
    code: "untraced-operation",
    default_severity: Severity::Error,
    summary: "An operation names no FR-ID (x-fr-ids, summary, description or a comment)",
    check,
    fixes: super::no_fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let key = index
        .config()
        .trace_keys
        .first()
        .map(String::as_str)
        .unwrap_or("x-fr-ids");
    for op in &index.operations {
        if !op.traces.is_empty() {
            continue;
        }
        out.push(
            Diagnostic::new(
                RULE.code,
                &op.file,
                op.method_span,
                format!(
                    "{} traces to no requirement: add `{key}: [FR-…]` naming the requirement it serves",
                    op.label()
                ),
            )
            .with_data(json!({ "pointer": op.pointer, "method": op.method, "path": op.path })),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const PRD: &str =
        "# PRD\n\n| ID | Requirement | Priority |\n|---|---|---|\n| FR-001 | List pets | P0 |\n";

    #[test]
    fn reports_operation_without_any_id() {
        let api = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      summary: List pets\n      responses: {}\n";
        let idx = index(&[("prd.md", PRD), ("openapi.yaml", api)]);
        assert_eq!(
            findings(&idx, "untraced-operation"),
            "openapi.yaml:4:5 error[untraced-operation] `get` GET /pets traces to no requirement: add `x-fr-ids: [FR-…]` naming the requirement it serves\n"
        );
    }

    #[test]
    fn ids_in_trace_key_summary_description_or_comment_count() {
        for op in [
            "      x-fr-ids: [FR-001]\n",
            "      x-fr-ids: FR-001\n",
            "      summary: List pets (FR-001)\n",
            "      description: |\n        Serves FR-001.\n",
            "      # traces FR-001\n      summary: x\n",
        ] {
            let api =
                format!("openapi: 3.0.3\npaths:\n  /pets:\n    get:\n{op}      responses: {{}}\n");
            let idx = index(&[("prd.md", PRD), ("openapi.yaml", &api)]);
            assert_eq!(findings(&idx, "untraced-operation"), "", "{op}");
        }
    }

    #[test]
    fn nfr_is_not_a_trace() {
        let api = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      summary: Fast (NFR-001)\n      responses: {}\n";
        let idx = index(&[("prd.md", PRD), ("openapi.yaml", api)]);
        assert!(findings(&idx, "untraced-operation").contains("GET /pets traces to no requirement"));
    }
}
