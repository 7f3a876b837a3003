//! Pull diagnostics (LSP 3.17): `textDocument/diagnostic` and
//! `workspace/diagnostic` with result IDs, for a client that offers them;
//! pushing stays the fallback for what the client does not pull.

mod lsp_support;

use lsp_support::{codes, has_code, Client, Options};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

fn pulling() -> Options {
    Options {
        pull: true,
        ..Options::default()
    }
}

async fn pull(c: &mut Client, rel: &str, previous: Option<&str>) -> Value {
    let mut params = json!({ "textDocument": { "uri": c.uri(rel) } });
    if let Some(p) = previous {
        params["previousResultId"] = json!(p);
    }
    c.request("textDocument/diagnostic", params)
        .await
        .expect("textDocument/diagnostic succeeds")
}

/// Every finding a push client receives at start, file by file (code,
/// range) — what pulling must give too.
async fn pushed_at_start() -> BTreeMap<String, Vec<(String, Value)>> {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("prd.md", "the whole workspace", |p| {
        has_code(p, "uncovered-requirement")
    })
    .await;
    c.pump(Duration::from_millis(300)).await;
    let out = c
        .published
        .iter()
        .filter(|(_, p)| !p.diagnostics.is_empty())
        .map(|(u, p)| (c.rel(u), key(&p.diagnostics)))
        .collect();
    c.shutdown().await;
    out
}

fn key(diags: &[Value]) -> Vec<(String, Value)> {
    diags
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["range"].clone(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_pulls_gets_the_open_document_by_pull_and_the_rest_by_push() {
    let mut c = Client::start("lsp-basic", pulling()).await;
    let provider = &c.capabilities["diagnosticProvider"];
    assert_eq!(provider["interFileDependencies"], true, "{provider}");
    assert_eq!(provider["workspaceDiagnostics"], true, "{provider}");
    c.open("openapi.yaml");
    let first = pull(&mut c, "openapi.yaml", None).await;
    assert_eq!(first["kind"], "full");
    let items = first["items"].as_array().unwrap().clone();
    assert!(has_code_in(&items, "unknown-requirement"), "{items:#?}");
    let want = pushed_at_start().await;
    assert_eq!(key(&items), want["openapi.yaml"], "pull and push agree");
    let id = first["resultId"].as_str().unwrap().to_string();

    // Nothing changed: the client keeps what it has.
    let again = pull(&mut c, "openapi.yaml", Some(&id)).await;
    assert_eq!(again, json!({ "kind": "unchanged", "resultId": id }));

    // An edit: the pull after it answers for the new text.
    c.replace(
        "openapi.yaml",
        "x-fr-ids: [FR-002, FR-099]",
        "x-fr-ids: [FR-002]",
    );
    let after = pull(&mut c, "openapi.yaml", Some(&id)).await;
    assert_eq!(after["kind"], "full");
    assert!(!has_code_in(
        after["items"].as_array().unwrap(),
        "unknown-requirement"
    ));

    // Files that are not open are still pushed (Neovim shows them so);
    // the open one never is, or the client would show it twice.
    c.wait_diags("notes.md", "pushed", |p| has_code(p, "unknown-requirement"))
        .await;
    c.pump(Duration::from_millis(200)).await;
    assert!(
        c.published
            .get(&c.uri("openapi.yaml"))
            .is_none_or(|p| p.diagnostics.is_empty()),
        "the open document was pushed too: {:#?}",
        c.published.get(&c.uri("openapi.yaml"))
    );
    c.shutdown().await;
}

fn has_code_in(items: &[Value], code: &str) -> bool {
    codes(items).iter().any(|c| c == code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_elsewhere_asks_the_client_to_pull_again() {
    let mut c = Client::start("lsp-basic", pulling()).await;
    c.open("openapi.yaml");
    c.open("prd.md");
    let first = pull(&mut c, "openapi.yaml", None).await;
    let id = first["resultId"].as_str().unwrap().to_string();
    assert!(has_code_in(
        first["items"].as_array().unwrap(),
        "unknown-requirement"
    ));
    let refreshes = |c: &Client| {
        c.server_requests
            .iter()
            .filter(|r| r["method"] == "workspace/diagnostic/refresh")
            .count()
    };
    let before = refreshes(&c);
    // Defining FR-099 in the PRD resolves the OpenAPI file's finding.
    c.replace(
        "prd.md",
        "| FR-004 | Rate a visit | P0 | |\n",
        "| FR-004 | Rate a visit | P0 | |\n| FR-099 | Reschedule | P1 | |\n",
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while refreshes(&c) == before {
        assert!(tokio::time::Instant::now() < deadline, "no refresh request");
        c.pump(Duration::from_millis(20)).await;
    }
    let after = pull(&mut c, "openapi.yaml", Some(&id)).await;
    assert_eq!(after["kind"], "full");
    assert!(!has_code_in(
        after["items"].as_array().unwrap(),
        "unknown-requirement"
    ));
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_pull_reports_every_file_then_only_what_changed() {
    let mut c = Client::start("lsp-basic", pulling()).await;
    // Before the client pulls the workspace, files are pushed.
    c.wait_diags("notes.md", "pushed", |p| has_code(p, "unknown-requirement"))
        .await;
    let first = c
        .request("workspace/diagnostic", json!({ "previousResultIds": [] }))
        .await
        .expect("workspace/diagnostic succeeds");
    let items = first["items"].as_array().unwrap();
    let got: BTreeMap<String, Vec<(String, Value)>> = items
        .iter()
        .map(|i| {
            assert_eq!(i["kind"], "full");
            (
                c.rel(i["uri"].as_str().unwrap()),
                key(i["items"].as_array().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        got,
        pushed_at_start().await,
        "workspace pull and push agree"
    );
    // What was pushed is taken back: the client now pulls every file.
    c.wait_diags("notes.md", "push cleared", |p| p.diagnostics.is_empty())
        .await;

    let previous: Vec<Value> = items
        .iter()
        .map(|i| json!({ "uri": i["uri"], "value": i["resultId"] }))
        .collect();
    let same = c
        .request(
            "workspace/diagnostic",
            json!({ "previousResultIds": previous }),
        )
        .await
        .unwrap();
    let kinds: Vec<&str> = same["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.iter().all(|k| *k == "unchanged"), "{kinds:?}");
    assert_eq!(kinds.len(), items.len());

    // notes.md loses its only finding: reported empty, the rest unchanged;
    // and nothing is pushed for it any more.
    c.open("notes.md");
    c.replace("notes.md", "FR-042", "FR-001");
    let notes = c.uri("notes.md");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let r = c
            .request(
                "workspace/diagnostic",
                json!({ "previousResultIds": previous }),
            )
            .await
            .unwrap();
        let changed: Vec<&Value> = r["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "full")
            .collect();
        if changed.len() == 1 && changed[0]["uri"] == notes.as_str() {
            assert_eq!(changed[0]["items"], json!([]));
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{r:#}");
        c.pump(Duration::from_millis(20)).await;
    }
    assert!(c.diags("notes.md").is_empty());
    c.shutdown().await;
}

/// Push only: when the client says so, and when it cannot be told to pull
/// again (Neovim 0.11 pulls a buffer only when that buffer changes: a PRD
/// edit would leave the OpenAPI buffer's findings stale).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_only_when_asked_or_when_the_client_cannot_refresh() {
    let mut asked = pulling();
    asked.init = json!({ "debounceMs": 0, "pullDiagnostics": false });
    let mut no_refresh = pulling();
    no_refresh.refresh = false;
    for opts in [asked, no_refresh] {
        let mut c = Client::start("lsp-basic", opts).await;
        assert!(c.capabilities.get("diagnosticProvider").is_none());
        c.open("openapi.yaml");
        c.wait_diags("openapi.yaml", "pushed", |p| {
            has_code(p, "unknown-requirement")
        })
        .await;
        c.shutdown().await;
    }
}
