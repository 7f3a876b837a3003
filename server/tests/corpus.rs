//! The real-world corpus in `../shared/corpus` (Stripe, GitHub, Twilio, …):
//! every file goes through `check` and `inventory` without a panic, and the
//! inventory counts every operation exactly. Users don't have the corpus, so
//! these tests print a message and pass when it is absent.

use specgate::cli::{self, Target};
use specgate::index::Index;
use specgate::{inventory, rules};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        Some(dir.canonicalize().expect("corpus path"))
    } else {
        eprintln!("skipped: ../shared/corpus is absent (it is only on the team's machines)");
        None
    }
}

fn load_file(path: &Path) -> Index {
    let target = Target {
        root: path.parent().unwrap().to_path_buf(),
        files: vec![path.file_name().unwrap().to_string_lossy().into_owned()],
        dirs: Vec::new(),
    };
    cli::load(&target, None).expect("corpus file loads")
}

fn operation_count(rel: &str) -> Option<usize> {
    let path = corpus()?.join(rel);
    let index = load_file(&path);
    let root = path.file_name().unwrap().to_string_lossy().into_owned();
    Some(inventory::build(&index, Some(&root)).operations.len())
}

#[test]
fn inventory_counts_match_the_published_operation_counts() {
    let expected = [
        ("large/stripe-spec3-2023-09-12.yaml", 468),
        ("large/github-api.github.com-octokit-2022-07-15.json", 874),
        ("large/twilio_api_v2010.yaml", 197),
        ("medium/asana-1.0.yaml", 152),
        ("multifile/redocly-cafe-starter/openapi.yaml", 12),
    ];
    for (file, count) in expected {
        let Some(n) = operation_count(file) else {
            return;
        };
        assert_eq!(n, count, "operations in {file}");
    }
}

/// Real workspaces split across many files (realworld/SOURCES.md counts
/// their operations with PyYAML, following path-item and operation `$ref`s):
/// the inventory lists each operation once, wherever it is written.
#[test]
fn split_workspaces_list_every_operation_once() {
    let Some(root) = corpus() else { return };
    let expected = [
        ("ideal-postcodes__postcodes.io", 11),
        ("econominhas__backend", 34),
        ("growthbook__growthbook", 117),
        ("cloudamqp__lavinmq", 108),
        ("opensearch-project__opensearch-api-specification", 383),
        ("shlinkio__shlink", 26),
    ];
    for (name, count) in expected {
        let dir = root.join("realworld/multifile").join(name);
        let ws = specgate::workspace::Workspace::load(&dir, None).expect("workspace loads");
        let index = Index::build(ws, None);
        let inv = inventory::build(&index, None);
        let mut seen = std::collections::BTreeSet::new();
        for o in &inv.operations {
            assert!(
                seen.insert((o.method.clone(), o.path.clone())),
                "{name}: {} {} listed twice",
                o.method,
                o.path
            );
            assert!(
                index.source(&o.file).is_some(),
                "{name}: {} {} points at {}",
                o.method,
                o.path,
                o.file
            );
        }
        assert_eq!(inv.operations.len(), count, "operations in {name}");
    }
}

#[test]
fn every_corpus_file_checks_and_inventories_without_panic() {
    let Some(root) = corpus() else { return };
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() > 30, "corpus has its files");
    for f in &files {
        let index = load_file(f);
        let diags = rules::check(&index);
        let inv = inventory::build(&index, None);
        let _ = inv.to_markdown();
        // Every finding points inside a file of the index (or at a skipped one).
        for d in &diags {
            if let Some(src) = index.source(&d.location.file) {
                assert!(
                    d.location.span.end as usize <= src.text.len(),
                    "{}: span past the end",
                    f.display()
                );
            }
        }
    }
    // The whole corpus as one workspace too (multi-file specs resolve inside it).
    let index = Index::build(
        specgate::workspace::Workspace::load(&root, None).unwrap(),
        None,
    );
    let _ = rules::check(&index);
}

#[test]
fn multifile_cafe_refs_all_resolve() {
    let Some(root) = corpus() else { return };
    let index = load_file(&root.join("multifile/redocly-cafe-starter/openapi.yaml"));
    let broken: Vec<_> = rules::check(&index)
        .into_iter()
        .filter(|d| d.code == "unresolved-ref" || d.code == "syntax-error")
        .map(|d| format!("{}: {}", d.location.file, d.message))
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
    assert!(
        index.apis[0].files.len() > 30,
        "the API reaches its component files"
    );
}
