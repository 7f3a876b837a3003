//! Out-of-order protection: a burst of 200 incremental edits, sent without
//! waiting, ends in the diagnostics of a from-scratch check of the final text.

mod lsp_support;

use lsp_support::{actual, copy_dir, expected, fixture, Client, Options};

/// A tiny deterministic generator (no dependency, same burst every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

fn char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

async fn burst(encodings: Vec<&'static str>, seed: u64) {
    let c = Client::start(
        "lsp-basic",
        Options {
            encodings,
            ..Default::default()
        },
    )
    .await;
    edits(c, seed, false).await;
}

/// 200 random edits to the three open files; with `paced`, each edit waits
/// for its diagnostics (so every version is analysed on its own), else they
/// are sent at once. Then every file must agree with a fresh check.
async fn edits(mut c: Client, seed: u64, paced: bool) {
    let files = ["notes.md", "openapi.yaml", "prd.md"];
    for f in files {
        c.open(f);
    }
    c.wait_diags("notes.md", "initial diagnostics", |p| p.version == Some(1))
        .await;
    let snippets = [
        "FR-0", "9", " FR-099 ", "x", "é", "😀", "漢字", "\n", "\r\n", " ", "FR-042", "-",
    ];
    let mut rng = Lcg(seed);
    let mut last = [0i64; 3];
    for _ in 0..200 {
        let k = rng.next(files.len());
        let f = files[k];
        let text = c.text(f);
        let a = char_boundary(&text, rng.next(text.len() + 1));
        // Keep CRLF pairs whole so every client-side position is valid.
        let a =
            if a > 0 && text.as_bytes().get(a) == Some(&b'\n') && text.as_bytes()[a - 1] == b'\r' {
                a - 1
            } else {
                a
            };
        let v = if rng.next(3) == 0 && a < text.len() {
            let mut b = char_boundary(&text, a + 1 + rng.next(6));
            if b < text.len() && text.as_bytes()[b] == b'\n' && text.as_bytes()[b - 1] == b'\r' {
                b += 1;
            }
            c.edit(f, a, b, "")
        } else {
            c.edit(f, a, a, snippets[rng.next(snippets.len())])
        };
        last[k] = v;
        if paced {
            c.wait_diags(f, "this edit", |p| p.version == Some(v)).await;
        }
    }
    for (k, f) in files.iter().enumerate() {
        if last[k] == 0 {
            continue;
        }
        let v = last[k];
        c.wait_diags(f, "the final version", |p| p.version == Some(v))
            .await;
    }
    let texts: Vec<(String, String)> = files.iter().map(|f| (f.to_string(), c.text(f))).collect();
    let overlays: Vec<(&str, &str)> = texts
        .iter()
        .map(|(f, t)| (f.as_str(), t.as_str()))
        .collect();
    // Every file of the workspace, open or not, agrees with a fresh check.
    for f in [
        "notes.md",
        "openapi.yaml",
        "prd.md",
        "db/001_init.sql",
        "data-dictionary.md",
    ] {
        let want = expected(&c.root, &overlays, f, c.encoding);
        assert_eq!(actual(&c.diags(f)), want, "{f} after the burst");
    }
    c.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn burst_of_200_edits_utf16() {
    burst(vec!["utf-16"], 7).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn burst_of_200_edits_utf8() {
    burst(vec!["utf-8", "utf-16"], 11).await;
}

/// The same on a spec large enough to be re-read incrementally (its tree
/// recycled between rounds, see `specgate::index::reuse`): paced, so that most
/// rounds start from a recycled tree, then as a burst.
async fn large_spec(seed: u64, paced: bool) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    copy_dir(&fixture("lsp-basic"), &root);
    let spec = std::fs::read_to_string(root.join("openapi.yaml")).unwrap();
    let mut extra = String::new();
    let mut i = 0;
    while extra.len() < specgate::index::reuse::MIN_BYTES + 8192 {
        extra.push_str(&format!(
            "  /extra{i}:\n    get:\n      operationId: extra{i}\n      summary: Extra {i}\n      x-fr-ids: [FR-001]\n      responses:\n        '200':\n          description: ok\n"
        ));
        i += 1;
    }
    let spec = spec.replacen("paths:\n", &format!("paths:\n{extra}"), 1);
    std::fs::write(root.join("openapi.yaml"), spec).unwrap();
    let root = root.canonicalize().unwrap();
    let c = Client::start_in(dir, root, Options::default()).await;
    edits(c, seed, paced).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn paced_edits_to_a_large_spec() {
    large_spec(5, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn burst_of_edits_to_a_large_spec() {
    large_spec(13, false).await;
}
