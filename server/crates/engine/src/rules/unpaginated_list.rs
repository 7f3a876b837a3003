//! `unpaginated-list`: a collection endpoint without pagination.
//!
//! **Principle.** The rule fires when an operation's result is a
//! *collection*: a set of items that grows with the data the service stores
//! (orders, users, events), so that one day a single answer is too big.
//! An array whose length is bounded by something else is not a collection:
//! by the request (one item per ID asked for), by the schema (`maxItems`, a
//! fixed set of `enum` values), or by being a property of one resource.
//!
//! **What.** A `GET` (or 3.2 `QUERY`) whose path does not end in a parameter
//! and whose 2xx JSON body is an array (directly or via `$ref`), or an
//! envelope of one (`data`, `items`, `results`, …), must paginate. It counts
//! as paginated when it has:
//! - a query parameter named like `limit`, `offset`, `page`, `page_size`,
//!   `per_page`, `cursor`, `after`, `before`, `starting_after`, `page[…]`
//!   (configurable as `[rules.unpaginated-list] parameters`), or an integer
//!   query parameter that caps the result size under another name (`count`,
//!   `max`, `take`, `first`, `last`, `num`, `max_*`, `*_size`, `*_limit`);
//!   query parameters include the properties of an OpenAPI 3.2
//!   `in: querystring` parameter's schema, and parameter lists reached by
//!   `$ref`;
//! - a `next_cursor`/`next`/`total`-like field beside the array (`fields`),
//!   or inside an object beside it (`paging: {nextPage: …}`,
//!   `meta: {total: …}`);
//! - a continuation token: a string field beside the array that a query
//!   parameter of the same name sends back (`?sync=…` → `{data, sync}`);
//! - a `Link`/`X-Next`/`X-Total-Count` response header.
//!
//! It is not a collection (no finding) when:
//! - **bounded by the request**: a required query input (or a property of
//!   the request body of a `GET`/`QUERY`) names the items to return: `ids`,
//!   `keys`, `<item>_ids` (the singular of a path segment, as in
//!   `/users/lookup?user_ids=`), or an array of `id`/`<item>_id`/`key`/`name`
//!   values; or the request body is itself an array (a batch lookup):
//!   `GET /items/saved?ids=a,b` → `[true, false]`. A required filter by
//!   another resource (`GET /orders?customer_ids=…`) still grows: it fires;
//! - **bounded by the schema**: the array has `maxItems`, or its items are
//!   an `enum`/`const` (a subset of a fixed set);
//! - **a single resource**: the object holding the array has an `id`
//!   property (`GET /cart` → `{id, items: […]}`);
//! - **not JSON or a stream**: `text/csv`, a media type with `itemSchema`
//!   (3.2), `text/event-stream`, `application/jsonl`, `application/x-ndjson`,
//!   `application/json-seq` are not pages.
//!
//! - **bounded in its prose**: the summary, description or success
//!   response description caps the count ("the top 10 popular contents",
//!   "limited to a maximum of 100 items"; "up to 60 seconds" is no cap), or
//!   describes one row per period over a bounded span ("the last year of
//!   commit activity grouped by week", "the hourly commit count for each
//!   day"); one row per period over all time ("a weekly aggregate") grows.
//!
//! Azure's `x-ms-pageable` and OData's `@odata.nextLink` paginate.
//!
//! A small catalog nothing in the design bounds (supported currencies,
//! downloadable binaries per platform) cannot be told apart from a
//! collection: state the bound with `maxItems`.
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
use crate::edit::{prefer_first, EditSet};
use crate::index::lists::{
    has_type, is_array, json_media, list_shape, media_essence, object_properties, ListShape,
};
use crate::index::Index;
use crate::model::dictionary::snake_case;
use crate::model::openapi::Operation;
use crate::rules::shared::dictionary::singularize;
use crate::rules::shared::openapi;
use specgate_syntax::tree::Node;

pub const RULE: Rule = Rule {
    code: "unpaginated-list",
    source: include_str!("unpaginated_list.rs"),
    default_severity: Severity::Error,
    summary: "A GET returning a JSON array (or a wrapper of one) has no pagination",
    points_at: "the method key",
    check,
    fixes,
};

/// One query input of an operation: a query parameter, or a property of an
/// OpenAPI 3.2 `in: querystring` parameter's schema.
struct QueryInput<'a> {
    name: String,
    schema: Option<&'a Node>,
    required: bool,
}

/// The schema of a parameter (`schema`, else its `content`'s first one).
fn param_schema<'a>(index: &'a Index, file: &FileId, p: &'a Node) -> Option<(FileId, &'a Node)> {
    let s = p.get("schema").or_else(|| {
        p.get("content")
            .and_then(|c| c.entries().first())
            .and_then(|m| m.value.get("schema"))
    })?;
    Some(index.deref(file, s))
}

fn is_true(n: Option<&Node>) -> bool {
    n.and_then(Node::as_str) == Some("true")
}

fn query_inputs<'a>(index: &'a Index, op: &Operation) -> Vec<QueryInput<'a>> {
    let mut out = Vec::new();
    for (pf, p) in index.op_parameters(op) {
        let Some(name) = p.get("name").and_then(Node::as_str) else {
            continue;
        };
        match p.get("in").and_then(Node::as_str) {
            Some("query") => {
                out.push(QueryInput {
                    name: name.to_string(),
                    schema: param_schema(index, &pf, p).map(|x| x.1),
                    required: is_true(p.get("required")),
                });
            }
            Some("querystring") => {
                let Some((sf, s)) = param_schema(index, &pf, p) else {
                    continue;
                };
                let required: Vec<&str> = s
                    .get("required")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(Node::as_str)
                    .collect();
                let mut props = Vec::new();
                object_properties(index, &sf, s, &mut props, 0);
                for (f, e) in props {
                    out.push(QueryInput {
                        name: e.key.clone(),
                        schema: Some(index.deref(&f, &e.value).1),
                        required: required.contains(&e.key.as_str()),
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// An integer input that caps the result size under a name outside the
/// configured list (`count`, `max_hits`, `batchSize`).
fn size_like(name: &str, schema: Option<&Node>) -> bool {
    let n = snake_case(name);
    let named = matches!(
        n.as_str(),
        "count" | "max" | "take" | "first" | "last" | "num" | "top" | "size"
    ) || n.starts_with("max_")
        || n.ends_with("_size")
        || n.ends_with("_limit");
    named && schema.is_some_and(|s| has_type(s, "integer") || has_type(s, "number"))
}

/// Whether a query parameter of `op` paginates.
pub fn has_pagination_param(index: &Index, op: &Operation) -> bool {
    let names = index.config().pagination_params_in(&op.file);
    query_inputs(index, op).iter().any(|q| {
        let l = q.name.to_ascii_lowercase();
        names.contains(&l)
            || names.contains(&snake_case(&q.name))
            || l.starts_with("page[")
            || size_like(&q.name, q.schema)
    })
}

/// Whether an input named `name` with schema `schema` names the items to
/// return: `ids`, `keys`, `<item>_ids` for a path segment's singular, or an
/// array of `id`/`<item>_id`/`key`/`name` values. `customer_ids` on
/// `/orders` filters by another resource: its result still grows.
fn id_list(name: &str, schema: Option<&Node>, items: &[String]) -> bool {
    let n = snake_case(name);
    if matches!(n.as_str(), "ids" | "keys")
        || items
            .iter()
            .any(|i| n == format!("{i}_ids") || n == format!("{i}_keys"))
    {
        return true;
    }
    let array = schema.is_some_and(is_array);
    array
        && (matches!(n.as_str(), "id" | "key" | "name" | "names" | "uuids")
            || items.iter().any(|i| n == format!("{i}_id")))
}

/// Whether the request names the items it gets back (one per ID asked for):
/// a required ID-list query input, a required ID-list property of the
/// request body, or a request body that is itself an array.
fn bounded_by_request(index: &Index, op: &Operation) -> bool {
    let items: Vec<String> = op
        .path
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .map(|s| singularize(&snake_case(s)))
        .collect();
    if query_inputs(index, op)
        .iter()
        .any(|q| q.required && id_list(&q.name, q.schema, &items))
    {
        return true;
    }
    let Some(body) = index.op_node(op).and_then(|n| n.get("requestBody")) else {
        return false;
    };
    let (bf, body) = index.deref(&op.file, body);
    let Some(content) = body.get("content") else {
        return false;
    };
    content
        .entries()
        .iter()
        .filter(|m| json_media(&m.key) || media_essence(&m.key).ends_with("x-www-form-urlencoded"))
        .filter_map(|m| m.value.get("schema"))
        .any(|s| {
            let (sf, s) = index.deref(&bf, s);
            if is_array(s) {
                return true;
            }
            let required: Vec<&str> = s
                .get("required")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(Node::as_str)
                .collect();
            let mut props = Vec::new();
            object_properties(index, &sf, s, &mut props, 0);
            props.iter().any(|(f, p)| {
                required.contains(&p.key.as_str())
                    && id_list(&p.key, Some(index.deref(f, &p.value).1), &items)
            })
        })
}

/// Whether a query parameter sends back a string field of the envelope:
/// a continuation token (`?sync=…` → `{data: […], sync: "…"}`).
fn echoes_token(index: &Index, op: &Operation, shape: &ListShape) -> bool {
    !shape.string_fields.is_empty()
        && query_inputs(index, op).iter().any(|q| {
            shape.string_fields.contains(&q.name.to_ascii_lowercase())
                && q.schema.is_none_or(|s| s.get("enum").is_none())
        })
}

/// Words that may follow a count without making it a count of items:
/// "up to 60 seconds", "at most 5000 requests per hour".
const NOT_ITEMS: &[&str] = &[
    "second",
    "seconds",
    "minute",
    "minutes",
    "hour",
    "hours",
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "ms",
    "milliseconds",
    "mb",
    "kb",
    "gb",
    "bytes",
    "characters",
    "chars",
    "requests",
    "calls",
    "times",
    "percent",
    "%",
    "levels",
    "level",
    "deep",
];

/// A number in digits or a small number word.
fn count_word(w: &str) -> bool {
    (!w.is_empty() && w.chars().all(|c| c.is_ascii_digit()))
        || matches!(
            w,
            "one"
                | "two"
                | "three"
                | "four"
                | "five"
                | "six"
                | "seven"
                | "eight"
                | "nine"
                | "ten"
                | "twenty"
                | "fifty"
                | "hundred"
        )
}

/// Whether prose caps the number of items: "top 10", "a maximum of 100
/// items", "at most 50", "up to 20 results", "the 30 most recent". A count
/// followed by a unit that is not an item ("up to 60 seconds") is no cap.
fn prose_cap(words: &[&str]) -> bool {
    let item_count = |i: usize| {
        words.get(i).is_some_and(|w| count_word(w))
            && words.get(i + 1).is_none_or(|n| !NOT_ITEMS.contains(n))
    };
    (0..words.len()).any(|i| {
        let w = |k: usize| words.get(i + k).copied().unwrap_or("");
        match w(0) {
            "top" | "first" => item_count(i + 1),
            "maximum" | "max" if w(1) == "of" => item_count(i + 2),
            "max" => item_count(i + 1),
            "at" | "no" if matches!(w(1), "most" | "more") => {
                if w(1) == "more" && w(2) != "than" {
                    return false;
                }
                item_count(i + if w(1) == "most" { 2 } else { 3 })
            }
            "up" if w(1) == "to" => item_count(i + 2),
            "limited" if w(1) == "to" => {
                item_count(i + 2)
                    || (w(2) == "a" && w(3) == "maximum" && w(4) == "of" && item_count(i + 5))
            }
            _ => {
                count_word(w(0)) && matches!(w(1), "most" | "latest") && w(2) == "recent"
                    || count_word(w(0)) && w(1) == "latest"
            }
        }
    })
}

/// Granularities of time a report is grouped by ("by week", "hourly",
/// "for each day"), and windows that bound it ("the last year").
fn periods(words: &[&str]) -> (usize, bool) {
    const UNITS: &[&str] = &["hour", "day", "week", "month", "year"];
    let unit = |w: &str| {
        UNITS
            .iter()
            .position(|u| w == *u || w.strip_suffix('s') == Some(u))
    };
    let mut grains = [false; 5];
    let mut window = false;
    for (i, w) in words.iter().enumerate() {
        let next = words.get(i + 1).copied().unwrap_or("");
        let after = words.get(i + 2).copied().unwrap_or("");
        match *w {
            "hourly" => grains[0] = true,
            "daily" => grains[1] = true,
            "weekly" => grains[2] = true,
            "monthly" => grains[3] = true,
            "by" | "each" | "per" => {
                if let Some(u) = unit(next) {
                    grains[u] = true;
                }
            }
            "last" | "past" => {
                window |= unit(next).is_some() || (count_word(next) && unit(after).is_some());
            }
            _ => {}
        }
    }
    (grains.iter().filter(|g| **g).count(), window)
}

/// Whether the operation's prose states a bound that its schema does not:
/// a cap on the count ("the top 10 popular contents", "page sizes are
/// limited to a maximum of 100 items"), or a report with one row per period
/// over a bounded span ("the last year of commit activity grouped by week",
/// "the hourly commit count for each day"). A report per period over all
/// time ("a weekly aggregate") still grows: it fires.
fn bounded_in_prose(index: &Index, op: &Operation, shape: &ListShape) -> bool {
    let mut text = String::new();
    if let Some(n) = index.op_node(op) {
        for k in ["summary", "description"] {
            if let Some(t) = n.get(k).and_then(Node::as_str) {
                text.push_str(t);
                text.push(' ');
            }
        }
    }
    if let Some((_, _, resp)) = index
        .op_responses(op)
        .into_iter()
        .find(|(e, _, _)| e.key == shape.status)
    {
        if let Some(t) = resp.get("description").and_then(Node::as_str) {
            text.push_str(t);
        }
    }
    let lower = text.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '%'))
        .filter(|w| !w.is_empty())
        .collect();
    let (grains, window) = periods(&words);
    prose_cap(&words) || (grains >= 1 && window) || grains >= 2
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for (i, op) in index.operations.iter().enumerate() {
        if !(op.method == "GET" || op.method == "QUERY") || op.webhook {
            continue;
        }
        // Read from the operation and what it `$ref`s (and the config): a
        // keystroke elsewhere takes the last answer.
        out.extend(index.per_op(RULE.code, i, || check_op(index, op)));
    }
}

fn check_op(index: &Index, op: &Operation) -> Vec<Diagnostic> {
    let last = op
        .path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    if last.starts_with('{') {
        return Vec::new();
    }
    let Some((shape, paged)) = list_shape(index, op) else {
        return Vec::new();
    };
    // Azure's `x-ms-pageable` says the operation pages by a next link.
    let vendor_paged = index
        .op_node(op)
        .is_some_and(|n| n.get("x-ms-pageable").is_some());
    if paged
        || vendor_paged
        || shape.bounded
        || has_pagination_param(index, op)
        || echoes_token(index, op, &shape)
        || bounded_by_request(index, op)
        || bounded_in_prose(index, op, &shape)
    {
        return Vec::new();
    }
    let what = match &shape.wrapper {
        None => "a bare array".to_string(),
        Some(w) => format!("a list in `{w}`"),
    };
    vec![Diagnostic::new(
        RULE.code,
        &op.file,
        op.method_span,
        format!(
            "{} returns {what} without pagination: add `limit` and a cursor (or offset/page) query parameter",
            op.label()
        ),
    )
    .with_data(&openapi::OpData::of(op))]
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

    /// An operation at `path` with `parts` (YAML at the operation's
    /// indentation) and a 200 body `schema`, in a document of `version`.
    fn op(version: &str, path: &str, parts: &str, schema: &str) -> String {
        format!(
            "openapi: {version}\npaths:\n  {path}:\n    get:\n{parts}      responses:\n        '200':\n          content:\n            application/json:\n              schema: {schema}\n"
        )
    }

    /// `(fires, stays silent)`: each pair differs in the one thing the
    /// heuristic reads.
    fn pair(fires: &str, silent: &str) {
        let f = findings(&index(&[("openapi.yaml", fires)]), "unpaginated-list");
        assert!(!f.is_empty(), "should fire:\n{fires}");
        let f = findings(&index(&[("openapi.yaml", silent)]), "unpaginated-list");
        assert_eq!(f, "", "should stay silent:\n{silent}");
    }

    const ARR: &str = "{type: array, items: {type: object}}";

    #[test]
    fn arrays_bounded_by_the_request_are_not_collections() {
        let ids = |req: &str, name: &str, schema: &str| {
            format!("      parameters:\n        - {{name: {name}, in: query, required: {req}, schema: {schema}}}\n")
        };
        // A required `ids` (comma list) → one item per ID; optional → a filter.
        pair(
            &op(
                "3.0.3",
                "/items/saved",
                &ids("false", "ids", "{type: string}"),
                "{type: array, items: {type: boolean}}",
            ),
            &op(
                "3.0.3",
                "/items/saved",
                &ids("true", "ids", "{type: string}"),
                "{type: array, items: {type: boolean}}",
            ),
        );
        // `<item>_ids` of the path's own items, not of another resource.
        pair(
            &op(
                "3.0.3",
                "/orders",
                &ids("true", "customer_ids", "{type: string}"),
                ARR,
            ),
            &op(
                "3.0.3",
                "/orders",
                &ids("true", "order_ids", "{type: string}"),
                ARR,
            ),
        );
        // A repeated `id` is a list only as an array.
        pair(
            &op(
                "3.0.3",
                "/orders",
                &ids("true", "id", "{type: string}"),
                ARR,
            ),
            &op(
                "3.0.3",
                "/orders",
                &ids("true", "id", "{type: array, items: {type: string}}"),
                ARR,
            ),
        );
        // A batch body: an array, or a required ID list.
        let body = |s: &str| {
            format!("      requestBody:\n        content:\n          application/json:\n            schema: {s}\n")
        };
        pair(
            &op(
                "3.0.3",
                "/items/batch",
                &body("{type: object, properties: {ids: {type: array}}}"),
                ARR,
            ),
            &op(
                "3.0.3",
                "/items/batch",
                &body("{type: array, items: {type: string}}"),
                ARR,
            ),
        );
        pair(
            &op(
                "3.0.3",
                "/items/batch",
                &body("{type: object, properties: {ids: {type: array}}}"),
                ARR,
            ),
            &op(
                "3.0.3",
                "/items/batch",
                &body("{type: object, required: [ids], properties: {ids: {type: array}}}"),
                ARR,
            ),
        );
    }

    #[test]
    fn arrays_bounded_by_the_schema_or_a_resource_are_not_collections() {
        pair(
            &op(
                "3.0.3",
                "/top",
                "",
                "{type: array, items: {type: object, maxItems: 3}}",
            ),
            &op(
                "3.0.3",
                "/top",
                "",
                "{type: array, maxItems: 10, items: {type: object}}",
            ),
        );
        pair(
            &op(
                "3.0.3",
                "/currencies",
                "",
                "{type: array, items: {type: string}}",
            ),
            &op(
                "3.0.3",
                "/currencies",
                "",
                "{type: array, items: {type: string, enum: [EUR, USD]}}",
            ),
        );
        pair(
            &op(
                "3.0.3",
                "/cart",
                "",
                "{properties: {cart_id: {type: string}, items: {type: array}}}",
            ),
            &op(
                "3.0.3",
                "/cart",
                "",
                "{properties: {id: {type: string}, items: {type: array}}}",
            ),
        );
    }

    #[test]
    fn pagination_under_other_names_counts() {
        let q = |name: &str, schema: &str| {
            format!("      parameters:\n        - {{name: {name}, in: query, schema: {schema}}}\n")
        };
        pair(
            &op("3.0.3", "/typeahead", &q("count", "{type: boolean}"), ARR),
            &op("3.0.3", "/typeahead", &q("count", "{type: integer}"), ARR),
        );
        pair(
            &op("3.0.3", "/search", &q("batchSize", "{type: string}"), ARR),
            &op("3.0.3", "/search", &q("batchSize", "{type: integer}"), ARR),
        );
        // A continuation token: a parameter of the same name as a string field.
        let env = "{properties: {data: {type: array}, sync: {type: string}}}";
        pair(
            &op("3.0.3", "/events", &q("since", "{type: string}"), env),
            &op("3.0.3", "/events", &q("sync", "{type: string}"), env),
        );
        // Pagination metadata one level down.
        pair(
            &op("3.0.3", "/payments", "", "{properties: {data: {type: array}, paging: {properties: {current: {type: integer}}}}}"),
            &op("3.0.3", "/payments", "", "{properties: {data: {type: array}, paging: {properties: {nextPage: {type: integer}}}}}"),
        );
    }

    #[test]
    fn bounds_stated_in_prose_are_read() {
        let d = |t: &str| format!("      description: {t}\n");
        // A cap on the count of items, not on time or requests.
        pair(
            &op(
                "3.0.3",
                "/traffic/paths",
                &d("The popular contents of the last weeks."),
                ARR,
            ),
            &op(
                "3.0.3",
                "/traffic/paths",
                &d("Get the top 10 popular contents."),
                ARR,
            ),
        );
        pair(
            &op(
                "3.0.3",
                "/tasks/search",
                &d("Search can take up to 60 seconds."),
                ARR,
            ),
            &op(
                "3.0.3",
                "/tasks/search",
                &d("Page sizes are limited to a maximum of 100 items."),
                ARR,
            ),
        );
        pair(
            &op(
                "3.0.3",
                "/alerts",
                &d("At most 5000 requests per hour."),
                ARR,
            ),
            &op("3.0.3", "/alerts", &d("Returns at most 20 alerts."), ARR),
        );
        // One row per period over a bounded span; over all time it grows.
        pair(
            &op(
                "3.0.3",
                "/stats/code_frequency",
                &d("Returns a weekly aggregate of additions."),
                ARR,
            ),
            &op(
                "3.0.3",
                "/stats/commit_activity",
                &d("Returns the last year of commit activity grouped by week."),
                ARR,
            ),
        );
        pair(
            &op("3.0.3", "/stats/commits", &d("Commits per day."), ARR),
            &op(
                "3.0.3",
                "/stats/punch_card",
                &d("The hourly commit count for each day."),
                ARR,
            ),
        );
    }

    #[test]
    fn vendor_and_odata_next_links_paginate() {
        let env = |next: &str| {
            format!("{{properties: {{values: {{type: array}}, '{next}': {{type: string}}}}}}")
        };
        pair(
            &op("2.0", "/paging/odata", "", &env("odata.metadata")),
            &op("2.0", "/paging/odata", "", &env("odata.nextLink")),
        );
        pair(
            &op("2.0", "/paging/odata", "", ARR),
            &op(
                "2.0",
                "/paging/odata",
                "      x-ms-pageable: {nextLinkName: null}\n",
                ARR,
            ),
        );
    }

    #[test]
    fn openapi_32_querystring_and_streams() {
        let qs = |prop: &str| {
            format!("      parameters:\n        - name: q\n          in: querystring\n          content:\n            application/x-www-form-urlencoded:\n              schema: {{type: object, properties: {{{prop}: {{type: integer}}}}}}\n")
        };
        pair(
            &op("3.2.0", "/rooms", &qs("floor"), ARR),
            &op("3.2.0", "/rooms", &qs("limit"), ARR),
        );
        let media = |m: &str, key: &str| {
            format!("openapi: 3.2.0\npaths:\n  /feed:\n    get:\n      responses:\n        '200':\n          content:\n            {m}:\n              {key}: {ARR}\n")
        };
        for m in [
            "application/x-ndjson",
            "application/jsonl",
            "application/json-seq",
            "text/event-stream",
        ] {
            pair(&media("application/json", "schema"), &media(m, "schema"));
        }
        pair(
            &media("application/json", "schema"),
            &media("application/json", "itemSchema"),
        );
    }
}
