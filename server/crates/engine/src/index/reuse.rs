//! Re-reading only what an edit touched, across index builds.
//!
//! [`Index::build`] keeps the parse of every file whose text did not change.
//! The file being edited changes on every keystroke, and reading a 4 MB YAML
//! file again costs tens of milliseconds. [`parse_yaml_incremental`] re-reads
//! only the chunk an edit touched, but it needs the previous tree by value,
//! and that tree lives in the previous index, which request handlers may
//! still be reading.
//!
//! So the trees are recycled: each build lends its YAML documents to the new
//! index and keeps the rest of their parse state ([`YamlState`]) here. When
//! an older index is no longer used by anyone ([`Reuse::retire`]), its
//! documents come back and become spares. The next build updates the spare
//! of the edited file (two versions back: the diff between the two texts
//! covers both edits) instead of reading the file again. When there is no
//! spare yet, the current index's tree is copied, which still costs less
//! than a full read.
//!
//! [`parse_yaml_incremental`]: specgate_syntax::parse::parse_yaml_incremental

use crate::diag::FileId;
use crate::index::{FileData, Index, Parsed};
use specgate_syntax::parse::{ParsedYaml, YamlState};
use std::collections::HashMap;
use std::sync::Arc;

/// Files smaller than this are read in full: under a millisecond, and no
/// copy of their text is kept.
pub const MIN_BYTES: usize = 64 << 10;

/// How many lent states to keep per file: the current index's, the
/// previous one's, and one more for an index a request still held.
const MAX_LENT: usize = 3;

/// Parse states kept between builds (see the module documentation).
#[derive(Debug, Default)]
pub struct Reuse {
    /// States whose document is owned here: no index holds it.
    spare: HashMap<FileId, ParsedYaml>,
    /// States whose document lives in an index, with the address of the
    /// `Arc<Parsed>` that holds it (checked against the text when used).
    lent: HashMap<FileId, Vec<(usize, YamlState)>>,
    /// How the re-reads started, since the last [`Reuse::take_counts`].
    counts: Counts,
}

/// How many re-reads started from a spare, from a copy of the previous
/// tree, or from nothing (a full read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub spare: u32,
    pub copy: u32,
    pub full: u32,
}

fn key(parsed: &Arc<Parsed>) -> usize {
    Arc::as_ptr(parsed) as usize
}

impl Reuse {
    pub fn new() -> Reuse {
        Reuse::default()
    }

    /// Takes back the documents of an index nobody else holds. An index a
    /// request still reads is simply dropped (its trees are freed when the
    /// request ends).
    pub fn retire(&mut self, old: Arc<Index>) {
        let Ok(mut old) = Arc::try_unwrap(old) else {
            return;
        };
        let files = std::mem::take(&mut old.files);
        // The rest (every `$ref`, operation and map of a big workspace) is
        // freed on another thread, off the next keystroke's path.
        drop_later(old);
        for (id, fd) in files {
            let Some(states) = self.lent.get_mut(&id) else {
                continue;
            };
            let k = key(&fd.parsed);
            let Some(pos) = states.iter().position(|(p, _)| *p == k) else {
                continue;
            };
            // Still shared with a newer index: it stays lent.
            let Ok(parsed) = Arc::try_unwrap(fd.parsed) else {
                continue;
            };
            let (_, state) = states.remove(pos);
            if let Parsed::Structured(doc, _) = parsed {
                if state.text() == &*fd.source.text {
                    self.spare.insert(id, ParsedYaml::join(state, doc));
                }
            }
        }
    }

    /// Where to start re-reading `id`, whose previous parse is `prev`: the
    /// spare, or else a copy of the previous tree.
    pub(crate) fn start(&mut self, id: &FileId, prev: Option<&FileData>) -> Option<ParsedYaml> {
        if let Some(s) = self.spare.remove(id) {
            self.counts.spare += 1;
            return Some(s);
        }
        let copy = self.copy_of(id, prev);
        if copy.is_some() {
            self.counts.copy += 1;
        } else {
            self.counts.full += 1;
        }
        copy
    }

    fn copy_of(&self, id: &FileId, prev: Option<&FileData>) -> Option<ParsedYaml> {
        let fd = prev?;
        let k = key(&fd.parsed);
        let (_, state) = self.lent.get(id)?.iter().find(|(p, _)| *p == k)?;
        match &*fd.parsed {
            Parsed::Structured(doc, _) if state.text() == &*fd.source.text => {
                Some(ParsedYaml::join(state.clone(), doc.clone()))
            }
            _ => None,
        }
    }

    /// Gets a spare ready for the next edit of `id` (a file open in an
    /// editor) when none will come back by then: after the file was opened
    /// or read in full, only the current index holds its tree. Costs one
    /// copy of the tree now, in the round that opened the file, rather than
    /// in the first keystroke's.
    pub fn prepare(&mut self, id: &FileId, index: &Index) {
        if self.spare.contains_key(id) {
            return;
        }
        // Two lent trees: the older one comes back at the next retire.
        if self.lent.get(id).is_none_or(|v| v.len() >= 2) {
            return;
        }
        if let Some(s) = self.copy_of(id, index.files.get(id)) {
            self.spare.insert(id.clone(), s);
        }
    }

    /// How re-reads started since the last call (for logs and tests).
    pub fn take_counts(&mut self) -> Counts {
        std::mem::take(&mut self.counts)
    }

    /// Records that `parsed` (in a new index) holds the document of `state`.
    pub(crate) fn lend(&mut self, id: &FileId, parsed: &Arc<Parsed>, state: YamlState) {
        let v = self.lent.entry(id.clone()).or_default();
        v.push((key(parsed), state));
        if v.len() > MAX_LENT {
            v.remove(0);
        }
    }

    /// Forgets files that are no longer in the workspace.
    pub(crate) fn keep_only(&mut self, index: &Index) {
        self.spare.retain(|id, _| index.files.contains_key(id));
        self.lent.retain(|id, _| index.files.contains_key(id));
    }

    /// How many spare trees are held (for tests).
    pub fn spares(&self) -> usize {
        self.spare.len()
    }
}

/// Drops `x` on a background thread: freeing a large index or list of
/// findings node by node costs a millisecond or more, which a keystroke's
/// round need not wait for. Without the thread (it could not be started),
/// drops here.
pub(crate) fn drop_later<T: Send + 'static>(x: T) {
    type Garbage = Box<dyn Send>;
    static TX: std::sync::OnceLock<Option<std::sync::Mutex<std::sync::mpsc::Sender<Garbage>>>> =
        std::sync::OnceLock::new();
    let tx = TX.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Garbage>();
        std::thread::Builder::new()
            .name("specgate-drop".into())
            .spawn(move || rx.into_iter().for_each(drop))
            .ok()
            .map(|_| std::sync::Mutex::new(tx))
    });
    let Some(tx) = tx else { return };
    let tx = tx.lock().unwrap_or_else(|e| e.into_inner());
    // A send fails only when the thread is gone: then it is dropped here.
    let _ = tx.send(Box::new(x));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;

    /// A spec above [`MIN_BYTES`], so that it is read incrementally.
    fn big_spec() -> String {
        let mut s = String::from("openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths:\n");
        let mut i = 0;
        while s.len() < MIN_BYTES + 4096 {
            s.push_str(&format!(
                "  /things{i}:\n    get:\n      summary: Thing {i}\n      description: Returns thing {i}.\n      responses:\n        '200':\n          description: ok\n"
            ));
            i += 1;
        }
        s
    }

    fn doc_of<'a>(index: &'a Index, file: &str) -> &'a specgate_syntax::tree::Document {
        match index.parsed(file) {
            Some(Parsed::Structured(doc, _)) => doc,
            other => panic!("not structured: {other:?}"),
        }
    }

    /// A deterministic mix of edits: characters typed in descriptions,
    /// deletions, new lines, a broken quote and its repair.
    fn edit(text: &str, k: usize) -> String {
        let anchors: Vec<usize> = text
            .match_indices("description: ")
            .map(|(i, _)| i)
            .collect();
        let at = anchors[(k * 7919) % anchors.len()] + "description: ".len();
        let mut t = text.to_string();
        match k % 5 {
            0 | 1 => t.insert(at, 'x'),
            2 => {
                t.remove(at);
            }
            3 => t.insert_str(at, "'half"),
            _ => {
                if let Some(q) = t.find("'half") {
                    t.replace_range(q..q + 5, "");
                }
            }
        }
        t
    }

    #[test]
    fn recycled_trees_give_the_same_documents_as_a_full_read() {
        let mut text = big_spec();
        let mut reuse = Reuse::new();
        let mut ws = Workspace::from_files([("openapi.yaml", text.as_str())]);
        let mut prev = Arc::new(Index::build_reusing(ws.clone(), None, &mut reuse));
        let mut retired: Option<Arc<Index>> = None;
        let mut spares_used = 0;
        for k in 0..40 {
            text = edit(&text, k);
            ws.insert("openapi.yaml", text.clone());
            if let Some(old) = retired.take() {
                reuse.retire(old);
            }
            spares_used += reuse.spares();
            let next = Arc::new(Index::build_reusing(ws.clone(), Some(&prev), &mut reuse));
            let full = specgate_syntax::parse::parse_yaml(&text);
            let got = doc_of(&next, "openapi.yaml");
            assert_eq!(got.root, full.root, "edit {k}: tree differs");
            assert_eq!(got.errors, full.errors, "edit {k}: errors differ");
            assert_eq!(got.comments, full.comments, "edit {k}: comments differ");
            retired = Some(std::mem::replace(&mut prev, next));
        }
        // From the second edit on, the edited file's tree comes back as a
        // spare: no copy and no full read.
        assert!(spares_used >= 38, "spares used: {spares_used}");
    }

    #[test]
    fn a_prepared_spare_serves_the_first_edit() {
        let text = big_spec();
        let mut reuse = Reuse::new();
        let mut ws = Workspace::from_files([("openapi.yaml", text.as_str())]);
        let first = Index::build_reusing(ws.clone(), None, &mut reuse);
        reuse.prepare(&"openapi.yaml".into(), &first);
        assert_eq!(reuse.spares(), 1);
        reuse.take_counts();
        let edited = edit(&text, 0);
        ws.insert("openapi.yaml", edited.clone());
        let second = Index::build_reusing(ws, Some(&first), &mut reuse);
        assert_eq!(reuse.take_counts().spare, 1);
        assert_eq!(
            doc_of(&second, "openapi.yaml").root,
            specgate_syntax::parse::parse_yaml(&edited).root
        );
        // Typing on: two trees are lent, so no copy is made.
        reuse.prepare(&"openapi.yaml".into(), &second);
        assert_eq!(reuse.spares(), 0);
    }

    #[test]
    fn an_index_still_in_use_is_not_taken_apart() {
        let text = big_spec();
        let mut reuse = Reuse::new();
        let mut ws = Workspace::from_files([("openapi.yaml", text.as_str())]);
        let first = Arc::new(Index::build_reusing(ws.clone(), None, &mut reuse));
        ws.insert("openapi.yaml", edit(&text, 0));
        let second = Arc::new(Index::build_reusing(ws.clone(), Some(&first), &mut reuse));
        let reader = first.clone(); // a request still reading it
        reuse.retire(first);
        assert_eq!(reuse.spares(), 0);
        assert_eq!(
            doc_of(&reader, "openapi.yaml").root,
            specgate_syntax::parse::parse_yaml(&text).root
        );
        drop(second);
    }

    #[test]
    fn small_and_json_files_keep_no_state() {
        let mut reuse = Reuse::new();
        let big_json = format!(
            "{{\"openapi\": \"3.0.3\", \"paths\": {{}}}}{}",
            " ".repeat(MIN_BYTES)
        );
        let ws = Workspace::from_files([
            ("small.yaml", "openapi: 3.0.3\npaths: {}\n"),
            ("big.json", big_json.as_str()),
        ]);
        let _ = Index::build_reusing(ws, None, &mut reuse);
        assert!(reuse.lent.is_empty() && reuse.spare.is_empty());
    }
}
