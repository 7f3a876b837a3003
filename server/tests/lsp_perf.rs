//! Keystroke → publish latency, measured in-process (ignored by default):
//!
//! ```text
//! cargo test --release --test lsp_perf -- --ignored --nocapture
//! ```
//!
//! Each keystroke inserts or deletes one character in a description in the
//! middle of the spec and waits for the diagnostics of that version.

mod lsp_support;

use lsp_support::{Client, Options};
use std::path::Path;
use std::time::{Duration, Instant};

const CORPUS: &str = "/work/shared/corpus/large";

fn synthetic_spec(ops: usize) -> (String, String) {
    let mut prd =
        String::from("# PRD\n\n| ID | Requirement | Priority | Release |\n|---|---|---|---|\n");
    for i in 1..=ops / 2 {
        prd.push_str(&format!("| FR-{i:03} | Requirement number {i} | P1 | |\n"));
    }
    let mut api = String::from(
        "openapi: 3.0.3\ninfo:\n  title: Synthetic\n  version: 1.0.0\n  description: A generated API for latency tests.\npaths:\n",
    );
    for i in 0..ops {
        api.push_str(&format!(
            "  /things{i}/{{id}}:\n    get:\n      operationId: getThing{i}\n      summary: Get thing {i}\n      description: Returns one thing of kind {i}.\n      x-fr-ids: [FR-{:03}]\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema: {{type: string}}\n      responses:\n        '200':\n          description: The thing\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Thing'\n        '404':\n          $ref: '#/components/responses/NotFound'\n",
            i / 2 + 1
        ));
    }
    api.push_str("components:\n  responses:\n    NotFound:\n      description: Not found\n  schemas:\n    Thing:\n      type: object\n      properties:\n        id: {type: string}\n");
    (prd, api)
}

async fn measure(label: &str, root_files: &[(&str, String)], edited: &str, keystrokes: usize) {
    // LSP_PERF_ONLY=text runs only the cases whose label contains it.
    if let Ok(only) = std::env::var("LSP_PERF_ONLY") {
        if !label.contains(&only) {
            return;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    for (f, text) in root_files {
        let p = root.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let root = root.canonicalize().unwrap();
    let t0 = Instant::now();
    let mut c = Client::start_in(dir, root, Options::default()).await;
    c.open(edited);
    c.wait_diags(edited, "first analysis", |p| p.version == Some(1))
        .await;
    let first = t0.elapsed();
    let text = c.text(edited);
    // A description near the middle of the file.
    let mid = text.len() / 2;
    let at = text[mid..]
        .find("description: ")
        .map(|i| mid + i + "description: ".len() + 1)
        .expect("a description after the middle");
    let mut lat = Vec::with_capacity(keystrokes);
    for k in 0..keystrokes {
        let t = Instant::now();
        let v = if k % 2 == 0 {
            c.edit(edited, at, at, "x")
        } else {
            c.edit(edited, at, at + 1, "")
        };
        c.wait_diags(edited, "this keystroke", |p| p.version == Some(v))
            .await;
        lat.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    lat.sort();
    let pct = |q: f64| lat[((lat.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{label}: {} lines, first analysis {:.0} ms, keystroke→publish p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} keystrokes, {} diagnostics)",
        text.lines().count(),
        first.as_secs_f64() * 1e3,
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3,
        keystrokes,
        c.diags(edited).len(),
    );
    let slow: Vec<&String> = c
        .logs
        .iter()
        .filter(|l| l.contains("analysis took"))
        .collect();
    for l in slow.iter().rev().take(3) {
        println!("  {l}");
    }
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
async fn keystroke_latency() {
    let (prd, api) = synthetic_spec(100);
    measure(
        "synthetic",
        &[("prd.md", prd), ("openapi.yaml", api)],
        "openapi.yaml",
        200,
    )
    .await;
    for (name, n) in [
        ("twilio_api_v2010.yaml", 100),
        ("stripe-spec3-2023-09-12.yaml", 60),
    ] {
        let p = Path::new(CORPUS).join(name);
        let Ok(text) = std::fs::read_to_string(&p) else {
            println!("{name}: not found, skipped");
            continue;
        };
        measure(name, &[("openapi.yaml", text.clone())], "openapi.yaml", n).await;
        // The same without `invalid-openapi` (a walk of the whole tree).
        let off = "[rules]\ninvalid-openapi = \"off\"\n".to_string();
        measure(
            &format!("{name} (invalid-openapi off)"),
            &[("openapi.yaml", text), ("specgate.toml", off)],
            "openapi.yaml",
            n,
        )
        .await;
    }
}

/// Where the analysis time goes on the large corpus files: the parse and
/// index build, then each rule.
#[test]
#[ignore = "benchmark: run with --release -- --ignored --nocapture"]
fn phase_costs() {
    for name in ["twilio_api_v2010.yaml", "stripe-spec3-2023-09-12.yaml"] {
        let Ok(text) = std::fs::read_to_string(Path::new(CORPUS).join(name)) else {
            continue;
        };
        let ws = specgate::workspace::Workspace::from_files([("openapi.yaml", text.as_str())]);
        let t = Instant::now();
        let index = specgate::index::Index::build(ws, None);
        let build = t.elapsed();
        let t = Instant::now();
        let _ = specgate::parse::parse_yaml(&text);
        let parse = t.elapsed();
        let mut costs = Vec::new();
        for rule in specgate::rules::ALL {
            let t = Instant::now();
            let mut out = Vec::new();
            (rule.check)(&index, &mut out);
            costs.push((t.elapsed(), rule.code, out.len()));
        }
        costs.sort_by(|a, b| b.cmp(a));
        // One keystroke: the same workspace with one character more.
        let mid = text.len() / 2;
        let at = text[mid..]
            .find("description: ")
            .map(|i| mid + i + 14)
            .unwrap_or(mid);
        let mut edited = text.clone();
        edited.insert(at, 'x');
        let mut ws2 = index.ws.clone();
        ws2.insert("openapi.yaml", edited.clone());
        let t = Instant::now();
        let _ = specgate::parse::parse_yaml(&edited);
        let reparse = t.elapsed();
        let t = Instant::now();
        let index2 = specgate::index::Index::build(ws2, Some(&index));
        let rebuild = t.elapsed();
        println!(
            "{name}: keystroke build {:.1} ms, of which full re-read {:.1} ms",
            rebuild.as_secs_f64() * 1e3,
            reparse.as_secs_f64() * 1e3
        );
        drop(index2);
        let t = Instant::now();
        drop(index);
        let dropped = t.elapsed();
        println!(
            "{name}: build {:.1} ms (parse {:.1} ms), drop {:.1} ms",
            build.as_secs_f64() * 1e3,
            parse.as_secs_f64() * 1e3,
            dropped.as_secs_f64() * 1e3
        );
        for (d, code, n) in costs.iter().take(6) {
            println!("  {code}: {:.1} ms ({n} findings)", d.as_secs_f64() * 1e3);
        }
    }
}
