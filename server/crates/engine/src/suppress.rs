//! Suppressions written where a finding is.
//!
//! - A comment `specgate-ignore: CODE[, CODE…] — reason` (`# …` in YAML,
//!   `-- …` in SQL, `<!-- … -->` in Markdown) on the finding's line, or
//!   alone on the line above it.
//! - `x-specgate-ignore: [CODE, …]` (or one code as a string) in an
//!   OpenAPI object, in any format (JSON has no comments): the findings in
//!   that object (from its key to the end of its value) and below.
//!
//! The reason is what follows the codes after a dash, colon or semicolon.

use crate::diag::FileId;
use crate::index::Index;
use crate::workspace::FileRole;
use regex::Regex;
use specgate_syntax::tree::{Node, Span, Value};
use std::sync::OnceLock;

/// The key that suppresses in an OpenAPI object.
pub const IGNORE_KEY: &str = "x-specgate-ignore";

#[derive(Clone, Debug, PartialEq)]
pub enum Form {
    /// A comment; `alone`: nothing but blanks before it on its line.
    Comment { alone: bool },
    /// An `x-specgate-ignore` entry: its key and value.
    Key { entry: Span },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Suppression {
    pub file: FileId,
    /// Each code as written, and where.
    pub codes: Vec<(String, Span)>,
    pub reason: Option<String>,
    /// The comment (marker to end) or the `x-specgate-ignore` entry.
    pub span: Span,
    pub form: Form,
    /// What it covers: byte ranges of the file.
    pub covers: Vec<Span>,
}

impl Suppression {
    pub fn covers(&self, offset: u32) -> bool {
        self.covers
            .iter()
            .any(|c| c.start <= offset && offset <= c.end)
    }
}

fn comment_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"specgate-ignore:[ \t]*([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)([^\n\r]*)",
        )
        .expect("valid regex")
    })
}

fn code_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[A-Za-z0-9_-]+").expect("valid regex"))
}

/// The reason after the codes: what follows a dash, colon or semicolon.
fn reason(rest: &str) -> Option<String> {
    let r = rest.trim();
    let r = r.strip_suffix("-->").unwrap_or(r).trim();
    let r = r
        .trim_start_matches(['—', '–', '-', ':', ';', ' ', '\t'])
        .trim();
    (!r.is_empty()).then(|| r.to_string())
}

/// Every suppression written in `file`.
pub fn suppressions(index: &Index, file: &FileId) -> Vec<Suppression> {
    let text = index.text(file);
    let mut out = Vec::new();
    let role = index.files.get(file).map(|f| f.role);
    let lower = file.to_ascii_lowercase();
    let yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    // Comment markers by kind of file; `None`: no comments (JSON).
    let marker: Option<&str> = match role {
        Some(FileRole::Sql) => Some("--"),
        Some(FileRole::Prd | FileRole::Markdown) => Some("<!--"),
        Some(FileRole::Dictionary) if lower.ends_with(".md") => Some("<!--"),
        _ if yaml => Some("#"),
        _ => None,
    };
    if let Some(marker) = marker {
        // Only where the file really has a comment: YAML's are known to
        // the reader (a `#` inside a string is not one).
        let yaml_comments = yaml
            .then(|| {
                index
                    .doc(file)
                    .map(|d| d.comments.iter().map(|c| c.span).collect::<Vec<_>>())
            })
            .flatten();
        for m in comment_re().captures_iter(text) {
            let (Some(all), Some(codes), Some(rest)) = (m.get(0), m.get(1), m.get(2)) else {
                continue;
            };
            let line_start = text[..all.start()].rfind('\n').map_or(0, |i| i + 1);
            let before = &text[line_start..all.start()];
            let Some(mpos) = before.rfind(marker) else {
                continue;
            };
            let comment_start = (line_start + mpos) as u32;
            if let Some(cs) = &yaml_comments {
                if !cs.iter().any(|c| c.start == comment_start) {
                    continue;
                }
            }
            // Between the marker and `specgate-ignore:` only blanks (or
            // another `#` for `## specgate-ignore`).
            if !before[mpos + marker.len()..]
                .trim_matches(|c: char| c.is_whitespace() || c == '#')
                .is_empty()
            {
                continue;
            }
            let alone = before[..mpos].trim().is_empty();
            let line_end = all.end() as u32;
            let this_line = Span::new(line_start as u32, line_end);
            let mut covers = vec![this_line];
            if alone {
                let next_start = text[all.end()..].find('\n').map(|i| all.end() + i + 1);
                if let Some(ns) = next_start {
                    let ne = text[ns..].find('\n').map_or(text.len(), |i| ns + i);
                    covers.push(Span::new(ns as u32, ne as u32));
                }
            }
            let codes = code_re()
                .find_iter(codes.as_str())
                .map(|c| {
                    let s = (codes.start() + c.start()) as u32;
                    (c.as_str().to_string(), Span::new(s, s + c.len() as u32))
                })
                .collect();
            out.push(Suppression {
                file: file.clone(),
                codes,
                reason: reason(rest.as_str()),
                span: Span::new(comment_start, line_end),
                form: Form::Comment { alone },
                covers,
            });
        }
    }
    if let Some(root) = index.doc(file).and_then(|d| d.root.as_ref()) {
        keys(file, root, Span::new(0, text.len() as u32), &mut out);
    }
    out
}

/// `x-specgate-ignore` entries under `node`, whose own extent is `extent`.
fn keys(file: &FileId, root: &Node, extent: Span, out: &mut Vec<Suppression>) {
    let mut stack = vec![(root, extent)];
    while let Some((node, extent)) = stack.pop() {
        match &node.value {
            Value::Map(entries, _) => {
                for e in entries {
                    if e.key == IGNORE_KEY {
                        let codes: Vec<(String, Span)> = match &e.value.value {
                            Value::Seq(items, _) => items
                                .iter()
                                .filter_map(|i| Some((i.as_str()?.to_string(), i.span)))
                                .collect(),
                            Value::Scalar(s, _) => vec![(s.clone(), e.value.span)],
                            _ => Vec::new(),
                        };
                        let entry = Span::new(e.key_span.start, e.value.span.end);
                        out.push(Suppression {
                            file: file.clone(),
                            codes,
                            reason: None,
                            span: entry,
                            form: Form::Key { entry },
                            covers: vec![extent],
                        });
                        continue;
                    }
                    let ext = Span::new(e.key_span.start, e.value.span.end.max(e.key_span.end));
                    stack.push((&e.value, ext));
                }
            }
            Value::Seq(items, _) => stack.extend(items.iter().map(|i| (i, i.span))),
            _ => {}
        }
    }
}

/// "Ignore CODE here": a `specgate-ignore` comment alone on the line above
/// the finding (YAML, SQL, Markdown; added to one already there), or an
/// `x-specgate-ignore` entry in the object the finding is about (JSON).
/// Never preferred, never applied by a batch: it is a decision.
pub fn ignore_fix(index: &Index, d: &crate::diag::Diagnostic) -> Option<crate::diag::Fix> {
    use crate::diag::Applicability;
    use crate::edit::render::Val;
    use crate::edit::structured::Pos;
    use crate::edit::EditSet;
    let file = &d.location.file;
    let text = index.text(file);
    let title = format!("Ignore {} here", d.code);
    let mut set = EditSet::new(index);
    let lower = file.to_ascii_lowercase();
    let start = d.location.span.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    // In YAML, a comment line may only go where a line starts outside any
    // multi-line scalar or flow collection; elsewhere the key form.
    let inside = yaml
        && index
            .doc(file)
            .and_then(|d| d.root.as_ref())
            .is_some_and(|root| continues_a_node(root, start as u32, line_start as u32));
    if lower.ends_with(".json") || inside {
        let root = index.doc(file)?.root.as_ref()?;
        let map = object_at(root, d.location.span.start)?;
        if let Some(existing) = map.get(IGNORE_KEY) {
            let seq_end = existing.items().last()?.span.end;
            set.replace(
                file,
                Span::new(seq_end, seq_end),
                format!(", \"{}\"", d.code),
            );
        } else {
            let doc = set.doc(file)?;
            doc.insert_entry(
                map,
                IGNORE_KEY,
                Val::Seq(vec![Val::Str(d.code.to_string())]),
                Pos::Start,
            );
        }
        return set.into_fix(title, Applicability::Display);
    }
    let marker = match index.files.get(file).map(|f| f.role) {
        Some(FileRole::Sql) => ("-- ", ""),
        Some(FileRole::Prd | FileRole::Markdown) => ("<!-- ", " -->"),
        Some(FileRole::Dictionary) if lower.ends_with(".md") => ("<!-- ", " -->"),
        _ if lower.ends_with(".yaml") || lower.ends_with(".yml") => ("# ", ""),
        _ => return None,
    };
    // A Markdown table row cannot have a line between it and the next:
    // the comment goes at the end of the row.
    let row = marker.0 == "<!-- " && text[line_start..].trim_start().starts_with('|');
    if row {
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let end = if text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        let at = end as u32;
        set.replace(
            file,
            Span::new(at, at),
            format!(" <!-- specgate-ignore: {} -->", d.code),
        );
        return set.into_fix(title, Applicability::Display);
    }
    // One comment alone on the line above: add the code to it.
    let above = suppressions(index, file).into_iter().find(|s| {
        s.form == Form::Comment { alone: true }
            && s.covers
                .get(1)
                .is_some_and(|c| c.start as usize == line_start)
    });
    if let Some(s) = above {
        let last = s.codes.last()?.1.end;
        set.replace(file, Span::new(last, last), format!(", {}", d.code));
    } else {
        let indent: String = text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let comment = format!(
            "{indent}{}specgate-ignore: {}{}{nl}",
            marker.0, d.code, marker.1
        );
        let at = line_start as u32;
        set.replace(file, Span::new(at, at), comment);
    }
    set.into_fix(title, Applicability::Display)
}

/// Whether the line starting at `line_start` continues a node that began
/// on an earlier line and is not a block collection (a multi-line scalar,
/// a flow collection): a line put before it would change that node.
fn continues_a_node(root: &Node, offset: u32, line_start: u32) -> bool {
    let mut node = root;
    loop {
        let block = matches!(
            &node.value,
            Value::Map(_, specgate_syntax::tree::CollStyle::Block)
                | Value::Seq(_, specgate_syntax::tree::CollStyle::Block)
        );
        if !block && node.span.start < line_start && line_start < node.span.end {
            return true;
        }
        let next = match &node.value {
            Value::Map(entries, _) => entries
                .iter()
                .find(|e| e.value.span.start <= offset && offset < e.value.span.end)
                .map(|e| &e.value),
            Value::Seq(items, _) => items
                .iter()
                .find(|n| n.span.start <= offset && offset < n.span.end),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
    }
}

/// The object a finding at `offset` is about: the map value of the entry
/// whose key holds the offset, else the innermost map holding it.
fn object_at(root: &Node, offset: u32) -> Option<&Node> {
    let mut node = root;
    let mut best = matches!(root.value, Value::Map(..)).then_some(root);
    loop {
        let next = match &node.value {
            Value::Map(entries, _) => {
                if let Some(e) = entries.iter().find(|e| e.key_span.contains(offset)) {
                    return Some(if matches!(e.value.value, Value::Map(..)) {
                        &e.value
                    } else {
                        node
                    });
                }
                entries
                    .iter()
                    .find(|e| e.value.span.start <= offset && offset < e.value.span.end)
                    .map(|e| &e.value)
            }
            Value::Seq(items, _) => items
                .iter()
                .find(|n| n.span.start <= offset && offset < n.span.end),
            _ => None,
        };
        let Some(n) = next else {
            return best;
        };
        if matches!(n.value, Value::Map(..)) {
            best = Some(n);
        }
        node = n;
    }
}
