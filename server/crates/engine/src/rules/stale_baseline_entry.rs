//! `stale-baseline-entry`: an entry of the baseline that matches no
//! finding any more.
//!
//! **What.** `specgate-baseline.json` (`files.baseline`) records findings a
//! team accepted when it adopted Specgate; `specgate check` hides them. An
//! entry whose finding is gone (fixed, or the file moved) is reported, as
//! are entries that accept more findings (`count`) than there are now.
//!
//! **Why.** The baseline should only shrink: a stale entry would hide the
//! next finding that happens to get the same key. ruff and PHPStan report
//! unmatched baseline entries for the same reason.
//!
//! **Example.** The baseline accepted `missing-error-response` at
//! `/paths/~1pets/get/responses`; someone added the 500 response.
//!
//! **Fix.** `specgate check --write-baseline` rewrites the baseline from
//! today's findings (entries with a `reason` are kept); or delete the entry.
//!
//! A baseline that cannot be read is reported here too, at its start.
//!
//! Range: the entry in the baseline file.

use super::Rule;
use crate::baseline::Entry;
use crate::diag::{Diagnostic, FileId, Severity};
use crate::index::Index;
use specgate_syntax::tree::Span;

pub const RULE: Rule = Rule {
    code: "stale-baseline-entry",
    source: include_str!("stale_baseline_entry.rs"),
    default_severity: Severity::Warning,
    summary: "An entry of the baseline matches no finding any more",
    points_at: "the entry in the baseline file",
    check,
    fixes: super::no_fixes,
};

/// Its findings need every other rule's: `triage` makes them.
fn check(_: &Index, _: &mut Vec<Diagnostic>) {}

/// The finding for entry `e`, of which `left` accepted findings are gone.
pub fn finding(file: &FileId, span: Span, e: &Entry, left: u32, sev: Severity) -> Diagnostic {
    let what = format!("`{}` in {} at `{}`", e.key.rule, e.key.file, e.key.at);
    let message = if left == e.count {
        format!("baseline entry {what} matches no finding any more: rewrite the baseline with `specgate check --write-baseline`")
    } else {
        format!("baseline entry {what} accepts {} findings but {left} of them are gone: rewrite the baseline with `specgate check --write-baseline`", e.count)
    };
    let mut d = Diagnostic::new(RULE.code, file, span, message);
    d.severity = sev;
    d
}

#[cfg(test)]
mod tests {
    use crate::baseline::key::FindingKey;
    use crate::baseline::Baseline;
    use crate::diag::Triage;
    use crate::rules::testing::{index, render};
    use crate::triage::check;

    const PRD: &str = "# PRD\n\n- **FR-001**: list pets\n";
    const API: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      x-fr-ids: [FR-001]\n      responses: {'200': {description: ok}}\n";

    fn baseline_of(files: &[(&str, &str)]) -> String {
        let idx = index(files);
        let keys = check(&idx)
            .iter()
            .map(|d| (FindingKey::of(&idx, d), d.message.clone()))
            .collect();
        Baseline::from_findings(keys, None).to_json()
    }

    #[test]
    fn baselined_findings_are_hidden_and_fixed_ones_are_stale() {
        let base = baseline_of(&[("prd.md", PRD), ("openapi.yaml", API)]);
        assert!(
            base.contains("\"rule\": \"missing-error-response\""),
            "{base}"
        );
        // Lines added above the finding: still hidden.
        let moved = API.replace("paths:\n", "tags: [{name: pets}]\npaths:\n");
        let idx = index(&[
            ("prd.md", PRD),
            ("openapi.yaml", &moved),
            ("specgate-baseline.json", &base),
        ]);
        let d = check(&idx);
        assert!(
            d.iter().all(|d| d.triage == Triage::Baselined),
            "{}",
            render(&idx, &d)
        );
        // The finding fixed: the entry is stale.
        let fixed = API.replace(
            "{'200': {description: ok}}",
            "{'200': {description: ok}, '500': {description: e}}",
        );
        let idx = index(&[
            ("prd.md", PRD),
            ("openapi.yaml", &fixed),
            ("specgate-baseline.json", &base),
        ]);
        let f = render(&idx, &check(&idx));
        assert!(f.contains("warning[stale-baseline-entry] `{` baseline entry `missing-error-response` in openapi.yaml at `/paths/~1pets/get/responses` matches no finding any more"), "{f}");
    }

    #[test]
    fn a_new_finding_is_reported() {
        let base = baseline_of(&[("prd.md", PRD), ("openapi.yaml", API)]);
        let more = format!("{API}  /owners:\n    get:\n      x-fr-ids: [FR-001]\n      responses: {{'200': {{description: ok}}}}\n");
        let idx = index(&[
            ("prd.md", PRD),
            ("openapi.yaml", &more),
            ("specgate-baseline.json", &base),
        ]);
        let reported: Vec<_> = check(&idx)
            .into_iter()
            .filter(|d| d.triage == Triage::Reported)
            .collect();
        let f = render(&idx, &reported);
        assert!(f.contains("GET /owners lacks"), "{f}");
        assert!(!f.contains("GET /pets"), "{f}");
    }

    #[test]
    fn a_broken_baseline_is_one_finding() {
        let idx = index(&[
            ("prd.md", PRD),
            ("openapi.yaml", API),
            ("specgate-baseline.json", "{\"entries\": 3}"),
        ]);
        let f = render(&idx, &check(&idx));
        assert!(f.contains("specgate-baseline.json:1:1 warning[stale-baseline-entry] `` the baseline cannot be read"), "{f}");
    }
}
