//! salsa-eval: compares `salsa` against a hand-written memo table on a
//! Specgate-shaped workload (N OpenAPI-ish files + one PRD; per-file
//! findings plus one cross-cutting coverage query).
//!
//! Layout of this file (the README's LOC counts depend on it):
//!   1. shared model: generator + pure query logic (used by both variants)
//!   2. `mod salsa_variant`: the salsa wiring only
//!   3. `mod memo_variant`: the hand memo wiring only
//!   4. timing harness
//!
//! Both variants call the same pure functions in section 1, so timing
//! differences come from the caching machinery, not from the parsing.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

// ───────────────────────────── 1. shared model ─────────────────────────────

const OPS_PER_FILE: usize = 5;
const REQUIREMENTS: u32 = 500;
/// Ops cite `(g * 7) % CITED_RANGE + 1`, so FR-451..FR-500 start uncovered and
/// coverage is non-empty from the first run.
const CITED_RANGE: usize = 450;
const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// One parsed operation. The summary/description are deliberately not kept:
/// that is what lets a summary edit produce an equal `Vec<Op>` (backdating).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    pub method: String,
    pub path: String,
    pub fr_ids: Vec<u32>,
    pub responses: Vec<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    Missing400,
    NoFrId,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub op: usize,
    pub kind: FindingKind,
}

/// Deterministic file text. Variation keyed on the global op number `g`:
/// every 3rd op lacks a '400', every 17th has no FR id, every 13th also cites
/// an unknown id (FR-900..FR-939).
fn gen_file(i: usize) -> String {
    let mut s = String::with_capacity(OPS_PER_FILE * 300);
    let _ = writeln!(s, "# file {i}\npaths:");
    for j in 0..OPS_PER_FILE {
        let g = i * OPS_PER_FILE + j;
        let known = (g * 7) % CITED_RANGE + 1;
        let _ = writeln!(s, "{} /things{i}/{{id}}/op{j}:", METHODS[g % METHODS.len()]);
        let _ = writeln!(s, "  summary: Handle thing {g} variant a");
        let _ = writeln!(s, "  description: Operation {j} of file {i}.");
        if g.is_multiple_of(17) {
            s.push_str("  x-fr-ids: []\n");
        } else if g.is_multiple_of(13) {
            let _ = writeln!(s, "  x-fr-ids: [FR-{known}, FR-{}]", 900 + g % 40);
        } else {
            let _ = writeln!(s, "  x-fr-ids: [FR-{known}]");
        }
        s.push_str("  tags: [things]\n  responses:\n    '200':\n      description: OK\n");
        if !g.is_multiple_of(3) {
            s.push_str("    '400':\n      description: Bad request\n");
        }
        s.push_str("    '404':\n      description: Not found\n");
    }
    s
}

fn gen_prd() -> String {
    let mut s = String::from("# PRD\n");
    for k in 1..=REQUIREMENTS {
        let _ = writeln!(s, "- FR-{k}: The system shall handle case {k}.");
    }
    s
}

/// `ops(file)`: line scanning. An op header is an unindented `<method> <path>:`
/// line; the indented lines that follow belong to it.
pub fn parse_ops(text: &str) -> Vec<Op> {
    let mut ops: Vec<Op> = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') {
            let header = line.strip_suffix(':').and_then(|l| l.split_once(' '));
            match header {
                Some((m, p)) if METHODS.contains(&m) && p.starts_with('/') => ops.push(Op {
                    method: m.to_string(),
                    path: p.to_string(),
                    fr_ids: Vec::new(),
                    responses: Vec::new(),
                }),
                _ => {}
            }
            continue;
        }
        let Some(op) = ops.last_mut() else { continue };
        if let Some(list) = line
            .strip_prefix("  x-fr-ids: [")
            .and_then(|l| l.strip_suffix(']'))
        {
            op.fr_ids = list
                .split(',')
                .filter_map(|item| item.trim().strip_prefix("FR-")?.parse().ok())
                .collect();
        } else if let Some(code) = line
            .strip_prefix("    '")
            .and_then(|l| l.strip_suffix("':"))
        {
            if let Ok(code) = code.parse() {
                op.responses.push(code);
            }
        }
    }
    ops
}

/// `op_findings(file)`.
pub fn findings_of(ops: &[Op]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (op, o) in ops.iter().enumerate() {
        if !o.responses.contains(&400) {
            out.push(Finding {
                op,
                kind: FindingKind::Missing400,
            });
        }
        if o.fr_ids.is_empty() {
            out.push(Finding {
                op,
                kind: FindingKind::NoFrId,
            });
        }
    }
    out
}

/// `requirements()`: ids of `- FR-<n>:` lines in the PRD.
pub fn parse_requirements(prd: &str) -> BTreeSet<u32> {
    prd.lines()
        .filter_map(|l| l.strip_prefix("- FR-")?.split_once(':')?.0.parse().ok())
        .collect()
}

/// `unknown_refs(file)`: cited ids absent from the PRD (one entry per citation).
pub fn unknown_of(ops: &[Op], reqs: &BTreeSet<u32>) -> Vec<u32> {
    ops.iter()
        .flat_map(|o| &o.fr_ids)
        .copied()
        .filter(|id| !reqs.contains(id))
        .collect()
}

/// Distinct ids cited by one file (used by coverage in both variants).
pub fn cited_of(ops: &[Op]) -> BTreeSet<u32> {
    ops.iter().flat_map(|o| o.fr_ids.iter().copied()).collect()
}

/// Non-incremental reference: the answer both variants must reproduce.
fn oracle_total(texts: &[Arc<str>], prd: &str) -> usize {
    let reqs = parse_requirements(prd);
    let mut cited = BTreeSet::new();
    let mut total = 0;
    for t in texts {
        let ops = parse_ops(t);
        total += findings_of(&ops).len() + unknown_of(&ops, &reqs).len();
        cited.extend(cited_of(&ops));
    }
    total + reqs.iter().filter(|r| !cited.contains(r)).count()
}

/// What the harness drives; both variants implement it.
trait Engine {
    fn set_text(&mut self, file: usize, text: Arc<str>);
    fn all_findings(&mut self) -> usize;
}

// ───────────────────────────── 2. salsa variant ─────────────────────────────
mod salsa_variant {
    use super::*;
    use salsa::{EventKind, Setter};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    #[salsa::input]
    pub struct SourceFile {
        // `ref`: hand out `&Arc<str>` instead of cloning on every read.
        #[returns(ref)]
        pub text: Arc<str>,
    }

    // Singletons so that `requirements()`, `coverage()`, `all_findings()` take
    // no key, as in the model; unknown_refs(file) can then reach the PRD
    // without becoming a two-key (interned) query.
    #[salsa::input(singleton)]
    pub struct Prd {
        #[returns(ref)]
        pub text: Arc<str>,
    }

    #[salsa::input(singleton)]
    pub struct Workspace {
        #[returns(ref)]
        pub files: Vec<SourceFile>,
    }

    #[salsa::db]
    #[derive(Clone)]
    pub struct Db {
        storage: salsa::Storage<Self>,
    }

    #[salsa::db]
    impl salsa::Database for Db {}

    /// Filled only with `--count-executions`: an event callback costs time, so
    /// the timed runs leave it off.
    #[derive(Default)]
    pub struct Counters {
        pub executed: AtomicUsize,
        pub revalidated: AtomicUsize,
    }

    #[salsa::tracked(returns(ref))]
    fn ops(db: &dyn salsa::Database, file: SourceFile) -> Vec<Op> {
        parse_ops(file.text(db))
    }

    #[salsa::tracked(returns(ref))]
    fn op_findings(db: &dyn salsa::Database, file: SourceFile) -> Vec<Finding> {
        findings_of(ops(db, file))
    }

    #[salsa::tracked(returns(ref))]
    fn requirements(db: &dyn salsa::Database) -> BTreeSet<u32> {
        parse_requirements(Prd::get(db).text(db))
    }

    #[salsa::tracked(returns(ref))]
    fn unknown_refs(db: &dyn salsa::Database, file: SourceFile) -> Vec<u32> {
        unknown_of(ops(db, file), requirements(db))
    }

    /// Cross-cutting: reads every file's `ops`, so any change to any file's
    /// ops re-executes it in full (salsa gives a query no access to its old
    /// value, so it cannot be updated by delta like the memo's counts).
    #[salsa::tracked(returns(ref))]
    fn coverage(db: &dyn salsa::Database) -> Vec<u32> {
        let mut cited = BTreeSet::new();
        for &f in Workspace::get(db).files(db) {
            cited.extend(ops(db, f).iter().flat_map(|o| o.fr_ids.iter().copied()));
        }
        requirements(db)
            .iter()
            .copied()
            .filter(|r| !cited.contains(r))
            .collect()
    }

    #[salsa::tracked(returns(copy))]
    fn all_findings(db: &dyn salsa::Database) -> usize {
        let per_file: usize = Workspace::get(db)
            .files(db)
            .iter()
            .map(|&f| op_findings(db, f).len() + unknown_refs(db, f).len())
            .sum();
        per_file + coverage(db).len()
    }

    pub struct SalsaEngine {
        db: Db,
        files: Vec<SourceFile>,
    }

    impl SalsaEngine {
        pub fn new(texts: &[Arc<str>], prd: Arc<str>, counters: Option<Arc<Counters>>) -> Self {
            let callback = counters.map(|c| {
                Box::new(move |event: salsa::Event| match event.kind {
                    EventKind::WillExecute { .. } => _ = c.executed.fetch_add(1, Relaxed),
                    EventKind::DidValidateMemoizedValue { .. } => {
                        _ = c.revalidated.fetch_add(1, Relaxed)
                    }
                    _ => {}
                }) as Box<dyn Fn(salsa::Event) + Send + Sync>
            });
            let db = Db {
                storage: salsa::Storage::new(callback),
            };
            let files: Vec<SourceFile> = texts
                .iter()
                .map(|t| SourceFile::new(&db, t.clone()))
                .collect();
            Prd::new(&db, prd);
            Workspace::new(&db, files.clone());
            SalsaEngine { db, files }
        }
    }

    impl Engine for SalsaEngine {
        fn set_text(&mut self, file: usize, text: Arc<str>) {
            self.files[file].set_text(&mut self.db).to(text);
        }
        fn all_findings(&mut self) -> usize {
            all_findings(&self.db)
        }
    }
}

// ───────────────────────────── 3. hand memo variant ─────────────────────────
mod memo_variant {
    use super::*;
    use std::collections::HashMap;

    /// Cached results for one file, valid while `text` is pointer-equal to the
    /// current input (an edit always installs a new `Arc<str>`).
    struct FileMemo {
        text: Arc<str>,
        ops: Arc<Vec<Op>>,
        findings: Arc<Vec<Finding>>,
        /// What this file contributed to `cite_counts`; subtracted on change.
        cited: BTreeSet<u32>,
        unknown: Arc<Vec<u32>>,
        /// `reqs_version` that `unknown` was computed against.
        unknown_reqs: u64,
    }

    pub struct MemoEngine {
        texts: Vec<Arc<str>>,
        prd: Arc<str>,
        /// (PRD text it was parsed from, parsed set).
        reqs: Option<(Arc<str>, Arc<BTreeSet<u32>>)>,
        /// Bumped only when the parsed set actually changes (backdating).
        reqs_version: u64,
        files: Vec<Option<FileMemo>>,
        /// id -> number of files citing it; coverage = requirements with 0.
        cite_counts: HashMap<u32, u32>,
        /// (reqs_version, uncovered count), dropped when any file's cited set changes.
        coverage: Option<(u64, usize)>,
    }

    impl MemoEngine {
        pub fn new(texts: &[Arc<str>], prd: Arc<str>) -> Self {
            MemoEngine {
                texts: texts.to_vec(),
                prd,
                reqs: None,
                reqs_version: 0,
                files: texts.iter().map(|_| None).collect(),
                cite_counts: HashMap::new(),
                coverage: None,
            }
        }

        fn requirements(&mut self) -> Arc<BTreeSet<u32>> {
            let stale = !matches!(&self.reqs, Some((t, _)) if Arc::ptr_eq(t, &self.prd));
            if stale {
                let fresh = parse_requirements(&self.prd);
                if self.reqs.as_ref().is_none_or(|(_, old)| **old != fresh) {
                    self.reqs_version += 1;
                }
                self.reqs = Some((self.prd.clone(), Arc::new(fresh)));
            }
            self.reqs.as_ref().unwrap().1.clone()
        }

        /// Brings file `i` up to date; returns its per-file finding count.
        fn refresh_file(&mut self, i: usize, reqs: &BTreeSet<u32>) -> usize {
            let text = &self.texts[i];
            let memo = &mut self.files[i];
            if !matches!(memo, Some(m) if Arc::ptr_eq(&m.text, text)) {
                let ops = parse_ops(text);
                match memo {
                    // Parsed ops unchanged (e.g. summary edit): keep everything
                    // downstream, just adopt the new text pointer.
                    Some(m) if *m.ops == ops => m.text = text.clone(),
                    _ => {
                        let cited = cited_of(&ops);
                        if let Some(old) = memo.as_ref() {
                            for id in &old.cited {
                                *self.cite_counts.get_mut(id).unwrap() -= 1;
                            }
                        }
                        for id in &cited {
                            *self.cite_counts.entry(*id).or_default() += 1;
                        }
                        self.coverage = None;
                        *memo = Some(FileMemo {
                            text: text.clone(),
                            findings: Arc::new(findings_of(&ops)),
                            unknown: Arc::new(unknown_of(&ops, reqs)),
                            unknown_reqs: self.reqs_version,
                            ops: Arc::new(ops),
                            cited,
                        });
                    }
                }
            }
            let m = memo.as_mut().unwrap();
            if m.unknown_reqs != self.reqs_version {
                m.unknown = Arc::new(unknown_of(&m.ops, reqs));
                m.unknown_reqs = self.reqs_version;
            }
            m.findings.len() + m.unknown.len()
        }
    }

    impl Engine for MemoEngine {
        fn set_text(&mut self, file: usize, text: Arc<str>) {
            self.texts[file] = text;
        }

        fn all_findings(&mut self) -> usize {
            let reqs = self.requirements();
            // Like salsa's revalidation this visits every file, but a visit to
            // an unchanged file is one pointer compare and one version compare.
            let per_file: usize = (0..self.texts.len())
                .map(|i| self.refresh_file(i, &reqs))
                .sum();
            let uncovered = match self.coverage {
                Some((v, n)) if v == self.reqs_version => n,
                _ => {
                    let n = reqs
                        .iter()
                        .filter(|r| self.cite_counts.get(r).is_none_or(|&c| c == 0))
                        .count();
                    self.coverage = Some((self.reqs_version, n));
                    n
                }
            };
            per_file + uncovered
        }
    }
}

// ───────────────────────────── 4. timing harness ────────────────────────────

/// splitmix64: deterministic edits without a `rand` dependency, so separate
/// `--variant` processes replay exactly the same edit sequence.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Replaces the line of the `nth` op starting with `prefix` by `make(old_line)`.
fn edit_op_line(text: &str, nth: usize, prefix: &str, make: impl FnOnce(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut seen = 0;
    let mut make = Some(make);
    for line in text.lines() {
        if line.starts_with(prefix) {
            if seen == nth {
                out.push_str(&(make.take().unwrap())(line));
                out.push('\n');
                seen += 1;
                continue;
            }
            seen += 1;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Keystroke in a summary value: rotates the last letter (a..z). Parsed ops
/// are unchanged, so downstream results should backdate.
fn summary_edit(text: &str, rng: &mut Rng) -> String {
    edit_op_line(text, rng.below(OPS_PER_FILE), "  summary: ", |l| {
        let (head, last) = l.split_at(l.len() - 1);
        let c = last.as_bytes()[0];
        format!("{head}{}", (b'a' + (c.wrapping_sub(b'a') + 1) % 26) as char)
    })
}

/// Replaces one op's FR ids by a single id from FR-451..FR-520: either a
/// known-but-uncovered requirement or an unknown id, so coverage and/or
/// unknown_refs really change.
fn fr_edit(text: &str, rng: &mut Rng) -> String {
    let op = rng.below(OPS_PER_FILE);
    let id = CITED_RANGE + 1 + rng.below(70);
    edit_op_line(text, op, "  x-fr-ids: ", |_| {
        format!("  x-fr-ids: [FR-{id}]")
    })
}

fn proc_status_kb(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| {
            l.strip_prefix(key)?
                .trim()
                .strip_suffix("kB")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn summarize(name: &str, mut v: Vec<Duration>) {
    v.sort();
    let n = v.len();
    let p99 = v[(n * 99).div_ceil(100) - 1];
    println!(
        "  {name:<16} p50 {:8.3} ms  p99 {:8.3} ms  max {:8.3} ms  (n={n})",
        ms(v[n / 2]),
        ms(p99),
        ms(v[n - 1])
    );
}

struct Args {
    files: usize,
    variant: String,
    edits: usize,
    seed: u64,
    count_executions: bool,
}

fn parse_args() -> Args {
    let mut a = Args {
        files: 2900,
        variant: "both".into(),
        edits: 200,
        seed: 42,
        count_executions: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--files" => a.files = val().parse().expect("--files N"),
            "--variant" => a.variant = val(),
            "--edits" => a.edits = val().parse().expect("--edits N"),
            "--seed" => a.seed = val().parse().expect("--seed N"),
            "--count-executions" => a.count_executions = true,
            _ => panic!(
                "usage: salsa-eval [--files N] [--variant salsa|memo|both] [--edits N] [--seed N] [--count-executions]"
            ),
        }
    }
    assert!(
        ["salsa", "memo", "both"].contains(&a.variant.as_str()),
        "--variant salsa|memo|both"
    );
    a
}

fn make_engine(
    name: &str,
    texts: &[Arc<str>],
    prd: &Arc<str>,
    counters: &Option<Arc<salsa_variant::Counters>>,
) -> Box<dyn Engine> {
    match name {
        "salsa" => Box::new(salsa_variant::SalsaEngine::new(
            texts,
            prd.clone(),
            counters.clone(),
        )),
        _ => Box::new(memo_variant::MemoEngine::new(texts, prd.clone())),
    }
}

fn main() {
    let args = parse_args();
    let mut texts: Vec<Arc<str>> = (0..args.files).map(|i| Arc::from(gen_file(i))).collect();
    let prd: Arc<str> = Arc::from(gen_prd());
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let mut expected = oracle_total(&texts, &prd);
    println!(
        "files={} ops={} input_bytes={} variant={} edits={} seed={} initial_total={}",
        args.files,
        args.files * OPS_PER_FILE,
        bytes,
        args.variant,
        args.edits,
        args.seed,
        expected
    );
    let baseline_hwm = proc_status_kb("VmHWM:");

    // (1) cold: 5 rounds of fresh engines; the last round's are kept for the edits.
    let names: Vec<&'static str> = match args.variant.as_str() {
        "both" => vec!["salsa", "memo"],
        "salsa" => vec!["salsa"],
        _ => vec!["memo"],
    };
    let counters = args
        .count_executions
        .then(Arc::<salsa_variant::Counters>::default);
    let mut cold: Vec<Vec<Duration>> = vec![Vec::new(); names.len()];
    let mut engines: Vec<(&'static str, Box<dyn Engine>)> = Vec::new();
    for _ in 0..5 {
        engines.clear(); // free the previous round before building the next
        for (k, &name) in names.iter().enumerate() {
            let t = Instant::now();
            let mut e = make_engine(name, &texts, &prd, &counters);
            let total = e.all_findings();
            cold[k].push(t.elapsed());
            assert_eq!(total, expected, "{name} cold total");
            engines.push((name, e));
        }
    }
    println!("cold (construct inputs + all_findings, median of 5):");
    for (k, name) in names.iter().enumerate() {
        cold[k].sort();
        println!("  {name:<16} {:8.3} ms", ms(cold[k][2]));
    }

    // (2) summary keystrokes, then (3) FR-id edits, on the same engines.
    let mut rng = Rng(args.seed);
    let mut checksum: u64 = 0;
    type EditFn = fn(&str, &mut Rng) -> String;
    let phases: [(&str, EditFn); 2] = [("summary-edit", summary_edit), ("fr-id-edit", fr_edit)];
    for (phase, edit) in phases {
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); engines.len()];
        let before = counters
            .as_ref()
            .map(|c| (c.executed.load(Relaxed), c.revalidated.load(Relaxed)));
        for _ in 0..args.edits {
            let f = rng.below(args.files);
            texts[f] = Arc::from(edit(&texts[f], &mut rng));
            let mut totals = Vec::new();
            for (k, (_, e)) in engines.iter_mut().enumerate() {
                let t = Instant::now();
                e.set_text(f, texts[f].clone());
                let total = e.all_findings();
                times[k].push(t.elapsed());
                totals.push(total);
            }
            // Untimed: every variant must agree with a from-scratch recompute
            // (and hence with each other, also across separate processes).
            expected = oracle_total(&texts, &prd);
            for ((name, _), total) in engines.iter().zip(&totals) {
                assert_eq!(*total, expected, "{name} after {phase} on file {f}");
            }
            checksum = checksum
                .wrapping_mul(1_000_003)
                .wrapping_add(expected as u64);
        }
        println!("{phase} (set_text + all_findings):");
        for (k, (name, _)) in engines.iter().enumerate() {
            summarize(name, std::mem::take(&mut times[k]));
        }
        if let (Some(c), Some((e0, v0))) = (&counters, before) {
            let per = |now: usize, then: usize| (now - then) as f64 / args.edits as f64;
            println!(
                "  salsa events per edit: {:.1} query executions, {:.1} memo revalidations",
                per(c.executed.load(Relaxed), e0),
                per(c.revalidated.load(Relaxed), v0)
            );
        }
    }
    println!("final_total={expected} totals_checksum={checksum:016x}");
    println!(
        "VmHWM: {} kB at end, {} kB after generating inputs (before any engine)",
        proc_status_kb("VmHWM:"),
        baseline_hwm
    );
}
