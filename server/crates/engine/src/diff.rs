//! The impact of a change: two builds of a workspace (BASE and HEAD)
//! compared, API changes classified breaking or not the way API reviewers
//! do, traceability and data-model changes listed, and every entry naming
//! the requirements of the operations it touches.
//!
//! Schemas are compared after following `$ref`s on both sides, by shape:
//! a renamed schema that keeps its shape, a reordered map and a moved
//! `$ref` target are not changes.

use crate::diag::FileId;
use crate::index::lists::main_type;
use crate::index::Index;
use crate::model::openapi::{OpKind, Operation};
use serde::Serialize;
use specgate_syntax::tree::Node;
use std::collections::{BTreeMap, BTreeSet, HashSet};

#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Breaking,
    NonBreaking,
    /// Not an API change: traceability and the data model.
    Change,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::NonBreaking => "non-breaking",
            Level::Change => "change",
        }
    }
}

#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    Api,
    Traceability,
    DataModel,
}

#[derive(Serialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub level: Level,
    pub area: Area,
    /// `METHOD /path` of the operation it touches, if any.
    pub operation: Option<String>,
    pub message: String,
    /// FR-IDs of the operation it touches (HEAD's, BASE's for a removed one).
    pub requirements: Vec<String>,
}

impl Change {
    /// `breaking: response property `status` removed from GET /x (FR-006)`.
    pub fn line(&self) -> String {
        let mut s = format!("{}: {}", self.level.as_str(), self.message);
        if let Some(op) = &self.operation {
            s.push_str(&format!(" ({op}"));
            if !self.requirements.is_empty() {
                s.push_str(&format!(", {}", self.requirements.join(", ")));
            }
            s.push(')');
        } else if !self.requirements.is_empty() {
            s.push_str(&format!(" ({})", self.requirements.join(", ")));
        }
        s
    }
}

/// `/pets/{petId}` and `/pets/{id}` are the same path.
fn path_key(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut depth = 0;
    for c in p.trim_end_matches('/').chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    out.push_str("{}");
                }
            }
            '}' => depth -= 1,
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out
}

fn op_key(o: &Operation) -> (String, String) {
    (o.method.clone(), path_key(&o.path))
}

fn ops(index: &Index) -> BTreeMap<(String, String), &Operation> {
    index
        .operations
        .iter()
        .filter(|o| o.kind == OpKind::Path && !o.webhook)
        .map(|o| (op_key(o), o))
        .collect()
}

fn ids(o: &Operation) -> Vec<String> {
    o.ids().into_iter().map(str::to_string).collect()
}

/// Both sides of one comparison.
struct Sides<'a> {
    base: &'a Index,
    head: &'a Index,
}

/// Where findings go while one operation is compared.
struct Out<'o> {
    changes: &'o mut Vec<Change>,
    op: String,
    requirements: Vec<String>,
}

impl Out<'_> {
    fn push(&mut self, level: Level, message: String) {
        self.changes.push(Change {
            level,
            area: Area::Api,
            operation: Some(self.op.clone()),
            message,
            requirements: self.requirements.clone(),
        });
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Request,
    Response,
}

/// `type: [x, 'null']` (3.1) or `nullable: true` (3.0).
fn nullable(n: &Node) -> bool {
    n.get("nullable").and_then(Node::as_str) == Some("true")
        || n.get("type")
            .is_some_and(|t| t.items().iter().any(|i| i.as_str() == Some("null")))
}

fn enum_of(n: &Node) -> Option<BTreeSet<String>> {
    n.get("enum").filter(|e| e.is_seq()).map(|e| {
        e.items()
            .iter()
            .filter_map(Node::as_str)
            .map(str::to_string)
            .collect()
    })
}

/// An object's properties and required names, its `allOf` parts merged.
fn object<'a>(
    index: &'a Index,
    file: &FileId,
    node: &'a Node,
    depth: u32,
) -> (BTreeMap<String, (FileId, &'a Node)>, BTreeSet<String>) {
    let mut props = BTreeMap::new();
    let mut required = BTreeSet::new();
    if depth > 8 {
        return (props, required);
    }
    for e in node
        .get("properties")
        .map(Node::entries)
        .unwrap_or_default()
    {
        props.insert(e.key.clone(), (file.clone(), &e.value));
    }
    for r in node.get("required").map(Node::items).unwrap_or_default() {
        if let Some(s) = r.as_str() {
            required.insert(s.to_string());
        }
    }
    for part in node.get("allOf").map(Node::items).unwrap_or_default() {
        let (pf, pn) = index.deref(file, part);
        let (p, r) = object(index, &pf, pn, depth + 1);
        for (k, v) in p {
            props.entry(k).or_insert(v);
        }
        required.extend(r);
    }
    (props, required)
}

#[allow(clippy::too_many_arguments)]
fn schema(
    s: &Sides,
    (bf, bn): (&FileId, &Node),
    (hf, hn): (&FileId, &Node),
    dir: Dir,
    at: &str,
    out: &mut Out,
    seen: &mut HashSet<(FileId, u32, FileId, u32)>,
    depth: u32,
) {
    let (bf, bn) = s.base.deref(bf, bn);
    let (hf, hn) = s.head.deref(hf, hn);
    if depth > 12 || !seen.insert((bf.clone(), bn.span.start, hf.clone(), hn.span.start)) {
        return;
    }
    let where_ = if dir == Dir::Request {
        "request"
    } else {
        "response"
    };
    if let (Some(bt), Some(ht)) = (main_type(bn), main_type(hn)) {
        if bt != ht {
            let widening = match dir {
                Dir::Request => bt == "integer" && ht == "number",
                Dir::Response => bt == "number" && ht == "integer",
            };
            let level = if widening {
                Level::NonBreaking
            } else {
                Level::Breaking
            };
            out.push(
                level,
                format!("{where_} `{at}`: type changed from `{bt}` to `{ht}`"),
            );
            return;
        }
    }
    match (nullable(bn), nullable(hn), dir) {
        (false, true, Dir::Response) if !at.is_empty() => {
            out.push(Level::Breaking, format!("response `{at}`: became nullable"))
        }
        (true, false, Dir::Request) if !at.is_empty() => out.push(
            Level::Breaking,
            format!("request `{at}`: no longer nullable"),
        ),
        (false, true, Dir::Request) | (true, false, Dir::Response) if !at.is_empty() => out.push(
            Level::NonBreaking,
            format!(
                "{where_} `{at}`: {}",
                if nullable(hn) {
                    "became nullable"
                } else {
                    "no longer nullable"
                }
            ),
        ),
        _ => {}
    }
    if let (Some(be), Some(he)) = (enum_of(bn), enum_of(hn)) {
        let removed: Vec<&String> = be.difference(&he).collect();
        let added: Vec<&String> = he.difference(&be).collect();
        if !removed.is_empty() {
            let level = if dir == Dir::Request {
                Level::Breaking
            } else {
                Level::NonBreaking
            };
            out.push(
                level,
                format!("{where_} `{at}`: enum values removed: {}", join(&removed)),
            );
        }
        if !added.is_empty() {
            let level = if dir == Dir::Response {
                Level::Breaking
            } else {
                Level::NonBreaking
            };
            out.push(
                level,
                format!("{where_} `{at}`: enum values added: {}", join(&added)),
            );
        }
    }
    let (bp, br) = object(s.base, &bf, bn, 0);
    let (hp, hr) = object(s.head, &hf, hn, 0);
    for (name, _) in bp.iter().filter(|(k, _)| !hp.contains_key(*k)) {
        match dir {
            Dir::Response => out.push(
                Level::Breaking,
                format!("response property `{}` removed", dotted(at, name)),
            ),
            Dir::Request => out.push(
                Level::NonBreaking,
                format!("request property `{}` removed", dotted(at, name)),
            ),
        }
    }
    for (name, _) in hp.iter().filter(|(k, _)| !bp.contains_key(*k)) {
        let required = hr.contains(name);
        match dir {
            Dir::Request if required => out.push(
                Level::Breaking,
                format!("required request property `{}` added", dotted(at, name)),
            ),
            _ => out.push(
                Level::NonBreaking,
                format!("{where_} property `{}` added", dotted(at, name)),
            ),
        }
    }
    for (name, (pbf, pbn)) in &bp {
        let Some((phf, phn)) = hp.get(name) else {
            continue;
        };
        let (was, is) = (br.contains(name), hr.contains(name));
        if dir == Dir::Request && !was && is {
            out.push(
                Level::Breaking,
                format!("request property `{}` became required", dotted(at, name)),
            );
        }
        if dir == Dir::Response && was && !is {
            out.push(
                Level::Breaking,
                format!("response property `{}` made optional", dotted(at, name)),
            );
        }
        schema(
            s,
            (pbf, pbn),
            (phf, phn),
            dir,
            &dotted(at, name),
            out,
            seen,
            depth + 1,
        );
    }
    if let (Some(bi), Some(hi)) = (bn.get("items"), hn.get("items")) {
        schema(
            s,
            (&bf, bi),
            (&hf, hi),
            dir,
            &format!("{at}[]"),
            out,
            seen,
            depth + 1,
        );
    }
}

fn dotted(at: &str, name: &str) -> String {
    if at.is_empty() || at == "body" {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

fn join(v: &[&String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Media types of a request body or response, with their schemas.
fn media<'a>(file: &FileId, n: &'a Node) -> BTreeMap<String, (FileId, Option<&'a Node>)> {
    let mut out = BTreeMap::new();
    for m in n.get("content").map(Node::entries).unwrap_or_default() {
        out.insert(m.key.clone(), (file.clone(), m.value.get("schema")));
    }
    // Swagger 2.0: a response's schema without media types.
    if out.is_empty() {
        if let Some(sch) = n.get("schema") {
            out.insert(String::new(), (file.clone(), Some(sch)));
        }
    }
    out
}

fn params(
    index: &Index,
    o: &Operation,
) -> BTreeMap<(String, String), (FileId, bool, Option<String>)> {
    index
        .op_parameters(o)
        .into_iter()
        .filter_map(|(f, p)| {
            let name = p.get("name")?.as_str()?.to_string();
            let loc = p.get("in")?.as_str()?.to_string();
            let required =
                p.get("required").and_then(Node::as_str) == Some("true") || loc == "path";
            let ty = p
                .get("schema")
                .map(|s| index.deref(&f, s).1)
                .and_then(|s| main_type(s).map(str::to_string))
                .or_else(|| p.get("type").and_then(Node::as_str).map(str::to_string));
            Some(((loc, name), (f, required, ty)))
        })
        .collect()
}

/// Scope sets of the requirement lists in effect; `None` when unsecured or public.
fn security(index: &Index, o: &Operation) -> Option<Vec<BTreeSet<String>>> {
    let api = crate::rules::shared::openapi::api_of(index, o)?;
    let (list, _) = crate::rules::shared::security::in_effect(index, api, o)?;
    let alts: Vec<BTreeSet<String>> = list
        .items()
        .iter()
        .map(|req| {
            req.entries()
                .iter()
                .flat_map(|e| {
                    std::iter::once(format!("{}:", e.key)).chain(
                        e.value
                            .items()
                            .iter()
                            .filter_map(Node::as_str)
                            .map(|s| s.to_string()),
                    )
                })
                .collect()
        })
        .collect();
    // Public when empty or when one alternative needs nothing.
    (!alts.is_empty() && !alts.iter().any(BTreeSet::is_empty)).then_some(alts)
}

fn operation(s: &Sides, b: &Operation, h: &Operation, changes: &mut Vec<Change>) {
    let mut out = Out {
        changes,
        op: h.label(),
        requirements: ids(h),
    };
    // Parameters.
    let bp = params(s.base, b);
    let hp = params(s.head, h);
    for ((loc, name), (_, required, _)) in &hp {
        match bp.get(&(loc.clone(), name.clone())) {
            None if *required => out.push(
                Level::Breaking,
                format!("required request parameter `{name}` ({loc}) added"),
            ),
            None => out.push(
                Level::NonBreaking,
                format!("optional request parameter `{name}` ({loc}) added"),
            ),
            Some((_, was, bt)) => {
                if !was && *required {
                    out.push(
                        Level::Breaking,
                        format!("request parameter `{name}` ({loc}) became required"),
                    );
                }
                let ht = &hp[&(loc.clone(), name.clone())].2;
                if let (Some(bt), Some(ht)) = (bt, ht) {
                    if bt != ht && !(bt == "integer" && ht == "number") {
                        out.push(
                            Level::Breaking,
                            format!("request parameter `{name}` ({loc}): type changed from `{bt}` to `{ht}`"),
                        );
                    }
                }
            }
        }
    }
    for (loc, name) in bp.keys().filter(|k| !hp.contains_key(*k)) {
        // The parameters `unpaginated-list` counts as pagination (configurable).
        let paging = s.head.config().pagination_params_in(&h.file);
        if loc == "query" && paging.iter().any(|p| p.eq_ignore_ascii_case(name)) {
            out.push(
                Level::Breaking,
                format!("pagination removed: query parameter `{name}` is gone"),
            );
        } else {
            out.push(
                Level::NonBreaking,
                format!("request parameter `{name}` ({loc}) removed"),
            );
        }
    }
    let mut seen = HashSet::new();
    // Request body.
    fn body<'a>(i: &'a Index, o: &Operation) -> Option<(FileId, &'a Node)> {
        let n = i.op_node(o)?.get("requestBody")?;
        Some(i.deref(&o.file, n))
    }
    match (body(s.base, b), body(s.head, h)) {
        (None, Some((_, hb))) if hb.get("required").and_then(Node::as_str) == Some("true") => {
            out.push(Level::Breaking, "required request body added".into())
        }
        (Some((bf, bb)), Some((hf, hb))) => {
            let was = bb.get("required").and_then(Node::as_str) == Some("true");
            let is = hb.get("required").and_then(Node::as_str) == Some("true");
            if !was && is {
                out.push(Level::Breaking, "request body became required".into());
            }
            let bm = media(&bf, bb);
            let hm = media(&hf, hb);
            for m in bm.keys().filter(|m| !hm.contains_key(*m)) {
                out.push(Level::Breaking, format!("request media type `{m}` removed"));
            }
            for (m, (mbf, mbs)) in &bm {
                if let (Some(bsch), Some((mhf, Some(hsch)))) = (mbs, hm.get(m)) {
                    schema(
                        s,
                        (mbf, bsch),
                        (mhf, hsch),
                        Dir::Request,
                        "body",
                        &mut out,
                        &mut seen,
                        0,
                    );
                }
            }
        }
        _ => {}
    }
    // Responses.
    let hr: BTreeMap<String, (FileId, &Node)> = s
        .head
        .op_responses(h)
        .into_iter()
        .map(|(e, f, n)| (e.key.to_ascii_uppercase(), (f, n)))
        .collect();
    for (e, bf, bn) in s.base.op_responses(b) {
        let code = e.key.to_ascii_uppercase();
        let success = code.starts_with('2');
        let Some((hf, hn)) = hr.get(&code) else {
            if success {
                out.push(Level::Breaking, format!("success response {code} removed"));
            }
            continue;
        };
        if !success {
            continue;
        }
        let bm = media(&bf, bn);
        let hm = media(hf, hn);
        for m in bm.keys().filter(|m| !hm.contains_key(*m)) {
            out.push(
                Level::Breaking,
                format!("response {code}: media type `{m}` removed"),
            );
        }
        for (m, (mbf, mbs)) in &bm {
            if let (Some(bsch), Some((mhf, Some(hsch)))) = (mbs, hm.get(m)) {
                schema(
                    s,
                    (mbf, bsch),
                    (mhf, hsch),
                    Dir::Response,
                    "",
                    &mut out,
                    &mut seen,
                    0,
                );
            }
        }
    }
    // Security.
    match (security(s.base, b), security(s.head, h)) {
        (None, Some(_)) => out.push(Level::Breaking, "security added".into()),
        (Some(ba), Some(ha)) if ba != ha => {
            let bs: BTreeSet<&String> = ba.iter().flatten().collect();
            let hs: BTreeSet<&String> = ha.iter().flatten().collect();
            let added: Vec<&String> = hs.difference(&bs).copied().collect();
            let removed: Vec<&String> = bs.difference(&hs).copied().collect();
            let show = |v: &[&String]| {
                v.iter()
                    .map(|s| match s.strip_suffix(':') {
                        Some(scheme) => format!("scheme `{scheme}`"),
                        None => format!("`{s}`"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut parts = Vec::new();
            if !added.is_empty() {
                parts.push(format!("now requires {}", show(&added)));
            }
            if !removed.is_empty() {
                parts.push(format!("no longer requires {}", show(&removed)));
            }
            if parts.is_empty() {
                parts.push("its alternatives are regrouped".into());
            }
            let level = if added.is_empty() {
                Level::NonBreaking
            } else {
                Level::Breaking
            };
            out.push(level, format!("security changed: {}", parts.join("; ")));
        }
        (Some(_), None) => out.push(Level::NonBreaking, "security removed".into()),
        _ => {}
    }
    // Traceability of the operation.
    let (bi, hi) = (ids(b), ids(h));
    if bi != hi {
        let shown = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        out.changes.push(Change {
            level: Level::Change,
            area: Area::Traceability,
            operation: Some(h.label()),
            message: format!("FR-IDs changed from {} to {}", shown(&bi), shown(&hi)),
            requirements: hi.clone(),
        });
    }
}

/// Every change from `base` to `head`, sorted (breaking first).
pub fn diff(base: &Index, head: &Index) -> Vec<Change> {
    let s = Sides { base, head };
    let mut changes = Vec::new();
    let bo = ops(base);
    let ho = ops(head);
    // Operations renamed (same operationId, another path or method).
    let by_id = |m: &BTreeMap<(String, String), &Operation>| -> BTreeMap<String, (String, String)> {
        m.iter()
            .filter_map(|(k, o)| Some((o.operation_id.clone()?, k.clone())))
            .collect()
    };
    let hids = by_id(&ho);
    let mut moved: BTreeSet<(String, String)> = BTreeSet::new();
    for (k, b) in &bo {
        if let Some(h) = ho.get(k) {
            operation(&s, b, h, &mut changes);
            continue;
        }
        let renamed = b
            .operation_id
            .as_ref()
            .and_then(|id| hids.get(id))
            .filter(|hk| !bo.contains_key(*hk))
            .and_then(|hk| ho.get(hk));
        if let Some(h) = renamed {
            moved.insert(op_key(h));
            changes.push(Change {
                level: Level::Breaking,
                area: Area::Api,
                operation: Some(b.label()),
                message: format!("path or method changed to {}", h.label()),
                requirements: ids(h),
            });
            operation(&s, b, h, &mut changes);
            continue;
        }
        changes.push(Change {
            level: Level::Breaking,
            area: Area::Api,
            operation: Some(b.label()),
            message: "operation removed".into(),
            requirements: ids(b),
        });
    }
    for (k, h) in &ho {
        if bo.contains_key(k) || moved.contains(k) {
            continue;
        }
        let r = ids(h);
        changes.push(Change {
            level: Level::NonBreaking,
            area: Area::Api,
            operation: Some(h.label()),
            message: "operation added".into(),
            requirements: r.clone(),
        });
        if r.is_empty() {
            changes.push(Change {
                level: Level::Change,
                area: Area::Traceability,
                operation: Some(h.label()),
                message: "new operation traces to no requirement".into(),
                requirements: Vec::new(),
            });
        }
    }
    traceability(base, head, &mut changes);
    data_model(base, head, &mut changes);
    changes.sort_by(|a, b| {
        (a.level, a.area, &a.operation, &a.message).cmp(&(
            b.level,
            b.area,
            &b.operation,
            &b.message,
        ))
    });
    changes.dedup();
    changes
}

fn traceability(base: &Index, head: &Index, out: &mut Vec<Change>) {
    let bi = crate::inventory::build(base, None);
    let hi = crate::inventory::build(head, None);
    let key = |r: &crate::inventory::InvRequirement| (r.id.clone(), r.file.clone());
    let hreq: BTreeMap<_, _> = hi.requirements.iter().map(|r| (key(r), r)).collect();
    let breq: BTreeMap<_, _> = bi.requirements.iter().map(|r| (key(r), r)).collect();
    for (k, b) in &breq {
        match hreq.get(k) {
            Some(h) => {
                if !b.operations.is_empty() && h.operations.is_empty() {
                    out.push(Change {
                        level: Level::Change,
                        area: Area::Traceability,
                        operation: None,
                        message: format!(
                            "{} ({}) lost its last operation (was {})",
                            b.id,
                            b.title,
                            b.operations.join(", ")
                        ),
                        requirements: vec![b.id.clone()],
                    });
                }
                if b.priority != h.priority {
                    out.push(Change {
                        level: Level::Change,
                        area: Area::Traceability,
                        operation: None,
                        message: format!(
                            "{} priority changed from {} to {}",
                            b.id,
                            b.priority.as_deref().unwrap_or("none"),
                            h.priority.as_deref().unwrap_or("none")
                        ),
                        requirements: vec![b.id.clone()],
                    });
                }
            }
            None => {
                let citing: Vec<String> = hi
                    .operations
                    .iter()
                    .filter(|o| o.requirements.contains(&b.id))
                    .map(|o| format!("{} {}", o.method, o.path))
                    .collect();
                let still = hi.requirements.iter().any(|r| r.id == b.id);
                let message = if !citing.is_empty() && !still {
                    format!(
                        "{} removed from the PRD ({}) while operations still cite it: {}",
                        b.id,
                        b.file,
                        citing.join(", ")
                    )
                } else {
                    format!("{} ({}) removed from {}", b.id, b.title, b.file)
                };
                out.push(Change {
                    level: Level::Change,
                    area: Area::Traceability,
                    operation: None,
                    message,
                    requirements: vec![b.id.clone()],
                });
            }
        }
    }
    for (k, h) in &hreq {
        if !breq.contains_key(k) {
            out.push(Change {
                level: Level::Change,
                area: Area::Traceability,
                operation: None,
                message: format!("{} ({}) added to {}", h.id, h.title, h.file),
                requirements: vec![h.id.clone()],
            });
        }
    }
}

fn data_model(base: &Index, head: &Index, out: &mut Vec<Change>) {
    let mut push = |message: String| {
        out.push(Change {
            level: Level::Change,
            area: Area::DataModel,
            operation: None,
            message,
            requirements: Vec::new(),
        })
    };
    let bs = base.sql_schema();
    let hs = head.sql_schema();
    for t in &bs.tables {
        match hs.table(&t.name) {
            None => push(format!("table `{}` dropped", t.name)),
            Some(h) => {
                for c in &t.columns {
                    match h.column(&c.def.name) {
                        None => push(format!("column `{}.{}` dropped", t.name, c.def.name)),
                        Some(hc) => {
                            let norm = |s: &str| {
                                s.split_whitespace()
                                    .collect::<Vec<_>>()
                                    .join(" ")
                                    .to_ascii_lowercase()
                            };
                            if norm(&hc.def.ty) != norm(&c.def.ty) {
                                push(format!(
                                    "column `{}.{}` retyped from `{}` to `{}`",
                                    t.name, c.def.name, c.def.ty, hc.def.ty
                                ));
                            }
                        }
                    }
                }
                for c in &h.columns {
                    if t.column(&c.def.name).is_none() {
                        push(format!(
                            "column `{}.{}` added ({})",
                            t.name, c.def.name, c.def.ty
                        ));
                    }
                }
            }
        }
    }
    for t in &hs.tables {
        if bs.table(&t.name).is_none() {
            push(format!("table `{}` added", t.name));
        }
    }
    let attrs = |i: &Index| -> BTreeMap<String, BTreeSet<String>> {
        let mut m: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for df in &i.dictionaries {
            if let Some(crate::index::Parsed::Dictionary(d, _)) = i.parsed(df) {
                for e in &d.entities {
                    m.entry(e.name.clone())
                        .or_default()
                        .extend(e.attributes.iter().map(|a| a.name.clone()));
                }
            }
        }
        m
    };
    let (ba, ha) = (attrs(base), attrs(head));
    for (e, b) in &ba {
        let empty = BTreeSet::new();
        let h = ha.get(e).unwrap_or(&empty);
        for a in b.difference(h) {
            push(format!("dictionary attribute {e}.{a} removed"));
        }
        for a in h.difference(b) {
            push(format!("dictionary attribute {e}.{a} added"));
        }
    }
    for (e, h) in &ha {
        if !ba.contains_key(e) {
            for a in h {
                push(format!("dictionary attribute {e}.{a} added"));
            }
        }
    }
}

/// The changes as Markdown, for a pull-request comment.
pub fn to_markdown(changes: &[Change]) -> String {
    let breaking = changes
        .iter()
        .filter(|c| c.level == Level::Breaking)
        .count();
    let mut s = format!(
        "## Specgate: impact of this change\n\n{} breaking, {} non-breaking API changes; {} traceability and {} data-model changes.\n",
        breaking,
        changes.iter().filter(|c| c.level == Level::NonBreaking).count(),
        changes.iter().filter(|c| c.area == Area::Traceability).count(),
        changes.iter().filter(|c| c.area == Area::DataModel).count(),
    );
    for (title, pick) in [
        (
            "Breaking API changes",
            &(|c: &Change| c.level == Level::Breaking) as &dyn Fn(&Change) -> bool,
        ),
        ("Other API changes", &|c: &Change| {
            c.level == Level::NonBreaking
        }),
        ("Traceability", &|c: &Change| c.area == Area::Traceability),
        ("Data model", &|c: &Change| c.area == Area::DataModel),
    ] {
        let rows: Vec<&Change> = changes.iter().filter(|c| pick(c)).collect();
        if rows.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "\n### {title}\n\n| Operation | Change | Requirements |\n|---|---|---|\n"
        ));
        for c in rows {
            s.push_str(&format!(
                "| {} | {} | {} |\n",
                c.operation
                    .as_deref()
                    .map(|o| format!("`{o}`"))
                    .unwrap_or_default(),
                c.message.replace('|', "\\|"),
                c.requirements.join(", ")
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;

    fn idx(files: &[(&str, &str)]) -> Index {
        Index::build(Workspace::from_files(files.iter().copied()), None)
    }

    fn lines(base: &[(&str, &str)], head: &[(&str, &str)]) -> Vec<String> {
        diff(&idx(base), &idx(head))
            .iter()
            .map(Change::line)
            .collect()
    }

    const API: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets/{id}:\n    get:\n      operationId: getPet\n      x-fr-ids: [FR-001]\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Pet'}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      required: [id, status]\n      properties:\n        id: {type: string}\n        status: {type: string, enum: [available, sold]}\n        name: {type: string}\n";

    #[test]
    fn response_changes_are_classified_and_name_the_requirements() {
        let head = API
            .replace(
                "        status: {type: string, enum: [available, sold]}\n",
                "",
            )
            .replace("required: [id, status]", "required: [id]");
        let got = lines(&[("openapi.yaml", API)], &[("openapi.yaml", &head)]);
        assert_eq!(
            got,
            vec!["breaking: response property `status` removed (GET /pets/{id}, FR-001)"]
        );
        let head = API.replace("enum: [available, sold]", "enum: [available, sold, lost]");
        let got = lines(&[("openapi.yaml", API)], &[("openapi.yaml", &head)]);
        assert_eq!(
            got,
            vec!["breaking: response `status`: enum values added: `lost` (GET /pets/{id}, FR-001)"]
        );
    }

    #[test]
    fn renames_reorders_and_moved_refs_are_not_changes() {
        // The schema renamed, its keys reordered, its $ref target moved.
        let head = API
            .replace(
                "$ref: '#/components/schemas/Pet'",
                "$ref: '#/components/schemas/Animal'",
            )
            .replace(
                "    Pet:\n      type: object\n      required: [id, status]\n",
                "    Animal:\n      required: [id, status]\n      type: object\n",
            );
        assert_eq!(
            lines(&[("openapi.yaml", API)], &[("openapi.yaml", &head)]),
            Vec::<String>::new()
        );
    }
}
