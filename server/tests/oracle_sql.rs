//! PostgreSQL's own parser (libpg_query, through `pglast` from PyPI) as a
//! test oracle for the SQL reader: a `.sql` file that PostgreSQL accepts
//! must get no `syntax-error` from Specgate.
//!
//! Files: every `.sql` under `../shared/corpus` (recursively; the path can
//! be overridden with `SPECGATE_CORPUS`) and the samples of ordinary
//! PostgreSQL migrations in `tests/fixtures/sql-oracle` (which PostgreSQL
//! must accept, or the sample is wrong). One python3 process parses them all.
//! The test prints a message and passes when python3 or pglast is absent
//! (CI installs pglast in `.ci/run`); without the corpus it checks the
//! samples alone.

use specgate::model::sql::read_sql;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const ORACLE: &str = r#"
import sys
try:
    import pglast
except ImportError:
    print("NO-PGLAST")
    sys.exit(0)
for line in sys.stdin:
    path = line.rstrip("\n")
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            pglast.parse_sql(f.read())
        print("OK")
    except Exception as e:
        print("ERR " + " ".join(str(e).split()))
    sys.stdout.flush()
"#;

fn sql_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_symlink() {
            continue;
        }
        if p.is_dir() {
            sql_files(&p, out);
        } else if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("sql")) {
            out.push(p);
        }
    }
}

/// pglast's verdict on each file: `Ok(())` or `Err(message)`; `None` when
/// python3 or pglast is not there.
fn pglast_verdicts(files: &[PathBuf]) -> Option<Vec<Result<(), String>>> {
    let mut child = match Command::new("python3")
        .arg("-c")
        .arg(ORACLE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("skipped: python3 is not available ({e})");
            return None;
        }
    };
    {
        let mut stdin = child.stdin.take().expect("stdin");
        for f in files {
            writeln!(stdin, "{}", f.display()).expect("write to python3");
        }
    }
    let out = child.wait_with_output().expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout);
    if text.starts_with("NO-PGLAST") {
        eprintln!(
            "skipped: the Python package pglast is not installed (python3 -m pip install pglast)"
        );
        return None;
    }
    let verdicts: Vec<_> = text
        .lines()
        .map(|l| match l.strip_prefix("ERR ") {
            Some(m) => Err(m.to_string()),
            None => Ok(()),
        })
        .collect();
    assert_eq!(
        verdicts.len(),
        files.len(),
        "pglast answered for {} of {} files",
        verdicts.len(),
        files.len()
    );
    Some(verdicts)
}

#[test]
fn sql_that_postgresql_accepts_has_no_syntax_error() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let samples_dir = manifest.join("../tests/fixtures/sql-oracle");
    let mut samples = Vec::new();
    sql_files(&samples_dir, &mut samples);
    assert!(
        !samples.is_empty(),
        "no samples in {}",
        samples_dir.display()
    );

    let corpus_dir = std::env::var_os("SPECGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../shared/corpus"));
    let mut corpus = Vec::new();
    if corpus_dir.is_dir() {
        sql_files(&corpus_dir, &mut corpus);
    } else {
        eprintln!(
            "note: {} is absent (it is only on the team's machines): checking the samples alone",
            corpus_dir.display()
        );
    }

    let files: Vec<PathBuf> = samples.iter().chain(&corpus).cloned().collect();
    let Some(verdicts) = pglast_verdicts(&files) else {
        return;
    };
    let ids = regex::Regex::new(r"FR-\d+").unwrap();
    let mut failures = Vec::new();
    let mut accepted = 0;
    for (i, (path, verdict)) in files.iter().zip(&verdicts).enumerate() {
        let is_sample = i < samples.len();
        if let Err(msg) = verdict {
            if is_sample {
                failures.push(format!(
                    "{}: the sample is not valid PostgreSQL: {msg}",
                    path.display()
                ));
            }
            continue;
        }
        accepted += 1;
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        // Both readers: tree-sitter-sequel (files up to 256 KiB) and the
        // token scanner (larger files, and statements tree-sitter rejects).
        for (reader, use_tree_sitter) in [("tree-sitter", true), ("scanner", false)] {
            let (parsed, _) = read_sql(&text, &ids, use_tree_sitter);
            for e in &parsed.errors {
                let line = text[..e.span.start as usize].matches('\n').count() + 1;
                failures.push(format!(
                    "{}:{line}: syntax-error `{}` ({reader}; PostgreSQL accepts the file)",
                    path.display(),
                    e.message
                ));
            }
        }
    }
    eprintln!(
        "{} files ({} samples, {} from the corpus), {accepted} accepted by PostgreSQL",
        files.len(),
        samples.len(),
        corpus.len()
    );
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
