//! `uncovered-requirement`: a requirement that must ship but no operation traces.
//!
//! **What.** Every P0 requirement (in MVP mode: every MVP-tagged one) must be
//! traced by at least one operation. MVP mode is on when the PRD says
//! `Release Mode: MVP`, or `requirements.release_mode = "mvp"` in the config.
//! A mention in SQL or prose is not coverage: only operations cover.
//!
//! **Why.** The API is the contract for what the product does; a P0
//! requirement without an endpoint is a hole the backend team finds late.
//!
//! **Example.** `| FR-011 | Rate a visit | P0 |` and no operation names FR-011.
//!
//! **Fix.** Design the endpoint (the quick fix writes a stub with the
//! responses the other rules require), or lower the priority in the PRD.
//!
//! Range: the ID at its definition.

use super::Rule;
use crate::config::ReleaseMode;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::{EditSet, Pos, Val};
use crate::index::{Index, ReqKey, Resolution};
use crate::model::Priority;
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    code: "uncovered-requirement",
    default_severity: Severity::Warning,
    summary: "A P0 (or, in MVP mode, MVP) requirement that no operation traces",
    check,
    fixes,
};

/// Requirement definitions traced by at least one operation.
pub fn covered(index: &Index) -> HashSet<ReqKey> {
    let mut set = HashSet::new();
    for op in &index.operations {
        for t in &op.traces {
            if let Resolution::Found(k) = index.resolve_id(&t.file, &t.mention.id) {
                set.insert(k);
            }
        }
    }
    set
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let covered = covered(index);
    for p in 0..index.prds.len() {
        let (file, prd) = index.prd(p);
        let mvp = match index.config().release_mode {
            Some(m) => m == ReleaseMode::Mvp,
            None => prd.release_mode_mvp,
        };
        for (r, req) in prd.requirements.iter().enumerate() {
            let must = if mvp {
                req.mvp
            } else {
                req.priority == Some(Priority::P0)
            };
            if !must || covered.contains(&ReqKey { prd: p, req: r }) {
                continue;
            }
            let why = if mvp {
                "an MVP requirement"
            } else {
                "a P0 requirement"
            };
            out.push(
                Diagnostic::new(
                    RULE.code,
                    file,
                    req.span,
                    format!(
                        "{} ({}) is {why} that no operation traces: design its endpoint and add `x-fr-ids: [{}]`",
                        req.id, req.title, req.id
                    ),
                )
                .with_data(serde_json::json!({ "id": req.id })),
            );
        }
    }
}

const GET: &[&str] = &[
    "list", "view", "see", "show", "search", "find", "browse", "get", "read", "export", "download",
    "display", "retrieve", "check", "track", "query", "filter", "lookup",
];
const POST: &[&str] = &[
    "create", "add", "register", "book", "publish", "rate", "submit", "send", "upload", "request",
    "post", "invite", "import", "sign", "pay", "review", "comment", "report", "borrow", "reserve",
    "order", "buy", "purchase", "share", "schedule", "assign", "log", "record", "approve",
    "reject",
];
const PATCH: &[&str] = &[
    "update",
    "edit",
    "change",
    "reschedule",
    "modify",
    "move",
    "rename",
    "set",
];
const DELETE: &[&str] = &["delete", "remove", "cancel", "archive", "unpublish"];
const PREPOSITIONS: &[&str] = &[
    "for", "of", "in", "on", "with", "by", "to", "from", "at", "into", "per", "via", "after",
    "before", "when", "within", "as",
];
const FILLER: &[&str] = &[
    "a", "an", "the", "their", "his", "her", "its", "our", "my", "your", "and", "or", "can",
    "must", "should", "shall", "may", "be", "able", "all", "each", "every", "new", "s", "it",
    "them", "they", "own", "some", "any",
];

fn verb_method(w: &str) -> Option<(&'static str, String)> {
    let base = w.strip_suffix("es").filter(|b| b.len() > 2).unwrap_or(w);
    let base2 = w.strip_suffix('s').unwrap_or(w);
    for (m, set) in [
        ("get", GET),
        ("post", POST),
        ("patch", PATCH),
        ("delete", DELETE),
    ] {
        for cand in [w, base2, base] {
            if set.contains(&cand) {
                return Some((m, cand.to_string()));
            }
        }
    }
    None
}

fn upper_first(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// A method, path and operationId for a requirement title: the first verb
/// decides the method, the last noun before a preposition names the
/// resource (`Rate a visit` → `POST /visits`, `rateVisit`; `Book a room for
/// a meeting` → `POST /rooms`).
pub fn endpoint_for(title: &str) -> (&'static str, String, String) {
    use crate::edit::similarity::words;
    let ws: Vec<String> = words(title)
        .into_iter()
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let verb_at = ws.iter().position(|w| verb_method(w).is_some());
    let (method, verb) = verb_at
        .and_then(|i| verb_method(&ws[i]))
        .unwrap_or(("post", String::new()));
    let after: &[String] = match verb_at {
        Some(i) => &ws[i + 1..],
        None => &ws,
    };
    let mut object: Vec<&str> = Vec::new();
    let mut prev = "";
    for w in after {
        if PREPOSITIONS.contains(&w.as_str()) && !object.is_empty() {
            break;
        }
        // `view and update their profile`: a second verb is not the object
        // (`borrow a book`: a noun that could be a verb is).
        let second_verb = matches!(prev, "and" | "or") && verb_method(w).is_some();
        prev = w;
        if FILLER.contains(&w.as_str())
            || PREPOSITIONS.contains(&w.as_str())
            || second_verb
            || w.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        object.push(w);
    }
    let noun = object.last().copied().unwrap_or("items");
    let singular = crate::edit::dictionary::singularize(noun);
    let plural = crate::model::dictionary::pluralize(&singular);
    let op_id = if verb.is_empty() {
        format!("create{}", upper_first(&singular))
    } else {
        format!("{verb}{}", upper_first(&singular))
    };
    (method, format!("/{plural}"), op_id)
}

/// The API an endpoint for a requirement of `prd_file` goes into: the one
/// whose operations trace that PRD the most, else the first.
fn api_for<'a>(index: &'a Index, prd_file: &str) -> Option<&'a crate::index::Api> {
    index.apis.iter().max_by_key(|a| {
        let n = index
            .operations
            .iter()
            .filter(|o| o.api_root == a.root)
            .flat_map(|o| &o.traces)
            .filter(|t| match index.resolve_id(&t.file, &t.mention.id) {
                Resolution::Found(k) => &**index.requirement(k).0 == prd_file,
                _ => false,
            })
            .count();
        (n, std::cmp::Reverse(a.root.clone()))
    })
}

/// "Create an endpoint stub for FR-011": a path item in the API's root
/// document with a summary from the requirement title, the trace key, a
/// request body for writes, and the responses the rules require (reusing
/// the API's own), so the stub raises no finding of its own. Needs review.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(id) = d.data.get("id").and_then(|v| v.as_str()) else {
        return Vec::new();
    };
    let Resolution::Found(k) = index.resolve_id(&d.location.file, id) else {
        return Vec::new();
    };
    let (prd_file, req) = index.requirement(k);
    let Some(api) = api_for(index, prd_file) else {
        return Vec::new();
    };
    let root = api.root.clone();
    let Some(root_node) = index.doc(&root).and_then(|doc| doc.root.as_ref()) else {
        return Vec::new();
    };
    let (method, mut path, mut op_id) = endpoint_for(&req.title);
    let paths = root_node.get("paths");
    // An existing path item without this method takes the operation (in
    // the file it is written in); else a new path item in the root.
    let mut existing_item: Option<(crate::diag::FileId, &crate::tree::Node)> = None;
    if let Some(item) = paths.and_then(|n| n.get(&path)) {
        let (f, n) = index.deref(&root, item);
        if n.is_map() && n.get(method).is_none() {
            existing_item = Some((f, n));
        } else {
            path = format!("{path}-{}", id.to_ascii_lowercase());
        }
    }
    let ids: Vec<&str> = index
        .operations
        .iter()
        .filter_map(|o| o.operation_id.as_deref())
        .collect();
    if ids.contains(&op_id.as_str()) {
        op_id = format!(
            "{op_id}{}",
            id.replace(|c: char| !c.is_ascii_alphanumeric(), "")
        );
    }
    let swagger2 = crate::edit::openapi::is_swagger2(api);
    let writes = matches!(method, "post" | "put" | "patch");
    let cfg = &index.config().required_responses;
    let on = |r: &str| cfg.iter().any(|x| x == r);
    let cat = crate::edit::openapi::Catalog::of(index, api);
    let mut codes: Vec<String> = Vec::new();
    if on("success") {
        codes.push(match method {
            "post" => "201".into(),
            "delete" => "204".into(),
            _ => "200".into(),
        });
    }
    if on("validation") && writes {
        codes.push(if cat.prefers_422() { "422" } else { "400" }.into());
    }
    let secured = root_node.get("security").is_some_and(|s| {
        !s.items().is_empty()
            && !s
                .items()
                .iter()
                .any(|r| r.is_map() && r.entries().is_empty())
    });
    if on("unauthorized") && secured {
        codes.push("401".into());
    }
    if on("server-error") {
        codes.push("500".into());
    }
    let key = index
        .config()
        .trace_keys
        .first()
        .cloned()
        .unwrap_or_else(|| "x-fr-ids".into());
    let mut set = EditSet::new(index);
    let edit_file = existing_item
        .as_ref()
        .map(|(f, _)| f.clone())
        .unwrap_or_else(|| root.clone());
    let responses = crate::edit::openapi::response_values(
        &mut set,
        api,
        &edit_file,
        &codes,
        &method.to_ascii_uppercase(),
    );
    let mut op: Vec<(String, Val)> = vec![
        ("operationId".into(), Val::str(op_id)),
        ("summary".into(), Val::str(req.title.clone())),
        (key, Val::Seq(vec![Val::str(id)])),
    ];
    if writes {
        let schema = Val::map([("type", Val::str("object"))]);
        if swagger2 {
            op.push((
                "parameters".into(),
                Val::Seq(vec![Val::map([
                    ("name", Val::str("body")),
                    ("in", Val::str("body")),
                    ("required", Val::lit("true")),
                    ("schema", schema),
                ])]),
            ));
        } else {
            op.push((
                "requestBody".into(),
                Val::map([
                    ("required", Val::lit("true")),
                    (
                        "content",
                        Val::map([("application/json", Val::map([("schema", schema)]))]),
                    ),
                ]),
            ));
        }
    }
    op.push(("responses".into(), Val::Map(responses)));
    let Some(doc) = set.doc(&edit_file) else {
        return Vec::new();
    };
    match existing_item {
        Some((_, node)) => doc.insert_entry(node, method, Val::Map(op), Pos::End),
        None => {
            let item = Val::Map(vec![(method.to_string(), Val::Map(op))]);
            if !doc.ensure_entry(&["paths"], &path, item, Pos::End) {
                return Vec::new();
            }
        }
    }
    crate::edit::prefer_first(
        set.into_fix(
            format!(
                "Create an endpoint stub for {id}: {} {path}",
                method.to_ascii_uppercase()
            ),
            // Generated content to review and complete: editor only.
            Applicability::Display,
        )
        .into_iter()
        .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::endpoint_for;
    use crate::rules::testing::{findings, index};

    #[test]
    fn endpoints_from_titles() {
        let e = |t: &str| {
            let (m, p, id) = endpoint_for(t);
            format!("{m} {p} {id}")
        };
        assert_eq!(e("Rate a visit"), "post /visits rateVisit");
        assert_eq!(e("Members can borrow a book"), "post /books borrowBook");
        assert_eq!(
            e("Staff can book a room for a meeting"),
            "post /rooms bookRoom"
        );
        assert_eq!(
            e("Patients can view and update their profile"),
            "get /profiles viewProfile"
        );
        assert_eq!(e("Users can delete a task"), "delete /tasks deleteTask");
        assert_eq!(
            e("Export appointments as CSV"),
            "get /appointments exportAppointment"
        );
        assert_eq!(e("Nightly backup"), "post /backups createBackup");
    }

    const PRD: &str = "| ID | Requirement | Priority | Release |\n|---|---|---|---|\n| FR-001 | List pets | P0 | MVP |\n| FR-002 | Rate pets | P0 | |\n| FR-003 | Export | P1 | MVP |\n";

    #[test]
    fn p0_without_operation_is_reported_sql_mentions_do_not_cover() {
        let api = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      x-fr-ids: [FR-001]\n";
        let sql = "-- FR-002\nCREATE TABLE pets (id int);\n";
        let idx = index(&[("prd.md", PRD), ("openapi.yaml", api), ("db.sql", sql)]);
        let f = findings(&idx, "uncovered-requirement");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(
            f.contains("prd.md:4:3 warning[uncovered-requirement] `FR-002`"),
            "{f}"
        );
    }

    #[test]
    fn mvp_mode_requires_mvp_tagged_only() {
        let prd = format!("Release Mode: MVP\n\n{PRD}");
        let api = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      x-fr-ids: [FR-001]\n";
        let idx = index(&[("prd.md", &prd), ("openapi.yaml", api)]);
        let f = findings(&idx, "uncovered-requirement");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(f.contains("`FR-003`"), "{f}");
    }
}
