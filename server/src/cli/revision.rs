//! `specgate diff`'s sides: a folder as it is, or a git revision of the
//! workspace, written to a temporary folder with `git archive`.

use super::CliError;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One side of a diff: a folder to load, kept alive while it is used.
pub struct Side {
    pub root: PathBuf,
    /// What the user named (`main`, `HEAD~1`, `../v1`).
    pub label: String,
    _dir: Option<tempfile::TempDir>,
}

/// `spec` as a folder when one exists at that path, else as a git revision
/// of the repository holding `workspace` (the same subfolder of it).
pub fn side(spec: &str, workspace: &Path) -> Result<Side, CliError> {
    let p = Path::new(spec);
    if p.is_dir() {
        return Ok(Side {
            root: p.to_path_buf(),
            label: spec.to_string(),
            _dir: None,
        });
    }
    let git = |args: &[&str]| -> Result<String, CliError> {
        let out = Command::new("git")
            .arg("-C")
            .arg(workspace)
            .args(args)
            .output()
            .map_err(|e| CliError(format!("cannot run git: {e}")))?;
        if !out.status.success() {
            return Err(CliError(format!(
                "`{spec}` is neither a folder nor a git revision of {}: {}",
                workspace.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "--verify", &format!("{spec}^{{commit}}")])?;
    let prefix = git(&["rev-parse", "--show-prefix"])?;
    // Run at the top: in a subfolder, `git archive` keeps only what is below it.
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let dir = tempfile::tempdir().map_err(|e| CliError(format!("cannot make a folder: {e}")))?;
    // `git archive COMMIT:PREFIX | tar -x`: the workspace's tree as
    // committed, at the root of the folder.
    let tree = if prefix.is_empty() {
        commit.clone()
    } else {
        format!("{commit}:{}", prefix.trim_end_matches('/'))
    };
    let mut archive = Command::new("git");
    archive
        .arg("-C")
        .arg(&top)
        .args(["archive", "--format=tar", &tree]);
    let mut child = archive
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| CliError(format!("cannot run git archive: {e}")))?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| CliError("git archive gave no output".into()))?;
    let tar = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir.path())
        .stdin(stdout)
        .status()
        .map_err(|e| CliError(format!("cannot run tar: {e}")))?;
    let archived = child
        .wait()
        .map_err(|e| CliError(format!("git archive failed: {e}")))?;
    if !tar.success() || !archived.success() {
        return Err(CliError(format!("cannot extract revision {spec}")));
    }
    let root = dir.path().to_path_buf();
    Ok(Side {
        root,
        label: spec.to_string(),
        _dir: Some(dir),
    })
}
