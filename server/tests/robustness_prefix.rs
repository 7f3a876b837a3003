//! Every prefix: each corpus file cut at 500 points (what an editor holds
//! while a file is being typed or pasted), each prefix indexed and checked
//! without a panic and within a time bound.
//!
//! The corpus is `../shared/corpus` relative to the repository
//! (`SPECGATE_CORPUS` overrides it); when it is absent the test says so and
//! passes. Run it in release for the real bound and all 500 cut points:
//!
//!     cargo test --release -p specgate --test robustness_prefix -- --nocapture
//!
//! A debug build (plain `cargo test`) cuts each file at 100 points (30 over
//! 100 kB) and says so; its time bound is 15× the release one. `SPECGATE_PREFIXES=N` sets the
//! number of cut points for every file.

use specgate::index::Index;
use specgate::workspace::Workspace;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const CUTS: usize = 500;
/// Debug builds (a plain `cargo test`) run a smaller sample.
const DEBUG_CUTS: usize = 100;
const DEBUG_CUTS_LARGE: usize = 30;
const RELEASE_BOUND: Duration = Duration::from_secs(2);

fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("SPECGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    p.is_dir().then_some(p)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json" | "md")
        ) {
            out.push(p);
        }
    }
}

/// `n` cut points spread over `text`, on character boundaries, plus the
/// whole text.
fn cut_points(text: &str, n: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n)
        .map(|k| specgate::text::floor_char_boundary(text, text.len() * k / n))
        .collect();
    v.push(text.len());
    v.dedup();
    v
}

fn check_prefix(base: &Workspace, name: &str, prefix: &str) -> usize {
    // The base workspace carries the compiled default config: cloning it is
    // cheap, building it per prefix would dominate the run.
    let mut ws = base.clone();
    ws.insert(name, prefix.to_string());
    let index = Index::build(ws, None);
    let diags = specgate::rules::check(&index);
    let _ = specgate::inventory::build(&index, None);
    diags.len()
}

#[test]
fn every_prefix_of_every_corpus_file() {
    let Some(root) = corpus() else {
        println!(
            "every prefix: skipped: no corpus at ../shared/corpus (set SPECGATE_CORPUS to run it)"
        );
        return;
    };
    let mut all = Vec::new();
    files(&root, &mut all);
    all.sort();
    let debug = cfg!(debug_assertions);
    let bound = if debug {
        RELEASE_BOUND * 15
    } else {
        RELEASE_BOUND
    };
    let fixed: Option<usize> = std::env::var("SPECGATE_PREFIXES")
        .ok()
        .and_then(|s| s.parse().ok());
    let jobs: Vec<(String, String, usize)> = all
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let n = fixed.unwrap_or(if !debug {
                CUTS
            } else if text.len() > 100_000 {
                DEBUG_CUTS_LARGE
            } else {
                DEBUG_CUTS
            });
            Some((rel, text, n))
        })
        .collect();
    if debug && fixed.is_none() {
        println!(
            "every prefix: debug build: {DEBUG_CUTS} cut points a file ({DEBUG_CUTS_LARGE} over 100 kB), not {CUTS}; run with --release for all"
        );
    }

    // (file, cut) work items over two threads, largest files first.
    let items: Vec<(usize, usize)> = jobs
        .iter()
        .enumerate()
        .flat_map(|(f, (_, text, n))| cut_points(text, *n).into_iter().map(move |c| (f, c)))
        .collect();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::<String>::new());
    let slowest = Mutex::new((Duration::ZERO, String::new()));
    let checked = AtomicUsize::new(0);
    let base = Workspace::from_files([]);
    let t0 = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..std::thread::available_parallelism().map_or(2, |n| n.get().min(4)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(f, cut)) = items.get(i) else {
                    break;
                };
                let (rel, text, _) = &jobs[f];
                let name = Path::new(rel)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let t = Instant::now();
                let r = catch_unwind(AssertUnwindSafe(|| {
                    check_prefix(&base, &name, &text[..cut])
                }));
                let el = t.elapsed();
                checked.fetch_add(1, Ordering::Relaxed);
                let what = format!("{rel} cut at byte {cut} of {}", text.len());
                if let Err(e) = r {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("{what}: panic: {msg}"));
                } else if el > bound {
                    failures
                        .lock()
                        .unwrap()
                        .push(format!("{what}: took {el:?} (bound {bound:?})"));
                }
                let mut sl = slowest.lock().unwrap();
                if el > sl.0 {
                    *sl = (el, what);
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    let (slow, slow_what) = slowest.into_inner().unwrap();
    println!(
        "every prefix: {} prefixes of {} corpus files checked in {:?} ({} build); slowest {:?}: {}; {} failures",
        checked.load(Ordering::Relaxed),
        jobs.len(),
        t0.elapsed(),
        if debug { "debug" } else { "release" },
        slow,
        slow_what,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} prefixes failed:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
}
