//! The command line: `check`, `inventory`, `rules`, `lsp`. It loads a
//! workspace, asks the engine, and prints; it decides nothing itself.

pub mod fix;
pub mod output;

use crate::diag::{Diagnostic, Severity};
use crate::index::Index;
use crate::workspace::{relative_to, FileRole, Workspace};
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

/// What to analyse: a workspace root, and optionally the files to report on.
pub struct Target {
    pub root: PathBuf,
    /// Workspace-relative files named on the command line (empty: all).
    pub files: Vec<String>,
}

/// The folder holding `specgate.toml` or `.git` above `start`, else `start`.
pub fn find_root(start: &Path) -> PathBuf {
    let mut cur = Some(start);
    while let Some(d) = cur {
        if d.join(crate::config::CONFIG_FILE).is_file() || d.join(".git").exists() {
            return d.to_path_buf();
        }
        cur = d.parent();
    }
    start.to_path_buf()
}

pub fn resolve_target(paths: &[PathBuf]) -> Result<Target, CliError> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    for p in &paths {
        let canon = p
            .canonicalize()
            .map_err(|e| CliError(format!("cannot read {}: {e}", p.display())))?;
        if canon.is_dir() {
            dirs.push(canon);
        } else {
            files.push(canon);
        }
    }
    match (dirs.len(), files.is_empty()) {
        (1, true) => Ok(Target {
            root: dirs.remove(0),
            files: Vec::new(),
        }),
        (0, false) => {
            let root = find_root(files[0].parent().unwrap_or(Path::new("/")));
            let rels = files
                .iter()
                .map(|f| {
                    relative_to(&root, f).ok_or_else(|| {
                        CliError(format!(
                            "{} is outside the workspace {}",
                            f.display(),
                            root.display()
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Target { root, files: rels })
        }
        _ => Err(CliError(
            "give one folder (the workspace) or one or more files, not both".into(),
        )),
    }
}

/// Loads the workspace of a target. With explicit files, only those plus the
/// requirements and dictionaries of the root are read (their `$ref`s are
/// loaded on demand), so checking one spec in a big folder stays fast.
pub fn load_workspace(target: &Target, config: Option<&Path>) -> Result<Workspace, CliError> {
    Ok(if target.files.is_empty() {
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

/// Diagnostics restricted to the requested files and the APIs they root.
pub fn filter_to_target(index: &Index, target: &Target, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if target.files.is_empty() {
        return diags;
    }
    let mut keep: std::collections::BTreeSet<&str> =
        target.files.iter().map(String::as_str).collect();
    for api in &index.apis {
        if keep.contains(&*api.root) {
            keep.extend(api.files.iter().map(|f| &**f));
        }
    }
    diags
        .into_iter()
        .filter(|d| keep.contains(&*d.location.file))
        .collect()
}

pub fn exit_code(diags: &[Diagnostic]) -> i32 {
    if diags.iter().any(|d| d.severity == Severity::Error) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}
