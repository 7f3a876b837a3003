//! Several workspaces in one run, through the real binary: a repository
//! with services that have a `specgate.toml` of their own (nested
//! workspaces, checked on their own, with their own config), and folders
//! with different roots named on one command line.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

mod lsp_support;
use lsp_support::copy_dir;

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/clinic")
}

/// A repository (`.git`) whose root holds the clinic example without its
/// config, and `services/billing` another copy with a `specgate.toml` of its
/// own that switches `unpaginated-list` off.
fn monorepo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join(".git")).unwrap();
    copy_dir(&example(), root);
    std::fs::remove_file(root.join("specgate.toml")).unwrap();
    let billing = root.join("services/billing");
    copy_dir(&example(), &billing);
    let cfg = std::fs::read_to_string(billing.join("specgate.toml")).unwrap();
    std::fs::write(
        billing.join("specgate.toml"),
        cfg.replace("[rules]\n", "[rules]\nunpaginated-list = \"off\"\n"),
    )
    .unwrap();
    dir
}

/// `specgate check --format json ARGS` in `dir`: exit code and findings
/// as (path, code).
fn check_json(dir: &Path, args: &[&str]) -> (i32, Vec<(String, String)>) {
    let out = Command::new(env!("CARGO_BIN_EXE_specgate"))
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let found = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out.status.code().unwrap(), found)
}

fn codes_under<'a>(found: &'a [(String, String)], prefix: &str) -> Vec<&'a str> {
    let mut v: Vec<&str> = found
        .iter()
        .filter(|(p, _)| p.starts_with(prefix))
        .map(|(_, c)| c.as_str())
        .collect();
    v.sort();
    v
}

#[test]
fn a_nested_workspace_is_checked_on_its_own_with_its_own_config() {
    let dir = monorepo();
    let root = dir.path();
    let (code, all) = check_json(root, &[]);
    assert_eq!(code, 1);
    // The root's findings, with paths from the root, and the service's,
    // with paths from the root too (so that an editor or CI can open them).
    let at_root: Vec<&(String, String)> = all
        .iter()
        .filter(|(p, _)| !p.starts_with("services/"))
        .collect();
    let service = codes_under(&all, "services/billing/");
    assert!(!at_root.is_empty(), "{all:?}");
    assert!(!service.is_empty(), "{all:?}");
    // The root has no config: the example's one rule severity change and
    // trace keys are gone, and unpaginated-list is on; the service's own
    // config switches it off there.
    assert!(at_root.iter().any(|(_, c)| c == "unpaginated-list"));
    assert!(!service.contains(&"unpaginated-list"), "{service:?}");
    // Checked from inside the service: the same findings (so none of its
    // files is reported twice from the root, as the root's and its own),
    // with paths from its root, and nothing of the repository around it.
    let (_, inside) = check_json(&root.join("services/billing"), &[]);
    let mut inside_codes: Vec<&str> = inside.iter().map(|(_, c)| c.as_str()).collect();
    inside_codes.sort();
    assert_eq!(inside_codes, service);
    assert!(inside.iter().all(|(p, _)| !p.starts_with("services/")));

    // Naming the folder that holds the service from the root checks it too.
    let (_, named) = check_json(root, &["services"]);
    assert_eq!(codes_under(&named, "services/billing/"), service);
}

#[test]
fn folders_with_different_roots_are_each_checked_against_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    copy_dir(&example(), &a);
    copy_dir(&example(), &b);
    // `b` turns one rule off: its findings differ from `a`'s by that rule.
    let cfg = std::fs::read_to_string(b.join("specgate.toml")).unwrap();
    std::fs::write(
        b.join("specgate.toml"),
        cfg.replace("[rules]\n", "[rules]\nmissing-error-response = \"off\"\n"),
    )
    .unwrap();
    let (code, found) = check_json(dir.path(), &["a", "b"]);
    assert_eq!(code, 1);
    let in_a = codes_under(&found, "a/");
    let in_b = codes_under(&found, "b/");
    assert!(in_a.contains(&"missing-error-response"), "{found:?}");
    let mut expected_b = in_a.clone();
    expected_b.retain(|c| *c != "missing-error-response");
    assert_eq!(in_b, expected_b);
    // Files named in two workspaces: each against its own root.
    let (_, files) = check_json(dir.path(), &["a/api/openapi.yaml", "b/api/openapi.yaml"]);
    assert!(
        files.iter().any(|(p, _)| p.starts_with("a/api/")),
        "{files:?}"
    );
    assert!(
        files.iter().any(|(p, _)| p.starts_with("b/api/")),
        "{files:?}"
    );

    // Each workspace writes its own baseline; a FILE for several is refused.
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_specgate"))
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let refused = run(&["check", "a", "b", "--write-baseline", "one.json"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(!dir.path().join("one.json").exists());
    let wrote = run(&["check", "a", "b", "--write-baseline"]);
    assert_eq!(wrote.status.code(), Some(0));
    assert!(a.join("specgate-baseline.json").is_file());
    assert!(b.join("specgate-baseline.json").is_file());
    assert_eq!(check_json(dir.path(), &["a", "b"]), (0, vec![]));
}
