//! Document and workspace symbols, and code lenses.

use super::{loc, op_title, tracing_operations};
use crate::diag::{FileId, Location};
use crate::index::{Index, Parsed, ReqKey, Resolution};
use crate::model::openapi::{OpKind, Operation};
use specgate_syntax::tree::{Node, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Requirement,
    Path,
    Operation,
    Schema,
    Entity,
    Attribute,
    Table,
    Column,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// The whole construct.
    pub span: Span,
    /// Its name, inside `span`.
    pub selection: Span,
    pub children: Vec<Symbol>,
}

fn leaf(name: String, detail: Option<String>, kind: SymbolKind, span: Span, sel: Span) -> Symbol {
    Symbol {
        name,
        detail,
        kind,
        span: Span::new(span.start.min(sel.start), span.end.max(sel.end)),
        selection: sel,
        children: Vec::new(),
    }
}

/// The outline of a file: PRD requirements; OpenAPI paths → operations (and
/// component schemas); dictionary entities → attributes; SQL tables → columns.
pub fn document_symbols(index: &Index, file: &str) -> Vec<Symbol> {
    let Some(parsed) = index.parsed(file) else {
        return Vec::new();
    };
    match parsed {
        Parsed::Prd(prd) => prd
            .requirements
            .iter()
            .map(|r| {
                leaf(
                    r.id.clone(),
                    Some(r.title.clone()),
                    SymbolKind::Requirement,
                    r.line_span,
                    r.span,
                )
            })
            .collect(),
        Parsed::Dictionary(d, _) => d
            .entities
            .iter()
            .map(|e| {
                let mut s = leaf(
                    e.name.clone(),
                    e.table.clone(),
                    SymbolKind::Entity,
                    e.section_span,
                    e.span,
                );
                s.children = e
                    .attributes
                    .iter()
                    .map(|a| {
                        leaf(
                            a.name.trim_matches('`').to_string(),
                            a.ty.clone(),
                            SymbolKind::Attribute,
                            a.row_span,
                            a.span,
                        )
                    })
                    .collect();
                s
            })
            .collect(),
        Parsed::Sql(sql) => sql
            .tables
            .iter()
            .map(|t| {
                let mut s = leaf(
                    t.name.clone(),
                    (!t.created).then(|| "ALTER TABLE".to_string()),
                    SymbolKind::Table,
                    t.stmt_span,
                    t.span,
                );
                s.children = t
                    .columns
                    .iter()
                    .map(|c| {
                        leaf(
                            c.name.clone(),
                            Some(c.ty.clone()),
                            SymbolKind::Column,
                            c.span,
                            c.span,
                        )
                    })
                    .collect();
                s
            })
            .collect(),
        Parsed::Structured(doc, _) => {
            let mut out = api_symbols(index, file);
            if let Some(root) = &doc.root {
                out.extend(schema_symbols(root));
            }
            out
        }
        Parsed::Markdown(_) | Parsed::Nothing => Vec::new(),
    }
}

fn api_symbols(index: &Index, file: &str) -> Vec<Symbol> {
    let mut paths: Vec<Symbol> = Vec::new();
    for op in index.operations.iter().filter(|o| &*o.file == file) {
        let child = leaf(
            op.method.clone(),
            op.operation_id.clone().or_else(|| op.summary.clone()),
            SymbolKind::Operation,
            op.span,
            op.method_span,
        );
        if let Some(p) = paths.iter_mut().find(|p| p.name == op.path) {
            p.span = Span::new(
                p.span.start.min(child.span.start),
                p.span.end.max(child.span.end),
            );
            p.children.push(child);
            continue;
        }
        // The path's own entry when it is written in this file.
        let section = if op.kind == OpKind::Webhook {
            "webhooks"
        } else {
            "paths"
        };
        let entry = (&*op.api_root == file && op.kind != OpKind::Callback)
            .then(|| index.node(file, &[section.to_string()]))
            .flatten()
            .and_then(|n| n.entry(&op.path));
        let (span, sel) = match entry {
            Some(e) => (Span::new(e.key_span.start, e.value.span.end), e.key_span),
            None => (child.span, child.selection),
        };
        let mut s = leaf(op.path.clone(), None, SymbolKind::Path, span, sel);
        s.children.push(child);
        paths.push(s);
    }
    paths
}

fn schema_symbols(root: &Node) -> Vec<Symbol> {
    crate::model::openapi::schema_maps(root)
        .flat_map(Node::entries)
        .map(|e| {
            leaf(
                e.key.clone(),
                e.value
                    .get("type")
                    .and_then(Node::as_str)
                    .map(str::to_string),
                SymbolKind::Schema,
                Span::new(e.key_span.start, e.value.span.end),
                e.key_span,
            )
        })
        .collect()
}

/// A symbol found by workspace search.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub location: Location,
    pub container: Option<String>,
}

/// Requirement IDs (with titles), operations (`GET /path`), operationIds,
/// dictionary entities and SQL tables whose name contains every character of
/// `query` in order (case-insensitive).
pub fn workspace_symbols(index: &Index, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    let q: Vec<char> = query
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let matches = |name: &str| {
        let mut it = q.iter().peekable();
        for c in name.to_lowercase().chars() {
            if it.peek() == Some(&&c) {
                it.next();
            }
        }
        it.peek().is_none()
    };
    let mut out = Vec::new();
    let mut push = |name: String, kind, file: &FileId, span, container: Option<String>| {
        if out.len() < limit && matches(&name) {
            out.push(WorkspaceSymbol {
                name,
                kind,
                location: loc(file, span),
                container,
            });
        }
    };
    for (_, f, req) in index.all_requirements() {
        push(
            format!("{} {}", req.id, req.title),
            SymbolKind::Requirement,
            f,
            req.span,
            Some(f.to_string()),
        );
    }
    for op in &index.operations {
        push(
            op.label(),
            SymbolKind::Operation,
            &op.file,
            op.method_span,
            op.operation_id.clone(),
        );
        if let Some(id) = &op.operation_id {
            push(
                id.clone(),
                SymbolKind::Operation,
                &op.file,
                op.method_span,
                Some(op.label()),
            );
        }
    }
    for (f, e) in index.entities() {
        push(
            e.name.clone(),
            SymbolKind::Entity,
            f,
            e.span,
            Some(f.to_string()),
        );
    }
    for f in &index.sql_files {
        if let Some(Parsed::Sql(sql)) = index.parsed(f) {
            for t in sql.tables.iter().filter(|t| t.created) {
                push(
                    t.name.clone(),
                    SymbolKind::Table,
                    f,
                    t.span,
                    Some(f.to_string()),
                );
            }
        }
    }
    out
}

/// A code lens: a title above `span`, and where clicking it leads.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeLens {
    pub span: Span,
    pub title: String,
    /// Locations to show (the operations tracing a requirement, the
    /// requirements of an operation); empty: the lens is informative only.
    pub targets: Vec<Location>,
}

/// On each requirement definition: "traced by N operations" / "not traced";
/// on each operation: its FR-IDs with their titles.
pub fn code_lenses(index: &Index, file: &str) -> Vec<CodeLens> {
    let mut out = Vec::new();
    if let Some(p) = index.prds.iter().position(|f| &**f == file) {
        let (_, prd) = index.prd(p);
        for (r, req) in prd.requirements.iter().enumerate() {
            let ops = tracing_operations(index, ReqKey { prd: p, req: r });
            let title = match ops.len() {
                0 => "not traced".to_string(),
                1 => format!("traced by 1 operation: {}", op_title(ops[0])),
                n => format!("traced by {n} operations"),
            };
            out.push(CodeLens {
                span: req.span,
                title,
                targets: ops.iter().map(|o| loc(&o.file, o.method_span)).collect(),
            });
        }
    }
    for op in index.operations.iter().filter(|o| &*o.file == file) {
        out.push(operation_lens(index, op));
    }
    out
}

fn operation_lens(index: &Index, op: &Operation) -> CodeLens {
    let mut parts = Vec::new();
    let mut targets = Vec::new();
    for id in op.ids() {
        let resolution = match op.traces.iter().find(|t| t.mention.id == id) {
            Some(t) => index.resolve_at(&t.file, t.mention.span, id),
            None => index.resolve_id(&op.file, id),
        };
        match resolution {
            Resolution::Found(k) => {
                let (f, req) = index.requirement(k);
                parts.push(format!("{id} {}", req.title));
                targets.push(loc(f, req.span));
            }
            Resolution::Ambiguous(_) => parts.push(format!("{id} (ambiguous)")),
            Resolution::Unknown => parts.push(format!("{id} (not in any PRD)")),
        }
    }
    let title = if parts.is_empty() {
        "traces no requirement".to_string()
    } else {
        parts.join(" · ")
    };
    CodeLens {
        span: op.method_span,
        title,
        targets,
    }
}
