//! `missing-permission`: a secured operation that names no permission, in
//! an API that assigns permissions to its operations.
//!
//! **What.** An API assigns permissions when some security requirement
//! asks for OAuth2 / OpenID Connect scopes (`- oauth: [pets:write]`), or
//! some operation lists roles in `x-roles` or `x-permissions` (the keys are
//! `[rules.missing-permission] keys = ["x-roles", "x-permissions"]`). Then every
//! operation secured by such a scheme (its own `security` or the root's)
//! must name what it needs: a scope in one of its requirements, or its
//! roles. Operations that are public (`security: []`, or an optional `{}`
//! requirement) or secured only by schemes without scopes (API keys, HTTP
//! auth) in an API that does not list roles are not checked.
//!
//! **Why.** "Auth and permission model must be designed before
//! implementation": a requirement with an empty scope list grants the
//! operation to every authenticated caller, which is rarely what the
//! design meant when its neighbours ask for `pets:write`.
//!
//! **Example.** `DELETE /pets/{id}` with `security: [{oauth: []}]` while
//! `POST /pets` asks for `pets:write`.
//!
//! **Fix.** "Require `pets:write`": the scope the API's operations of the
//! same kind (reading or writing) under the same first path segment ask
//! for most, else the same kind anywhere (unsafe: a decision).
//!
//! Range: the operation's `security` key, else its method key.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::{prefer_first, EditSet, Pos, Val};
use crate::index::{Api, Index};
use crate::model::openapi::Operation;
use crate::rules::shared::{openapi, security};
use specgate_syntax::tree::Node;

pub const RULE: Rule = Rule {
    code: "missing-permission",
    source: include_str!("missing_permission.rs"),
    default_severity: Severity::Warning,
    summary: "A secured operation names no scope or role, in an API that assigns them",
    points_at: "the operation's `security` key (the method key if it inherits the root's)",
    check,
    fixes,
};

fn scoped_type(schemes: &[security::Scheme<'_>], name: &str) -> bool {
    schemes.iter().any(|s| {
        s.name == name
            && matches!(
                s.node.get("type").and_then(Node::as_str),
                Some("oauth2" | "openIdConnect")
            )
    })
}

fn has_roles(index: &Index, op: &Operation) -> bool {
    !security::roles(index, op).is_empty()
}

/// The scopes `op`'s requirements in effect ask for.
fn scopes<'a>(index: &'a Index, api: &Api, op: &Operation) -> Vec<&'a str> {
    security::in_effect(index, api, op)
        .map(|(list, _)| {
            security::named(list)
                .flat_map(|e| e.value.items().iter().filter_map(Node::as_str))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `op` should name a permission and does not.
fn lacks(
    index: &Index,
    api: &Api,
    schemes: &[security::Scheme<'_>],
    roles: bool,
    op: &Operation,
) -> bool {
    let Some((list, _)) = security::in_effect(index, api, op) else {
        return false;
    };
    let reqs = list.items();
    // Public, or optional auth (`{}` among the alternatives).
    if reqs.is_empty() || reqs.iter().any(|r| r.entries().is_empty()) {
        return false;
    }
    if has_roles(index, op) || !scopes(index, api, op).is_empty() {
        return false;
    }
    roles || security::named(list).any(|e| scoped_type(schemes, &e.key))
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for api in &index.apis {
        let schemes = security::schemes(index, api);
        let uses_scopes = security::requirement_lists(index, api)
            .iter()
            .any(|(_, l)| {
                security::named(l)
                    .any(|e| scoped_type(&schemes, &e.key) && !e.value.items().is_empty())
            });
        let roles = openapi::own_ops(index, api).any(|o| has_roles(index, o));
        if !uses_scopes && !roles {
            continue;
        }
        for op in openapi::own_ops(index, api) {
            if !lacks(index, api, &schemes, roles, op) {
                continue;
            }
            let span = security::op_security(index, op).map_or(op.method_span, |e| e.key_span);
            out.push(
                Diagnostic::new(
                    RULE.code,
                    &op.file,
                    span,
                    format!(
                        "{} is secured but names no permission (no scope, no `x-roles`), while the \
                         API assigns them to other operations: name what it needs",
                        op.label()
                    ),
                )
                .with_data(&openapi::OpData::of(op)),
            );
        }
    }
}

fn reads(op: &Operation) -> bool {
    matches!(op.method.as_str(), "GET" | "HEAD" | "OPTIONS")
}

fn first_segment(path: &str) -> &str {
    path.trim_start_matches('/').split('/').next().unwrap_or("")
}

/// "Require `scope`": the scope operations like this one ask for most.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(op) = openapi::op_for(index, d) else {
        return Vec::new();
    };
    let (Some(api), Some(opn)) = (openapi::api_of(index, op), index.op_node(op)) else {
        return Vec::new();
    };
    let schemes = security::schemes(index, api);
    let Some((list, own)) = security::in_effect(index, api, op) else {
        return Vec::new();
    };
    // The first scheme of the requirements that takes scopes.
    let Some(scheme) = security::named(list).find(|e| scoped_type(&schemes, &e.key)) else {
        return Vec::new();
    };
    let like = |o: &&Operation| reads(o) == reads(op);
    let mut best: Option<(&str, usize)> = None;
    for same_segment in [true, false] {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for o in openapi::own_ops(index, api).filter(like) {
            if same_segment && first_segment(&o.path) != first_segment(&op.path) {
                continue;
            }
            for s in scopes(index, api, o) {
                match counts.iter_mut().find(|(n, _)| *n == s) {
                    Some(c) => c.1 += 1,
                    None => counts.push((s, 1)),
                }
            }
        }
        // Most used; ties to the first met.
        best = counts.iter().copied().fold(None, |b, c| match b {
            Some(b) if b.1 >= c.1 => Some(b),
            _ => Some(c),
        });
        if best.is_some() {
            break;
        }
    }
    let Some((scope, _)) = best else {
        return Vec::new();
    };
    let mut set = EditSet::new(index);
    let Some(doc) = set.doc(&op.file) else {
        return Vec::new();
    };
    let requirement = Val::Seq(vec![Val::map([(
        scheme.key.as_str(),
        Val::Seq(vec![Val::str(scope)]),
    )])]);
    match (own, security::op_security(index, op)) {
        // Its own requirement with an empty list: the scope goes there.
        (true, Some(_)) if scheme.value.items().is_empty() && scheme.value.is_seq() => {
            doc.replace_value(scheme, Val::Seq(vec![Val::str(scope)]));
        }
        (true, Some(e)) => doc.replace_value(e, requirement),
        _ => doc.insert_entry(opn, "security", requirement, Pos::End),
    }
    prefer_first(
        set.into_fix(format!("Require `{scope}`"), Applicability::Unsafe)
            .into_iter()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const HEAD: &str = "openapi: 3.0.3\ncomponents:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://a.example/token\n          scopes: {pets:read: r, pets:write: w}\n    key: {type: apiKey, name: k, in: header}\n";

    #[test]
    fn an_empty_scope_list_among_scoped_neighbours_is_named() {
        let a = format!("{HEAD}paths:\n  /pets:\n    post:\n      security: [{{oauth: [pets:write]}}]\n      responses: {{'201': {{description: ok}}}}\n    delete:\n      security: [{{oauth: []}}]\n      responses: {{'204': {{description: ok}}}}\n    get:\n      security: [{{key: []}}]\n      responses: {{'200': {{description: ok}}}}\n");
        let idx = index(&[("openapi.yaml", &a)]);
        assert_eq!(
            findings(&idx, "missing-permission"),
            "openapi.yaml:17:7 warning[missing-permission] `security` DELETE /pets is secured but names no permission (no scope, no `x-roles`), while the API assigns them to other operations: name what it needs\n"
        );
    }

    #[test]
    fn no_permissions_anywhere_is_not_checked() {
        let a = format!("{HEAD}paths:\n  /pets:\n    delete:\n      security: [{{oauth: []}}]\n      responses: {{'204': {{description: ok}}}}\n");
        let idx = index(&[("openapi.yaml", &a)]);
        assert_eq!(findings(&idx, "missing-permission"), "");
    }

    #[test]
    fn role_keys_are_configurable() {
        let a = "openapi: 3.1.0\nsecurity: [{bearer: []}]\ncomponents:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\npaths:\n  /a:\n    post:\n      x-acl: [admin]\n      responses: {'201': {description: ok}}\n    delete:\n      responses: {'204': {description: ok}}\n";
        let idx = index(&[("openapi.yaml", a)]);
        assert_eq!(
            findings(&idx, "missing-permission"),
            "",
            "x-acl is not a role key by default"
        );
        let toml = "[rules.missing-permission]\nkeys = [\"x-acl\"]\n";
        let idx = index(&[("openapi.yaml", a), ("specgate.toml", toml)]);
        assert!(findings(&idx, "missing-permission")
            .contains("DELETE /a is secured but names no permission"));
    }
}
