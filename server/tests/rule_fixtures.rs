//! Data-driven rule tests: every rule has `tests/fixtures/rules/<code>/positive`
//! (a workspace where the rule must fire: its findings are a snapshot, with
//! code frames showing the exact spot) and `negative` (a workspace where it
//! must stay silent). More cases of either kind are folders named
//! `positive-<case>` / `negative-<case>` beside them (snapshot
//! `<code>-positive-<case>`).

use specgate::cli::output;
use specgate::index::Index;
use specgate::rules;
use specgate::workspace::Workspace;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/rules")
}

fn findings(dir: &Path, code: &str) -> (usize, String) {
    let ws = Workspace::load(dir, None).expect("fixture folder loads");
    let index = Index::build(ws, None);
    // Through triage: `unused-suppression` and `stale-baseline-entry`
    // come from there; suppressed and baselined findings are not reported.
    let diags: Vec<_> = specgate::triage::check(&index)
        .into_iter()
        .filter(|d| d.code == code && d.triage == specgate::diag::Triage::Reported)
        .collect();
    (diags.len(), output::text(&index, &diags, false))
}

#[test]
fn every_rule_has_a_positive_and_a_negative_fixture() {
    for rule in rules::ALL {
        for kind in ["positive", "negative"] {
            let dir = fixtures().join(rule.code).join(kind);
            assert!(dir.is_dir(), "missing fixture {}", dir.display());
        }
    }
}

/// The fixture folders of one kind for a rule: `kind` and `kind-*`, sorted.
fn cases(code: &str, kind: &str) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(fixtures().join(code)) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            let ok = name == kind || name.strip_prefix(kind)?.starts_with('-');
            ok.then(|| (name, e.path()))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn positive_fixtures_fire() {
    for rule in rules::ALL {
        for (name, dir) in cases(rule.code, "positive") {
            let (n, text) = findings(&dir, rule.code);
            assert!(n > 0, "{} did not fire on its {name} fixture", rule.code);
            insta::assert_snapshot!(format!("{}-{name}", rule.code), text);
        }
    }
}

#[test]
fn negative_fixtures_stay_silent() {
    for rule in rules::ALL {
        for (name, dir) in cases(rule.code, "negative") {
            let (n, text) = findings(&dir, rule.code);
            assert_eq!(n, 0, "{} fired on its {name} fixture:\n{text}", rule.code);
        }
    }
}
