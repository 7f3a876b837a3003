//! Completion: FR-IDs (with their titles) where requirements are named,
//! `$ref` targets, and dictionary attributes inside `CREATE TABLE`.

use crate::edit::refs::relative_path;
use crate::index::{Index, Parsed, Resolution};
use crate::workspace::FileRole;
use regex::Regex;
use specgate_syntax::tree::{escape_pointer_token, Node, Span};
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Requirement,
    /// A JSON pointer inside a document.
    Pointer,
    File,
    Attribute,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub label: String,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub kind: CompletionKind,
    /// The text the item replaces (what was typed of it so far).
    pub replace: Span,
    pub insert: String,
}

pub fn completion(index: &Index, file: &str, offset: u32) -> Vec<Completion> {
    let text = index.text(file);
    let off = specgate_syntax::text::floor_char_boundary(text, offset as usize);
    let line_start = text[..off].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let prefix = &text[line_start..off];
    let role = index.files.get(file).map(|f| f.role);
    if matches!(role, Some(FileRole::Structured | FileRole::Dictionary)) {
        if let Some(items) = ref_completion(index, file, text, off, prefix) {
            return items;
        }
    }
    if role == Some(FileRole::Sql) {
        let items = attribute_completion(index, text, off);
        if !items.is_empty() {
            return items;
        }
    }
    id_completion(index, file, text, off, prefix, role)
}

/// Start of the run of `word` characters that ends at `off`.
fn word_start(text: &str, off: usize, word: impl Fn(char) -> bool) -> usize {
    text[..off]
        .char_indices()
        .rev()
        .take_while(|(_, c)| word(*c))
        .last()
        .map_or(off, |(i, _)| i)
}

fn id_completion(
    index: &Index,
    file: &str,
    text: &str,
    off: usize,
    prefix: &str,
    role: Option<FileRole>,
) -> Vec<Completion> {
    let start = word_start(text, off, |c| {
        c.is_ascii_alphanumeric() || c == '-' || c == '_'
    });
    let word = &text[start..off];
    let upper = word.to_ascii_uppercase();
    let mut by_id: BTreeMap<&str, (crate::index::ReqKey, bool)> = BTreeMap::new();
    for (k, _, req) in index.all_requirements() {
        let in_scope = index.resolve_id(file, &req.id) == Resolution::Found(k);
        match by_id.get(req.id.as_str()) {
            Some((_, true)) => {}
            _ => {
                by_id.insert(&req.id, (k, in_scope));
            }
        }
    }
    if by_id.is_empty() {
        return Vec::new();
    }
    let prefix_of_id = !word.is_empty()
        && by_id
            .keys()
            .any(|id| id.to_ascii_uppercase().starts_with(&upper));
    let context = match role {
        Some(FileRole::Prd | FileRole::Markdown) => true,
        Some(FileRole::Sql) => prefix.contains("--") || prefix.contains("/*"),
        Some(FileRole::Structured) => {
            in_trace_key(index, text, off, prefix)
                || yaml_comment(prefix)
                || ["summary", "description"]
                    .iter()
                    .any(|k| key_on_line(prefix, k))
        }
        _ => false,
    };
    if !context && !prefix_of_id {
        return Vec::new();
    }
    let replace = Span::new(start as u32, off as u32);
    by_id
        .into_iter()
        .map(|(id, (k, _))| {
            let (f, req) = index.requirement(k);
            let mut doc = format!(
                "Priority: {} · Release: {}\n\n{}:{}",
                req.priority.map(|p| p.as_str()).unwrap_or("—"),
                if req.mvp { "MVP" } else { "—" },
                f,
                super::line_no(index, f, req.span.start)
            );
            let ops = super::tracing_operations(index, k);
            if !ops.is_empty() {
                doc.push_str("\n\nTraced by: ");
                let labels: Vec<String> = ops.iter().map(|o| format!("`{}`", o.label())).collect();
                doc.push_str(&labels.join(", "));
            }
            Completion {
                label: id.to_string(),
                detail: Some(req.title.clone()),
                documentation: Some(doc),
                kind: CompletionKind::Requirement,
                replace,
                insert: id.to_string(),
            }
        })
        .collect()
}

/// Whether `prefix` (a line up to the cursor) has `key:` (YAML) or `"key":` (JSON).
fn key_on_line(prefix: &str, key: &str) -> bool {
    let t = prefix.trim_start().trim_start_matches("- ");
    let t = t.strip_prefix('"').unwrap_or(t);
    t.strip_prefix(key)
        .map(|r| {
            r.strip_prefix('"')
                .unwrap_or(r)
                .trim_start()
                .starts_with(':')
        })
        .unwrap_or(false)
}

fn yaml_comment(prefix: &str) -> bool {
    prefix.trim_start().starts_with('#') || prefix.contains(" #")
}

/// The cursor is in the value of a trace key: on its line (`x-fr-ids: [FR-`)
/// or in a block list under it (`- FR-`).
fn in_trace_key(index: &Index, text: &str, off: usize, prefix: &str) -> bool {
    let keys = &index.config().trace_keys;
    if keys.iter().any(|k| key_on_line(prefix, k)) {
        return true;
    }
    let trimmed = prefix.trim_start();
    if !trimmed.starts_with('-') && !trimmed.is_empty() {
        return false;
    }
    let indent = prefix.len() - trimmed.len();
    // Walk up over the list items to the key that owns them.
    let mut end = off - prefix.len();
    for _ in 0..200 {
        if end == 0 {
            return false;
        }
        let before = &text[..end - 1];
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before[start..].trim_end_matches('\r');
        end = start;
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = line.len() - t.len();
        if t.starts_with('-') && ind >= indent.saturating_sub(2) {
            continue;
        }
        return ind <= indent && keys.iter().any(|k| key_on_line(line, k));
    }
    false
}

fn ref_value_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r#""?\$ref"?\s*:\s*["']?([^"'\s,}]*)$"#).expect("valid regex"))
}

fn ref_completion(
    index: &Index,
    file: &str,
    text: &str,
    off: usize,
    prefix: &str,
) -> Option<Vec<Completion>> {
    let caps = ref_value_re().captures(prefix)?;
    let typed = caps.get(1)?;
    let start = off - prefix.len() + typed.start();
    let typed = typed.as_str();
    // Replace up to the end of the value already written after the cursor.
    let end = off
        + text[off..]
            .find(|c: char| c == '"' || c == '\'' || c.is_whitespace() || c == ',' || c == '}')
            .unwrap_or(text.len() - off);
    let replace = Span::new(start as u32, end as u32);
    let mut out = Vec::new();
    let (target_file, local) = match typed.split_once('#') {
        Some(("", _)) => (file.to_string(), true),
        Some((path, _)) => (
            crate::workspace::join_relative(file, path).unwrap_or_default(),
            false,
        ),
        None => (file.to_string(), true),
    };
    let file_part = typed.split_once('#').map(|(p, _)| p).unwrap_or("");
    if let Some(root) = index.doc(&target_file).and_then(|d| d.root.as_ref()) {
        for (ptr, node) in pointers(root) {
            let value = if local {
                format!("#{ptr}")
            } else {
                format!("{file_part}#{ptr}")
            };
            out.push(Completion {
                label: value.clone(),
                detail: describe(node),
                documentation: None,
                kind: CompletionKind::Pointer,
                replace,
                insert: value,
            });
        }
    }
    if !typed.contains('#') {
        for (id, fd) in &index.files {
            if &**id == file || !matches!(fd.parsed.as_ref(), Parsed::Structured(..)) {
                continue;
            }
            let rel = relative_path(file, id);
            out.push(Completion {
                label: rel.clone(),
                detail: Some("file".into()),
                documentation: None,
                kind: CompletionKind::File,
                replace,
                insert: rel,
            });
        }
    }
    out.retain(|c| c.insert.starts_with(typed) || typed.is_empty());
    Some(out)
}

/// Pointers worth referencing in a document: each component of an OpenAPI
/// document (`/components/schemas/Pet`, `/definitions/Pet` …), else its
/// top-level keys (a file of shared schemas).
fn pointers(root: &Node) -> Vec<(String, &Node)> {
    let mut out = Vec::new();
    if let Some(c) = root.get("components") {
        for s in c.entries() {
            for e in s.value.entries() {
                out.push((
                    format!(
                        "/components/{}/{}",
                        escape_pointer_token(&s.key),
                        escape_pointer_token(&e.key)
                    ),
                    &e.value,
                ));
            }
        }
        return out;
    }
    let swagger = ["definitions", "parameters", "responses"];
    if swagger.iter().any(|k| root.get(k).is_some()) && root.get("swagger").is_some() {
        for k in swagger {
            for e in root.get(k).map(Node::entries).unwrap_or_default() {
                out.push((format!("/{k}/{}", escape_pointer_token(&e.key)), &e.value));
            }
        }
        return out;
    }
    if root.get("openapi").is_some() {
        return out;
    }
    for e in root.entries() {
        out.push((format!("/{}", escape_pointer_token(&e.key)), &e.value));
    }
    out
}

fn describe(n: &Node) -> Option<String> {
    for k in ["title", "summary", "description", "type"] {
        if let Some(s) = n.get(k).and_then(Node::as_str) {
            return Some(s.lines().next().unwrap_or("").to_string());
        }
    }
    None
}

fn create_table_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r#"(?i)create\s+(?:temp\w*\s+|unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w."`\[\]]+)\s*\("#)
            .expect("valid regex")
    })
}

/// Attribute names of the entity whose `CREATE TABLE` the cursor is inside,
/// less the columns already written.
fn attribute_completion(index: &Index, text: &str, off: usize) -> Vec<Completion> {
    let before = &text[..off];
    let Some(m) = create_table_re().captures_iter(before).last() else {
        return Vec::new();
    };
    let whole = m.get(0).expect("match");
    let body = &before[whole.end()..];
    if body.contains(';') {
        return Vec::new();
    }
    // Only at the start of a column definition.
    let start = word_start(text, off, |c| c.is_alphanumeric() || c == '_');
    let lead = before[..start].trim_end_matches([' ', '\t', '\r', '\n']);
    if !(lead.ends_with(',') || lead.ends_with('(')) {
        return Vec::new();
    }
    let raw = m.get(1).expect("group").as_str();
    let name = raw
        .rsplit('.')
        .next()
        .unwrap_or(raw)
        .trim_matches(['"', '`', '[', ']'])
        .to_ascii_lowercase();
    let Some((df, entity)) = index.entity_for_table(&name) else {
        return Vec::new();
    };
    let written: Vec<String> = body
        .split(',')
        .filter_map(|c| c.split_whitespace().next())
        .map(|w| crate::model::dictionary::normalize_name(w.trim_matches(['"', '(', '`'])))
        .collect();
    let replace = Span::new(start as u32, off as u32);
    entity
        .attributes
        .iter()
        .filter(|a| !written.contains(&crate::model::dictionary::normalize_name(&a.name)))
        .map(|a| {
            let name = a.name.trim_matches('`').to_string();
            Completion {
                label: name.clone(),
                detail: a.ty.clone(),
                documentation: Some(format!(
                    "{}{}: {}",
                    a.description
                        .as_deref()
                        .map(|d| format!("{d}\n\n"))
                        .unwrap_or_default(),
                    entity.name,
                    df
                )),
                kind: CompletionKind::Attribute,
                replace,
                insert: name,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_on_lines() {
        assert!(key_on_line("      x-fr-ids: [FR-", "x-fr-ids"));
        assert!(key_on_line("  \"x-fr-ids\": [\"FR-", "x-fr-ids"));
        assert!(!key_on_line("  x-fr-idsx: [", "x-fr-ids"));
        assert!(yaml_comment("    # traces "));
    }
}
