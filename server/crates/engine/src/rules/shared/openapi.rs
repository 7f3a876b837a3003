//! OpenAPI pieces for fixes: reusing the API's own responses, parameters
//! and error schema; creating an RFC 9457 Problem once; pagination styles.

use crate::config::PaginationStyle;
use crate::diag::FileId;
use crate::edit::refs::ref_to;
use crate::edit::render::{Raw, Val};
use crate::edit::structured::Pos;
use crate::edit::EditSet;
use crate::index::{Api, Index, Target};
use crate::model::openapi::{Operation, Version};
use serde::{Deserialize, Serialize};
use specgate_syntax::tree::{CollStyle, Entry, Node, Value};
use std::collections::BTreeMap;

/// The data of a finding about one operation, for its fixes: where the
/// operation is in the finding's file.
#[derive(Serialize, Deserialize)]
pub struct OpData {
    pub pointer: Vec<String>,
}

impl OpData {
    pub fn of(op: &Operation) -> OpData {
        OpData {
            pointer: op.pointer.clone(),
        }
    }
}

/// Keys an operation's `x-fr-ids`, `parameters`… go after / before.
pub const OP_HEAD: &[&str] = &[
    "tags",
    "operationId",
    "summary",
    "description",
    "externalDocs",
];
pub const OP_TAIL: &[&str] = &[
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];

pub fn api_of<'a>(index: &'a Index, op: &Operation) -> Option<&'a Api> {
    index.apis.iter().find(|a| a.root == op.api_root)
}

/// Where a finding about a whole API points: the root's `openapi` (or
/// `swagger`) key.
pub fn version_key(index: &Index, api: &Api) -> Option<specgate_syntax::tree::Span> {
    index
        .doc(&api.root)
        .and_then(|d| d.root.as_ref())
        .and_then(|r| r.entry("openapi").or_else(|| r.entry("swagger")))
        .map(|e| e.key_span)
}

pub fn is_swagger2(api: &Api) -> bool {
    api.version == Version::Swagger2
}

/// The operations of `api`'s own paths: not its webhooks and callbacks,
/// calls the API makes rather than answers.
pub fn own_ops<'a>(index: &'a Index, api: &'a Api) -> impl Iterator<Item = &'a Operation> + 'a {
    ops_of(index, api).filter(|o| !o.webhook)
}

fn ops_of<'a>(index: &'a Index, api: &'a Api) -> impl Iterator<Item = &'a Operation> + 'a {
    index
        .operations
        .iter()
        .filter(move |o| o.api_root == api.root)
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Names a reusable response for a status code is usually given.
fn synonyms(code: &str) -> &'static [&'static str] {
    match code {
        "400" => &[
            "badrequest",
            "validationerror",
            "invalidrequest",
            "validationfailed",
            "invalidinput",
            "invalid",
        ],
        "401" => &[
            "unauthorized",
            "unauthorised",
            "unauthenticated",
            "authenticationrequired",
            "authrequired",
            "notauthenticated",
        ],
        "403" => &["forbidden", "accessdenied", "permissiondenied"],
        "404" => &[
            "notfound",
            "resourcenotfound",
            "doesnotexist",
            "notexists",
            "missing",
        ],
        "409" => &["conflict", "alreadyexists"],
        "422" => &[
            "unprocessableentity",
            "unprocessable",
            "validationerror",
            "validationfailed",
            "invalid",
        ],
        "429" => &["toomanyrequests", "ratelimited", "ratelimit"],
        "500" | "DEFAULT" => &[
            "servererror",
            "internalservererror",
            "internalerror",
            "unexpectederror",
            "error",
            "defaulterror",
            "generalerror",
            "unexpected",
        ],
        _ => &[],
    }
}

/// The component name a new response for `code` gets.
pub fn response_name(code: &str) -> &'static str {
    match code {
        "400" => "BadRequest",
        "401" => "Unauthorized",
        "403" => "Forbidden",
        "404" => "NotFound",
        "409" => "Conflict",
        "422" => "UnprocessableEntity",
        "429" => "TooManyRequests",
        _ => "ServerError",
    }
}

pub fn description(code: &str, method: &str) -> &'static str {
    match code {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        "204" => "No content",
        "400" => "The request is malformed or fails validation.",
        "401" => "Missing or invalid credentials.",
        "403" => "Not allowed.",
        "404" => "No such resource.",
        "409" => "Conflict with the current state of the resource.",
        "422" => "The request fails validation.",
        _ if method.is_empty() => "Unexpected error.",
        _ => "Unexpected error.",
    }
}

/// What an API already uses for error responses.
pub struct Catalog {
    swagger2: bool,
    /// status → response targets referenced for it, with use counts.
    by_code: BTreeMap<String, BTreeMap<Target, usize>>,
    /// Reusable responses by name (components, and siblings of referenced ones).
    named: Vec<(String, Target)>,
    /// status → (media type, schema target) of error bodies, with counts.
    schemas: BTreeMap<String, BTreeMap<(String, Target), usize>>,
}

impl Catalog {
    /// The catalog of an API (computed once per index state).
    pub fn of(index: &Index, api: &Api) -> std::sync::Arc<Catalog> {
        index.api_fact(api, "catalog", Catalog::new)
    }

    pub fn new(index: &Index, api: &Api) -> Catalog {
        let mut c = Catalog {
            swagger2: is_swagger2(api),
            by_code: BTreeMap::new(),
            named: Vec::new(),
            schemas: BTreeMap::new(),
        };
        let mut containers: Vec<Target> = Vec::new();
        for op in ops_of(index, api) {
            let Some(resp) = index.op_node(op).and_then(|n| n.get("responses")) else {
                continue;
            };
            let (rf, resp) = index.deref(&op.file, resp);
            for e in resp.entries() {
                let code = e.key.to_ascii_uppercase();
                if let Some(r) = e.value.ref_str() {
                    if let Some(t) = index.resolve(&rf, r) {
                        if index.node(&t.file, &t.pointer).is_some() {
                            *c.by_code
                                .entry(code.clone())
                                .or_default()
                                .entry(t.clone())
                                .or_default() += 1;
                            if let Some((_, parent)) = t.pointer.split_last() {
                                let ct = Target {
                                    file: t.file.clone(),
                                    pointer: parent.to_vec(),
                                };
                                if !containers.contains(&ct) {
                                    containers.push(ct);
                                }
                            }
                        }
                    }
                }
                let (df, dn) = index.deref(&rf, &e.value);
                let bodies: Vec<(String, &Node)> = match dn.get("content") {
                    Some(content) => content
                        .entries()
                        .iter()
                        .filter_map(|m| m.value.get("schema").map(|s| (m.key.clone(), s)))
                        .collect(),
                    None => dn
                        .get("schema")
                        .map(|s| (String::new(), s))
                        .into_iter()
                        .collect(),
                };
                for (media, s) in bodies {
                    if let Some(r) = s.ref_str() {
                        if let Some(t) = index.resolve(&df, r) {
                            *c.schemas
                                .entry(code.clone())
                                .or_default()
                                .entry((media, t))
                                .or_default() += 1;
                        }
                    }
                }
            }
        }
        // Named candidates: the root's components, then siblings of used ones.
        let comp: Vec<String> = if c.swagger2 {
            vec!["responses".into()]
        } else {
            vec!["components".into(), "responses".into()]
        };
        containers.insert(
            0,
            Target {
                file: api.root.clone(),
                pointer: comp,
            },
        );
        for ct in containers {
            if let Some(n) = index.node(&ct.file, &ct.pointer) {
                for e in n.entries() {
                    let (_, dn) = index.deref(&ct.file, &e.value);
                    if dn.get("description").is_none()
                        && dn.get("content").is_none()
                        && dn.get("schema").is_none()
                    {
                        continue;
                    }
                    let mut p = ct.pointer.clone();
                    p.push(e.key.clone());
                    let t = Target {
                        file: ct.file.clone(),
                        pointer: p,
                    };
                    if !c.named.iter().any(|(_, x)| *x == t) {
                        c.named.push((e.key.clone(), t));
                    }
                }
            }
        }
        c
    }

    /// The response the API uses most for `code`, else one named for it.
    pub fn response_for(&self, code: &str) -> Option<&Target> {
        let code = code.to_ascii_uppercase();
        if let Some(m) = self.by_code.get(&code) {
            if let Some((t, _)) = m
                .iter()
                .max_by_key(|(t, n)| (**n, std::cmp::Reverse((*t).clone())))
            {
                return Some(t);
            }
        }
        let syn = synonyms(&code);
        // A used container's entries first (the API's own convention), then the root's.
        let used = |t: &Target| {
            self.by_code.values().any(|m| {
                m.keys().any(|u| {
                    u.file == t.file
                        && u.pointer.len() == t.pointer.len()
                        && u.pointer[..u.pointer.len() - 1] == t.pointer[..t.pointer.len() - 1]
                })
            })
        };
        let mut best: Option<(&Target, (bool, usize))> = None;
        for (name, t) in &self.named {
            let n = norm(name);
            let rank = syn
                .iter()
                .position(|s| *s == n)
                .or_else(|| n.contains(&code.to_ascii_lowercase()).then_some(syn.len()));
            if let Some(r) = rank {
                let key = (!used(t), r);
                if best.as_ref().is_none_or(|(_, k)| key < *k) {
                    best = Some((t, key));
                }
            }
        }
        best.map(|(t, _)| t)
    }

    /// The error body schema the API uses most for `code`, else for any error.
    pub fn schema_for(&self, code: &str) -> Option<(String, Target)> {
        let code = code.to_ascii_uppercase();
        let pick = |m: &BTreeMap<(String, Target), usize>| {
            m.iter()
                .max_by_key(|(k, n)| (**n, std::cmp::Reverse((*k).clone())))
                .map(|(k, _)| k.clone())
        };
        if let Some(m) = self.by_code_schema(&code) {
            if let Some(k) = pick(m) {
                return Some(k);
            }
        }
        let mut all: BTreeMap<(String, Target), usize> = BTreeMap::new();
        for (c, m) in &self.schemas {
            if c.starts_with('4') || c.starts_with('5') || c == "DEFAULT" {
                for (k, n) in m {
                    *all.entry(k.clone()).or_default() += n;
                }
            }
        }
        pick(&all)
    }

    fn by_code_schema(&self, code: &str) -> Option<&BTreeMap<(String, Target), usize>> {
        self.schemas.get(code)
    }

    /// Whether the API answers validation failures with 422 rather than 400.
    pub fn prefers_422(&self) -> bool {
        let n = |c: &str| {
            self.by_code
                .get(c)
                .map(|m| m.values().sum::<usize>())
                .unwrap_or(0)
                + self
                    .schemas
                    .get(c)
                    .map(|m| m.values().sum::<usize>())
                    .unwrap_or(0)
        };
        n("422") > n("400")
    }
}

/// Responses for status codes, as values to write in `edit_file`; creates
/// the shared Problem schema and responses in the API root when the API has
/// nothing to reuse.
pub fn response_values(
    set: &mut EditSet,
    api: &Api,
    edit_file: &FileId,
    codes: &[String],
    method: &str,
) -> Vec<(String, Val)> {
    let index = set.index;
    let cat = Catalog::of(index, api);
    let mut out = Vec::new();
    for code in codes {
        let c = code.to_ascii_uppercase();
        if c.starts_with('2') {
            out.push((
                code.clone(),
                Val::map([("description", Val::str(description(code, method)))]),
            ));
            continue;
        }
        if let Some(t) = cat.response_for(&c) {
            out.push((code.clone(), Val::Ref(ref_to(edit_file, t))));
            continue;
        }
        if let Some((media, t)) = cat.schema_for(&c) {
            let schema = Val::map([("schema", Val::Ref(ref_to(edit_file, &t)))]);
            let v = if cat.swagger2 || media.is_empty() {
                Val::map([
                    ("description", Val::str(description(&c, method))),
                    ("schema", Val::Ref(ref_to(edit_file, &t))),
                ])
            } else {
                Val::map([
                    ("description", Val::str(description(&c, method))),
                    ("content", Val::Map(vec![(media, schema)])),
                ])
            };
            out.push((code.clone(), v));
            continue;
        }
        // Nothing to reuse: a Problem schema and a named response in the root.
        let target = create_problem_response(set, api, &c, method);
        out.push((code.clone(), Val::Ref(ref_to(edit_file, &target))));
    }
    out
}

/// The RFC 9457 problem details schema.
pub fn problem_schema() -> Val {
    let s = |t: &str| Val::map([("type", Val::str(t))]);
    let f = |t: &str, f: &str| Val::map([("type", Val::str(t)), ("format", Val::str(f))]);
    Val::map([
        ("description", Val::str("Problem details (RFC 9457)")),
        ("type", Val::str("object")),
        (
            "properties",
            Val::map([
                ("type", f("string", "uri")),
                ("title", s("string")),
                ("status", s("integer")),
                ("detail", s("string")),
                ("instance", f("string", "uri")),
            ]),
        ),
    ])
}

/// Makes sure the API root has a Problem schema and a response named for
/// `code` using it; returns the response's target.
fn create_problem_response(set: &mut EditSet, api: &Api, code: &str, method: &str) -> Target {
    let index = set.index;
    let swagger2 = is_swagger2(api);
    let root = api.root.clone();
    let (schemas_path, responses_path): (Vec<&str>, Vec<&str>) = if swagger2 {
        (vec!["definitions"], vec!["responses"])
    } else {
        (
            vec!["components", "schemas"],
            vec!["components", "responses"],
        )
    };
    // An existing problem-like schema is reused.
    let existing = index
        .node(
            &root,
            &schemas_path
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>(),
        )
        .and_then(|n| {
            n.entries()
                .iter()
                .find(|e| {
                    matches!(
                        norm(&e.key).as_str(),
                        "problem" | "problemdetails" | "problemdetail"
                    )
                })
                .map(|e| e.key.clone())
        });
    let schema_name = existing.clone().unwrap_or_else(|| "Problem".to_string());
    let mut sp: Vec<String> = schemas_path.iter().map(|s| s.to_string()).collect();
    sp.push(schema_name.clone());
    let schema_ref = ref_to(
        &root,
        &Target {
            file: root.clone(),
            pointer: sp,
        },
    );
    let name = response_name(code);
    let resp = if swagger2 {
        Val::map([
            ("description", Val::str(description(code, method))),
            ("schema", Val::Ref(schema_ref)),
        ])
    } else {
        Val::map([
            ("description", Val::str(description(code, method))),
            (
                "content",
                Val::map([(
                    "application/problem+json",
                    Val::map([("schema", Val::Ref(schema_ref))]),
                )]),
            ),
        ])
    };
    if let Some(doc) = set.doc(&root) {
        if existing.is_none() {
            doc.ensure_entry(&schemas_path, &schema_name, problem_schema(), Pos::End);
        }
        doc.ensure_entry(&responses_path, name, resp, Pos::End);
    }
    let mut rp: Vec<String> = responses_path.iter().map(|s| s.to_string()).collect();
    rp.push(name.to_string());
    Target {
        file: root,
        pointer: rp,
    }
}

/// Adds `items` to the operation's `parameters` (creating the list).
pub fn add_parameters<'a>(set: &mut EditSet<'a>, op: &Operation, opn: &'a Node, items: Vec<Val>) {
    let Some(doc) = set.doc(&op.file) else { return };
    match opn.get("parameters") {
        Some(p) if p.is_seq() => {
            for it in items {
                doc.insert_item(p, it, None);
            }
        }
        // A shared list by `$ref`: adding to it would change every
        // operation using it, and a second `parameters` key beside it would
        // be ignored. No edit; the fix is then not offered.
        Some(_) => {}
        None => doc.insert_entry(opn, "parameters", Val::Seq(items), Pos::Before(OP_TAIL)),
    }
}

/// Adds a 400 (or the API's 422) response to an operation that has no
/// validation response, when the config requires one: for fixes that give
/// an operation its first query parameters.
pub fn ensure_validation_response<'a>(
    set: &mut EditSet<'a>,
    api: &Api,
    op: &Operation,
    opn: &'a Node,
) {
    let index = set.index;
    if !index
        .config()
        .required_responses_in(&op.file)
        .iter()
        .any(|r| r == "validation")
    {
        return;
    }
    let Some(resp) = opn.get("responses") else {
        return;
    };
    let (rf, rn) = index.deref(&op.file, resp);
    if !rn.is_map()
        || rn
            .entries()
            .iter()
            .any(|e| matches!(e.key.to_ascii_uppercase().as_str(), "400" | "422" | "4XX"))
    {
        return;
    }
    let code = if Catalog::of(index, api).prefers_422() {
        "422"
    } else {
        "400"
    };
    let values = response_values(set, api, &rf, &[code.to_string()], &op.method);
    if let Some(doc) = set.doc(&rf) {
        for (c, v) in values {
            doc.insert_entry(rn, &c, v, Pos::Status);
        }
    }
}

/// A query parameter an operation of the API uses.
struct ParamUse {
    name: String,
    /// Where its `$ref` points, for a reference.
    target: Option<Target>,
    file: FileId,
    /// The list item (the reference or the inline definition).
    span: specgate_syntax::tree::Span,
    block: bool,
}

/// The query parameters the API's operations use, and the maps their
/// references point into (plus the root's components).
struct Params {
    uses: Vec<ParamUse>,
    containers: Vec<Target>,
}

fn params_of(index: &Index, api: &Api) -> std::sync::Arc<Params> {
    index.api_fact(api, "params", |index, api| {
        let mut ps = Params {
            uses: Vec::new(),
            containers: vec![Target {
                file: api.root.clone(),
                pointer: if is_swagger2(api) {
                    vec!["parameters".into()]
                } else {
                    vec!["components".into(), "parameters".into()]
                },
            }],
        };
        for op in ops_of(index, api) {
            let lists = [
                index
                    .op_node(op)
                    .and_then(|n| n.get("parameters"))
                    .map(|l| index.deref(&op.file, l)),
                index
                    .path_item(op)
                    .and_then(|n| n.get("parameters"))
                    .map(|l| index.deref(&op.item_file, l)),
            ];
            for (lf, l) in lists.into_iter().flatten() {
                for p in l.items() {
                    let (_, d) = index.deref(&lf, p);
                    if d.get("in").and_then(Node::as_str) != Some("query") {
                        continue;
                    }
                    let target = p.ref_str().and_then(|r| index.resolve(&lf, r));
                    if let Some((_, parent)) = target.as_ref().and_then(|t| t.pointer.split_last())
                    {
                        let ct = Target {
                            file: target.as_ref().map(|t| t.file.clone()).unwrap_or_default(),
                            pointer: parent.to_vec(),
                        };
                        if !ps.containers.contains(&ct) {
                            ps.containers.push(ct);
                        }
                    }
                    ps.uses.push(ParamUse {
                        name: d
                            .get("name")
                            .and_then(Node::as_str)
                            .unwrap_or("")
                            .to_string(),
                        target,
                        file: op.file.clone(),
                        span: p.span,
                        block: matches!(p.value, Value::Map(_, CollStyle::Block)),
                    });
                }
            }
        }
        ps
    })
}

/// A query parameter of the API named `name` that operations can reuse:
/// the reference the operations use most, else an entry of a parameters map.
pub fn reusable_parameter(index: &Index, api: &Api, name: &str) -> Option<Target> {
    let ps = params_of(index, api);
    let mut counts: BTreeMap<&Target, usize> = BTreeMap::new();
    for u in &ps.uses {
        if let (Some(t), true) = (&u.target, u.name == name) {
            *counts.entry(t).or_default() += 1;
        }
    }
    if let Some((t, _)) = counts.iter().max_by_key(|(_, n)| **n) {
        return Some((*t).clone());
    }
    for ct in &ps.containers {
        if let Some(n) = index.node(&ct.file, &ct.pointer) {
            for e in n.entries() {
                let (_, d) = index.deref(&ct.file, &e.value);
                if d.get("in").and_then(Node::as_str) == Some("query")
                    && d.get("name").and_then(Node::as_str) == Some(name)
                {
                    let mut p = ct.pointer.clone();
                    p.push(e.key.clone());
                    return Some(Target {
                        file: ct.file.clone(),
                        pointer: p,
                    });
                }
            }
        }
    }
    None
}

const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "after",
    "before",
    "page_token",
    "pagetoken",
    "next_token",
    "starting_after",
    "ending_before",
    "continuation_token",
];
const OFFSET_PARAMS: &[&str] = &["offset", "skip", "$skip"];
const PAGE_PARAMS: &[&str] = &[
    "page",
    "page_size",
    "pagesize",
    "per_page",
    "perpage",
    "page_number",
];

/// The pagination style the API's operations already use, if any.
pub fn detect_pagination(index: &Index, api: &Api) -> Option<PaginationStyle> {
    *index.api_fact(api, "pagination", detect_pagination_uncached)
}

fn detect_pagination_uncached(index: &Index, api: &Api) -> Option<PaginationStyle> {
    let (mut c, mut o, mut p) = (0, 0, 0);
    for op in ops_of(index, api) {
        let names: Vec<String> = index
            .op_parameters(op)
            .iter()
            .filter(|(_, n)| n.get("in").and_then(Node::as_str) == Some("query"))
            .filter_map(|(_, n)| {
                n.get("name")
                    .and_then(Node::as_str)
                    .map(crate::model::dictionary::snake_case)
            })
            .collect();
        let has = |set: &[&str]| names.iter().any(|n| set.contains(&n.as_str()));
        if has(CURSOR_PARAMS) {
            c += 1;
        } else if has(OFFSET_PARAMS) {
            o += 1;
        } else if has(PAGE_PARAMS) {
            p += 1;
        }
    }
    if c + o + p == 0 {
        return None;
    }
    Some(if c >= o && c >= p {
        PaginationStyle::Cursor
    } else if o >= p {
        PaginationStyle::Offset
    } else {
        PaginationStyle::Page
    })
}

/// The property names other list envelopes of the API use: (items, next/total).
pub fn envelope_names(index: &Index, api: &Api, style: PaginationStyle) -> (String, String) {
    let kind = match style {
        PaginationStyle::Cursor => "envelope-cursor",
        PaginationStyle::Offset => "envelope-offset",
        PaginationStyle::Page => "envelope-page",
    };
    (*index.api_fact(api, kind, |i, a| envelope_names_uncached(i, a, style))).clone()
}

fn envelope_names_uncached(index: &Index, api: &Api, style: PaginationStyle) -> (String, String) {
    let mut items: BTreeMap<String, usize> = BTreeMap::new();
    let mut extra: BTreeMap<String, usize> = BTreeMap::new();
    let fields = &index.config().pagination_fields;
    for op in ops_of(index, api) {
        if op.method != "GET" {
            continue;
        }
        if let Some((shape, true)) = crate::index::lists::list_shape(index, op) {
            if let Some(w) = shape.wrapper {
                *items.entry(w).or_default() += 1;
            }
            // Fields next to the items in the envelope.
            if let Some(resp) = index
                .op_responses(op)
                .into_iter()
                .find(|(e, _, _)| e.key == shape.status)
            {
                let (rf, rn) = (resp.1, resp.2);
                for m in rn.get("content").map(Node::entries).unwrap_or_default() {
                    if let Some(s) = m.value.get("schema") {
                        let (sf, sn) = index.deref(&rf, s);
                        let mut props = Vec::new();
                        collect_props(index, &sf, sn, &mut props, 0);
                        for p in props {
                            let l = p.to_ascii_lowercase();
                            let want = match style {
                                PaginationStyle::Cursor => {
                                    l.contains("cursor") || l == "next" || l.contains("next")
                                }
                                _ => l.contains("total") || l == "count",
                            };
                            if want && fields.contains(&crate::model::dictionary::snake_case(&p)) {
                                *extra.entry(p).or_default() += 1;
                            }
                        }
                    }
                }
            }
        }
    }
    let top =
        |m: &BTreeMap<String, usize>| m.iter().max_by_key(|(_, n)| **n).map(|(k, _)| k.clone());
    let (di, de) = match style {
        PaginationStyle::Cursor => ("data", "next_cursor"),
        _ => ("items", "total"),
    };
    (
        top(&items).unwrap_or_else(|| di.into()),
        top(&extra).unwrap_or_else(|| de.into()),
    )
}

fn collect_props(index: &Index, file: &FileId, s: &Node, out: &mut Vec<String>, depth: u32) {
    if depth > 8 {
        return;
    }
    for e in s.get("properties").map(Node::entries).unwrap_or_default() {
        out.push(e.key.clone());
    }
    for part in s.get("allOf").map(Node::items).unwrap_or_default() {
        let (f, n) = index.deref(file, part);
        collect_props(index, &f, n, out, depth + 1);
    }
}

/// The query parameters of a pagination style: reused from the API when it
/// has them, else written inline.
pub fn pagination_params(
    index: &Index,
    api: &Api,
    style: PaginationStyle,
    edit_file: &FileId,
) -> Vec<Val> {
    let swagger2 = is_swagger2(api);
    let int = |min: &str, max: Option<&str>, def: &str| {
        let mut v = vec![("type", Val::str("integer")), ("minimum", Val::lit(min))];
        if let Some(m) = max {
            v.push(("maximum", Val::lit(m)));
        }
        v.push(("default", Val::lit(def)));
        v
    };
    let param = |name: &str, desc: &str, schema: Vec<(&str, Val)>| {
        let mut p = vec![
            ("name", Val::str(name)),
            ("in", Val::str("query")),
            ("description", Val::str(desc)),
        ];
        if swagger2 {
            p.extend(schema);
        } else {
            p.push(("schema", Val::map(schema)));
        }
        Val::map(p)
    };
    // (names the API may already use for this slot, default parameter)
    let specs: Vec<(&[&str], Val)> = match style {
        PaginationStyle::Cursor => vec![
            (
                &[
                    "limit",
                    "page_size",
                    "per_page",
                    "max_results",
                    "first",
                    "size",
                ],
                param(
                    "limit",
                    "Maximum number of items to return.",
                    int("1", Some("100"), "20"),
                ),
            ),
            (
                CURSOR_PARAMS,
                param(
                    "cursor",
                    "Opaque cursor from `next_cursor` of the previous page.",
                    vec![("type", Val::str("string"))],
                ),
            ),
        ],
        PaginationStyle::Offset => vec![
            (
                &["limit", "top", "$top", "max_results", "size"],
                param(
                    "limit",
                    "Maximum number of items to return.",
                    int("1", Some("100"), "20"),
                ),
            ),
            (
                OFFSET_PARAMS,
                param("offset", "Number of items to skip.", int("0", None, "0")),
            ),
        ],
        PaginationStyle::Page => vec![
            (
                &["page", "page_number"],
                param("page", "Page number, from 1.", int("1", None, "1")),
            ),
            (
                &[
                    "page_size",
                    "per_page",
                    "pagesize",
                    "perpage",
                    "size",
                    "limit",
                ],
                param("page_size", "Items per page.", int("1", Some("100"), "20")),
            ),
        ],
    };
    specs
        .into_iter()
        .map(|(names, inline)| {
            if let Some(v) = existing_parameter(index, api, names, edit_file) {
                return v;
            }
            let default_name = match &inline {
                Val::Map(es) => es
                    .iter()
                    .find_map(|(k, v)| match (k.as_str(), v) {
                        ("name", Val::Str(s)) => Some(s.clone()),
                        _ => None,
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            };
            match reusable_parameter(index, api, &default_name) {
                Some(t) => Val::Ref(ref_to(edit_file, &t)),
                None => inline,
            }
        })
        .collect()
}

/// A query parameter named like one of `names` that the API's operations
/// already use: the same `$ref` (relative to `edit_file`), or a copy of the
/// inline definition's text (same format only). The most used wins.
fn existing_parameter(index: &Index, api: &Api, names: &[&str], edit_file: &FileId) -> Option<Val> {
    let mut found: Vec<(Val, usize, usize)> = Vec::new();
    for u in &params_of(index, api).uses {
        let snake = crate::model::dictionary::snake_case(&u.name);
        let Some(rank) = names.iter().position(|n| *n == snake || *n == u.name) else {
            continue;
        };
        let val = match &u.target {
            Some(t) => Val::Ref(ref_to(edit_file, t)),
            None if crate::edit::Format::of(&u.file) == crate::edit::Format::of(edit_file) => {
                Val::Raw(Raw::of(index.text(&u.file), u.span, u.block))
            }
            None => continue,
        };
        match found.iter_mut().find(|(v, _, _)| *v == val) {
            Some(f) => f.1 += 1,
            None => found.push((val, 1, rank)),
        }
    }
    found
        .into_iter()
        .max_by_key(|(v, n, rank)| (*n, matches!(v, Val::Ref(_)), std::cmp::Reverse(*rank)))
        .map(|(v, _, _)| v)
}

/// The envelope replacing a bare array schema: the array (its text moved,
/// not rewritten) under `items_key`, and the cursor or total beside it.
pub fn envelope(
    index: &Index,
    api: &Api,
    file: &FileId,
    schema: &Node,
    style: PaginationStyle,
    items_key: &str,
    extra_key: &str,
) -> Val {
    let text = index.text(file);
    let raw = Val::Raw(Raw::of(
        text,
        schema.span,
        matches!(
            schema.value,
            Value::Map(_, CollStyle::Block) | Value::Seq(_, CollStyle::Block)
        ),
    ));
    let extra = match style {
        PaginationStyle::Cursor => match api.version {
            Version::V31 | Version::V3Later => {
                Val::map([("type", Val::Seq(vec![Val::str("string"), Val::str("null")]))])
            }
            Version::V30 => {
                Val::map([("type", Val::str("string")), ("nullable", Val::lit("true"))])
            }
            Version::Swagger2 => Val::map([("type", Val::str("string"))]),
        },
        _ => Val::map([("type", Val::str("integer"))]),
    };
    Val::map([
        ("type", Val::str("object")),
        (
            "properties",
            Val::Map(vec![
                (items_key.to_string(), raw),
                (extra_key.to_string(), extra),
            ]),
        ),
    ])
}

/// The `schema` entry of a response's first JSON body.
pub fn json_schema_entry(resp: &Node) -> Option<&Entry> {
    if let Some(content) = resp.get("content") {
        for m in content.entries() {
            let k = m.key.to_ascii_lowercase();
            if k.contains("json") || k == "*/*" {
                if let Some(e) = m.value.entry("schema") {
                    return Some(e);
                }
            }
        }
        return None;
    }
    resp.entry("schema")
}

/// The operation a finding's [`OpData`] names in its file.
pub fn op_for<'a>(index: &'a Index, d: &crate::diag::Diagnostic) -> Option<&'a Operation> {
    let OpData { pointer } = d.data()?;
    index
        .operations
        .iter()
        .find(|o| o.file == d.location.file && o.pointer == pointer)
}

/// Shortens a title for a fix label.
pub fn short(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > max / 2 => cut[..i].to_string(),
        _ => cut,
    };
    format!("{}…", cut.trim_end_matches([',', ' ', ';', ':']))
}
