//! `undefined-scope`: a security requirement asks for an OAuth2 scope that
//! no flow of its scheme declares.
//!
//! **What.** In `security: [{oauth: [pets:write]}]`, every scope must be a
//! key of the `scopes` of some flow of the `oauth` scheme (Swagger 2.0: of
//! the scheme's `scopes`). OpenID Connect scopes are declared by the
//! provider, not in the document, and other scheme types take role names
//! (OpenAPI 3.1): neither is checked.
//!
//! **Why.** The authorization server grants only the scopes it knows; a
//! requirement on an undeclared scope is a permission nobody can hold (the
//! operation is unusable) or a typo of the one that was meant.
//!
//! **Example.** `pets:wirte` where the scheme declares `pets:write`.
//!
//! **Fix.** The closest declared scope (safe when one is clearly closest);
//! or declare it in every flow of the scheme with an empty description to
//! fill in (unsafe: it adds a permission to the model).
//!
//! Range: the scope in the requirement.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::render::like_written;
use crate::edit::{prefer_first, EditSet, Pos, Val};
use crate::index::{Api, Index};
use crate::model::openapi::Version;
use crate::rules::shared::{security, similarity};
use serde::{Deserialize, Serialize};
use specgate_syntax::tree::Node;

pub const RULE: Rule = Rule {
    code: "undefined-scope",
    source: include_str!("undefined_scope.rs"),
    default_severity: Severity::Error,
    summary: "A security requirement asks for an OAuth2 scope that no flow of its scheme declares",
    points_at: "the scope in the requirement",
    check,
    fixes,
};

#[derive(Serialize, Deserialize)]
struct Data {
    scheme: String,
    scope: String,
}

/// The `scopes` maps of an OAuth2 scheme (one per flow; Swagger 2.0: one),
/// or `None` when the scheme is not OAuth2.
fn scope_maps<'a>(index: &'a Index, api: &Api, scheme: &'a Node) -> Option<Vec<&'a Node>> {
    if scheme.get("type").and_then(Node::as_str) != Some("oauth2") {
        return None;
    }
    if api.version == Version::Swagger2 {
        return Some(scheme.get("scopes").into_iter().collect());
    }
    let flows = scheme.get("flows")?;
    Some(
        flows
            .entries()
            .iter()
            .filter_map(|f| f.value.get("scopes"))
            .map(|s| index.deref(&api.root, s).1)
            .collect(),
    )
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for api in &index.apis {
        let schemes = security::schemes(index, api);
        for (file, list) in security::requirement_lists(index, api) {
            for e in security::named(list) {
                let Some(s) = schemes.iter().find(|s| s.name == e.key) else {
                    continue; // undefined-security-scheme's finding
                };
                let Some(maps) = scope_maps(index, api, s.node) else {
                    continue;
                };
                for scope in e.value.items() {
                    let Some(name) = scope.as_str() else { continue };
                    if maps.iter().any(|m| m.entry(name).is_some()) {
                        continue;
                    }
                    out.push(
                        Diagnostic::new(
                            RULE.code,
                            &file,
                            scope.span,
                            format!("scope `{name}` is not declared by any flow of `{}`", s.name),
                        )
                        .with_data(&Data {
                            scheme: s.name.to_string(),
                            scope: name.to_string(),
                        }),
                    );
                }
            }
        }
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(Data { scheme, scope }) = d.data() else {
        return Vec::new();
    };
    let file = &d.location.file;
    let Some(api) = index.apis_of(file).next() else {
        return Vec::new();
    };
    let schemes = security::schemes(index, api);
    let Some(s) = schemes.iter().find(|s| s.name == scheme) else {
        return Vec::new();
    };
    let Some(maps) = scope_maps(index, api, s.node) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let declared: Vec<&str> = maps
        .iter()
        .flat_map(|m| m.entries().iter().map(|e| e.key.as_str()))
        .collect();
    let near = similarity::near_names(&scope, declared.iter().copied());
    if let Some(&(best, dist)) = near.first() {
        let clear = near.get(1).is_none_or(|&(_, d2)| d2 > dist);
        let mut set = EditSet::new(index);
        if let Some(doc) = set.doc(file) {
            let written = index
                .source(file)
                .and_then(|src| {
                    src.text
                        .get(d.location.span.start as usize..d.location.span.end as usize)
                })
                .unwrap_or("");
            doc.replace(d.location.span, like_written(written, best, true));
        }
        let app = if clear {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        out.extend(set.into_fix(format!("Change to `{best}`"), app));
    }
    // Declare it: in every flow's `scopes`, where the scheme is written.
    let mut set = EditSet::new(index);
    if let Some(doc) = set.doc(&s.file) {
        for m in &maps {
            if m.is_map() {
                doc.insert_entry(m, &scope, Val::str(""), Pos::End);
            }
        }
    }
    out.extend(set.into_fix(
        format!("Declare `{scope}` in `{scheme}`"),
        Applicability::Unsafe,
    ));
    prefer_first(out)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const SCHEME: &str = "components:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows:\n        clientCredentials:\n          tokenUrl: https://a.example/token\n          scopes: {pets:read: read, pets:write: write}\n    oidc: {type: openIdConnect, openIdConnectUrl: https://a.example/.well-known}\n";

    #[test]
    fn an_undeclared_scope_is_found() {
        let a = format!("openapi: 3.0.3\n{SCHEME}security:\n  - oauth: [pets:read, pets:wirte]\n  - oidc: [profile]\npaths: {{}}\n");
        let idx = index(&[("openapi.yaml", &a)]);
        assert_eq!(
            findings(&idx, "undefined-scope"),
            "openapi.yaml:12:24 error[undefined-scope] `pets:wirte` scope `pets:wirte` is not declared by any flow of `oauth`\n"
        );
    }

    #[test]
    fn declared_scopes_and_non_oauth_schemes_pass() {
        let a = format!("openapi: 3.1.0\n{SCHEME}security:\n  - oauth: [pets:write]\n  - oidc: [anything]\npaths: {{}}\n");
        let idx = index(&[("openapi.yaml", &a)]);
        assert_eq!(findings(&idx, "undefined-scope"), "");
    }
}
