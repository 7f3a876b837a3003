//! Micro-benchmarks of the hot paths (divan):
//!
//! - the located-tree build: `parse_yaml` on the Stripe YAML, `parse_json`
//!   on the GitHub JSON;
//! - the rule pass `rules::check` on an index of each, and the
//!   `invalid-openapi` walk (`model::oas30::misfits`) alone;
//! - an incremental `Index::build(ws, Some(&prev))` after one file changed
//!   (one character appended to a description): the work of one keystroke;
//! - a whole `Index::build` from scratch, for comparison.
//!
//!     cargo bench -p specgate --bench engine
//!
//! The inputs come from `../shared/corpus` (or `SPECGATE_CORPUS`); when it is
//! absent the example workspace `examples/clinic` stands in, and the names
//! say which was used.

use specgate::index::Index;
use specgate::workspace::Workspace;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn corpus() -> Option<PathBuf> {
    let p = std::env::var_os("SPECGATE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    p.is_dir().then_some(p)
}

/// Values built once per corpus path and kept for the whole run.
type Cache<T> = OnceLock<std::sync::Mutex<Vec<(String, &'static T)>>>;

/// (file name, text) of the input of a benchmark: a corpus file, or the
/// clinic example's root spec when the corpus is absent.
fn input(corpus_rel: &str) -> &'static (String, String) {
    static CACHE: Cache<(String, String)> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut c = cache.lock().unwrap();
    if let Some((_, v)) = c.iter().find(|(k, _)| k == corpus_rel) {
        return v;
    }
    let v: &'static (String, String) = Box::leak(Box::new(match corpus() {
        Some(root) => {
            let p = root.join(corpus_rel);
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).expect("corpus file"),
            )
        }
        None => {
            eprintln!("engine bench: no corpus; using examples/clinic/api/openapi.yaml");
            let p =
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/clinic/api/openapi.yaml");
            let name = if corpus_rel.ends_with(".json") {
                "clinic.json"
            } else {
                "openapi.yaml"
            };
            (name.to_string(), std::fs::read_to_string(p).unwrap())
        }
    }));
    c.push((corpus_rel.to_string(), v));
    v
}

const STRIPE: &str = "large/stripe-spec3-2023-09-12.yaml";
const GITHUB: &str = "large/github-api.github.com-octokit-2022-07-15.json";
const TWILIO: &str = "large/twilio_api_v2010.yaml";

fn index_of(rel: &str) -> &'static Index {
    static CACHE: Cache<Index> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut c = cache.lock().unwrap();
    if let Some((_, v)) = c.iter().find(|(k, _)| k == rel) {
        return v;
    }
    let (name, text) = input(rel);
    let idx: &'static Index = Box::leak(Box::new(Index::build(
        Workspace::from_files([(name.as_str(), text.as_str())]),
        None,
    )));
    c.push((rel.to_string(), idx));
    idx
}

#[divan::bench(args = [STRIPE, TWILIO])]
fn parse_yaml(bencher: divan::Bencher, rel: &str) {
    let (_, text) = input(rel);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| specgate::parse::parse_yaml(divan::black_box(text)));
}

#[divan::bench(args = [GITHUB])]
fn parse_json(bencher: divan::Bencher, rel: &str) {
    let (_, text) = input(rel);
    bencher
        .counter(divan::counter::BytesCount::new(text.len()))
        .bench(|| specgate::parse::parse_json(divan::black_box(text)));
}

#[divan::bench(args = [STRIPE, GITHUB, TWILIO])]
fn rules_check(bencher: divan::Bencher, rel: &str) {
    let index = index_of(rel);
    bencher.bench(|| specgate::rules::check(divan::black_box(index)));
}

/// The `invalid-openapi` walk alone (`model::oas30::misfits`) on the root
/// document.
#[divan::bench(args = [STRIPE, GITHUB, TWILIO])]
fn oas30_misfits(bencher: divan::Bencher, rel: &str) {
    let (name, _) = input(rel);
    let root = index_of(rel)
        .doc(name)
        .and_then(|d| d.root.as_ref())
        .expect("the input parses");
    bencher.bench(|| specgate::model::oas30::misfits(divan::black_box(root)));
}

#[divan::bench(args = [STRIPE, GITHUB, TWILIO], sample_count = 20)]
fn index_build_fresh(bencher: divan::Bencher, rel: &str) {
    let (name, text) = input(rel);
    let ws = Workspace::from_files([(name.as_str(), text.as_str())]);
    bencher
        .with_inputs(|| ws.clone())
        .bench_values(|ws| Index::build(ws, None));
}

/// One keystroke: the previous index is kept, one file gets a new text (one
/// character more in the middle), and the index is rebuilt incrementally,
/// then checked (what the LSP does per edit).
#[divan::bench(args = [STRIPE, GITHUB, TWILIO], sample_count = 20)]
fn keystroke_build_and_check(bencher: divan::Bencher, rel: &str) {
    let (name, text) = input(rel);
    let prev = index_of(rel);
    let mid = specgate::text::floor_char_boundary(text, text.len() / 2);
    let edited = format!("{}x{}", &text[..mid], &text[mid..]);
    bencher
        .with_inputs(|| {
            let mut ws = prev.ws.clone();
            ws.insert(name, edited.clone());
            ws
        })
        .bench_values(|ws| {
            let index = Index::build(ws, Some(prev));
            specgate::rules::check(&index).len()
        });
}

/// A multi-file workspace (the clinic example) after one path file changed:
/// only that file is re-parsed.
#[divan::bench(sample_count = 50)]
fn keystroke_multifile_clinic(bencher: divan::Bencher) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/clinic");
    let ws = Workspace::load(&root, None).expect("examples/clinic");
    let prev = Index::build(ws.clone(), None);
    let file = "api/paths/appointments.yaml";
    let edited = format!("{}\n# x\n", ws.files[file].text);
    bencher
        .with_inputs(|| {
            let mut ws = prev.ws.clone();
            ws.insert(file, edited.clone());
            ws
        })
        .bench_values(|ws| {
            let index = Index::build(ws, Some(&prev));
            specgate::rules::check(&index).len()
        });
}

/// The fixed cost of a workspace with the default config (ID regex, globs).
#[divan::bench]
fn workspace_new_default_config() -> Workspace {
    Workspace::new(PathBuf::from("/w"), None)
}

/// A copy of the located tree: what keeping the previous index intact
/// while updating the edited file's tree would cost.
#[divan::bench(args = [STRIPE, TWILIO], sample_count = 20)]
fn document_clone(bencher: divan::Bencher, rel: &str) {
    let (_, text) = input(rel);
    let doc = specgate::parse::parse_yaml(text);
    bencher.bench(|| divan::black_box(&doc).clone());
}

/// One character typed in a description in the middle of the file:
/// `parse_yaml_incremental` from the previous parse (the copy of the
/// previous parse is made outside the timing).
#[divan::bench(args = [STRIPE, TWILIO], sample_count = 20)]
fn parse_yaml_incremental_keystroke(bencher: divan::Bencher, rel: &str) {
    let (_, text) = input(rel);
    let prev = specgate::parse::ParsedYaml::new(text);
    let mid = text.len() / 2;
    let at = text[mid..]
        .find("description: ")
        .map(|i| mid + i + "description: ".len() + 1)
        .unwrap_or(mid);
    let mut edited = text.clone();
    edited.insert(at, 'x');
    bencher
        .with_inputs(|| prev.clone())
        .bench_values(|p| specgate::parse::parse_yaml_incremental(p, &edited));
}

/// Keystrokes as the language server sees them: one character typed or
/// deleted in a description in the middle of the file, each round building
/// the index with [`Reuse`] (the edited file's tree recycled from two
/// rounds back, as `specgate lsp` does) and running the rules.
///
/// [`Reuse`]: specgate::index::reuse::Reuse
#[divan::bench(args = [STRIPE, TWILIO], sample_count = 40)]
fn keystroke_session(bencher: divan::Bencher, rel: &str) {
    keystroke_rounds(bencher, rel, true);
}

/// [`keystroke_session`] without the rules: the index update alone.
#[divan::bench(args = [STRIPE, TWILIO], sample_count = 40)]
fn keystroke_session_index_only(bencher: divan::Bencher, rel: &str) {
    keystroke_rounds(bencher, rel, false);
}

fn keystroke_rounds(bencher: divan::Bencher, rel: &str, rules: bool) {
    use specgate::index::reuse::Reuse;
    use std::sync::Arc;
    let (name, text) = input(rel);
    let mid = specgate::text::floor_char_boundary(text, text.len() / 2);
    let at = text[mid..]
        .find("description: ")
        .map(|i| mid + i + "description: ".len())
        .unwrap_or(mid);
    let mut reuse = Reuse::new();
    let mut ws = Workspace::from_files([(name.as_str(), text.as_str())]);
    let mut prev = Arc::new(Index::build_reusing(ws.clone(), None, &mut reuse));
    let mut retired: Option<Arc<Index>> = None;
    let mut k = 0usize;
    bencher.bench_local(|| {
        k += 1;
        let t = if k % 2 == 1 {
            format!("{}x{}", &text[..at], &text[at..])
        } else {
            text.clone()
        };
        ws.insert(name, t);
        if let Some(old) = retired.take() {
            reuse.retire(old);
        }
        let next = Arc::new(Index::build_reusing(ws.clone(), Some(&prev), &mut reuse));
        let n = if rules {
            specgate::rules::check(&next).len()
        } else {
            0
        };
        retired = Some(std::mem::replace(&mut prev, next));
        n
    });
}
