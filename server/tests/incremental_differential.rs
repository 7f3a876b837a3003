//! The incremental analysis against a fresh one: random edit sequences on
//! real multi-file workspaces of the corpus, applied as the language server
//! applies them (one [`AnalysisHost`] that reuses the previous index's
//! models, walk memos and YAML trees), and after every edit the findings
//! of the whole workspace equal those of a fresh `check` of the same text.
//!
//! The corpus is `../shared/corpus` relative to the repository
//! (`SPECGATE_CORPUS` overrides it); when it is absent the test says so and
//! passes. `SPECGATE_DIFF_EDITS=N` sets the edits per workspace (default
//! 100 in a debug build, 250 in release); `SPECGATE_DIFF_WORKSPACES=a,b`
//! names other workspaces of `realworld/` (`multifile/…`, `speckit/…`).

use specgate::diag::Diagnostic;
use specgate::index::Index;
use specgate::workspace::Workspace;
use specgate_engine::diag::FileId;
use specgate_engine::ide::{Analysis, AnalysisHost};
use std::path::{Path, PathBuf};

mod lsp_support;
use lsp_support::Rng;

fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("SPECGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    p.is_dir().then_some(p)
}

/// What people type: characters that change YAML's structure, FR-IDs
/// (known and unknown), keys, `$ref`s, responses, Markdown table cells.
const SNIPPETS: &[&str] = &[
    "x",
    " ",
    "\n",
    ":",
    "- ",
    "FR-001",
    "FR-002 ",
    "FR-999",
    "'",
    "\"",
    "{",
    "}",
    "[",
    "#",
    "  ",
    "$ref: ",
    "é",
    "\t",
    "get:\n",
    "\n    ",
    "'404':\n  description: Not found\n",
    "x-fr-ids: [FR-001]\n",
    "| FR-050 | New requirement | P0 |\n",
    "type: array\n",
    "limit",
];

/// A finding as compared: where, what, and what it says.
fn key(d: &Diagnostic) -> (String, u32, u32, &'static str, String, String) {
    (
        d.location.file.to_string(),
        d.location.span.start,
        d.location.span.end,
        d.code,
        format!("{:?}/{:?}", d.severity, d.triage),
        d.message.clone(),
    )
}

fn keys(diags: &[Diagnostic]) -> Vec<(String, u32, u32, &'static str, String, String)> {
    let mut v: Vec<_> = diags.iter().map(key).collect();
    v.sort();
    v
}

/// One byte offset on a character boundary, at the start of a line more
/// often than not (where keys and list items begin).
fn edit_point(rng: &mut Rng, text: &str) -> usize {
    let at = specgate::text::floor_char_boundary(text, rng.below(text.len() + 1));
    if rng.below(3) > 0 {
        text[..at].rfind('\n').map_or(0, |i| i + 1)
    } else {
        at
    }
}

/// Applies `edits` random edits to files of the workspace at `dir`, checking
/// after each that the incremental findings equal a fresh check; returns how
/// many findings were compared.
fn run(dir: &Path, seed: u64, edits: usize) -> usize {
    let mut ws = Workspace::load(dir, None).expect("workspace loads");
    // The files one edits: the API's YAML/JSON, the requirements, the SQL.
    let editable: Vec<FileId> = ws
        .files
        .keys()
        .filter(|f| {
            f.ends_with(".yaml")
                || f.ends_with(".yml")
                || f.ends_with(".json")
                || f.ends_with(".md")
                || f.ends_with(".sql")
        })
        .cloned()
        .collect();
    assert!(!editable.is_empty(), "{}: nothing to edit", dir.display());
    let mut rng = Rng(seed);
    let mut host = AnalysisHost::new();
    host.apply(ws.clone(), std::iter::empty());
    let mut compared = 0;
    // A few files get most edits (as in a session), the rest now and then.
    let focus: Vec<FileId> = (0..3)
        .map(|_| editable[rng.below(editable.len())].clone())
        .collect();
    for step in 0..edits {
        let file = if rng.below(4) > 0 {
            focus[rng.below(focus.len())].clone()
        } else {
            editable[rng.below(editable.len())].clone()
        };
        let mut text = ws.files[&file].text.to_string();
        let at = edit_point(&mut rng, &text);
        let (end, new) = match rng.below(5) {
            // Delete a few characters, or a whole line.
            0 => (
                specgate::text::floor_char_boundary(
                    &text,
                    (at + 1 + rng.below(16)).min(text.len()),
                ),
                "",
            ),
            1 => (text[at..].find('\n').map_or(text.len(), |i| at + i + 1), ""),
            _ => (at, SNIPPETS[rng.below(SNIPPETS.len())]),
        };
        text.replace_range(at..end, new);
        ws.insert(&file, text.clone());
        host.apply(ws.clone(), std::iter::once(&file));
        let fresh = Analysis::check(&Index::build(ws.clone(), None));
        let (live, fresh) = (keys(host.diagnostics()), keys(&fresh));
        if live != fresh {
            let only_live: Vec<_> = live.iter().filter(|k| !fresh.contains(k)).collect();
            let only_fresh: Vec<_> = fresh.iter().filter(|k| !live.contains(k)).collect();
            panic!(
                "{} (seed {seed:#x}), edit {step} in {file} at {at}..{end} ({new:?}): incremental and fresh findings differ\nonly incremental: {only_live:#?}\nonly fresh: {only_fresh:#?}",
                dir.display()
            );
        }
        compared += fresh.len();
    }
    compared
}

#[test]
fn incremental_findings_equal_a_fresh_check_after_every_edit() {
    let Some(corpus) = corpus() else {
        eprintln!("skipped: ../shared/corpus is absent (set SPECGATE_CORPUS to run it)");
        return;
    };
    let edits: usize = std::env::var("SPECGATE_DIFF_EDITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 100 } else { 250 });
    let real = corpus.join("realworld");
    let workspaces = [
        ("multifile/cloudamqp__lavinmq", 0x1a71_u64),
        ("multifile/shlinkio__shlink", 0x5eed),
        ("multifile/ideal-postcodes__postcodes.io", 0xbeef),
        ("speckit/beliaev-maksim__roadmap-service", 0xfeed),
        ("speckit/fstelte__assessment-app", 0xc0de),
        // 40 documents stitched by one root, sharing schema files: the
        // case the per-file `$ref` and per-operation reuse is made for.
        (
            "multifile/opensearch-project__opensearch-api-specification",
            0x05ea,
        ),
    ];
    let named: Vec<(String, u64)> = match std::env::var("SPECGATE_DIFF_WORKSPACES") {
        Ok(v) => v
            .split(',')
            .enumerate()
            .map(|(i, w)| (w.trim().to_string(), 0x9e37_79b9 + i as u64))
            .collect(),
        Err(_) => workspaces
            .iter()
            .map(|(w, s)| (w.to_string(), *s))
            .collect(),
    };
    let mut total = 0;
    for (ws, seed) in named {
        let dir = real.join(&ws);
        if !dir.is_dir() {
            eprintln!("skipped {ws}: not in this corpus");
            continue;
        }
        // The big one gets a third of the edits (a fresh check of it is
        // the slow half of each step).
        let edits = if ws.contains("opensearch") {
            edits.div_ceil(3)
        } else {
            edits
        };
        let n = run(&dir, seed, edits);
        println!("{ws}: {edits} edits, {n} findings compared");
        total += n;
    }
    assert!(total > 0, "no finding was compared");
}

/// The bundled example has what the corpus lacks together: a dictionary,
/// migrations and an API, so edits there exercise the SQL schema and the
/// aligned columns a build takes from the one before.
#[test]
fn incremental_findings_equal_a_fresh_check_on_the_bundled_example() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/clinic");
    let edits = if cfg!(debug_assertions) { 150 } else { 400 };
    let n = run(&dir, 0xc11c, edits);
    assert!(n > 0, "no finding was compared");
}
