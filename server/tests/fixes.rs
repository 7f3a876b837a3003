//! Quick fixes on fixture workspaces (`tests/fixtures/fixes-*`): each test
//! applies one fix, re-reads the edited files (they must parse without
//! errors), re-checks the workspace, and asserts that the finding is gone
//! and no new finding appeared. The edit is a snapshot (a diff of each
//! edited file, with the fix's title and whether it is safe).
//!
//! Then fix-all: `fix_workspace` converges, leaves no safe fix behind and is
//! idempotent; and `specgate check --fix` on a copy of examples/clinic.

use specgate::diag::{Applicability, Diagnostic, Fix};
use specgate::edit;
use specgate::index::{Index, Parsed};
use specgate::rules;
use specgate::workspace::Workspace;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn load(name: &str) -> Index {
    let ws = Workspace::load(&fixture(name), None).expect("fixture loads");
    Index::build(ws, None)
}

/// A finding's identity across edits (spans move; file, rule and message stay).
fn key(d: &Diagnostic) -> (String, &'static str, String) {
    (d.location.file.to_string(), d.code, d.message.clone())
}

/// A small line diff: changed lines with two lines of context.
fn diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // LCS table.
    let (n, m) = (a.len(), b.len());
    let mut l = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            l[i][j] = if a[i] == b[j] {
                l[i + 1][j + 1] + 1
            } else {
                l[i + 1][j].max(l[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || l[i + 1][j] >= l[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    let near = |k: usize| {
        let lo = k.saturating_sub(2);
        let hi = (k + 3).min(ops.len());
        ops[lo..hi].iter().any(|(c, _)| *c != ' ')
    };
    let mut out = String::new();
    let mut gap = false;
    for (k, (c, line)) in ops.iter().enumerate() {
        if *c != ' ' || near(k) {
            if gap {
                out.push_str("...\n");
                gap = false;
            }
            out.push_str(&format!("{c} {line}\n"));
        } else {
            gap = true;
        }
    }
    if old.ends_with('\n') != new.ends_with('\n') {
        out.push_str("(final line break changed)\n");
    }
    out
}

/// Syntax errors of a file as the engine reads it.
fn parse_errors(index: &Index, file: &str) -> Vec<String> {
    match index.parsed(file) {
        Some(Parsed::Structured(doc, _)) | Some(Parsed::Dictionary(_, Some(doc))) => {
            doc.errors.iter().map(|e| e.message.clone()).collect()
        }
        Some(Parsed::Sql(s)) => s.errors.iter().map(|e| e.message.clone()).collect(),
        _ => Vec::new(),
    }
}

/// Applies `fix` to `index`'s texts and returns the rebuilt index.
fn apply(index: &Index, fix: &Fix) -> (Index, BTreeMap<String, (String, String)>) {
    let texts = edit::apply_files(|f| index.source(f).map(|s| s.text.to_string()), &fix.edits)
        .expect("edits apply");
    let mut ws = index.ws.clone();
    let mut changed = BTreeMap::new();
    for (f, t) in &texts {
        changed.insert(f.to_string(), (index.text(f).to_string(), t.clone()));
        ws.insert(f, t.clone());
    }
    (Index::build(ws, None), changed)
}

/// Applies the fix titled `title…` of the first `code` finding whose message
/// contains `needle`; checks the edited files parse, the finding is gone and
/// nothing new appeared; returns the snapshot text.
fn fix_case(fixture_name: &str, code: &str, needle: &str, title: &str) -> String {
    fix_case_with(fixture_name, code, needle, title, true)
}

/// [`fix_case`]; `gone`: whether the fix must remove the finding (only
/// "Add x-fr-ids" with an empty list, a placeholder to fill in, does not).
fn fix_case_with(fixture_name: &str, code: &str, needle: &str, title: &str, gone: bool) -> String {
    let index = load(fixture_name);
    let before = rules::check(&index);
    // The finding whose fix `title…` is preferred, else the first with it.
    let candidates: Vec<&Diagnostic> = before
        .iter()
        .filter(|d| d.code == code && d.message.contains(needle))
        .collect();
    let has = |d: &Diagnostic, preferred: bool| {
        rules::fixes(&index, d)
            .iter()
            .any(|f| f.title.starts_with(title) && (f.preferred || !preferred))
    };
    let d = candidates
        .iter()
        .find(|d| has(d, true))
        .or_else(|| candidates.iter().find(|d| has(d, false)))
        .or(candidates.first())
        .copied()
        .unwrap_or_else(|| {
            panic!(
                "no {code} finding with {needle:?} in {fixture_name}:\n{:#?}",
                before.iter().map(key).collect::<Vec<_>>()
            )
        });
    let fixes = rules::fixes(&index, d);
    let titles: Vec<String> = fixes
        .iter()
        .map(|f| {
            format!(
                "{}{} ({})",
                if f.preferred { "* " } else { "  " },
                f.title,
                match f.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "needs review",
                    Applicability::Display => "editor only",
                }
            )
        })
        .collect();
    let fix = fixes
        .iter()
        .find(|f| f.title.starts_with(title))
        .unwrap_or_else(|| panic!("no fix {title:?} for {}: {titles:#?}", d.message));
    let (after_index, changed) = apply(&index, fix);
    for f in changed.keys() {
        let errs = parse_errors(&after_index, f);
        assert!(
            errs.is_empty(),
            "{f} no longer parses: {errs:?}\n{}",
            after_index.text(f)
        );
    }
    let after = rules::check(&after_index);
    let fixed = key(d);
    assert!(
        !gone || !after.iter().any(|a| key(a) == fixed),
        "the finding is still there after `{}`: {}",
        fix.title,
        d.message
    );
    let mut pool: Vec<_> = before.iter().map(key).collect();
    // An API that had no error format at all (one finding for its root)
    // gets one from a fix that writes the first error body; its other
    // error responses without content are then named one by one: revealed
    // by the format now existing, not caused.
    let undesigned: Vec<String> = before
        .iter()
        .filter(|d| {
            d.code == "inconsistent-error-format" && d.message.contains("designs no error format")
        })
        .map(|d| d.location.file.to_string())
        .collect();
    // Attributes the fix adds to the dictionary: a table without their
    // column is the next step the dictionary now asks for, not a regression.
    let added: Vec<String> = changed
        .iter()
        .flat_map(|(_, (old, new))| {
            let old: Vec<&str> = old.lines().collect();
            new.lines()
                .filter(|l| !old.contains(l))
                .filter_map(|l| {
                    let cell = l.trim().strip_prefix('|')?.split('|').next()?.trim();
                    Some(cell.trim_matches('`').to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for a in &after {
        let k = key(a);
        if a.code == "missing-column"
            && added
                .iter()
                .any(|n| !n.is_empty() && a.message.contains(&format!(".{n} ")))
        {
            continue;
        }
        if a.code == "inconsistent-error-format"
            && a.message.contains("has no content")
            && !undesigned.is_empty()
        {
            continue;
        }
        match pool.iter().position(|p| *p == k) {
            Some(i) => {
                pool.swap_remove(i);
            }
            None => panic!(
                "`{}` made a new finding: {}:{} {}\n{}",
                fix.title,
                k.0,
                k.1,
                k.2,
                changed
                    .iter()
                    .map(|(f, (o, n))| format!("--- {f}\n{}", diff(o, n)))
                    .collect::<String>()
            ),
        }
    }
    let mut s = format!("finding: {}\nfixes:\n", d.message);
    for t in &titles {
        s.push_str(t);
        s.push('\n');
    }
    s.push_str(&format!("applied: {}\n", fix.title));
    for (f, (old, new)) in &changed {
        s.push_str(&format!("--- {f}\n{}", diff(old, new)));
    }
    s
}

macro_rules! fix_test {
    ($name:ident, $fixture:expr, $code:expr, $needle:expr, $title:expr) => {
        #[test]
        fn $name() {
            let s = fix_case($fixture, $code, $needle, $title);
            insta::assert_snapshot!(stringify!($name), s);
        }
    };
}

// Block YAML, 2-space indentation, one file.
fix_test!(
    block_trace,
    "fixes-block-yaml",
    "untraced-operation",
    "GET /pets",
    "Trace to FR-001"
);

/// The last choice writes an empty list to fill in: the file stays valid,
/// nothing new appears, the finding stays until an ID is written.
#[test]
fn block_trace_empty() {
    let s = fix_case_with(
        "fixes-block-yaml",
        "untraced-operation",
        "GET /pets",
        "Add x-fr-ids",
        false,
    );
    assert!(s.contains("+       x-fr-ids: []"), "{s}");
}
fix_test!(
    block_unknown_id,
    "fixes-block-yaml",
    "unknown-requirement",
    "FR-099",
    "Change to FR-002"
);
fix_test!(
    block_responses,
    "fixes-block-yaml",
    "missing-error-response",
    "POST /pets",
    "Add missing responses"
);
fix_test!(
    block_pagination,
    "fixes-block-yaml",
    "unpaginated-list",
    "GET /pets",
    "Add cursor pagination"
);
fix_test!(
    block_offset_pagination,
    "fixes-block-yaml",
    "unpaginated-list",
    "GET /pets",
    "Add offset pagination"
);
fix_test!(
    block_stub,
    "fixes-block-yaml",
    "uncovered-requirement",
    "FR-005",
    "Create an endpoint stub"
);
fix_test!(
    block_no_api_marker,
    "fixes-block-yaml",
    "uncovered-requirement",
    "FR-005",
    "Mark FR-005 as needing no endpoint"
);
fix_test!(
    block_property_rename,
    "fixes-block-yaml",
    "property-not-in-dictionary",
    "speciess",
    "Rename property to `species`"
);
fix_test!(
    block_property_add,
    "fixes-block-yaml",
    "property-not-in-dictionary",
    "nickname",
    "Add `nickname`"
);
fix_test!(
    sql_column_rename,
    "fixes-block-yaml",
    "column-not-in-dictionary",
    "specie`",
    "Rename column to `species`"
);
fix_test!(
    sql_column_add,
    "fixes-block-yaml",
    "column-not-in-dictionary",
    "weight_kg",
    "Add `weight_kg`"
);
fix_test!(
    sql_table_add,
    "fixes-block-yaml",
    "table-not-in-dictionary",
    "suppliers",
    "Add entity"
);

// Block YAML, 4-space indentation, sequences level with their key, double quotes.
fix_test!(
    indent4_trace,
    "fixes-indent4-yaml",
    "untraced-operation",
    "GET /authors",
    "Trace to FR-003"
);
fix_test!(
    indent4_pagination,
    "fixes-indent4-yaml",
    "unpaginated-list",
    "GET /authors",
    "Add page pagination"
);
fix_test!(
    indent4_responses,
    "fixes-indent4-yaml",
    "missing-error-response",
    "GET /books/{bookId}",
    "Add missing responses"
);
fix_test!(
    indent4_stub,
    "fixes-indent4-yaml",
    "uncovered-requirement",
    "FR-004",
    "Create an endpoint stub"
);

// A YAML document written in flow style.
fix_test!(
    flow_trace,
    "fixes-flow-yaml",
    "untraced-operation",
    "GET /tasks",
    "Trace to FR-001"
);
fix_test!(
    flow_responses,
    "fixes-flow-yaml",
    "missing-error-response",
    "POST /tasks",
    "Add missing response"
);
fix_test!(
    flow_pagination,
    "fixes-flow-yaml",
    "unpaginated-list",
    "GET /tasks",
    "Add cursor pagination"
);
fix_test!(
    flow_stub,
    "fixes-flow-yaml",
    "uncovered-requirement",
    "FR-003",
    "Create an endpoint stub"
);

// JSON, 2-space indentation; nothing to reuse: Problem is created.
fix_test!(
    json_trace,
    "fixes-json",
    "untraced-operation",
    "GET /notes",
    "Trace to FR-001"
);
fix_test!(
    json_responses_create_problem,
    "fixes-json",
    "missing-error-response",
    "GET /notes/{noteId}",
    "Add missing responses"
);
fix_test!(
    json_pagination,
    "fixes-json",
    "unpaginated-list",
    "GET /notes",
    "Add cursor pagination"
);
fix_test!(
    json_stub,
    "fixes-json",
    "uncovered-requirement",
    "FR-003",
    "Create an endpoint stub"
);
fix_test!(
    json_unknown_id,
    "fixes-json",
    "unknown-requirement",
    "FR-0002",
    "Change to FR-002"
);

// An API split into files: refs are written relative to the edited file.
fix_test!(
    multi_responses,
    "fixes-multifile",
    "missing-error-response",
    "GET /rooms/{roomId}",
    "Add missing responses"
);
fix_test!(
    multi_pagination,
    "fixes-multifile",
    "unpaginated-list",
    "GET /rooms/{roomId}/bookings",
    "Add cursor pagination"
);
fix_test!(
    multi_trace,
    "fixes-multifile",
    "untraced-operation",
    "DELETE /rooms/{roomId}",
    "Trace to FR-004"
);
fix_test!(
    multi_stub,
    "fixes-multifile",
    "uncovered-requirement",
    "FR-005",
    "Create an endpoint stub"
);

// Swagger 2.0: `definitions`, root `responses`, `schema` without `content`.
fix_test!(
    swagger2_responses,
    "fixes-swagger2",
    "missing-error-response",
    "GET /pets/{id}",
    "Add missing responses"
);
fix_test!(
    swagger2_pagination,
    "fixes-swagger2",
    "unpaginated-list",
    "GET /pets",
    "Add cursor pagination"
);
fix_test!(
    swagger2_stub,
    "fixes-swagger2",
    "uncovered-requirement",
    "FR-003",
    "Create an endpoint stub"
);

// Dictionaries in YAML, CSV and Markdown lists.
fix_test!(
    dict_yaml_column,
    "fixes-dict-yaml",
    "column-not-in-dictionary",
    "nickname",
    "Add `nickname`"
);
fix_test!(
    dict_yaml_table,
    "fixes-dict-yaml",
    "table-not-in-dictionary",
    "invoices",
    "Add entity"
);
fix_test!(
    dict_csv_column,
    "fixes-dict-csv",
    "column-not-in-dictionary",
    "nickname",
    "Add `nickname`"
);
fix_test!(
    dict_csv_table,
    "fixes-dict-csv",
    "table-not-in-dictionary",
    "invoices",
    "Add entity"
);
fix_test!(
    dict_list_column,
    "fixes-dict-list",
    "column-not-in-dictionary",
    "nickname",
    "Add `nickname`"
);
fix_test!(
    dict_list_table,
    "fixes-dict-list",
    "table-not-in-dictionary",
    "invoices",
    "Add entity"
);

// Requirements: duplicates and unknown IDs in prose and SQL.
fix_test!(
    prd_duplicate,
    "fixes-prd",
    "duplicate-requirement",
    "FR-002",
    "Renumber to FR-004"
);
fix_test!(
    prd_unknown_in_prose,
    "fixes-prd",
    "unknown-requirement",
    "FR-0012",
    "Change to FR-001"
);
fix_test!(
    sql_unknown_in_comment,
    "fixes-prd",
    "unknown-requirement",
    "FR-30",
    "Change to FR-003"
);

/// Every fixture: fix-all converges, leaves no safe fix behind, parses,
/// and a second run changes nothing.
#[test]
fn fix_all_converges_on_every_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("fixes-"))
        .collect();
    names.sort();
    assert!(names.len() >= 8, "{names:?}");
    let mut report = String::new();
    for name in &names {
        for include_unsafe in [false, true] {
            let ws = Workspace::load(&fixture(name), None).expect("loads");
            let run = specgate::fix::fix_workspace(ws, include_unsafe, &|_, _| true, 32);
            for f in run.changed.keys() {
                let errs = parse_errors(&run.index, f);
                assert!(errs.is_empty(), "{name}: {f} no longer parses: {errs:?}");
            }
            let left = rules::check(&run.index);
            for d in &left {
                let safe_left = rules::fixes(&run.index, d)
                    .iter()
                    .any(|f| f.applicability == Applicability::Safe);
                assert!(
                    !safe_left || include_unsafe,
                    "{name}: a safe fix is left for {}",
                    d.message
                );
            }
            // Idempotent: running again on the result changes nothing.
            let again = specgate::fix::fix_workspace(
                run.index.ws.clone(),
                include_unsafe,
                &|_, _| true,
                32,
            );
            assert!(
                again.changed.is_empty(),
                "{name}: a second run changed {:?}",
                again.changed.keys().collect::<Vec<_>>()
            );
            report.push_str(&format!(
                "{name}{}: {} fixes in {} passes, {} findings left\n",
                if include_unsafe { " (unsafe too)" } else { "" },
                run.applied.len(),
                run.passes,
                left.len()
            ));
        }
    }
    insta::assert_snapshot!("fix_all_report", report);
}

/// The edits of `fix_all` for one file are the safe fixes of its findings,
/// non-overlapping, and applying them removes those findings.
#[test]
fn fix_all_of_one_file() {
    let index = load("fixes-block-yaml");
    let edits = specgate::fix::fix_all(&index, "openapi.yaml");
    assert!(!edits.is_empty());
    for w in edits.windows(2) {
        assert!(!edit::conflict(&w[0], &w[1]), "{w:?}");
    }
    let fix = Fix {
        title: "fix all".into(),
        applicability: Applicability::Safe,
        edits,
        preferred: false,
    };
    let (after, _) = apply(&index, &fix);
    assert!(parse_errors(&after, "openapi.yaml").is_empty());
    let left: Vec<String> = rules::check(&after)
        .iter()
        .filter(|d| &*d.location.file == "openapi.yaml")
        .filter(|d| {
            rules::fixes(&after, d)
                .iter()
                .any(|f| f.applicability == Applicability::Safe)
        })
        .map(|d| d.message.clone())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

fn read_all(dir: &Path, base: &Path, out: &mut BTreeMap<String, String>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            read_all(&p, base, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read_to_string(&p).unwrap_or_default());
        }
    }
}

/// `specgate check --fix` on a copy of the bundled example: what it changes,
/// and that only findings needing a human decision remain.
#[test]
fn check_fix_on_the_clinic_example() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/clinic");
    let tmp = tempfile::tempdir().unwrap();
    let dst = tmp.path().join("clinic");
    copy_dir(&src, &dst);
    let mut before = BTreeMap::new();
    read_all(&dst, &dst, &mut before);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_specgate"))
        .args(["check", "--fix", "--color", "never"])
        .arg(&dst)
        .output()
        .expect("specgate runs");
    let stdout = String::from_utf8_lossy(&out.stdout).replace(&*dst.to_string_lossy(), "<clinic>");
    let mut after = BTreeMap::new();
    read_all(&dst, &dst, &mut after);
    let mut changes = String::new();
    for (f, new) in &after {
        let old = before.get(f).cloned().unwrap_or_default();
        if *new != old {
            changes.push_str(&format!("--- {f}\n{}", diff(&old, new)));
        }
    }
    // What is left needs a decision: no safe fix remains for it.
    let ws = Workspace::load(&dst, None).unwrap();
    let index = Index::build(ws, None);
    for d in rules::check(&index) {
        let safe = rules::fixes(&index, &d)
            .iter()
            .any(|f| f.applicability == Applicability::Safe);
        assert!(!safe, "a safe fix was left for {}", d.message);
    }
    // A second run has nothing to do.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_specgate"))
        .args(["check", "--fix", "--color", "never"])
        .arg(&dst)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("no fixes applied"));
    insta::assert_snapshot!("clinic_check_fix_output", stdout);
    insta::assert_snapshot!("clinic_check_fix_changes", changes);
}

/// Half-typed files (every fixture file cut short at many places): asking
/// for fixes and applying them never panics, and applied fixes never leave
/// a structured file with more syntax errors than it had.
#[test]
fn fixes_on_half_typed_files_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("fixes-"))
        .collect();
    names.sort();
    for name in names {
        let ws = Workspace::load(&fixture(&name), None).unwrap();
        let files: Vec<String> = ws.files.keys().map(|f| f.to_string()).collect();
        for f in files {
            let full = ws.files[f.as_str()].text.to_string();
            let mut cut = 0;
            while cut < full.len() {
                cut = (cut + 97).min(full.len());
                while !full.is_char_boundary(cut) {
                    cut += 1;
                }
                let mut w = ws.clone();
                w.insert(&f, full[..cut].to_string());
                let index = Index::build(w, None);
                for d in rules::check(&index) {
                    for fix in rules::fixes(&index, &d) {
                        let texts = edit::apply_files(
                            |x| index.source(x).map(|s| s.text.to_string()),
                            &fix.edits,
                        )
                        .unwrap_or_else(|e| {
                            panic!("{name}/{f}@{cut}: `{}` does not apply: {e}", fix.title)
                        });
                        let mut w2 = index.ws.clone();
                        for (tf, t) in &texts {
                            w2.insert(tf, t.clone());
                        }
                        let after = Index::build(w2, None);
                        for tf in texts.keys() {
                            let before_n = parse_errors(&index, tf).len();
                            let after_n = parse_errors(&after, tf).len();
                            assert!(
                                after_n <= before_n,
                                "{name}/{f}@{cut}: `{}` broke {tf}:\n{}",
                                fix.title,
                                after.text(tf)
                            );
                        }
                    }
                }
            }
        }
    }
}

/// One fix-all: on every fixture, the editor's `source.fixAll` (the
/// language server calls `ide::fix_all` per file) and `specgate check --fix`
/// (one pass of `fix_workspace`, safe fixes) write the same text, for every
/// file whose findings the CLI fixed.
#[test]
fn editor_and_cli_fix_all_agree() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("fixes-"))
        .collect();
    names.sort();
    let mut compared = 0;
    for name in &names {
        let index = load(name);
        let diags = rules::check(&index);
        let files: std::collections::BTreeSet<String> =
            diags.iter().map(|d| d.location.file.to_string()).collect();
        for file in files {
            // The CLI, fixing only this file's findings, for one pass.
            let ws = Workspace::load(&fixture(name), None).expect("loads");
            let f = file.clone();
            let cli = specgate::fix::fix_workspace(
                ws,
                false,
                &move |_, d: &Diagnostic| *d.location.file == *f,
                1,
            );
            // The editor.
            let edits = specgate::ide::fix_all(&index, &diags, &file);
            let fix = Fix {
                title: "fix all".into(),
                applicability: Applicability::Safe,
                edits,
                preferred: false,
            };
            let (after, _) = apply(&index, &fix);
            for (changed, text) in &cli.changed {
                let editor = after.ws.files.get(changed).map(|s| s.text.to_string());
                assert_eq!(
                    editor.as_deref(),
                    Some(text.as_str()),
                    "{name}: fix-all of {file}: the editor and the CLI differ in {changed}"
                );
                compared += 1;
            }
        }
    }
    assert!(compared >= 8, "only {compared} files compared");
}

// Security: the scheme the API uses, with the 401 a secured operation
// needs; public by decision; a misspelt scheme; an API without any scheme.
fix_test!(
    security_secure,
    "fixes-security",
    "unsecured-operation",
    "GET /pets/{id}",
    "Secure with `bearerAuth`"
);
fix_test!(
    security_public,
    "fixes-security",
    "unsecured-operation",
    "GET /pets/{id}",
    "Mark as public"
);
fix_test!(
    security_scheme_name,
    "fixes-security",
    "undefined-security-scheme",
    "`bearer`",
    "Change to `bearerAuth`"
);
fix_test!(
    security_none,
    "fixes-security-none",
    "unsecured-operation",
    "no security scheme",
    "Add a bearer JWT scheme"
);
fix_test!(
    scope_closest,
    "fixes-scope",
    "undefined-scope",
    "pets:wirte",
    "Change to `pets:write`"
);
fix_test!(
    scope_declare,
    "fixes-scope",
    "undefined-scope",
    "pets:wirte",
    "Declare `pets:wirte`"
);
fix_test!(
    permission_scope,
    "fixes-permission",
    "missing-permission",
    "DELETE /pets/{id}",
    "Require `pets:write`"
);
fix_test!(
    example_body,
    "fixes-example",
    "missing-example",
    "the request body",
    "Add an example from the schema"
);
fix_test!(
    example_response_allof,
    "fixes-example",
    "missing-example",
    "the 201 response",
    "Add an example from the schema"
);
fix_test!(
    example_swagger2_response,
    "fixes-example-swagger2",
    "missing-example",
    "the 201 response",
    "Add an example from the schema"
);
fix_test!(
    error_format_no_content,
    "fixes-error-format",
    "inconsistent-error-format",
    "the 404 response",
    "Use the API's error format"
);
fix_test!(
    error_format_other_schema,
    "fixes-error-format",
    "inconsistent-error-format",
    "the 409 response",
    "Use the API's error format"
);
fix_test!(
    naming_plural,
    "fixes-naming",
    "resource-naming",
    "/patient/{patientId}",
    "Rename to /patients/{patientId}"
);
fix_test!(
    naming_style,
    "fixes-naming",
    "resource-naming",
    "appointmentHistory",
    "Rename to /patients/{patientId}/appointment-history"
);

// The three-way alignment (issue 14): dictionary, SQL and API in one workspace.
fix_test!(
    align_column_type,
    "fixes-alignment",
    "column-type-mismatch",
    "patients.email",
    "Change the column's type to `varchar(120)`"
);
fix_test!(
    align_column_type_dictionary,
    "fixes-alignment",
    "column-type-mismatch",
    "clinics.name",
    "Change the dictionary's type"
);
fix_test!(
    align_property_type,
    "fixes-alignment",
    "property-type-mismatch",
    "property `id`",
    "Write the dictionary's uuid"
);
fix_test!(
    align_property_enum,
    "fixes-alignment",
    "property-type-mismatch",
    "property `status`",
    "Write the dictionary's enum"
);
fix_test!(
    align_property_max_length,
    "fixes-alignment",
    "property-type-mismatch",
    "property `email`",
    "Write the dictionary's string(120)"
);
fix_test!(
    align_property_format,
    "fixes-alignment",
    "property-type-mismatch",
    "property `born`",
    "Write the dictionary's date"
);
fix_test!(
    align_not_null,
    "fixes-alignment",
    "required-mismatch",
    "patients.status",
    "Add NOT NULL"
);
fix_test!(
    align_drop_not_null,
    "fixes-alignment",
    "required-mismatch",
    "patients.nickname",
    "Remove NOT NULL"
);
fix_test!(
    align_required_property,
    "fixes-alignment",
    "required-mismatch",
    "property `status`",
    "Add the property to `required`"
);
fix_test!(
    align_foreign_key,
    "fixes-alignment",
    "missing-foreign-key",
    "patients.clinic_id",
    "Add REFERENCES clinics (id)"
);
fix_test!(
    align_missing_column,
    "fixes-alignment",
    "missing-column",
    "Patient.phone",
    "Add column `phone varchar(20)`"
);
fix_test!(
    align_primary_key_id,
    "fixes-alignment",
    "missing-primary-key",
    "audit_log",
    "Make `id` the primary key"
);
fix_test!(
    align_primary_key_new,
    "fixes-alignment",
    "missing-primary-key",
    "events",
    "Add an `id` primary key column"
);
fix_test!(
    align_index,
    "fixes-alignment",
    "unindexed-foreign-key",
    "events",
    "Create index"
);
