//! `specgate check --fix [--unsafe-fixes]`: apply fixes until nothing
//! changes, write the files, report what changed.

use super::{CliError, Target};
use specgate_engine::fix::{fix_workspace, Applied, FixRun};
use specgate_engine::index::Index;
use std::collections::BTreeSet;
use std::path::Path;

/// At most this many check → apply → rebuild rounds.
pub const MAX_PASSES: usize = 32;

/// Loads the target's workspace and applies fixes to the findings the
/// target reports (the whole workspace, or the named files and the APIs
/// they root). Nothing is written yet.
pub fn run(
    target: &Target,
    config: Option<&Path>,
    include_unsafe: bool,
) -> Result<FixRun, CliError> {
    let ws = super::load_workspace(target, config)?;
    let keep = |index: &Index, d: &specgate_engine::diag::Diagnostic| {
        super::reports_on(index, target, &d.location.file)
    };
    Ok(fix_workspace(ws, include_unsafe, &keep, MAX_PASSES))
}

/// Writes the changed files under the workspace root (each through a
/// temporary file renamed over it).
pub fn write(root: &Path, run: &FixRun) -> Result<(), CliError> {
    for (file, text) in &run.changed {
        let path = root.join(&**file);
        let tmp = path.with_extension(format!(
            "{}.specgate-fix",
            path.extension().and_then(|e| e.to_str()).unwrap_or("")
        ));
        std::fs::write(&tmp, text.as_bytes())
            .and_then(|_| std::fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = std::fs::remove_file(&tmp);
                CliError(format!("cannot write {}: {e}", path.display()))
            })?;
    }
    Ok(())
}

/// What `--fix` changed, one line per applied fix:
/// `fixed api/paths/a.yaml: Add missing responses 404, 500 [missing-error-response]`
/// (paths after `prefix`, see [`super::display_prefix`]).
pub fn summary(run: &FixRun, prefix: &str) -> String {
    let mut s = String::new();
    for Applied {
        file,
        code,
        title,
        edited,
        ..
    } in &run.applied
    {
        let others: Vec<String> = edited
            .iter()
            .filter(|f| *f != file)
            .map(|f| format!("{prefix}{f}"))
            .collect();
        let also = if others.is_empty() {
            String::new()
        } else {
            format!(" (also edited {})", others.join(", "))
        };
        s.push_str(&format!("fixed {prefix}{file}: {title} [{code}]{also}\n"));
    }
    let files: BTreeSet<&str> = run.changed.keys().map(|f| &**f).collect();
    if run.applied.is_empty() {
        s.push_str("no fixes applied\n");
    } else {
        s.push_str(&format!(
            "applied {} fix{} in {} file{}\n",
            run.applied.len(),
            if run.applied.len() == 1 { "" } else { "es" },
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        ));
    }
    s
}
