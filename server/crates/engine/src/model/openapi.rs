//! OpenAPI documents: version detection, `$ref` sites, operations.
//!
//! Operations are read from the located tree of each API's root document,
//! following path items and responses through `$ref` into other files, so
//! rules see one operation however the API is split into files.

use super::{IdMention, Span};
use crate::diag::FileId;
use crate::memo::{relocate_span, Pass, Relocate};
use specgate_syntax::tree::{Entry, Node, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    Swagger2,
    V30,
    V31,
    /// 3.2 and later: read like 3.1.
    V3Later,
}

impl Version {}

/// The OpenAPI version a document declares at its root, if it is one.
/// The named schemas of a document: `components/schemas` (OpenAPI 3) and
/// `definitions` (Swagger 2.0); a shared components file may hold either.
pub fn schema_maps(root: &Node) -> impl Iterator<Item = &Node> {
    [
        root.get("components").and_then(|c| c.get("schemas")),
        root.get("definitions"),
    ]
    .into_iter()
    .flatten()
}

pub fn detect_version(root: &Node) -> Option<Version> {
    if let Some(v) = root.get("openapi") {
        let s = v.as_str().unwrap_or("3.0");
        return Some(if s.starts_with("3.0") || s == "3" {
            Version::V30
        } else if s.starts_with("3.1") {
            Version::V31
        } else if s.starts_with('2') {
            Version::Swagger2
        } else {
            Version::V3Later
        });
    }
    if root.get("swagger").is_some() {
        return Some(Version::Swagger2);
    }
    None
}

pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
    // OpenAPI 3.2: the safe, idempotent QUERY method (a GET with a body).
    "query",
];

/// A `$ref` written in a document.
#[derive(Clone, Debug, PartialEq)]
pub struct RefSite {
    /// The `$ref` value as written.
    pub target: String,
    /// Span of the value.
    pub span: Span,
}

/// Every `$ref` string in a document, except inside example payloads
/// (`example`, `examples/*/value`, `x-*` extensions' values are data, not
/// references: GitHub's description has `$ref` keys inside SCIM examples).
pub fn ref_sites(root: &Node) -> Vec<RefSite> {
    let mut out = Vec::new();
    collect_refs(root, false, &mut out, 0, &mut None);
    out
}

/// [`ref_sites`], with the entries whose text did not change since the walk
/// that recorded `memo` taken from it (see [`crate::memo`]).
pub fn ref_sites_with(root: &Node, memo: &mut Pass<'_, RefSite>) -> Vec<RefSite> {
    let mut out = Vec::new();
    collect_refs(root, false, &mut out, 0, &mut Some(memo));
    out
}

impl Relocate for RefSite {
    fn relocate(&self, from: u32, to: u32) -> Self {
        RefSite {
            target: self.target.clone(),
            span: relocate_span(self.span, from, to),
        }
    }
}

/// Maps whose keys are names chosen by the author (a property called
/// `example` or `default` is still a schema). A `match` rather than a list
/// search: this runs for every key of every document on every keystroke.
fn is_name_map(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "patternProperties"
            | "definitions"
            | "$defs"
            | "schemas"
            | "responses"
            | "parameters"
            | "requestBodies"
            | "headers"
            | "examples"
            | "links"
            | "callbacks"
            | "pathItems"
            | "securitySchemes"
            | "paths"
            | "webhooks"
            | "content"
            | "encoding"
            | "dependentSchemas"
    )
}

fn collect_refs(
    node: &Node,
    names: bool,
    out: &mut Vec<RefSite>,
    depth: u32,
    memo: &mut Option<&mut Pass<'_, RefSite>>,
) {
    if depth > 256 {
        return;
    }
    match &node.value {
        Value::Map(entries, _) => {
            for e in entries {
                if names {
                    collect_entry(e, false, out, depth + 1, memo);
                    continue;
                }
                match e.key.as_str() {
                    "$ref" => {
                        if let Some(s) = e.value.as_str() {
                            out.push(RefSite {
                                target: s.to_string(),
                                span: e.value.span,
                            });
                        }
                    }
                    // Data, not description: never references.
                    "example" | "value" | "const" | "default" | "enum" => {}
                    k if k.starts_with("x-") && k != "x-codeSamples" => {}
                    k => collect_entry(e, is_name_map(k), out, depth + 1, memo),
                }
            }
        }
        Value::Seq(items, _) => {
            for it in items {
                collect_refs(it, false, out, depth + 1, memo);
            }
        }
        _ => {}
    }
}

/// The `$ref`s under the value of `e`, from the memo when its text is
/// unchanged.
fn collect_entry(
    e: &Entry,
    names: bool,
    out: &mut Vec<RefSite>,
    depth: u32,
    memo: &mut Option<&mut Pass<'_, RefSite>>,
) {
    let extent = Span::new(e.key_span.start, e.value.span.end.max(e.key_span.end));
    let key = memo
        .as_deref()
        .and_then(|m| m.key(u64::from(names), depth, &e.key, extent));
    let (Some(key), Some(m)) = (key, memo.as_deref_mut()) else {
        collect_refs(&e.value, names, out, depth, memo);
        return;
    };
    if let Some(found) = m.get(key, extent) {
        out.extend(found);
        return;
    }
    let before = out.len();
    collect_refs(&e.value, names, out, depth, memo);
    if let Some(m) = memo.as_deref_mut() {
        m.put(key, extent, &out[before..], |r| r.span);
    }
}

/// Where an FR-ID of an operation was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceSource {
    TraceKey,
    Summary,
    Description,
    /// A `description`/`summary` deeper in the operation: of a parameter,
    /// the request body, a response.
    Text,
    Comment,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub mention: IdMention,
    pub file: FileId,
    pub source: TraceSource,
}

/// What kind of entry point of the API an operation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OpKind {
    /// Under `paths`: the API's own endpoints.
    Path,
    /// Under 3.1 `webhooks`: requests the API sends to its consumers.
    Webhook,
    /// Under an operation's `callbacks`: requests the API sends back.
    Callback,
}

/// One operation (a method under a path, a webhook or a callback).
///
/// Path items and operations reached through `$ref` are followed: `file`
/// and `pointer` name the operation object where its text is written, so
/// findings, navigation and fixes land in the operation's own file.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Root document of the API this operation belongs to.
    pub api_root: FileId,
    /// File where the operation object is written.
    pub file: FileId,
    /// JSON pointer tokens of the operation object inside `file`.
    pub pointer: Vec<String>,
    /// File and pointer of the path item holding the operation (its
    /// `parameters` apply to the operation).
    pub item_file: FileId,
    pub item_pointer: Vec<String>,
    /// Upper-case HTTP method.
    pub method: String,
    pub path: String,
    /// `kind != OpKind::Path`: an integration point (webhook, callback),
    /// whose responses are the receiver's business.
    pub webhook: bool,
    pub kind: OpKind,
    /// Where findings about the whole operation point: the method key
    /// (`get:`) when the operation is written under it, else the first key
    /// of the operation object in its own file.
    pub method_span: Span,
    /// The method key whose value is a `$ref` to the operation, when the
    /// operation is written elsewhere (file, span of `get:`).
    pub ref_from: Option<(FileId, Span)>,
    /// The operation object.
    pub span: Span,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub traces: Vec<Trace>,
    /// Span of the trace key (`x-fr-ids`) when present.
    pub trace_key_span: Option<Span>,
}

impl Operation {
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// FR-IDs named by this operation, in order, without repeats.
    pub fn ids(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for t in &self.traces {
            if !v.contains(&t.mention.id.as_str()) {
                v.push(&t.mention.id);
            }
        }
        v
    }
}

/// The FR-IDs an operation's text names: every mention, and the IDs inside
/// a range (`FR-001 to FR-005`, `FR-001–FR-005`, `FR-001..FR-005`) for
/// which `defined` holds. Interior IDs share the span of the whole range:
/// nobody wrote them, so only defined ones count (an undefined one is not
/// an unknown reference).
pub fn trace_mentions(
    text: &str,
    ids: &regex::Regex,
    defined: &dyn Fn(&str) -> bool,
) -> Vec<IdMention> {
    let mut out = crate::model::prd::find_mentions(text, ids);
    let mut extra = Vec::new();
    let mut pos = 0;
    while let Some(a) = ids.find_at(text, pos) {
        pos = a.end().max(a.start() + 1);
        if !out.iter().any(|m| m.span.start == a.start() as u32) {
            continue; // inside a longer word (`NFR-001`)
        }
        let Some(b) = ids.find_at(text, a.end()) else {
            break;
        };
        if !is_range_separator(&text[a.end()..b.start()]) {
            continue;
        }
        let (Some((pa, na, wa)), Some((pb, nb, _))) = (split_id(a.as_str()), split_id(b.as_str()))
        else {
            continue;
        };
        if pa != pb || nb <= na || nb - na > 500 {
            continue;
        }
        let span = Span::new(a.start() as u32, b.end() as u32);
        for n in na + 1..nb {
            let id = format!("{pa}{n:0wa$}");
            if defined(&id) {
                extra.push(IdMention { id, span });
            }
        }
        // The range's end is a mention even after a `-` (`FR-001-FR-005`).
        if !out.iter().any(|m| m.span.start == b.start() as u32) {
            extra.push(IdMention {
                id: b.as_str().to_string(),
                span: Span::new(b.start() as u32, b.end() as u32),
            });
        }
        pos = b.start();
    }
    out.extend(extra);
    out
}

fn is_range_separator(between: &str) -> bool {
    let t = between.trim().trim_matches('*').trim();
    matches!(
        t.to_ascii_lowercase().as_str(),
        "to" | "through" | "thru" | "-" | "–" | "—" | ".." | "..." | "…"
    )
}

/// `FR-012` → (`FR-`, 12, 3): the prefix, the number and its width.
fn split_id(id: &str) -> Option<(&str, u32, usize)> {
    let digits_end = id.len()
        - id.chars()
            .rev()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
    let body = &id[..digits_end];
    let start = body.len() - body.chars().rev().take_while(char::is_ascii_digit).count();
    if start == body.len() || digits_end != id.len() {
        return None; // no number, or a letter suffix (`FR-051a`): not a range end
    }
    Some((
        &body[..start],
        body[start..].parse().ok()?,
        body.len() - start,
    ))
}

#[cfg(test)]
mod trace_tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        let re = regex::Regex::new(r"FR-\d+[a-z]?").unwrap();
        let mut v: Vec<String> = trace_mentions(text, &re, &|id| id != "FR-004")
            .into_iter()
            .map(|m| m.id)
            .collect();
        v.sort();
        v
    }

    #[test]
    fn ranges_name_the_defined_ids_between() {
        let all = ["FR-001", "FR-002", "FR-003", "FR-005"];
        for t in [
            "FR-001 to FR-005",
            "FR-001–FR-005",
            "FR-001 – FR-005",
            "FR-001..FR-005",
            "**FR-001** through **FR-005**",
            "FR-001-FR-005",
        ] {
            assert_eq!(ids(t), all, "{t}");
        }
        assert_eq!(ids("FR-001, FR-005"), ["FR-001", "FR-005"]);
        assert_eq!(ids("FR-005 to FR-001"), ["FR-001", "FR-005"]);
        assert_eq!(ids("[FR-012](../spec.md) and FR-013"), ["FR-012", "FR-013"]);
    }
}
