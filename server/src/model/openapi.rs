//! OpenAPI documents: version detection, `$ref` sites, operations.
//!
//! Operations are read from the located tree of each API's root document,
//! following path items and responses through `$ref` into other files, so
//! rules see one operation however the API is split into files.

use super::{IdMention, Span};
use crate::diag::FileId;
use crate::memo::{relocate_span, Pass, Relocate};
use crate::tree::{Entry, Node, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    Swagger2,
    V30,
    V31,
    /// 3.2 and later: read like 3.1.
    V3Later,
}

impl Version {
    pub fn is_v3(self) -> bool {
        self != Version::Swagger2
    }
}

/// The OpenAPI version a document declares at its root, if it is one.
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
    Comment,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub mention: IdMention,
    pub file: FileId,
    pub source: TraceSource,
}

/// One operation (a method under a path, or under a webhook).
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    /// Root document of the API this operation belongs to.
    pub api_root: FileId,
    /// File where the operation object is written.
    pub file: FileId,
    /// JSON pointer tokens of the operation object inside `file`.
    pub pointer: Vec<String>,
    /// Upper-case HTTP method.
    pub method: String,
    pub path: String,
    pub webhook: bool,
    /// The method key (`get:`).
    pub method_span: Span,
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
