//! The shape of a list response: whether an operation's success body is an
//! array (bare, or in an envelope such as `{data: [...]}`), and whether the
//! envelope already carries pagination. A fact several layers read: the
//! `unpaginated-list` rule, and the fixes that follow the API's own
//! envelope names.

use crate::diag::FileId;
use crate::index::Index;
use crate::model::dictionary::snake_case;
use crate::model::openapi::Operation;
use specgate_syntax::tree::{Entry, Node};

/// Property names that hold the items of a list envelope.
pub const WRAPPER_FIELDS: &[&str] = &[
    "data", "items", "results", "records", "entries", "list", "values", "elements", "nodes",
    "edges", "objects", "content",
];

/// How a list response is shaped.
#[derive(Clone, Debug, PartialEq)]
pub struct ListShape {
    /// The status code of the response.
    pub status: String,
    /// `None` for a bare array, else the envelope's items property.
    pub wrapper: Option<String>,
    /// File and schema node of the response body.
    pub schema_file: FileId,
    /// The array has a bound of its own (`maxItems`, `enum` items).
    pub bounded: bool,
    /// Plain string properties beside the items (continuation token candidates).
    pub string_fields: Vec<String>,
}

pub fn media_essence(name: &str) -> String {
    name.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Media types whose body is a stream of items rather than one document.
pub fn streamed_media(name: &str) -> bool {
    let n = media_essence(name);
    n == "text/event-stream"
        || n.ends_with("json-seq")
        || n.ends_with("jsonl")
        || n.ends_with("jsonlines")
        || n.ends_with("ndjson")
}

pub fn json_media(name: &str) -> bool {
    let n = media_essence(name);
    (n.contains("json") || n == "*/*") && !streamed_media(&n)
}

/// Schemas of an object, following `allOf`.
pub fn object_properties<'a>(
    index: &'a Index,
    file: &FileId,
    schema: &'a Node,
    out: &mut Vec<(FileId, &'a Entry)>,
    depth: u32,
) {
    if depth > 16 {
        return;
    }
    for e in schema
        .get("properties")
        .map(Node::entries)
        .unwrap_or_default()
    {
        out.push((file.clone(), e));
    }
    for part in schema.get("allOf").map(Node::items).unwrap_or_default() {
        let (f, n) = index.deref(file, part);
        object_properties(index, &f, n, out, depth + 1);
    }
}

/// Whether `s`'s `type` is (or includes) `t`.
/// A schema's `type`: the string, or the first non-`null` entry of a 3.1
/// list (`[string, 'null']`).
pub fn main_type(s: &Node) -> Option<&str> {
    let t = s.get("type")?;
    t.as_str().or_else(|| {
        t.items()
            .iter()
            .filter_map(Node::as_str)
            .find(|x| *x != "null")
    })
}

pub fn has_type(s: &Node, t: &str) -> bool {
    s.get("type")
        .is_some_and(|x| x.as_str() == Some(t) || x.items().iter().any(|y| y.as_str() == Some(t)))
}

pub fn is_array(s: &Node) -> bool {
    has_type(s, "array") || (s.get("items").is_some() && s.get("properties").is_none())
}

/// An array schema with a bound of its own: `maxItems`, or items drawn from
/// a fixed set (`enum`/`const`).
pub fn bounded_array(index: &Index, file: &FileId, s: &Node) -> bool {
    if s.get("maxItems").is_some() {
        return true;
    }
    let Some(items) = s.get("items") else {
        return false;
    };
    let (_, items) = index.deref(file, items);
    items.get("enum").is_some() || items.get("const").is_some()
}

/// The list shape of `op`'s success body, if it returns a list, and whether
/// an envelope field already paginates it. An object with an `id` beside
/// its array is one resource, not a list.
pub fn list_shape(index: &Index, op: &Operation) -> Option<(ListShape, bool)> {
    let mut responses = index.op_responses(op);
    responses.retain(|(e, _, _)| e.key.starts_with('2'));
    responses.sort_by_key(|(e, _, _)| e.key != "200");
    let fields = index.config().pagination_fields_in(&op.file);
    // OData annotates with a namespace: `@odata.nextLink`, `odata.count`.
    let is_field = |k: &str| {
        let k = k.rsplit(['.', '@']).next().unwrap_or(k);
        fields.contains(&snake_case(k)) || fields.contains(&k.to_ascii_lowercase())
    };
    for (e, rf, resp) in responses {
        let headers_paginate = resp.get("headers").is_some_and(|h| {
            h.entries().iter().any(|x| {
                let k = x.key.to_ascii_lowercase();
                k == "link"
                    || k == "x-next"
                    || k == "x-next-page"
                    || k == "x-total-count"
                    || k == "x-next-cursor"
            })
        });
        let schemas: Vec<&Node> = if let Some(content) = resp.get("content") {
            content
                .entries()
                .iter()
                .filter(|m| json_media(&m.key) && m.value.get("itemSchema").is_none())
                .filter_map(|m| m.value.get("schema"))
                .collect()
        } else {
            resp.get("schema").into_iter().collect() // Swagger 2.0
        };
        for s in schemas {
            let (sf, schema) = index.deref(&rf, s);
            if is_array(schema) {
                let shape = ListShape {
                    status: e.key.clone(),
                    wrapper: None,
                    bounded: bounded_array(index, &sf, schema),
                    schema_file: sf,
                    string_fields: Vec::new(),
                };
                return Some((shape, headers_paginate));
            }
            let mut props = Vec::new();
            object_properties(index, &sf, schema, &mut props, 0);
            let wrapper = props.iter().find_map(|(f, p)| {
                if !WRAPPER_FIELDS.contains(&p.key.to_ascii_lowercase().as_str()) {
                    return None;
                }
                let (af, a) = index.deref(f, &p.value);
                is_array(a).then_some((p, af, a))
            });
            let Some((w, af, array)) = wrapper else {
                continue;
            };
            if props.iter().any(|(_, p)| snake_case(&p.key) == "id") {
                return None; // one resource holding an array
            }
            let others = || props.iter().filter(|(_, p)| p.key != w.key);
            let paged = headers_paginate
                || others().any(|(f, p)| {
                    if is_field(&p.key) {
                        return true;
                    }
                    // Pagination metadata one level down: `paging: {nextPage}`.
                    let (nf, n) = index.deref(f, &p.value);
                    let mut inner = Vec::new();
                    object_properties(index, &nf, n, &mut inner, 0);
                    inner.iter().any(|(_, q)| is_field(&q.key))
                });
            let string_fields = others()
                .filter(|(f, p)| {
                    let (_, n) = index.deref(f, &p.value);
                    has_type(n, "string") && n.get("enum").is_none() && n.get("format").is_none()
                })
                .map(|(_, p)| p.key.to_ascii_lowercase())
                .collect();
            let shape = ListShape {
                status: e.key.clone(),
                wrapper: Some(w.key.clone()),
                schema_file: sf,
                bounded: bounded_array(index, &af, array),
                string_fields,
            };
            return Some((shape, paged));
        }
    }
    None
}
