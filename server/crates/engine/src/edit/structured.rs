//! Edits of YAML and JSON documents on their located tree: inserting map
//! entries and list items at the right place, replacing a value, creating
//! missing parent maps. Every edit touches only the bytes it must; comments,
//! key order, quoting and the rest of the document stay as they were.

use super::render::{Renderer, Val};
use super::style::{self, line_indent, logical_indent, Format, Style};
use crate::diag::{FileId, TextEdit};
use specgate_syntax::text::{col, line_end, line_start};
use specgate_syntax::tree::{CollStyle, Document, Entry, Node, Span, Value};

/// Where a new map entry goes among the existing ones.
#[derive(Clone, Copy, Debug)]
pub enum Pos<'k> {
    End,
    Start,
    /// Before the entry at this index.
    Index(usize),
    /// HTTP status code order (`200` < `4XX` < `default`; `x-` keys last).
    Status,
    /// After the last of these keys present (else at the start).
    After(&'k [&'k str]),
    /// Before the first of these keys present (else at the end).
    Before(&'k [&'k str]),
}

/// Sort key of a response status key.
pub fn status_order(key: &str) -> u32 {
    let k = key.to_ascii_uppercase();
    if let Ok(n) = k.parse::<u32>() {
        return n * 10;
    }
    let b = k.as_bytes();
    if b.len() == 3 && b[0].is_ascii_digit() && &k[1..] == "XX" {
        return (b[0] - b'0') as u32 * 1000 + 999;
    }
    if k == "DEFAULT" {
        return 10_000;
    }
    20_000
}

/// The index at which `key` goes in `map` for `pos`.
pub fn resolve_pos(map: &Node, key: &str, pos: Pos) -> usize {
    let es = map.entries();
    match pos {
        Pos::End => es.len(),
        Pos::Start => 0,
        Pos::Index(i) => i.min(es.len()),
        Pos::Status => {
            let me = status_order(key);
            es.iter()
                .position(|e| status_order(&e.key) > me)
                .unwrap_or(es.len())
        }
        Pos::After(keys) => es
            .iter()
            .rposition(|e| keys.contains(&e.key.as_str()))
            .map(|i| i + 1)
            .unwrap_or(0),
        Pos::Before(keys) => es
            .iter()
            .position(|e| keys.contains(&e.key.as_str()))
            .unwrap_or(es.len()),
    }
}

/// Where a key is written, including its quotes.
pub fn key_span(text: &str, e: &Entry) -> Span {
    let b = text.as_bytes();
    let (s, en) = (e.key_span.start as usize, e.key_span.end as usize);
    if s > 0 && en < b.len() && matches!(b[s - 1], b'\'' | b'"') && b[en] == b[s - 1] {
        // The span excludes the quotes: only widen if they are not already inside.
        if !matches!(b.get(s), Some(b'\'' | b'"')) {
            return Span::new(s as u32 - 1, en as u32 + 1);
        }
    }
    e.key_span
}

/// The offset just after the `:` following an entry's key.
pub fn colon_after(text: &str, e: &Entry) -> u32 {
    let ks = key_span(text, e);
    let rest = &text[ks.end as usize..];
    match rest.find(':') {
        Some(i) => ks.end + i as u32 + 1,
        None => ks.end,
    }
}

/// Where an entry ends in the text.
fn entry_end(text: &str, e: &Entry) -> u32 {
    match e.value.value {
        Value::Missing => {
            // A key written without a colon (`{a: 1, then return)}`): the
            // next colon belongs to a later entry, past a `,`, `}` or line.
            let kend = key_span(text, e).end;
            let colon = colon_after(text, e);
            let between = text.get(kend as usize..colon as usize).unwrap_or("");
            if between.contains([',', '}', ']', '{', '[', '\n']) {
                kend.max(e.value.span.end)
            } else {
                colon.max(e.value.span.end)
            }
        }
        _ => e.value.span.end.max(key_span(text, e).end),
    }
}

/// Moves `ls` (a line start) up over comment lines indented at `kcol`, so an
/// insertion before an entry does not separate it from its comment.
fn above_comments(text: &str, mut ls: u32, kcol: u32) -> u32 {
    while ls > 0 {
        let prev = line_start(text, ls - 1);
        let line = text[prev as usize..ls as usize - 1].trim_end_matches('\r');
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') && (line.len() - trimmed.len()) as u32 == kcol {
            ls = prev;
        } else {
            break;
        }
    }
    ls
}

/// The nodes containing `span`, outermost first (not including the node at
/// `span`; for a key, the map holding it is the last).
pub fn ancestors(root: &Node, span: Span) -> Vec<&Node> {
    let mut out = Vec::new();
    let mut cur = root;
    for _ in 0..512 {
        if cur.span == span {
            return out;
        }
        let next = match &cur.value {
            Value::Map(es, _) => es
                .iter()
                .map(|e| &e.value)
                .find(|v| v.span.start <= span.start && span.end <= v.span.end),
            Value::Seq(it, _) => it
                .iter()
                .find(|v| v.span.start <= span.start && span.end <= v.span.end),
            _ => None,
        };
        match next {
            Some(n) => {
                out.push(cur);
                cur = n;
            }
            None => {
                // `span` is inside `cur` but in none of its values (a key).
                if cur.span.start <= span.start && span.end <= cur.span.end {
                    out.push(cur);
                }
                return out;
            }
        }
    }
    out
}

/// The entry whose value is `node`, if any.
pub fn owner<'a>(root: &'a Node, node: &Node) -> Option<&'a Entry> {
    let anc = ancestors(root, node.span);
    let parent = anc.last()?;
    parent.entries().iter().find(|e| e.value.span == node.span)
}

struct MapInsert<'a> {
    map: &'a Node,
    /// (index among existing entries, key, value), in request order.
    entries: Vec<(usize, String, Val)>,
}

struct SeqInsert<'a> {
    seq: &'a Node,
    items: Vec<(usize, Val)>,
}

/// Accumulates edits of one YAML/JSON document; [`DocEditor::finish`] turns
/// them into non-overlapping text edits. Insertions into the same map at the
/// same place are written together; requests for the same new key merge.
pub struct DocEditor<'a> {
    pub file: FileId,
    pub text: &'a str,
    pub root: Option<&'a Node>,
    pub style: Style,
    maps: Vec<MapInsert<'a>>,
    seqs: Vec<SeqInsert<'a>>,
    edits: Vec<TextEdit>,
}

impl<'a> DocEditor<'a> {
    pub fn new(file: &FileId, text: &'a str, doc: Option<&'a Document>) -> Self {
        let format = Format::of(file);
        Self::with_style(file, text, doc, style::detect(text, doc, format))
    }

    pub fn with_style(
        file: &FileId,
        text: &'a str,
        doc: Option<&'a Document>,
        style: Style,
    ) -> Self {
        DocEditor {
            file: file.clone(),
            text,
            root: doc.and_then(|d| d.root.as_ref()),
            style,
            maps: Vec::new(),
            seqs: Vec::new(),
            edits: Vec::new(),
        }
    }

    pub fn renderer(&self) -> Renderer<'_> {
        Renderer::new(&self.style)
    }

    /// Source text of a node.
    pub fn slice(&self, span: Span) -> &'a str {
        &self.text[span.start as usize..(span.end as usize).min(self.text.len())]
    }

    /// Whether `key` is already pending for `map`.
    pub fn pending(&self, map: &Node, key: &str) -> bool {
        self.maps
            .iter()
            .any(|m| m.map.span == map.span && m.entries.iter().any(|(_, k, _)| k == key))
    }

    /// Inserts `key: val` into `map` (merging with a pending insertion of the same key).
    pub fn insert_entry(&mut self, map: &'a Node, key: &str, val: Val, pos: Pos) {
        let idx = resolve_pos(map, key, pos);
        let group = match self.maps.iter_mut().position(|m| m.map.span == map.span) {
            Some(i) => &mut self.maps[i],
            None => {
                self.maps.push(MapInsert {
                    map,
                    entries: Vec::new(),
                });
                self.maps.last_mut().expect("just pushed")
            }
        };
        if let Some((_, _, v)) = group.entries.iter_mut().find(|(_, k, _)| k == key) {
            v.merge(val);
            return;
        }
        group.entries.push((idx, key.to_string(), val));
    }

    /// Inserts an item into a sequence (at `index`, or the end).
    pub fn insert_item(&mut self, seq: &'a Node, val: Val, index: Option<usize>) {
        let n = seq.items().len();
        let idx = index.unwrap_or(n).min(n);
        match self.seqs.iter_mut().find(|s| s.seq.span == seq.span) {
            Some(s) => s.items.push((idx, val)),
            None => self.seqs.push(SeqInsert {
                seq,
                items: vec![(idx, val)],
            }),
        }
    }

    pub fn replace(&mut self, span: Span, new_text: impl Into<String>) {
        self.edits.push(TextEdit {
            file: self.file.clone(),
            span,
            new_text: new_text.into(),
        });
    }

    /// Replaces the value of `entry` with `val`.
    pub fn replace_value(&mut self, entry: &'a Entry, val: Val) {
        let e = self.value_edit(entry, &val);
        self.edits.push(e);
    }

    fn value_edit(&self, entry: &Entry, val: &Val) -> TextEdit {
        let text = self.text;
        let r = self.renderer();
        let v = &entry.value;
        let mk = |span: Span, new_text: String| TextEdit {
            file: self.file.clone(),
            span,
            new_text,
        };
        if self.style.format == Format::Json {
            let level = self.json_level(line_indent(text, key_span(text, entry).start));
            return mk(v.span, r.json(val, level, false));
        }
        if self.in_flow(v) {
            return mk(v.span, r.inline(val));
        }
        let kcol = col(text, key_span(text, entry).start);
        let block_body = matches!(&v.value, Value::Map(es, CollStyle::Block) if !es.is_empty())
            && line_start(text, v.span.start) != line_start(text, entry.key_span.start);
        if let (true, Val::Map(es)) = (block_body, val) {
            let after = r.yaml_after_colon(val, kcol);
            if after.starts_with(self.style.newline) && !es.is_empty() {
                return mk(v.span, r.yaml_block_body(es, col(text, v.span.start)));
            }
        }
        if let (true, Val::Raw(raw)) = (block_body, val) {
            if raw.block {
                let c = col(text, v.span.start);
                return mk(
                    v.span,
                    super::render::reindent(&raw.text, raw.col, c, self.style.newline),
                );
            }
        }
        let colon = colon_after(text, entry);
        let end = match v.value {
            Value::Missing => colon,
            _ => v.span.end.max(colon),
        };
        mk(Span::new(colon, end), r.yaml_after_colon(val, kcol))
    }

    /// Nesting level of a JSON line from its indentation.
    fn json_level(&self, indent: &str) -> u32 {
        if self.style.tabs {
            indent.chars().filter(|c| *c == '\t').count() as u32
        } else {
            indent.len() as u32 / self.style.indent.max(1)
        }
    }

    fn in_flow(&self, node: &Node) -> bool {
        if self.style.format == Format::Json {
            return true;
        }
        let Some(root) = self.root else { return false };
        ancestors(root, node.span).iter().any(|a| {
            matches!(
                a.value,
                Value::Map(_, CollStyle::Flow) | Value::Seq(_, CollStyle::Flow)
            )
        })
    }

    /// Makes sure the map at `path` (keys from the root) has `key`; missing
    /// maps on the way are created. Returns false when the path runs into
    /// something that is not a map.
    pub fn ensure_entry(&mut self, path: &[&str], key: &str, val: Val, pos: Pos) -> bool {
        let Some(root) = self.root else {
            return false;
        };
        let mut cur = root;
        for (i, t) in path.iter().enumerate() {
            if !cur.is_map() {
                return false;
            }
            match cur.entry(t) {
                Some(e) if e.value.is_map() => cur = &e.value,
                Some(e) if e.value.is_null() => {
                    // `components:` with nothing: write the whole rest there.
                    let mut v = Val::Map(vec![(key.to_string(), val)]);
                    for t in path[i + 1..].iter().rev() {
                        v = Val::Map(vec![(t.to_string(), v)]);
                    }
                    self.replace_value(e, v);
                    return true;
                }
                Some(_) => return false,
                None => {
                    let mut v = Val::Map(vec![(key.to_string(), val)]);
                    for t in path[i + 1..].iter().rev() {
                        v = Val::Map(vec![(t.to_string(), v)]);
                    }
                    self.insert_entry(cur, t, v, Pos::End);
                    return true;
                }
            }
        }
        if !cur.is_map() {
            return false;
        }
        if cur.entry(key).is_some() {
            return true;
        }
        self.insert_entry(cur, key, val, pos);
        true
    }

    /// The text edits of everything requested, sorted. Insertions into
    /// different collections that land on the same offset (the end of a
    /// nested map is the end of its parents too) become one edit, the
    /// innermost collection's text first.
    pub fn finish(self) -> Vec<TextEdit> {
        let mut out = self.edits.clone();
        let mut inserts: Vec<(u32, usize, TextEdit)> = Vec::new();
        let depth = |n: &Node| self.root.map(|r| ancestors(r, n.span).len()).unwrap_or(0);
        for m in &self.maps {
            let mut idxs: Vec<usize> = m.entries.iter().map(|(i, _, _)| *i).collect();
            idxs.sort_unstable();
            idxs.dedup();
            for idx in idxs {
                let mut es: Vec<(String, Val)> = m
                    .entries
                    .iter()
                    .filter(|(i, _, _)| *i == idx)
                    .map(|(_, k, v)| (k.clone(), v.clone()))
                    .collect();
                // Status codes going to the same place go in code order.
                if es.iter().all(|(k, _)| status_order(k) < 20_000) {
                    es.sort_by_key(|(k, _)| status_order(k));
                }
                let e = self.map_edit(m.map, idx, &es);
                inserts.push((e.span.start, depth(m.map), e));
            }
        }
        for s in &self.seqs {
            let mut idxs: Vec<usize> = s.items.iter().map(|(i, _)| *i).collect();
            idxs.sort_unstable();
            idxs.dedup();
            for idx in idxs {
                let items: Vec<Val> = s
                    .items
                    .iter()
                    .filter(|(i, _)| *i == idx)
                    .map(|(_, v)| v.clone())
                    .collect();
                let e = self.seq_edit(s.seq, idx, &items);
                inserts.push((e.span.start, depth(s.seq), e));
            }
        }
        // Deepest first at equal offsets.
        inserts.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut merged: Vec<TextEdit> = Vec::new();
        for (_, _, e) in inserts {
            match merged.last_mut() {
                Some(last) if last.span.is_empty() && e.span.is_empty() && last.span == e.span => {
                    last.new_text.push_str(&e.new_text);
                }
                _ => merged.push(e),
            }
        }
        out.extend(merged);
        out.sort();
        out
    }

    fn edit(&self, at: u32, end: u32, new_text: String) -> TextEdit {
        TextEdit {
            file: self.file.clone(),
            span: Span::new(at, end),
            new_text,
        }
    }

    /// The column of a block map's keys.
    fn block_key_col(&self, entries: &[Entry]) -> u32 {
        let text = self.text;
        for e in entries {
            let ks = key_span(text, e).start;
            let ls = line_start(text, ks);
            if text[ls as usize..ks as usize].trim().is_empty() {
                return ks - ls;
            }
        }
        col(text, key_span(text, &entries[0]).start)
    }

    fn map_edit(&self, map: &Node, idx: usize, es: &[(String, Val)]) -> TextEdit {
        let text = self.text;
        let r = self.renderer();
        let nl = self.style.newline;
        let json = self.style.format == Format::Json;
        match &map.value {
            Value::Map(entries, CollStyle::Block) if !entries.is_empty() && !json => {
                let kcol = self.block_key_col(entries);
                let ind = " ".repeat(kcol as usize);
                if idx < entries.len() {
                    let ks = key_span(text, &entries[idx]).start;
                    let ls = line_start(text, ks);
                    if text[ls as usize..ks as usize].trim().is_empty() {
                        let at = above_comments(text, ls, kcol);
                        let body: String = es
                            .iter()
                            .map(|(k, v)| format!("{ind}{}{nl}", r.yaml_entry(k, v, kcol)))
                            .collect();
                        self.edit(at, at, body)
                    } else {
                        let body: String = es
                            .iter()
                            .map(|(k, v)| format!("{}{nl}{ind}", r.yaml_entry(k, v, kcol)))
                            .collect();
                        self.edit(ks, ks, body)
                    }
                } else {
                    let end = entry_end(text, entries.last().expect("non-empty"));
                    if end > 0 && text.as_bytes()[end as usize - 1] == b'\n' {
                        let body: String = es
                            .iter()
                            .map(|(k, v)| format!("{ind}{}{nl}", r.yaml_entry(k, v, kcol)))
                            .collect();
                        self.edit(end, end, body)
                    } else {
                        let at = line_end(text, end);
                        let body: String = es
                            .iter()
                            .map(|(k, v)| format!("{nl}{ind}{}", r.yaml_entry(k, v, kcol)))
                            .collect();
                        self.edit(at, at, body)
                    }
                }
            }
            Value::Map(entries, _) if !entries.is_empty() => {
                let first = key_span(text, &entries[0]).start;
                let multiline = line_start(text, map.span.start) != line_start(text, first)
                    || entries
                        .iter()
                        .any(|e| line_start(text, e.key_span.start) != line_start(text, first));
                let lead = if multiline {
                    line_indent(text, first).to_string()
                } else {
                    String::new()
                };
                let level = self.json_level(&lead);
                let member = |k: &str, v: &Val| -> String {
                    if json {
                        if multiline {
                            r.json_member(k, v, level)
                        } else {
                            let colon = if self.style.json_space { ": " } else { ":" };
                            format!("{}{colon}{}", r.key(k, true), r.json(v, level, true))
                        }
                    } else if multiline {
                        format!("{}: {}", r.key(k, true), r.yaml_flow_lines(v, &lead))
                    } else {
                        format!("{}: {}", r.key(k, true), r.inline(v))
                    }
                };
                let sep = if multiline {
                    format!(",{nl}{lead}")
                } else if json && self.style.compact_json {
                    ",".to_string()
                } else {
                    ", ".to_string()
                };
                if idx < entries.len() {
                    let at = key_span(text, &entries[idx]).start;
                    let body: String = es
                        .iter()
                        .map(|(k, v)| format!("{}{sep}", member(k, v)))
                        .collect();
                    self.edit(at, at, body)
                } else {
                    let at = entry_end(text, entries.last().expect("non-empty"));
                    let body: String = es
                        .iter()
                        .map(|(k, v)| format!("{sep}{}", member(k, v)))
                        .collect();
                    self.edit(at, at, body)
                }
            }
            _ => {
                // An empty map `{}` (or an empty value).
                if json {
                    let lead = line_indent(text, map.span.start).to_string();
                    let level = self.json_level(&lead);
                    if self.style.compact_json {
                        let inner: Vec<String> = es
                            .iter()
                            .map(|(k, v)| format!("{}:{}", r.key(k, true), r.json(v, level, true)))
                            .collect();
                        return self.edit(
                            map.span.start,
                            map.span.end,
                            format!("{{{}}}", inner.join(",")),
                        );
                    }
                    let pad = r.json_pad(level + 1);
                    let inner: Vec<String> = es
                        .iter()
                        .map(|(k, v)| format!("{pad}{}", r.json_member(k, v, level + 1)))
                        .collect();
                    return self.edit(
                        map.span.start,
                        map.span.end,
                        format!(
                            "{{{nl}{}{nl}{}}}",
                            inner.join(&format!(",{nl}")),
                            r.json_pad(level)
                        ),
                    );
                }
                if self.in_flow(map) {
                    let inner: Vec<String> = es
                        .iter()
                        .map(|(k, v)| format!("{}: {}", r.key(k, true), r.inline(v)))
                        .collect();
                    return self.edit(
                        map.span.start,
                        map.span.end,
                        format!("{{{}}}", inner.join(", ")),
                    );
                }
                let c = logical_indent(text, map.span.start) + self.style.indent;
                // Also drop the space(s) between `key:` and `{}`.
                let mut start = map.span.start as usize;
                while start > 0 && text.as_bytes()[start - 1] == b' ' {
                    start -= 1;
                }
                let ind = " ".repeat(c as usize);
                let body: String = es
                    .iter()
                    .map(|(k, v)| format!("{nl}{ind}{}", r.yaml_entry(k, v, c)))
                    .collect();
                self.edit(start as u32, map.span.end, body)
            }
        }
    }

    fn seq_edit(&self, seq: &Node, idx: usize, vals: &[Val]) -> TextEdit {
        let text = self.text;
        let r = self.renderer();
        let nl = self.style.newline;
        let json = self.style.format == Format::Json;
        match &seq.value {
            Value::Seq(items, CollStyle::Block) if !items.is_empty() && !json => {
                let first = &items[0];
                let dash = style::dash_before(text, first.span.start).unwrap_or(first.span.start);
                let dcol = col(text, dash);
                let ccol = col(text, first.span.start).max(dcol + 2);
                let marker = format!("-{}", " ".repeat((ccol - dcol - 1) as usize));
                let ind = " ".repeat(dcol as usize);
                let maps_block = r.maps_block(vals)
                    || matches!(first.value, Value::Map(ref es, CollStyle::Block) if !es.is_empty());
                let item = |v: &Val| format!("{marker}{}", r.yaml_item_with(v, ccol, maps_block));
                if idx < items.len() {
                    let d = style::dash_before(text, items[idx].span.start)
                        .unwrap_or(items[idx].span.start);
                    let ls = line_start(text, d);
                    if text[ls as usize..d as usize].trim().is_empty() {
                        let at = above_comments(text, ls, dcol);
                        let body: String = vals
                            .iter()
                            .map(|v| format!("{ind}{}{nl}", item(v)))
                            .collect();
                        self.edit(at, at, body)
                    } else {
                        let body: String = vals
                            .iter()
                            .map(|v| format!("{}{nl}{ind}", item(v)))
                            .collect();
                        self.edit(d, d, body)
                    }
                } else {
                    let end = items.last().expect("non-empty").span.end;
                    if end > 0 && text.as_bytes()[end as usize - 1] == b'\n' {
                        let body: String = vals
                            .iter()
                            .map(|v| format!("{ind}{}{nl}", item(v)))
                            .collect();
                        self.edit(end, end, body)
                    } else {
                        let at = line_end(text, end);
                        let body: String = vals
                            .iter()
                            .map(|v| format!("{nl}{ind}{}", item(v)))
                            .collect();
                        self.edit(at, at, body)
                    }
                }
            }
            Value::Seq(items, _) if !items.is_empty() => {
                let first = items[0].span.start;
                let multiline = line_start(text, seq.span.start) != line_start(text, first)
                    || items
                        .iter()
                        .any(|i| line_start(text, i.span.start) != line_start(text, first));
                let lead = if multiline {
                    line_indent(text, first).to_string()
                } else {
                    String::new()
                };
                let level = self.json_level(&lead);
                let one = |v: &Val| -> String {
                    if json {
                        r.json(v, level, !multiline)
                    } else {
                        r.inline(v)
                    }
                };
                let sep = if multiline {
                    format!(",{nl}{lead}")
                } else if json && self.style.compact_json {
                    ",".to_string()
                } else {
                    ", ".to_string()
                };
                if idx < items.len() {
                    let at = items[idx].span.start;
                    let body: String = vals.iter().map(|v| format!("{}{sep}", one(v))).collect();
                    self.edit(at, at, body)
                } else {
                    let at = items.last().expect("non-empty").span.end;
                    let body: String = vals.iter().map(|v| format!("{sep}{}", one(v))).collect();
                    self.edit(at, at, body)
                }
            }
            _ => {
                if json {
                    let lead = line_indent(text, seq.span.start).to_string();
                    let level = self.json_level(&lead);
                    let v = Val::Seq(vals.to_vec());
                    return self.edit(seq.span.start, seq.span.end, r.json(&v, level, false));
                }
                let v = Val::Seq(vals.to_vec());
                if self.in_flow(seq) {
                    return self.edit(seq.span.start, seq.span.end, r.inline(&v));
                }
                let c = logical_indent(text, seq.span.start);
                let after = r.yaml_after_colon(&v, c);
                let mut start = seq.span.start as usize;
                if after.starts_with(nl) {
                    while start > 0 && text.as_bytes()[start - 1] == b' ' {
                        start -= 1;
                    }
                    self.edit(start as u32, seq.span.end, after)
                } else {
                    self.edit(seq.span.start, seq.span.end, after.trim_start().to_string())
                }
            }
        }
    }
}
