//! The workspace root and what `check` / `inventory` report, driven through
//! the real binary: a spec-kit feature folder checked from the repository
//! root, as `check specs/NNN-x`, from inside the folder, and copied out on
//! its own (no repository around it: the folder is its own root) gives the
//! same findings for that folder, and `inventory` lists its requirements
//! each way.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

mod lsp_support;
use lsp_support::copy_dir;

const FEATURE: &str = "specs/001-task-api";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/scope-speckit")
}

/// Runs `specgate ARGS --format json` in `cwd`: exit code and parsed output.
fn specgate(args: &[&str], cwd: &Path) -> (i32, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_specgate"))
        .args(args)
        .args(["--format", "json"])
        .current_dir(cwd)
        .output()
        .expect("specgate runs");
    let code = out.status.code().unwrap_or(-1);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "specgate {args:?} in {}: not JSON ({e}); exit {code}, stderr: {}",
            cwd.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, v)
}

/// A path (or message) of the repository seen from the feature folder.
fn local(s: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        s.to_string()
    } else {
        s.replace(&format!("{prefix}/"), "")
    }
}

/// The findings in the feature folder, as lines with folder-relative paths;
/// `prefix` is the folder's path in the workspace that was checked.
fn findings(v: &Value, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            let p = d["path"].as_str().unwrap();
            prefix.is_empty() || p.starts_with(&format!("{prefix}/"))
        })
        .map(|d| {
            format!(
                "{}:{}:{}-{}:{} {}[{}] {}",
                local(d["path"].as_str().unwrap(), prefix),
                d["line"],
                d["column"],
                d["end_line"],
                d["end_column"],
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                local(d["message"].as_str().unwrap(), prefix)
            )
        })
        .collect();
    out.sort();
    out
}

/// The inventory's requirements defined in the folder, and its operations
/// in the folder, as lines with folder-relative paths.
fn inventory(v: &Value, prefix: &str) -> (Vec<String>, Vec<String>) {
    let under = |f: &str| prefix.is_empty() || f.starts_with(&format!("{prefix}/"));
    let reqs = v["requirements"]
        .as_array()
        .expect("requirements")
        .iter()
        .filter(|r| under(r["file"].as_str().unwrap()))
        .map(|r| {
            format!(
                "{} {}:{} {} {}",
                r["id"].as_str().unwrap(),
                local(r["file"].as_str().unwrap(), prefix),
                r["line"],
                r["title"],
                r["operations"]
            )
        })
        .collect();
    let ops = v["operations"]
        .as_array()
        .expect("operations")
        .iter()
        .filter(|o| under(o["file"].as_str().unwrap()))
        .map(|o| {
            format!(
                "{} {} {}:{} {}",
                o["method"].as_str().unwrap(),
                o["path"].as_str().unwrap(),
                local(o["file"].as_str().unwrap(), prefix),
                o["line"],
                o["requirements"]
            )
        })
        .collect();
    (reqs, ops)
}

/// One way of checking the feature: what it printed for the folder.
struct Way {
    name: &'static str,
    code: i32,
    findings: Vec<String>,
    requirements: Vec<String>,
    operations: Vec<String>,
}

/// Checks and inventories `feature` of the repository `repo` the four ways.
/// Returns every way; the caller compares them.
fn four_ways(repo: &Path, feature: &str, alone: &Path) -> Vec<Way> {
    let folder = repo.join(feature);
    copy_dir(&folder, alone);
    let mut ways = Vec::new();
    let mut way = |name, check: &[&str], inv: &[&str], cwd: &Path, prefix: &str| {
        let (code, v) = specgate(check, cwd);
        let (_, i) = specgate(inv, cwd);
        let (requirements, operations) = inventory(&i, prefix);
        ways.push(Way {
            name,
            code,
            findings: findings(&v, prefix),
            requirements,
            operations,
        });
        v
    };
    // Only the folder's own findings are printed when it is named.
    for (name, cwd) in [
        ("check FOLDER", repo),
        ("inside the folder", folder.as_path()),
    ] {
        let arg = if cwd == repo { feature } else { "." };
        let v = way(name, &["check", arg], &["inventory", arg], cwd, feature);
        for d in v["diagnostics"].as_array().unwrap() {
            let p = d["path"].as_str().unwrap();
            assert!(
                p.starts_with(&format!("{feature}/")),
                "{name}: a finding outside {feature}: {d}"
            );
        }
    }
    way(
        "the repository root",
        &["check"],
        &["inventory"],
        repo,
        feature,
    );
    way("the folder alone", &["check"], &["inventory"], alone, "");
    ways
}

fn assert_same(ways: &[Way]) {
    let first = &ways[0];
    for w in &ways[1..] {
        assert_eq!(
            first.findings, w.findings,
            "findings: {} vs {}",
            first.name, w.name
        );
        assert_eq!(
            first.requirements, w.requirements,
            "inventory requirements: {} vs {}",
            first.name, w.name
        );
        assert_eq!(
            first.operations, w.operations,
            "inventory operations: {} vs {}",
            first.name, w.name
        );
    }
    // Exit codes: the repository root may have errors elsewhere.
    for w in ways.iter().filter(|w| w.name != "the repository root") {
        assert_eq!(
            first.code, w.code,
            "exit code: {} vs {}",
            first.name, w.name
        );
    }
}

fn check_fixture_with_marker(marker: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(&fixture(), &repo);
    match marker {
        ".git" => std::fs::create_dir(repo.join(".git")).unwrap(),
        _ => std::fs::write(repo.join(marker), "").unwrap(),
    }
    let ways = four_ways(&repo, FEATURE, &tmp.path().join("alone"));
    assert_same(&ways);
    let w = &ways[0];
    // What the feature really has, and not one false `unknown-requirement`
    // for the IDs its spec.md defines.
    let expected = [
        "contracts/openapi.yaml:40:5-40:9 error[untraced-operation]",
        "contracts/openapi.yaml:59:9-59:17 warning[property-not-in-dictionary]",
        "spec.md:14:62-14:68 error[unknown-requirement] FR-009",
    ];
    for e in expected {
        assert!(
            w.findings.iter().any(|f| f.starts_with(e)),
            "{marker}: expected a finding `{e}…` in {:#?}",
            w.findings
        );
    }
    let unknown: Vec<&String> = w
        .findings
        .iter()
        .filter(|f| f.contains("[unknown-requirement]"))
        .collect();
    assert_eq!(unknown.len(), 1, "{marker}: {unknown:#?}");
    // The other feature's duplicate FR-003 and its unknown FR-007 are not
    // this folder's findings.
    assert!(!w
        .findings
        .iter()
        .any(|f| f.contains("duplicate-requirement")));
    let ids: Vec<&str> = w
        .requirements
        .iter()
        .map(|r| r.split(' ').next().unwrap())
        .collect();
    assert_eq!(ids, ["FR-001", "FR-002", "FR-003", "FR-004"], "{marker}");
    assert_eq!(w.operations.len(), 3, "{marker}: {:#?}", w.operations);
    assert_eq!(w.code, 1);
}

#[test]
fn a_feature_folder_in_a_git_repository_is_the_same_checked_four_ways() {
    check_fixture_with_marker(".git");
}

#[test]
fn a_feature_folder_under_specgate_toml_is_the_same_checked_four_ways() {
    check_fixture_with_marker("specgate.toml");
}

#[test]
fn a_folder_without_a_repository_around_it_is_its_own_root() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(&fixture(), &repo);
    // No marker anywhere: `check specs/001-task-api` has only the feature
    // folder as its root (paths are relative to it) …
    let (_, v) = specgate(&["check", FEATURE], &repo);
    let paths: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"spec.md"), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("specs/")), "{paths:?}");
    // … and a file or subfolder of a feature folder finds the feature folder.
    let (_, v) = specgate(&["check", &format!("{FEATURE}/contracts")], &repo);
    let paths: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert!(!paths.is_empty());
    assert!(
        paths.iter().all(|p| p.starts_with("contracts/")),
        "{paths:?}"
    );
    let (_, v) = specgate(
        &["inventory", &format!("{FEATURE}/contracts/openapi.yaml")],
        &repo,
    );
    let post = v["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["method"] == "POST" && o["path"] == "/tasks")
        .expect("POST /tasks");
    assert_eq!(post["file"], "contracts/openapi.yaml");
    assert_eq!(post["requirements"], serde_json::json!(["FR-001"]));
}

#[test]
fn paths_of_two_workspaces_are_each_checked_against_their_own_root() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["a", "b"] {
        let d = tmp.path().join(name);
        copy_dir(&fixture(), &d);
        std::fs::create_dir(d.join(".git")).unwrap();
    }
    // Two repositories: each feature folder against its own repository,
    // paths from the current folder (so the two stay apart).
    let (code, v) = specgate(
        &["check", "a/specs/001-task-api", "b/specs/001-task-api"],
        tmp.path(),
    );
    assert_eq!(code, 1);
    let of = |repo: &str| -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| {
                let p = d["path"].as_str()?.strip_prefix(&format!("{repo}/"))?;
                Some((p.to_string(), d["code"].as_str()?.to_string()))
            })
            .collect();
        f.sort();
        f
    };
    assert!(!of("a").is_empty(), "{v:#}");
    assert_eq!(of("a"), of("b"));
    assert!(of("a")
        .iter()
        .all(|(p, _)| p.starts_with("specs/001-task-api/")));
    // Two folders of one repository: the findings of both.
    let (_, v) = specgate(
        &["check", "a/specs/001-task-api", "a/specs/002-labels"],
        tmp.path(),
    );
    let paths: std::collections::BTreeSet<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().split('/').nth(1).unwrap())
        .collect();
    assert_eq!(
        paths.into_iter().collect::<Vec<_>>(),
        ["001-task-api", "002-labels"]
    );
}

/// A real spec-kit repository (jnroesch/juggerhub, 45 features that each
/// number their own FR-001…): `specs/002-authentication` the four ways.
#[test]
fn a_real_feature_folder_is_the_same_checked_four_ways() {
    // `../shared/corpus` beside the repository; SPECGATE_CORPUS overrides
    // (a worktree elsewhere).
    let corpus = std::env::var_os("SPECGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
        .join("realworld/speckit/jnroesch__juggerhub");
    if !corpus.is_dir() {
        eprintln!("skipped: ../shared/corpus is absent (it is only on the team's machines)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(&corpus, &repo);
    std::fs::create_dir(repo.join(".git")).unwrap();
    let feature = "specs/002-authentication";
    let ways = four_ways(&repo, feature, &tmp.path().join("alone"));
    assert_same(&ways);
    let w = &ways[0];
    assert!(
        !w.findings
            .iter()
            .any(|f| f.contains("[unknown-requirement]")),
        "{:#?}",
        w.findings
    );
    assert!(w.requirements.len() >= 30, "{:#?}", w.requirements);
    assert!(!w.operations.is_empty());
    println!(
        "{feature}: {} findings, {} requirements, {} operations each way",
        w.findings.len(),
        w.requirements.len(),
        w.operations.len()
    );
}

/// An editor opening the feature folder of a repository: the server reads
/// the repository (same root as `check`) and publishes the findings that
/// `specgate check FOLDER` prints, no more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_server_on_a_feature_folder_publishes_what_check_prints() {
    use lsp_support::{has_code, Client, Options};
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    copy_dir(&fixture(), &repo);
    std::fs::create_dir(repo.join(".git")).unwrap();
    let repo = repo.canonicalize().unwrap();
    let folder = repo.join(FEATURE);
    let (_, v) = specgate(&["check", FEATURE], &repo);
    let expected: std::collections::BTreeSet<(String, u64, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                local(d["path"].as_str().unwrap(), FEATURE),
                d["line"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!expected.is_empty());

    let mut c = Client::start_in(dir, folder.clone(), Options::default()).await;
    c.wait_diags("spec.md", "FR-009 unknown", |p| {
        has_code(p, "unknown-requirement")
    })
    .await;
    c.wait_diags("contracts/openapi.yaml", "the untraced POST", |p| {
        has_code(p, "untraced-operation")
    })
    .await;
    c.pump(std::time::Duration::from_millis(1000)).await;
    let mut actual = std::collections::BTreeSet::new();
    for (uri, p) in &c.published {
        if p.diagnostics.is_empty() {
            continue;
        }
        let path = uri
            .parse::<tower_lsp_server::ls_types::Uri>()
            .unwrap()
            .to_file_path()
            .unwrap()
            .into_owned();
        assert!(
            path.starts_with(&folder),
            "published outside the opened folder: {uri}"
        );
        for d in &p.diagnostics {
            actual.insert((
                c.rel(uri),
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
                d["code"].as_str().unwrap().to_string(),
            ));
        }
    }
    assert_eq!(actual, expected);
    // Its root is the repository, as for `check`.
    let serving = format!("serving {} (reporting on {FEATURE})", repo.display());
    assert!(
        c.logs.iter().any(|l| l.contains(&serving)),
        "no `{serving}` in {:#?}",
        c.logs
    );
    c.shutdown().await;
}
