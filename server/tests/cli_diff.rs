//! `specgate diff`: fixture pairs under `tests/fixtures/diff/<case>/{base,head}`
//! (one change kind each; the `no-change-*` ones must report nothing), the
//! output formats and exit codes, and git revisions of a temporary repository.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_specgate")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/diff")
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .current_dir(dir)
        .arg("diff")
        .args(args)
        .output()
        .expect("specgate runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn every_fixture_pair_reports_its_changes() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 9, "{cases:?}");
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let (code, out, err) = run(&case, &["base", "head", "--fail-on", "none"]);
        assert_eq!(code, 0, "{name}: {err}");
        let body: Vec<&str> = out
            .lines()
            .filter(|l| !l.contains(" changes from "))
            .collect();
        if name.starts_with("no-change") {
            assert!(body.is_empty(), "{name} reported changes:\n{out}");
            continue;
        }
        assert!(!body.is_empty(), "{name} reported nothing");
        insta::assert_snapshot!(format!("diff-{name}"), body.join("\n"));
    }
}

#[test]
fn formats_and_exit_codes() {
    let case = fixtures().join("request-body");
    let (code, out, _) = run(&case, &["base", "head"]);
    assert_eq!(code, 1, "a breaking change fails by default: {out}");
    assert!(
        out.ends_with("4 changes from base to head: 4 breaking\n"),
        "{out}"
    );
    let (code, md, _) = run(&case, &["base", "head", "--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(md.starts_with("## Specgate: impact of this change"), "{md}");
    assert!(md.contains("### Breaking API changes"), "{md}");
    assert!(
        md.contains(
            "| `POST /appointments` | required request property `patient_id` added | FR-002 |"
        ),
        "{md}"
    );
    let (_, json, _) = run(&case, &["base", "head", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 4);
    assert_eq!(v[0]["level"], "breaking");
    assert_eq!(v[0]["requirements"][0], "FR-002");
    // Only non-API changes: exit 0 unless --fail-on any.
    let model = fixtures().join("data-model");
    assert_eq!(run(&model, &["base", "head"]).0, 0);
    assert_eq!(run(&model, &["base", "head", "--fail-on", "any"]).0, 1);
    let same = fixtures().join("no-change-reorder");
    assert_eq!(run(&same, &["base", "head", "--fail-on", "any"]).0, 0);
}

/// The moved `$ref` target is followed, not skipped: a change inside the
/// file it moved to is reported.
#[test]
fn a_moved_ref_target_is_compared_where_it_went() {
    let dir = tempfile::tempdir().unwrap();
    let case = fixtures().join("no-change-moved-ref");
    for side in ["base", "head"] {
        let to = dir.path().join(side);
        std::fs::create_dir_all(to.join("schemas")).unwrap();
        for f in ["openapi.yaml", "prd.md", "data-dictionary.md"] {
            std::fs::copy(case.join(side).join(f), to.join(f)).unwrap();
        }
    }
    let moved = case.join("head/schemas/new-appointment.yaml");
    let text = std::fs::read_to_string(moved).unwrap();
    std::fs::write(
        dir.path().join("head/schemas/new-appointment.yaml"),
        text.replace("required: [slot_id]", "required: [slot_id, reason]"),
    )
    .unwrap();
    let (code, out, _) = run(dir.path(), &["base", "head"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "breaking: request property `reason` became required (POST /appointments, FR-002)"
        ),
        "{out}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn git_revisions_of_a_repository_and_the_working_tree() {
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let repo = tempfile::tempdir().unwrap();
    let root = repo.path();
    let case = fixtures().join("operations");
    // The workspace is a subfolder of the repository, as in a monorepo.
    let ws = root.join("services/clinic");
    std::fs::create_dir_all(&ws).unwrap();
    let copy = |from: &Path| {
        for f in ["openapi.yaml", "prd.md", "data-dictionary.md"] {
            std::fs::copy(from.join(f), ws.join(f)).unwrap();
        }
    };
    copy(&case.join("base"));
    std::fs::write(ws.join("specgate.toml"), "").unwrap();
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "v1"]);
    copy(&case.join("head"));
    git(root, &["commit", "-qam", "v2"]);
    let (code, out, err) = run(&ws, &["HEAD~1", "HEAD"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("breaking: operation removed (DELETE /appointments/{id}, FR-003)"),
        "{out}"
    );
    assert!(
        out.ends_with("5 changes from HEAD~1 to HEAD: 2 breaking\n"),
        "{out}"
    );
    // HEAD defaults to the working tree: an uncommitted edit counts.
    let api = std::fs::read_to_string(ws.join("openapi.yaml")).unwrap();
    std::fs::write(
        ws.join("openapi.yaml"),
        api.replace(
            "operationId: listClinics\n",
            "operationId: listClinics\n      x-fr-ids: [FR-001]\n",
        ),
    )
    .unwrap();
    let (_, out, _) = run(&ws, &["HEAD"]);
    assert_eq!(
        out.lines().next(),
        Some("change: FR-IDs changed from none to FR-001 (GET /clinics, FR-001)"),
        "{out}"
    );
    let (code, _, err) = run(&ws, &["no-such-rev"]);
    assert_eq!(code, 2);
    assert!(err.contains("neither a folder nor a git revision"), "{err}");
}
