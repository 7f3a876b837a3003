//! Facts about an API that fixes ask for over and over (its response
//! catalog, its pagination style, how a file is written): fix-all asks for
//! the fixes of thousands of findings of one index, and each would
//! otherwise walk every operation again.
//!
//! They are computed on first use and kept with the [`Index`] they were
//! computed from: a new text is a new index, so nothing here can be stale,
//! and nothing outlives the index (no process-wide cache).

use super::{Api, Index};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Key = (&'static str, String, String);

#[derive(Default)]
pub(crate) struct Facts {
    map: Mutex<HashMap<Key, Arc<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Facts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Facts")
    }
}

impl Index {
    /// `f(self, api)`, computed once per kind and API.
    pub fn api_fact<T: Any + Send + Sync>(
        &self,
        api: &Api,
        kind: &'static str,
        f: impl FnOnce(&Index, &Api) -> T,
    ) -> Arc<T> {
        self.api_fact_keyed(api, kind, "", f)
    }

    /// [`Index::api_fact`] with a further key (a file of the API, say).
    pub fn api_fact_keyed<T: Any + Send + Sync>(
        &self,
        api: &Api,
        kind: &'static str,
        key: &str,
        f: impl FnOnce(&Index, &Api) -> T,
    ) -> Arc<T> {
        let k: Key = (kind, key.to_string(), api.root.to_string());
        let lock = || self.facts.map.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(v) = lock().get(&k) {
            if let Ok(v) = v.clone().downcast::<T>() {
                return v;
            }
        }
        // Computed without the lock: `f` may ask for other facts.
        let v = Arc::new(f(self, api));
        lock().insert(k, v.clone());
        v
    }
}
