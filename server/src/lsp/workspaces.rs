//! The workspaces of one editor session: one per root, each with its own
//! state, `specgate.toml` and analysis task.
//!
//! An editor window may hold several folders (VS Code's multi-root
//! workspaces, Neovim's `workspace_folders`), and a repository may hold
//! services with a `specgate.toml` of their own (nested workspaces). Each
//! root gets a [`Shared`] as `specgate check` would load it; a document
//! belongs to the deepest root that holds it. Folders of one repository
//! share its root (and publish what lies in them).

use super::log::Logger;
use super::state::{analysis_loop, NestedRoots, Settings, Shared};
use specgate_engine::diag::FileId;
use specgate_engine::workspace::{find_root, relative_to};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::Uri;
use tower_lsp_server::Client;

/// One root and why it is in the session.
struct Entry {
    shared: Arc<Shared>,
    /// The client's folders this root serves (as the client named them);
    /// empty for a nested workspace found under another root.
    folders: Vec<PathBuf>,
    /// The root (canonical) whose discovery found this nested workspace.
    parent: Option<PathBuf>,
}

struct Inner {
    entries: Vec<Entry>,
    settings: Settings,
    /// `initialized` came: new workspaces start their analysis at once.
    started: bool,
    progress: bool,
}

pub struct Workspaces {
    pub client: Client,
    publisher: super::publish::Publisher,
    pub log: Arc<Logger>,
    nested_tx: mpsc::UnboundedSender<NestedRoots>,
    nested_rx: Mutex<Option<mpsc::UnboundedReceiver<NestedRoots>>>,
    inner: Mutex<Inner>,
}

impl Workspaces {
    pub fn new(client: Client, publisher: super::publish::Publisher) -> Workspaces {
        let (nested_tx, nested_rx) = mpsc::unbounded_channel();
        Workspaces {
            log: Arc::new(Logger::new(client.clone())),
            client,
            publisher,
            nested_tx,
            nested_rx: Mutex::new(Some(nested_rx)),
            inner: Mutex::new(Inner {
                entries: Vec::new(),
                settings: Settings::default(),
                started: false,
                progress: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets what the client chose at `initialize` (before any folder).
    pub fn set_settings(&self, settings: Settings) {
        self.lock().settings = settings;
    }

    /// Every workspace, the first folder's first.
    pub fn all(&self) -> Vec<Arc<Shared>> {
        self.lock()
            .entries
            .iter()
            .map(|e| e.shared.clone())
            .collect()
    }

    /// The workspace of a document, and its id there: the deepest root
    /// that holds it.
    pub fn route(&self, uri: &Uri) -> Option<(Arc<Shared>, FileId)> {
        deepest(&self.lock().entries, uri)
    }

    /// Adds a folder the client opened: to the workspace of its root (the
    /// repository around it, as for `specgate check FOLDER`), made if new.
    pub fn add_folder(self: &Arc<Self>, folder: PathBuf) {
        let root = find_root(&folder);
        let scope = relative_to(&root, &folder).filter(|s| !s.is_empty());
        let mut inner = self.lock();
        let canon = root.canonicalize().unwrap_or_else(|_| root.clone());
        if let Some(e) = inner
            .entries
            .iter_mut()
            .find(|e| e.shared.lock().root == canon)
        {
            e.folders.push(folder);
            let mut st = e.shared.lock();
            st.scope = scope_of(&root, &e.folders);
            e.shared.changed(&mut st);
            return;
        }
        let shared = self.make(&inner, canon, root.clone());
        shared.lock().scope = scope_of(&root, std::slice::from_ref(&folder));
        if scope.is_some() {
            self.log.info(format!(
                "{} is in the workspace {}",
                folder.display(),
                root.display()
            ));
        }
        inner.entries.push(Entry {
            shared: shared.clone(),
            folders: vec![folder],
            parent: None,
        });
        self.start_one(&inner, shared);
    }

    /// Removes a folder the client closed; a root left with no folder
    /// leaves the session, with the nested workspaces under it.
    pub fn remove_folder(&self, folder: &Path) {
        let mut inner = self.lock();
        let mut gone: Vec<PathBuf> = Vec::new();
        for e in inner.entries.iter_mut() {
            let before = e.folders.len();
            e.folders.retain(|f| f != folder);
            if e.folders.len() == before {
                continue;
            }
            let mut st = e.shared.lock();
            if e.folders.is_empty() {
                gone.push(st.root.clone());
            } else {
                let scope = scope_of(&st.uri_root, &e.folders);
                st.scope = scope;
            }
            e.shared.changed(&mut st);
        }
        inner.entries.retain(|e| {
            let mut st = e.shared.lock();
            let leaves = gone.iter().any(|g| st.root.starts_with(g))
                && (e.folders.is_empty() || gone.contains(&st.root));
            if leaves {
                st.removed = true;
                e.shared.changed(&mut st);
            }
            !leaves
        });
    }

    /// The nested workspaces a root's discovery found (all of them): new
    /// ones become workspaces, which take over the documents open in them;
    /// those gone (their `specgate.toml` deleted) leave, handing their
    /// documents back.
    fn sync_nested(self: &Arc<Self>, parent: PathBuf, roots: Vec<PathBuf>) {
        let mut inner = self.lock();
        let gone: Vec<usize> = (0..inner.entries.len())
            .filter(|&i| {
                let e = &inner.entries[i];
                e.parent.as_ref() == Some(&parent) && !roots.contains(&e.shared.lock().root)
            })
            .collect();
        for i in gone.into_iter().rev() {
            let e = inner.entries.remove(i);
            let docs = {
                let mut st = e.shared.lock();
                st.removed = true;
                e.shared.changed(&mut st);
                std::mem::take(&mut st.docs)
            };
            self.log.info(format!(
                "{} has no specgate.toml any more: part of the workspace around it",
                e.shared.lock().root.display()
            ));
            for (_, mut doc) in docs {
                if let Some((to, id)) = deepest(&inner.entries, &doc.uri) {
                    let mut st = to.lock();
                    doc.dirty = true;
                    st.docs.insert(id, doc);
                    to.changed(&mut st);
                }
            }
        }
        for root in roots {
            let canon = root.canonicalize().unwrap_or_else(|_| root.clone());
            if inner.entries.iter().any(|e| e.shared.lock().root == canon) {
                continue;
            }
            // The URI root keeps the parent's spelling (a symlinked /tmp).
            let uri_root = inner
                .entries
                .iter()
                .find_map(|e| {
                    let st = e.shared.lock();
                    let rel = relative_to(&st.root, &canon)?;
                    Some(st.uri_root.join(rel))
                })
                .unwrap_or_else(|| root.clone());
            let shared = self.make(&inner, canon, uri_root);
            {
                let mut mine = shared.lock();
                for e in &inner.entries {
                    let mut st = e.shared.lock();
                    let moved: Vec<FileId> = st
                        .docs
                        .iter()
                        .filter(|(_, d)| mine.file_of(&d.uri).is_some())
                        .map(|(f, _)| f.clone())
                        .collect();
                    for f in moved {
                        if let Some(mut doc) = st.docs.remove(&f) {
                            if let Some(id) = mine.file_of(&doc.uri) {
                                doc.dirty = true;
                                mine.docs.insert(id, doc);
                            }
                        }
                    }
                }
            }
            self.log.info(format!(
                "{} has a specgate.toml of its own: a workspace of its own",
                root.display()
            ));
            inner.entries.push(Entry {
                shared: shared.clone(),
                folders: Vec::new(),
                parent: Some(parent.clone()),
            });
            self.start_one(&inner, shared);
        }
    }

    fn make(&self, inner: &Inner, root: PathBuf, uri_root: PathBuf) -> Arc<Shared> {
        Arc::new(Shared::new(
            self.client.clone(),
            self.publisher.clone(),
            self.log.clone(),
            self.nested_tx.clone(),
            root,
            uri_root,
            &inner.settings,
        ))
    }

    /// Starts the analysis of every workspace (at `initialized`), and from
    /// then on of each one added.
    pub fn start(self: &Arc<Self>, progress: bool) {
        let mut inner = self.lock();
        if inner.started {
            return;
        }
        inner.started = true;
        inner.progress = progress;
        for e in &inner.entries {
            self.start_one(&inner, e.shared.clone());
        }
        drop(inner);
        let rx = self
            .nested_rx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(mut rx) = rx {
            let me = Arc::downgrade(self);
            tokio::spawn(async move {
                while let Some((parent, roots)) = rx.recv().await {
                    let Some(me) = me.upgrade() else { return };
                    me.sync_nested(parent, roots);
                }
            });
        }
    }

    fn start_one(&self, inner: &Inner, shared: Arc<Shared>) {
        if !inner.started {
            return;
        }
        {
            let mut st = shared.lock();
            let scope = match st.scope.as_slice() {
                [] => String::new(),
                s => format!(" (reporting on {})", s.join(", ")),
            };
            self.log.info(format!(
                "specgate {} serving {}{scope} ({:?} positions, debounce {} ms, {} diagnostics)",
                env!("CARGO_PKG_VERSION"),
                st.root.display(),
                st.enc,
                st.debounce.as_millis(),
                if shared.pull.is_some() {
                    "pull"
                } else {
                    "push"
                }
            ));
            shared.changed(&mut st);
        }
        tokio::spawn(analysis_loop(shared, inner.progress));
    }

    /// New editor settings, for every workspace.
    pub fn set_overrides(&self, o: specgate_engine::config::Overrides) {
        let mut inner = self.lock();
        inner.settings.overrides = o.clone();
        for e in &inner.entries {
            let mut st = e.shared.lock();
            if st.overrides != o {
                st.overrides = o.clone();
                st.overrides_changed = true;
                e.shared.changed(&mut st);
            }
        }
    }

    /// The client shuts down: every analysis stops.
    pub fn shutdown(&self) {
        for e in &self.lock().entries {
            let mut st = e.shared.lock();
            st.shutdown = true;
            e.shared.changed(&mut st);
        }
    }
}

/// The workspace of the deepest root holding `uri`, and the file's id there.
fn deepest(entries: &[Entry], uri: &Uri) -> Option<(Arc<Shared>, FileId)> {
    let mut best: Option<(usize, Arc<Shared>, FileId)> = None;
    for e in entries {
        let st = e.shared.lock();
        if let Some(file) = st.file_of(uri) {
            let depth = st.root.components().count();
            if best.as_ref().is_none_or(|b| depth > b.0) {
                best = Some((depth, e.shared.clone(), file));
            }
        }
    }
    best.map(|(_, s, f)| (s, f))
}

/// The folders a root publishes for (relative to it); empty when one of
/// them is the root itself (all of it).
fn scope_of(root: &Path, folders: &[PathBuf]) -> Vec<String> {
    let mut dirs = Vec::new();
    for f in folders {
        match relative_to(root, f) {
            Some(rel) if rel.is_empty() => return Vec::new(),
            Some(rel) => dirs.push(rel),
            None => {}
        }
    }
    dirs.sort();
    dirs.dedup();
    dirs
}
