//! Document state, and the analysis task that turns it into snapshots and
//! published diagnostics.

use super::convert::{ByFile, Snapshot};
use super::log::Logger;
use ropey::Rope;
use specgate_engine::config::CONFIG_FILE;
use specgate_engine::diag::FileId;
use specgate_engine::ide::AnalysisHost;
use specgate_engine::index::reuse::Counts;
use specgate_engine::index::Index;
use specgate_engine::workspace::{FileRole, Workspace};
use specgate_syntax::text::Encoding;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Notify};
use tower_lsp_server::ls_types as ls;
use tower_lsp_server::ls_types::{FileChangeType, Uri};
use tower_lsp_server::Client;

/// An open document.
pub struct Doc {
    pub uri: Uri,
    pub rope: Rope,
    pub version: i32,
    /// Changed since the analysis last took its text.
    pub dirty: bool,
}

/// Everything the protocol handlers change; each change bumps `gen`.
pub struct State {
    /// The workspace root, canonical (what the engine reads).
    pub root: PathBuf,
    /// The root as the client named it (perhaps through a symlink): URIs of
    /// files that are not open are built on it, so the client recognises them.
    pub uri_root: PathBuf,
    /// The folders the editor opened, relative to `root`, when the root is
    /// above them (a repository around them): only their files' findings
    /// are published (and those of open documents). Empty: all of it.
    pub scope: Vec<String>,
    pub enc: Encoding,
    pub debounce: Duration,
    pub docs: HashMap<FileId, Doc>,
    pub gen: u64,
    /// Documents closed since the last analysis round (re-read from disk).
    pub closed: BTreeSet<FileId>,
    /// Files changed on disk since the last round.
    pub disk: Vec<(FileId, FileChangeType)>,
    pub shutdown: bool,
    /// The workspace left the session (its folder was removed): clear what
    /// was published for it, then stop.
    pub removed: bool,
    /// Editor settings over `specgate.toml`.
    pub overrides: specgate_engine::config::Overrides,
    /// The settings changed since the last round: reload the config.
    pub overrides_changed: bool,
}

/// A root (canonical) and the roots of every nested workspace under it.
pub type NestedRoots = (PathBuf, Vec<PathBuf>);

pub struct Shared {
    pub client: Client,
    /// Diagnostics go out through this, not `client` (see `publish`).
    pub publisher: super::publish::Publisher,
    pub log: Arc<Logger>,
    /// The nested workspaces under the root (folders with a `specgate.toml`
    /// of their own), sent as (this root, all of them) whenever they
    /// change, so that each gets a session of its own.
    nested_tx: tokio::sync::mpsc::UnboundedSender<NestedRoots>,
    /// Set when the client pulls diagnostics.
    pub pull: Option<Arc<Pull>>,
    state: Mutex<State>,
    wake: Notify,
    snap_tx: watch::Sender<Option<Arc<Snapshot>>>,
}

impl State {
    /// Workspace-relative id of a document URI, if it is in the workspace.
    pub fn file_of(&self, uri: &Uri) -> Option<FileId> {
        super::convert::file_of(&self.uri_root, uri)
            .or_else(|| super::convert::file_of(&self.root, uri))
    }
}

/// What every workspace of a session shares: set by the client at
/// `initialize` and by its settings.
#[derive(Clone)]
pub struct Settings {
    pub enc: Encoding,
    pub debounce: Duration,
    pub overrides: specgate_engine::config::Overrides,
    /// Pull diagnostics, when the client asks for them (see [`Pull`]).
    pub pull: Option<Arc<Pull>>,
}

/// The client pulls diagnostics (LSP 3.17 `textDocument/diagnostic`,
/// `workspace/diagnostic`). Pushing stays the fallback, file by file: a
/// file the client pulls is never pushed too (VS Code and Neovim keep
/// pushed and pulled diagnostics apart and would show both). Open documents
/// are pulled by every such client; the others only once the client has
/// asked for workspace diagnostics (VS Code does, Neovim 0.11 does not).
/// The client must take `workspace/diagnostic/refresh`: it is sent when
/// findings of a pulled file change without an edit of that file.
#[derive(Default)]
pub struct Pull {
    /// A `workspace/diagnostic` arrived: every file is pulled from now on.
    pub workspace: std::sync::atomic::AtomicBool,
}

impl Pull {
    pub fn workspace(&self) -> bool {
        self.workspace.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            enc: Encoding::Utf16,
            debounce: Duration::from_millis(super::DEFAULT_DEBOUNCE_MS),
            overrides: Default::default(),
            pull: None,
        }
    }
}

impl Shared {
    /// The state of one workspace: `root` canonical, `uri_root` as the
    /// client names it.
    pub fn new(
        client: Client,
        publisher: super::publish::Publisher,
        log: Arc<Logger>,
        nested_tx: tokio::sync::mpsc::UnboundedSender<NestedRoots>,
        root: PathBuf,
        uri_root: PathBuf,
        settings: &Settings,
    ) -> Shared {
        Shared {
            log,
            client,
            publisher,
            nested_tx,
            pull: settings.pull.clone(),
            state: Mutex::new(State {
                root,
                uri_root,
                scope: Vec::new(),
                enc: settings.enc,
                debounce: settings.debounce,
                docs: HashMap::new(),
                gen: 0,
                closed: BTreeSet::new(),
                disk: Vec::new(),
                shutdown: false,
                removed: false,
                overrides: settings.overrides.clone(),
                overrides_changed: false,
            }),
            wake: Notify::new(),
            snap_tx: watch::channel(None).0,
        }
    }

    /// The state, even after a panic poisoned the lock (every mutation is
    /// complete or not started when a handler can panic).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks a change and wakes the analysis.
    pub fn changed(&self, st: &mut State) {
        st.gen += 1;
        self.wake.notify_one();
    }

    /// Wakes the analysis task without a change: it then stops pushing what
    /// the client now pulls.
    pub fn poke(&self) {
        self.wake.notify_one();
    }

    /// The first snapshot built from generation `gen` or later.
    pub async fn snapshot_at(&self, gen: u64, timeout: Duration) -> Option<Arc<Snapshot>> {
        let mut rx = self.snap_tx.subscribe();
        let fut = async {
            rx.wait_for(|s| s.as_ref().is_some_and(|s| s.gen >= gen))
                .await
                .ok()
                .and_then(|s| s.clone())
        };
        tokio::time::timeout(timeout, fut).await.ok().flatten()
    }
}

/// Rounds slower than this are logged with their phases;
/// `SPECGATE_SLOW_ROUND_MS` changes it (0 logs every round, for profiling).
fn slow_round() -> Duration {
    static MS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    Duration::from_millis(*MS.get_or_init(|| {
        std::env::var("SPECGATE_SLOW_ROUND_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(50)
    }))
}

/// What one analysis round takes from the state.
struct Inputs {
    gen: u64,
    root: PathBuf,
    uri_root: PathBuf,
    scope: Vec<String>,
    enc: Encoding,
    /// Every open document: its rope and whether it changed.
    open: Vec<(FileId, Rope, bool)>,
    closed: Vec<FileId>,
    disk: Vec<(FileId, FileChangeType)>,
    versions: HashMap<FileId, i32>,
    uris: HashMap<FileId, Uri>,
    overrides: specgate_engine::config::Overrides,
    overrides_changed: bool,
}

impl Inputs {
    fn take(st: &mut State) -> Inputs {
        let mut open = Vec::with_capacity(st.docs.len());
        for (id, d) in st.docs.iter_mut() {
            open.push((id.clone(), d.rope.clone(), d.dirty));
            d.dirty = false;
        }
        let overrides_changed = std::mem::take(&mut st.overrides_changed);
        Inputs {
            overrides: st.overrides.clone(),
            overrides_changed,
            gen: st.gen,
            root: st.root.clone(),
            uri_root: st.uri_root.clone(),
            scope: st.scope.clone(),
            enc: st.enc,
            open,
            closed: std::mem::take(&mut st.closed).into_iter().collect(),
            disk: std::mem::take(&mut st.disk),
            versions: st
                .docs
                .iter()
                .map(|(k, d)| (k.clone(), d.version))
                .collect(),
            uris: st
                .docs
                .iter()
                .map(|(k, d)| (k.clone(), d.uri.clone()))
                .collect(),
        }
    }

    fn config_touched(&self) -> bool {
        self.overrides_changed
            || self
                .open
                .iter()
                .any(|(f, _, dirty)| *dirty && &**f == CONFIG_FILE)
            || self.closed.iter().any(|f| &**f == CONFIG_FILE)
            // A config below the root, made or deleted: a nested workspace
            // starts or ends there, so the files are discovered again.
            || self
                .disk
                .iter()
                .any(|(f, _)| &**f == CONFIG_FILE || f.ends_with(&format!("/{CONFIG_FILE}")))
    }

    /// Files edited in this round: always published.
    fn edited(&self) -> impl Iterator<Item = &FileId> {
        self.open.iter().filter(|o| o.2).map(|o| &o.0)
    }
}

/// Whether an open document takes part in the analysis (not one of a
/// nested workspace: that one has a session of its own).
fn analysed(ws: &Workspace, file: &str) -> bool {
    file != CONFIG_FILE
        && !ws.globs.excluded(file)
        && ws.role(file) != FileRole::Other
        && !ws.in_nested(file)
}

fn rope_text(r: &Rope) -> String {
    let mut s = String::with_capacity(r.len_bytes());
    for c in r.chunks() {
        s.push_str(c);
    }
    s
}

/// Applies a round's inputs to the workspace (loading it on the first round
/// or when the config changed).
fn update_workspace(ws: Option<Workspace>, inp: &Inputs) -> std::io::Result<Workspace> {
    let reload = ws.is_none() || inp.config_touched();
    let mut ws = match ws {
        Some(ws) if !reload => ws,
        _ => {
            let open_config = inp.open.iter().find(|o| &*o.0 == CONFIG_FILE);
            let mut ws = match open_config {
                Some((_, rope, _)) => {
                    Workspace::load_with_config_text(&inp.root, Some(&rope_text(rope)))?
                }
                None => Workspace::load(&inp.root, None)?,
            };
            // Editor settings win over specgate.toml; kept until the next reload.
            inp.overrides.apply(Arc::make_mut(&mut ws.config));
            for (f, rope, _) in &inp.open {
                if analysed(&ws, f) {
                    ws.insert(f, rope_text(rope));
                }
            }
            return Ok(ws);
        }
    };
    let is_open = |f: &str| inp.open.iter().any(|o| &*o.0 == f);
    for f in &inp.closed {
        if !is_open(f) {
            ws.remove(f);
            if analysed(&ws, f) {
                ws.read_from_disk(f);
            }
        }
    }
    for (f, typ) in &inp.disk {
        if is_open(f) {
            continue; // the editor's buffer is the truth until it is closed
        }
        if *typ == FileChangeType::DELETED {
            let dir = format!("{f}/");
            let under: Vec<FileId> = ws
                .files
                .keys()
                .filter(|k| k.starts_with(&dir))
                .cloned()
                .collect();
            for k in under {
                ws.remove(&k);
            }
            ws.remove(f);
        } else if analysed(&ws, f) {
            ws.remove(f);
            ws.read_from_disk(f);
        }
    }
    for (f, rope, dirty) in &inp.open {
        if *dirty && analysed(&ws, f) {
            ws.insert(f, rope_text(rope));
        }
    }
    Ok(ws)
}

/// The result of one round, computed on a blocking thread.
struct Output {
    ws: Workspace,
    snapshot: Arc<Snapshot>,
    elapsed: Duration,
    /// Where the time went, for the log.
    phases: String,
}

/// One round on a blocking thread: the new state of the workspace, given
/// to the session's [`AnalysisHost`] (which reuses what the previous round
/// computed), and the findings converted for the client.
fn compute(
    ws: Option<Workspace>,
    host: &mut AnalysisHost,
    inp: &Inputs,
) -> std::io::Result<Output> {
    let t0 = Instant::now();
    let ws = update_workspace(ws, inp)?;
    let t1 = Instant::now();
    let times = host.apply(ws, inp.open.iter().map(|(f, _, _)| f));
    let Some(index) = host.index().cloned() else {
        return Err(std::io::Error::other("no index after an update"));
    };
    let ws = index.ws.clone();
    let t3 = Instant::now();
    let mut snapshot = Snapshot {
        gen: inp.gen,
        index,
        diags: host.diagnostics().clone(),
        versions: inp.versions.clone(),
        uris: inp.uris.clone(),
        root: inp.uri_root.clone(),
        enc: inp.enc,
        by_file: Arc::default(),
    };
    let mut by_file: HashMap<FileId, Vec<ls::Diagnostic>> = HashMap::new();
    // Folders inside a repository: what `specgate check FOLDER…` prints,
    // and the open documents.
    let scope = (!inp.scope.is_empty()).then(|| crate::cli::Target {
        root: inp.root.clone(),
        files: Vec::new(),
        dirs: inp.scope.clone(),
    });
    let reported = scope
        .as_ref()
        .and_then(|t| crate::cli::reported_files(&snapshot.index, t));
    let published = |f: &str| {
        reported
            .as_ref()
            .is_none_or(|keep| keep.contains(f) || inp.uris.contains_key(f))
    };
    for d in snapshot.diags.iter() {
        if !published(&d.location.file) {
            continue;
        }
        if let Some(x) = snapshot.diagnostic(d) {
            by_file.entry(d.location.file.clone()).or_default().push(x);
        }
    }
    snapshot.by_file = Arc::new(by_file.into_iter().map(|(f, d)| (f, Arc::new(d))).collect());
    let snapshot = Arc::new(snapshot);
    let t4 = Instant::now();
    let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
    Ok(Output {
        ws,
        snapshot,
        elapsed: t4 - t0,
        phases: format!(
            "text {:.1} ms, recycle {:.1} ms, index {:.1} ms ({}), rules {:.1} ms, convert {:.1} ms",
            ms(t0, t1),
            times.recycle.as_secs_f64() * 1e3,
            times.index.as_secs_f64() * 1e3,
            match times.reread {
                c if c == Counts::default() => "no YAML re-read".to_string(),
                c => format!("YAML re-reads: {} recycled, {} copied, {} full", c.spare, c.copy, c.full),
            },
            times.rules.as_secs_f64() * 1e3,
            ms(t3, t4)
        ),
    })
}

/// The analysis task: owns the workspace, the last index and what was
/// published; runs until shutdown.
pub async fn analysis_loop(shared: Arc<Shared>, progress: bool) {
    let mut ws: Option<Workspace> = None;
    let mut prev: Option<Arc<Index>> = None;
    // What the client holds from pushes, and the last round's findings (to
    // tell which pulled files changed).
    let mut published: HashMap<FileId, Arc<Vec<ls::Diagnostic>>> = HashMap::new();
    let mut prev_by_file: Option<Arc<ByFile>> = None;
    let mut published_uri: HashMap<FileId, Uri> = HashMap::new();
    let mut to_publish: BTreeSet<FileId> = BTreeSet::new();
    let mut analysed_gen: Option<u64> = None;
    // The session's analysis state; lent to the blocking thread of each round.
    let mut host = AnalysisHost::new();
    let mut nested: Arc<BTreeSet<String>> = Default::default();
    loop {
        let debounce = {
            let st = shared.lock();
            if st.removed {
                drop(st);
                for uri in published_uri.values() {
                    shared.publisher.diagnostics(uri, &[], None);
                }
                return;
            }
            if st.shutdown {
                return;
            }
            (analysed_gen != Some(st.gen)).then_some(st.debounce)
        };
        let Some(debounce) = debounce else {
            // The client began pulling every file: take back what was pushed.
            if shared.pull.as_ref().is_some_and(|p| p.workspace()) {
                for uri in std::mem::take(&mut published_uri).into_values() {
                    shared.publisher.diagnostics(&uri, &[], None);
                }
                published.clear();
            }
            shared.wake.notified().await;
            continue;
        };
        if ws.is_some() && !debounce.is_zero() {
            tokio::time::sleep(debounce).await;
        }
        let inp = {
            let mut st = shared.lock();
            if st.shutdown || st.removed {
                continue; // the top of the loop ends it
            }
            Inputs::take(&mut st)
        };
        let started = Instant::now();
        analysed_gen = Some(inp.gen);
        to_publish.extend(inp.edited().cloned());
        let first = ws.is_none();
        let ongoing = if first && progress {
            begin_progress(&shared).await
        } else {
            None
        };
        let inp = Arc::new(inp);
        let job = {
            let (ws, inp) = (ws.take(), inp.clone());
            let mut h = std::mem::take(&mut host);
            tokio::task::spawn_blocking(move || {
                let out = compute(ws, &mut h, &inp);
                (out, h)
            })
        };
        // A round that panicked loses the host: the next one starts afresh.
        let result = job.await.map(|(out, h)| {
            host = h;
            out
        });
        if let Some(p) = ongoing {
            let msg = match &result {
                Ok(Ok(out)) => format!("{} files", out.snapshot.index.files.len()),
                _ => "failed (see the log)".to_string(),
            };
            p.finish_with_message(msg).await;
        }
        let out = match result {
            Ok(Ok(out)) => out,
            Ok(Err(e)) => {
                shared.log.error(format!(
                    "cannot read the workspace {}: {e}",
                    inp.root.display()
                ));
                resend_previous(&shared, prev.as_ref(), &inp);
                continue;
            }
            Err(e) => {
                shared
                    .log
                    .error(format!("analysis failed (the next change retries): {e}"));
                resend_previous(&shared, prev.as_ref(), &inp);
                continue;
            }
        };
        if first {
            shared.log.info(format!(
                "indexed {} files in {} ms ({})",
                out.snapshot.index.files.len(),
                out.elapsed.as_millis(),
                out.phases
            ));
        }
        if out.ws.nested != nested {
            nested = out.ws.nested.clone();
            // The receiver is gone only when the server is.
            let _ = shared
                .nested_tx
                .send((out.ws.root.clone(), out.ws.nested_roots().collect()));
        }
        ws = Some(out.ws);
        prev = Some(out.snapshot.index.clone());
        let snapshot = out.snapshot;
        // The previous snapshot's index is now the host's retired one: the
        // next round recycles its trees (off the async threads).
        drop(shared.snap_tx.send_replace(Some(snapshot.clone())));
        if shared.lock().gen != inp.gen {
            continue; // overtaken: publish the next round's results instead
        }
        // Publish the edited files and every file whose findings changed,
        // unless the client pulls them (see `Pull`).
        let by_file = &snapshot.by_file;
        let pulled = |f: &FileId| {
            shared
                .pull
                .as_ref()
                .is_some_and(|p| p.workspace() || snapshot.uris.contains_key(f))
        };
        for (f, d) in published.iter() {
            if by_file.get(f) != Some(d) {
                to_publish.insert(f.clone());
            }
        }
        for (f, d) in by_file.iter() {
            if published.get(f) != Some(d) {
                to_publish.insert(f.clone());
            }
        }
        // A pulled file whose findings changed by an edit elsewhere: the
        // client asks again only when told to.
        let before = prev_by_file.as_deref();
        let changed = |f: &FileId| before.and_then(|b| b.get(f)) != by_file.get(f);
        let refresh = shared.pull.is_some()
            && by_file
                .keys()
                .chain(before.into_iter().flat_map(|b| b.keys()))
                .any(|f| pulled(f) && !inp.edited().any(|e| e == f) && changed(f));
        prev_by_file = Some(by_file.clone());
        for f in std::mem::take(&mut to_publish) {
            if pulled(&f) {
                // Pushed before the client pulled it: clear the pushed set.
                if published.remove(&f).is_some() {
                    if let Some(uri) = published_uri.remove(&f) {
                        shared.publisher.diagnostics(&uri, &[], None);
                    }
                }
                continue;
            }
            let diags = by_file.get(&f).cloned().unwrap_or_default();
            let uri = snapshot.uri(&f).or_else(|| published_uri.get(&f).cloned());
            let Some(uri) = uri else { continue };
            // A file that was open under another URI: clear that one too.
            if let Some(old) = published_uri.get(&f) {
                if *old != uri && published.contains_key(&f) {
                    shared.publisher.diagnostics(old, &[], None);
                }
            }
            let version = snapshot.versions.get(&f).copied();
            shared.publisher.diagnostics(&uri, &diags, version);
            if diags.is_empty() {
                published.remove(&f);
                published_uri.remove(&f);
            } else {
                published.insert(f.clone(), diags);
                published_uri.insert(f, uri);
            }
        }
        if refresh {
            let client = shared.client.clone();
            tokio::spawn(async move {
                let _ = client.workspace_diagnostic_refresh().await;
            });
        }
        let total = started.elapsed();
        if !first && total >= slow_round() {
            shared.log.log(
                ls::MessageType::LOG,
                format!(
                    "analysis took {} ms ({}, publish {} ms)",
                    total.as_millis(),
                    out.phases,
                    total.saturating_sub(out.elapsed).as_millis()
                ),
            );
        }
    }
}

/// After a failed round: requests waiting for it get the previous index
/// (and `ContentModified` for documents it does not include).
fn resend_previous(shared: &Shared, prev: Option<&Arc<Index>>, inp: &Inputs) {
    let old = shared.snap_tx.borrow().clone();
    if let (Some(old), Some(_)) = (old, prev) {
        shared.snap_tx.send_replace(Some(Arc::new(Snapshot {
            gen: inp.gen,
            index: old.index.clone(),
            diags: old.diags.clone(),
            versions: old.versions.clone(),
            uris: old.uris.clone(),
            root: old.root.clone(),
            enc: old.enc,
            by_file: old.by_file.clone(),
        })));
    }
}

async fn begin_progress(
    shared: &Shared,
) -> Option<
    tower_lsp_server::OngoingProgress<
        tower_lsp_server::Unbounded,
        tower_lsp_server::NotCancellable,
    >,
> {
    let token = ls::NumberOrString::String("specgate/indexing".into());
    let created = tokio::time::timeout(
        Duration::from_secs(2),
        shared.client.create_work_done_progress(token.clone()),
    )
    .await;
    if !matches!(created, Ok(Ok(()))) {
        return None;
    }
    Some(
        shared
            .client
            .progress(token, "Specgate: indexing the workspace")
            .begin()
            .await,
    )
}
