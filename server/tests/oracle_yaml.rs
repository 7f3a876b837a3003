//! PyYAML (libyaml) as an oracle for the YAML reader (issue 10, item 6:
//! "read what other readers read").
//!
//! Every `.yaml`/`.yml` file under `../shared/corpus` (or `$SPECGATE_CORPUS`)
//! is loaded by PyYAML, all in one Python process, and read by Specgate's
//! reader ([`specgate::parse::parse_yaml`], what the index uses):
//!
//! - a file PyYAML loads must have no syntax *error* in Specgate (a
//!   *warning*, for a form libyaml accepts though YAML 1.2 does not, is fine);
//! - and it must be read completely: the same number of top-level entries
//!   and the same number of nodes in all (aliases expanded on both sides) as
//!   PyYAML's composed tree.
//!
//! Users don't have the corpus, and PyYAML is only installed by `.ci/run`:
//! without either the test prints why and passes.

use specgate::parse::parse_yaml;
use specgate::tree::{Node, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("SPECGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    p.is_dir().then_some(p)
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            yaml_files(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("yaml") | Some("yml")
        ) {
            out.push(p);
        }
    }
}

/// Loads each file (one path a line on stdin) with PyYAML and prints, per
/// file, `ok<TAB>top<TAB>nodes` or `error<TAB>message`. Only the first
/// document counts (Specgate reads the first one). `top` is the number of
/// entries (or items) of the root collection, -1 for a scalar root; `nodes`
/// counts every node of the composed tree, aliases expanded (cut off at a
/// budget, like Specgate's).
const ORACLE: &str = r#"
import sys, yaml
Loader = getattr(yaml, 'CSafeLoader', None) or yaml.SafeLoader
from yaml.nodes import MappingNode, SequenceNode
BUDGET = 1000000
def count(root):
    n = 0
    stack = [root]
    while stack:
        x = stack.pop()
        n += 1
        if n > BUDGET:
            return -1
        if isinstance(x, MappingNode):
            for k, v in x.value:
                stack.append(v)
        elif isinstance(x, SequenceNode):
            stack.extend(x.value)
    return n
for p in sys.stdin.read().split('\n'):
    if not p:
        continue
    try:
        with open(p, 'rb') as f:
            data = f.read()
        loader = Loader(data)
        try:
            node = loader.get_node() if loader.check_node() else None
            # The document must also be constructible (as yaml.load does).
            if node is not None:
                loader.construct_document(node)
        finally:
            loader.dispose()
        if node is None:
            print('ok\t0\t0')
        elif isinstance(node, (MappingNode, SequenceNode)):
            print('ok\t%d\t%d' % (len(node.value), count(node)))
        else:
            print('ok\t-1\t%d' % count(node))
    except Exception as e:
        print('error\t' + ' '.join(str(e).split()))
    sys.stdout.flush()
"#;

enum Oracle {
    Ok { top: i64, nodes: i64 },
    Error,
}

fn pyyaml(files: &[PathBuf]) -> Option<Vec<Oracle>> {
    let probe = Command::new("python3")
        .args(["-c", "import yaml"])
        .stderr(Stdio::null())
        .status();
    match probe {
        Ok(s) if s.success() => {}
        _ => {
            eprintln!(
                "skipped: python3 with PyYAML is absent (`python3 -m pip install pyyaml`; .ci/run installs it)"
            );
            return None;
        }
    }
    let mut child = Command::new("python3")
        .args(["-c", ORACLE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let list: String = files.iter().map(|p| format!("{}\n", p.display())).collect();
    {
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(list.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().expect("python3 finishes");
    assert!(out.status.success(), "the PyYAML oracle failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), files.len(), "one oracle line per file");
    Some(
        lines
            .iter()
            .map(|l| {
                let mut f = l.split('\t');
                match f.next() {
                    Some("ok") => Oracle::Ok {
                        top: f.next().unwrap().parse().unwrap(),
                        nodes: f.next().unwrap().parse().unwrap(),
                    },
                    _ => Oracle::Error,
                }
            })
            .collect(),
    )
}

fn count(n: &Node) -> i64 {
    1 + match &n.value {
        Value::Map(es, _) => es.iter().map(|e| count(&e.value)).sum(),
        Value::Seq(xs, _) => xs.iter().map(count).sum(),
        _ => 0,
    }
}

fn line_col(text: &str, off: u32) -> (usize, usize) {
    let before = &text[..(off as usize).min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

#[test]
fn every_file_pyyaml_loads_is_read_completely() {
    let Some(root) = corpus() else {
        eprintln!("skipped: no corpus at ../shared/corpus (set SPECGATE_CORPUS to run it)");
        return;
    };
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    files.sort();
    assert!(!files.is_empty(), "the corpus has YAML files");
    let Some(oracle) = pyyaml(&files) else { return };
    let mut failures = Vec::new();
    let mut both_reject = 0;
    let mut warned = Vec::new();
    for (path, o) in files.iter().zip(&oracle) {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let doc = parse_yaml(&text);
        let rel = path.strip_prefix(&root).unwrap_or(path).display();
        let (top, nodes) = match o {
            Oracle::Error => {
                both_reject += usize::from(!doc.errors.is_empty());
                continue;
            }
            Oracle::Ok { top, nodes } => (*top, *nodes),
        };
        if let Some(e) = doc.errors.first() {
            let (l, c) = line_col(&text, e.span.start);
            failures.push(format!(
                "{rel}:{l}:{c}: syntax error PyYAML does not share: {} ({} in all)",
                e.message,
                doc.errors.len()
            ));
            continue;
        }
        if let Some(w) = doc.warnings.first() {
            let (l, c) = line_col(&text, w.span.start);
            warned.push(format!("{rel}:{l}:{c}: {}", w.message));
        }
        if doc.warnings.len() > 1 {
            failures.push(format!(
                "{rel}: {} warnings (at most one a file)",
                doc.warnings.len()
            ));
        }
        let (got_top, got_nodes) = match &doc.root {
            None => (0, 0),
            Some(n) => match &n.value {
                Value::Map(es, _) => (es.len() as i64, count(n)),
                Value::Seq(xs, _) => (xs.len() as i64, count(n)),
                Value::Missing if top == 0 => (0, 0),
                _ => (-1, count(n)),
            },
        };
        if got_top != top {
            failures.push(format!(
                "{rel}: {got_top} top-level entries, PyYAML reads {top}"
            ));
        } else if nodes >= 0 && got_nodes != nodes {
            failures.push(format!(
                "{rel}: {got_nodes} nodes in all, PyYAML reads {nodes}"
            ));
        }
    }
    for w in &warned {
        eprintln!("warning: {w}");
    }
    eprintln!(
        "{} YAML files; PyYAML rejects {} ({} of them rejected by Specgate too); {} read with a warning; {} read differently",
        files.len(),
        oracle
            .iter()
            .filter(|o| matches!(o, Oracle::Error))
            .count(),
        both_reject,
        warned.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "files PyYAML loads that Specgate does not read completely:\n{}",
        failures.join("\n")
    );
}
