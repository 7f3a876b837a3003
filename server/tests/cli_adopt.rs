//! Adopting Specgate on an existing API, through the real binary: a
//! baseline of today's findings, suppressions where findings are written,
//! per-path overrides, and the CI gates (`--fail-level`, `--statistics`,
//! `--format github`, SARIF fingerprints and suppressions).

use std::path::{Path, PathBuf};
use std::process::Command;

mod lsp_support;
use lsp_support::copy_dir;

/// A copy of the bundled example in a temporary folder.
fn clinic() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/clinic");
    copy_dir(&src, dir.path());
    dir
}

/// `specgate check ARGS` in `dir`: exit code, stdout, stderr.
fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_specgate"))
        .arg("check")
        .args(args)
        .args(["--color", "never"])
        .current_dir(dir)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The `path:line:col: severity[code]` lines of a text report.
fn findings(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning[") || l.contains(": info["))
        .map(|l| l.split(']').next().unwrap_or("").to_string() + "]")
        .collect()
}

fn edit(path: PathBuf, from: &str, to: &str) {
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_baseline_hides_todays_findings_and_reports_new_and_stale_ones() {
    let dir = clinic();
    let root = dir.path();
    let (code, before, _) = check(root, &[]);
    assert_eq!(code, 1, "{before}");
    let (code, _, err) = check(root, &["--write-baseline"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("specgate-baseline.json (19 entries for 20 findings)"),
        "{err}"
    );
    let (code, out, _) = check(root, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Not shown: 20 in the baseline"), "{out}");

    // Lines added above baselined findings: still hidden.
    edit(
        root.join("api/paths/clinician.yaml"),
        "get:",
        "# a note\n# another\nget:",
    );
    edit(
        root.join("db/migrations/001_init.sql"),
        "CREATE TABLE",
        "-- moved down\n\nCREATE TABLE",
    );
    let (code, out, _) = check(root, &[]);
    assert_eq!(code, 0, "{out}");

    // One new defect: only it is reported.
    edit(
        root.join("db/migrations/002_ratings.sql"),
        "CREATE TABLE",
        "CREATE TABLE audit_log (id uuid PRIMARY KEY);\n\nCREATE TABLE",
    );
    let (code, out, _) = check(root, &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        findings(&out),
        ["db/migrations/002_ratings.sql:2:14: error[table-not-in-dictionary]"],
        "{out}"
    );

    // A baselined finding fixed: its entry is stale, until the baseline is rewritten.
    edit(root.join("api/openapi.yaml"), "FR-100", "FR-010");
    let (_, out, _) = check(root, &[]);
    let stale: Vec<_> = findings(&out)
        .into_iter()
        .filter(|f| f.contains("stale-baseline-entry"))
        .collect();
    assert_eq!(stale.len(), 1, "{out}");
    assert!(
        out.contains("`unknown-requirement` in api/openapi.yaml"),
        "{out}"
    );
    let (_, _, err) = check(root, &["--write-baseline"]);
    assert!(
        err.contains("1 entries that matched nothing dropped"),
        "{err}"
    );
    let (code, out, _) = check(root, &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn entries_with_a_reason_are_kept_when_the_baseline_is_rewritten() {
    let dir = clinic();
    let root = dir.path();
    check(root, &["--write-baseline"]);
    let path = root.join("specgate-baseline.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let with_reason = text.replacen(
        "\"rule\": \"unpaginated-list\",",
        "\"rule\": \"unpaginated-list\",\n      \"reason\": \"a patient has a handful of appointments\",",
        1,
    );
    assert_ne!(text, with_reason);
    std::fs::write(&path, &with_reason).unwrap();
    check(root, &["--write-baseline"]);
    let again = std::fs::read_to_string(&path).unwrap();
    assert!(
        again.contains("a patient has a handful of appointments"),
        "{again}"
    );
}

#[test]
fn suppressions_in_yaml_sql_markdown_and_json() {
    let dir = clinic();
    let root = dir.path();
    // YAML: alone on the line above; SQL: at the end of the line;
    // Markdown: above the heading of the requirement.
    edit(
        root.join("api/paths/patient.yaml"),
        "patch:",
        "# specgate-ignore: untraced-operation — admin-only, traced in the ops runbook\npatch:",
    );
    edit(
        root.join("db/migrations/001_init.sql"),
        "speciality",
        "speciality TEXT, -- specgate-ignore: column-not-in-dictionary -- legacy\n    specialty_old",
    );
    edit(
        root.join("docs/prd.md"),
        "## FR-011",
        "<!-- specgate-ignore: uncovered-requirement — the ratings API is phase 2 -->\n## FR-011",
    );
    let (_, out, _) = check(root, &[]);
    let f = findings(&out);
    assert!(!f.iter().any(|x| x.contains("untraced-operation")), "{out}");
    assert!(!f.iter().any(|x| x.contains("001_init.sql:16")), "{out}");
    assert!(
        !f.iter().any(|x| x.contains("uncovered-requirement")),
        "{out}"
    );
    assert!(out.contains("3 suppressed where they are written"), "{out}");

    // JSON has no comments: the key, on the object the finding is about.
    std::fs::write(
        root.join("api/health.json"),
        r#"{"openapi": "3.0.3", "info": {"title": "health", "version": "1"}, "security": [],
 "paths": {"/health": {"get": {"x-specgate-ignore": ["untraced-operation", "missing-error-response"],
   "responses": {"200": {"description": "ok"}}}}}}
"#,
    )
    .unwrap();
    let (_, out, _) = check(root, &["api/health.json"]);
    assert_eq!(findings(&out), Vec::<String>::new(), "{out}");
}

#[test]
fn an_unused_suppression_is_reported_and_fixed() {
    let dir = clinic();
    let root = dir.path();
    edit(
        root.join("api/paths/clinicians.yaml"),
        "get:",
        "get:  # specgate-ignore: unpaginated-list\n",
    );
    let (_, out, _) = check(root, &["api/paths/clinicians.yaml"]);
    assert_eq!(
        findings(&out),
        ["api/paths/clinicians.yaml:1:26: warning[unused-suppression]"],
        "{out}"
    );
    let (_, _, _) = check(root, &["--fix"]);
    let text = std::fs::read_to_string(root.join("api/paths/clinicians.yaml")).unwrap();
    assert!(!text.contains("specgate-ignore"), "{text}");
    let (_, out, _) = check(root, &["api/paths/clinicians.yaml"]);
    assert_eq!(findings(&out), Vec::<String>::new(), "{out}");
}

#[test]
fn overrides_per_path() {
    let dir = clinic();
    let root = dir.path();
    let toml = std::fs::read_to_string(root.join("specgate.toml")).unwrap();
    std::fs::write(
        root.join("specgate.toml"),
        format!(
            "{toml}\n[[overrides]]\nfiles = [\"db/migrations/**\"]\nrules = {{ \"column-not-in-dictionary\" = \"off\" }}\n\n[[overrides]]\nfiles = [\"db/migrations/002_*.sql\"]\nrules = {{ \"column-not-in-dictionary\" = \"warning\" }}\n"
        ),
    )
    .unwrap();
    let (_, out, _) = check(root, &[]);
    let f = findings(&out);
    assert!(
        !f.iter()
            .any(|x| x.contains("001_init.sql") && x.contains("column-not-in-dictionary")),
        "{out}"
    );
    assert!(
        f.iter()
            .any(|x| x == "db/migrations/002_ratings.sql:10:47: warning[column-not-in-dictionary]"),
        "later blocks win: {out}"
    );
    // A bad glob is an `invalid-config` finding.
    std::fs::write(
        root.join("specgate.toml"),
        format!("{toml}\n[[overrides]]\nfiles = [\"api/[\"]\nrules = {{ \"no-such-rule\" = \"off\" }}\n"),
    )
    .unwrap();
    let (_, out, _) = check(root, &["specgate.toml"]);
    assert!(
        out.contains("invalid glob `api/[` in [[overrides]]"),
        "{out}"
    );
    assert!(out.contains("unknown rule `no-such-rule`"), "{out}");

    // Rule options per path: the clinician lookup needs only a success
    // response; a block for another file leaves its finding as it was.
    let clinician_finding = |glob: &str| {
        std::fs::write(
            root.join("specgate.toml"),
            format!(
                "{toml}\n[[overrides]]\nfiles = [\"{glob}\"]\nrules = {{ \"missing-error-response\" = {{ require = [\"success\"] }} }}\n"
            ),
        )
        .unwrap();
        let (_, out, _) = check(root, &[]);
        findings(&out).iter().any(|x| {
            x.starts_with("api/paths/clinician.yaml") && x.contains("missing-error-response")
        })
    };
    assert!(!clinician_finding("api/paths/clinician.yaml"));
    assert!(clinician_finding("api/paths/patient.yaml"));
    // An option about the whole workspace is refused in a block.
    std::fs::write(
        root.join("specgate.toml"),
        format!(
            "{toml}\n[[overrides]]\nfiles = [\"db/**\"]\nrules = {{ \"table-not-in-dictionary\" = {{ when_no_dictionary = \"off\" }} }}\n"
        ),
    )
    .unwrap();
    let (_, out, _) = check(root, &["specgate.toml"]);
    assert!(
        out.contains(
            "`when_no_dictionary` of rule `table-not-in-dictionary` applies to the whole workspace"
        ),
        "{out}"
    );
}

#[test]
fn ci_gates_statistics_and_github_annotations() {
    let dir = clinic();
    let root = dir.path();
    // Only warnings left: exit 0 by default, 1 with --fail-level warning.
    let toml = std::fs::read_to_string(root.join("specgate.toml")).unwrap();
    std::fs::write(
        root.join("specgate.toml"),
        format!("{toml}\n[[overrides]]\nfiles = [\"**\"]\nrules = {{ \"unknown-requirement\" = \"warning\", \"missing-error-response\" = \"warning\", \"unpaginated-list\" = \"warning\", \"untraced-operation\" = \"warning\", \"column-not-in-dictionary\" = \"warning\", \"table-not-in-dictionary\" = \"warning\" }}\n"),
    )
    .unwrap();
    assert_eq!(check(root, &[]).0, 0);
    assert_eq!(check(root, &["--fail-level", "warning"]).0, 1);

    let (_, out, _) = check(root, &["--statistics"]);
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["2", "column-not-in-dictionary", "warning"]),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["1", "unpaginated-list", "warning"]),
        "{out}"
    );

    let (_, out, _) = check(root, &["--format", "github"]);
    assert!(
        out.lines().any(|l| l.starts_with("::warning file=api/paths/patient-appointments.yaml,line=3,col=1,")
            && l.contains("title=specgate unpaginated-list::GET /patients/{patientId}/appointments returns a bare array")),
        "{out}"
    );
    assert_eq!(out.lines().count(), 20, "{out}");
}

#[test]
fn sarif_fingerprints_survive_lines_added_above_and_list_suppressions() {
    let dir = clinic();
    let root = dir.path();
    let prints = |root: &Path| -> Vec<(String, String)> {
        let (_, out, _) = check(root, &["--format", "sarif"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["specgateFindingKey/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    };
    let before = prints(root);
    assert_eq!(before.len(), 20);
    edit(
        root.join("api/paths/clinician.yaml"),
        "get:",
        "# a comment\n\nget:",
    );
    edit(
        root.join("docs/prd.md"),
        "## Functional requirements",
        "Intro.\n\n## Functional requirements",
    );
    let after = prints(root);
    let mut a = before.clone();
    let mut b = after.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b);

    edit(
        root.join("api/paths/patient.yaml"),
        "patch:",
        "patch:  # specgate-ignore: untraced-operation — internal\n",
    );
    let (_, out, _) = check(root, &["--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let sup: Vec<_> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(sup.len(), 1, "{out}");
    assert_eq!(sup[0]["suppressions"][0]["kind"], "inSource");
    assert_eq!(sup[0]["suppressions"][0]["justification"], "internal");
}
