//! Memoized per-API facts for fixes (what the API uses for errors, its
//! pagination style…): fix-all asks for the fixes of thousands of findings
//! of one index, and each would otherwise walk every operation again.
//!
//! An entry is keyed by the API root and the exact source texts of the
//! API's files (the cache holds them, so a text it compares by address
//! cannot be freed and replaced while it is cached).

use crate::index::{Api, Index};
use crate::workspace::SourceFile;
use std::any::Any;
use std::sync::{Arc, Mutex};

struct Entry {
    kind: &'static str,
    key: String,
    root: String,
    sources: Vec<Arc<SourceFile>>,
    config: Arc<crate::config::Config>,
    value: Arc<dyn Any + Send + Sync>,
}

static CACHE: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
const MAX_ENTRIES: usize = 64;

fn sources(index: &Index, api: &Api) -> Vec<Arc<SourceFile>> {
    api.files
        .iter()
        .filter_map(|f| index.source(f).cloned())
        .collect()
}

/// `f(index, api)`, computed once per kind, API and file contents.
pub fn memo<T: Any + Send + Sync>(
    index: &Index,
    api: &Api,
    kind: &'static str,
    f: impl FnOnce(&Index, &Api) -> T,
) -> Arc<T> {
    memo_keyed(index, api, kind, "", f)
}

/// [`memo`] with a further key (a file of the API, say).
pub fn memo_keyed<T: Any + Send + Sync>(
    index: &Index,
    api: &Api,
    kind: &'static str,
    key: &str,
    f: impl FnOnce(&Index, &Api) -> T,
) -> Arc<T> {
    let srcs = sources(index, api);
    let config = index.ws.config.clone();
    let same = |e: &Entry| {
        e.kind == kind
            && e.key == key
            && e.root == *api.root
            && Arc::ptr_eq(&e.config, &config)
            && e.sources.len() == srcs.len()
            && e.sources.iter().zip(&srcs).all(|(a, b)| Arc::ptr_eq(a, b))
    };
    if let Ok(c) = CACHE.lock() {
        if let Some(e) = c.iter().find(|e| same(e)) {
            if let Ok(v) = e.value.clone().downcast::<T>() {
                return v;
            }
        }
    }
    let v = Arc::new(f(index, api));
    if let Ok(mut c) = CACHE.lock() {
        c.retain(|e| !(e.kind == kind && e.key == key && e.root == *api.root));
        if c.len() >= MAX_ENTRIES {
            c.remove(0);
        }
        c.push(Entry {
            kind,
            key: key.to_string(),
            root: api.root.to_string(),
            sources: srcs,
            config,
            value: v.clone(),
        });
    }
    v
}
