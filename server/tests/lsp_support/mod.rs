//! A small JSON-RPC client that drives the language server in-process over
//! a tokio duplex stream, for the `lsp_*` tests.
#![allow(dead_code)]

use serde_json::{json, Value};
use specgate::text::{Encoding, LineIndex};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::Uri;

pub const TIMEOUT: Duration = Duration::from_secs(20);

/// The repository's `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

pub struct Options {
    /// Position encodings the client offers (`["utf-16"]` like VS Code).
    pub encodings: Vec<&'static str>,
    pub init: Value,
    pub watch: bool,
    pub progress: bool,
    /// The window's folders, relative to the root (none: the root).
    pub folders: Vec<&'static str>,
    /// The client offers pull diagnostics (`textDocument/diagnostic`,
    /// `workspace/diagnostic/refresh`), like VS Code and Neovim 0.11.
    pub pull: bool,
    /// With `pull`: the client takes `workspace/diagnostic/refresh`.
    pub refresh: bool,
    /// The client opens documents the server shows (`window/showDocument`).
    pub show_document: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            encodings: vec!["utf-16"],
            init: json!({ "debounceMs": 0 }),
            watch: true,
            progress: false,
            pull: false,
            refresh: true,
            folders: Vec::new(),
            show_document: false,
        }
    }
}

/// Last diagnostics published for a URI.
#[derive(Clone, Debug, Default)]
pub struct Published {
    pub version: Option<i64>,
    pub diagnostics: Vec<Value>,
    /// How many times this URI was published.
    pub count: usize,
}

pub struct Client {
    pub root: PathBuf,
    _dir: tempfile::TempDir,
    out: mpsc::UnboundedSender<Value>,
    inbox: mpsc::UnboundedReceiver<Value>,
    next_id: i64,
    pub published: HashMap<String, Published>,
    /// Requests the server sent to the client (answered with `null`).
    pub server_requests: Vec<Value>,
    pub logs: Vec<String>,
    pub progress: Vec<Value>,
    pub encoding: Encoding,
    /// Text and version of the documents this client opened.
    pub docs: HashMap<String, (i64, String)>,
    /// What the server answered to `initialize`.
    pub capabilities: Value,
    server: tokio::task::JoinHandle<()>,
}

async fn read_message<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Option<Value> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut buf = vec![0; len?];
    r.read_exact(&mut buf).await.ok()?;
    serde_json::from_slice(&buf).ok()
}

pub fn frame(v: &Value) -> Vec<u8> {
    let body = serde_json::to_vec(v).unwrap();
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend(body);
    out
}

impl Client {
    /// Copies fixture `name` to a temporary folder and starts a server on it.
    pub async fn start(name: &str, opts: Options) -> Client {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        copy_dir(&fixture(name), &root);
        let root = root.canonicalize().unwrap();
        Self::start_in(dir, root, opts).await
    }

    pub async fn start_in(dir: tempfile::TempDir, root: PathBuf, opts: Options) -> Client {
        let (client_end, server_end) = tokio::io::duplex(1 << 22);
        let (sr, sw) = tokio::io::split(server_end);
        let server = tokio::spawn(specgate::lsp::serve(sr, sw));
        let (cr, mut cw) = tokio::io::split(client_end);
        let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Value>();
        tokio::spawn(async move {
            while let Some(v) = out_rx.recv().await {
                if cw.write_all(&frame(&v)).await.is_err() {
                    break;
                }
            }
        });
        let (in_tx, inbox) = mpsc::unbounded_channel::<Value>();
        let reply = out_tx.clone();
        tokio::spawn(async move {
            let mut r = BufReader::new(cr);
            while let Some(v) = read_message(&mut r).await {
                if v.get("method").is_some() && v.get("id").is_some() {
                    let _ = reply.send(json!({"jsonrpc": "2.0", "id": v["id"], "result": null}));
                }
                if in_tx.send(v).is_err() {
                    break;
                }
            }
        });
        let encoding = if opts.encodings.contains(&"utf-8") {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let mut c = Client {
            root: root.clone(),
            _dir: dir,
            out: out_tx,
            inbox,
            next_id: 0,
            published: HashMap::new(),
            server_requests: Vec::new(),
            logs: Vec::new(),
            progress: Vec::new(),
            encoding,
            docs: HashMap::new(),
            capabilities: Value::Null,
            server,
        };
        let root_uri = Uri::from_file_path(&root).unwrap();
        let folders: Vec<Value> = if opts.folders.is_empty() {
            vec![json!({ "uri": root_uri.as_str(), "name": "ws" })]
        } else {
            opts.folders
                .iter()
                .map(|f| json!({ "uri": c.uri(f), "name": f }))
                .collect()
        };
        let init = c
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri.as_str(),
                    "workspaceFolders": folders,
                    "initializationOptions": opts.init,
                    "capabilities": {
                        "general": { "positionEncodings": opts.encodings },
                        "workspace": {
                            "didChangeWatchedFiles": { "dynamicRegistration": opts.watch },
                            "diagnostics": { "refreshSupport": opts.pull && opts.refresh },
                        },
                        "window": {
                            "workDoneProgress": opts.progress,
                            "showDocument": { "support": opts.show_document },
                        },
                        "textDocument": if opts.pull {
                            json!({
                                "publishDiagnostics": { "versionSupport": true },
                                "diagnostic": { "dynamicRegistration": false, "relatedDocumentSupport": false },
                            })
                        } else {
                            json!({ "publishDiagnostics": { "versionSupport": true } })
                        }
                    }
                }),
            )
            .await
            .expect("initialize succeeds");
        let want = if encoding == Encoding::Utf8 {
            "utf-8"
        } else {
            "utf-16"
        };
        assert_eq!(init["capabilities"]["positionEncoding"], want);
        c.capabilities = init["capabilities"].clone();
        c.notify("initialized", json!({}));
        c
    }

    pub fn uri(&self, rel: &str) -> String {
        Uri::from_file_path(self.root.join(rel))
            .unwrap()
            .as_str()
            .to_string()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.out
            .send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .unwrap();
    }

    /// Sends a request and waits for its response (`Err` holds the error object).
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id).await
    }

    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.out
            .send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .unwrap();
        id
    }

    pub async fn response(&mut self, id: i64) -> Result<Value, Value> {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.inbox.recv())
                .await
                .unwrap_or_else(|_| panic!("no response to request {id}"))
                .expect("server closed the connection");
            if msg.get("method").is_none() && msg["id"] == json!(id) {
                return match msg.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(msg["result"].clone()),
                };
            }
            self.handle(msg);
        }
    }

    fn handle(&mut self, msg: Value) {
        let method = msg["method"].as_str().unwrap_or("");
        if msg.get("id").is_some() && !method.is_empty() {
            self.server_requests.push(msg);
            return;
        }
        match method {
            "textDocument/publishDiagnostics" => {
                let p = &msg["params"];
                let e = self
                    .published
                    .entry(p["uri"].as_str().unwrap().to_string())
                    .or_default();
                e.version = p["version"].as_i64();
                e.diagnostics = p["diagnostics"].as_array().cloned().unwrap_or_default();
                e.count += 1;
            }
            "window/logMessage" => self
                .logs
                .push(msg["params"]["message"].as_str().unwrap_or("").to_string()),
            "$/progress" => self.progress.push(msg["params"].clone()),
            _ => {}
        }
    }

    /// Handles every message that arrives within `d`.
    pub async fn pump(&mut self, d: Duration) {
        let deadline = tokio::time::Instant::now() + d;
        while let Ok(Some(msg)) = tokio::time::timeout_at(deadline, self.inbox.recv()).await {
            self.handle(msg);
        }
    }

    /// Waits until the diagnostics published for `rel` satisfy `pred`.
    pub async fn wait_diags(
        &mut self,
        rel: &str,
        what: &str,
        pred: impl Fn(&Published) -> bool,
    ) -> Published {
        let uri = self.uri(rel);
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            if let Some(p) = self.published.get(&uri) {
                if pred(p) {
                    return p.clone();
                }
            }
            match tokio::time::timeout_at(deadline, self.inbox.recv()).await {
                Ok(Some(msg)) => self.handle(msg),
                _ => panic!(
                    "{rel}: waited in vain for {what}; last published: {:#?}",
                    self.published.get(&uri)
                ),
            }
        }
    }

    pub fn diags(&self, rel: &str) -> Vec<Value> {
        self.published
            .get(&self.uri(rel))
            .map(|p| p.diagnostics.clone())
            .unwrap_or_default()
    }

    pub fn open(&mut self, rel: &str) {
        let text = std::fs::read_to_string(self.path(rel)).unwrap();
        self.open_text(rel, &text);
    }

    pub fn open_text(&mut self, rel: &str, text: &str) {
        let lang = match rel.rsplit('.').next() {
            Some("md") => "markdown",
            Some("sql") => "sql",
            Some("json") => "json",
            Some("toml") => "toml",
            _ => "yaml",
        };
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": self.uri(rel), "languageId": lang, "version": 1, "text": text}}),
        );
        self.docs.insert(rel.to_string(), (1, text.to_string()));
    }

    pub fn close(&mut self, rel: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": self.uri(rel)}}),
        );
        self.docs.remove(rel);
    }

    /// Replaces byte range `[start, end)` of an open document with `new`,
    /// sending the change with positions in the negotiated encoding.
    pub fn edit(&mut self, rel: &str, start: usize, end: usize, new: &str) -> i64 {
        let uri = self.uri(rel);
        let enc = self.encoding;
        let (version, text) = self.docs.get_mut(rel).expect("document is open");
        let li = LineIndex::new(text);
        let a = li.line_col(text, start as u32, enc);
        let b = li.line_col(text, end as u32, enc);
        text.replace_range(start..end, new);
        *version += 1;
        let v = *version;
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": v},
                "contentChanges": [{
                    "range": {"start": {"line": a.line, "character": a.col}, "end": {"line": b.line, "character": b.col}},
                    "text": new
                }]
            }),
        );
        v
    }

    /// Replaces the first occurrence of `old` in an open document.
    pub fn replace(&mut self, rel: &str, old: &str, new: &str) -> i64 {
        let text = &self.docs[rel].1;
        let at = text
            .find(old)
            .unwrap_or_else(|| panic!("`{old}` is not in {rel}"));
        self.edit(rel, at, at + old.len(), new)
    }

    pub fn text(&self, rel: &str) -> String {
        match self.docs.get(rel) {
            Some((_, t)) => t.clone(),
            None => std::fs::read_to_string(self.path(rel)).unwrap(),
        }
    }

    /// LSP position of the `nth` occurrence of `needle` in `rel` (plus `delta` bytes).
    pub fn pos(&self, rel: &str, needle: &str, delta: usize) -> Value {
        let text = self.text(rel);
        let at = text
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` is not in {rel}"))
            + delta;
        let lc = LineIndex::new(&text).line_col(&text, at as u32, self.encoding);
        json!({"line": lc.line, "character": lc.col})
    }

    pub fn at(&self, rel: &str, needle: &str, delta: usize) -> Value {
        json!({"textDocument": {"uri": self.uri(rel)}, "position": self.pos(rel, needle, delta)})
    }

    /// The text a range of `rel` covers (in the negotiated encoding).
    pub fn range_text(&self, rel: &str, range: &Value) -> String {
        let text = self.text(rel);
        let li = LineIndex::new(&text);
        let p = |v: &Value| {
            li.offset(
                &text,
                specgate::text::LineCol {
                    line: v["line"].as_u64().unwrap() as u32,
                    col: v["character"].as_u64().unwrap() as u32,
                },
                self.encoding,
            ) as usize
        };
        text[p(&range["start"])..p(&range["end"])].to_string()
    }

    /// Workspace-relative file of a URI.
    pub fn rel(&self, uri: &str) -> String {
        let u: Uri = uri.parse().unwrap();
        let p = u.to_file_path().unwrap().into_owned();
        p.strip_prefix(&self.root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Sends shutdown and exit; returns once the server task ends.
    pub async fn shutdown(mut self) {
        self.request("shutdown", Value::Null).await.unwrap();
        self.notify("exit", Value::Null);
        tokio::time::timeout(Duration::from_secs(5), &mut self.server)
            .await
            .expect("server exits promptly after exit")
            .unwrap();
    }
}

/// `code: text` of each diagnostic, sorted (a stable view for assertions).
pub fn codes(diags: &[Value]) -> Vec<String> {
    let mut v: Vec<String> = diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect();
    v.sort();
    v
}

pub fn has_code(p: &Published, code: &str) -> bool {
    p.diagnostics.iter().any(|d| d["code"] == code)
}

/// What a from-scratch check of the workspace on disk, with `overlays`
/// instead of the disk text of those files, reports for `rel`: (range,
/// code, message) in encoding `enc`, in the server's order.
pub fn expected(
    root: &Path,
    overlays: &[(&str, &str)],
    rel: &str,
    enc: Encoding,
) -> Vec<(Value, String, String)> {
    let mut ws = specgate::workspace::Workspace::load(root, None).unwrap();
    for (f, t) in overlays {
        ws.insert(f, t.to_string());
    }
    let index = specgate::index::Index::build(ws, None);
    let diags = specgate::rules::check(&index);
    diags
        .iter()
        .filter(|d| &*d.location.file == rel)
        .map(|d| {
            let src = index.source(rel).unwrap();
            let a = src.line_index.line_col(&src.text, d.location.span.start, enc);
            let b = src.line_index.line_col(&src.text, d.location.span.end, enc);
            (
                json!({"start": {"line": a.line, "character": a.col}, "end": {"line": b.line, "character": b.col}}),
                d.code.to_string(),
                d.message.clone(),
            )
        })
        .collect()
}

/// The same view of published diagnostics.
pub fn actual(diags: &[Value]) -> Vec<(Value, String, String)> {
    diags
        .iter()
        .map(|d| {
            (
                d["range"].clone(),
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A small deterministic generator (xorshift) for the random-edit tests.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
