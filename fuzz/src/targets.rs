//! The bodies of the fuzz targets, shared by `fuzz/fuzz_targets/*.rs`
//! (libFuzzer) and `server/tests/robustness_fuzz_corpus.rs` (which replays
//! every file of `fuzz/corpus/<target>/` in a normal `cargo test`).
//!
//! Each target feeds one reader (or a whole workspace) with arbitrary bytes
//! and checks the invariants every consumer relies on: no panic, and every
//! span the engine hands out lies inside its file, on character boundaries
//! (the CLI and the LSP slice the text with them).
//!
//! This file is compiled twice, by two crates; it uses only `specgate` and std.

#![allow(dead_code)]

use specgate_engine::diag::Diagnostic;
use specgate_engine::index::Index;
use specgate_engine::workspace::Workspace;
use specgate_syntax::tree::{Document, Node, Span, Value};

/// One fuzz target: it takes any bytes and panics on a broken invariant.
pub type Target = fn(&[u8]);

/// The fuzz targets, by name: `fuzz/corpus/<name>/` holds each one's corpus.
pub const TARGETS: &[(&str, Target)] = &[
    ("parse_yaml", parse_yaml),
    ("parse_json", parse_json),
    ("parse_prd", parse_prd),
    ("dictionary_markdown", dictionary_markdown),
    ("dictionary_csv", dictionary_csv),
    ("parse_sql", parse_sql),
    ("workspace", workspace),
];

/// Bytes as text: invalid UTF-8 is replaced, so every input reaches the reader.
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The default config (its ID pattern), compiled once.
fn config() -> &'static specgate_engine::config::Config {
    static CONFIG: std::sync::OnceLock<specgate_engine::config::Config> =
        std::sync::OnceLock::new();
    CONFIG.get_or_init(specgate_engine::config::Config::default)
}

#[track_caller]
fn assert_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && text.get(span.start as usize..span.end as usize).is_some(),
        "{what}: span {}..{} is not a valid range of the {}-byte text",
        span.start,
        span.end,
        text.len()
    );
}

fn check_node(text: &str, root: &Node) {
    // Iterative, so a deep tree is checked without deep recursion here.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        assert_span(text, node.span, "tree node");
        match &node.value {
            Value::Map(entries, _) => {
                for e in entries {
                    assert_span(text, e.key_span, "map key");
                    stack.push(&e.value);
                }
            }
            Value::Seq(items, _) => stack.extend(items),
            Value::Scalar(..) | Value::Missing => {}
        }
    }
}

fn check_document(text: &str, doc: &Document) {
    if let Some(root) = &doc.root {
        check_node(text, root);
    }
    for c in &doc.comments {
        assert_span(text, c.span, "comment");
    }
    for e in &doc.errors {
        assert_span(text, e.span, "syntax error");
    }
}

pub fn parse_yaml(data: &[u8]) {
    let t = text(data);
    let doc = specgate_syntax::parse::parse_yaml(&t);
    check_document(&t, &doc);
}

pub fn parse_json(data: &[u8]) {
    let t = text(data);
    let doc = specgate_syntax::parse::parse_json(&t);
    check_document(&t, &doc);
}

pub fn parse_prd(data: &[u8]) {
    let t = text(data);
    let prd = specgate_engine::model::prd::parse_prd(&t, &config().id_regex);
    for r in &prd.requirements {
        assert_span(&t, r.span, "requirement id");
        assert_span(&t, r.line_span, "requirement line");
    }
    for m in &prd.mentions {
        assert_span(&t, m.span, "id mention");
    }
    if let Some(s) = prd.release_mode_span {
        assert_span(&t, s, "release mode");
    }
}

fn check_dictionary(t: &str, d: &specgate_engine::model::dictionary::Dictionary) {
    for e in &d.entities {
        assert_span(t, e.span, "entity");
        assert_span(t, e.section_span, "entity section");
        assert!(
            t.is_char_boundary(e.insert_at as usize),
            "entity insert_at {} is not a char boundary of the {}-byte text",
            e.insert_at,
            t.len()
        );
        for a in &e.attributes {
            assert_span(t, a.span, "attribute");
            assert_span(t, a.row_span, "attribute row");
        }
    }
}

pub fn dictionary_markdown(data: &[u8]) {
    let t = text(data);
    let d = specgate_engine::model::dictionary::parse_markdown(&t);
    check_dictionary(&t, &d);
}

pub fn dictionary_csv(data: &[u8]) {
    let t = text(data);
    let d = specgate_engine::model::dictionary::parse_csv(&t);
    check_dictionary(&t, &d);
}

pub fn parse_sql(data: &[u8]) {
    let t = text(data);
    let f = specgate_engine::model::sql::parse_sql(&t, &config().id_regex);
    for tb in &f.tables {
        assert_span(&t, tb.span, "table name");
        assert_span(&t, tb.stmt_span, "table statement");
        for c in &tb.columns {
            assert_span(&t, c.span, "column");
        }
    }
    for m in &f.mentions {
        assert_span(&t, m.span, "sql id mention");
    }
    for e in &f.errors {
        assert_span(&t, e.span, "sql syntax error");
    }
    // Keys, indexes and type changes, and the schema they replay into.
    use specgate_engine::model::sql::schema::{build, Fact};
    for fact in &f.facts {
        let defs: Vec<&specgate_engine::model::sql::schema::ColumnDef> = match &fact.fact {
            Fact::Create {
                columns,
                name_span,
                stmt_span,
                ..
            } => {
                assert_span(&t, *name_span, "created table name");
                assert_span(&t, *stmt_span, "created table statement");
                columns.iter().collect()
            }
            Fact::AddColumn { column, .. } => vec![column],
            Fact::Redefine { def, .. } => vec![def],
            Fact::AlterType { ty_span, .. } => {
                assert_span(&t, *ty_span, "altered type");
                vec![]
            }
            _ => vec![],
        };
        for d in defs {
            assert_span(&t, d.name_span, "column definition name");
            assert_span(&t, d.ty_span, "column definition type");
            if let Some(s) = d.not_null_span {
                assert_span(&t, s, "NOT NULL");
            }
        }
    }
    let schema = build(&[(0, &f)]);
    for tb in &schema.tables {
        let _ = (tb.primary_key(), tb.index_prefixes());
    }
}

/// The file names a `workspace` input is split into, in order: one file per
/// chunk between 0xFF bytes (a byte that never occurs in UTF-8 text).
pub const WORKSPACE_FILES: &[&str] = &[
    "api/openapi.yaml",
    "docs/prd.md",
    "docs/data-dictionary.md",
    "db/schema.sql",
    "api/paths/items.yaml",
    "specgate.toml",
    "api/other.json",
    "dictionary.csv",
    "docs/notes.md",
];

/// Splits a workspace input into (name, text) pairs.
pub fn workspace_files(data: &[u8]) -> Vec<(&'static str, String)> {
    data.split(|&b| b == 0xFF)
        .zip(WORKSPACE_FILES)
        .map(|(chunk, name)| (*name, text(chunk)))
        .collect()
}

fn check_diagnostics(index: &Index, diags: &[Diagnostic]) {
    for d in diags {
        let src = index.source(&d.location.file).unwrap_or_else(|| {
            panic!(
                "{} diagnostic on {} which is not in the index",
                d.code, d.location.file
            )
        });
        assert_span(
            &src.text,
            d.location.span,
            &format!("{} diagnostic", d.code),
        );
        for r in &d.related {
            if let Some(s) = index.source(&r.location.file) {
                assert_span(&s.text, r.location.span, "related location");
            }
        }
    }
}

/// A whole workspace: index, every rule, the inventory (the CLI's output
/// formats are replayed by `robustness_fuzz_corpus`, which has the binary's
/// crate); then one file edited and the index rebuilt incrementally, which
/// must give the same findings as a fresh build of the edited workspace.
pub fn workspace(data: &[u8]) {
    let files = workspace_files(data);
    let ws = Workspace::from_files(files.iter().map(|(n, t)| (*n, t.as_str())));
    let index = Index::build(ws.clone(), None);
    let diags = specgate_engine::triage::check(&index);
    check_diagnostics(&index, &diags);
    for d in &diags {
        let _ = specgate_engine::rules::fixes(&index, d);
    }
    let _ = specgate_engine::inventory::build(&index, None).to_markdown();

    // Incremental: drop the second half of the first file.
    let Some((name, first)) = files.first() else {
        return;
    };
    let cut = specgate_syntax::text::floor_char_boundary(first, first.len() / 2);
    let mut edited = ws;
    edited.insert(name, first[..cut].to_string());
    let incremental = Index::build(edited.clone(), Some(&index));
    let fresh = Index::build(edited, None);
    let a = specgate_engine::rules::check(&incremental);
    let b = specgate_engine::rules::check(&fresh);
    check_diagnostics(&incremental, &a);
    assert_eq!(
        a, b,
        "incremental rebuild and fresh build disagree after editing {name}"
    );
}
