//! `missing-error-response`: an operation without its success, error and
//! validation-failure responses.
//!
//! **What.** After resolving `$ref`s, each operation needs:
//! - a 2xx (`success`);
//! - a 400 or 422 when it takes a request body or query/header/cookie
//!   parameters (`validation`);
//! - a 401 when security applies to it, its own or the document's
//!   (`security: []` opts out) (`unauthorized`);
//! - a 404 when its path has a parameter (`not-found`);
//! - a 5xx or `default` (`server-error`).
//!
//! `4XX` covers 400, 401 and 404; `5XX` covers 5xx. Which of these apply is
//! configurable: `[rules.missing-error-response] require = [...]`.
//!
//! **Why.** Designing only the happy path leaves clients guessing what a
//! failure looks like; the error format is part of the contract.
//!
//! **Example.** `GET /pets/{id}` with only a `200` lacks 404 and 5xx.
//!
//! **Fix.** Add the missing responses (the quick fix reuses the API's own
//! `components/responses`, or creates an RFC 9457 Problem response once).
//!
//! Range: the operation's `responses` key (the method key when it has none).
//! One finding per operation names every missing code.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::structured::status_order;
use crate::edit::{prefer_first, EditSet, Pos, Val};
use crate::index::Index;
use crate::model::openapi::Operation;
use crate::rules::shared::openapi;
use specgate_syntax::tree::Node;

pub const RULE: Rule = Rule {
    code: "missing-error-response",
    source: include_str!("missing_error_response.rs"),
    default_severity: Severity::Error,
    summary: "An operation lacks a 2xx, a validation (400/422), 401, 404 or 5xx/default response",
    points_at: "the `responses` key (the method key if absent)",
    check,
    fixes,
};

/// A response an operation needs, the status code a fix would add, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    pub requirement: &'static str,
    pub code: &'static str,
    pub why: &'static str,
}

/// What `op` is missing, in status-code order.
pub fn missing(index: &Index, op: &Operation) -> Vec<Need> {
    let codes: Vec<String> = index
        .op_responses(op)
        .iter()
        .map(|(e, _, _)| e.key.to_ascii_uppercase())
        .collect();
    let has = |f: &dyn Fn(&str) -> bool| codes.iter().any(|c| f(c));
    let params = index.op_parameters(op);
    let opn = index.op_node(op);
    let takes_input = opn.is_some_and(|n| n.get("requestBody").is_some())
        || params.iter().any(|(_, p)| {
            matches!(
                p.get("in").and_then(Node::as_str),
                Some("query" | "querystring" | "header" | "cookie" | "body" | "formData")
            )
        });
    let req = index.config().required_responses_in(&op.file);
    let on = |r: &str| req.iter().any(|x| x == r);
    let mut out = Vec::new();
    if on("success") && !has(&|c| c.starts_with('2')) {
        let code = if op.method == "POST" { "201" } else { "200" };
        out.push(Need {
            requirement: "success",
            code,
            why: "success",
        });
    }
    if on("validation") && takes_input && !has(&|c| c == "400" || c == "422" || c == "4XX") {
        out.push(Need {
            requirement: "validation",
            code: "400",
            why: "validation failure",
        });
    }
    if on("unauthorized") && index.security_applies(op) && !has(&|c| c == "401" || c == "4XX") {
        out.push(Need {
            requirement: "unauthorized",
            code: "401",
            why: "unauthorized",
        });
    }
    if on("not-found") && op.path.contains('{') && !has(&|c| c == "404" || c == "4XX") {
        out.push(Need {
            requirement: "not-found",
            code: "404",
            why: "not found",
        });
    }
    if on("server-error") && !has(&|c| c.starts_with('5') || c == "DEFAULT") {
        out.push(Need {
            requirement: "server-error",
            code: "500",
            why: "server error",
        });
    }
    out
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for (i, op) in index.operations.iter().enumerate() {
        if op.webhook {
            continue; // a webhook's responses are the receiver's business
        }
        // What an operation lacks is read from it alone (and what it
        // `$ref`s): a keystroke elsewhere takes the last answer.
        out.extend(index.per_op(RULE.code, i, || check_op(index, op)));
    }
}

fn check_op(index: &Index, op: &Operation) -> Vec<Diagnostic> {
    let needs = missing(index, op);
    if needs.is_empty() {
        return Vec::new();
    }
    let span = index
        .op_node(op)
        .and_then(|n| n.entry("responses"))
        .map(|e| e.key_span)
        .unwrap_or(op.method_span);
    let list: Vec<String> = needs
        .iter()
        .map(|n| format!("{} ({})", n.code, n.why))
        .collect();
    vec![Diagnostic::new(
        RULE.code,
        &op.file,
        span,
        format!(
            "{} lacks responses {}: add them",
            op.label(),
            list.join(", ")
        ),
    )
    .with_data(&openapi::OpData::of(op))]
}

/// The status codes a fix writes for `needs`: the API's own choice of 400
/// or 422 for validation, 201/204 for a POST/DELETE success.
pub fn fix_codes(
    index: &Index,
    api: &crate::index::Api,
    op: &Operation,
    needs: &[Need],
) -> Vec<String> {
    let cat = openapi::Catalog::of(index, api);
    let mut codes: Vec<String> = needs
        .iter()
        .map(|n| match n.requirement {
            "validation" if cat.prefers_422() => "422".to_string(),
            "success" => match op.method.as_str() {
                "POST" => "201".into(),
                "DELETE" => "204".into(),
                _ => "200".into(),
            },
            _ => n.code.to_string(),
        })
        .collect();
    codes.sort_by_key(|c| status_order(c));
    codes
}

/// "Add missing responses 401, 404, 500": one entry per missing code, in
/// status-code order, reusing the API's responses (as the other operations
/// use them, or named for the code), else its error schema, else a Problem
/// (RFC 9457) schema and responses created once in the API root. Safe when
/// only error responses are added; a missing success response needs review.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(op) = openapi::op_for(index, d) else {
        return Vec::new();
    };
    let (Some(api), Some(opn)) = (openapi::api_of(index, op), index.op_node(op)) else {
        return Vec::new();
    };
    let needs = missing(index, op);
    if needs.is_empty() {
        return Vec::new();
    }
    let codes = fix_codes(index, api, op, &needs);
    let mut set = EditSet::new(index);
    let (file, target) = match opn.get("responses") {
        Some(r) => {
            let (rf, rn) = index.deref(&op.file, r);
            (rf, Some(rn))
        }
        None => (op.file.clone(), None),
    };
    let values = openapi::response_values(&mut set, api, &file, &codes, &op.method);
    let Some(doc) = set.doc(&file) else {
        return Vec::new();
    };
    match target {
        Some(rn) if rn.is_map() => {
            for (code, v) in values {
                doc.insert_entry(rn, &code, v, Pos::Status);
            }
        }
        Some(_) => match opn.entry("responses") {
            Some(e) if file == op.file => doc.replace_value(e, Val::Map(values)),
            _ => return Vec::new(),
        },
        None => doc.insert_entry(
            opn,
            "responses",
            Val::Map(values),
            Pos::Before(&["callbacks", "deprecated", "security", "servers"]),
        ),
    }
    let safe = needs.iter().all(|n| n.requirement != "success");
    let title = if codes.len() == 1 {
        format!("Add missing response {}", codes[0])
    } else {
        format!("Add missing responses {}", codes.join(", "))
    };
    let app = if safe {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    prefer_first(set.into_fix(title, app).into_iter().collect())
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    fn api(op: &str, extra: &str) -> String {
        format!("openapi: 3.0.3\n{extra}paths:\n  /pets/{{id}}:\n    post:\n      x-fr-ids: [FR-001]\n{op}")
    }

    #[test]
    fn names_every_missing_code_once_at_responses() {
        let a = api(
            "      parameters:\n        - {name: q, in: query}\n      responses:\n        '201': {description: ok}\n",
            "security:\n  - key: []\n",
        );
        let idx = index(&[("openapi.yaml", &a)]);
        let f = findings(&idx, "missing-error-response");
        assert_eq!(
            f,
            "openapi.yaml:10:7 error[missing-error-response] `responses` POST /pets/{id} lacks responses 400 (validation failure), 401 (unauthorized), 404 (not found), 500 (server error): add them\n"
        );
    }

    #[test]
    fn complete_operation_and_opt_outs_pass() {
        let a = api(
            "      security: []\n      requestBody: {content: {}}\n      responses:\n        '201': {description: ok}\n        '422': {description: bad}\n        '404': {$ref: '#/components/responses/NotFound'}\n        default: {description: err}\n",
            "security:\n  - key: []\n",
        );
        let idx = index(&[("openapi.yaml", &a)]);
        assert_eq!(findings(&idx, "missing-error-response"), "");
    }

    #[test]
    fn responses_by_ref_across_files_count() {
        let root = "openapi: 3.0.3\npaths:\n  /pets:\n    $ref: paths/pets.yaml\n";
        let item = "get:\n  x-fr-ids: [FR-001]\n  responses:\n    $ref: ../responses.yaml\n";
        let resp = "'200': {description: ok}\n'500': {description: err}\n";
        let idx = index(&[
            ("openapi.yaml", root),
            ("paths/pets.yaml", item),
            ("responses.yaml", resp),
        ]);
        assert_eq!(findings(&idx, "missing-error-response"), "");
    }
}
