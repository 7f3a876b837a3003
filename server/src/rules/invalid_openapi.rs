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
use serde_path_to_error::Segment;

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

/// The span of the deepest node the error path reaches: the key of the last
/// map entry on the path, else the node itself.
fn locate(root: &Node, path: &serde_path_to_error::Path) -> Span {
    let mut cur = root;
    let mut span = root.span;
    for seg in path.iter() {
        match seg {
            Segment::Map { key } => match cur.entry(key) {
                Some(e) => {
                    span = e.key_span;
                    cur = &e.value;
                }
                None => break,
            },
            Segment::Seq { index } => match cur.items().get(*index) {
                Some(n) => {
                    span = n.span;
                    cur = n;
                }
                None => break,
            },
            _ => {}
        }
    }
    if span == root.span {
        // Point at the first key rather than the whole document.
        if let Some(e) = root.entries().first() {
            return e.key_span;
        }
    }
    span
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
            let span = locate(root, e.path());
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            out.push(Diagnostic::new(
                RULE.code,
                &api.root,
                span,
                format!("not valid OpenAPI 3.0 at `{path}`: {inner}"),
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
