//! `uncovered-requirement`: a requirement that must ship but no operation traces.
//!
//! **What.** Every P0 requirement (in MVP mode: every MVP-tagged one) must be
//! traced by at least one operation. MVP mode is on when the PRD says
//! `Release Mode: MVP`, or `requirements.release_mode = "mvp"` in the config.
//! A mention in SQL or prose is not coverage: only operations cover.
//!
//! **Why.** The API is the contract for what the product does; a P0
//! requirement without an endpoint is a hole the backend team finds late.
//!
//! **Example.** `| FR-011 | Rate a visit | P0 |` and no operation names FR-011.
//!
//! **Fix.** Design the endpoint (the quick fix writes a stub with the
//! responses the other rules require), or lower the priority in the PRD.
//!
//! Range: the ID at its definition.

use super::Rule;
use crate::config::ReleaseMode;
use crate::diag::{Diagnostic, Severity};
use crate::index::{Index, ReqKey, Resolution};
use crate::model::Priority;
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    code: "uncovered-requirement",
    default_severity: Severity::Warning,
    summary: "A P0 (or, in MVP mode, MVP) requirement that no operation traces",
    check,
    fixes: super::no_fixes,
};

/// Requirement definitions traced by at least one operation.
pub fn covered(index: &Index) -> HashSet<ReqKey> {
    let mut set = HashSet::new();
    for op in &index.operations {
        for t in &op.traces {
            if let Resolution::Found(k) = index.resolve_id(&t.file, &t.mention.id) {
                set.insert(k);
            }
        }
    }
    set
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let covered = covered(index);
    for p in 0..index.prds.len() {
        let (file, prd) = index.prd(p);
        let mvp = match index.config().release_mode {
            Some(m) => m == ReleaseMode::Mvp,
            None => prd.release_mode_mvp,
        };
        for (r, req) in prd.requirements.iter().enumerate() {
            let must = if mvp {
                req.mvp
            } else {
                req.priority == Some(Priority::P0)
            };
            if !must || covered.contains(&ReqKey { prd: p, req: r }) {
                continue;
            }
            let why = if mvp {
                "an MVP requirement"
            } else {
                "a P0 requirement"
            };
            out.push(
                Diagnostic::new(
                    RULE.code,
                    file,
                    req.span,
                    format!(
                        "{} ({}) is {why} that no operation traces: design its endpoint and add `x-fr-ids: [{}]`",
                        req.id, req.title, req.id
                    ),
                )
                .with_data(serde_json::json!({ "id": req.id })),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const PRD: &str = "| ID | Requirement | Priority | Release |\n|---|---|---|---|\n| FR-001 | List pets | P0 | MVP |\n| FR-002 | Rate pets | P0 | |\n| FR-003 | Export | P1 | MVP |\n";

    #[test]
    fn p0_without_operation_is_reported_sql_mentions_do_not_cover() {
        let api = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      x-fr-ids: [FR-001]\n";
        let sql = "-- FR-002\nCREATE TABLE pets (id int);\n";
        let idx = index(&[("prd.md", PRD), ("openapi.yaml", api), ("db.sql", sql)]);
        let f = findings(&idx, "uncovered-requirement");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(
            f.contains("prd.md:4:3 warning[uncovered-requirement] `FR-002`"),
            "{f}"
        );
    }

    #[test]
    fn mvp_mode_requires_mvp_tagged_only() {
        let prd = format!("Release Mode: MVP\n\n{PRD}");
        let api = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      x-fr-ids: [FR-001]\n";
        let idx = index(&[("prd.md", &prd), ("openapi.yaml", api)]);
        let f = findings(&idx, "uncovered-requirement");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(f.contains("`FR-003`"), "{f}");
    }
}
