//! IDE features computed on the engine's data: findings, fixes, fix-all,
//! definition, references, hover, completion, rename, symbols, code lenses
//! and the inventory, all reached through one [`Analysis`] value.
//!
//! Everything here speaks the engine's language: files are [`FileId`]s,
//! positions are byte offsets and ranges are byte [`Span`]s into the text the
//! [`Index`] was built from. The language server converts positions with
//! [`specgate_syntax::text`] and wraps the results in LSP types; nothing here
//! knows LSP. Fixture tests: `tests.rs` (a workspace written inline, a `$0`
//! cursor, the expected result next to it).

mod completion;
mod host;
mod hover;
mod nav;
mod symbols;
#[cfg(test)]
mod tests;

pub use completion::{completion, Completion, CompletionKind};
pub use host::{AnalysisHost, ApplyTimes};
pub use hover::{hover, Hover};
pub use nav::{definition, prepare_rename, references, rename};
pub use symbols::{
    code_lenses, document_symbols, workspace_symbols, CodeLens, Symbol, SymbolKind, WorkspaceSymbol,
};

use crate::diag::{Diagnostic, FileId, Fix, Location, TextEdit};
use crate::index::{Index, Parsed, ReqKey, Resolution};
use crate::model::dictionary::{Attribute, Entity};
use crate::model::openapi::Operation;
use crate::model::prd::find_mentions;
use specgate_syntax::tree::{Node, Span};

/// What an editor can ask of one state of the workspace: the one way in
/// for the language server. It borrows the [`Index`] (and the findings of
/// that index, computed once by whoever holds it) and answers with plain
/// offsets and plain structs.
#[derive(Clone, Copy)]
pub struct Analysis<'a> {
    index: &'a Index,
    diags: &'a [Diagnostic],
}

impl<'a> Analysis<'a> {
    /// `diags` must be `rules::check(index)` (see [`Analysis::check`]).
    pub fn new(index: &'a Index, diags: &'a [Diagnostic]) -> Self {
        Analysis { index, diags }
    }

    /// Every finding of the workspace, sorted, suppressed and baselined
    /// ones marked (`triage`): what `Analysis::new` takes.
    pub fn check(index: &Index) -> Vec<Diagnostic> {
        crate::triage::check(index)
    }

    pub fn index(&self) -> &'a Index {
        self.index
    }

    /// Every finding, in the order `check` returned them.
    pub fn diagnostics(&self) -> &'a [Diagnostic] {
        self.diags
    }

    /// The fixes of one finding (quick fixes), safe ones first as the rule
    /// lists them.
    pub fn fixes(&self, d: &Diagnostic) -> Vec<Fix> {
        crate::rules::fixes(self.index, d)
    }

    /// The findings of `file` whose range touches `span`, with their fixes
    /// (the editor's code actions for a selection).
    pub fn fixes_at(&self, file: &str, span: Span) -> Vec<(&'a Diagnostic, Vec<Fix>)> {
        self.diags
            .iter()
            .filter(|d| {
                &*d.location.file == file
                    && d.location.span.start <= span.end
                    && span.start <= d.location.span.end
            })
            .map(|d| (d, self.fixes(d)))
            .collect()
    }

    /// "Ignore CODE here": a suppression where the finding is (never
    /// preferred; see `triage::suppress::ignore_fix`).
    pub fn ignore_fix(&self, d: &Diagnostic) -> Option<Fix> {
        crate::suppress::ignore_fix(self.index, d)
    }

    /// The editor's `source.fixAll`: see [`fix_all`].
    pub fn fix_all(&self, file: &str) -> Vec<TextEdit> {
        fix_all(self.index, self.diags, file)
    }

    pub fn hover(&self, file: &str, offset: u32) -> Option<Hover> {
        hover(self.index, file, offset)
    }

    pub fn definition(&self, file: &str, offset: u32) -> Vec<Location> {
        definition(self.index, file, offset)
    }

    pub fn references(&self, file: &str, offset: u32, include_decl: bool) -> Vec<Location> {
        references(self.index, file, offset, include_decl)
    }

    pub fn completion(&self, file: &str, offset: u32) -> Vec<Completion> {
        completion(self.index, file, offset)
    }

    pub fn prepare_rename(&self, file: &str, offset: u32) -> Option<(Span, String)> {
        prepare_rename(self.index, file, offset)
    }

    pub fn rename(&self, file: &str, offset: u32, new_name: &str) -> Result<Vec<TextEdit>, String> {
        rename(self.index, file, offset, new_name)
    }

    pub fn document_symbols(&self, file: &str) -> Vec<Symbol> {
        document_symbols(self.index, file)
    }

    pub fn workspace_symbols(&self, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
        workspace_symbols(self.index, query, limit)
    }

    pub fn code_lenses(&self, file: &str) -> Vec<CodeLens> {
        code_lenses(self.index, file)
    }

    /// The endpoint inventory (Markdown), as `specgate inventory` prints it.
    pub fn inventory_markdown(&self) -> String {
        crate::inventory::build(self.index, None).to_markdown()
    }

    /// Where a rule's documentation is (`codeDescription`).
    pub fn doc_url(code: &str) -> String {
        crate::rules::doc_url(code)
    }
}

/// The requirement ID written at `offset` in `file` (a mention or a
/// definition), with its span. Works in any kind of file: the ID pattern of
/// the config is matched on the line around the offset.
pub fn id_at(index: &Index, file: &str, offset: u32) -> Option<(String, Span)> {
    let text = index.text(file);
    let off = specgate_syntax::text::floor_char_boundary(text, offset as usize);
    let start = text[..off].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let end = text[off..]
        .find(['\n', '\r'])
        .map_or(text.len(), |i| off + i);
    let line = &text[start..end];
    find_mentions(line, &index.config().id_regex)
        .into_iter()
        .map(|m| {
            let s = Span::new(m.span.start + start as u32, m.span.end + start as u32);
            (m.id, s)
        })
        .find(|(_, s)| s.contains(offset))
}

/// The requirement definition written at `offset`, if the cursor is on one.
fn definition_at(index: &Index, file: &str, offset: u32) -> Option<ReqKey> {
    let p = index.prds.iter().position(|f| &**f == file)?;
    let (_, prd) = index.prd(p);
    prd.requirements
        .iter()
        .position(|r| r.span.contains(offset))
        .map(|req| ReqKey { prd: p, req })
}

/// An ID under the cursor and what it denotes from there.
struct IdAt {
    id: String,
    span: Span,
    resolution: Resolution,
}

fn requirement_at(index: &Index, file: &str, offset: u32) -> Option<IdAt> {
    let (id, span) = id_at(index, file, offset)?;
    let resolution = match definition_at(index, file, offset) {
        Some(k) => Resolution::Found(k),
        None => index.resolve_at(file, span, &id),
    };
    Some(IdAt {
        id,
        span,
        resolution,
    })
}

/// Operations that trace requirement `key`, in index order.
pub fn tracing_operations(index: &Index, key: ReqKey) -> Vec<&Operation> {
    let (_, req) = index.requirement(key);
    index
        .operations
        .iter()
        .filter(|o| {
            o.traces.iter().any(|t| {
                t.mention.id == req.id
                    && index.resolve_at(&t.file, t.mention.span, &t.mention.id)
                        == Resolution::Found(key)
            })
        })
        .collect()
}

/// `GET /appointments/{id}` (with the operationId when there is one).
fn op_title(op: &Operation) -> String {
    match &op.operation_id {
        Some(id) => format!("{} ({id})", op.label()),
        None => op.label(),
    }
}

fn loc(file: &FileId, span: Span) -> Location {
    Location {
        file: file.clone(),
        span,
    }
}

/// 1-based line of an offset, for messages.
fn line_no(index: &Index, file: &str, offset: u32) -> u32 {
    index
        .source(file)
        .map(|s| s.line_index.line_of(offset) + 1)
        .unwrap_or(1)
}

/// What a place in a SQL file or an entity schema stands for in the dictionary.
enum DictTarget<'a> {
    Entity(&'a FileId, &'a Entity),
    Attribute(&'a FileId, &'a Entity, Option<&'a Attribute>, String),
}

fn dictionary_target<'a>(index: &'a Index, file: &str, offset: u32) -> Option<DictTarget<'a>> {
    match index.parsed(file)? {
        Parsed::Sql(sql) => {
            for t in &sql.tables {
                if t.span.contains(offset) {
                    let (df, e) = index.entity_for_table(&t.name)?;
                    return Some(DictTarget::Entity(df, e));
                }
                if let Some(c) = t.columns.iter().find(|c| c.span.contains(offset)) {
                    let (df, e) = index.entity_for_table(&t.name)?;
                    return Some(DictTarget::Attribute(
                        df,
                        e,
                        e.attribute(&c.name),
                        c.name.clone(),
                    ));
                }
            }
            None
        }
        Parsed::Structured(..) => schema_target(index, file, offset),
        _ => None,
    }
}

/// A schema key or property of a schema that stands for an entity.
fn schema_target<'a>(index: &'a Index, file: &str, offset: u32) -> Option<DictTarget<'a>> {
    // A schema key in a `components/schemas` map of any file of an API.
    if index.apis_of(file).next().is_some() {
        let root = index.doc(file)?.root.as_ref()?;
        for e in crate::model::openapi::schema_maps(root).flat_map(Node::entries) {
            if e.key_span.contains(offset) {
                let marked = e.value.get("x-entity").and_then(Node::as_str);
                let (df, ent) = index.entity_named_from(marked.unwrap_or(&e.key), file)?;
                return Some(DictTarget::Entity(df, ent));
            }
        }
    }
    let schemas = crate::rules::property_not_in_dictionary::entity_schemas(index);
    for (_, sfile, node, entity, dfile) in schemas {
        let mut props = Vec::new();
        crate::rules::property_not_in_dictionary::properties(index, &sfile, node, &mut props, 0);
        for (pf, p) in props {
            if &*pf == file && p.key_span.contains(offset) {
                return Some(DictTarget::Attribute(
                    dfile,
                    entity,
                    entity.attribute(&p.key),
                    p.key.clone(),
                ));
            }
        }
    }
    None
}

/// The `$ref` whose value contains `offset` in `file`.
fn ref_at<'a>(index: &'a Index, file: &str, offset: u32) -> Option<&'a crate::index::RefInfo> {
    index
        .refs
        .iter()
        .find(|r| &*r.file == file && r.site.span.contains(offset))
        .map(|r| &**r)
}

/// Where a `$ref` target node is written: from its key to the end of its value.
fn target_location(index: &Index, t: &crate::index::Target) -> Option<Location> {
    if t.pointer.is_empty() {
        return index.source(&t.file).map(|_| loc(&t.file, Span::new(0, 0)));
    }
    let (last, parent) = t.pointer.split_last()?;
    let parent = index.node(&t.file, parent)?;
    if let Some(e) = parent.entry(last) {
        return Some(loc(&t.file, Span::new(e.key_span.start, e.value.span.end)));
    }
    let n = index.node(&t.file, &t.pointer)?;
    Some(loc(&t.file, n.span))
}

/// The editor's `source.fixAll`: the edits of every safe fix for the
/// findings in `file`, chosen exactly as `specgate check --fix` chooses
/// them in one pass ([`crate::fix::select`]: a finding's first safe fix,
/// identical edits shared, colliding ones left out).
pub fn fix_all(index: &Index, diags: &[Diagnostic], file: &str) -> Vec<TextEdit> {
    crate::fix::fix_file(index, diags, file)
}
