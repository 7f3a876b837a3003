//! Results of a walk over a document, kept per subtree from one version of
//! a file to the next.
//!
//! The language server walks the whole edited document after every
//! keystroke: the `$ref` sites for the index, the OpenAPI object model for
//! `invalid-openapi`. On the Stripe spec those two walks were a quarter of
//! the CPU time of a typing session, though an edit changes one entry.
//!
//! So a walk records what it found under each big map entry (at least
//! [`MIN_BYTES`] of text) and, in the next version of the file, an entry
//! whose text is the same gives the same results without being walked.
//! Results are stored relative to the entry's start, and moved to where the
//! entry is now.
//!
//! That holds because what a walk finds under an entry depends only on the
//! entry's subtree and on what the walk brings from above (the `ctx` and
//! the depth, part of the [`Key`]); and the subtree depends only on the
//! entry's text and the column its key starts at, when
//! - the document has no syntax error (error recovery may look past an
//!   entry), and
//! - the entry has no YAML alias (it copies a node written elsewhere, whose
//!   text may have changed): no `*` where a node may start; JSON has none.
//!
//! Lookups compare the texts byte for byte: no hash decides equality.

use specgate_syntax::tree::Span;
use std::sync::Arc;

/// Entries shorter than this are walked again: cheaper than a lookup.
pub const MIN_BYTES: u32 = 512;

/// A result that can be moved with its entry.
pub trait Relocate: Clone {
    /// This result with every offset moved by `to - from`.
    fn relocate(&self, from: u32, to: u32) -> Self;
}

/// How a walk reached an entry, and the entry's shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    /// What the walk brings from above (the expected type, a flag).
    ctx: u64,
    depth: u32,
    /// Column of the key (bytes after the line start).
    col: u32,
    len: u32,
    /// Hash of the key's name, to keep candidate lists short.
    name: u64,
}

struct Stored<T> {
    start: u32,
    /// Relative to `start`.
    results: Arc<[T]>,
}

/// What one walk of one file recorded.
pub struct SubtreeMemo<T> {
    text: Arc<str>,
    entries: FastMap<Key, Vec<Stored<T>>>,
}

impl<T> std::fmt::Debug for SubtreeMemo<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SubtreeMemo({} keys)", self.entries.len())
    }
}

/// One walk: looks entries up in the previous walk's memo and records them
/// for the next one.
pub struct Pass<'a, T> {
    old: Option<&'a SubtreeMemo<T>>,
    text: &'a Arc<str>,
    /// Whether a `*` may be an alias (YAML).
    aliases: bool,
    next: FastMap<Key, Vec<Stored<T>>>,
    pub hits: u32,
}

/// `HashMap`s with a fast hash (rustc's FxHash): the memo's tables and
/// key lookups hash short names and small integers thousands of times a
/// keystroke, where SipHash (std's default) was 3% of the CPU time. Not for
/// untrusted keys in adversarial settings; here a collision costs only a
/// comparison.
pub type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// The fast hash of a string.
pub fn fast_hash(s: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(s)
}

impl<'a, T: Relocate + 'static> Pass<'a, T> {
    /// A walk of `text`, a document without syntax errors; `yaml` when `*`
    /// may be an alias.
    pub fn new(old: Option<&'a SubtreeMemo<T>>, text: &'a Arc<str>, yaml: bool) -> Self {
        Pass {
            // A memo of another text is as good: entries are compared.
            old,
            text,
            aliases: yaml,
            next: FastMap::default(),
            hits: 0,
        }
    }

    /// The key of an entry named `name` over `extent` (from its key to the
    /// end of its value), reached with `ctx` at `depth`; `None` when the
    /// entry is not worth remembering or cannot be.
    pub fn key(&self, ctx: u64, depth: u32, name: &str, extent: Span) -> Option<Key> {
        let len = extent.end.checked_sub(extent.start)?;
        if len < MIN_BYTES {
            return None;
        }
        let bytes = self.text.as_bytes();
        // In range, or nothing to remember.
        bytes.get(extent.start as usize..extent.end as usize)?;
        if self.aliases && has_alias(bytes, extent) {
            return None;
        }
        let line_start =
            memchr::memrchr(b'\n', &bytes[..extent.start as usize]).map_or(0, |i| i + 1);
        Some(Key {
            ctx,
            depth,
            col: extent.start - line_start as u32,
            len,
            name: fast_hash(name),
        })
    }

    /// What the previous walk found under an entry with this key and the
    /// same text, moved to `extent` (and kept for the next walk).
    pub fn get(&mut self, key: Key, extent: Span) -> Option<impl Iterator<Item = T> + 'static> {
        let old = self.old?;
        let want = &self.text.as_bytes()[extent.start as usize..extent.end as usize];
        let found = old.entries.get(&key)?.iter().find(|s| {
            old.text
                .as_bytes()
                .get(s.start as usize..s.start as usize + want.len())
                == Some(want)
        })?;
        let results = found.results.clone();
        self.hits += 1;
        self.next.entry(key).or_default().push(Stored {
            start: extent.start,
            results: results.clone(),
        });
        let at = extent.start;
        Some((0..results.len()).map(move |i| results[i].relocate(0, at)))
    }

    /// Records what the walk found under the entry at `extent`. `found`
    /// must lie inside it (else nothing is recorded).
    pub fn put(&mut self, key: Key, extent: Span, found: &[T], spans: impl Fn(&T) -> Span) {
        if found
            .iter()
            .any(|r| !(extent.start <= spans(r).start && spans(r).end <= extent.end))
        {
            return;
        }
        let results: Arc<[T]> = found.iter().map(|r| r.relocate(extent.start, 0)).collect();
        self.next.entry(key).or_default().push(Stored {
            start: extent.start,
            results,
        });
    }

    /// The memo of this walk, for the next version of the file.
    pub fn finish(self) -> SubtreeMemo<T> {
        SubtreeMemo {
            text: self.text.clone(),
            entries: self.next,
        }
    }
}

/// Whether a YAML alias may start inside `extent` of `text`: a `*` where a
/// node can start, after nothing but blanks since the start of the text, a
/// line, a `:`, `-`, `?`, `,`, `[` or `{`. Other `*`s (`sms_*_url`,
/// `**Note**`) are text. Over-approximated (a `*` after ` - ` inside a
/// plain scalar counts too): a false alarm only costs a walk.
fn has_alias(text: &[u8], extent: Span) -> bool {
    let body = &text[extent.start as usize..extent.end as usize];
    memchr::memchr_iter(b'*', body).any(|i| {
        let mut j = extent.start as usize + i;
        while j > 0 && matches!(text[j - 1], b' ' | b'\t') {
            j -= 1;
        }
        j == 0
            || matches!(
                text[j - 1],
                b'\n' | b'\r' | b':' | b'-' | b'?' | b',' | b'[' | b'{'
            )
    })
}

/// Moves a span by `to - from` (offsets stay within `u32`: files are
/// smaller than 4 GiB).
pub fn relocate_span(s: Span, from: u32, to: u32) -> Span {
    Span::new(s.start - from + to, s.end - from + to)
}

#[cfg(test)]
mod tests {
    use crate::index::reuse::Reuse;
    use crate::index::Index;
    use crate::workspace::Workspace;
    use specgate_syntax::parse::test_util::Rng;
    use std::sync::Arc;

    /// A spec whose schemas are big enough to be remembered, with `$ref`s,
    /// misfits (`minLength: -3`), an anchor and an alias of it.
    fn spec(n: usize) -> String {
        let mut s = String::from(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\ncomponents:\n  schemas:\n",
        );
        for i in 0..n {
            s.push_str(&format!("    S{i}:\n      type: object\n      description: Schema number {i}, with a description long enough to be worth remembering across versions of the file.\n      properties:\n"));
            for j in 0..4 {
                let min = if (i + j) % 5 == 0 { -3 } else { 3 };
                // An anchor on a property without `$ref`s: only its
                // text tells that the alias changed.
                let anchor = if i == 1 && j == 0 { " &base" } else { "" };
                s.push_str(&format!("        p{j}:{anchor}\n          type: string\n          minLength: {min}\n          description: Property {j} of schema {i}, see `p_*_url`.\n"));
            }
            s.push_str(&format!(
                "        next:\n          $ref: '#/components/schemas/S{}'\n",
                (i + 1) % n
            ));
            if i == 5 {
                s.push_str("        copy: *base\n");
            }
        }
        s
    }

    /// The JSON twin of [`spec`] (without the anchor and alias).
    fn spec_json(n: usize) -> String {
        let mut schemas = serde_json::Map::new();
        for i in 0..n {
            let mut props = serde_json::Map::new();
            for j in 0..4 {
                let min = if (i + j) % 5 == 0 { -3 } else { 3 };
                props.insert(format!("p{j}"), serde_json::json!({"type": "string", "minLength": min, "description": format!("Property {j} of schema {i}.")}));
            }
            props.insert(
                "next".into(),
                serde_json::json!({"$ref": format!("#/components/schemas/S{}", (i + 1) % n)}),
            );
            schemas.insert(format!("S{i}"), serde_json::json!({"type": "object", "description": format!("Schema number {i}, with a description long enough to be worth remembering across versions of the file."), "properties": props}));
        }
        let doc = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "T", "version": "1"},
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}},
            "components": {"schemas": schemas},
        });
        serde_json::to_string_pretty(&doc).unwrap()
    }

    /// One random edit: a character typed, a misfit made or fixed, a `$ref`
    /// retargeted, a line indented, or the anchored schema changed.
    fn edit(text: &str, rng: &mut Rng, yaml: bool) -> String {
        let mut t = text.to_string();
        let (three, minus) = if yaml {
            ("inLength: 3", "inLength: -3")
        } else {
            ("inLength\": 3", "inLength\": -3")
        };
        let pick = |t: &str, pat: &str, rng: &mut Rng| -> Option<usize> {
            let at: Vec<usize> = t.match_indices(pat).map(|(i, _)| i).collect();
            (!at.is_empty()).then(|| at[rng.below(at.len())])
        };
        match rng.below(6) {
            0 => {
                if let Some(i) = pick(&t, "Property ", rng) {
                    t.insert(i + 9, 'x');
                }
            }
            1 => {
                if let Some(i) = pick(&t, three, rng) {
                    t.replace_range(i + three.len() - 1..i + three.len(), "-3");
                }
            }
            2 => {
                if let Some(i) = pick(&t, minus, rng) {
                    t.replace_range(i + minus.len() - 2..i + minus.len(), "3");
                }
            }
            3 => {
                if let Some(i) = pick(&t, "schemas/S", rng) {
                    t.insert(i + 9, '9');
                }
            }
            4 => {
                if let Some(i) = pick(&t, "\n          ", rng) {
                    t.insert(i + 1, ' ');
                }
            }
            _ => {
                // Inside the anchored schema: its alias must follow.
                if let (true, Some(i)) = (yaml, t.find("p0: &base\n")) {
                    let at = i + "p0: &base\n".len();
                    // A `$ref` and a misfit that the alias copies too.
                    let line = "          items: {$ref: '#/components/schemas/S2', minLength: x}\n";
                    if t[at..].starts_with(line) {
                        t.replace_range(at..at + line.len(), "");
                    } else {
                        t.insert_str(at, line);
                    }
                }
            }
        }
        t
    }

    /// A `*` where a node may start is an alias; elsewhere it is text.
    #[test]
    fn aliases_are_told_from_stars_in_text() {
        let alias = |t: &str| {
            super::has_alias(
                t.as_bytes(),
                specgate_syntax::tree::Span::new(0, t.len() as u32),
            )
        };
        for t in [
            "a: *x",
            "a:\n  *x",
            "- *x",
            "[a, *x]",
            "{a: *x}",
            "? *x",
            "*x: 1",
            "a:\t*x",
            "a: 1 - *x",
        ] {
            assert!(alias(t), "{t:?}");
        }
        for t in [
            "a: sms_*_url",
            "a: '**Note**'",
            "a: b*c",
            "a: |\n  x*y",
            "a: 2*3",
        ] {
            assert!(!alias(t), "{t:?}");
        }
    }

    /// Every version of the file gives, with the memos of the previous
    /// versions, the findings and `$ref`s of a build from scratch; and
    /// entries were taken from the memos.
    #[test]
    fn memoized_walks_equal_fresh_ones() {
        for (yaml, file) in [(true, "api.yaml"), (false, "api.json")] {
            let mut text = if yaml { spec(24) } else { spec_json(24) };
            let mut rng = Rng(if yaml { 11 } else { 12 });
            let mut reuse = Reuse::new();
            let mut ws = Workspace::from_files([(file, text.as_str())]);
            let mut prev = Arc::new(Index::build_reusing(ws.clone(), None, &mut reuse));
            crate::rules::check(&prev);
            let mut hits = 0;
            for step in 0..60 {
                text = edit(&text, &mut rng, yaml);
                ws.insert(file, text.clone());
                let next = Arc::new(Index::build_reusing(ws.clone(), Some(&prev), &mut reuse));
                let got = crate::rules::check(&next);
                let fresh = Index::build(ws.clone(), None);
                let want = crate::rules::check(&fresh);
                assert_eq!(got, want, "{file}, edit {step}: findings differ");
                let sites =
                    |i: &Index| -> Vec<_> { i.refs.iter().map(|r| r.site.clone()).collect() };
                assert_eq!(
                    sites(&next),
                    sites(&fresh),
                    "{file}, edit {step}: $refs differ"
                );
                hits += next.memo.lock().unwrap().hits;
                prev = next;
            }
            assert!(
                hits > 1000,
                "{file}: only {hits} entries came from the memos"
            );
        }
    }
}
