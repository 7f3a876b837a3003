//! The protocol handlers.

use super::convert::{encoding_name, line_col, Snapshot};
use super::state::{Doc, Pull, Settings, Shared};
use super::workspaces::Workspaces;
use super::{FIX_ALL_KIND, INVENTORY_COMMAND, REPORT_COMMAND, SHOW_REFERENCES_COMMAND};
use ropey::Rope;
use serde_json::{json, Value};
use specgate_engine::diag::FileId;
use specgate_engine::ide;
use specgate_syntax::text::{self, Encoding};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types as ls;
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::{Client, LanguageServer};

/// A command that panics inside a handler, accepted only when the
/// environment variable [`PANIC_ENV`] is set: tests use it to check that a
/// panic becomes an error response and the server goes on. Debug builds
/// only (what `cargo test` runs): a release binary has no such command.
#[cfg(debug_assertions)]
const PANIC_COMMAND: &str = "specgate.debug.panic";
#[cfg(debug_assertions)]
const PANIC_ENV: &str = "SPECGATE_TEST_PANIC";

/// How long a request waits for the analysis of the edits before it.
const REQUEST_WAIT: Duration = Duration::from_secs(60);

pub struct Backend {
    ws: Arc<Workspaces>,
    /// Client capabilities that decide what `initialized` sets up.
    flags: std::sync::Mutex<ClientFlags>,
}

#[derive(Default, Clone, Copy)]
struct ClientFlags {
    watch_dynamic: bool,
    progress: bool,
    /// `window/showDocument` (LSP 3.16): the report opens in a browser.
    show_document: bool,
}

fn internal(msg: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InternalError,
        message: msg.into().into(),
        data: None,
    }
}

fn invalid_params(msg: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InvalidParams,
        message: msg.into().into(),
        data: None,
    }
}

impl Backend {
    pub fn new(client: Client, publisher: super::publish::Publisher) -> Backend {
        Backend {
            ws: Arc::new(Workspaces::new(client, publisher)),
            flags: std::sync::Mutex::new(ClientFlags::default()),
        }
    }

    /// Runs `f` on the workspace of `uri` and the document's id there,
    /// catching a panic (which is logged). `None`: no workspace holds it.
    fn sync_update(&self, what: &str, uri: &Uri, f: impl FnOnce(&Shared, FileId)) -> bool {
        let Some((shared, file)) = self.ws.route(uri) else {
            return false;
        };
        if let Err(p) = std::panic::catch_unwind(AssertUnwindSafe(|| f(&shared, file))) {
            self.ws
                .log
                .error(format!("{what} panicked: {}", panic_message(&p)));
        }
        true
    }

    /// The snapshot that includes every change received before this request,
    /// and the file of `uri` in it. `ContentModified` when the document
    /// changed again since; `None` for a file outside the workspace (the
    /// client asks about every open editor, settings.json included: the
    /// answer is "nothing here", not an error in its log).
    async fn snapshot(&self, uri: &Uri) -> Result<Option<(Arc<Snapshot>, FileId)>> {
        let Some((shared, file)) = self.ws.route(uri) else {
            return Ok(None);
        };
        let (gen, version) = {
            let st = shared.lock();
            (st.gen, st.docs.get(&file).map(|d| d.version))
        };
        let snap = Self::latest(&shared, gen).await?;
        if version.is_some() && snap.versions.get(&file) != version.as_ref() {
            return Err(Error::content_modified());
        }
        Ok(Some((snap, file)))
    }

    /// The snapshot of a workspace that includes every change before now.
    async fn current(shared: &Shared) -> Result<Arc<Snapshot>> {
        let gen = shared.lock().gen;
        Self::latest(shared, gen).await
    }

    async fn latest(shared: &Shared, gen: u64) -> Result<Arc<Snapshot>> {
        shared
            .snapshot_at(gen, REQUEST_WAIT)
            .await
            .ok_or_else(|| internal("the workspace is not analysed yet"))
    }

    /// The workspace a command is about: the one of its first argument
    /// when that is a document URI, else the first folder's.
    fn command_target(&self, args: &[Value]) -> Result<Arc<Shared>> {
        let routed = args
            .first()
            .and_then(Value::as_str)
            .and_then(|u| u.parse::<Uri>().ok())
            .and_then(|u| self.ws.route(&u))
            .map(|(s, _)| s);
        routed
            .or_else(|| self.ws.all().into_iter().next())
            .ok_or_else(|| internal("no workspace is open"))
    }

    /// Runs an engine query on a blocking thread; a panic becomes an error
    /// response (and a log line) instead of taking the server down.
    async fn query<T, F>(&self, what: &'static str, snap: Arc<Snapshot>, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Snapshot) -> Result<T> + Send + 'static,
    {
        match tokio::task::spawn_blocking(move || f(&snap)).await {
            Ok(r) => r,
            Err(e) => {
                let msg = if e.is_panic() {
                    panic_message(&e.into_panic())
                } else {
                    e.to_string()
                };
                self.ws.log.error(format!("{what} failed: {msg}"));
                Err(internal(format!("specgate: {what} failed: {msg}")))
            }
        }
    }

    /// `specgate.report`: writes the design review page of the workspace and
    /// asks the client to open it in a browser; returns its file URI.
    async fn report(&self, args: &[Value]) -> Result<Option<Value>> {
        let shared = self.command_target(args)?;
        let snap = Self::current(&shared).await?;
        let uri = self
            .query("specgate.report", snap, |s| {
                let a = s.analysis();
                let report = specgate_engine::report::Report::build(a.index(), a.diagnostics());
                // In the temporary folder, one file per workspace: nothing is
                // written into the user's repository.
                let root = a.index().ws.root.to_string_lossy().to_string();
                let hash = root.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
                });
                let path = std::env::temp_dir().join(format!("specgate-report-{hash:016x}.html"));
                std::fs::write(&path, report.to_html())
                    .map_err(|e| internal(format!("cannot write {}: {e}", path.display())))?;
                Uri::from_file_path(&path)
                    .ok_or_else(|| internal(format!("no URI for {}", path.display())))
            })
            .await?;
        // `[uri, {"open": false}]`: the client shows the page itself (VS
        // Code, in a webview: a browser there may not reach this machine's
        // files, as with a remote or code-server window).
        let open = args
            .get(1)
            .and_then(|o| o.get("open"))
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let show = self
            .flags
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .show_document;
        if show && open {
            let params = ls::ShowDocumentParams {
                uri: uri.clone(),
                external: Some(true),
                take_focus: Some(true),
                selection: None,
            };
            // Not awaited: an editor may ask its user before it opens a
            // browser, and the command's answer must not wait for that.
            let ws = self.ws.clone();
            tokio::spawn(async move {
                if let Err(e) = ws.client.show_document(params).await {
                    ws.log.error(format!("showDocument failed: {e}"));
                }
            });
        }
        Ok(Some(Value::String(uri.to_string())))
    }

    /// Snapshot, file and byte offset of a text document position.
    async fn at(
        &self,
        p: &ls::TextDocumentPositionParams,
    ) -> Result<Option<(Arc<Snapshot>, FileId, u32)>> {
        let Some((snap, file)) = self.snapshot(&p.text_document.uri).await? else {
            return Ok(None);
        };
        let off = snap
            .offset(&file, p.position)
            .ok_or_else(|| invalid_params("file is not analysed"))?;
        Ok(Some((snap, file, off)))
    }
}

fn panic_message(p: &Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Applies LSP content changes to a rope. Positions are clamped to the text.
fn apply_changes(rope: &mut Rope, changes: Vec<ls::TextDocumentContentChangeEvent>, enc: Encoding) {
    for c in changes {
        match c.range {
            None => *rope = Rope::from_str(&c.text),
            Some(r) => {
                let a = text::rope::offset(rope, line_col(r.start), enc);
                let b = text::rope::offset(rope, line_col(r.end), enc);
                let (a, b) = (a.min(b), a.max(b));
                let (ca, cb) = (rope.byte_to_char(a), rope.byte_to_char(b));
                rope.remove(ca..cb);
                rope.insert(ca, &c.text);
            }
        }
    }
}

fn symbol_kind(k: ide::SymbolKind) -> ls::SymbolKind {
    match k {
        ide::SymbolKind::Requirement => ls::SymbolKind::KEY,
        ide::SymbolKind::Path => ls::SymbolKind::NAMESPACE,
        ide::SymbolKind::Operation => ls::SymbolKind::METHOD,
        ide::SymbolKind::Schema => ls::SymbolKind::CLASS,
        ide::SymbolKind::Entity | ide::SymbolKind::Table => ls::SymbolKind::STRUCT,
        ide::SymbolKind::Attribute | ide::SymbolKind::Column => ls::SymbolKind::FIELD,
    }
}

#[allow(deprecated)] // DocumentSymbol::deprecated must be written out
fn document_symbol(s: &Snapshot, file: &str, sym: ide::Symbol) -> Option<ls::DocumentSymbol> {
    Some(ls::DocumentSymbol {
        name: sym.name,
        detail: sym.detail,
        kind: symbol_kind(sym.kind),
        tags: None,
        deprecated: None,
        range: s.range(file, sym.span)?,
        selection_range: s.range(file, sym.selection)?,
        children: Some(
            sym.children
                .into_iter()
                .filter_map(|c| document_symbol(s, file, c))
                .collect(),
        ),
    })
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: ls::InitializeParams) -> Result<ls::InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        let enc = if offered.is_some_and(|v| v.contains(&ls::PositionEncodingKind::UTF8)) {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        // Every folder of the window (each with the root `specgate check
        // FOLDER` would use), else the root URI, else the current folder.
        #[allow(deprecated)]
        let mut folders: Vec<PathBuf> = match &params.workspace_folders {
            Some(f) if !f.is_empty() => f
                .iter()
                .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
                .collect(),
            _ => params
                .root_uri
                .as_ref()
                .and_then(|u| u.to_file_path().map(|p| p.into_owned()))
                .into_iter()
                .collect(),
        };
        if folders.is_empty() {
            folders.extend(std::env::current_dir().ok());
        }
        let debounce = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("debounceMs"))
            .and_then(Value::as_u64);
        let overrides = params
            .initialization_options
            .as_ref()
            .map(specgate_engine::config::Overrides::from_json)
            .unwrap_or_default();
        let mut settings = Settings {
            enc,
            overrides,
            ..Settings::default()
        };
        if let Some(ms) = debounce {
            settings.debounce = Duration::from_millis(ms);
        }
        // Pull diagnostics when the client offers them and can be told to
        // pull again (a PRD edit changes an OpenAPI file's findings: Neovim
        // 0.11 pulls only the buffer it changed, and keeps pushing then),
        // unless it opts out.
        let caps = &params.capabilities;
        let wants_pull = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("pullDiagnostics"))
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let can_pull = caps
            .text_document
            .as_ref()
            .is_some_and(|t| t.diagnostic.is_some());
        let can_refresh = caps
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        if wants_pull && can_pull && can_refresh {
            settings.pull = Some(Arc::new(Pull::default()));
        }
        let pull = settings.pull.is_some();
        self.ws.set_settings(settings);
        for f in folders {
            self.ws.add_folder(f);
        }
        let show_document = caps
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|d| d.support);
        *self.flags.lock().unwrap_or_else(|e| e.into_inner()) = ClientFlags {
            show_document,
            watch_dynamic: caps
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            progress: caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
        };
        Ok(ls::InitializeResult {
            server_info: Some(ls::ServerInfo {
                name: "specgate".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ls::ServerCapabilities {
                position_encoding: Some(encoding_name(enc)),
                text_document_sync: Some(ls::TextDocumentSyncCapability::Options(
                    ls::TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(ls::TextDocumentSyncKind::INCREMENTAL),
                        save: Some(ls::TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(ls::HoverProviderCapability::Simple(true)),
                definition_provider: Some(ls::OneOf::Left(true)),
                references_provider: Some(ls::OneOf::Left(true)),
                completion_provider: Some(ls::CompletionOptions {
                    trigger_characters: Some(
                        ["-", "#", "/", "'", "\"", "[", " ", ","]
                            .iter()
                            .map(|s| s.to_string())
                            .collect(),
                    ),
                    ..Default::default()
                }),
                rename_provider: Some(ls::OneOf::Right(ls::RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: Default::default(),
                })),
                document_symbol_provider: Some(ls::OneOf::Left(true)),
                workspace_symbol_provider: Some(ls::OneOf::Left(true)),
                code_lens_provider: Some(ls::CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                code_action_provider: Some(ls::CodeActionProviderCapability::Options(
                    ls::CodeActionOptions {
                        code_action_kinds: Some(vec![
                            ls::CodeActionKind::QUICKFIX,
                            ls::CodeActionKind::from(FIX_ALL_KIND),
                        ]),
                        ..Default::default()
                    },
                )),
                diagnostic_provider: pull.then(|| {
                    ls::DiagnosticServerCapabilities::Options(ls::DiagnosticOptions {
                        identifier: Some("specgate".into()),
                        // A PRD edit changes an OpenAPI file's findings.
                        inter_file_dependencies: true,
                        workspace_diagnostics: true,
                        work_done_progress_options: Default::default(),
                    })
                }),
                execute_command_provider: Some(ls::ExecuteCommandOptions {
                    commands: vec![INVENTORY_COMMAND.to_string(), REPORT_COMMAND.to_string()],
                    ..Default::default()
                }),
                workspace: Some(ls::WorkspaceServerCapabilities {
                    workspace_folders: Some(ls::WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(ls::OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..Default::default()
            },
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: ls::InitializedParams) {
        let flags = *self.flags.lock().unwrap_or_else(|e| e.into_inner());
        self.ws.start(flags.progress);
        if flags.watch_dynamic {
            let ws = self.ws.clone();
            tokio::spawn(async move {
                let opts = json!({ "watchers": [
                    { "globPattern": "**/*.{md,markdown,yaml,yml,json,sql,csv}" },
                    { "globPattern": "**/specgate.toml" },
                ]});
                let reg = ls::Registration {
                    id: "specgate-watched-files".into(),
                    method: "workspace/didChangeWatchedFiles".into(),
                    register_options: Some(opts),
                };
                if let Err(e) = ws.client.register_capability(vec![reg]).await {
                    ws.log.warn(format!(
                        "cannot watch files (changes on disk are missed): {e}"
                    ));
                }
            });
        }
    }

    async fn diagnostic(
        &self,
        params: ls::DocumentDiagnosticParams,
    ) -> Result<ls::DocumentDiagnosticReportResult> {
        let uri = &params.text_document.uri;
        let previous = params.previous_result_id.as_deref();
        // The findings of the newest text: an edit that arrives meanwhile
        // means waiting for its analysis (the client cancels a pull it no
        // longer needs).
        loop {
            match self.snapshot(uri).await {
                Ok(None) => return Ok(super::pull::document(&[], previous)),
                Ok(Some((snap, file))) => {
                    let diags = snap.by_file.get(&file).map(|d| &d[..]).unwrap_or(&[]);
                    return Ok(super::pull::document(diags, previous));
                }
                Err(e) if e.code == ErrorCode::ContentModified => continue,
                Err(e) => return Err(e),
            }
        }
    }

    async fn workspace_diagnostic(
        &self,
        params: ls::WorkspaceDiagnosticParams,
    ) -> Result<ls::WorkspaceDiagnosticReportResult> {
        let mut report = super::pull::Workspace::new(params.previous_result_ids);
        for shared in self.ws.all() {
            if let Some(p) = &shared.pull {
                if !p.workspace.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    self.ws.log.info(format!(
                        "the client pulls the diagnostics of every file of {}",
                        shared.lock().root.display()
                    ));
                }
            }
            let snap = Self::current(&shared).await?;
            let mut files: Vec<_> = snap.by_file.iter().collect();
            files.sort_by(|a, b| a.0.cmp(b.0));
            for (f, diags) in files {
                if let Some(uri) = snap.uri(f) {
                    report.add(uri, snap.versions.get(f).copied(), diags);
                }
            }
            // Its analysis task stops pushing what this now delivers.
            shared.poke();
        }
        Ok(report.finish())
    }

    async fn shutdown(&self) -> Result<()> {
        self.ws.shutdown();
        Ok(())
    }

    async fn did_open(&self, params: ls::DidOpenTextDocumentParams) {
        let td = params.text_document;
        let uri = td.uri.clone();
        let known = self.sync_update("didOpen", &uri, |sh, file| {
            let mut st = sh.lock();
            st.closed.remove(&file);
            st.docs.insert(
                file,
                Doc {
                    uri: td.uri,
                    rope: Rope::from_str(&td.text),
                    version: td.version,
                    dirty: true,
                },
            );
            sh.changed(&mut st);
        });
        if !known {
            self.ws.log.info(format!(
                "{} is outside the workspace: not checked",
                uri.as_str()
            ));
        }
    }

    async fn did_change(&self, params: ls::DidChangeTextDocumentParams) {
        // Synchronous from here to the end: no `.await` may reorder edits.
        let uri = params.text_document.uri.clone();
        self.sync_update("didChange", &uri, |sh, file| {
            let mut st = sh.lock();
            let enc = st.enc;
            let version = params.text_document.version;
            let Some(doc) = st.docs.get_mut(&file) else {
                sh.log
                    .warn(format!("change to {file}, which is not open: ignored"));
                return;
            };
            if version <= doc.version {
                sh.log.warn(format!(
                    "change to {file} version {version} after version {}: ignored",
                    doc.version
                ));
                return;
            }
            apply_changes(&mut doc.rope, params.content_changes, enc);
            doc.version = version;
            doc.dirty = true;
            sh.changed(&mut st);
        });
    }

    async fn did_save(&self, _: ls::DidSaveTextDocumentParams) {}

    async fn did_close(&self, params: ls::DidCloseTextDocumentParams) {
        self.sync_update("didClose", &params.text_document.uri, |sh, file| {
            let mut st = sh.lock();
            if st.docs.remove(&file).is_some() {
                st.closed.insert(file);
                sh.changed(&mut st);
            }
        });
    }

    async fn did_change_configuration(&self, params: ls::DidChangeConfigurationParams) {
        let o = specgate_engine::config::Overrides::from_json(&params.settings);
        self.ws.set_overrides(o);
    }

    async fn did_change_watched_files(&self, params: ls::DidChangeWatchedFilesParams) {
        for ch in params.changes {
            self.sync_update("didChangeWatchedFiles", &ch.uri, |sh, file| {
                let mut st = sh.lock();
                st.disk.push((file, ch.typ));
                sh.changed(&mut st);
            });
        }
    }

    async fn did_change_workspace_folders(&self, params: ls::DidChangeWorkspaceFoldersParams) {
        for f in &params.event.removed {
            if let Some(p) = f.uri.to_file_path() {
                self.ws.remove_folder(&p);
            }
        }
        for f in params.event.added {
            if let Some(p) = f.uri.to_file_path() {
                self.ws.add_folder(p.into_owned());
            }
        }
    }

    async fn goto_definition(
        &self,
        params: ls::GotoDefinitionParams,
    ) -> Result<Option<ls::GotoDefinitionResponse>> {
        let Some((snap, file, off)) = self.at(&params.text_document_position_params).await? else {
            return Ok(None);
        };
        self.query("definition", snap, move |s| {
            let locs = s.locations(&s.analysis().definition(&file, off));
            Ok(match locs.len() {
                0 => None,
                1 => Some(ls::GotoDefinitionResponse::Scalar(locs[0].clone())),
                _ => Some(ls::GotoDefinitionResponse::Array(locs)),
            })
        })
        .await
    }

    async fn references(&self, params: ls::ReferenceParams) -> Result<Option<Vec<ls::Location>>> {
        let Some((snap, file, off)) = self.at(&params.text_document_position).await? else {
            return Ok(None);
        };
        let decl = params.context.include_declaration;
        self.query("references", snap, move |s| {
            let locs = s.locations(&s.analysis().references(&file, off, decl));
            Ok((!locs.is_empty()).then_some(locs))
        })
        .await
    }

    async fn hover(&self, params: ls::HoverParams) -> Result<Option<ls::Hover>> {
        let Some((snap, file, off)) = self.at(&params.text_document_position_params).await? else {
            return Ok(None);
        };
        self.query("hover", snap, move |s| {
            Ok(s.analysis().hover(&file, off).map(|h| ls::Hover {
                contents: ls::HoverContents::Markup(ls::MarkupContent {
                    kind: ls::MarkupKind::Markdown,
                    value: h.markdown,
                }),
                range: s.range(&file, h.span),
            }))
        })
        .await
    }

    async fn completion(
        &self,
        params: ls::CompletionParams,
    ) -> Result<Option<ls::CompletionResponse>> {
        let Some((snap, file, off)) = self.at(&params.text_document_position).await? else {
            return Ok(None);
        };
        self.query("completion", snap, move |s| {
            let items: Vec<ls::CompletionItem> = s
                .analysis()
                .completion(&file, off)
                .into_iter()
                .filter_map(|c| {
                    let range = s.range(&file, c.replace)?;
                    Some(ls::CompletionItem {
                        label: c.label,
                        kind: Some(match c.kind {
                            ide::CompletionKind::Requirement => ls::CompletionItemKind::CONSTANT,
                            ide::CompletionKind::Pointer => ls::CompletionItemKind::REFERENCE,
                            ide::CompletionKind::File => ls::CompletionItemKind::FILE,
                            ide::CompletionKind::Attribute => ls::CompletionItemKind::FIELD,
                        }),
                        detail: c.detail,
                        documentation: c.documentation.map(|d| {
                            ls::Documentation::MarkupContent(ls::MarkupContent {
                                kind: ls::MarkupKind::Markdown,
                                value: d,
                            })
                        }),
                        text_edit: Some(ls::CompletionTextEdit::Edit(ls::TextEdit::new(
                            range, c.insert,
                        ))),
                        ..Default::default()
                    })
                })
                .collect();
            Ok((!items.is_empty()).then_some(ls::CompletionResponse::Array(items)))
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: ls::TextDocumentPositionParams,
    ) -> Result<Option<ls::PrepareRenameResponse>> {
        let Some((snap, file, off)) = self.at(&params).await? else {
            return Ok(None);
        };
        self.query("prepareRename", snap, move |s| {
            Ok(s.analysis()
                .prepare_rename(&file, off)
                .and_then(|(span, id)| {
                    Some(ls::PrepareRenameResponse::RangeWithPlaceholder {
                        range: s.range(&file, span)?,
                        placeholder: id,
                    })
                }))
        })
        .await
    }

    async fn rename(&self, params: ls::RenameParams) -> Result<Option<ls::WorkspaceEdit>> {
        let Some((snap, file, off)) = self.at(&params.text_document_position).await? else {
            return Ok(None);
        };
        let new_name = params.new_name;
        self.query("rename", snap, move |s| {
            let edits = s
                .analysis()
                .rename(&file, off, &new_name)
                .map_err(invalid_params)?;
            Ok(Some(s.workspace_edit(&edits)))
        })
        .await
    }

    async fn document_symbol(
        &self,
        params: ls::DocumentSymbolParams,
    ) -> Result<Option<ls::DocumentSymbolResponse>> {
        let Some((snap, file)) = self.snapshot(&params.text_document.uri).await? else {
            return Ok(None);
        };
        self.query("documentSymbol", snap, move |s| {
            let syms: Vec<ls::DocumentSymbol> = s
                .analysis()
                .document_symbols(&file)
                .into_iter()
                .filter_map(|x| document_symbol(s, &file, x))
                .collect();
            Ok(Some(ls::DocumentSymbolResponse::Nested(syms)))
        })
        .await
    }

    async fn symbol(
        &self,
        params: ls::WorkspaceSymbolParams,
    ) -> Result<Option<ls::WorkspaceSymbolResponse>> {
        // Every workspace's symbols (a multi-root window), best first in each.
        let mut all = Vec::new();
        for shared in self.ws.all() {
            let snap = Self::current(&shared).await?;
            let query = params.query.clone();
            let syms = self
                .query("workspace/symbol", snap, move |s| {
                    #[allow(deprecated)]
                    let syms: Vec<ls::SymbolInformation> = s
                        .analysis()
                        .workspace_symbols(&query, 2000)
                        .into_iter()
                        .filter_map(|w| {
                            Some(ls::SymbolInformation {
                                name: w.name,
                                kind: symbol_kind(w.kind),
                                tags: None,
                                deprecated: None,
                                location: s.location(&w.location)?,
                                container_name: w.container,
                            })
                        })
                        .collect();
                    Ok(syms)
                })
                .await?;
            all.extend(syms);
        }
        Ok(Some(ls::WorkspaceSymbolResponse::Flat(all)))
    }

    async fn code_lens(&self, params: ls::CodeLensParams) -> Result<Option<Vec<ls::CodeLens>>> {
        let Some((snap, file)) = self.snapshot(&params.text_document.uri).await? else {
            return Ok(None);
        };
        self.query("codeLens", snap, move |s| {
            let uri = s.uri(&file);
            let lenses = s
                .analysis()
                .code_lenses(&file)
                .into_iter()
                .filter_map(|l| {
                    let range = s.range(&file, l.span)?;
                    let command = if l.targets.is_empty() {
                        String::new() // informative only
                    } else {
                        SHOW_REFERENCES_COMMAND.to_string()
                    };
                    let arguments = (!l.targets.is_empty()).then(|| {
                        vec![
                            json!(uri),
                            json!(range.start),
                            json!(s.locations(&l.targets)),
                        ]
                    });
                    Some(ls::CodeLens {
                        range,
                        command: Some(ls::Command {
                            title: l.title,
                            command,
                            arguments,
                        }),
                        data: None,
                    })
                })
                .collect();
            Ok(Some(lenses))
        })
        .await
    }

    async fn code_action(
        &self,
        params: ls::CodeActionParams,
    ) -> Result<Option<ls::CodeActionResponse>> {
        let Some((snap, file)) = self.snapshot(&params.text_document.uri).await? else {
            return Ok(None);
        };
        let only = params.context.only.clone();
        let wants = move |kind: &str| match &only {
            None => true,
            Some(kinds) => kinds.iter().any(|k| {
                let k = k.as_str();
                kind == k || kind.starts_with(&format!("{k}."))
            }),
        };
        self.query("codeAction", snap, move |s| {
            let mut out: Vec<ls::CodeActionOrCommand> = Vec::new();
            if wants(ls::CodeActionKind::QUICKFIX.as_str()) {
                for d in &params.context.diagnostics {
                    let Some(found) = s.find_diagnostic(d) else {
                        continue;
                    };
                    let a = s.analysis();
                    // The rule's fixes, then "Ignore CODE here" (last, never preferred).
                    for fix in a.fixes(found).into_iter().chain(a.ignore_fix(found)) {
                        out.push(ls::CodeActionOrCommand::CodeAction(ls::CodeAction {
                            title: fix.title.clone(),
                            kind: Some(ls::CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![d.clone()]),
                            edit: Some(s.workspace_edit(&fix.edits)),
                            is_preferred: Some(fix.preferred),
                            ..Default::default()
                        }));
                    }
                }
            }
            if wants(FIX_ALL_KIND) {
                let edits = s.analysis().fix_all(&file);
                if !edits.is_empty() {
                    out.push(ls::CodeActionOrCommand::CodeAction(ls::CodeAction {
                        title: "Specgate: apply every safe fix in this file".into(),
                        kind: Some(ls::CodeActionKind::from(FIX_ALL_KIND)),
                        edit: Some(s.workspace_edit(&edits)),
                        ..Default::default()
                    }));
                }
            }
            Ok(Some(out))
        })
        .await
    }

    async fn execute_command(&self, params: ls::ExecuteCommandParams) -> Result<Option<Value>> {
        #[cfg(debug_assertions)]
        if params.command == PANIC_COMMAND && std::env::var_os(PANIC_ENV).is_some() {
            let snap = Self::current(&*self.command_target(&params.arguments)?).await?;
            return self
                .query(PANIC_COMMAND, snap, |_| -> Result<Option<Value>> {
                    panic!("panic requested by {PANIC_COMMAND}")
                })
                .await;
        }
        if params.command == REPORT_COMMAND {
            return self.report(&params.arguments).await;
        }
        if params.command != INVENTORY_COMMAND {
            return Err(invalid_params(format!(
                "unknown command {}",
                params.command
            )));
        }
        let snap = Self::current(&*self.command_target(&params.arguments)?).await?;
        self.query("specgate.inventory", snap, |s| {
            Ok(Some(Value::String(s.analysis().inventory_markdown())))
        })
        .await
    }
}
