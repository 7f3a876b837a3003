//! `untraced-operation`: an operation that names no requirement.
//!
//! **What.** Every operation must name at least one FR-ID: in a trace key
//! (`x-fr-ids`, configurable with `requirements.trace_keys`; a string or a
//! list), in its `summary` or `description`, or in a YAML comment inside it.
//!
//! Without any PRD in the workspace nothing can be traced: instead of one
//! finding per operation there is one for the workspace (a `warning` at the
//! first API root's `paths` key: "no PRD found: 383 operations cannot be
//! traced; see files.prd"), or none with
//! `[rules.untraced-operation] when_no_prd = "off"`.
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
use crate::config::WhenNoPrd;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::{prefer_first, EditSet, Pos, Val};
use crate::index::Index;
use crate::rules::shared::openapi::OpData;
use crate::rules::shared::openapi::{op_for, short, OP_HEAD};
use crate::rules::shared::requirements::{self, rank_requirements};
use specgate_syntax::tree::Node;

pub const RULE: Rule = Rule {
    code: "untraced-operation",
    source: include_str!("untraced_operation.rs"),
    default_severity: Severity::Error,
    summary: "An operation names no FR-ID (x-fr-ids, summary, description or a comment)",
    points_at: "the method key (the operation's first key when it is written in a file of its own; the first API root's `paths` key when there is no PRD)",
    check,
    fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    if index.prds.is_empty() {
        if index.config().untraced_when_no_prd == WhenNoPrd::Once {
            out.extend(no_prd(index));
        }
        return;
    }
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
            .with_data(&OpData::of(op)),
        );
    }
}

/// The one finding of a workspace without a PRD, at the `paths` key (else
/// the `openapi`/`swagger` key) of the first API root with an untraced
/// operation.
fn no_prd(index: &Index) -> Option<Diagnostic> {
    let untraced: Vec<_> = index
        .operations
        .iter()
        .filter(|o| o.traces.is_empty())
        .collect();
    let first = untraced.first()?;
    // An operation reached from two API roots (a namespace file that is a
    // root of its own and `$ref`'d by the main one) counts once.
    let distinct: std::collections::HashSet<_> = untraced
        .iter()
        .map(|o| (&o.file, o.method_span.start))
        .collect();
    let root = &first.api_root;
    let span = index
        .doc(root)
        .and_then(|d| d.root.as_ref())
        .and_then(|r| {
            ["paths", "openapi", "swagger"]
                .iter()
                .find_map(|k| r.entry(k))
                .map(|e| e.key_span)
        })
        .unwrap_or_default();
    let n = distinct.len();
    let ops = if n == 1 {
        "1 operation".to_string()
    } else {
        format!("{n} operations")
    };
    let mut d = Diagnostic::new(
        RULE.code,
        root,
        span,
        format!(
            "no PRD found: {ops} cannot be traced; see files.prd (Markdown named like *prd* or *requirements*, or specs/*/spec.md), or set [rules.untraced-operation] when_no_prd = \"off\""
        ),
    );
    d.severity = Severity::Warning;
    Some(d)
}

/// "Trace to FR-006: …" for the three requirements whose titles best match
/// the operation's words (TF-IDF cosine), then "Add x-fr-ids" with an empty
/// list. All need review: which requirement an endpoint serves is a decision.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    if index.prds.is_empty() {
        return Vec::new(); // nothing to trace to
    }
    let Some(op) = op_for(index, d) else {
        return Vec::new();
    };
    let Some(opn) = index.op_node(op) else {
        return Vec::new();
    };
    let key = index
        .config()
        .trace_keys
        .first()
        .map(String::as_str)
        .unwrap_or("x-fr-ids");
    let mut out = Vec::new();
    // Only requirements whose titles share words with the operation: a
    // guess with nothing in common is no suggestion.
    for (req, _) in rank_requirements(index, &op.file, &requirements::op_query(op))
        .into_iter()
        .filter(|(_, score)| *score > 0.0)
        .take(3)
    {
        let mut set = EditSet::new(index);
        add_trace(&mut set, op, opn, key, Some(&req.id));
        out.extend(set.into_fix(
            format!("Trace to {}: {}", req.id, short(&req.title, 60)),
            Applicability::Unsafe,
        ));
    }
    let mut set = EditSet::new(index);
    add_trace(&mut set, op, opn, key, None);
    // A placeholder: it does not remove the finding, so no batch applies it.
    out.extend(set.into_fix(format!("Add {key}"), Applicability::Display));
    prefer_first(out)
}

/// Writes `id` into the operation's trace key (creating it, or adding to
/// the list it has); with `None`, an empty list.
pub fn add_trace<'a>(
    set: &mut EditSet<'a>,
    op: &crate::model::openapi::Operation,
    opn: &'a Node,
    key: &str,
    id: Option<&str>,
) {
    let Some(doc) = set.doc(&op.file) else {
        return;
    };
    let list = Val::Seq(id.map(Val::str).into_iter().collect());
    match opn.entry(key) {
        Some(e) if e.value.is_seq() => {
            if let Some(id) = id {
                doc.insert_item(&e.value, Val::str(id), None);
            }
        }
        Some(e) => doc.replace_value(e, list),
        None => doc.insert_entry(opn, key, list, Pos::After(OP_HEAD)),
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

    #[test]
    fn without_any_prd_one_finding_for_the_workspace() {
        let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      responses: {}\n    post:\n      responses: {}\n";
        let idx = index(&[("openapi.yaml", api), ("b.yaml", api)]);
        assert_eq!(
            findings(&idx, "untraced-operation"),
            "b.yaml:3:1 warning[untraced-operation] `paths` no PRD found: 4 operations cannot be traced; see files.prd (Markdown named like *prd* or *requirements*, or specs/*/spec.md), or set [rules.untraced-operation] when_no_prd = \"off\"\n"
        );
        // A namespace file that is a root of its own and `$ref`'d by the
        // main one: its operations count once.
        let main = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    $ref: 'pets.yaml#/paths/~1pets'\n";
        let idx = index(&[("main.yaml", main), ("pets.yaml", api)]);
        let f = findings(&idx, "untraced-operation");
        assert!(f.contains("no PRD found: 2 operations cannot"), "{f}");
        let mut ws = crate::workspace::Workspace::from_files([("openapi.yaml", api)]);
        let (cfg, e) =
            crate::config::Config::from_toml("[rules.untraced-operation]\nwhen_no_prd = \"off\"\n");
        assert!(e.is_empty());
        ws.config = std::sync::Arc::new(cfg);
        let idx = crate::index::Index::build(ws, None);
        assert_eq!(findings(&idx, "untraced-operation"), "");
    }
}
