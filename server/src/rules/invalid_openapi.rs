//! `invalid-openapi`: a syntactically valid OpenAPI 3.0 document that does
//! not fit the OpenAPI 3.0 object model.
//!
//! **What.** The root document of a 3.0 API is read with the `openapiv3`
//! object model (what code generators and servers will read); the first
//! place it does not fit (a missing `responses`, a string where a map
//! belongs, an unknown parameter location) is reported. 3.1 documents are
//! not checked this way (`openapiv3` reads only 3.0).
//!
//! **Why.** Tools downstream will reject or misread the document.
//!
//! **Example.** `get: {summary: x}` (no `responses`).
//!
//! **Fix.** Correct the key or value to what OpenAPI 3.0 allows.
//!
//! Range: the offending key (or the map missing a required key).

use super::Rule;
use crate::diag::{Diagnostic, Severity};
use crate::index::Index;
use crate::model::openapi::Version;
use crate::tree::{Node, ScalarStyle, Span, Value};

pub const RULE: Rule = Rule {
    code: "invalid-openapi",
    default_severity: Severity::Warning,
    summary: "An OpenAPI 3.0 document does not fit the 3.0 object model",
    check,
    fixes: super::no_fixes,
};

/// YAML core-schema reading of a plain scalar.
fn scalar_json(s: &str, style: ScalarStyle) -> serde_json::Value {
    use serde_json::Value as J;
    if !matches!(style, ScalarStyle::Plain | ScalarStyle::JsonLiteral) {
        return J::String(s.to_string());
    }
    match s {
        "true" | "True" | "TRUE" => return J::Bool(true),
        "false" | "False" | "FALSE" => return J::Bool(false),
        "null" | "Null" | "NULL" | "~" | "" => return J::Null,
        _ => {}
    }
    if let Ok(i) = s.parse::<i64>() {
        return J::from(i);
    }
    if s.bytes().any(|b| b.is_ascii_digit()) && !s.contains(['x', 'o', '_']) {
        if let Ok(f) = s.parse::<f64>() {
            if f.is_finite() {
                return J::from(f);
            }
        }
    }
    J::String(s.to_string())
}

/// The located tree as JSON, for typed deserialization.
pub fn to_json(n: &Node, depth: u32) -> serde_json::Value {
    use serde_json::Value as J;
    if depth > 256 {
        return J::Null;
    }
    match &n.value {
        Value::Scalar(s, st) => scalar_json(s, *st),
        Value::Missing => J::Null,
        Value::Seq(items, _) => J::Array(items.iter().map(|i| to_json(i, depth + 1)).collect()),
        Value::Map(entries, _) => {
            let mut m = serde_json::Map::with_capacity(entries.len());
            for e in entries {
                m.entry(e.key.clone())
                    .or_insert_with(|| to_json(&e.value, depth + 1));
            }
            J::Object(m)
        }
    }
}

/// Why `node` does not read as a `T`, if it does not.
fn misfit<T: serde::de::DeserializeOwned>(node: &Node) -> Option<String> {
    serde_json::from_value::<T>(to_json(node, 0))
        .err()
        .map(|e| e.to_string())
}

/// `openapiv3` flattens extensions into most objects and wraps references in
/// untagged enums, which hides where inside an object deserialization
/// failed. So the document is re-read piece by piece, from the paths down
/// to parameters and responses, and the deepest piece that does not fit is
/// reported at its key.
fn precise_error(root: &Node) -> Option<(Span, String)> {
    use openapiv3 as o;
    let item_params = |item: &Node| -> Option<(Span, String)> {
        for p in item.get("parameters").map(Node::items).unwrap_or_default() {
            if p.ref_str().is_none() {
                if let Some(m) = misfit::<o::Parameter>(p) {
                    return Some((p.span, format!("parameter: {m}")));
                }
            }
        }
        None
    };
    for e in root.get("paths").map(Node::entries).unwrap_or_default() {
        if !e.key.starts_with('/') || e.value.ref_str().is_some() {
            continue;
        }
        for m in e.value.entries() {
            if !crate::model::openapi::METHODS.contains(&m.key.as_str()) {
                continue;
            }
            let Some(msg) = misfit::<o::Operation>(&m.value) else {
                continue;
            };
            if let Some(found) = item_params(&m.value) {
                return Some(found);
            }
            if let Some(rb) = m.value.entry("requestBody") {
                if rb.value.ref_str().is_none() {
                    if let Some(x) = misfit::<o::RequestBody>(&rb.value) {
                        return Some((rb.key_span, x));
                    }
                }
            }
            for r in m
                .value
                .get("responses")
                .map(Node::entries)
                .unwrap_or_default()
            {
                if r.value.ref_str().is_none() {
                    if let Some(x) = misfit::<o::Response>(&r.value) {
                        return Some((r.key_span, x));
                    }
                }
            }
            return Some((m.key_span, msg));
        }
        if let Some(found) = item_params(&e.value) {
            return Some(found);
        }
        if let Some(msg) = misfit::<o::PathItem>(&e.value) {
            return Some((e.key_span, msg));
        }
    }
    let comps = root.get("components")?;
    for (section, check) in [
        (
            "schemas",
            misfit::<o::Schema> as fn(&Node) -> Option<String>,
        ),
        ("responses", misfit::<o::Response>),
        ("parameters", misfit::<o::Parameter>),
        ("requestBodies", misfit::<o::RequestBody>),
        ("securitySchemes", misfit::<o::SecurityScheme>),
    ] {
        for e in comps.get(section).map(Node::entries).unwrap_or_default() {
            if e.value.ref_str().is_none() {
                if let Some(m) = check(&e.value) {
                    return Some((e.key_span, m));
                }
            }
        }
    }
    None
}

/// The key a dotted error path reaches (path keys contain
/// dots rarely; a token that matches nothing stops the walk).
fn locate_tokens(root: &Node, tokens: &[String]) -> Span {
    let mut cur = root;
    let mut span = None;
    let mut i = 0;
    while i < tokens.len() {
        // A map key may itself contain dots (`/v1.0/x`): join tokens greedily.
        let mut found = false;
        for j in (i + 1..=tokens.len()).rev() {
            let key = tokens[i..j].join(".");
            if let Some(e) = cur.entry(&key) {
                span = Some(e.key_span);
                cur = &e.value;
                i = j;
                found = true;
                break;
            }
            if let Ok(n) = key.parse::<usize>() {
                if let Some(item) = cur.items().get(n) {
                    span = Some(item.span);
                    cur = item;
                    i = j;
                    found = true;
                    break;
                }
            }
        }
        if !found {
            break;
        }
    }
    span.or_else(|| root.entries().first().map(|e| e.key_span))
        .unwrap_or(root.span)
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for api in index.apis.iter().filter(|a| a.version == Version::V30) {
        let Some(doc) = index.doc(&api.root) else {
            continue;
        };
        let Some(root) = &doc.root else { continue };
        if !doc.errors.is_empty() {
            continue; // syntax-error already explains a broken document
        }
        let json = to_json(root, 0);
        let result: Result<openapiv3::OpenAPI, _> = serde_path_to_error::deserialize(json);
        if let Err(e) = result {
            let path = e.path().to_string();
            let (span, inner) = match precise_error(root) {
                Some(found) => found,
                None => {
                    let segs: Vec<String> = path.split('.').map(str::to_string).collect();
                    (locate_tokens(root, &segs), e.into_inner().to_string())
                }
            };
            out.push(Diagnostic::new(
                RULE.code,
                &api.root,
                span,
                format!("not valid OpenAPI 3.0: {inner}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn missing_responses_located_at_the_operation() {
        let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      summary: x\n";
        let f = findings(&index(&[("openapi.yaml", api)]), "invalid-openapi");
        assert!(
            f.starts_with("openapi.yaml:5:5 warning[invalid-openapi] `get`"),
            "{f}"
        );
        assert!(f.contains("responses"), "{f}");
    }

    #[test]
    fn valid_30_and_any_31_pass() {
        let ok = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n";
        assert_eq!(
            findings(&index(&[("openapi.yaml", ok)]), "invalid-openapi"),
            ""
        );
        let v31 = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks: {}\n";
        assert_eq!(
            findings(&index(&[("openapi.yaml", v31)]), "invalid-openapi"),
            ""
        );
    }
}
