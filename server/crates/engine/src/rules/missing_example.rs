//! `missing-example`: a request body or success response without an
//! example.
//!
//! **What.** Each JSON media type (`application/json`, `…+json`) of an
//! operation's request body and of its 2xx responses needs an example: an
//! `example` or `examples` at the media type, or on its schema (after
//! `$ref`s), or on every property of an object schema (the reader can then
//! assemble one). A free-form schema (`{type: object}` and nothing else)
//! has nothing an example would show and is not reported. Swagger 2.0: a response's `examples`, or the schema's
//! `example`, and the `in: body` parameter's schema. Webhooks and callbacks
//! are not checked. A response shared by several operations is reported
//! once, where it is written.
//!
//! **Why.** The design phase asks for request/response examples on every
//! endpoint: reviewers and client developers read examples long before
//! they read schemas, and mock servers and contract tests are built on
//! them.
//!
//! **Example.** `POST /pets` whose `application/json` body has only a
//! `schema`.
//!
//! **Fix.** "Add an example from the schema": written as `example:` at the
//! media type (2.0: the response's `examples`), generated from the schema:
//! required properties (all of them when none is required), enum values,
//! formats (`date-time`, `uuid`, `email`, …), `default`s and property
//! examples, `$ref`s followed to a bounded depth. Safe: it adds what the
//! schema already says, to be refined.
//!
//! Range: the media type key (2.0: the response's status key, or the body
//! parameter's `schema` key).

use super::Rule;
use crate::diag::{Applicability, Diagnostic, FileId, Fix, Severity};
use crate::edit::{EditSet, Pos, Val};
use crate::index::Index;
use crate::model::openapi::Operation;
use serde::{Deserialize, Serialize};
use specgate_syntax::tree::{Node, Span};
use std::collections::BTreeSet;

pub const RULE: Rule = Rule {
    code: "missing-example",
    source: include_str!("missing_example.rs"),
    default_severity: Severity::Warning,
    summary: "A request body or 2xx JSON response has no example",
    points_at: "the media type key (Swagger 2.0: the status key or the body's `schema` key)",
    check,
    fixes,
};

/// Where a missing example goes: the object that would hold it (a media
/// type, or a 2.0 response or body parameter) and its schema.
struct Site<'a> {
    file: FileId,
    /// Where the finding points.
    span: Span,
    /// The map the fix writes into.
    holder: &'a Node,
    /// 2.0 response: the example goes under `examples: {application/json}`.
    swagger2_response: bool,
    schema: Option<(FileId, &'a Node)>,
    what: String,
}

#[derive(Serialize, Deserialize)]
struct Data {
    file: String,
    span: [u32; 2],
}

fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json")
}

fn has_example(n: &Node) -> bool {
    n.get("example").is_some()
        || n.get("examples")
            .is_some_and(|e| !e.entries().is_empty() || !e.items().is_empty())
}

/// Whether the schema (or every property of it) carries an example, or
/// has nothing an example would show (a free-form `{type: object}`).
fn schema_has_example(index: &Index, file: &FileId, schema: &Node, depth: u32) -> bool {
    let (f, s) = index.deref(file, schema);
    if has_example(s) || free_form(s) {
        return true;
    }
    if depth > 3 {
        return false;
    }
    if let Some(items) = s.get("items") {
        return schema_has_example(index, &f, items, depth + 1);
    }
    let props = s.get("properties").map(|p| p.entries()).unwrap_or(&[]);
    !props.is_empty()
        && props.iter().all(|p| {
            let (pf, pn) = index.deref(&f, &p.value);
            has_example(pn)
                || pn.get("default").is_some()
                || pn.get("enum").is_some()
                || pn.get("const").is_some()
                || schema_has_example(index, &pf, pn, depth + 1)
        })
}

/// Every place `op` should have an example and has none.
fn sites<'a>(index: &'a Index, op: &Operation) -> Vec<Site<'a>> {
    let mut out = Vec::new();
    let Some(opn) = index.op_node(op) else {
        return out;
    };
    let swagger2 = index.is_swagger2(op);
    let media = |file: FileId, holder: &'a Node, what: String, out: &mut Vec<Site<'a>>| {
        let Some(content) = holder.get("content") else {
            return;
        };
        let (cf, content) = index.deref(&file, content);
        for m in content.entries() {
            if !is_json(&m.key) {
                continue;
            }
            let (mf, mn) = index.deref(&cf, &m.value);
            let schema = mn.get("schema");
            if has_example(mn) || schema.is_some_and(|s| schema_has_example(index, &mf, s, 0)) {
                continue;
            }
            out.push(Site {
                file: mf.clone(),
                span: m.key_span,
                holder: mn,
                swagger2_response: false,
                schema: schema.map(|s| (mf.clone(), s)),
                what: format!("{what} ({})", m.key),
            });
        }
    };
    if swagger2 {
        for (_, p) in index.op_parameters(op) {
            if p.get("in").and_then(Node::as_str) != Some("body") {
                continue;
            }
            let Some(se) = p.entry("schema") else {
                continue;
            };
            if schema_has_example(index, &op.file, &se.value, 0) || has_example(p) {
                continue;
            }
            out.push(Site {
                file: op.file.clone(),
                span: se.key_span,
                holder: &se.value,
                swagger2_response: false,
                schema: Some((op.file.clone(), &se.value)),
                what: "the request body".into(),
            });
        }
    } else if let Some(b) = opn.get("requestBody") {
        let (bf, bn) = index.deref(&op.file, b);
        media(bf, bn, "the request body".into(), &mut out);
    }
    for (e, rf, rn) in index.op_responses(op) {
        if !e.key.starts_with('2') {
            continue;
        }
        let what = format!("the {} response", e.key);
        if swagger2 {
            let Some(schema) = rn.get("schema") else {
                continue;
            };
            let json_example = rn
                .get("examples")
                .is_some_and(|x| x.entries().iter().any(|m| is_json(&m.key)));
            if json_example || schema_has_example(index, &rf, schema, 0) {
                continue;
            }
            out.push(Site {
                file: rf.clone(),
                span: if *rf == *op.file {
                    e.key_span
                } else {
                    first_key(rn)
                },
                holder: rn,
                swagger2_response: true,
                schema: Some((rf.clone(), schema)),
                what,
            });
        } else {
            media(rf, rn, what, &mut out);
        }
    }
    out
}

/// `{}` or `{type: object}` with no properties, items or composition.
fn free_form(s: &Node) -> bool {
    s.entries().iter().all(|e| {
        matches!(
            e.key.as_str(),
            "type" | "description" | "title" | "additionalProperties" | "nullable"
        )
    }) && s
        .get("type")
        .and_then(Node::as_str)
        .is_none_or(|t| t == "object")
}

fn first_key(n: &Node) -> Span {
    n.entries().first().map_or(n.span, |e| e.key_span)
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let mut seen: BTreeSet<(FileId, u32)> = BTreeSet::new();
    for (i, op) in index.operations.iter().enumerate() {
        if op.webhook {
            continue;
        }
        // What an operation lacks is read from it and what it `$ref`s: a
        // keystroke elsewhere takes the last answer. The API's version (in
        // its root, which the operation does not `$ref`) is in the key.
        let key = if index.is_swagger2(op) {
            "missing-example/swagger-2.0"
        } else {
            RULE.code
        };
        for d in index.per_op(key, i, || op_findings(index, op)) {
            if !seen.insert((d.location.file.clone(), d.location.span.start)) {
                continue; // a shared response: reported once, for its first operation
            }
            out.push(d);
        }
    }
}

fn op_findings(index: &Index, op: &crate::model::openapi::Operation) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<(FileId, u32)> = BTreeSet::new();
    for s in sites(index, op) {
        if !seen.insert((s.file.clone(), s.span.start)) {
            continue;
        }
        out.push(
            Diagnostic::new(
                RULE.code,
                &s.file,
                s.span,
                format!("{}: {} has no example", op.label(), s.what),
            )
            .with_data(&Data {
                file: s.file.to_string(),
                span: [s.span.start, s.span.end],
            }),
        );
    }
    out
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(Data { file, span }) = d.data() else {
        return Vec::new();
    };
    let site = index.operations.iter().find_map(|op| {
        sites(index, op)
            .into_iter()
            .find(|s| *s.file == *file && s.span.start == span[0])
    });
    let Some(site) = site else {
        return Vec::new();
    };
    let Some((sf, schema)) = site.schema else {
        return Vec::new();
    };
    let example = generate(index, &sf, schema, 0);
    let mut set = EditSet::new(index);
    let Some(doc) = set.doc(&site.file) else {
        return Vec::new();
    };
    if site.swagger2_response {
        doc.insert_entry(
            site.holder,
            "examples",
            Val::map([("application/json", example)]),
            Pos::End,
        );
    } else if site.holder.get("$ref").is_some() {
        return Vec::new(); // a schema shared by reference: not written into
    } else {
        doc.insert_entry(site.holder, "example", example, Pos::End);
    }
    set.into_fix("Add an example from the schema", Applicability::Safe)
        .into_iter()
        .collect()
}

/// How deep the generated example follows nested objects.
const MAX_DEPTH: u32 = 4;

/// An example value for `schema`.
fn generate(index: &Index, file: &FileId, schema: &Node, depth: u32) -> Val {
    let (f, s) = index.deref(file, schema);
    for k in ["example", "default", "const"] {
        if let Some(v) = s.get(k) {
            return value_of(v);
        }
    }
    if let Some(first) = s.get("examples").and_then(|e| e.items().first()) {
        return value_of(first);
    }
    if let Some(first) = s.get("enum").and_then(|e| e.items().first()) {
        return value_of(first);
    }
    for k in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = s.get(k) {
            // Parts count as a level too: `A: {allOf: [{$ref: A}]}` ends.
            if depth >= MAX_DEPTH {
                return Val::Map(Vec::new());
            }
            if k == "allOf" {
                let mut merged = Val::Map(Vec::new());
                for p in parts.items() {
                    merged.merge(generate(index, &f, p, depth + 1));
                }
                return merged;
            }
            if let Some(p) = parts.items().first() {
                return generate(index, &f, p, depth + 1);
            }
        }
    }
    let ty = match crate::index::lists::main_type(s) {
        Some(t) => Some(t.to_string()),
        None if s.get("properties").is_some() => Some("object".into()),
        None if s.get("items").is_some() => Some("array".into()),
        None => None,
    };
    match ty.as_deref() {
        Some("object") | None if depth < MAX_DEPTH => {
            let required: Vec<&str> = s
                .get("required")
                .map(|r| r.items().iter().filter_map(Node::as_str).collect())
                .unwrap_or_default();
            let props = s.get("properties").map(|p| p.entries()).unwrap_or(&[]);
            let chosen = props
                .iter()
                .filter(|p| required.is_empty() || required.contains(&p.key.as_str()));
            Val::Map(
                chosen
                    .map(|p| (p.key.clone(), generate(index, &f, &p.value, depth + 1)))
                    .collect(),
            )
        }
        Some("object") | None => Val::Map(Vec::new()),
        Some("array") => match s.get("items") {
            Some(items) if depth < MAX_DEPTH => {
                Val::Seq(vec![generate(index, &f, items, depth + 1)])
            }
            _ => Val::Seq(Vec::new()),
        },
        Some("integer") => Val::lit(
            s.get("minimum")
                .and_then(Node::as_str)
                .filter(|m| m.parse::<i64>().is_ok())
                .unwrap_or("1"),
        ),
        Some("number") => Val::lit("1.5"),
        Some("boolean") => Val::lit("true"),
        _ => Val::str(match s.get("format").and_then(Node::as_str) {
            Some("date-time") => "2025-01-31T09:30:00Z",
            Some("date") => "2025-01-31",
            Some("time") => "09:30:00",
            Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            Some("email") => "user@example.com",
            Some("uri" | "url") => "https://example.com",
            Some("hostname") => "example.com",
            Some("ipv4") => "192.0.2.1",
            Some("ipv6") => "2001:db8::1",
            _ => "string",
        }),
    }
}

/// A YAML/JSON node as a value to write.
fn value_of(n: &Node) -> Val {
    if n.is_map() {
        return Val::Map(
            n.entries()
                .iter()
                .map(|e| (e.key.clone(), value_of(&e.value)))
                .collect(),
        );
    }
    if n.is_seq() {
        return Val::Seq(n.items().iter().map(value_of).collect());
    }
    use specgate_syntax::tree::{ScalarStyle, Value};
    match &n.value {
        // Plain scalars that read as numbers, booleans or null stay literal.
        Value::Scalar(s, ScalarStyle::Plain | ScalarStyle::JsonLiteral)
            if s.parse::<f64>().is_ok() || matches!(s.as_str(), "true" | "false" | "null") =>
        {
            Val::lit(s.clone())
        }
        Value::Scalar(s, _) => Val::str(s.clone()),
        _ => Val::lit("null"),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn bodies_and_success_responses_without_examples_are_named_once() {
        let a = "openapi: 3.0.3\npaths:\n  /pets:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Pet'}\n      responses:\n        '201': {$ref: '#/components/responses/Pet'}\n        '400': {description: bad, content: {application/json: {schema: {type: object}}}}\n    put:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Pet'}\n            example: {name: Rex}\n      responses:\n        '200': {$ref: '#/components/responses/Pet'}\ncomponents:\n  responses:\n    Pet:\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: '#/components/schemas/Pet'}\n  schemas:\n    Pet: {type: object, properties: {name: {type: string}}}\n";
        let idx = index(&[("openapi.yaml", a)]);
        assert_eq!(
            findings(&idx, "missing-example"),
            "openapi.yaml:7:11 warning[missing-example] `application/json` POST /pets: the request body (application/json) has no example\nopenapi.yaml:25:9 warning[missing-example] `application/json` POST /pets: the 201 response (application/json) has no example\n"
        );
    }

    #[test]
    fn self_referencing_compositions_end() {
        let a = "openapi: 3.0.3\npaths:\n  /a:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/A'}\n      responses: {'204': {description: ok}}\ncomponents:\n  schemas:\n    A: {allOf: [{$ref: '#/components/schemas/A'}], oneOf: [{$ref: '#/components/schemas/A'}]}\n";
        let idx = index(&[("openapi.yaml", a)]);
        let f = findings(&idx, "missing-example");
        assert!(f.contains("the request body"), "{f}");
        for d in crate::rules::check(&idx) {
            let _ = crate::rules::fixes(&idx, &d);
        }
    }

    #[test]
    fn property_examples_count() {
        let a = "openapi: 3.1.0\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: array\n                items:\n                  type: object\n                  properties:\n                    name: {type: string, examples: [Rex]}\n                    kind: {enum: [dog, cat]}\n";
        let idx = index(&[("openapi.yaml", a)]);
        assert_eq!(findings(&idx, "missing-example"), "");
    }
}
