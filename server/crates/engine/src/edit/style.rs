//! How a YAML or JSON file is written: indentation, quoting, flow or block
//! collections, line endings. Fixes write new text in the style detected here
//! so that an inserted piece looks like its neighbours.

use specgate_syntax::text::{col, line_start};
use specgate_syntax::tree::{CollStyle, Document, Node, ScalarStyle, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

impl Format {
    /// By file name: `.json` is JSON, anything else YAML.
    pub fn of(file: &str) -> Format {
        if file.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    Single,
    Double,
}

/// The writing conventions of one file.
#[derive(Clone, Debug, PartialEq)]
pub struct Style {
    pub format: Format,
    /// Spaces per nesting level (YAML block maps, pretty JSON).
    pub indent: u32,
    /// Pretty JSON indented with tabs.
    pub tabs: bool,
    /// YAML block sequences indented under their key (`key:\n  - a`) rather
    /// than level with it (`key:\n- a`).
    pub seq_indent: bool,
    /// The quote used for YAML strings that need quoting.
    pub quote: Quote,
    /// `$ref` values are written quoted even when a plain scalar would do.
    pub ref_quote: Option<Quote>,
    /// How numeric-looking keys (`'404'`) are written; `None`: plain.
    pub numeric_key_quote: Option<Quote>,
    /// Small maps of scalars written in flow style (`{type: string}`), or on
    /// one line in JSON.
    pub flow_small: bool,
    /// `{$ref: x}` written in flow style (on one line in JSON).
    pub flow_refs: bool,
    /// The same for list items (`- $ref: x` or `- {$ref: x}`).
    pub flow_refs_in_seq: bool,
    /// The same for responses (`'404': {$ref: x}`).
    pub flow_refs_status: bool,
    /// Short lists of scalars written in flow style (`[FR-001]`).
    pub flow_seqs: bool,
    pub newline: &'static str,
    /// JSON written on one line (no newlines inside the document).
    pub compact_json: bool,
    /// JSON `"key": value` (with a space) rather than `"key":value`.
    pub json_space: bool,
}

impl Style {
    pub fn default_for(format: Format) -> Style {
        Style {
            format,
            indent: 2,
            tabs: false,
            seq_indent: true,
            quote: Quote::Single,
            ref_quote: None,
            numeric_key_quote: Some(Quote::Single),
            flow_small: false,
            flow_refs: false,
            flow_refs_in_seq: false,
            flow_refs_status: false,
            flow_seqs: true,
            newline: "\n",
            compact_json: false,
            json_space: true,
        }
    }

    /// One level of indentation as text.
    pub fn unit(&self) -> String {
        if self.tabs {
            "\t".to_string()
        } else {
            " ".repeat(self.indent as usize)
        }
    }
}

/// The leading whitespace of the line holding `offset`.
pub fn line_indent(text: &str, offset: u32) -> &str {
    let ls = line_start(text, offset) as usize;
    let rest = &text[ls..];
    let n = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..n]
}

/// The column where a YAML line's content starts, counting `- ` item
/// markers as indentation (`  - name: x` → 4).
pub fn logical_indent(text: &str, offset: u32) -> u32 {
    let ls = line_start(text, offset) as usize;
    let b = text.as_bytes();
    let mut i = ls;
    loop {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i + 1 < b.len() && b[i] == b'-' && (b[i + 1] == b' ' || b[i + 1] == b'\t') {
            i += 1;
            continue;
        }
        break;
    }
    (i - ls) as u32
}

/// Evidence of a file's style: how often each way of writing occurs.
#[derive(Clone, Debug, Default)]
pub struct Votes {
    indents: Vec<u32>,
    seq_in: u32,
    seq_level: u32,
    single: u32,
    double: u32,
    ref_plain: u32,
    ref_single: u32,
    ref_double: u32,
    key_plain: u32,
    key_single: u32,
    key_double: u32,
    small_flow: u32,
    small_block: u32,
    refs_flow: u32,
    refs_block: u32,
    item_refs_flow: u32,
    item_refs_block: u32,
    status_refs_flow: u32,
    status_refs_block: u32,
    seq_flow: u32,
    seq_block: u32,
}

fn all_scalars(n: &Node) -> bool {
    match &n.value {
        Value::Map(es, _) => es
            .iter()
            .all(|e| matches!(e.value.value, Value::Scalar(..))),
        Value::Seq(it, _) => it.iter().all(|i| matches!(i.value, Value::Scalar(..))),
        _ => false,
    }
}

/// Whether a collection was written on one line (flow in YAML, or a JSON
/// object/array opened and closed on the same line).
fn one_line(text: &str, n: &Node) -> bool {
    let s = n.span.start as usize;
    let e = (n.span.end as usize).min(text.len());
    s < e && !text[s..e].contains('\n')
}

fn vote(text: &str, n: &Node, json: bool, v: &mut Votes, depth: u32) {
    if depth > 200 {
        return;
    }
    match &n.value {
        Value::Scalar(_, st) => match st {
            ScalarStyle::SingleQuoted => v.single += 1,
            ScalarStyle::DoubleQuoted => v.double += 1,
            _ => {}
        },
        Value::Map(entries, cs) => {
            let flowish = if json {
                one_line(text, n)
            } else {
                *cs == CollStyle::Flow
            };
            let is_ref = entries.len() == 1 && entries[0].key == "$ref";
            if is_ref {
                if flowish {
                    v.refs_flow += 1
                } else {
                    v.refs_block += 1
                }
            } else if !entries.is_empty() && entries.len() <= 4 && all_scalars(n) {
                if flowish {
                    v.small_flow += 1
                } else {
                    v.small_block += 1
                }
            }
            for e in entries {
                let ks = e.key_span.start as usize;
                if !json && e.key.bytes().all(|b| b.is_ascii_digit()) && !e.key.is_empty() {
                    match text.as_bytes().get(ks) {
                        Some(b'\'') => v.key_single += 1,
                        Some(b'"') => v.key_double += 1,
                        _ => {
                            // A key span may exclude its quotes.
                            match ks.checked_sub(1).and_then(|i| text.as_bytes().get(i)) {
                                Some(b'\'') => v.key_single += 1,
                                Some(b'"') => v.key_double += 1,
                                _ => v.key_plain += 1,
                            }
                        }
                    }
                }
                let status_key = e
                    .key
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b'X' || b == b'x')
                    && e.key.len() == 3
                    || e.key == "default";
                if let Value::Map(ves, vcs) = &e.value.value {
                    if status_key && ves.len() == 1 && ves[0].key == "$ref" {
                        let flowish = if json {
                            one_line(text, &e.value)
                        } else {
                            *vcs == CollStyle::Flow
                        };
                        if flowish {
                            v.status_refs_flow += 1
                        } else {
                            v.status_refs_block += 1
                        }
                    }
                }
                if e.key == "$ref" {
                    if let Value::Scalar(_, st) = &e.value.value {
                        match st {
                            ScalarStyle::SingleQuoted => v.ref_single += 1,
                            ScalarStyle::DoubleQuoted => v.ref_double += 1,
                            ScalarStyle::Plain => v.ref_plain += 1,
                            _ => {}
                        }
                    }
                }
                if *cs == CollStyle::Block || json {
                    let kc = col(text, e.key_span.start);
                    match &e.value.value {
                        Value::Map(ch, cs2) if (*cs2 == CollStyle::Block || json) => {
                            if let Some(c) = ch.first() {
                                if line_start(text, c.key_span.start)
                                    != line_start(text, e.key_span.start)
                                {
                                    let cc = col(text, c.key_span.start);
                                    if cc > kc {
                                        v.indents.push(cc - kc);
                                    }
                                }
                            }
                        }
                        Value::Seq(items, CollStyle::Block) if !json => {
                            if let Some(first) = items.first() {
                                if let Some(dash) = dash_before(text, first.span.start) {
                                    let dc = col(text, dash);
                                    if dc > kc {
                                        v.seq_in += 1;
                                        v.indents.push(dc - kc);
                                    } else if dc == kc {
                                        v.seq_level += 1;
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                vote(text, &e.value, json, v, depth + 1);
            }
        }
        Value::Seq(items, cs) => {
            for it in items {
                if let Value::Map(es, ics) = &it.value {
                    if es.len() == 1 && es[0].key == "$ref" {
                        let flowish = if json {
                            one_line(text, it)
                        } else {
                            *ics == CollStyle::Flow
                        };
                        if flowish {
                            v.item_refs_flow += 1
                        } else {
                            v.item_refs_block += 1
                        }
                    }
                }
            }
            if !items.is_empty() && all_scalars(n) {
                let flowish = if json {
                    one_line(text, n)
                } else {
                    *cs == CollStyle::Flow
                };
                if flowish {
                    v.seq_flow += 1
                } else {
                    v.seq_block += 1
                }
            }
            for i in items {
                vote(text, i, json, v, depth + 1);
            }
        }
        Value::Missing => {}
    }
}

/// The offset of the `-` that introduces a block sequence item starting at `item_start`.
pub fn dash_before(text: &str, item_start: u32) -> Option<u32> {
    let b = text.as_bytes();
    let mut i = item_start as usize;
    if b.get(i) == Some(&b'-') && matches!(b.get(i + 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        return Some(i as u32);
    }
    while i > 0 {
        i -= 1;
        match b[i] {
            b' ' | b'\t' => continue,
            b'-' => return Some(i as u32),
            _ => return None,
        }
    }
    None
}

fn mode(v: &[u32]) -> Option<u32> {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for &x in v {
        match counts.iter_mut().find(|(k, _)| *k == x) {
            Some(c) => c.1 += 1,
            None => counts.push((x, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(k, n)| (n, std::cmp::Reverse(k)))
        .map(|(k, _)| k)
}

impl Votes {
    /// Counts the ways of writing in one document.
    pub fn of(text: &str, doc: Option<&Document>, format: Format) -> Votes {
        let mut v = Votes::default();
        if let Some(root) = doc.and_then(|d| d.root.as_ref()) {
            vote(text, root, format == Format::Json, &mut v, 0);
        }
        v
    }

    /// Adds another document's counts.
    pub fn add(&mut self, o: &Votes) {
        self.indents.extend(&o.indents);
        for (a, b) in [
            (&mut self.seq_in, o.seq_in),
            (&mut self.seq_level, o.seq_level),
            (&mut self.single, o.single),
            (&mut self.double, o.double),
            (&mut self.ref_plain, o.ref_plain),
            (&mut self.ref_single, o.ref_single),
            (&mut self.ref_double, o.ref_double),
            (&mut self.key_plain, o.key_plain),
            (&mut self.key_single, o.key_single),
            (&mut self.key_double, o.key_double),
            (&mut self.small_flow, o.small_flow),
            (&mut self.small_block, o.small_block),
            (&mut self.refs_flow, o.refs_flow),
            (&mut self.refs_block, o.refs_block),
            (&mut self.item_refs_flow, o.item_refs_flow),
            (&mut self.item_refs_block, o.item_refs_block),
            (&mut self.status_refs_flow, o.status_refs_flow),
            (&mut self.status_refs_block, o.status_refs_block),
            (&mut self.seq_flow, o.seq_flow),
            (&mut self.seq_block, o.seq_block),
        ] {
            *a += b;
        }
    }

    /// Fills in what this file gives no evidence of from another file (of
    /// the same API, in the same format).
    pub fn fill_from(&mut self, o: &Votes) {
        if self.indents.is_empty() {
            self.indents = o.indents.clone();
        }
        let pairs: [(&mut u32, &mut u32, u32, u32); 6] = [
            (
                &mut self.status_refs_flow,
                &mut self.status_refs_block,
                o.status_refs_flow,
                o.status_refs_block,
            ),
            (&mut self.seq_in, &mut self.seq_level, o.seq_in, o.seq_level),
            (
                &mut self.small_flow,
                &mut self.small_block,
                o.small_flow,
                o.small_block,
            ),
            (
                &mut self.refs_flow,
                &mut self.refs_block,
                o.refs_flow,
                o.refs_block,
            ),
            (
                &mut self.item_refs_flow,
                &mut self.item_refs_block,
                o.item_refs_flow,
                o.item_refs_block,
            ),
            (
                &mut self.seq_flow,
                &mut self.seq_block,
                o.seq_flow,
                o.seq_block,
            ),
        ];
        for (a, b, oa, ob) in pairs {
            if *a + *b == 0 {
                *a += oa;
                *b += ob;
            }
        }
        if self.single + self.double == 0 {
            self.single += o.single;
            self.double += o.double;
        }
        if self.ref_plain + self.ref_single + self.ref_double == 0 {
            self.ref_plain += o.ref_plain;
            self.ref_single += o.ref_single;
            self.ref_double += o.ref_double;
        }
        if self.key_plain + self.key_single + self.key_double == 0 {
            self.key_plain += o.key_plain;
            self.key_single += o.key_single;
            self.key_double += o.key_double;
        }
    }
}

/// Detects the style of a file from its text and parsed document.
pub fn detect(text: &str, doc: Option<&Document>, format: Format) -> Style {
    decide(text, &Votes::of(text, doc, format), format)
}

/// The style a file's evidence points to.
pub fn decide(text: &str, v: &Votes, format: Format) -> Style {
    let mut s = Style::default_for(format);
    if text.contains("\r\n") {
        s.newline = "\r\n";
    }
    let json = format == Format::Json;
    if json {
        s.quote = Quote::Double;
        s.numeric_key_quote = Some(Quote::Double);
        s.seq_indent = true;
        let body = text.trim_end();
        s.compact_json = !body.is_empty() && !body.contains('\n');
        s.json_space = !text.contains("\":") || text.contains("\": ");
        // Indentation: the smallest positive leading whitespace of a line.
        let mut min: Option<u32> = None;
        for line in text.lines() {
            let ws: &str = &line[..line.len() - line.trim_start().len()];
            if ws.is_empty() || line.trim().is_empty() {
                continue;
            }
            if ws.starts_with('\t') {
                s.tabs = true;
                s.indent = 1;
                min = Some(1);
                break;
            }
            let n = ws.len() as u32;
            min = Some(min.map_or(n, |m| m.min(n)));
        }
        if let Some(m) = min {
            if !s.tabs {
                s.indent = m.clamp(1, 8);
            }
        }
    } else {
        if let Some(m) = mode(&v.indents) {
            s.indent = m.clamp(1, 8);
        }
        s.seq_indent = v.seq_in >= v.seq_level;
        s.quote = if v.double > v.single {
            Quote::Double
        } else {
            Quote::Single
        };
        s.numeric_key_quote = if v.key_plain > v.key_single + v.key_double {
            None
        } else if v.key_double > v.key_single {
            Some(Quote::Double)
        } else {
            Some(Quote::Single)
        };
        let quoted = v.ref_single + v.ref_double;
        s.ref_quote = if quoted > v.ref_plain {
            Some(if v.ref_double > v.ref_single {
                Quote::Double
            } else {
                Quote::Single
            })
        } else {
            None
        };
    }
    s.flow_small = v.small_flow > v.small_block;
    s.flow_refs = v.refs_flow > v.refs_block;
    s.flow_refs_status = if v.status_refs_flow + v.status_refs_block > 0 {
        v.status_refs_flow > v.status_refs_block
    } else {
        s.flow_refs
    };
    s.flow_refs_in_seq = if v.item_refs_flow + v.item_refs_block > 0 {
        v.item_refs_flow > v.item_refs_block
    } else {
        s.flow_refs
    };
    s.flow_seqs = v.seq_flow >= v.seq_block;
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use specgate_syntax::text::line_end;

    #[test]
    fn line_helpers() {
        let t = "a:\n  - b: 1\r\n  c: 2\n";
        assert_eq!(col(t, 5), 2);
        assert_eq!(line_start(t, 7), 3);
        assert_eq!(line_end(t, 3), 11);
        assert_eq!(logical_indent(t, 5), 4);
        assert_eq!(line_indent(t, 7), "  ");
        assert_eq!(dash_before(t, 7), Some(5));
        assert_eq!(mode(&[2, 4, 2, 4, 2]), Some(2));
    }
}
