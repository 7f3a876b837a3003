//! `undefined-security-scheme`: a security requirement names a scheme the
//! API does not define.
//!
//! **What.** Each name in a `security` requirement (at the root or on an
//! operation) must be a key of `components/securitySchemes` (Swagger 2.0:
//! `securityDefinitions`), in the root document or where it `$ref`s them.
//!
//! **Why.** A requirement on an undefined scheme is no requirement: tools
//! and gateways ignore it or reject the document, and the operation is
//! open although the design meant it closed. It is most often a typo or a
//! scheme renamed on one side only.
//!
//! **Example.** `security: [{bearer: []}]` where the API defines
//! `bearerAuth`.
//!
//! **Fix.** Rename it to the closest defined scheme: safe when one name is
//! clearly closest (within two edits); unsafe when the name is the start of
//! a defined one (`bearer`, `bearerAuth`) or the API defines one scheme.
//!
//! Range: the scheme name in the requirement.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::render::like_written;
use crate::edit::{prefer_first, EditSet};
use crate::index::Index;
use crate::rules::shared::{security, similarity};

pub const RULE: Rule = Rule {
    code: "undefined-security-scheme",
    source: include_str!("undefined_security_scheme.rs"),
    default_severity: Severity::Error,
    summary: "A security requirement names a scheme that `securitySchemes` (`securityDefinitions`) does not define",
    points_at: "the scheme name in the requirement",
    check,
    fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for api in &index.apis {
        let schemes = security::schemes(index, api);
        for (file, list) in security::requirement_lists(index, api) {
            for e in security::named(list) {
                if schemes.iter().any(|s| s.name == e.key) {
                    continue;
                }
                let defined: Vec<&str> = schemes.iter().map(|s| s.name).collect();
                let hint = match defined.as_slice() {
                    [] => "the API defines no security scheme".to_string(),
                    d => format!(
                        "defined: {}",
                        d.iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                out.push(Diagnostic::new(
                    RULE.code,
                    &file,
                    e.key_span,
                    format!("security scheme `{}` is not defined ({hint})", e.key),
                ));
            }
        }
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let file = &d.location.file;
    let Some(api) = index.apis_of(file).next() else {
        return Vec::new();
    };
    let schemes = security::schemes(index, api);
    let Some(src) = index.source(file) else {
        return Vec::new();
    };
    let span = d.location.span;
    let Some(name) = src.text.get(span.start as usize..span.end as usize) else {
        return Vec::new();
    };
    // The key as written may be quoted: compare the decoded name.
    let bare = name.trim_matches(|c| c == '"' || c == '\'');
    let names: Vec<&str> = schemes.iter().map(|s| s.name).collect();
    let near = similarity::near_names(bare, names.iter().copied());
    // One clearly closest name is a typo (safe); a name that one defined
    // name begins with (`bearer` for `bearerAuth`), or the API's only
    // scheme, is likely meant but a choice (unsafe).
    let lower = bare.to_ascii_lowercase();
    let prefixed: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            n.starts_with(&lower) || lower.starts_with(&n)
        })
        .collect();
    let (best, clear) = match (near.first(), prefixed.as_slice(), names.as_slice()) {
        (Some(&(best, dist)), _, _) => (best, near.get(1).is_none_or(|&(_, d2)| d2 > dist)),
        (None, [one], _) | (None, [], [one]) => (*one, false),
        _ => return Vec::new(),
    };
    let mut set = EditSet::new(index);
    set.replace(file, span, like_written(name, best, true));
    let app = if clear {
        Applicability::Safe
    } else {
        Applicability::Unsafe
    };
    prefer_first(
        set.into_fix(format!("Change to `{best}`"), app)
            .into_iter()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn an_undefined_name_is_found_where_it_is_written() {
        let a = "openapi: 3.1.0\nsecurity:\n  - bearer: []\ncomponents:\n  securitySchemes:\n    bearerAuth: {type: http, scheme: bearer}\npaths:\n  /a:\n    get:\n      security:\n        - bearerAuth: []\n      responses: {'200': {description: ok}}\n";
        let idx = index(&[("openapi.yaml", a)]);
        assert_eq!(
            findings(&idx, "undefined-security-scheme"),
            "openapi.yaml:3:5 error[undefined-security-scheme] `bearer` security scheme `bearer` is not defined (defined: `bearerAuth`)\n"
        );
    }

    #[test]
    fn schemes_by_ref_count() {
        let a = "openapi: 3.0.3\nsecurity:\n  - key: []\ncomponents:\n  securitySchemes:\n    $ref: ./security.yaml\npaths: {}\n";
        let s = "key: {type: apiKey, name: k, in: header}\n";
        let idx = index(&[("openapi.yaml", a), ("security.yaml", s)]);
        assert_eq!(findings(&idx, "undefined-security-scheme"), "");
    }
}
