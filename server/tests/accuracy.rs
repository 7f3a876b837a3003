//! The real-world accuracy suite (issue 10; ACCURACY.md): `specgate check`
//! on every unit of `tests/accuracy/units.txt` (real workspaces and files of
//! `../shared/corpus`) must report exactly the findings its reviewed
//! expectations file `tests/accuracy/<unit>.tsv` lists, none left
//! unreviewed. Findings judged wrong that no structural rule can tell apart
//! stay listed (with why) and are counted in ACCURACY.md as "wrong after";
//! a new wrong one must be reviewed before it lands. A finding that appears or disappears
//! fails the test: rerun `scripts/accuracy.py run`, review what changed
//! (`scripts/accuracy.py review`), and commit the files.
//!
//! Users don't have the corpus: the test prints a message and passes then.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn corpus() -> Option<PathBuf> {
    let dir = repo().join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/corpus is absent (it is only on the team's machines)");
        None
    }
}

/// `code` and `path:line:column` → (verdict, message).
type Rows = BTreeMap<(String, String), (String, String)>;

fn expected(unit: &str) -> Rows {
    let path = repo().join(format!("tests/accuracy/{unit}.tsv"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/accuracy.py run)", path.display()));
    let mut rows = Rows::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert!(f.len() >= 4, "{}: malformed row {line:?}", path.display());
        rows.insert(
            (f[1].to_string(), f[2].to_string()),
            (f[0].to_string(), f[3].to_string()),
        );
    }
    rows
}

fn actual(target: &Path) -> BTreeMap<(String, String), String> {
    let out = Command::new(env!("CARGO_BIN_EXE_specgate"))
        .args(["check", "--format", "json"])
        .arg(target)
        .output()
        .expect("specgate runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON ({e}): {}",
            target.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut rows = BTreeMap::new();
    for d in json["diagnostics"].as_array().expect("diagnostics") {
        let s = |k: &str| d[k].as_str().unwrap_or_default().to_string();
        let n = |k: &str| d[k].as_u64().unwrap_or_default();
        rows.insert(
            (
                s("code"),
                format!("{}:{}:{}", s("path"), n("line"), n("column")),
            ),
            s("message"),
        );
    }
    rows
}

#[test]
fn real_workspaces_report_exactly_the_reviewed_findings() {
    let Some(corpus) = corpus() else {
        return;
    };
    let units = std::fs::read_to_string(repo().join("tests/accuracy/units.txt"))
        .expect("tests/accuracy/units.txt");
    let mut problems = Vec::new();
    let mut total = 0;
    let mut wrong = 0;
    for line in units
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        let (unit, path) = (f[0], f[1]);
        let want = expected(unit);
        let got = actual(&corpus.join(path));
        total += got.len();
        for (key, msg) in &got {
            match want.get(key) {
                None => problems.push(format!("{unit}: new finding {} {}: {msg}", key.0, key.1)),
                Some((_, m)) if m != msg => problems.push(format!(
                    "{unit}: message changed at {} {}: {msg} (was: {m})",
                    key.0, key.1
                )),
                Some((v, _)) if v == "wrong" => wrong += 1,
                Some((v, _)) if v == "unreviewed" => problems.push(format!(
                    "{unit}: unreviewed finding: {} {}: {msg}",
                    key.0, key.1
                )),
                Some(_) => {}
            }
        }
        for key in want.keys().filter(|k| !got.contains_key(*k)) {
            problems.push(format!("{unit}: finding gone: {} {}", key.0, key.1));
        }
    }
    eprintln!("accuracy: {total} findings checked against their reviews, {wrong} known wrong (ACCURACY.md)");
    assert!(
        problems.is_empty(),
        "{} differences from the reviewed findings (scripts/accuracy.py run; review; commit):\n{}",
        problems.len(),
        problems
            .iter()
            .take(200)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
