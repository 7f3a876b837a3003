//! Live diagnostics: initial indexing, cross-file updates, close, files
//! changed on disk, config reload.

mod lsp_support;

use lsp_support::{codes, has_code, Client, Options};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_workspace_is_checked_at_start_without_opening_anything() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    let notes = c
        .wait_diags("notes.md", "FR-042 unknown", |p| {
            has_code(p, "unknown-requirement")
        })
        .await;
    assert_eq!(
        notes.version, None,
        "a file that is not open has no version"
    );
    let d = &notes.diagnostics[0];
    assert_eq!(c.range_text("notes.md", &d["range"]), "FR-042");
    assert_eq!(d["source"], "specgate");
    assert_eq!(d["severity"], 1);
    assert_eq!(
        d["codeDescription"]["href"],
        specgate::rules::doc_url("unknown-requirement")
    );
    // `data` identifies the finding for code actions: its file and span.
    let at = c.text("notes.md").find("FR-042").unwrap() as u64;
    assert_eq!(
        d["data"],
        serde_json::json!({"file": "notes.md", "span": [at, at + 6]})
    );

    let api = c
        .wait_diags("openapi.yaml", "FR-099 and the untraced DELETE", |p| {
            has_code(p, "unknown-requirement") && has_code(p, "untraced-operation")
        })
        .await;
    let unknown = api
        .diagnostics
        .iter()
        .find(|d| d["code"] == "unknown-requirement")
        .unwrap();
    assert_eq!(c.range_text("openapi.yaml", &unknown["range"]), "FR-099");
    let untraced = api
        .diagnostics
        .iter()
        .find(|d| d["code"] == "untraced-operation")
        .unwrap();
    assert_eq!(c.range_text("openapi.yaml", &untraced["range"]), "delete");

    let sql = c
        .wait_diags("db/001_init.sql", "the undeclared column", |p| {
            has_code(p, "column-not-in-dictionary")
        })
        .await;
    // The undeclared column, and the table that lacks the dictionary's
    // `birth_date` (a column the completion tests type in).
    assert_eq!(
        codes(&sql.diagnostics),
        vec!["column-not-in-dictionary", "missing-column"]
    );
    assert_eq!(
        c.range_text("db/001_init.sql", &sql.diagnostics[1]["range"]),
        "nickname"
    );
    let prd = c
        .wait_diags("prd.md", "FR-004 uncovered", |p| {
            has_code(p, "uncovered-requirement")
        })
        .await;
    assert_eq!(
        c.range_text("prd.md", &prd.diagnostics[0]["range"]),
        "FR-004"
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adding_a_requirement_clears_the_finding_in_the_openapi_file() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("openapi.yaml", "FR-099 unknown", |p| {
        has_code(p, "unknown-requirement")
    })
    .await;
    c.open("prd.md");
    let v = c.replace(
        "prd.md",
        "| FR-004 | Rate a visit | P0 | |\n",
        "| FR-004 | Rate a visit | P0 | |\n| FR-099 | Reschedule | P1 | |\n",
    );
    c.wait_diags("openapi.yaml", "FR-099 resolved", |p| {
        !has_code(p, "unknown-requirement")
    })
    .await;
    // The edited file is published with its version.
    c.wait_diags("prd.md", "the edited version", |p| p.version == Some(v))
        .await;
    // And back: deleting the row brings the finding back at once.
    c.replace("prd.md", "| FR-099 | Reschedule | P1 | |\n", "");
    c.wait_diags("openapi.yaml", "FR-099 unknown again", |p| {
        has_code(p, "unknown-requirement")
    })
    .await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_dictionary_row_makes_the_sql_column_red() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    // `nickname`, and the table's missing `birth_date`.
    c.wait_diags("db/001_init.sql", "nickname", |p| p.diagnostics.len() == 2)
        .await;
    c.open("data-dictionary.md");
    c.replace(
        "data-dictionary.md",
        "| full_name | text | Legal name |\n",
        "",
    );
    let sql = c
        .wait_diags("db/001_init.sql", "full_name undeclared", |p| {
            p.diagnostics.len() == 3
        })
        .await;
    let names: Vec<String> = sql
        .diagnostics
        .iter()
        .map(|d| c.range_text("db/001_init.sql", &d["range"]))
        .collect();
    assert_eq!(names, vec!["patients", "full_name", "nickname"]);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_referenced_file_rechecks_the_refs_to_it() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("openapi.yaml", "initial findings", |p| {
        !p.diagnostics.is_empty()
    })
    .await;
    assert!(!c
        .diags("openapi.yaml")
        .iter()
        .any(|d| d["code"] == "unresolved-ref"));
    c.open("components.yaml");
    c.replace("components.yaml", "NewAppointment:", "NewBooking:");
    let api = c
        .wait_diags("openapi.yaml", "the $ref is broken", |p| {
            has_code(p, "unresolved-ref")
        })
        .await;
    let d = api
        .diagnostics
        .iter()
        .find(|d| d["code"] == "unresolved-ref")
        .unwrap();
    assert!(c
        .range_text("openapi.yaml", &d["range"])
        .contains("components.yaml#/schemas/NewAppointment"));
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_rereads_the_disk_and_keeps_what_is_still_true() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("notes.md", "FR-042", |p| p.diagnostics.len() == 1)
        .await;
    c.open("notes.md");
    let v = c.replace("notes.md", "FR-042", "FR-002");
    c.wait_diags("notes.md", "cleared in the buffer", |p| {
        p.diagnostics.is_empty() && p.version == Some(v)
    })
    .await;
    // Never saved: closing brings the disk's finding back.
    c.close("notes.md");
    let p = c
        .wait_diags("notes.md", "the disk's FR-042 again", |p| {
            p.diagnostics.len() == 1
        })
        .await;
    assert_eq!(p.version, None);
    assert_eq!(
        c.range_text("notes.md", &p.diagnostics[0]["range"]),
        "FR-042"
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_changed_created_and_deleted_on_disk_are_picked_up() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("notes.md", "FR-042", |p| p.diagnostics.len() == 1)
        .await;
    // The watcher was registered dynamically.
    assert!(
        c.server_requests
            .iter()
            .any(|r| r["method"] == "client/registerCapability"
                && r["params"]["registrations"][0]["method"] == "workspace/didChangeWatchedFiles"),
        "{:?}",
        c.server_requests
    );
    std::fs::write(c.path("more.md"), "Also FR-077.\n").unwrap();
    std::fs::write(c.path("notes.md"), "Nothing unknown here: FR-001.\n").unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [
            {"uri": c.uri("more.md"), "type": 1},
            {"uri": c.uri("notes.md"), "type": 2},
        ]}),
    );
    let more = c
        .wait_diags("more.md", "FR-077 in the new file", |p| {
            p.diagnostics.len() == 1
        })
        .await;
    assert_eq!(
        c.range_text("more.md", &more.diagnostics[0]["range"]),
        "FR-077"
    );
    c.wait_diags("notes.md", "changed on disk", |p| p.diagnostics.is_empty())
        .await;
    std::fs::remove_file(c.path("more.md")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri("more.md"), "type": 3}]}),
    );
    c.wait_diags("more.md", "cleared after deletion", |p| {
        p.diagnostics.is_empty()
    })
    .await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_changes_reload_on_disk_and_in_the_editor() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("notes.md", "FR-042", |p| p.diagnostics.len() == 1)
        .await;
    // On disk: turn the rule off.
    let cfg = c.text("specgate.toml");
    std::fs::write(
        c.path("specgate.toml"),
        format!("{cfg}unknown-requirement = \"off\"\n"),
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c.uri("specgate.toml"), "type": 2}]}),
    );
    c.wait_diags("notes.md", "rule turned off", |p| p.diagnostics.is_empty())
        .await;
    // In the editor, unsaved: a misspelt rule is reported in the config and
    // the rule is on again.
    c.open("specgate.toml");
    c.replace(
        "specgate.toml",
        "unknown-requirement = \"off\"",
        "unknown-requirment = \"off\"",
    );
    let cfg = c
        .wait_diags("specgate.toml", "invalid-config", |p| {
            has_code(p, "invalid-config")
        })
        .await;
    assert_eq!(
        c.range_text("specgate.toml", &cfg.diagnostics[0]["range"]),
        "unknown-requirment"
    );
    c.wait_diags("notes.md", "rule on again", |p| p.diagnostics.len() == 1)
        .await;
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_settings_override_the_config() {
    // At start, from initializationOptions.
    let mut c = Client::start(
        "lsp-basic",
        Options {
            init: json!({"debounceMs": 0, "severities": {"untraced-operation": "off"}}),
            ..Default::default()
        },
    )
    .await;
    let api = c
        .wait_diags("openapi.yaml", "findings", |p| {
            has_code(p, "unknown-requirement")
        })
        .await;
    assert!(
        !has_code(&api, "untraced-operation"),
        "{:#?}",
        api.diagnostics
    );
    // Later, from workspace/didChangeConfiguration; edits keep them.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"specgate": {"severities": {"unknown-requirement": "hint"}}}}),
    );
    let api = c
        .wait_diags("openapi.yaml", "a hint now", |p| {
            p.diagnostics
                .iter()
                .any(|d| d["code"] == "unknown-requirement" && d["severity"] == 4)
        })
        .await;
    assert!(
        has_code(&api, "untraced-operation"),
        "the first override is replaced"
    );
    c.open("notes.md");
    let v = c.replace("notes.md", "FR-003", "FR-033");
    let notes = c
        .wait_diags("notes.md", "edited", |p| p.version == Some(v))
        .await;
    assert!(
        notes.diagnostics.iter().all(|d| d["severity"] == 4),
        "{:#?}",
        notes.diagnostics
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn related_locations_become_related_information() {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.open("prd.md");
    c.replace(
        "prd.md",
        "| FR-004 | Rate a visit | P0 | |\n",
        "| FR-004 | Rate a visit | P0 | |\n| FR-001 | List visits again | P1 | |\n",
    );
    let p = c
        .wait_diags("prd.md", "a duplicate", |p| {
            has_code(p, "duplicate-requirement")
        })
        .await;
    let d = p
        .diagnostics
        .iter()
        .find(|d| d["code"] == "duplicate-requirement")
        .unwrap();
    let rel = &d["relatedInformation"][0];
    assert_eq!(rel["location"]["uri"], json!(c.uri("prd.md")));
    assert_eq!(c.range_text("prd.md", &rel["location"]["range"]), "FR-001");
    assert_ne!(rel["location"]["range"], d["range"]);
    assert!(rel["message"].as_str().unwrap().contains("FR-001"));
    c.shutdown().await;
}
