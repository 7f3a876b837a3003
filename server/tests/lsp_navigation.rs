//! Navigation by FR-ID, `$ref` and dictionary across the workspace:
//! definition, references, hover, completion, rename, symbols, code lenses,
//! code actions and the inventory command.

mod lsp_support;

use lsp_support::{Client, Options};
use serde_json::{json, Value};

async fn ready() -> Client {
    let mut c = Client::start("lsp-basic", Options::default()).await;
    c.wait_diags("openapi.yaml", "initial diagnostics", |p| {
        !p.diagnostics.is_empty()
    })
    .await;
    c
}

/// (file, text under the range) of a Location.
fn place(c: &Client, loc: &Value) -> (String, String) {
    let f = c.rel(loc["uri"].as_str().unwrap());
    let t = c.range_text(&f, &loc["range"]);
    (f, t)
}

fn places(c: &Client, v: &Value) -> Vec<(String, String)> {
    match v {
        Value::Array(a) => a.iter().map(|l| place(c, l)).collect(),
        Value::Null => Vec::new(),
        l => vec![place(c, l)],
    }
}

fn p(f: &str, t: &str) -> (String, String) {
    (f.to_string(), t.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_of_ids_refs_and_dictionary_names() {
    let mut c = ready().await;
    let def = |c: &Client, f: &str, needle: &str, d: usize| {
        ("textDocument/definition".to_string(), c.at(f, needle, d))
    };
    let cases = [
        // FR-ID in an OpenAPI trace key, a SQL comment, Markdown prose.
        (
            def(&c, "openapi.yaml", "FR-001]", 2),
            vec![p("prd.md", "FR-001")],
        ),
        (
            def(&c, "db/001_init.sql", "FR-001", 0),
            vec![p("prd.md", "FR-001")],
        ),
        (
            def(&c, "notes.md", "FR-003", 5),
            vec![p("prd.md", "FR-003")],
        ),
        (
            def(&c, "prd.md", "(FR-002)", 1),
            vec![p("prd.md", "FR-002")],
        ),
        // An unknown ID goes nowhere.
        (def(&c, "openapi.yaml", "FR-099", 1), vec![]),
    ];
    for ((m, params), want) in cases {
        let got = c.request(&m, params.clone()).await.unwrap();
        assert_eq!(places(&c, &got), want, "{params}");
    }
    // $ref: local and across files, to the target's key.
    let got = c
        .request(
            "textDocument/definition",
            c.at("openapi.yaml", "#/components/schemas/Appointment", 3),
        )
        .await
        .unwrap();
    let (f, t) = place(&c, &got);
    assert_eq!(f, "openapi.yaml");
    assert!(t.starts_with("Appointment:"), "{t}");
    let got = c
        .request(
            "textDocument/definition",
            c.at("openapi.yaml", "components.yaml#", 2),
        )
        .await
        .unwrap();
    let (f, t) = place(&c, &got);
    assert_eq!(f, "components.yaml");
    assert!(t.starts_with("NewAppointment:"), "{t}");
    // SQL table and column → dictionary entity and attribute.
    let got = c
        .request(
            "textDocument/definition",
            c.at("db/001_init.sql", "patients", 2),
        )
        .await
        .unwrap();
    assert_eq!(places(&c, &got), vec![p("data-dictionary.md", "Patient")]);
    let got = c
        .request(
            "textDocument/definition",
            c.at("db/001_init.sql", "full_name", 3),
        )
        .await
        .unwrap();
    assert_eq!(places(&c, &got), vec![p("data-dictionary.md", "full_name")]);
    // A property of the Patient schema → its attribute.
    let got = c
        .request(
            "textDocument/definition",
            c.at("openapi.yaml", "full_name: {type", 1),
        )
        .await
        .unwrap();
    assert_eq!(places(&c, &got), vec![p("data-dictionary.md", "full_name")]);
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_from_a_definition_and_from_a_mention() {
    let mut c = ready().await;
    let with_decl = |c: &Client, f: &str, needle: &str| {
        let mut v = c.at(f, needle, 1);
        v["context"] = json!({"includeDeclaration": true});
        v
    };
    let from_def = c
        .request(
            "textDocument/references",
            with_decl(&c, "prd.md", "FR-002 |"),
        )
        .await
        .unwrap();
    let got = places(&c, &from_def);
    assert_eq!(
        got,
        vec![
            p("openapi.yaml", "FR-002"),
            p("prd.md", "FR-002"),
            p("prd.md", "FR-002"),
        ]
    );
    // Operations first; the prose mention; the definition last.
    let lines: Vec<u64> = from_def.as_array().unwrap()[1..]
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![9, 5]);
    let mut params = c.at("openapi.yaml", "FR-002", 0);
    params["context"] = json!({"includeDeclaration": false});
    let from_mention = c.request("textDocument/references", params).await.unwrap();
    assert_eq!(
        places(&c, &from_mention),
        vec![p("openapi.yaml", "FR-002"), p("prd.md", "FR-002")]
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_on_id_ref_and_column() {
    let mut c = ready().await;
    let h = c
        .request("textDocument/hover", c.at("openapi.yaml", "FR-001]", 3))
        .await
        .unwrap();
    let md = h["contents"]["value"].as_str().unwrap();
    for want in [
        "FR-001",
        "List appointments",
        "P0",
        "MVP",
        "prd.md:5",
        "GET /appointments (listAppointments)",
    ] {
        assert!(md.contains(want), "{want} not in {md}");
    }
    assert_eq!(c.range_text("openapi.yaml", &h["range"]), "FR-001");
    let h = c
        .request(
            "textDocument/hover",
            c.at("openapi.yaml", "#/components/schemas/Appointment", 5),
        )
        .await
        .unwrap();
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("A booked visit"), "{md}");
    assert!(md.contains("object"), "{md}");
    let h = c
        .request(
            "textDocument/hover",
            c.at("db/001_init.sql", "full_name", 2),
        )
        .await
        .unwrap();
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("Patient.full_name"), "{md}");
    assert!(md.contains("Legal name"), "{md}");
    c.shutdown().await;
}

fn labels(v: &Value) -> Vec<String> {
    let items = match v {
        Value::Array(a) => a.clone(),
        Value::Object(_) => v["items"].as_array().cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    items
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_of_ids_refs_and_attributes() {
    let mut c = ready().await;
    c.open("openapi.yaml");
    c.replace(
        "openapi.yaml",
        "x-fr-ids: [FR-001]",
        "x-fr-ids: [FR-001, FR-]",
    );
    let got = c
        .request("textDocument/completion", c.at("openapi.yaml", "FR-]", 3))
        .await
        .unwrap();
    assert_eq!(labels(&got), vec!["FR-001", "FR-002", "FR-003", "FR-004"]);
    let item = &got.as_array().unwrap()[1];
    assert_eq!(item["detail"], "Book an appointment");
    assert_eq!(
        c.range_text("openapi.yaml", &item["textEdit"]["range"]),
        "FR-"
    );

    // $ref targets: local pointers and sibling files.
    c.replace(
        "openapi.yaml",
        "$ref: '#/components/schemas/Appointment'",
        "$ref: '#/comp'",
    );
    let got = c
        .request(
            "textDocument/completion",
            c.at("openapi.yaml", "#/comp'", 6),
        )
        .await
        .unwrap();
    let l = labels(&got);
    assert!(
        l.contains(&"#/components/schemas/Appointment".to_string()),
        "{l:?}"
    );
    assert!(
        l.contains(&"#/components/schemas/Patient".to_string()),
        "{l:?}"
    );
    c.replace("openapi.yaml", "$ref: '#/comp'", "$ref: 'comp'");
    let got = c
        .request("textDocument/completion", c.at("openapi.yaml", "comp'", 4))
        .await
        .unwrap();
    assert_eq!(labels(&got), vec!["components.yaml"]);

    // Dictionary attributes inside CREATE TABLE, less those already written.
    c.open("db/001_init.sql");
    c.replace(
        "db/001_init.sql",
        "  nickname text\n",
        "  nickname text,\n  b\n",
    );
    let got = c
        .request(
            "textDocument/completion",
            c.at("db/001_init.sql", "  b\n", 3),
        )
        .await
        .unwrap();
    assert_eq!(labels(&got), vec!["birth_date"]);
    assert_eq!(got[0]["detail"], "date");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_an_id_everywhere_including_files_not_open() {
    let mut c = ready().await;
    let prep = c
        .request(
            "textDocument/prepareRename",
            c.at("openapi.yaml", "FR-002", 2),
        )
        .await
        .unwrap();
    assert_eq!(prep["placeholder"], "FR-002");
    assert_eq!(c.range_text("openapi.yaml", &prep["range"]), "FR-002");
    let mut params = c.at("openapi.yaml", "FR-002", 2);
    params["newName"] = json!("FR-020");
    let edit = c.request("textDocument/rename", params).await.unwrap();
    let changes = edit["changes"].as_object().unwrap();
    let mut got: Vec<(String, String)> = Vec::new();
    for (uri, edits) in changes {
        for e in edits.as_array().unwrap() {
            assert_eq!(e["newText"], "FR-020");
            got.push(place(&c, &json!({"uri": uri, "range": e["range"]})));
        }
    }
    got.sort();
    assert_eq!(
        got,
        vec![
            p("openapi.yaml", "FR-002"),
            p("prd.md", "FR-002"),
            p("prd.md", "FR-002")
        ]
    );
    // Not an ID: refused.
    let mut params = c.at("openapi.yaml", "FR-002", 2);
    params["newName"] = json!("booking");
    let err = c.request("textDocument/rename", params).await.unwrap_err();
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("not a requirement ID"));
    c.shutdown().await;
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let kids: Vec<String> = s["children"]
                .as_array()
                .map(|k| {
                    k.iter()
                        .map(|x| x["name"].as_str().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default();
            if kids.is_empty() {
                s["name"].as_str().unwrap().to_string()
            } else {
                format!("{}[{}]", s["name"].as_str().unwrap(), kids.join(","))
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_and_workspace_symbols() {
    let mut c = ready().await;
    let sym = |c: &Client, f: &str| json!({"textDocument": {"uri": c.uri(f)}});
    let prd = c
        .request("textDocument/documentSymbol", sym(&c, "prd.md"))
        .await
        .unwrap();
    assert_eq!(names(&prd), vec!["FR-001", "FR-002", "FR-003", "FR-004"]);
    assert_eq!(prd[1]["detail"], "Book an appointment");
    let api = c
        .request("textDocument/documentSymbol", sym(&c, "openapi.yaml"))
        .await
        .unwrap();
    assert_eq!(
        names(&api),
        vec![
            "/appointments[GET,POST]",
            "/appointments/{id}[DELETE]",
            "Appointment",
            "Patient"
        ]
    );
    let dict = c
        .request("textDocument/documentSymbol", sym(&c, "data-dictionary.md"))
        .await
        .unwrap();
    assert_eq!(names(&dict), vec!["Patient[id,full_name,birth_date]"]);
    let sql = c
        .request("textDocument/documentSymbol", sym(&c, "db/001_init.sql"))
        .await
        .unwrap();
    assert_eq!(names(&sql), vec!["patients[id,full_name,nickname]"]);

    let ws = c
        .request("workspace/symbol", json!({"query": "book"}))
        .await
        .unwrap();
    let mut got: Vec<String> = ws
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, vec!["FR-002 Book an appointment", "bookAppointment"]);
    let ws = c
        .request("workspace/symbol", json!({"query": "patients"}))
        .await
        .unwrap();
    let tables: Vec<&Value> = ws
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == 23)
        .collect();
    assert_eq!(tables.len(), 1, "{ws}");
    assert_eq!(
        place(&c, &tables[0]["location"]),
        p("db/001_init.sql", "patients")
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_lenses_on_requirements_and_operations() {
    let mut c = ready().await;
    let lens = c
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": c.uri("prd.md")}}),
        )
        .await
        .unwrap();
    let titles: Vec<&str> = lens
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "traced by 1 operation: GET /appointments (listAppointments)",
            "traced by 1 operation: POST /appointments (bookAppointment)",
            "not traced",
            "not traced"
        ]
    );
    let first = &lens[0]["command"];
    assert_eq!(first["command"], "specgate.showReferences");
    assert_eq!(first["arguments"][0], json!(c.uri("prd.md")));
    assert_eq!(
        place(&c, &first["arguments"][2][0]),
        p("openapi.yaml", "get")
    );
    assert_eq!(lens[2]["command"]["command"], "");

    let lens = c
        .request(
            "textDocument/codeLens",
            json!({"textDocument": {"uri": c.uri("openapi.yaml")}}),
        )
        .await
        .unwrap();
    let titles: Vec<&str> = lens
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "FR-001 List appointments",
            "FR-002 Book an appointment · FR-099 (not in any PRD)",
            "traces no requirement"
        ]
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_actions_offer_the_rules_fixes() {
    let mut c = ready().await;
    // What the rules propose for each finding of openapi.yaml (the fix
    // functions may return nothing yet: then no action must appear).
    let ws = specgate::workspace::Workspace::load(&c.root, None).unwrap();
    let index = specgate::index::Index::build(ws, None);
    let all = specgate::rules::check(&index);
    let mut offered = 0;
    for d in c.diags("openapi.yaml") {
        let engine = all
            .iter()
            .find(|x| {
                x.code == d["code"].as_str().unwrap()
                    && &*x.location.file == "openapi.yaml"
                    && x.location.span.start as u64 == d["data"]["span"][0].as_u64().unwrap()
            })
            .expect("published diagnostic is an engine finding");
        // The rule's fixes, then "Ignore CODE here" (issue 12).
        let analysis = specgate::ide::Analysis::new(&index, &all);
        let want: Vec<String> = specgate::rules::fixes(&index, engine)
            .into_iter()
            .chain(analysis.ignore_fix(engine))
            .map(|f| f.title)
            .collect();
        assert_eq!(
            want.last().map(String::as_str),
            Some(format!("Ignore {} here", engine.code).as_str())
        );
        let got = c
            .request(
                "textDocument/codeAction",
                json!({
                    "textDocument": {"uri": c.uri("openapi.yaml")},
                    "range": d["range"],
                    "context": {"diagnostics": [d], "only": ["quickfix"]}
                }),
            )
            .await
            .unwrap();
        let titles: Vec<String> = got
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(titles, want, "{d}");
        offered += titles.len();
        for a in got.as_array().unwrap() {
            assert_eq!(a["kind"], "quickfix");
            assert!(a["edit"]["changes"].is_object());
        }
    }
    assert!(offered > 0, "the fixture's findings have fixes");
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_command_writes_the_page_and_asks_the_editor_to_open_it() {
    let mut c = Client::start(
        "lsp-basic",
        Options {
            show_document: true,
            ..Options::default()
        },
    )
    .await;
    c.wait_diags("openapi.yaml", "first analysis", |p| {
        !p.diagnostics.is_empty()
    })
    .await;
    let uri = c
        .request(
            "workspace/executeCommand",
            json!({"command": "specgate.report", "arguments": []}),
        )
        .await
        .unwrap();
    let uri = uri.as_str().unwrap().to_string();
    let path = uri.strip_prefix("file://").unwrap();
    let html = std::fs::read_to_string(path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.contains("id=\"gate-traced\""), "{html}");
    // The inventory's requirement appears in the matrix.
    assert!(html.contains("id=\"req-FR-004\""), "{html}");
    c.pump(std::time::Duration::from_millis(200)).await;
    let shown: Vec<&Value> = c
        .server_requests
        .iter()
        .filter(|r| r["method"] == "window/showDocument")
        .collect();
    assert_eq!(shown.len(), 1, "{:?}", c.server_requests);
    assert_eq!(shown[0]["params"]["uri"], json!(uri));
    assert_eq!(shown[0]["params"]["external"], json!(true));
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inventory_command_returns_markdown() {
    let mut c = ready().await;
    let md = c
        .request(
            "workspace/executeCommand",
            json!({"command": "specgate.inventory"}),
        )
        .await
        .unwrap();
    let md = md.as_str().unwrap();
    assert!(md.starts_with("# Endpoint Inventory"), "{md}");
    assert!(md.contains("listAppointments"), "{md}");
    assert!(md.contains("| FR-004 | Rate a visit |"), "{md}");
    let err = c
        .request(
            "workspace/executeCommand",
            json!({"command": "specgate.nope"}),
        )
        .await
        .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("unknown command"));
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fix_all_applies_the_safe_fixes_of_a_file() {
    let mut c = ready().await;
    c.open("db/001_init.sql");
    // A typo one letter away from an attribute: its rename is a safe fix.
    let v = c.replace(
        "db/001_init.sql",
        "  nickname text\n",
        "  nickname text,\n  birth_dat date\n",
    );
    let p = c
        // Two undeclared columns, and the table still lacks `birth_date`.
        .wait_diags("db/001_init.sql", "two undeclared columns", |p| {
            p.version == Some(v) && p.diagnostics.len() == 3
        })
        .await;
    let typo = p
        .diagnostics
        .iter()
        .find(|d| c.range_text("db/001_init.sql", &d["range"]) == "birth_dat")
        .unwrap()
        .clone();
    // The quick fixes of the finding, the preferred one first among them.
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": c.uri("db/001_init.sql")},
                "range": typo["range"],
                "context": {"diagnostics": [typo], "only": ["quickfix"]}
            }),
        )
        .await
        .unwrap();
    let preferred: Vec<&Value> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["isPreferred"] == true)
        .collect();
    assert_eq!(preferred.len(), 1, "{actions:#}");
    assert!(preferred[0]["title"]
        .as_str()
        .unwrap()
        .contains("birth_date"));

    let all = c
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": c.uri("db/001_init.sql")},
                "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                "context": {"diagnostics": [], "only": ["source.fixAll"]}
            }),
        )
        .await
        .unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0]["kind"], "source.fixAll.specgate");
    let changes = all[0]["edit"]["changes"].as_object().unwrap();
    let edits = changes[&c.uri("db/001_init.sql")].as_array().unwrap();
    assert_eq!(edits.len(), 1, "{edits:#?}");
    assert_eq!(edits[0]["newText"], "birth_date");
    assert_eq!(
        c.range_text("db/001_init.sql", &edits[0]["range"]),
        "birth_dat"
    );
    // Applied by the client, it leaves only the finding with no safe fix.
    let v = c.replace("db/001_init.sql", "birth_dat ", "birth_date ");
    let p = c
        .wait_diags("db/001_init.sql", "the typo fixed", |p| {
            p.version == Some(v)
        })
        .await;
    assert_eq!(p.diagnostics.len(), 1);
    assert_eq!(
        c.range_text("db/001_init.sql", &p.diagnostics[0]["range"]),
        "nickname"
    );
    c.shutdown().await;
}
