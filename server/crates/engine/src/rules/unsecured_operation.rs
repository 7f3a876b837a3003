//! `unsecured-operation`: an operation that is neither secured nor marked
//! public.
//!
//! **What.** An operation of the API's own paths with no security
//! requirement in effect: no `security` of its own and none at the root.
//! An operation is explicitly public with `security: []` (and every
//! operation is, with a root `security: []`). When the API defines no
//! security scheme at all, one finding at the document's version key says
//! so instead of one per operation. Webhooks and callbacks are calls the
//! API makes, so they are not checked.
//!
//! **Why.** "Auth and permission model must be designed before
//! implementation — not deferred." An operation without a requirement is
//! either a forgotten one or a public one nobody decided on; both are
//! found in review, or in production.
//!
//! **Example.** `GET /patients/{id}` with neither `security:` nor a root
//! `security:`, in an API whose other operations use `bearerAuth`.
//!
//! **Fix.** "Secure with `bearerAuth`": the scheme most operations use,
//! written as the operation's `security`, with a 401 response when it has
//! none (safe). "Mark as public (`security: []`)" (unsafe: it is a
//! decision). For an API without any scheme: "Add a bearer JWT scheme and
//! require it everywhere" (a `bearerAuth` scheme and a root `security`;
//! offered in the editor only, since it picks the authentication
//! mechanism for the whole API).
//!
//! Swagger 2.0 reads `securityDefinitions` and the same `security` keys.
//! Range: the operation's method key (the document's `openapi`/`swagger`
//! key for the finding about the whole API).

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::{EditSet, Pos, Val};
use crate::index::{Api, Index};
use crate::model::openapi::{Operation, Version};
use crate::rules::shared::{openapi, security};

pub const RULE: Rule = Rule {
    code: "unsecured-operation",
    source: include_str!("unsecured_operation.rs"),
    default_severity: Severity::Error,
    summary: "An operation has no security requirement in effect and is not marked public (`security: []`)",
    points_at: "the method key (the version key when the API defines no security scheme)",
    check,
    fixes,
};

/// Whether `op` has a security decision: its own `security` (a list of
/// requirements, or `[]` for public), else the root's.
fn decided(index: &Index, api: &Api, op: &Operation) -> bool {
    security::in_effect(index, api, op).is_some()
}

/// The operations of `api` the rule is about, and whether each is decided.
fn undecided<'a>(index: &'a Index, api: &'a Api) -> impl Iterator<Item = &'a Operation> + 'a {
    openapi::own_ops(index, api).filter(move |o| !decided(index, api, o))
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for api in &index.apis {
        let schemes = security::schemes(index, api);
        if schemes.is_empty() {
            // No count in the message: it names the finding (baseline,
            // fix checks), and adding an operation does not make it new.
            if undecided(index, api).next().is_none() {
                continue;
            }
            let Some(at) = openapi::version_key(index, api) else {
                continue;
            };
            out.push(Diagnostic::new(
                RULE.code,
                &api.root,
                at,
                "the API defines no security scheme: operations without `security` are neither \
                 secured nor marked public (`security: []`); design authentication before \
                 implementation",
            ));
            continue;
        }
        let scheme = security::preferred(index, api, &schemes).unwrap_or(schemes[0].name);
        for op in undecided(index, api) {
            out.push(
                Diagnostic::new(
                    RULE.code,
                    &op.file,
                    op.method_span,
                    format!(
                        "{} has no security requirement and is not marked public: require \
                         `{scheme}` (as the API does) or write `security: []` if it is public",
                        op.label()
                    ),
                )
                .with_data(&openapi::OpData::of(op)),
            );
        }
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    match openapi::op_for(index, d) {
        Some(op) => op_fixes(index, op),
        None => api_fixes(index, d),
    }
}

/// "Secure with X" (and its 401 response) and "Mark as public".
fn op_fixes(index: &Index, op: &Operation) -> Vec<Fix> {
    let (Some(api), Some(opn)) = (openapi::api_of(index, op), index.op_node(op)) else {
        return Vec::new();
    };
    if decided(index, api, op) {
        return Vec::new();
    }
    let schemes = security::schemes(index, api);
    let mut out = Vec::new();
    if let Some(scheme) = security::preferred(index, api, &schemes) {
        let mut set = EditSet::new(index);
        let requirement = Val::Seq(vec![Val::map([(scheme, Val::Seq(Vec::new()))])]);
        // Security brings the 401 that `missing-error-response` asks of a
        // secured operation: written with it, so the fix leaves no new gap.
        let needs_401 = index
            .config()
            .required_responses_in(&op.file)
            .iter()
            .any(|r| r == "unauthorized")
            && !index.op_responses(op).iter().any(|(e, _, _)| {
                let k = e.key.to_ascii_uppercase();
                k == "401" || k == "4XX"
            });
        let responses = opn.get("responses").map(|r| index.deref(&op.file, r));
        let values = needs_401.then(|| {
            let file = responses
                .as_ref()
                .map_or(op.file.clone(), |(f, _)| f.clone());
            (
                file.clone(),
                openapi::response_values(&mut set, api, &file, &["401".to_string()], &op.method),
            )
        });
        if let Some(doc) = set.doc(&op.file) {
            doc.insert_entry(opn, "security", requirement, Pos::End);
        }
        if let (Some((file, values)), Some((_, rn))) = (values, responses) {
            if rn.is_map() {
                if let Some(doc) = set.doc(&file) {
                    for (code, v) in values {
                        doc.insert_entry(rn, &code, v, Pos::Status);
                    }
                }
            }
        }
        out.extend(set.into_fix(format!("Secure with `{scheme}`"), Applicability::Safe));
    }
    let mut set = EditSet::new(index);
    if let Some(doc) = set.doc(&op.file) {
        doc.insert_entry(opn, "security", Val::Seq(Vec::new()), Pos::End);
    }
    out.extend(set.into_fix("Mark as public (`security: []`)", Applicability::Unsafe));
    out
}

/// An API without any scheme: a bearer JWT scheme and a root `security`.
fn api_fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(api) = index.apis.iter().find(|a| a.root == d.location.file) else {
        return Vec::new();
    };
    if !security::schemes(index, api).is_empty() || security::root_security(index, api).is_some() {
        return Vec::new();
    }
    let mut set = EditSet::new(index);
    let Some(doc) = set.doc(&api.root) else {
        return Vec::new();
    };
    let ok = if api.version == Version::Swagger2 {
        // 2.0 has no bearer type: an API key in the Authorization header.
        let scheme = Val::map([
            ("type", Val::str("apiKey")),
            ("name", Val::str("Authorization")),
            ("in", Val::str("header")),
            ("description", Val::str("`Bearer <JWT>`")),
        ]);
        doc.ensure_entry(&["securityDefinitions"], "bearerAuth", scheme, Pos::End)
    } else {
        let scheme = Val::map([
            ("type", Val::str("http")),
            ("scheme", Val::str("bearer")),
            ("bearerFormat", Val::str("JWT")),
        ]);
        doc.ensure_entry(
            &["components", "securitySchemes"],
            "bearerAuth",
            scheme,
            Pos::End,
        )
    };
    if !ok {
        return Vec::new();
    }
    let requirement = Val::Seq(vec![Val::map([("bearerAuth", Val::Seq(Vec::new()))])]);
    if !doc.ensure_entry(&[], "security", requirement, Pos::Before(&["paths"])) {
        return Vec::new();
    }
    set.into_fix(
        "Add a bearer JWT scheme and require it everywhere",
        Applicability::Display,
    )
    .into_iter()
    .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const OPS: &str = "paths:\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n  /b:\n    get:\n      security: []\n      responses: {'200': {description: ok}}\n";

    #[test]
    fn an_operation_without_a_decision_is_named() {
        let a = format!(
            "openapi: 3.0.3\ncomponents:\n  securitySchemes:\n    key: {{type: apiKey, name: k, in: header}}\n{OPS}"
        );
        let idx = index(&[("openapi.yaml", &a)]);
        assert_eq!(
            findings(&idx, "unsecured-operation"),
            "openapi.yaml:7:5 error[unsecured-operation] `get` GET /a has no security requirement and is not marked public: require `key` (as the API does) or write `security: []` if it is public\n"
        );
    }

    #[test]
    fn a_root_requirement_or_root_public_decides_for_all() {
        for root in ["security:\n  - key: []\n", "security: []\n"] {
            let a = format!(
                "openapi: 3.0.3\n{root}components:\n  securitySchemes:\n    key: {{type: apiKey, name: k, in: header}}\n{OPS}"
            );
            let idx = index(&[("openapi.yaml", &a)]);
            assert_eq!(findings(&idx, "unsecured-operation"), "", "{root}");
        }
    }

    #[test]
    fn no_scheme_at_all_is_one_finding_for_the_document() {
        let a = format!("swagger: '2.0'\n{OPS}");
        let idx = index(&[("swagger.yaml", &a)]);
        assert_eq!(
            findings(&idx, "unsecured-operation"),
            "swagger.yaml:1:1 error[unsecured-operation] `swagger` the API defines no security scheme: operations without `security` are neither secured nor marked public (`security: []`); design authentication before implementation\n"
        );
    }
}
