//! Replays every file of `fuzz/corpus/<target>/` through its fuzz target, so
//! inputs the fuzzer once found (and the seeds) stay fixed in a normal
//! `cargo test`. The target bodies are the very ones libFuzzer runs:
//! `fuzz/src/targets.rs`, compiled here a second time.

#[path = "../../fuzz/src/targets.rs"]
mod targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The three output formats of `specgate check` on a fuzzed workspace
/// (the fuzz crate depends on the engine alone, not on the CLI).
fn outputs(data: &[u8]) {
    let files = targets::workspace_files(data);
    let ws =
        specgate::workspace::Workspace::from_files(files.iter().map(|(n, t)| (*n, t.as_str())));
    let index = specgate::index::Index::build(ws, None);
    let diags = specgate::rules::check(&index);
    let _ = specgate::cli::output::text(&index, &diags, false);
    let _ = specgate::cli::output::json(&index, &diags);
    let _ = specgate::cli::output::sarif(&index, &diags);
}

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target)
}

fn replay(target: &str, run: fn(&[u8])) {
    let dir = corpus_dir(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} has no inputs", dir.display());
    let mut failures = Vec::new();
    let mut slowest = (Duration::ZERO, PathBuf::new());
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let t = Instant::now();
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| run(&data))) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {msg}", f.display()));
        }
        let el = t.elapsed();
        if el > slowest.0 {
            slowest = (el, f.clone());
        }
    }
    println!(
        "fuzz corpus {target}: {} inputs replayed, slowest {:?} ({})",
        files.len(),
        slowest.0,
        slowest.1.file_name().unwrap_or_default().to_string_lossy()
    );
    assert!(
        failures.is_empty(),
        "{} of {} {target} inputs failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_corpus() {
    for (name, _) in targets::TARGETS {
        assert!(corpus_dir(name).is_dir(), "fuzz/corpus/{name} is missing");
    }
}

#[test]
fn replay_parse_yaml() {
    replay("parse_yaml", targets::parse_yaml);
}

#[test]
fn replay_parse_json() {
    replay("parse_json", targets::parse_json);
}

#[test]
fn replay_parse_prd() {
    replay("parse_prd", targets::parse_prd);
}

#[test]
fn replay_dictionary_markdown() {
    replay("dictionary_markdown", targets::dictionary_markdown);
}

#[test]
fn replay_dictionary_csv() {
    replay("dictionary_csv", targets::dictionary_csv);
}

#[test]
fn replay_parse_sql() {
    replay("parse_sql", targets::parse_sql);
}

#[test]
fn replay_workspace() {
    replay("workspace", targets::workspace);
    replay("workspace", outputs);
}

/// Found by `scripts/fuzz-smoke` (parse_json, input saved as
/// `fuzz/artifacts/parse_json/crash-2d93b4fd…`, minimized here): an invalid
/// escape whose character is multi-byte (`"\é"`, or a replacement character
/// from invalid UTF-8) yields a syntax-error span that ends inside that
/// character, so slicing the text with it panics. Fixed: the span ends
/// after the whole character (`char_end` in server/crates/syntax/src/parse/json.rs).
#[test]
fn json_invalid_escape_of_a_multibyte_char_has_char_boundary_spans() {
    targets::parse_json("{\"a\":\"\\é\"}".as_bytes());
    targets::parse_json(b"{\"a\":\"\\\xf500e9\"}");
}
