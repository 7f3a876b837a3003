//! Helpers for the reader tests, and for the engine's (feature `test-util`).

use crate::tree::{Document, Node, Span, Value};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The shared corpus (`../shared/corpus` beside the repository, or
/// `SPECGATE_CORPUS`), if present.
pub fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("SPECGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/corpus"));
    if p.is_dir() {
        Some(p)
    } else {
        println!("{} is absent: skipping corpus test", p.display());
        None
    }
}

/// All files under `dir` with one of the extensions, sorted.
pub fn files(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| exts.contains(&x))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn sp(text: &str, s: Span) -> String {
    let t = text
        .get(s.start as usize..s.end as usize)
        .unwrap_or("<bad span>");
    format!("{}..{} {:?}", s.start, s.end, t)
}

/// A readable dump of a document: one line per node, with spans and the
/// text they cover.
pub fn dump(text: &str, doc: &Document) -> String {
    let mut out = String::new();
    match &doc.root {
        None => out.push_str("(no root)\n"),
        Some(n) => node(text, n, 0, &mut out),
    }
    for c in &doc.comments {
        writeln!(out, "comment {}", sp(text, c.span)).unwrap();
    }
    for e in &doc.errors {
        writeln!(out, "error {} {}", sp(text, e.span), e.message).unwrap();
    }
    out
}

fn node(text: &str, n: &Node, depth: usize, out: &mut String) {
    let ind = "  ".repeat(depth);
    match &n.value {
        Value::Scalar(s, st) => {
            writeln!(out, "{ind}{:?} {s:?} @{}", st, sp(text, n.span)).unwrap();
        }
        Value::Missing => writeln!(out, "{ind}Missing @{}", sp(text, n.span)).unwrap(),
        Value::Map(es, st) => {
            writeln!(out, "{ind}Map {:?} @{}..{}", st, n.span.start, n.span.end).unwrap();
            for e in es {
                writeln!(out, "{ind}- key {:?} @{}", e.key, sp(text, e.key_span)).unwrap();
                node(text, &e.value, depth + 2, out);
            }
        }
        Value::Seq(items, st) => {
            writeln!(out, "{ind}Seq {:?} @{}..{}", st, n.span.start, n.span.end).unwrap();
            for it in items {
                node(text, it, depth + 1, out);
            }
        }
    }
}

/// First difference between two trees, as a path and a description.
pub fn diff(a: &Node, b: &Node) -> Option<String> {
    fn go(a: &Node, b: &Node, path: &mut Vec<String>) -> Option<String> {
        if a.span != b.span {
            return Some(format!(
                "{}: span {:?} vs {:?}",
                path.join("/"),
                a.span,
                b.span
            ));
        }
        match (&a.value, &b.value) {
            (Value::Map(x, sx), Value::Map(y, sy)) => {
                if sx != sy {
                    return Some(format!("{}: style {sx:?} vs {sy:?}", path.join("/")));
                }
                if x.len() != y.len() {
                    return Some(format!(
                        "{}: {} vs {} entries",
                        path.join("/"),
                        x.len(),
                        y.len()
                    ));
                }
                for (ea, eb) in x.iter().zip(y) {
                    if ea.key != eb.key || ea.key_span != eb.key_span {
                        return Some(format!(
                            "{}: key {:?}@{:?} vs {:?}@{:?}",
                            path.join("/"),
                            ea.key,
                            ea.key_span,
                            eb.key,
                            eb.key_span
                        ));
                    }
                    path.push(ea.key.clone());
                    if let Some(d) = go(&ea.value, &eb.value, path) {
                        return Some(d);
                    }
                    path.pop();
                }
                None
            }
            (Value::Seq(x, sx), Value::Seq(y, sy)) => {
                if sx != sy {
                    return Some(format!("{}: style {sx:?} vs {sy:?}", path.join("/")));
                }
                if x.len() != y.len() {
                    return Some(format!(
                        "{}: {} vs {} items",
                        path.join("/"),
                        x.len(),
                        y.len()
                    ));
                }
                for (i, (ia, ib)) in x.iter().zip(y).enumerate() {
                    path.push(i.to_string());
                    if let Some(d) = go(ia, ib, path) {
                        return Some(d);
                    }
                    path.pop();
                }
                None
            }
            (x, y) if x == y => None,
            (x, y) => Some(format!("{}: {:?} vs {:?}", path.join("/"), x, y)),
        }
    }
    go(a, b, &mut Vec::new())
}

/// A small deterministic random generator (xorshift).
pub struct Rng(pub u64);

impl Rng {
    #[allow(clippy::should_implement_trait)] // a tiny xorshift, not an iterator
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}
