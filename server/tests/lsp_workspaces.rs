//! Several workspaces in one editor session: a window with two folders
//! (each with its own `specgate.toml`), folders added and removed while it
//! runs, and a repository with a service that has a config of its own (a
//! nested workspace).

mod lsp_support;

use lsp_support::{codes, copy_dir, Client, Options};
use serde_json::json;
use std::path::Path;

fn example() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/clinic")
}

/// The clinic example at `dir`, with `missing-error-response` made a hint
/// in its config (an error by default).
fn clinic_with_hints(dir: &Path) {
    copy_dir(&example(), dir);
    let cfg = std::fs::read_to_string(dir.join("specgate.toml")).unwrap();
    std::fs::write(
        dir.join("specgate.toml"),
        cfg.replace("[rules]\n", "[rules]\nmissing-error-response = \"hint\"\n"),
    )
    .unwrap();
}

/// Its one finding: `missing-error-response` (no 404).
const CLINICIAN: &str = "api/paths/clinician.yaml";

/// The severity of the `missing-error-response` published (1 error, 4 hint).
fn severity(diags: &[serde_json::Value]) -> Option<i64> {
    diags
        .iter()
        .find(|d| d["code"] == "missing-error-response")
        .and_then(|d| d["severity"].as_i64())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_folder_of_a_window_is_a_workspace_with_its_own_config() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("top");
    copy_dir(&example(), &top.join("a"));
    clinic_with_hints(&top.join("b"));
    let top = top.canonicalize().unwrap();
    let mut c = Client::start_in(
        dir,
        top,
        Options {
            folders: vec!["a", "b"],
            ..Default::default()
        },
    )
    .await;
    let (a, b) = (format!("a/{CLINICIAN}"), format!("b/{CLINICIAN}"));
    c.open(&a);
    c.open(&b);
    let in_a = c
        .wait_diags(&a, "a's findings", |p| !p.diagnostics.is_empty())
        .await;
    let in_b = c
        .wait_diags(&b, "b's findings", |p| !p.diagnostics.is_empty())
        .await;
    let (ca, cb) = (codes(&in_a.diagnostics), codes(&in_b.diagnostics));
    // The same finding in both, at the severity each folder's config gives.
    assert_eq!(ca, cb);
    assert_eq!(
        severity(&in_a.diagnostics),
        Some(1),
        "{:?}",
        in_a.diagnostics
    );
    assert_eq!(
        severity(&in_b.diagnostics),
        Some(4),
        "{:?}",
        in_b.diagnostics
    );

    // Workspace symbols come from both folders.
    let syms = c
        .request("workspace/symbol", json!({ "query": "getClinician" }))
        .await
        .unwrap();
    let uris: Vec<String> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| c.rel(s["location"]["uri"].as_str().unwrap()))
        .collect();
    assert!(uris.iter().any(|u| u.starts_with("a/")), "{uris:?}");
    assert!(uris.iter().any(|u| u.starts_with("b/")), "{uris:?}");

    // Closing folder b clears what was published for it; a is untouched.
    let b_uri = c.uri("b");
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": [{ "uri": b_uri, "name": "b" }] } }),
    );
    c.wait_diags(&b, "b cleared", |p| p.diagnostics.is_empty())
        .await;
    assert_eq!(codes(&c.diags(&a)), ca);
    // A file of b opened now belongs to no workspace: nothing is published.
    // Adding the folder again brings b's findings back.
    c.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [{ "uri": b_uri, "name": "b" }], "removed": [] } }),
    );
    let back = c
        .wait_diags(&b, "b's findings again", |p| !p.diagnostics.is_empty())
        .await;
    assert_eq!(severity(&back.diagnostics), Some(4));
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_with_its_own_config_is_a_nested_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("repo");
    std::fs::create_dir_all(top.join(".git")).unwrap();
    copy_dir(&example(), &top);
    clinic_with_hints(&top.join("services/billing"));
    let top = top.canonicalize().unwrap();
    let mut c = Client::start_in(dir, top, Options::default()).await;
    // Opened at once: before the repository's first round has found the
    // service, so its session takes the document over.
    let nested = format!("services/billing/{CLINICIAN}");
    c.open(&nested);
    c.open(CLINICIAN);
    let outer = c
        .wait_diags(CLINICIAN, "the repository's findings", |p| {
            !p.diagnostics.is_empty()
        })
        .await;
    // The repository has no config of its own: the rule is an error there.
    assert_eq!(
        severity(&outer.diagnostics),
        Some(1),
        "{:?}",
        outer.diagnostics
    );
    c.wait_diags(&nested, "the service's own findings", |p| {
        severity(&p.diagnostics) == Some(4)
    })
    .await;
    // Settled: the service's file keeps its own findings (the repository
    // never publishes it as one of its own).
    c.pump(std::time::Duration::from_millis(300)).await;
    assert_eq!(severity(&c.diags(&nested)), Some(4));
    // An edit in the service is analysed by the service's workspace.
    c.replace(&nested, "get:", "get:\n");
    c.pump(std::time::Duration::from_millis(300)).await;
    assert_eq!(severity(&c.diags(&nested)), Some(4));
    assert_eq!(codes(&c.diags(&nested)), codes(&c.diags(CLINICIAN)));
    assert!(c
        .logs
        .iter()
        .any(|l| l.contains("services/billing") && l.contains("of its own")));
    // Its config deleted, the service is part of the repository again: its
    // file gets the repository's findings (an error again), once.
    let cfg = c.path("services/billing/specgate.toml");
    std::fs::remove_file(&cfg).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": c.uri("services/billing/specgate.toml"), "type": 3 }] }),
    );
    c.wait_diags(&nested, "the repository's findings in the service", |p| {
        severity(&p.diagnostics) == Some(1)
    })
    .await;
    c.pump(std::time::Duration::from_millis(300)).await;
    assert_eq!(severity(&c.diags(&nested)), Some(1));
    assert_eq!(codes(&c.diags(&nested)), codes(&c.diags(CLINICIAN)));
    c.shutdown().await;
}
