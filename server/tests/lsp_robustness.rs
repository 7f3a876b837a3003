//! Robustness: stale changes, stale requests, panics, files outside the
//! workspace, progress, prompt shutdown.

mod lsp_support;

use lsp_support::{Client, Options};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_older_than_the_document_is_dropped() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.open("notes.md");
    c.wait_diags("notes.md", "FR-042", |p| p.version == Some(1))
        .await;
    let uri = c.uri("notes.md");
    let text = c.text("notes.md");
    let fixed = text.replace("FR-042", "FR-002");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": fixed}]}),
    );
    // Version 2 arrives late: it must not undo version 3.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "FR-777 FR-778"}]}),
    );
    // A change to a document that is not open is ignored too.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": c.uri("prd.md"), "version": 9}, "contentChanges": [{"text": "FR-1"}]}),
    );
    let p = c
        .wait_diags("notes.md", "version 3", |p| p.version == Some(3))
        .await;
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    c.pump(Duration::from_millis(200)).await;
    assert_eq!(c.published[&uri].version, Some(3));
    assert!(c.diags("notes.md").is_empty());
    assert!(
        c.logs
            .iter()
            .any(|l| l.contains("version 2 after version 3")),
        "{:?}",
        c.logs
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_overtaken_by_an_edit_answers_content_modified() {
    let mut c = Client::start(
        "lsp-basic",
        Options {
            init: json!({"debounceMs": 400}),
            ..Default::default()
        },
    )
    .await;
    c.open("notes.md");
    c.wait_diags("notes.md", "opened", |p| p.version == Some(1))
        .await;
    c.replace("notes.md", "next", "nxt");
    let id = c.send_request("textDocument/hover", c.at("notes.md", "FR-042", 1));
    c.replace("notes.md", "nxt", "next");
    let err = c.response(id).await.unwrap_err();
    assert_eq!(err["code"], -32801, "{err}");
    // The server goes on, and answers once the document is stable.
    c.wait_diags("notes.md", "version 3", |p| p.version == Some(3))
        .await;
    let h = c
        .request("textDocument/hover", c.at("notes.md", "FR-042", 1))
        .await
        .unwrap();
    assert!(h["contents"]["value"].as_str().unwrap().contains("FR-042"));
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_answers_an_error_and_the_server_goes_on() {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the panic command exists in debug builds only");
        return;
    }
    std::env::set_var("SPECGATE_TEST_PANIC", "1");
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("notes.md", "FR-042", |p| !p.diagnostics.is_empty())
        .await;
    let err = c
        .request(
            "workspace/executeCommand",
            json!({"command": "specgate.debug.panic"}),
        )
        .await
        .unwrap_err();
    assert_eq!(err["code"], -32603, "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("panic requested"),
        "{err}"
    );
    // Still serving, and still publishing.
    let h = c
        .request("textDocument/hover", c.at("notes.md", "FR-042", 1))
        .await
        .unwrap();
    assert!(h["contents"]["value"].as_str().unwrap().contains("FR-042"));
    c.open("notes.md");
    let v = c.replace("notes.md", "FR-042", "FR-002");
    c.wait_diags("notes.md", "cleared", |p| {
        p.version == Some(v) && p.diagnostics.is_empty()
    })
    .await;
    c.pump(Duration::from_millis(50)).await;
    assert!(
        c.logs.iter().any(|l| l.contains("panic requested")),
        "{:?}",
        c.logs
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_outside_the_workspace_get_empty_answers() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    let outside = tempfile::tempdir().unwrap();
    let path = outside.path().join("x.md");
    std::fs::write(&path, "FR-123\n").unwrap();
    let uri = tower_lsp_server::ls_types::Uri::from_file_path(&path)
        .unwrap()
        .as_str()
        .to_string();
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": "FR-123\n"}}),
    );
    // Editors ask about every open file (VS Code's settings.json too): the
    // answer is "nothing here", not an error for the client's log.
    let doc = json!({"uri": uri});
    let pos = json!({"line": 0, "character": 1});
    let range = json!({"start": pos, "end": pos});
    for (method, params) in [
        (
            "textDocument/hover",
            json!({"textDocument": doc, "position": pos}),
        ),
        (
            "textDocument/definition",
            json!({"textDocument": doc, "position": pos}),
        ),
        ("textDocument/documentSymbol", json!({"textDocument": doc})),
        ("textDocument/codeLens", json!({"textDocument": doc})),
        (
            "textDocument/codeAction",
            json!({"textDocument": doc, "range": range, "context": {"diagnostics": []}}),
        ),
    ] {
        let answer = c.request(method, params).await;
        assert_eq!(answer, Ok(Value::Null), "{method}");
    }
    // Nothing was published for it, and the workspace is still served.
    c.wait_diags("notes.md", "FR-042", |p| !p.diagnostics.is_empty())
        .await;
    assert!(!c.published.contains_key(&uri));
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn indexing_reports_progress_when_the_client_supports_it() {
    let mut c = Client::start(
        "lsp-basic",
        Options {
            progress: true,
            ..Default::default()
        },
    )
    .await;
    c.wait_diags("notes.md", "FR-042", |p| !p.diagnostics.is_empty())
        .await;
    c.pump(Duration::from_millis(100)).await;
    assert!(c
        .server_requests
        .iter()
        .any(|r| r["method"] == "window/workDoneProgress/create"));
    let kinds: Vec<&str> = c
        .progress
        .iter()
        .map(|p| p["value"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["begin", "end"]);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_and_exit_are_prompt() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("notes.md", "FR-042", |p| !p.diagnostics.is_empty())
        .await;
    let t = Instant::now();
    c.shutdown().await;
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_root_named_through_a_symlink_keeps_the_clients_uris() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    lsp_support::copy_dir(&lsp_support::fixture("lsp-basic"), &real);
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut c = Client::start_in(dir, link.clone(), Options::default()).await;
    assert!(c.uri("notes.md").contains("/link/"));
    // Published under the client's path, for a file that is not open.
    c.wait_diags("notes.md", "FR-042", |p| !p.diagnostics.is_empty())
        .await;
    c.open("notes.md");
    let v = c.replace("notes.md", "FR-042", "FR-002");
    c.wait_diags("notes.md", "cleared", |p| {
        p.version == Some(v) && p.diagnostics.is_empty()
    })
    .await;
    assert!(
        c.published.keys().all(|u| u.contains("/link/")),
        "{:?}",
        c.published.keys()
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_go_to_the_file_named_by_specgate_log() {
    let log = tempfile::NamedTempFile::new().unwrap();
    std::env::set_var("SPECGATE_LOG", log.path());
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("notes.md", "FR-042", |p| !p.diagnostics.is_empty())
        .await;
    c.pump(Duration::from_millis(50)).await;
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(text.contains("serving"), "{text}");
    assert!(text.contains("indexed"), "{text}");
    // The same lines reach the client's log.
    assert!(c.logs.iter().any(|l| l.contains("indexed")), "{:?}", c.logs);
    c.shutdown().await;
}
