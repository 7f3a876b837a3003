//! Position encodings: UTF-8 when the client offers it, else UTF-16; with
//! é, 😀, CJK and CRLF line endings, in diagnostics, edits and requests.

mod lsp_support;

use lsp_support::{Client, Options};
use serde_json::{json, Value};

/// Column of byte offset `at` in its line, counted independently of the
/// server's position module.
fn col(line: &str, at: usize, utf8: bool) -> u64 {
    if utf8 {
        at as u64
    } else {
        line[..at].encode_utf16().count() as u64
    }
}

fn start(d: &Value) -> (u64, u64) {
    (
        d["range"]["start"]["line"].as_u64().unwrap(),
        d["range"]["start"]["character"].as_u64().unwrap(),
    )
}

async fn encodings(offer: Vec<&'static str>, utf8: bool) {
    let mut c = Client::start(
        "lsp-basic",
        Options {
            encodings: offer,
            ..Default::default()
        },
    )
    .await;
    // A file that is not open: FR-042 after é, 😀 and CJK.
    let notes = c
        .wait_diags("notes.md", "FR-042", |p| {
            p.diagnostics
                .iter()
                .any(|d| d["message"].as_str().unwrap_or("").contains("FR-042"))
        })
        .await;
    let line = "Café 😀 漢字: FR-003 is next, then FR-042.";
    let d = notes
        .diagnostics
        .iter()
        .find(|d| d["message"].as_str().unwrap_or("").contains("FR-042"))
        .unwrap();
    let at = line.find("FR-042").unwrap();
    assert_eq!(start(d), (2, col(line, at, utf8)));
    assert_eq!(
        d["range"]["end"]["character"].as_u64().unwrap(),
        col(line, at + 6, utf8)
    );

    // A CRLF document, edited incrementally around multi-byte characters.
    let text = "# CRLF é\r\n😀 FR-055 x\r\n漢字 FR-056\r\n";
    c.open_text("crlf.md", text);
    let p = c
        .wait_diags("crlf.md", "two unknown IDs", |p| p.diagnostics.len() == 2)
        .await;
    assert_eq!(start(&p.diagnostics[0]), (1, col("😀 FR-055 x", 5, utf8)));
    assert_eq!(start(&p.diagnostics[1]), (2, col("漢字 FR-056", 7, utf8)));
    // Insert é😀 before FR-056 (the client sends the position in its encoding).
    let at = c.text("crlf.md").find("FR-056").unwrap();
    let v = c.edit("crlf.md", at, at, "é😀 ");
    let p = c
        .wait_diags("crlf.md", "moved FR-056", |p| p.version == Some(v))
        .await;
    let moved = "漢字 é😀 FR-056";
    assert_eq!(
        start(&p.diagnostics[1]),
        (2, col(moved, moved.find("FR-").unwrap(), utf8))
    );
    assert_eq!(
        c.range_text("crlf.md", &p.diagnostics[1]["range"]),
        "FR-056"
    );
    // A column past the end of the line is clamped to the line end (before
    // CRLF), so the text lands on line 0.
    let uri = c.uri("crlf.md");
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": v + 1},
            "contentChanges": [{
                "range": {"start": {"line": 0, "character": 999}, "end": {"line": 0, "character": 999}},
                "text": " FR-057"
            }]
        }),
    );
    let p = c
        .wait_diags("crlf.md", "FR-057 on line 0", |p| p.version == Some(v + 1))
        .await;
    assert_eq!(p.diagnostics.len(), 3, "{:#?}", p.diagnostics);
    let line0 = "# CRLF é FR-057";
    assert_eq!(
        start(&p.diagnostics[0]),
        (0, col(line0, line0.find("FR-").unwrap(), utf8))
    );

    // Requests: hover on FR-042 answers with the ID's range in the same encoding.
    let line_no = 2;
    let ch = col(line, line.find("FR-042").unwrap() + 2, utf8);
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": c.uri("notes.md")}, "position": {"line": line_no, "character": ch}}),
        )
        .await
        .unwrap();
    assert_eq!(
        h["range"]["start"]["character"].as_u64().unwrap(),
        col(line, line.find("FR-042").unwrap(), utf8)
    );
    assert!(
        h["contents"]["value"].as_str().unwrap().contains("FR-042"),
        "{h}"
    );
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_when_the_client_offers_only_utf16() {
    encodings(vec!["utf-16"], false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_when_the_client_offers_it() {
    encodings(vec!["utf-16", "utf-8"], true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_when_the_client_offers_nothing() {
    // No `general.positionEncodings` at all: LSP's default, UTF-16.
    encodings(vec![], false).await;
}
