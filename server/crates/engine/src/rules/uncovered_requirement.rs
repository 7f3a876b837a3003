//! `uncovered-requirement`: a requirement that must ship but no operation traces.
//!
//! **What.** Every P0 requirement (in MVP mode: every MVP-tagged one) must be
//! traced by at least one operation. MVP mode is on when the PRD says
//! `Release Mode: MVP`, or `requirements.release_mode = "mvp"` in the config.
//! A mention in SQL or prose is not coverage: only operations cover.
//!
//! Only where an API exists to check against: a spec-kit feature
//! (`specs/NNN-x/spec.md`) is checked when an OpenAPI document lives in its
//! folder (e.g. `contracts/openapi.yaml`) or some operation traces one of its
//! requirements; any other PRD when the workspace has an API. Without one,
//! the PRD gets a single `info` finding at its title ("feature
//! 010-notifications has no OpenAPI contract yet: its 19 P0 requirements are
//! not checked for coverage") instead of one warning per requirement.
//!
//! Likewise where an API exists but none of its operations cites any
//! requirement of the PRD's scope (a contract written before tracing was
//! adopted): one `info` at the title says coverage is not checked until
//! operations name the requirements they serve. Each such operation already
//! has its `untraced-operation` finding; a warning per requirement on top
//! would restate them.
//!
//! A requirement marked as needing no endpoint is never reported:
//! `(NON-GOAL)` or `[no-api]` (any case) in its defining line, e.g.
//! `- **FR-012** (NON-GOAL): …` or `| FR-020 | Nightly backup [no-api] | P0 |`.
//!
//! **Why.** The API is the contract for what the product does; a P0
//! requirement without an endpoint is a hole the backend team finds late.
//!
//! **Example.** `| FR-011 | Rate a visit | P0 |` and no operation names FR-011.
//!
//! **Fix.** Design the endpoint (the quick fix writes a stub with the
//! responses the other rules require), lower the priority in the PRD, or,
//! when no endpoint is needed, mark the requirement `[no-api]` (a quick fix
//! writes the marker into its line).
//!
//! Range: the ID at its definition (the PRD's title for the `info` finding).

use super::Rule;
use crate::config::ReleaseMode;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::{EditSet, Pos, Val};
use crate::index::{Index, ReqKey, Resolution};
use crate::model::Priority;
use crate::rules::shared::requirements::IdData;
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    code: "uncovered-requirement",
    source: include_str!("uncovered_requirement.rs"),
    default_severity: Severity::Warning,
    summary: "A P0 (or, in MVP mode, MVP) requirement that no operation traces",
    points_at: "the ID at its definition (the PRD's title for the `info`)",
    check,
    fixes,
};

/// Requirement definitions traced by at least one operation.
pub fn covered(index: &Index) -> HashSet<ReqKey> {
    let mut set = HashSet::new();
    for op in &index.operations {
        for t in &op.traces {
            if let Resolution::Found(k) = index.resolve_at(&t.file, t.mention.span, &t.mention.id) {
                set.insert(k);
            }
        }
    }
    set
}

/// Whether PRD `p` has an API to be covered by: for a spec-kit feature, an
/// API file in its folder or an operation tracing one of its requirements;
/// for any other PRD, any API in the workspace.
fn api_in_scope(index: &Index, p: usize, covered: &HashSet<ReqKey>) -> bool {
    let Some(dir) = index.feature_dir(&index.prds[p]) else {
        return !index.apis.is_empty();
    };
    let inside = |f: &str| f.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
    index.apis.iter().any(|a| a.files.iter().any(|f| inside(f)))
        || covered
            .iter()
            .any(|k| index.feature_dir(&index.prds[k.prd]) == Some(dir))
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let covered = covered(index);
    // PRDs whose scope has no API: requirements left unchecked, per feature
    // folder (its spec.md and any other PRD inside it), else per PRD.
    let mut unchecked: Vec<(Option<&str>, usize, usize, bool, Unchecked)> = Vec::new();
    for p in 0..index.prds.len() {
        let (file, prd) = index.prd(p);
        let mvp = match index.config().release_mode {
            Some(m) => m == ReleaseMode::Mvp,
            None => prd.release_mode_mvp,
        };
        let why = if mvp {
            "an MVP requirement"
        } else {
            "a P0 requirement"
        };
        let must: Vec<(usize, &crate::model::prd::Requirement)> = prd
            .requirements
            .iter()
            .enumerate()
            .filter(|(_, req)| {
                !req.no_api
                    && if mvp {
                        req.mvp
                    } else {
                        req.priority == Some(Priority::P0)
                    }
            })
            .collect();
        if must.is_empty() {
            continue;
        }
        let why_unchecked = if !api_in_scope(index, p, &covered) {
            Some(Unchecked::NoApi)
        } else if !traces_any(index, p, &covered) {
            Some(Unchecked::NoTrace)
        } else {
            None
        };
        if let Some(kind) = why_unchecked {
            let feature = index.feature_dir(file);
            match unchecked
                .iter_mut()
                .find(|u| feature.is_some() && u.0 == feature)
            {
                Some(u) => {
                    u.2 += must.len();
                    // Reported at the feature's spec.md.
                    if file.ends_with("/spec.md") {
                        u.1 = p;
                    }
                }
                None => unchecked.push((feature, p, must.len(), mvp, kind)),
            }
            continue;
        }
        for (r, req) in must {
            if covered.contains(&ReqKey { prd: p, req: r }) {
                continue;
            }
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
                .with_data(&IdData { id: req.id.clone() }),
            );
        }
    }
    for (_, p, n, mvp, kind) in unchecked {
        let (file, prd) = index.prd(p);
        out.push(not_designed_yet(index, file, prd, n, mvp, kind));
    }
}

/// Why the requirements of a PRD are not checked one by one.
#[derive(Clone, Copy, PartialEq)]
enum Unchecked {
    /// No API in its scope.
    NoApi,
    /// An API, but no operation cites any requirement of this scope: the
    /// contract has not adopted tracing, and one warning per requirement
    /// would restate the per-operation `untraced-operation` findings.
    NoTrace,
}

/// Whether the API in PRD `p`'s scope has adopted tracing: some operation
/// traces one of its requirements (its feature folder's, else its own), or
/// some operation in that scope cites an FR-ID at all (an unknown one too:
/// a typo is its own finding, and the rest are still checked).
fn traces_any(index: &Index, p: usize, covered: &HashSet<ReqKey>) -> bool {
    match index.feature_dir(&index.prds[p]) {
        Some(dir) => {
            let inside = |f: &str| f.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
            covered
                .iter()
                .any(|k| index.feature_dir(&index.prds[k.prd]) == Some(dir))
                || index
                    .operations
                    .iter()
                    .any(|op| !op.traces.is_empty() && inside(&op.file))
        }
        None => {
            covered.iter().any(|k| k.prd == p)
                || index.operations.iter().any(|op| !op.traces.is_empty())
        }
    }
}

/// The one `info` finding of a PRD whose scope has no API, at its title.
fn not_designed_yet(
    index: &Index,
    file: &crate::diag::FileId,
    prd: &crate::model::prd::Prd,
    n: usize,
    mvp: bool,
    why: Unchecked,
) -> Diagnostic {
    let kind = if mvp { "MVP" } else { "P0" };
    let (its, verb) = if n == 1 {
        (format!("its {n} {kind} requirement"), "is")
    } else {
        (format!("its {n} {kind} requirements"), "are")
    };
    let message = match (index.feature_dir(file), why) {
        // Worded alike whether or not the PRD sits in a feature folder, so
        // that a feature checked alone reads as it does in its repository.
        (_, Unchecked::NoTrace) => format!(
            "no operation of its API cites any of its requirements (no `x-fr-ids` or FR-ID): {its} {verb} not checked for coverage until operations name the requirements they serve"
        ),
        (Some(dir), Unchecked::NoApi) => format!(
            "feature {} has no OpenAPI contract yet (none in its folder, and no operation traces its requirements): {its} {verb} not checked for coverage",
            dir.rsplit('/').next().unwrap_or(dir)
        ),
        (None, Unchecked::NoApi) => format!(
            "no OpenAPI document in the workspace yet: {its} {verb} not checked for coverage"
        ),
    };
    let span = prd
        .title_span
        .or_else(|| prd.requirements.first().map(|r| r.span))
        .unwrap_or_default();
    // No data: the finding is about the PRD as a whole, and has no fix.
    let mut d = Diagnostic::new(RULE.code, file, span, message);
    d.severity = Severity::Info;
    d
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
    use crate::rules::shared::similarity::words;
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
    let singular = crate::rules::shared::dictionary::singularize(noun);
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
            .filter(
                |t| match index.resolve_at(&t.file, t.mention.span, &t.mention.id) {
                    Resolution::Found(k) => &**index.requirement(k).0 == prd_file,
                    _ => false,
                },
            )
            .count();
        (n, std::cmp::Reverse(a.root.clone()))
    })
}

/// The endpoint stub (preferred), then "Mark FR-011 [no-api]".
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let mut out = stub_fix(index, d);
    out.extend(no_api_fix(index, d));
    out
}

/// "Mark FR-011 as needing no endpoint": writes ` [no-api]` after the
/// requirement's title in its defining line. Needs review (whether a
/// requirement needs an endpoint is a decision), never preferred.
fn no_api_fix(index: &Index, d: &Diagnostic) -> Option<Fix> {
    let file = &d.location.file;
    let p = index.prds.iter().position(|f| f == file)?;
    let (_, prd) = index.prd(p);
    let req = prd
        .requirements
        .iter()
        .find(|r| r.span == d.location.span)?;
    const MARKER: &str = " [no-api]";
    // In a padded table cell, the marker takes the padding's place so
    // the columns stay aligned.
    let text = index.text(file);
    let pad = text
        .get(req.marker_at as usize..)
        .map_or(0, |r| r.len() - r.trim_start_matches(' ').len());
    let end = if pad > MARKER.len() {
        req.marker_at + MARKER.len() as u32
    } else {
        req.marker_at
    };
    let mut set = EditSet::new(index);
    set.replace(
        file,
        specgate_syntax::tree::Span::new(req.marker_at, end),
        MARKER,
    );
    set.into_fix(
        format!("Mark {} as needing no endpoint: [no-api]", req.id),
        Applicability::Unsafe,
    )
}

/// "Create an endpoint stub for FR-011": a path item in the API's root
/// document with a summary from the requirement title, the trace key, a
/// request body for writes, and the responses the rules require (reusing
/// the API's own), so the stub raises no finding of its own. Needs review.
fn stub_fix(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(IdData { id }) = d.data() else {
        return Vec::new();
    };
    let id = id.as_str();
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
    let mut existing_item: Option<(crate::diag::FileId, &specgate_syntax::tree::Node)> = None;
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
    let swagger2 = crate::rules::shared::openapi::is_swagger2(api);
    let writes = matches!(method, "post" | "put" | "patch");
    // The new operation's file decides the responses it needs (overrides).
    let op_file = existing_item.as_ref().map_or(&root, |(f, _)| f);
    let cfg = index.config().required_responses_in(op_file);
    let on = |r: &str| cfg.iter().any(|x| x == r);
    let cat = crate::rules::shared::openapi::Catalog::of(index, api);
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
    let responses = crate::rules::shared::openapi::response_values(
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

    #[test]
    fn marked_requirements_need_no_endpoint() {
        let prd = "- **FR-001**: System MUST list pets\n- **FR-002** (NON-GOAL): System MUST NOT sell pets\n- **FR-003**: System MUST back up nightly [no-api]\n- **FR-004**: System MUST rate pets\n";
        let api = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      x-fr-ids: [FR-001]\n";
        let idx = index(&[("prd.md", prd), ("openapi.yaml", api)]);
        let f = findings(&idx, "uncovered-requirement");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(f.contains("`FR-004`"), "{f}");
    }

    #[test]
    fn no_api_fix_writes_the_marker() {
        let prd = "| ID | Requirement | Priority |\n|---|---|---|\n| FR-001 | List pets | P0 |\n| FR-002 | Nightly backup   | P0 |\n";
        let api = "openapi: 3.0.3\npaths:\n  /pets:\n    get:\n      x-fr-ids: [FR-001]\n      responses: {}\n";
        let idx = index(&[("prd.md", prd), ("openapi.yaml", api)]);
        let d: Vec<_> = crate::rules::check(&idx)
            .into_iter()
            .filter(|d| d.code == "uncovered-requirement")
            .collect();
        assert_eq!(d.len(), 1);
        let fixes = crate::rules::fixes(&idx, &d[0]);
        let mark = fixes
            .iter()
            .find(|f| f.title == "Mark FR-002 as needing no endpoint: [no-api]")
            .expect("marker fix");
        assert_eq!(mark.applicability, crate::diag::Applicability::Unsafe);
        assert!(!mark.preferred);
        let e = &mark.edits[0];
        let mut text = prd.to_string();
        text.replace_range(e.span.start as usize..e.span.end as usize, &e.new_text);
        assert!(
            text.contains("| FR-002 | Nightly backup [no-api]   | P0 |"),
            "{text}"
        );
        let idx = index(&[("prd.md", &text), ("openapi.yaml", api)]);
        assert_eq!(findings(&idx, "uncovered-requirement"), "");
    }

    #[test]
    fn a_feature_without_a_contract_is_noted_once() {
        let a = "# Booking\n\n- **FR-001**: System MUST book visits\n- **FR-002**: System MUST cancel visits\n";
        let b = "# Notifications\n\n- **FR-001**: System MUST send reminders\n- **FR-002**: System MUST mute\n- **FR-003**: System SHOULD digest\n";
        let api_a = "openapi: 3.1.0\npaths:\n  /visits:\n    post:\n      x-fr-ids: [FR-001]\n";
        let idx = index(&[
            ("specs/001-booking/spec.md", a),
            ("specs/001-booking/contracts/openapi.yaml", api_a),
            ("specs/010-notifications/spec.md", b),
            ("specs/010-notifications/contracts/api.md", "GET /reminders"),
            // A review checklist defines no requirement (FR-009 is no P0).
            (
                "specs/010-notifications/checklists/requirements.md",
                "- FR-009: MUST be reviewed\n",
            ),
        ]);
        assert_eq!(
            findings(&idx, "uncovered-requirement"),
            "specs/001-booking/spec.md:4:5 warning[uncovered-requirement] `FR-002` FR-002 (System MUST cancel visits) is a P0 requirement that no operation traces: design its endpoint and add `x-fr-ids: [FR-002]`\n\
specs/010-notifications/spec.md:1:3 info[uncovered-requirement] `Notifications` feature 010-notifications has no OpenAPI contract yet (none in its folder, and no operation traces its requirements): its 2 P0 requirements are not checked for coverage\n"
        );
        // An API elsewhere that traces one of the feature's requirements puts it in scope.
        let root_api = "openapi: 3.1.0\npaths:\n  /reminders:\n    post:\n      description: 010-notifications FR-001\n";
        let idx = index(&[
            ("specs/010-notifications/spec.md", b),
            ("specs/001-booking/spec.md", a),
            ("specs/001-booking/contracts/openapi.yaml", api_a),
            ("openapi.yaml", root_api),
        ]);
        let f = findings(&idx, "uncovered-requirement");
        assert!(
            f.contains(
                "specs/010-notifications/spec.md:4:5 warning[uncovered-requirement] `FR-002`"
            ),
            "{f}"
        );
        assert!(!f.contains("info["), "{f}");
    }

    #[test]
    fn a_contract_that_cites_no_requirement_is_noted_once() {
        let prd = "# Booking\n\n- **FR-001**: System MUST book visits\n- **FR-002**: System MUST cancel visits\n";
        let untraced =
            "openapi: 3.1.0\npaths:\n  /visits:\n    post:\n      summary: Book a visit\n";
        let idx = index(&[
            ("specs/001-booking/spec.md", prd),
            ("specs/001-booking/contracts/openapi.yaml", untraced),
        ]);
        assert_eq!(
            findings(&idx, "uncovered-requirement"),
            "specs/001-booking/spec.md:1:3 info[uncovered-requirement] `Booking` no operation of its API cites any of its requirements (no `x-fr-ids` or FR-ID): its 2 P0 requirements are not checked for coverage until operations name the requirements they serve\n"
        );
        // One trace is enough to check every requirement of the feature.
        let traced = untraced.replace("Book a visit", "Book a visit (FR-001)");
        let idx = index(&[
            ("specs/001-booking/spec.md", prd),
            ("specs/001-booking/contracts/openapi.yaml", &traced),
        ]);
        let f = findings(&idx, "uncovered-requirement");
        assert!(
            f.starts_with("specs/001-booking/spec.md:4:5 warning[uncovered-requirement] `FR-002`"),
            "{f}"
        );
        assert!(!f.contains("info["), "{f}");
        // The same for a PRD outside spec-kit.
        let idx = index(&[("prd.md", prd), ("openapi.yaml", untraced)]);
        let f = findings(&idx, "uncovered-requirement");
        assert!(
            f.contains("info[uncovered-requirement] `Booking` no operation of its API cites any"),
            "{f}"
        );
    }

    #[test]
    fn a_prd_without_any_api_is_noted_once() {
        let idx = index(&[("prd.md", PRD)]);
        assert_eq!(
            findings(&idx, "uncovered-requirement"),
            "prd.md:3:3 info[uncovered-requirement] `FR-001` no OpenAPI document in the workspace yet: its 2 P0 requirements are not checked for coverage\n"
        );
        // Severity off still silences it.
        let mut ws = crate::workspace::Workspace::from_files([("prd.md", PRD)]);
        let (cfg, _) =
            crate::config::Config::from_toml("[rules]\nuncovered-requirement = \"off\"\n");
        ws.config = std::sync::Arc::new(cfg);
        let idx = crate::index::Index::build(ws, None);
        assert_eq!(findings(&idx, "uncovered-requirement"), "");
    }
}
