//! Data-driven rule tests: every rule has `tests/fixtures/rules/<code>/positive`
//! (a workspace where the rule must fire: its findings are a snapshot, with
//! code frames showing the exact spot) and `negative` (a workspace where it
//! must stay silent).

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
    let diags: Vec<_> = rules::check(&index)
        .into_iter()
        .filter(|d| d.code == code)
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

#[test]
fn positive_fixtures_fire() {
    for rule in rules::ALL {
        let dir = fixtures().join(rule.code).join("positive");
        if !dir.is_dir() {
            continue; // reported by the test above
        }
        let (n, text) = findings(&dir, rule.code);
        assert!(n > 0, "{} did not fire on its positive fixture", rule.code);
        insta::assert_snapshot!(format!("{}-positive", rule.code), text);
    }
}

#[test]
fn negative_fixtures_stay_silent() {
    for rule in rules::ALL {
        let dir = fixtures().join(rule.code).join("negative");
        if !dir.is_dir() {
            continue;
        }
        let (n, text) = findings(&dir, rule.code);
        assert_eq!(n, 0, "{} fired on its negative fixture:\n{text}", rule.code);
    }
}
