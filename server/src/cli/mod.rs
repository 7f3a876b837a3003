//! The command line: `check`, `inventory`, `rules`, `lsp`. It loads a
//! workspace, asks the engine, and prints; it decides nothing itself.

pub mod fix;
pub mod output;
pub mod revision;

use specgate_engine::diag::{Diagnostic, Severity};
use specgate_engine::index::Index;
use specgate_engine::inventory::Inventory;
use specgate_engine::workspace::{relative_to, FileRole, Workspace};
use std::path::{Path, PathBuf};

/// Exit codes, as CI scripts rely on them.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

/// A usage or I/O problem: printed as one line, exit code 2.
#[derive(Debug)]
pub struct CliError(pub String);

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What to analyse: a workspace root, and what of it to report on.
/// With neither `files` nor `dirs`, the whole workspace.
pub struct Target {
    pub root: PathBuf,
    /// Workspace-relative files named on the command line.
    pub files: Vec<String>,
    /// Workspace-relative folders named on the command line (below the root).
    pub dirs: Vec<String>,
}

pub use specgate_engine::workspace::find_root;

impl Target {
    /// The whole workspace at `root`.
    pub fn whole(root: PathBuf) -> Target {
        Target {
            root,
            files: Vec::new(),
            dirs: Vec::new(),
        }
    }

    /// Reports on the whole workspace.
    pub fn is_whole(&self) -> bool {
        self.files.is_empty() && self.dirs.is_empty()
    }

    /// Whether a workspace-relative file is one named, or under a folder named.
    pub fn names(&self, file: &str) -> bool {
        self.is_whole()
            || self.files.iter().any(|f| f == file)
            || self.dirs.iter().any(|d| in_dir(d, file))
    }
}

/// Whether the workspace-relative `file` lies under the folder `dir`.
pub fn in_dir(dir: &str, file: &str) -> bool {
    dir.is_empty()
        || file
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The workspace and the part of it to report on, from one path (none:
/// `.`); see [`resolve_targets`].
pub fn resolve_target(paths: &[PathBuf]) -> Result<Target, CliError> {
    let mut targets = resolve_targets(paths)?;
    if targets.len() > 1 {
        return Err(CliError(format!(
            "the paths are in {} workspaces ({} and {}): name one",
            targets.len(),
            targets[0].root.display(),
            targets[1].root.display()
        )));
    }
    Ok(targets.remove(0))
}

/// The workspaces and the parts of them to report on, from the command
/// line's paths (none: `.`). Every path has the same root rule, folders and
/// files alike ([`find_root`]): the nearest folder at or above it holding
/// `specgate.toml` or `.git`, else the nearest spec-kit feature folder, else
/// the folder itself (a file's folder). Paths with one root make one target
/// (in the order first named); naming a root reports all of it, naming
/// folders or files below it reports what lies in them.
pub fn resolve_targets(paths: &[PathBuf]) -> Result<Vec<Target>, CliError> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut groups: Vec<(PathBuf, Vec<(PathBuf, bool)>)> = Vec::new();
    for p in &paths {
        let canon = p
            .canonicalize()
            .map_err(|e| CliError(format!("cannot read {}: {e}", p.display())))?;
        let is_dir = canon.is_dir();
        let root = if is_dir {
            find_root(&canon)
        } else {
            find_root(canon.parent().unwrap_or(Path::new("/")))
        };
        match groups.iter_mut().find(|g| g.0 == root) {
            Some(g) => g.1.push((canon, is_dir)),
            None => groups.push((root, vec![(canon, is_dir)])),
        }
    }
    let mut targets = Vec::new();
    for (root, named) in groups {
        let mut target = Target::whole(root);
        let mut whole = false;
        for (p, is_dir) in &named {
            let rel = relative_to(&target.root, p).ok_or_else(|| {
                CliError(format!(
                    "{} is outside the workspace {}",
                    p.display(),
                    target.root.display()
                ))
            })?;
            match (is_dir, rel.is_empty()) {
                (true, true) => whole = true,
                (true, false) => target.dirs.push(rel),
                (false, _) => target.files.push(rel),
            }
        }
        if whole {
            target.dirs.clear();
            target.files.clear();
        }
        targets.push(target);
    }
    Ok(targets)
}

/// The nested workspaces (folders below the root with a `specgate.toml` of
/// their own) inside what a target names: each is checked as a whole
/// workspace of its own, as ruff checks each folder with its nearest config.
pub fn nested_targets(index: &Index, target: &Target) -> Vec<Target> {
    index
        .ws
        .nested
        .iter()
        .filter(|n| target.is_whole() || target.dirs.iter().any(|d| d == *n || in_dir(d, n)))
        .map(|n| Target::whole(index.ws.root.join(n)))
        .collect()
}

/// What goes before a workspace's paths when several are reported: where
/// its root is from the current folder (`""` there), else its full path.
pub fn display_prefix(root: &Path) -> String {
    let cwd = std::env::current_dir()
        .and_then(|c| c.canonicalize())
        .unwrap_or_default();
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match relative_to(&cwd, &root) {
        Some(rel) if rel.is_empty() => String::new(),
        Some(rel) => format!("{rel}/"),
        None => format!("{}/", root.display()),
    }
}

/// Loads the workspace of a target. With only files named, only those plus
/// the requirements and dictionaries of the root are read (their `$ref`s
/// are loaded on demand), so checking one spec in a big folder stays fast.
/// A folder is read with the whole workspace around it, so that its
/// findings are the ones a check of the whole workspace reports for it.
pub fn load_workspace(target: &Target, config: Option<&Path>) -> Result<Workspace, CliError> {
    Ok(if target.files.is_empty() || !target.dirs.is_empty() {
        Workspace::load(&target.root, config).map_err(|e| CliError(e.to_string()))?
    } else {
        let mut ws = Workspace::load_filtered(&target.root, config, |rel, role| {
            matches!(role, FileRole::Prd | FileRole::Dictionary)
                || target.files.iter().any(|f| f == rel)
        })
        .map_err(|e| CliError(e.to_string()))?;
        for f in &target.files {
            if !ws.files.contains_key(f.as_str()) && !ws.skipped.iter().any(|s| &*s.id == f) {
                ws.read_from_disk(f);
            }
        }
        ws
    })
}

/// The index of a target's workspace (see [`load_workspace`]).
pub fn load(target: &Target, config: Option<&Path>) -> Result<Index, CliError> {
    let ws = load_workspace(target, config)?;
    Ok(Index::build(ws, None))
}

/// The files a target reports on: those it names or that lie in the
/// folders it names, and every file of an API rooted in one of them (the
/// files its `$ref`s reach). `None`: the whole workspace.
pub fn reported_files<'a>(
    index: &'a Index,
    target: &Target,
) -> Option<std::collections::BTreeSet<&'a str>> {
    if target.is_whole() {
        return None;
    }
    let mut keep: std::collections::BTreeSet<&str> = index
        .files
        .keys()
        .map(|f| &**f)
        .filter(|f| target.names(f))
        .collect();
    for api in &index.apis {
        if target.names(&api.root) {
            keep.extend(api.files.iter().map(|f| &**f));
        }
    }
    Some(keep)
}

/// Whether the target reports on a workspace-relative file: one it names,
/// or a file of an API rooted in what it names (see [`reported_files`]).
pub fn reports_on(index: &Index, target: &Target, file: &str) -> bool {
    target.names(file)
        || index
            .apis
            .iter()
            .any(|api| target.names(&api.root) && api.files.contains(file))
}

/// Diagnostics restricted to the files the target reports on ([`reports_on`]).
pub fn filter_to_target(index: &Index, target: &Target, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if target.is_whole() {
        return diags;
    }
    diags
        .into_iter()
        .filter(|d| reports_on(index, target, &d.location.file))
        .collect()
}

/// The inventory restricted to the folders a target names: their
/// operations (and those of the APIs rooted in them) and the requirements
/// their PRDs define, each with its coverage from the whole workspace.
pub fn scope_inventory(index: &Index, target: &Target, mut inv: Inventory) -> Inventory {
    if target.dirs.is_empty() {
        return inv;
    }
    if let Some(keep) = reported_files(index, target) {
        inv.operations.retain(|o| keep.contains(o.file.as_str()));
        inv.integration_points
            .retain(|o| keep.contains(o.file.as_str()));
        inv.requirements.retain(|r| target.names(&r.file));
    }
    inv
}

/// "3 findings suppressed, 120 in the baseline (not shown)." or nothing.
pub fn hidden_note(diags: &[Diagnostic]) -> String {
    use specgate_engine::diag::Triage;
    let sup = diags
        .iter()
        .filter(|d| matches!(d.triage, Triage::Suppressed { .. }))
        .count();
    let base = diags
        .iter()
        .filter(|d| d.triage == Triage::Baselined)
        .count();
    let mut parts = Vec::new();
    if sup > 0 {
        parts.push(format!("{sup} suppressed where they are written"));
    }
    if base > 0 {
        parts.push(format!("{base} in the baseline"));
    }
    if parts.is_empty() {
        return String::new();
    }
    format!(
        "Not shown: {} (`--statistics` counts them).\n",
        parts.join(", ")
    )
}

/// Writes the baseline of `diags` (every finding but the suppressed ones
/// and the baseline's own) to `file` (`None`: the configured one, at the
/// root), keeping entries with a reason; returns what it did, for stderr.
pub fn write_baseline(
    index: &Index,
    diags: &[Diagnostic],
    file: Option<&Path>,
) -> Result<String, CliError> {
    use specgate_engine::baseline::{key::FindingKey, Baseline};
    use specgate_engine::diag::Triage;
    let path = match file {
        Some(f) => f.to_path_buf(),
        None => index.ws.root.join(&index.config().baseline_file),
    };
    let old = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| Baseline::parse(&t).ok());
    let keys: Vec<(FindingKey, String)> = diags
        .iter()
        .filter(|d| !matches!(d.triage, Triage::Suppressed { .. }))
        .filter(|d| d.code != specgate_engine::rules::stale_baseline_entry::RULE.code)
        .map(|d| (FindingKey::of(index, d), d.message.clone()))
        .collect();
    let findings = keys.len();
    let new = Baseline::from_findings(keys, old.as_ref());
    let dropped = old.as_ref().map_or(0, |o| {
        o.entries
            .iter()
            .filter(|e| !new.entries.iter().any(|n| n.key == e.key))
            .count()
    });
    std::fs::write(&path, new.to_json())
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    Ok(format!(
        "specgate: wrote {} ({} entries for {findings} findings{})\n",
        path.display(),
        new.entries.len(),
        if dropped > 0 {
            format!("; {dropped} entries that matched nothing dropped")
        } else {
            String::new()
        }
    ))
}

/// 1 when a reported finding is at `fail_level` or above (suppressed and
/// baselined ones never count).
pub fn exit_code(diags: &[Diagnostic], fail_level: Severity) -> i32 {
    let counts = |d: &&Diagnostic| d.triage == specgate_engine::diag::Triage::Reported;
    if diags
        .iter()
        .filter(counts)
        .any(|d| d.severity >= fail_level)
    {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
