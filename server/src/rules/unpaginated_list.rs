//! `unpaginated-list`: a list endpoint without pagination.
//!
//! **What.** A `GET` whose path does not end in a parameter and whose 2xx
//! JSON body is an array (directly or via `$ref`), or wraps one (`data`,
//! `items`, `results`, …), must define pagination: a query parameter like
//! `limit`, `offset`, `page`, `page_size`, `per_page`, `cursor`, `after`,
//! `before`, `starting_after` (resolved through `$ref`; the list is
//! configurable as `[rules.unpaginated-list] parameters`), or a
//! `next_cursor`/`next`/`total`-like field beside the array (`fields`), or a
//! `Link`/`X-Next` response header. Non-JSON bodies (`text/csv`) are not lists.
//!
//! **Why.** "We'll add pagination later" breaks every client: a bare array
//! cannot grow an envelope without a breaking change.
//!
//! **Example.** `GET /appointments` → `200: {schema: {type: array, items: …}}`.
//!
//! **Fix.** Add cursor, offset or page pagination (the quick fix follows the
//! style the API already uses).
//!
//! Range: the method key.

use super::Rule;
use crate::config::PaginationStyle;
use crate::diag::{Applicability, Diagnostic, FileId, Fix, Severity};
use crate::edit::{openapi, prefer_first, EditSet};
use crate::index::Index;
use crate::model::dictionary::snake_case;
use crate::model::openapi::Operation;
use crate::tree::Node;
use serde_json::json;

pub const RULE: Rule = Rule {
    code: "unpaginated-list",
    default_severity: Severity::Error,
    summary: "A GET returning a JSON array (or a wrapper of one) has no pagination",
    check,
    fixes,
};

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
}

fn json_media(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("json") || n == "*/*"
}

/// Schemas of an object, following `allOf`.
fn object_properties<'a>(
    index: &'a Index,
    file: &FileId,
    schema: &'a Node,
    out: &mut Vec<(FileId, &'a crate::tree::Entry)>,
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

fn is_array(s: &Node) -> bool {
    s.get("type").and_then(Node::as_str) == Some("array")
        || s.get("type")
            .is_some_and(|t| t.items().iter().any(|x| x.as_str() == Some("array")))
        || (s.get("items").is_some() && s.get("properties").is_none())
}

/// The list shape of `op`'s success body, if it returns a list, and whether
/// an envelope field already paginates it.
pub fn list_shape(index: &Index, op: &Operation) -> Option<(ListShape, bool)> {
    let mut responses = index.op_responses(op);
    responses.retain(|(e, _, _)| e.key.starts_with('2'));
    responses.sort_by_key(|(e, _, _)| e.key != "200");
    let fields = &index.config().pagination_fields;
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
                .filter(|m| json_media(&m.key))
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
                    schema_file: sf,
                };
                return Some((shape, headers_paginate));
            }
            let mut props = Vec::new();
            object_properties(index, &sf, schema, &mut props, 0);
            let wrapper = props.iter().find(|(f, p)| {
                WRAPPER_FIELDS.contains(&p.key.to_ascii_lowercase().as_str())
                    && is_array(index.deref(f, &p.value).1)
            });
            if let Some((_, w)) = wrapper {
                let paged = headers_paginate
                    || props.iter().any(|(_, p)| {
                        fields.contains(&snake_case(&p.key))
                            || fields.contains(&p.key.to_ascii_lowercase())
                    });
                let shape = ListShape {
                    status: e.key.clone(),
                    wrapper: Some(w.key.clone()),
                    schema_file: sf,
                };
                return Some((shape, paged));
            }
        }
    }
    None
}

/// Whether a query parameter of `op` paginates.
pub fn has_pagination_param(index: &Index, op: &Operation) -> bool {
    let names = &index.config().pagination_params;
    index.op_parameters(op).iter().any(|(_, p)| {
        p.get("in").and_then(Node::as_str) == Some("query")
            && p.get("name").and_then(Node::as_str).is_some_and(|n| {
                let l = n.to_ascii_lowercase();
                names.contains(&l) || names.contains(&snake_case(n)) || l.starts_with("page[")
            })
    })
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for op in &index.operations {
        if op.method != "GET" || op.webhook {
            continue;
        }
        let last = op
            .path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("");
        if last.starts_with('{') {
            continue;
        }
        let Some((shape, paged)) = list_shape(index, op) else {
            continue;
        };
        if paged || has_pagination_param(index, op) {
            continue;
        }
        let what = match &shape.wrapper {
            None => "a bare array".to_string(),
            Some(w) => format!("a list in `{w}`"),
        };
        out.push(
            Diagnostic::new(
                RULE.code,
                &op.file,
                op.method_span,
                format!(
                    "{} returns {what} without pagination: add `limit` and a cursor (or offset/page) query parameter",
                    op.label()
                ),
            )
            .with_data(json!({ "pointer": op.pointer, "status": shape.status, "wrapper": shape.wrapper })),
        );
    }
}

fn style_name(s: PaginationStyle) -> &'static str {
    match s {
        PaginationStyle::Cursor => "cursor",
        PaginationStyle::Offset => "offset",
        PaginationStyle::Page => "page",
    }
}

/// "Add cursor pagination" / "Add offset pagination" / "Add page
/// pagination", the style the API already uses first (else the configured
/// default): the query parameters (reusing the API's `Limit`/`Cursor`…
/// components), and a bare array turned into an envelope (`data` +
/// `next_cursor`, or `items` + `total`, named like the API's other
/// envelopes) with the array's schema text moved inside it. The first one
/// is safe (it follows the API's convention or its configuration).
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(op) = openapi::op_for(index, d) else {
        return Vec::new();
    };
    let (Some(api), Some(opn)) = (openapi::api_of(index, op), index.op_node(op)) else {
        return Vec::new();
    };
    let Some((shape, _)) = list_shape(index, op) else {
        return Vec::new();
    };
    let first = openapi::detect_pagination(index, api).unwrap_or(index.config().pagination_default);
    let mut order = vec![first];
    for s in [
        PaginationStyle::Cursor,
        PaginationStyle::Offset,
        PaginationStyle::Page,
    ] {
        if !order.contains(&s) {
            order.push(s);
        }
    }
    let mut out = Vec::new();
    for (i, style) in order.into_iter().enumerate() {
        let mut set = EditSet::new(index);
        let params = openapi::pagination_params(index, api, style, &op.file);
        openapi::add_parameters(&mut set, op, opn, params);
        // Query parameters make a validation failure possible: answer it.
        openapi::ensure_validation_response(&mut set, api, op, opn);
        if shape.wrapper.is_none() {
            let Some((_, rf, resp)) = index
                .op_responses(op)
                .into_iter()
                .find(|(e, _, _)| e.key == shape.status)
            else {
                continue;
            };
            let Some(entry) = openapi::json_schema_entry(resp) else {
                continue;
            };
            let (items, extra) = openapi::envelope_names(index, api, style);
            let env = openapi::envelope(index, api, &rf, &entry.value, style, &items, &extra);
            match set.doc(&rf) {
                Some(doc) => doc.replace_value(entry, env),
                None => continue,
            }
        }
        let app = if i == 0 {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        out.extend(set.into_fix(format!("Add {} pagination", style_name(style)), app));
    }
    prefer_first(out)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    fn api(get: &str) -> String {
        format!(
            "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      x-fr-ids: [FR-001]\n{get}components:\n  schemas:\n    Pet: {{type: object, properties: {{id: {{type: string}}}}}}\n    Pets: {{type: array, items: {{$ref: '#/components/schemas/Pet'}}}}\n"
        )
    }

    #[test]
    fn bare_and_wrapped_arrays_without_pagination_are_reported() {
        let bare = api("      responses:\n        '200':\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pets'}\n");
        let f = findings(&index(&[("openapi.yaml", &bare)]), "unpaginated-list");
        assert!(
            f.starts_with(
                "openapi.yaml:4:5 error[unpaginated-list] `get` GET /pets returns a bare array"
            ),
            "{f}"
        );
        let wrapped = api("      responses:\n        '200':\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  data: {$ref: '#/components/schemas/Pets'}\n");
        let f = findings(&index(&[("openapi.yaml", &wrapped)]), "unpaginated-list");
        assert!(f.contains("a list in `data`"), "{f}");
    }

    #[test]
    fn pagination_params_fields_items_and_csv_pass() {
        for get in [
            "      parameters:\n        - {name: limit, in: query}\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pets'}\n",
            "      parameters:\n        - {name: pageSize, in: query}\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pets'}\n",
            "      responses:\n        '200':\n          content:\n            application/json:\n              schema:\n                properties:\n                  data: {$ref: '#/components/schemas/Pets'}\n                  next_cursor: {type: string}\n",
            "      responses:\n        '200':\n          content:\n            text/csv:\n              schema: {type: array, items: {type: string}}\n",
        ] {
            let a = api(get);
            assert_eq!(findings(&index(&[("openapi.yaml", &a)]), "unpaginated-list"), "", "{get}");
        }
        let item = "openapi: 3.0.3\npaths:\n  /pets/{id}:\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {type: array, items: {}}\n";
        assert_eq!(
            findings(&index(&[("openapi.yaml", item)]), "unpaginated-list"),
            ""
        );
    }
}
