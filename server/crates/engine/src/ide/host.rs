//! The state an editing session keeps from one change to the next (in the
//! manner of rust-analyzer's `AnalysisHost`): the current index (whose
//! per-file models and walk memos the next build reuses), the index before
//! it (whose YAML trees the next build recycles, see [`Reuse`]), and the
//! findings of the current one.
//!
//! The language server keeps one host for its lifetime; the CLI builds one
//! index and drops everything with it. Nothing else in the engine keeps
//! state between builds: other caches live inside an [`Index`] (big-map
//! lookups, API facts for fixes) and die with it.

use super::Analysis;
use crate::diag::{Diagnostic, FileId};
use crate::index::reuse::{Counts, Reuse};
use crate::index::Index;
use crate::workspace::Workspace;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct AnalysisHost {
    current: Option<Arc<Index>>,
    diags: Arc<Vec<Diagnostic>>,
    /// The index before `current`: its trees are spares for the next build.
    retired: Option<Arc<Index>>,
    reuse: Reuse,
}

/// Where the time of one [`AnalysisHost::apply`] went.
#[derive(Clone, Debug, Default)]
pub struct ApplyTimes {
    pub recycle: Duration,
    pub index: Duration,
    pub rules: Duration,
    /// How edited YAML files were read again.
    pub reread: Counts,
}

impl AnalysisHost {
    pub fn new() -> Self {
        Self::default()
    }

    /// Analyses `ws`, a new state of the workspace, reusing what the
    /// previous state computed. `open` are the files open in the editor:
    /// their trees are kept ready for re-reading the next edit.
    pub fn apply<'a>(
        &mut self,
        ws: Workspace,
        open: impl IntoIterator<Item = &'a FileId>,
    ) -> ApplyTimes {
        let t0 = Instant::now();
        if let Some(old) = self.retired.take() {
            self.reuse.retire(old);
        }
        let t1 = Instant::now();
        let index = Index::build_reusing(ws, self.current.as_deref(), &mut self.reuse);
        for f in open {
            self.reuse.prepare(f, &index);
        }
        let t2 = Instant::now();
        let diags = Analysis::check(&index);
        let t3 = Instant::now();
        self.retired = self.current.replace(Arc::new(index));
        crate::index::reuse::drop_later(std::mem::replace(&mut self.diags, Arc::new(diags)));
        ApplyTimes {
            recycle: t1 - t0,
            index: t2 - t1,
            rules: t3 - t2,
            reread: self.reuse.take_counts(),
        }
    }

    /// The current index, if any state was applied.
    pub fn index(&self) -> Option<&Arc<Index>> {
        self.current.as_ref()
    }

    /// The findings of the current index.
    pub fn diagnostics(&self) -> &Arc<Vec<Diagnostic>> {
        &self.diags
    }

    /// The engine's answers on the current state.
    pub fn analysis(&self) -> Option<Analysis<'_>> {
        Some(Analysis::new(self.current.as_deref()?, &self.diags))
    }
}
