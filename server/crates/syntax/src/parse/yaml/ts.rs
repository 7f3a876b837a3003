//! The error-tolerant path of the YAML reader: tree-sitter-yaml's concrete
//! syntax tree turned into the located tree.
//!
//! Used only for small pieces of text that saphyr-parser rejects: tree-sitter
//! recovers from the error and still gives everything around it. Scalars are
//! decoded with the fast reader's routines (so decoding rules are the same
//! everywhere); anchors and aliases use the document's shared table.

use std::panic::{catch_unwind, AssertUnwindSafe};

use tree_sitter::{Node as TsNode, Parser};

use super::fast::Fast;
use super::saphyr::{apply_merges, Ctx, Read};
use crate::parse::MAX_DEPTH;
use crate::tree::{CollStyle, Comment, Entry, Node, ScalarStyle, Span, SyntaxError, Value};

/// Reads `src[start..end]` (which starts at a line start) with tree-sitter.
/// `None` if tree-sitter could not be run.
///
/// The conversion recurses once per level of nesting (up to
/// [`MAX_DEPTH`]), so it runs on a helper thread with a big stack; this path
/// only ever sees small broken pieces, so the thread costs nothing that
/// matters.
pub(super) fn read(src: &str, start: usize, end: usize, ctx: &mut Ctx) -> Option<Read> {
    std::thread::scope(|scope| {
        let h = std::thread::Builder::new()
            .name("yaml-recover".into())
            .stack_size(64 << 20)
            .spawn_scoped(scope, || {
                catch_unwind(AssertUnwindSafe(|| read_inner(src, start, end, ctx))).ok()?
            })
            .ok()?;
        h.join().ok()?
    })
}

fn read_inner(src: &str, start: usize, end: usize, ctx: &mut Ctx) -> Option<Read> {
    let text = &src[start..end];
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_yaml::LANGUAGE.into())
        .ok()?;
    let tree = parser.parse(text, None)?;
    let root = tree.root_node();
    let mut c = Conv {
        src,
        base: start,
        end,
        ctx,
        errors: Vec::new(),
        too_deep: false,
    };
    let (comments, errors) = c.scan(root);
    let mut doc_root = None;
    let mut cur = root.walk();
    if let Some(doc) = root
        .named_children(&mut cur)
        .find(|n| n.kind() == "document")
    {
        let mut dc = doc.walk();
        for ch in doc.named_children(&mut dc) {
            if matches!(ch.kind(), "block_node" | "flow_node") {
                doc_root = c.value(ch, -1, 0);
                break;
            }
        }
    }
    let mut all_errors = c.errors;
    all_errors.extend(errors);
    Some(Read {
        root: doc_root,
        comments,
        errors: all_errors,
        fatal: None,
    })
}

struct Conv<'a, 'c> {
    src: &'a str,
    base: usize,
    end: usize,
    ctx: &'c mut Ctx,
    errors: Vec<SyntaxError>,
    too_deep: bool,
}

impl Conv<'_, '_> {
    fn span(&self, n: TsNode) -> Span {
        Span::new(
            (self.base + n.start_byte()) as u32,
            (self.base + n.end_byte()) as u32,
        )
    }

    fn text(&self, n: TsNode) -> &str {
        let s = self.span(n);
        self.src.get(s.start as usize..s.end as usize).unwrap_or("")
    }

    /// Comments and syntax errors anywhere in the tree.
    fn scan(&self, root: TsNode) -> (Vec<Comment>, Vec<SyntaxError>) {
        let mut comments = Vec::new();
        let mut errors = Vec::new();
        let mut cur = root.walk();
        'walk: loop {
            let n = cur.node();
            let mut descend = true;
            if n.kind() == "comment" {
                let mut s = self.span(n);
                let b = self.src.as_bytes();
                while s.end > s.start && matches!(b[s.end as usize - 1], b'\r' | b'\n') {
                    s.end -= 1;
                }
                comments.push(Comment { span: s });
                descend = false;
            } else if n.is_error() {
                errors.push(SyntaxError {
                    span: self.span(n),
                    message: self.error_message(n),
                });
            } else if n.is_missing() {
                let s = self.span(n);
                errors.push(SyntaxError {
                    span: s,
                    message: format!("missing '{}'", n.kind()),
                });
            }
            if descend && cur.goto_first_child() {
                continue;
            }
            loop {
                if cur.goto_next_sibling() {
                    continue 'walk;
                }
                if !cur.goto_parent() {
                    break 'walk;
                }
            }
        }
        (comments, errors)
    }

    fn error_message(&self, n: TsNode) -> String {
        let t = self.text(n).trim_start();
        let msg = if t.starts_with('"') || t.starts_with('\'') {
            "unclosed quoted scalar"
        } else if t.starts_with('[') && !t.contains(']') {
            "unclosed flow sequence (missing ']')"
        } else if t.starts_with('{') && !t.contains('}') {
            "unclosed flow mapping (missing '}')"
        } else {
            "syntax error"
        };
        msg.to_string()
    }

    /// The value of a `block_node`/`flow_node` (or of a bare content node),
    /// in a block collection indented by `n`.
    fn value(&mut self, node: TsNode, n: i32, depth: u32) -> Option<Node> {
        match node.kind() {
            "block_node" | "flow_node" => {
                let mut anchor = None;
                let mut content = None;
                let mut cur = node.walk();
                for ch in node.named_children(&mut cur) {
                    match ch.kind() {
                        "anchor" => {
                            anchor = Some(self.text(ch).trim_start_matches('&').to_string());
                        }
                        "tag" | "comment" => {}
                        _ => {
                            if content.is_none() {
                                content = Some(ch);
                            }
                        }
                    }
                }
                let v = match content {
                    Some(ch) => self.value(ch, n, depth)?,
                    None => Node::missing(self.span(node).end),
                };
                if let Some(a) = anchor {
                    self.ctx.register(&a, &v);
                }
                Some(v)
            }
            "block_mapping" | "flow_mapping" => self.mapping(node, n, depth),
            "block_sequence" | "flow_sequence" => self.sequence(node, n, depth),
            "plain_scalar" => {
                let s = self.span(node);
                Some(Node {
                    span: s,
                    value: Value::Scalar(fold_plain(self.text(node)), ScalarStyle::Plain),
                })
            }
            "double_quote_scalar" | "single_quote_scalar" => {
                let s = self.span(node);
                let style = if node.kind() == "double_quote_scalar" {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                let mut f = Fast::new(self.src, s.start as usize, self.end);
                let v = match f.quoted(s.start as usize, -1) {
                    Ok((v, _)) => v,
                    Err(_) => {
                        let t = self.text(node);
                        t.get(1..t.len().saturating_sub(1))
                            .unwrap_or("")
                            .to_string()
                    }
                };
                Some(Node {
                    span: s,
                    value: Value::Scalar(v, style),
                })
            }
            "block_scalar" => {
                let s = self.span(node);
                let mut f = Fast::new(self.src, s.start as usize, self.end);
                match f.block_scalar(s.start as usize, n) {
                    Ok(node) => Some(node),
                    Err(_) => {
                        let t = self.text(node);
                        let body = t.split_once('\n').map(|x| x.1).unwrap_or("");
                        let style = if t.starts_with('>') {
                            ScalarStyle::Folded
                        } else {
                            ScalarStyle::Literal
                        };
                        Some(Node {
                            span: s,
                            value: Value::Scalar(body.to_string(), style),
                        })
                    }
                }
            }
            "alias" => {
                let s = self.span(node);
                let name = self.text(node).trim_start_matches('*').to_string();
                match self.ctx.expand(&name, s) {
                    Ok(v) => Some(v),
                    Err(msg) => {
                        if let Some(message) = msg {
                            self.errors.push(SyntaxError { span: s, message });
                        }
                        Some(Node::missing(s.start))
                    }
                }
            }
            _ => None,
        }
    }

    fn deep(&mut self, node: TsNode, depth: u32) -> bool {
        if depth >= MAX_DEPTH {
            if !self.too_deep {
                self.too_deep = true;
                let s = self.span(node);
                self.errors.push(SyntaxError {
                    span: Span::new(s.start, s.start + 1),
                    message: format!("nesting too deep (more than {MAX_DEPTH} levels)"),
                });
            }
            return true;
        }
        false
    }

    fn key_of(&mut self, k: Option<TsNode>, n: i32, depth: u32, at: u32) -> (String, Span, bool) {
        let Some(k) = k else {
            return (String::new(), Span::new(at, at), false);
        };
        let node = self.value(k, n, depth + 1);
        let plain = {
            let mut c = k;
            while matches!(c.kind(), "flow_node" | "block_node") {
                match c.named_child(c.named_child_count().saturating_sub(1)) {
                    Some(x) => c = x,
                    None => break,
                }
            }
            c.kind() == "plain_scalar"
        };
        match node {
            Some(Node {
                span,
                value: Value::Scalar(s, _),
            }) => (s, span, plain),
            Some(other) => {
                let t = self
                    .src
                    .get(other.span.start as usize..other.span.end as usize)
                    .unwrap_or("")
                    .to_string();
                (t, other.span, false)
            }
            None => (self.text(k).to_string(), self.span(k), false),
        }
    }

    fn mapping(&mut self, node: TsNode, n: i32, depth: u32) -> Option<Node> {
        let flow = node.kind() == "flow_mapping";
        if self.deep(node, depth) {
            return Some(Node::missing(self.span(node).start));
        }
        let inner_n = if flow {
            n
        } else {
            node.start_position().column as i32
        };
        let mut entries = Vec::new();
        let mut merges = Vec::new();
        let mut cur = node.walk();
        let children: Vec<TsNode> = node.named_children(&mut cur).collect();
        for ch in children {
            match ch.kind() {
                "block_mapping_pair" | "flow_pair" => {
                    let ps = self.span(ch);
                    let (key, key_span, plain) =
                        self.key_of(ch.child_by_field_name("key"), inner_n, depth, ps.start);
                    let value = match ch.child_by_field_name("value") {
                        Some(v) => self
                            .value(v, inner_n, depth + 1)
                            .unwrap_or_else(|| Node::missing(self.span(v).start)),
                        None => {
                            let mut at = key_span.end;
                            let mut cc = ch.walk();
                            for t in ch.children(&mut cc) {
                                if t.kind() == ":" {
                                    at = self.span(t).end;
                                }
                            }
                            Node::missing(at)
                        }
                    };
                    let e = Entry {
                        key,
                        key_span,
                        value,
                    };
                    if plain && e.key == "<<" && is_mergeable(&e.value) {
                        merges.push(e);
                    } else {
                        entries.push(e);
                    }
                }
                "flow_node" if flow => {
                    let (key, key_span, _) = self.key_of(Some(ch), inner_n, depth, 0);
                    entries.push(Entry {
                        key,
                        key_span,
                        value: Node::missing(key_span.end),
                    });
                }
                _ => {}
            }
        }
        let own = entries.iter().chain(merges.iter());
        let first = own.clone().map(|e| e.key_span.start).min();
        let last = own.map(|e| e.value.span.end.max(e.key_span.end)).max();
        apply_merges(&mut entries, merges);
        let span = if flow {
            self.span(node)
        } else {
            match (first, last) {
                (Some(f), Some(l)) => Span::new(f, l.max(f)),
                _ => {
                    let s = self.span(node).start;
                    Span::new(s, s)
                }
            }
        };
        Some(Node {
            span,
            value: Value::Map(
                entries,
                if flow {
                    CollStyle::Flow
                } else {
                    CollStyle::Block
                },
            ),
        })
    }

    fn sequence(&mut self, node: TsNode, n: i32, depth: u32) -> Option<Node> {
        let flow = node.kind() == "flow_sequence";
        if self.deep(node, depth) {
            return Some(Node::missing(self.span(node).start));
        }
        let inner_n = if flow {
            n
        } else {
            node.start_position().column as i32
        };
        let mut items = Vec::new();
        let mut first_dash = None;
        let mut cur = node.walk();
        let children: Vec<TsNode> = node.named_children(&mut cur).collect();
        for ch in children {
            match ch.kind() {
                "block_sequence_item" => {
                    let s = self.span(ch);
                    first_dash.get_or_insert(s.start);
                    let mut ic = ch.walk();
                    let inner = ch
                        .named_children(&mut ic)
                        .find(|x| matches!(x.kind(), "block_node" | "flow_node"));
                    let v = match inner {
                        Some(x) => self
                            .value(x, inner_n, depth + 1)
                            .unwrap_or_else(|| Node::missing(s.start + 1)),
                        None => Node::missing(s.start + 1),
                    };
                    items.push(v);
                }
                "flow_node" => {
                    if let Some(v) = self.value(ch, inner_n, depth + 1) {
                        items.push(v);
                    }
                }
                "flow_pair" => {
                    let ps = self.span(ch);
                    let (key, key_span, _) =
                        self.key_of(ch.child_by_field_name("key"), inner_n, depth, ps.start);
                    let value = match ch.child_by_field_name("value") {
                        Some(v) => self
                            .value(v, inner_n, depth + 1)
                            .unwrap_or_else(|| Node::missing(self.span(v).start)),
                        None => Node::missing(key_span.end),
                    };
                    items.push(Node {
                        span: ps,
                        value: Value::Map(
                            vec![Entry {
                                key,
                                key_span,
                                value,
                            }],
                            CollStyle::Flow,
                        ),
                    });
                }
                _ => {}
            }
        }
        let span = if flow {
            self.span(node)
        } else {
            let st = first_dash.unwrap_or(self.span(node).start);
            Span::new(st, items.last().map(|x| x.span.end).unwrap_or(st).max(st))
        };
        Some(Node {
            span,
            value: Value::Seq(
                items,
                if flow {
                    CollStyle::Flow
                } else {
                    CollStyle::Block
                },
            ),
        })
    }
}

fn is_mergeable(node: &Node) -> bool {
    match &node.value {
        Value::Map(..) => true,
        Value::Seq(items, _) => items.iter().all(Node::is_map),
        _ => false,
    }
}

/// Folds the lines of a multi-line plain scalar.
pub(super) fn fold_plain(s: &str) -> String {
    if !s.contains('\n') {
        return s.trim_end_matches([' ', '\t', '\r']).to_string();
    }
    let mut out = String::new();
    let mut breaks = 0usize;
    let mut first = true;
    for line in s.split('\n') {
        let t = line.trim_matches([' ', '\t', '\r']);
        if t.is_empty() {
            breaks += 1;
            continue;
        }
        if !first {
            if breaks == 0 {
                out.push(' ');
            } else {
                for _ in 0..breaks {
                    out.push('\n');
                }
            }
        }
        out.push_str(t);
        first = false;
        breaks = 0;
    }
    out
}
