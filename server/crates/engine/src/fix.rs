//! Fix-all: every safe fix of a file at once (`source.fixAll.specgate`), and
//! the workspace loop of `specgate check --fix` (check → apply → rebuild,
//! until nothing changes).

use crate::diag::{Applicability, Diagnostic, FileId, Fix, TextEdit};
use crate::edit::{apply_files, conflict};
use crate::index::Index;
use crate::workspace::Workspace;
use std::collections::{BTreeMap, BTreeSet};

/// A fix that was applied, for reporting.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// Where the finding was.
    pub file: FileId,
    pub code: &'static str,
    pub message: String,
    pub title: String,
    /// Files the fix edited.
    pub edited: Vec<FileId>,
}

/// Rules whose fixes pick something workspace-wide (the next free ID), so
/// two of them in one pass could pick the same: one per pass.
const ONE_PER_PASS: &[&str] = &[
    "duplicate-requirement",
    "uncovered-requirement",
    "table-not-in-dictionary",
];

/// The fix to apply for a finding: its first safe fix; with unsafe fixes
/// allowed, else its preferred unsafe one (a finding whose fixes are all
/// alternatives nobody prefers, like renumbering the first of two
/// duplicates, is left alone). Display-only fixes are never applied here.
fn chosen(fixes: Vec<Fix>, include_unsafe: bool) -> Option<Fix> {
    let mut fixes: Vec<Fix> = fixes
        .into_iter()
        .filter(|f| !f.edits.is_empty() && f.applicability != Applicability::Display)
        .collect();
    if let Some(i) = fixes
        .iter()
        .position(|f| f.applicability == Applicability::Safe)
    {
        return Some(fixes.swap_remove(i));
    }
    if !include_unsafe {
        return None;
    }
    let i = fixes.iter().position(|f| f.preferred)?;
    Some(fixes.swap_remove(i))
}

/// Fixes for `diags` that can all apply together: edits that collide with
/// an accepted one are left for the next pass (identical edits are shared,
/// so two fixes creating the same shared component write it once).
pub fn select(
    index: &Index,
    diags: &[Diagnostic],
    include_unsafe: bool,
) -> (Vec<TextEdit>, Vec<Applied>) {
    let mut accepted = Accepted::default();
    let mut applied = Vec::new();
    let mut once: BTreeSet<&'static str> = BTreeSet::new();
    for d in diags {
        if ONE_PER_PASS.contains(&d.code) && once.contains(d.code) {
            continue;
        }
        let Some(fix) = chosen(crate::rules::fixes(index, d), include_unsafe) else {
            continue;
        };
        let fresh: Vec<&TextEdit> = fix.edits.iter().filter(|e| !accepted.has(e)).collect();
        if fresh.iter().any(|e| accepted.conflicts(e)) {
            continue;
        }
        let edited: BTreeSet<FileId> = fix.edits.iter().map(|e| e.file.clone()).collect();
        for e in fresh {
            accepted.add(e.clone());
        }
        if ONE_PER_PASS.contains(&d.code) {
            once.insert(d.code);
        }
        applied.push(Applied {
            file: d.location.file.clone(),
            code: d.code,
            message: d.message.clone(),
            title: fix.title,
            edited: edited.into_iter().collect(),
        });
    }
    (accepted.into_sorted(), applied)
}

/// Accepted edits, per file and by position, for quick conflict checks.
#[derive(Default)]
struct Accepted {
    by_file: BTreeMap<FileId, BTreeMap<(u32, u32), Vec<TextEdit>>>,
}

impl Accepted {
    fn has(&self, e: &TextEdit) -> bool {
        self.by_file
            .get(&e.file)
            .and_then(|m| m.get(&(e.span.start, e.span.end)))
            .is_some_and(|v| v.contains(e))
    }

    /// Whether `e` conflicts with an accepted edit. Accepted edits do not
    /// overlap, so going back from the last one starting before `e` ends
    /// meets every candidate before the first that ends before `e` starts.
    fn conflicts(&self, e: &TextEdit) -> bool {
        let Some(m) = self.by_file.get(&e.file) else {
            return false;
        };
        for (&(s, en), es) in m.range(..=(e.span.end, u32::MAX)).rev() {
            if es.iter().any(|a| conflict(a, e)) {
                return true;
            }
            if en < e.span.start && s < e.span.start {
                break;
            }
        }
        false
    }

    fn add(&mut self, e: TextEdit) {
        self.by_file
            .entry(e.file.clone())
            .or_default()
            .entry((e.span.start, e.span.end))
            .or_default()
            .push(e);
    }

    fn into_sorted(self) -> Vec<TextEdit> {
        let mut v: Vec<TextEdit> = self
            .by_file
            .into_values()
            .flat_map(|m| m.into_values().flatten())
            .collect();
        v.sort();
        v
    }
}

/// The safe fixes of every finding in `file`, as non-overlapping edits
/// (possibly in other files too: a shared response created in a components
/// file). What the editor's `source.fixAll.specgate` applies.
pub fn fix_all(index: &Index, file: &str) -> Vec<TextEdit> {
    fix_file(index, &crate::triage::check(index), file)
}

/// [`fix_all`] with the findings already computed (the language server
/// keeps them): one pass of [`select`] over the findings in `file`.
/// Suppressed and baselined findings are not fixed: they were accepted.
pub fn fix_file(index: &Index, diags: &[Diagnostic], file: &str) -> Vec<TextEdit> {
    let mine: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| &*d.location.file == file && d.triage == crate::diag::Triage::Reported)
        .cloned()
        .collect();
    select(index, &mine, false).0
}

/// The outcome of [`fix_workspace`].
pub struct FixRun {
    pub applied: Vec<Applied>,
    /// New text of every file that changed.
    pub changed: BTreeMap<FileId, String>,
    /// The index after the last pass.
    pub index: Index,
    pub passes: usize,
}

/// Applies fixes to the workspace until no fix applies (at most `max_passes`
/// rounds): each round checks, applies every compatible fix, rebuilds.
/// `keep` limits which findings are fixed. A finding that comes back after
/// its fix was applied is not fixed again (no loop can grow a file forever).
pub fn fix_workspace(
    ws: Workspace,
    include_unsafe: bool,
    keep: &dyn Fn(&Index, &Diagnostic) -> bool,
    max_passes: usize,
) -> FixRun {
    let mut index = Index::build(ws, None);
    let mut originals: BTreeMap<FileId, String> = BTreeMap::new();
    let mut applied_all: Vec<Applied> = Vec::new();
    let mut done: BTreeSet<(FileId, &'static str, String)> = BTreeSet::new();
    let mut passes = 0;
    while passes < max_passes {
        let diags: Vec<Diagnostic> = crate::triage::check(&index)
            .into_iter()
            .filter(|d| d.triage == crate::diag::Triage::Reported)
            .filter(|d| keep(&index, d))
            .filter(|d| !done.contains(&(d.location.file.clone(), d.code, d.message.clone())))
            .collect();
        let (edits, applied) = select(&index, &diags, include_unsafe);
        if edits.is_empty() {
            break;
        }
        let new_texts = match apply_files(|f| index.source(f).map(|s| s.text.to_string()), &edits) {
            Ok(t) => t,
            Err(_) => break,
        };
        if new_texts.is_empty() {
            break;
        }
        passes += 1;
        let mut ws = index.ws.clone();
        for (f, t) in new_texts {
            originals
                .entry(f.clone())
                .or_insert_with(|| index.text(&f).to_string());
            ws.insert(&f, t);
        }
        for a in &applied {
            done.insert((a.file.clone(), a.code, a.message.clone()));
        }
        applied_all.extend(applied);
        index = Index::build(ws, Some(&index));
    }
    let changed = originals
        .into_iter()
        .filter_map(|(f, old)| {
            let new = index.text(&f).to_string();
            (new != old).then_some((f, new))
        })
        .collect();
    FixRun {
        applied: applied_all,
        changed,
        index,
        passes,
    }
}
