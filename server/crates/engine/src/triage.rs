//! What happens to findings after the rules: a suppression written where a
//! finding is hides it ([`crate::suppress`]), and so does the baseline a
//! team recorded when it adopted Specgate ([`crate::baseline`]). Neither drops a finding:
//! each is marked ([`Triage`]), so that SARIF can list suppressed results
//! and the editor can show baselined ones as hints. Suppressions that
//! suppress nothing and baseline entries that match nothing are findings of
//! their own (`unused-suppression`, `stale-baseline-entry`).
//!
//! [`check`] is the whole pipeline: every caller that shows or fixes
//! findings (CLI, language server, fix-all) goes through it.

use crate::baseline::key::FindingKey;
use crate::baseline::Baseline;
use crate::diag::{Diagnostic, FileId, Severity, Triage};
use crate::index::Index;
use crate::suppress::{self, Suppression};
use crate::workspace::FileRole;
use specgate_syntax::tree::Span;
use std::collections::HashMap;

/// Every finding of the workspace, suppressed and baselined ones marked.
pub fn check(index: &Index) -> Vec<Diagnostic> {
    triage(index, crate::rules::check(index))
}

/// The severity a finding of `code` gets in `file`, `None` when the rule
/// is off there.
fn severity(index: &Index, code: &str, file: &str) -> Option<Severity> {
    let rule = crate::rules::rule(code)?;
    index
        .config()
        .severity_in(code, file, rule.default_severity)
}

/// Marks suppressed and baselined findings and adds the findings about
/// suppressions and the baseline.
pub fn triage(index: &Index, mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut extra = Vec::new();
    apply_suppressions(index, &mut diags, &mut extra);
    apply_baseline(index, &mut diags, &mut extra);
    if !extra.is_empty() {
        diags.extend(extra);
        diags.sort_by(|a, b| {
            (&a.location, a.code, &a.message).cmp(&(&b.location, b.code, &b.message))
        });
    }
    diags
}

/// The suppressions of every file that mentions `specgate-ignore`.
pub fn all_suppressions(index: &Index) -> Vec<Suppression> {
    let finder = memchr::memmem::Finder::new(b"specgate-ignore");
    let mut out = Vec::new();
    for (id, f) in &index.files {
        if matches!(f.role, FileRole::Config | FileRole::Other) {
            continue;
        }
        if finder.find(f.source.text.as_bytes()).is_some() {
            out.extend(suppress::suppressions(index, id));
        }
    }
    out
}

fn apply_suppressions(index: &Index, diags: &mut [Diagnostic], extra: &mut Vec<Diagnostic>) {
    let sups = all_suppressions(index);
    if sups.is_empty() {
        return;
    }
    let mut by_file: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in sups.iter().enumerate() {
        by_file.entry(&s.file).or_default().push(i);
    }
    let mut used: Vec<Vec<bool>> = sups.iter().map(|s| vec![false; s.codes.len()]).collect();
    for d in diags.iter_mut() {
        let Some(list) = by_file.get(&*d.location.file) else {
            continue;
        };
        for &i in list {
            let s = &sups[i];
            if !s.covers(d.location.span.start) {
                continue;
            }
            if let Some(c) = s.codes.iter().position(|(c, _)| c == d.code) {
                used[i][c] = true;
                d.triage = Triage::Suppressed {
                    reason: s.reason.clone(),
                };
                break;
            }
        }
    }
    for (s, used) in sups.iter().zip(&used) {
        let require_reason = index.config().requires_reason_in(&s.file);
        let Some(sev) = severity(index, crate::rules::unused_suppression::RULE.code, &s.file)
        else {
            continue;
        };
        for ((code, span), used) in s.codes.iter().zip(used) {
            if !used {
                extra.push(crate::rules::unused_suppression::finding(
                    index, s, code, *span, sev,
                ));
            }
        }
        if require_reason && s.reason.is_none() && used.iter().any(|u| *u) {
            extra.push(crate::rules::unused_suppression::no_reason(s, sev));
        }
    }
}

fn apply_baseline(index: &Index, diags: &mut [Diagnostic], extra: &mut Vec<Diagnostic>) {
    let file: FileId = index.config().baseline_file.as_str().into();
    let Some(src) = index.source(&file) else {
        return;
    };
    let base = match Baseline::parse(&src.text) {
        Ok(b) => b,
        Err(e) => {
            if let Some(sev) = severity(index, crate::rules::stale_baseline_entry::RULE.code, &file)
            {
                let mut d = Diagnostic::new(
                    crate::rules::stale_baseline_entry::RULE.code,
                    &file,
                    Span::new(0, 0),
                    format!("the baseline cannot be read ({e}): no finding is hidden by it; rewrite it with `specgate check --write-baseline`"),
                );
                d.severity = sev;
                extra.push(d);
            }
            return;
        }
    };
    let mut left: HashMap<&FindingKey, u32> = HashMap::new();
    for e in &base.entries {
        *left.entry(&e.key).or_default() += e.count;
    }
    for d in diags.iter_mut() {
        if d.triage != Triage::Reported {
            continue;
        }
        let k = FindingKey::of(index, d);
        if let Some(n) = left.get_mut(&k) {
            if *n > 0 {
                *n -= 1;
                d.triage = Triage::Baselined;
            }
        }
    }
    let Some(sev) = severity(index, crate::rules::stale_baseline_entry::RULE.code, &file) else {
        return;
    };
    let items = index
        .doc(&file)
        .and_then(|d| d.root.as_ref())
        .and_then(|r| r.get("entries"))
        .map(|n| n.items().to_vec())
        .unwrap_or_default();
    for (i, e) in base.entries.iter().enumerate() {
        let n = left.get(&e.key).copied().unwrap_or(0);
        if n == 0 {
            continue;
        }
        // Each of several entries with one key is reported once.
        left.insert(&e.key, 0);
        let span = items.get(i).map(|n| n.span).unwrap_or_default();
        extra.push(crate::rules::stale_baseline_entry::finding(
            &file, span, e, n, sev,
        ));
    }
}
