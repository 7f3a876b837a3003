//! `inconsistent-error-format`: an error response without the API's one
//! error format.
//!
//! **What.** The API's error format is the schema
//! `[rules.inconsistent-error-format] schema` names (a `$ref` from the
//! root document, e.g. `"#/components/schemas/Problem"`), else the schema
//! most of its error responses (4xx, 5xx, `default`) use,
//! `application/problem+json` breaking ties. Each error response must have a body of that format: a response
//! with no content, or with another schema, is reported. A schema that
//! extends the standard one (its `allOf` names it, or it has every property
//! the standard requires, all of them when it requires none) is the same
//! format. When no error response of the API has any content, one finding
//! at the document says the format was not designed. A schema that shares
//! what the standard is made of (every property it requires; when it
//! requires none, half of its properties) counts as the same format, and
//! so does any `oneOf` alternative that does. An empty object body counts
//! as no body. An error response carrying the operation's own success
//! schema (a health check's 503 with the health document) is the resource
//! in another state, not an error body, and is not checked. Shared
//! responses are reported once, where they are written; webhooks and
//! callbacks are not checked.
//!
//! **Why.** "One error format": clients parse errors in one place. An
//! error without a body, or with a shape of its own, is a branch every
//! client writes again.
//!
//! **Example.** Most errors `$ref` `#/components/schemas/Problem`; the
//! 404 of `GET /pets/{id}` has only a `description`.
//!
//! **Fix.** "Use the API's error format": the standard schema by `$ref`,
//! under its media type (safe where the response had no content; unsafe
//! where it replaces a schema of its own).
//!
//! Range: the media type key of the other schema, or the status key (the
//! first key of a shared response) where there is no content; the version
//! key for the finding about the whole API.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, FileId, Fix, Severity};
use crate::edit::{refs::ref_to, EditSet, Pos, Val};
use crate::index::{Api, Index, Target};
use crate::model::openapi::Version;
use serde::{Deserialize, Serialize};
use specgate_syntax::tree::{Node, Span};
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: "inconsistent-error-format",
    source: include_str!("inconsistent_error_format.rs"),
    default_severity: Severity::Warning,
    summary: "An error response has no content, or a schema other than the API's error format",
    points_at: "the media type key (the status key when there is no content)",
    check,
    fixes,
};

/// What a schema is, for comparing error bodies.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Ref(Target),
    /// An inline schema: its property names, sorted.
    Props(Vec<String>),
}

/// One error response, where it is written.
struct Site<'a> {
    file: FileId,
    /// The response object (after `$ref`s).
    node: &'a Node,
    /// Where a finding points when there is no content.
    key_span: Span,
    label: String,
    /// (media type, its key span, schema shape, the schema and its file)
    /// of each body.
    bodies: Vec<Body<'a>>,
}

type Body<'a> = (String, Span, Shape, FileId, &'a Node);

#[derive(Serialize, Deserialize)]
struct Data {
    file: String,
    at: u32,
}

fn is_error(code: &str) -> bool {
    let c = code.to_ascii_uppercase();
    c.starts_with('4') || c.starts_with('5') || c == "DEFAULT"
}

/// The shapes of a success response's bodies.
fn success_shapes(index: &Index, file: &FileId, rn: &Node, swagger2: bool) -> Vec<Shape> {
    if swagger2 {
        return rn
            .get("schema")
            .map(|s| shape(index, file, s))
            .into_iter()
            .collect();
    }
    let Some(c) = rn.get("content") else {
        return Vec::new();
    };
    let (cf, c) = index.deref(file, c);
    c.entries()
        .iter()
        .filter_map(|m| {
            let (mf, mn) = index.deref(&cf, &m.value);
            mn.get("schema").map(|s| shape(index, &mf, s))
        })
        // Only a named schema identifies the resource (any two string
        // bodies look alike).
        .filter(|s| matches!(s, Shape::Ref(_)))
        .collect()
}

/// A schema with nothing in it: no properties, items or composition.
fn empty_schema(index: &Index, file: &FileId, schema: &Node) -> bool {
    let (_, s) = index.deref(file, schema);
    s.get("type")
        .and_then(Node::as_str)
        .is_none_or(|t| t == "object")
        && s.get("properties").is_none_or(|p| p.entries().is_empty())
        && [
            "allOf",
            "oneOf",
            "anyOf",
            "items",
            "$ref",
            "additionalProperties",
        ]
        .iter()
        .all(|k| {
            s.get(k).is_none()
                || (*k == "additionalProperties"
                    && s.get(k).and_then(Node::as_str) == Some("false"))
        })
}

fn shape(index: &Index, file: &FileId, schema: &Node) -> Shape {
    if let Some(r) = schema.ref_str() {
        if let Some(t) = index.resolve(file, r) {
            return Shape::Ref(t);
        }
    }
    let (_, s) = index.deref(file, schema);
    let mut props: Vec<String> = s
        .get("properties")
        .map(|p| p.entries().iter().map(|e| e.key.clone()).collect())
        .unwrap_or_default();
    // A body that is not an object (a plain string): its type.
    if props.is_empty() {
        if let Some(t) = s
            .get("type")
            .and_then(Node::as_str)
            .filter(|t| *t != "object")
        {
            props.push(format!("<{t}>"));
        }
    }
    props.sort();
    Shape::Props(props)
}

/// Every error response of `api`'s operations, once each.
fn sites<'a>(index: &'a Index, api: &Api) -> Vec<Site<'a>> {
    let swagger2 = api.version == Version::Swagger2;
    let mut out: Vec<Site<'a>> = Vec::new();
    // Responses met already (shared ones are read once): by address.
    let mut seen: std::collections::HashSet<*const Node> = std::collections::HashSet::new();
    for op in crate::rules::shared::openapi::own_ops(index, api) {
        let responses = index.op_responses(op);
        for (e, rf, rn) in responses.iter().map(|(e, f, n)| (*e, f.clone(), *n)) {
            if !is_error(&e.key) {
                continue;
            }
            if !seen.insert(rn as *const Node) {
                continue;
            }
            // The status key when the response is written there, else (a
            // shared response) its first key where it is written.
            let key_span = if rf == op.file && e.value.ref_str().is_none() {
                e.key_span
            } else {
                rn.entries().first().map_or(rn.span, |k| k.key_span)
            };
            let mut bodies: Vec<Body<'a>> = Vec::new();
            if swagger2 {
                if let Some(s) = rn.entry("schema") {
                    bodies.push((
                        String::new(),
                        s.key_span,
                        shape(index, &rf, &s.value),
                        rf.clone(),
                        &s.value,
                    ));
                }
            } else if let Some(c) = rn.get("content") {
                let (cf, c) = index.deref(&rf, c);
                for m in c.entries() {
                    let (mf, mn) = index.deref(&cf, &m.value);
                    if let Some(s) = mn.get("schema") {
                        bodies.push((
                            m.key.clone(),
                            m.key_span,
                            shape(index, &mf, s),
                            mf.clone(),
                            s,
                        ));
                    }
                }
            }
            // An empty object (`{type: object, properties: {}}`) is no body.
            bodies.retain(|(_, _, _, f, n)| !empty_schema(index, f, n));
            // The resource itself at another status (a health check's 503
            // with the health document): a state, not an error body.
            if bodies.iter().any(|b| matches!(b.2, Shape::Ref(_))) {
                let success: Vec<Shape> = responses
                    .iter()
                    .filter(|(e, _, _)| e.key.starts_with('2'))
                    .flat_map(|(_, sf, sn)| success_shapes(index, sf, sn, swagger2))
                    .collect();
                if bodies.iter().any(|b| success.contains(&b.2)) {
                    continue;
                }
            }
            out.push(Site {
                file: rf,
                node: rn,
                key_span,
                label: format!("the {} response of {}", e.key, op.label()),
                bodies,
            });
        }
    }
    out
}

/// The format `[rules.inconsistent-error-format] schema` names (a `$ref`
/// from the API's root document), under the media type it is used with
/// most (`application/problem+json` when unused).
fn configured(index: &Index, api: &Api, sites: &[Site<'_>]) -> Option<(Shape, String, usize)> {
    let r = index.config().error_format_schema.as_deref()?;
    let t = index.resolve(&api.root, r)?;
    let sh = Shape::Ref(t);
    let mut media: BTreeMap<&str, usize> = BTreeMap::new();
    for s in sites {
        for b in s.bodies.iter().filter(|b| b.2 == sh) {
            *media.entry(b.0.as_str()).or_default() += 1;
        }
    }
    let m = media
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or("application/problem+json".to_string(), |(m, _)| {
            m.to_string()
        });
    Some((sh, m, 0))
}

/// The API's error format: the shape most error bodies have (problem+json
/// breaking ties), its media type, and how many sites use it.
fn standard(sites: &[Site<'_>]) -> Option<(Shape, String, usize)> {
    let mut counts: BTreeMap<&Shape, (usize, bool, &str)> = BTreeMap::new();
    for s in sites {
        for (media, _, sh, _, _) in &s.bodies {
            let c = counts.entry(sh).or_insert((0, false, media));
            c.0 += 1;
            c.1 |= media.contains("problem+json");
        }
    }
    counts
        .into_iter()
        .filter(|(sh, _)| !matches!(sh, Shape::Props(p) if p.is_empty()))
        .max_by_key(|(sh, (n, problem, _))| (*n, *problem, std::cmp::Reverse((*sh).clone())))
        .map(|(sh, (n, _, media))| (sh.clone(), media.to_string(), n))
}

/// The properties a schema has (through `allOf`), and whether one of its
/// parts is the standard schema itself.
fn props_of(
    index: &Index,
    file: &FileId,
    schema: &Node,
    std: &Shape,
    depth: u32,
) -> (Vec<String>, bool) {
    let mut out = Vec::new();
    if depth > 4 {
        return (out, false);
    }
    if shape(index, file, schema) == *std {
        return (out, true);
    }
    let (f, s) = index.deref(file, schema);
    if let Some(p) = s.get("properties") {
        out.extend(p.entries().iter().map(|e| e.key.clone()));
    }
    for part in s.get("allOf").map(|a| a.items()).unwrap_or(&[]) {
        let (p, ext) = props_of(index, &f, part, std, depth + 1);
        if ext {
            return (out, true);
        }
        out.extend(p);
    }
    (out, false)
}

/// Whether a body schema is the standard format, extends it, or shares
/// what it is made of: every property it requires, or (when it requires
/// none) at least half of its properties. For `oneOf`/`anyOf`, any
/// alternative.
fn same_format(index: &Index, file: &FileId, schema: &Node, std: &Shape) -> bool {
    same_format_at(index, file, schema, std, 0)
}

fn same_format_at(index: &Index, file: &FileId, schema: &Node, std: &Shape, depth: u32) -> bool {
    let (f, s) = index.deref(file, schema);
    // Alternatives of alternatives end (`A: {oneOf: [{$ref: A}]}`).
    if depth < 4 {
        for k in ["oneOf", "anyOf"] {
            if let Some(alts) = s.get(k) {
                if alts
                    .items()
                    .iter()
                    .any(|a| same_format_at(index, &f, a, std, depth + 1))
                {
                    return true;
                }
            }
        }
    }
    let (have, extends) = props_of(index, file, schema, std, 0);
    if extends {
        return true;
    }
    let Shape::Ref(t) = std else {
        // An inline standard says nothing of what it requires.
        let Shape::Props(want) = std else {
            return false;
        };
        let shared = want.iter().filter(|w| have.contains(w)).count();
        return !want.is_empty() && shared * 2 >= want.len();
    };
    let Some(n) = index.node(&t.file, &t.pointer) else {
        return false;
    };
    let (all, _) = props_of(index, &t.file, n, &Shape::Props(vec!["\u{0}".into()]), 0);
    let required: Vec<&str> = n
        .get("required")
        .map(|r| r.items().iter().filter_map(Node::as_str).collect())
        .unwrap_or_default();
    if !required.is_empty() {
        return required.iter().all(|r| have.iter().any(|h| h == r));
    }
    let shared = all.iter().filter(|p| have.contains(p)).count();
    !all.is_empty() && shared * 2 >= all.len()
}

fn name(sh: &Shape) -> String {
    match sh {
        Shape::Ref(t) => t.pointer.last().cloned().unwrap_or_else(|| {
            // A schema file of its own: its stem.
            let base = t.file.rsplit('/').next().unwrap_or(&t.file);
            base.split('.').next().unwrap_or(base).to_string()
        }),
        Shape::Props(p) => match p.as_slice() {
            [t] if t.starts_with('<') => format!("{} body", t.trim_matches(['<', '>'])),
            _ => format!("{{{}}}", p.join(", ")),
        },
    }
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for api in &index.apis {
        let sites = sites(index, api);
        if sites.is_empty() {
            continue;
        }
        let Some((std, _, _)) = configured(index, api, &sites).or_else(|| standard(&sites)) else {
            // No error response has a body: one finding for the API.
            let Some(at) = crate::rules::shared::openapi::version_key(index, api) else {
                continue;
            };
            out.push(Diagnostic::new(
                RULE.code,
                &api.root,
                at,
                "the API designs no error format: none of its error responses has content; \
                 define one error schema (RFC 9457 Problem Details is the standard) and use it \
                 in every 4xx/5xx response",
            ));
            continue;
        };
        let std_name = name(&std);
        for s in &sites {
            let (span, msg) = if s.bodies.is_empty() {
                (
                    s.key_span,
                    format!(
                        "{} has no content: give it the API's error format `{std_name}`",
                        s.label
                    ),
                )
            } else if s
                .bodies
                .iter()
                .any(|(_, _, _, f, n)| same_format(index, f, n, &std))
            {
                continue;
            } else {
                let (_, span, sh, _, _) = &s.bodies[0];
                (
                    *span,
                    format!(
                        "{} uses `{}`, not the API's error format `{std_name}` (the schema most \
                         of its error responses use)",
                        s.label,
                        name(sh)
                    ),
                )
            };
            out.push(
                Diagnostic::new(RULE.code, &s.file, span, msg).with_data(&Data {
                    file: s.file.to_string(),
                    at: s.node.span.start,
                }),
            );
        }
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(Data { file, at }) = d.data() else {
        return Vec::new();
    };
    for api in &index.apis {
        let sites = sites(index, api);
        let Some(site) = sites
            .iter()
            .find(|s| *s.file == *file && s.node.span.start == at)
        else {
            continue;
        };
        let Some((Shape::Ref(t), media, _)) =
            configured(index, api, &sites).or_else(|| standard(&sites))
        else {
            return Vec::new();
        };
        let mut set = EditSet::new(index);
        let Some(doc) = set.doc(&site.file) else {
            return Vec::new();
        };
        let schema = Val::Ref(ref_to(&site.file, &t));
        let safe = site.bodies.is_empty();
        if api.version == Version::Swagger2 {
            match site.node.entry("schema") {
                Some(e) => doc.replace_value(e, schema),
                None => doc.insert_entry(site.node, "schema", schema, Pos::End),
            }
        } else {
            let media = if media.is_empty() {
                "application/json".to_string()
            } else {
                media
            };
            let content = Val::map([(media.as_str(), Val::map([("schema", schema)]))]);
            match site.node.entry("content") {
                Some(e) => doc.replace_value(e, content),
                None => doc.insert_entry(site.node, "content", content, Pos::End),
            }
        }
        let app = if safe {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        return set
            .into_fix("Use the API's error format", app)
            .into_iter()
            .collect();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn the_odd_one_out_and_the_empty_one() {
        let a = "openapi: 3.0.3\npaths:\n  /pets/{id}:\n    get:\n      responses:\n        '200': {description: ok}\n        '400': {$ref: '#/components/responses/Bad'}\n        '404': {description: missing}\n        '500': {description: oops, content: {application/json: {schema: {type: object, properties: {msg: {type: string}}}}}}\n    delete:\n      responses:\n        '204': {description: ok}\n        '400': {$ref: '#/components/responses/Bad'}\n        '409': {description: conflict, content: {application/problem+json: {schema: {$ref: '#/components/schemas/Problem'}}}}\ncomponents:\n  responses:\n    Bad:\n      description: bad\n      content:\n        application/problem+json:\n          schema: {$ref: '#/components/schemas/Problem'}\n  schemas:\n    Problem: {type: object, required: [title, status], properties: {title: {type: string}, status: {type: integer}}}\n";
        let idx = index(&[("openapi.yaml", a)]);
        assert_eq!(
            findings(&idx, "inconsistent-error-format"),
            "openapi.yaml:8:9 warning[inconsistent-error-format] `'404'` the 404 response of GET /pets/{id} has no content: give it the API's error format `Problem`\nopenapi.yaml:9:46 warning[inconsistent-error-format] `application/json` the 500 response of GET /pets/{id} uses `{msg}`, not the API's error format `Problem` (the schema most of its error responses use)\n"
        );
    }

    #[test]
    fn self_referencing_alternatives_end() {
        let a = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n        '400': {description: b, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}\n        '404': {description: n, content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}}\n        '500': {description: e, content: {application/json: {schema: {$ref: '#/components/schemas/L'}}}}\ncomponents:\n  schemas:\n    E: {type: object, required: [t], properties: {t: {type: string}}}\n    L: {oneOf: [{$ref: '#/components/schemas/L'}], allOf: [{$ref: '#/components/schemas/L'}]}\n";
        let idx = index(&[("openapi.yaml", a)]);
        assert!(findings(&idx, "inconsistent-error-format").contains("the 500 response"));
    }

    #[test]
    fn no_error_body_anywhere_is_one_finding() {
        let a = "swagger: '2.0'\npaths:\n  /pets:\n    get:\n      responses:\n        '200': {description: ok}\n        '404': {description: missing}\n        default: {description: oops}\n";
        let idx = index(&[("swagger.yaml", a)]);
        let f = findings(&idx, "inconsistent-error-format");
        assert!(f.starts_with("swagger.yaml:1:1 warning[inconsistent-error-format] `swagger` the API designs no error format"), "{f}");
        assert_eq!(f.lines().count(), 1);
    }

    #[test]
    fn the_configured_schema_is_the_standard() {
        let a = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      responses:\n        '200': {description: ok}\n        '400': {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/Old'}}}}\n        '404': {description: nf, content: {application/json: {schema: {$ref: '#/components/schemas/Old'}}}}\n        '500': {description: e, content: {application/problem+json: {schema: {$ref: '#/components/schemas/Problem'}}}}\ncomponents:\n  schemas:\n    Old: {type: object, properties: {msg: {type: string}}}\n    Problem: {type: object, required: [title], properties: {title: {type: string}}}\n";
        let toml = "[rules.inconsistent-error-format]\nschema = \"#/components/schemas/Problem\"\n";
        let idx = index(&[("openapi.yaml", a), ("specgate.toml", toml)]);
        let f = findings(&idx, "inconsistent-error-format");
        assert_eq!(f.lines().count(), 2, "{f}");
        assert!(
            f.contains(
                "the 400 response of GET /pets uses `Old`, not the API's error format `Problem`"
            ),
            "{f}"
        );
    }
}
