//! The files of a workspace: discovery on disk, in-memory overlays (open
//! editor buffers), and what kind each file is.

use crate::config::{Config, ConfigError, CONFIG_FILE};
use crate::diag::FileId;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use specgate_syntax::text::LineIndex;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// One file's text and line index. Immutable: an edit makes a new one.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    pub text: Arc<str>,
    pub line_index: LineIndex,
}

impl SourceFile {
    pub fn new(id: FileId, text: impl Into<Arc<str>>) -> Arc<SourceFile> {
        let text: Arc<str> = text.into();
        Arc::new(SourceFile {
            id,
            line_index: LineIndex::new(&text),
            text,
        })
    }
}

/// What a file is, by name and (for YAML/JSON) later by content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileRole {
    Prd,
    Dictionary,
    /// Markdown that is neither PRD nor dictionary: its ID mentions count.
    Markdown,
    /// YAML/JSON: an OpenAPI document, a file `$ref`'d from one, or unrelated.
    Structured,
    Sql,
    Config,
    /// Not read (CSV that is not a dictionary, unknown extension).
    Other,
}

/// A file that was found but not read, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct SkippedFile {
    pub id: FileId,
    pub reason: String,
}

/// Compiled file globs of a [`Config`].
#[derive(Clone, Debug)]
pub struct Globs {
    prd: GlobSet,
    dictionary: GlobSet,
    openapi: GlobSet,
    sql: GlobSet,
    exclude: GlobSet,
    /// spec-kit feature folders are recognised wherever they are (see
    /// [`Workspace::role`]): on while `files.prd` keeps [`SPEC_KIT_PRD_GLOB`].
    spec_kit: bool,
}

/// The default PRD glob of spec-kit layouts. While `files.prd` holds it,
/// the `spec.md` of every spec-kit feature folder is a PRD, wherever the
/// folder is (also when the folder is the workspace root).
pub const SPEC_KIT_PRD_GLOB: &str = "**/specs/*/spec.md";

/// The files beside `spec.md` that make a folder a spec-kit feature folder
/// (as does a `contracts/` folder).
pub const FEATURE_MARKERS: &[&str] = &["plan.md", "tasks.md", "data-model.md"];

/// The folder part of a workspace-relative path (`""` at the root).
fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// `dir` joined with `name` as a workspace-relative path.
fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Whether `rel` names a `spec.md` whose folder is a spec-kit feature
/// folder, given which workspace-relative files exist (`exists`) and
/// whether any file lies under a folder (`has_under`, prefix ending in `/`).
fn is_feature_spec(
    rel: &str,
    exists: impl Fn(&str) -> bool,
    has_under: impl Fn(&str) -> bool,
) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name != "spec.md" {
        return false;
    }
    let dir = dir_of(rel);
    FEATURE_MARKERS.iter().any(|m| exists(&join_rel(dir, m)))
        || has_under(&join_rel(dir, "contracts/"))
}

/// Whether the folder `dir` on disk is a spec-kit feature folder: a
/// `spec.md` beside `plan.md`, `tasks.md`, `data-model.md` or `contracts/`.
pub fn is_feature_folder(dir: &Path) -> bool {
    dir.join("spec.md").is_file()
        && (FEATURE_MARKERS.iter().any(|m| dir.join(m).is_file()) || dir.join("contracts").is_dir())
}

/// The workspace root of a path (a folder, or a file's folder): the nearest
/// folder at or above `start` holding `specgate.toml` or `.git`; with none,
/// the nearest spec-kit feature folder at or above it; else `start` itself.
/// The walk is lexical (no symlink is resolved), so the root names the same
/// place the caller's path does.
pub fn find_root(start: &Path) -> PathBuf {
    let ancestors = || start.ancestors().filter(|d| !d.as_os_str().is_empty());
    ancestors()
        .find(|d| d.join(CONFIG_FILE).is_file() || d.join(".git").exists())
        .or_else(|| ancestors().find(|d| is_feature_folder(d)))
        .unwrap_or(start)
        .to_path_buf()
}

fn build_set(globs: &[String]) -> GlobSet {
    let mut b = GlobSetBuilder::new();
    for g in globs {
        // Invalid globs are reported by the config reader; skip them here.
        if let Ok(glob) = GlobBuilder::new(g).literal_separator(true).build() {
            b.add(glob);
        }
    }
    b.build().unwrap_or_else(|_| GlobSet::empty())
}

/// spec-kit's review checklists (`specs/NNN-x/checklists/requirements.md`)
/// discuss the requirements; they define none. Their IDs are references.
fn is_checklist(rel: &str) -> bool {
    let mut parts = rel.rsplit('/');
    parts.next();
    parts
        .next()
        .is_some_and(|d| d.eq_ignore_ascii_case("checklists"))
}

impl Globs {
    pub fn new(c: &Config) -> Globs {
        Globs {
            prd: build_set(&c.prd_globs),
            dictionary: build_set(&c.dictionary_globs),
            openapi: build_set(&c.openapi_globs),
            sql: build_set(&c.sql_globs),
            exclude: build_set(&c.exclude_globs),
            spec_kit: c.prd_globs.iter().any(|g| g == SPEC_KIT_PRD_GLOB),
        }
    }

    pub fn excluded(&self, rel: &str) -> bool {
        self.exclude.is_match(rel)
    }

    pub fn forced_openapi(&self, rel: &str) -> bool {
        self.openapi.is_match(rel)
    }

    /// The role of a file from its workspace-relative path.
    pub fn role(&self, rel: &str) -> FileRole {
        if rel == CONFIG_FILE {
            return FileRole::Config;
        }
        let ext = rel
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        let m = |s: &GlobSet| s.is_match(rel) || s.is_match(format!("./{rel}"));
        match ext.as_str() {
            "md" | "markdown" => {
                if m(&self.dictionary) {
                    FileRole::Dictionary
                } else if m(&self.prd) && !is_checklist(rel) {
                    FileRole::Prd
                } else {
                    FileRole::Markdown
                }
            }
            "yaml" | "yml" | "json" => {
                if m(&self.dictionary) {
                    FileRole::Dictionary
                } else {
                    FileRole::Structured
                }
            }
            "csv" if m(&self.dictionary) => FileRole::Dictionary,
            "sql" if m(&self.sql) => FileRole::Sql,
            _ if m(&self.sql) => FileRole::Sql,
            _ => FileRole::Other,
        }
    }
}

/// A workspace: its root, its config and the text of every file of interest.
#[derive(Clone, Debug)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Arc<Config>,
    pub config_errors: Vec<ConfigError>,
    pub globs: Arc<Globs>,
    pub files: BTreeMap<FileId, Arc<SourceFile>>,
    pub skipped: Vec<SkippedFile>,
    /// spec-kit feature folders found on disk when the workspace was loaded
    /// (workspace-relative, `""`: the root). Files read later count too
    /// (see [`Workspace::role`]).
    pub feature_dirs: Arc<BTreeSet<String>>,
    /// Folders below the root with a `specgate.toml` of their own
    /// (workspace-relative): nested workspaces, checked on their own; their
    /// files are not read as this workspace's.
    pub nested: Arc<BTreeSet<String>>,
}

impl Workspace {
    /// An empty workspace with the given config text (`None`: defaults).
    pub fn new(root: PathBuf, config_text: Option<&str>) -> Workspace {
        let (config, config_errors) = match config_text {
            Some(t) => {
                let (mut c, e) = Config::from_toml(t);
                c.source = Some(CONFIG_FILE.to_string());
                (c, e)
            }
            None => (Config::default(), Vec::new()),
        };
        let globs = Arc::new(Globs::new(&config));
        let mut ws = Workspace {
            root,
            config: Arc::new(config),
            config_errors,
            globs,
            files: BTreeMap::new(),
            skipped: Vec::new(),
            feature_dirs: Default::default(),
            nested: Default::default(),
        };
        if let Some(t) = config_text {
            ws.insert(CONFIG_FILE, t.to_string());
        }
        ws
    }

    /// Discovers and reads every file of interest under `root`.
    /// `config_path` overrides `<root>/specgate.toml`.
    pub fn load(root: &Path, config_path: Option<&Path>) -> std::io::Result<Workspace> {
        Self::load_filtered(root, config_path, |_, _| true)
    }

    /// Like [`Workspace::load`], reading only the files `keep` accepts.
    pub fn load_filtered(
        root: &Path,
        config_path: Option<&Path>,
        keep: impl Fn(&str, FileRole) -> bool,
    ) -> std::io::Result<Workspace> {
        let root = root.canonicalize()?;
        let cfg_path = config_path
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join(CONFIG_FILE));
        let config_text = match std::fs::read(&cfg_path) {
            Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
            Err(e) if config_path.is_some() => {
                return Err(std::io::Error::new(
                    e.kind(),
                    format!("cannot read config {}: {e}", cfg_path.display()),
                ))
            }
            Err(_) => None,
        };
        let mut ws = Workspace::new(root.clone(), config_text.as_deref());
        let paths = ws.discover();
        for rel in paths {
            let role = ws.role(&rel);
            if role == FileRole::Other || rel == CONFIG_FILE || !keep(&rel, role) {
                continue;
            }
            ws.read_from_disk(&rel);
        }
        Ok(ws)
    }

    /// Like [`Workspace::load`], with the text of `specgate.toml` given (an
    /// editor's unsaved buffer, `None`: defaults) instead of read from disk.
    /// Used by the language server when the config is edited.
    pub fn load_with_config_text(
        root: &Path,
        config_text: Option<&str>,
    ) -> std::io::Result<Workspace> {
        let root = root.canonicalize()?;
        let mut ws = Workspace::new(root.clone(), config_text);
        let paths = ws.discover();
        for rel in paths {
            if rel != CONFIG_FILE && ws.role(&rel) != FileRole::Other {
                ws.read_from_disk(&rel);
            }
        }
        Ok(ws)
    }

    /// The workspace-relative paths under the root (sorted), recording the
    /// spec-kit feature folders and the nested workspaces among them.
    fn discover(&mut self) -> Vec<String> {
        let mut walk = Walk {
            root: &self.root,
            globs: &self.globs,
            out: Vec::new(),
            nested: BTreeSet::new(),
            seen: HashSet::new(),
        };
        walk.dir(&self.root, 0);
        let (mut paths, nested) = (walk.out, walk.nested);
        paths.sort();
        self.feature_dirs = Arc::new(feature_dirs_of(&paths));
        self.nested = Arc::new(nested);
        paths
    }

    /// The roots of the nested workspaces (see [`Workspace::nested`]).
    pub fn nested_roots(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.nested.iter().map(|d| self.root.join(d))
    }

    /// Whether a workspace-relative path lies in a nested workspace.
    pub fn in_nested(&self, rel: &str) -> bool {
        self.nested.iter().any(|d| {
            rel.strip_prefix(d.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        })
    }

    /// Reads one workspace-relative file from disk into the workspace,
    /// recording why when it cannot be used. Returns whether it was read.
    pub fn read_from_disk(&mut self, rel: &str) -> bool {
        let abs = self.root.join(rel);
        // A symlink may point out of the workspace: never read past the root.
        match abs.canonicalize() {
            Ok(c) if c.starts_with(&self.root) => {}
            Ok(_) => {
                self.skipped.push(SkippedFile {
                    id: rel.into(),
                    reason: "file is a link to a place outside the workspace; it is not read"
                        .into(),
                });
                return false;
            }
            Err(_) => return false,
        }
        let meta = match std::fs::metadata(&abs) {
            Ok(m) if m.is_file() => m,
            _ => return false,
        };
        let id: FileId = rel.into();
        if meta.len() > self.config.max_file_size {
            self.skipped.push(SkippedFile {
                id,
                reason: format!(
                    "file is {} bytes, over the limit of {} bytes (files.max_file_size); it was not checked",
                    meta.len(),
                    self.config.max_file_size
                ),
            });
            return false;
        }
        let bytes = match std::fs::read(&abs) {
            Ok(b) => b,
            Err(e) => {
                self.skipped.push(SkippedFile {
                    id,
                    reason: format!("cannot read file: {e}"),
                });
                return false;
            }
        };
        match decode(bytes) {
            Ok(text) => {
                self.insert(rel, text);
                true
            }
            Err(reason) => {
                self.skipped.push(SkippedFile { id, reason });
                false
            }
        }
    }

    /// Sets a file's text (an open editor buffer, or a test fixture).
    pub fn insert(&mut self, rel: &str, text: String) {
        let id: FileId = rel.into();
        self.skipped.retain(|s| s.id != id);
        // A new version of a file (every keystroke in the language server):
        // its line index is updated, not built again.
        let file = match self.files.get(&id) {
            Some(old) => {
                let text: Arc<str> = text.into();
                Arc::new(SourceFile {
                    line_index: old.line_index.updated(&old.text, &text),
                    id: id.clone(),
                    text,
                })
            }
            None => SourceFile::new(id.clone(), text),
        };
        self.files.insert(id, file);
    }

    pub fn remove(&mut self, rel: &str) {
        self.files.remove(rel);
        self.skipped.retain(|s| &*s.id != rel);
    }

    /// A workspace from in-memory files (tests, fuzzing).
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Workspace {
        let files: Vec<_> = files.into_iter().collect();
        let cfg = files
            .iter()
            .find(|(p, _)| *p == CONFIG_FILE)
            .map(|(_, t)| *t);
        let mut ws = Workspace::new(PathBuf::from("/nonexistent-workspace"), cfg);
        for (p, t) in files {
            if p != CONFIG_FILE {
                ws.insert(p, t.to_string());
            }
        }
        ws
    }

    /// The role of a file: by the globs of the config, and a spec-kit
    /// feature folder's `spec.md` is a PRD wherever the folder is (while
    /// `files.prd` keeps [`SPEC_KIT_PRD_GLOB`]), the workspace root included.
    pub fn role(&self, id: &str) -> FileRole {
        let role = self.globs.role(id);
        if role == FileRole::Markdown && self.globs.spec_kit && self.is_feature_spec(id) {
            return FileRole::Prd;
        }
        role
    }

    fn is_feature_spec(&self, id: &str) -> bool {
        if !id.ends_with("spec.md") {
            return false;
        }
        self.feature_dirs.contains(dir_of(id))
            || is_feature_spec(
                id,
                |f| self.files.contains_key(f),
                |prefix| {
                    self.files
                        .range::<str, _>((
                            std::ops::Bound::Included(prefix),
                            std::ops::Bound::Unbounded,
                        ))
                        .next()
                        .is_some_and(|(k, _)| k.starts_with(prefix))
                },
            )
    }
}

/// The spec-kit feature folders among sorted workspace-relative paths.
fn feature_dirs_of(sorted: &[String]) -> BTreeSet<String> {
    let exists = |f: &str| sorted.binary_search_by(|p| p.as_str().cmp(f)).is_ok();
    let has_under = |prefix: &str| {
        let i = sorted.partition_point(|p| p.as_str() < prefix);
        sorted.get(i).is_some_and(|p| p.starts_with(prefix))
    };
    sorted
        .iter()
        .filter(|p| is_feature_spec(p, exists, has_under))
        .map(|p| dir_of(p).to_string())
        .collect()
}

/// `path` relative to `root`, with `/` separators, if inside it.
pub fn relative_to(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(parts.join("/"))
}

/// UTF-8 text of a file, or why it is not text. A UTF-8 BOM is dropped;
/// UTF-16 files and binary files (NUL bytes) are refused with a reason.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, String> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("file is UTF-16; save it as UTF-8 to have it checked".into());
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("file looks binary (contains NUL bytes); it was not checked".into());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "file is not valid UTF-8 (invalid byte at offset {}); save it as UTF-8 to have it checked",
            e.utf8_error().valid_up_to()
        )
    })
}

const MAX_DEPTH: usize = 64;

/// The discovery walk of [`Workspace::discover`].
struct Walk<'a> {
    root: &'a Path,
    globs: &'a Globs,
    out: Vec<String>,
    nested: BTreeSet<String>,
    seen: HashSet<PathBuf>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, depth: usize) {
        // Symlink loops: every directory is visited once by its canonical path.
        let Ok(canon) = dir.canonicalize() else {
            return;
        };
        if depth > MAX_DEPTH || !self.seen.insert(canon.clone()) || !canon.starts_with(self.root) {
            return;
        }
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in rd.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let Some(rel) = relative_to(self.root, &path) else {
                continue;
            };
            if self.globs.excluded(&rel) || self.globs.excluded(&format!("{rel}/")) {
                continue;
            }
            let Ok(ft) = std::fs::metadata(&path).map(|m| m.file_type()) else {
                continue;
            };
            if ft.is_dir() {
                if name.starts_with('.') || name == "node_modules" || name == "target" {
                    continue;
                }
                // A folder with its own config is a workspace of its own
                // (a service of a monorepo): its files are not this one's.
                if path.join(CONFIG_FILE).is_file() {
                    self.nested.insert(rel);
                    continue;
                }
                self.dir(&path, depth + 1);
            } else if ft.is_file() {
                // A symlinked file must still resolve inside the workspace.
                match path.canonicalize() {
                    Ok(c) if c.starts_with(self.root) => self.out.push(rel),
                    _ => {}
                }
            }
        }
    }
}

/// Joins a relative reference to the directory of `from` and normalizes
/// `.`/`..`; `None` when it escapes the workspace root or is absolute.
pub fn join_relative(from: &str, reference: &str) -> Option<String> {
    if reference.starts_with('/') || reference.contains('\\') && reference.starts_with("\\\\") {
        return None;
    }
    if reference.len() > 1 && reference.as_bytes()[1] == b':' {
        return None; // C:\… or similar
    }
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for seg in reference.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_refuses_escapes() {
        assert_eq!(
            join_relative("api/openapi.yaml", "./paths/a.yaml").as_deref(),
            Some("api/paths/a.yaml")
        );
        assert_eq!(
            join_relative("api/paths/a.yaml", "../components.yaml").as_deref(),
            Some("api/components.yaml")
        );
        assert_eq!(join_relative("openapi.yaml", "../../etc/passwd"), None);
        assert_eq!(join_relative("openapi.yaml", "/etc/passwd"), None);
    }

    #[test]
    fn decode_refuses_binary_and_utf16() {
        assert!(decode(vec![0xff, 0xfe, 0, 0x41])
            .unwrap_err()
            .contains("UTF-16"));
        assert!(decode(vec![b'a', 0, b'b']).unwrap_err().contains("binary"));
        assert!(decode(vec![b'a', 0xc3])
            .unwrap_err()
            .contains("not valid UTF-8"));
        assert_eq!(
            decode(b"\xEF\xBB\xBFopenapi: 3.0.0".to_vec()).unwrap(),
            "openapi: 3.0.0"
        );
    }

    #[test]
    fn a_feature_folders_spec_is_a_prd_wherever_the_folder_is() {
        let ws = Workspace::from_files([
            ("spec.md", "- **FR-001**: x"),
            ("plan.md", "# Plan"),
            ("features/login/spec.md", "- **FR-001**: x"),
            ("features/login/contracts/openapi.yaml", "openapi: 3.0.3"),
            ("notes/spec.md", "- **FR-001**: x"),
        ]);
        assert_eq!(ws.role("spec.md"), FileRole::Prd);
        assert_eq!(ws.role("features/login/spec.md"), FileRole::Prd);
        // A lone spec.md is not a feature folder's.
        assert_eq!(ws.role("notes/spec.md"), FileRole::Markdown);
        assert_eq!(ws.role("plan.md"), FileRole::Markdown);
        // `files.prd` without spec-kit's glob turns the recognition off.
        let cfg = "[files]\nprd = [\"docs/PRD.md\"]\n";
        let ws =
            Workspace::from_files([("specgate.toml", cfg), ("spec.md", "x"), ("plan.md", "x")]);
        assert_eq!(ws.role("spec.md"), FileRole::Markdown);
    }

    #[test]
    fn feature_folders_among_paths() {
        let paths: Vec<String> = [
            "a/spec.md",
            "a/tasks.md",
            "b/spec.md",
            "b/contracts/api.graphql",
            "c/spec.md",
            "c/contractsx.md",
            "spec.md",
            "data-model.md",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
        let dirs: Vec<String> = feature_dirs_of(&paths).into_iter().collect();
        assert_eq!(dirs, ["", "a", "b"]);
    }

    #[test]
    fn root_is_the_repository_else_the_feature_folder_else_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().canonicalize().unwrap();
        let feature = tmp.join("repo/specs/001-x");
        std::fs::create_dir_all(feature.join("contracts")).unwrap();
        std::fs::write(feature.join("spec.md"), "x").unwrap();
        let plain = tmp.join("plain/sub");
        std::fs::create_dir_all(&plain).unwrap();
        // No marker: the feature folder, from itself or below it.
        assert_eq!(find_root(&feature), feature);
        assert_eq!(find_root(&feature.join("contracts")), feature);
        assert_eq!(find_root(&plain), plain);
        // A repository around it wins.
        std::fs::create_dir(tmp.join("repo/.git")).unwrap();
        assert_eq!(find_root(&feature.join("contracts")), tmp.join("repo"));
        std::fs::write(tmp.join("plain/specgate.toml"), "").unwrap();
        assert_eq!(find_root(&plain), tmp.join("plain"));
    }

    #[test]
    fn roles_by_name() {
        let g = Globs::new(&Config::default());
        assert_eq!(g.role("docs/PRD.md"), FileRole::Prd);
        assert_eq!(g.role("prd.md"), FileRole::Prd);
        assert_eq!(g.role("specs/001-booking/spec.md"), FileRole::Prd);
        assert_eq!(
            g.role("specs/001-booking/data-model.md"),
            FileRole::Dictionary
        );
        assert_eq!(g.role("docs/data-dictionary.md"), FileRole::Dictionary);
        assert_eq!(g.role("dictionary.csv"), FileRole::Dictionary);
        assert_eq!(g.role("README.md"), FileRole::Markdown);
        assert_eq!(g.role("docs/requirements.md"), FileRole::Prd);
        assert_eq!(
            g.role("specs/019-chat/checklists/requirements.md"),
            FileRole::Markdown,
            "a spec-kit review checklist defines no requirement"
        );
        assert_eq!(g.role("db/migrations/001_init.sql"), FileRole::Sql);
        assert_eq!(g.role("api/openapi.yaml"), FileRole::Structured);
        assert_eq!(g.role("other.csv"), FileRole::Other);
    }
}
