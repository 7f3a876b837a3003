//! Small YAML/JSON snippets written in a file's [`Style`].
//!
//! Fixes describe what they insert as a [`Val`]; rendering turns it into text
//! for a given position (indentation column, flow or block context). Only
//! the inserted piece is ever rendered: documents are never re-serialized.

use super::style::{Format, Quote, Style};

/// A value to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// A string: quoted only when a plain scalar would read differently.
    Str(String),
    /// A number, boolean or null, written as is.
    Lit(String),
    Map(Vec<(String, Val)>),
    Seq(Vec<Val>),
    /// `{$ref: target}` in the file's style for references.
    Ref(String),
    /// Existing source text moved to a new place (re-indented, never re-written).
    Raw(Raw),
}

/// Source text of a node, and where its layout is anchored: for a block
/// collection the column of its first character, otherwise (a flow
/// collection or JSON value starting mid-line) the indentation of the line
/// it starts on, which its following lines are laid out against.
#[derive(Clone, Debug, PartialEq)]
pub struct Raw {
    pub text: String,
    pub col: u32,
    /// A block collection (its text starts with its first key or `-`).
    pub block: bool,
}

impl Raw {
    /// The text of `span` in `text` (a block collection when `block`).
    pub fn of(text: &str, span: specgate_syntax::tree::Span, block: bool) -> Raw {
        let col = if block {
            specgate_syntax::text::col(text, span.start)
        } else {
            let ind = super::style::line_indent(text, span.start);
            ind.len() as u32
        };
        Raw {
            text: text[span.start as usize..span.end as usize].to_string(),
            col,
            block,
        }
    }
}

impl Val {
    pub fn str(s: impl Into<String>) -> Val {
        Val::Str(s.into())
    }
    pub fn lit(s: impl Into<String>) -> Val {
        Val::Lit(s.into())
    }
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Val)>) -> Val {
        Val::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    fn is_scalar(&self) -> bool {
        matches!(self, Val::Str(_) | Val::Lit(_))
    }

    /// Whether this is a small map of scalars (written `{type: string}` when
    /// the file writes those in flow style).
    fn is_small_map(&self) -> bool {
        matches!(self, Val::Map(es) if !es.is_empty() && es.len() <= 4 && es.iter().all(|(_, v)| v.is_scalar()))
    }

    fn is_scalar_seq(&self) -> bool {
        matches!(self, Val::Seq(it) if it.iter().all(Val::is_scalar))
    }

    /// Merges `other` into `self` when both are maps (entries of `other`
    /// with a key already present are merged recursively or ignored).
    pub fn merge(&mut self, other: Val) {
        if let (Val::Map(a), Val::Map(b)) = (&mut *self, other) {
            for (k, v) in b {
                match a.iter_mut().find(|(x, _)| *x == k) {
                    Some((_, existing)) => existing.merge(v),
                    None => a.push((k, v)),
                }
            }
        }
    }
}

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    if t.is_empty() {
        return false;
    }
    if t.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return true;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("0x") || lower.starts_with("0o") || lower.starts_with("0b") {
        return true;
    }
    if matches!(lower.as_str(), ".inf" | ".nan") {
        return true;
    }
    // Floats: 1.5, 1e3, .5
    let mut digits = false;
    for (i, c) in lower.char_indices() {
        match c {
            '0'..='9' => digits = true,
            '.' | '_' => {}
            'e' if i > 0 => {}
            '-' | '+' if lower.as_bytes()[i - 1] == b'e' => {}
            _ => return false,
        }
    }
    digits
}

/// `new` written in place of the scalar whose text is `written`: in the
/// same quotes (JSON strings and quoted YAML keep theirs), plain where YAML
/// reads it back unchanged, else double-quoted.
pub fn like_written(written: &str, new: &str, in_flow: bool) -> String {
    match written.chars().next() {
        Some(q @ ('"' | '\'')) => format!("{q}{new}{q}"),
        _ if yaml_needs_quotes(new, in_flow) => double_quoted(new),
        _ => new.to_string(),
    }
}

/// Whether a YAML plain scalar would not read back as the string `s`.
pub fn yaml_needs_quotes(s: &str, in_flow: bool) -> bool {
    if s.is_empty() || s.trim() != s {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    ) || looks_numeric(s)
    {
        return true;
    }
    // YAML 1.1 timestamps/dates.
    let b = s.as_bytes();
    if b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
    {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if "[]{}#&*!|>'\"%@`,".contains(first) {
        return true;
    }
    if (first == '-' || first == '?' || first == ':')
        && (s.len() == 1 || s[1..].starts_with([' ', '\t']))
    {
        return true;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t') {
        return true;
    }
    if s.chars().any(|c| c.is_control()) {
        return true;
    }
    in_flow && s.contains([',', '[', ']', '{', '}'])
}

fn double_quoted(s: &str) -> String {
    // JSON string syntax is valid YAML double-quoted syntax.
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn quoted(s: &str, q: Quote) -> String {
    if q == Quote::Double || s.chars().any(|c| c.is_control()) {
        double_quoted(s)
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// Writes values in one file's style.
pub struct Renderer<'s> {
    pub style: &'s Style,
}

impl<'s> Renderer<'s> {
    pub fn new(style: &'s Style) -> Self {
        Renderer { style }
    }

    fn nl(&self) -> &'static str {
        self.style.newline
    }

    fn ind(&self, col: u32) -> String {
        if self.style.tabs && self.style.format == Format::Json {
            "\t".repeat(col as usize)
        } else {
            " ".repeat(col as usize)
        }
    }

    /// A YAML string scalar.
    pub fn yaml_scalar(&self, s: &str, in_flow: bool) -> String {
        if yaml_needs_quotes(s, in_flow) {
            quoted(s, self.style.quote)
        } else {
            s.to_string()
        }
    }

    fn yaml_ref(&self, target: &str, in_flow: bool) -> String {
        match self.style.ref_quote {
            Some(q) => quoted(target, q),
            None => self.yaml_scalar(target, in_flow),
        }
    }

    /// A map key (YAML or JSON).
    pub fn key(&self, k: &str, in_flow: bool) -> String {
        match self.style.format {
            Format::Json => double_quoted(k),
            Format::Yaml => {
                if !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) {
                    return match self.style.numeric_key_quote {
                        Some(q) => quoted(k, q),
                        None => k.to_string(),
                    };
                }
                self.yaml_scalar(k, in_flow)
            }
        }
    }

    /// A value written inline (YAML flow style, or JSON on one line).
    pub fn inline(&self, v: &Val) -> String {
        match self.style.format {
            Format::Json => self.json(v, 0, true),
            Format::Yaml => self.yaml_flow(v),
        }
    }

    fn yaml_flow(&self, v: &Val) -> String {
        match v {
            Val::Str(s) => self.yaml_scalar(s, true),
            Val::Lit(s) => s.clone(),
            Val::Ref(t) => format!("{{$ref: {}}}", self.yaml_ref(t, true)),
            Val::Map(es) => {
                let inner: Vec<String> = es
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.key(k, true), self.yaml_flow(v)))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            Val::Seq(it) => {
                let inner: Vec<String> = it.iter().map(|v| self.yaml_flow(v)).collect();
                format!("[{}]", inner.join(", "))
            }
            Val::Raw(r) => r.text.trim_end().to_string(),
        }
    }

    /// A YAML flow value laid out over lines like a multi-line flow
    /// document: collections that fit in `width` columns stay on one line,
    /// bigger ones get one entry per line, indented one level past `indent`.
    pub fn yaml_flow_lines(&self, v: &Val, indent: &str) -> String {
        let one = self.yaml_flow(v);
        if one.len() + indent.len() <= 100 || !matches!(v, Val::Map(_) | Val::Seq(_)) {
            return one;
        }
        let nl = self.nl();
        let inner = format!("{indent}{}", self.style.unit());
        match v {
            Val::Map(es) if !es.is_empty() => {
                let parts: Vec<String> = es
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{inner}{}: {}",
                            self.key(k, true),
                            self.yaml_flow_lines(v, &inner)
                        )
                    })
                    .collect();
                format!("{{{nl}{}{nl}{indent}}}", parts.join(&format!(",{nl}")))
            }
            Val::Seq(it) if !it.is_empty() => {
                let parts: Vec<String> = it
                    .iter()
                    .map(|v| format!("{inner}{}", self.yaml_flow_lines(v, &inner)))
                    .collect();
                format!("[{nl}{}{nl}{indent}]", parts.join(&format!(",{nl}")))
            }
            _ => one,
        }
    }

    /// Whether `v` is written in flow style when it is the value of a block entry.
    fn yaml_prefers_flow(&self, v: &Val) -> bool {
        match v {
            Val::Map(es) if es.is_empty() => true,
            Val::Seq(it) if it.is_empty() => true,
            Val::Ref(_) => self.style.flow_refs,
            Val::Map(_) => self.style.flow_small && v.is_small_map(),
            Val::Seq(it) => self.style.flow_seqs && v.is_scalar_seq() && it.len() <= 8,
            _ => true,
        }
    }

    /// `key: value` as a YAML block map entry whose key is at column `col`
    /// (no leading indentation, no trailing newline).
    pub fn yaml_entry(&self, key: &str, v: &Val, col: u32) -> String {
        let status = key == "default"
            || key.len() == 3 && key.bytes().all(|b| b.is_ascii_digit() || b == b'X');
        if let (true, Val::Ref(t)) = (status, v) {
            if self.style.flow_refs_status != self.style.flow_refs {
                // Responses are written like the file's other responses.
                let st = Style {
                    flow_refs: self.style.flow_refs_status,
                    ..self.style.clone()
                };
                let r = Renderer { style: &st };
                return format!(
                    "{}:{}",
                    r.key(key, false),
                    r.yaml_after_colon(&Val::Ref(t.clone()), col)
                );
            }
        }
        format!("{}:{}", self.key(key, false), self.yaml_after_colon(v, col))
    }

    /// What follows `key:` for a block entry at column `col`.
    pub fn yaml_after_colon(&self, v: &Val, col: u32) -> String {
        let u = self.style.indent;
        let nl = self.nl();
        match v {
            Val::Str(s) => format!(" {}", self.yaml_scalar(s, false)),
            Val::Lit(s) => format!(" {s}"),
            Val::Raw(r) if r.block => {
                format!(
                    "{nl}{}{}",
                    self.ind(col + u),
                    reindent(&r.text, r.col, col + u, nl)
                )
            }
            Val::Raw(r) => format!(" {}", reindent(&r.text, r.col, col, nl)),
            _ if self.yaml_prefers_flow(v) => format!(" {}", self.yaml_flow(v)),
            Val::Ref(t) => format!("{nl}{}$ref: {}", self.ind(col + u), self.yaml_ref(t, false)),
            Val::Map(es) => {
                let mut s = String::new();
                for (k, v) in es {
                    s.push_str(nl);
                    s.push_str(&self.ind(col + u));
                    s.push_str(&self.yaml_entry(k, v, col + u));
                }
                s
            }
            Val::Seq(it) => {
                let dcol = if self.style.seq_indent { col + u } else { col };
                let maps_block = self.maps_block(it);
                let mut s = String::new();
                for v in it {
                    s.push_str(nl);
                    s.push_str(&self.ind(dcol));
                    s.push_str("- ");
                    s.push_str(&self.yaml_item_with(v, dcol + 2, maps_block));
                }
                s
            }
        }
    }

    /// The body of a YAML block map at column `col`: entries separated by
    /// newline + indentation, the first without indentation.
    pub fn yaml_block_body(&self, es: &[(String, Val)], col: u32) -> String {
        let sep = format!("{}{}", self.nl(), self.ind(col));
        es.iter()
            .map(|(k, v)| self.yaml_entry(k, v, col))
            .collect::<Vec<_>>()
            .join(&sep)
    }

    /// Whether the maps among list items are written in block style: when
    /// any of them must be, all are (siblings look alike).
    pub fn maps_block(&self, items: &[Val]) -> bool {
        items
            .iter()
            .any(|v| matches!(v, Val::Map(es) if !es.is_empty() && !self.yaml_prefers_flow(v)))
    }

    /// A block sequence item whose content starts at column `col` (after `- `).
    pub fn yaml_item(&self, v: &Val, col: u32) -> String {
        self.yaml_item_with(v, col, false)
    }

    /// [`Self::yaml_item`]; `maps_block` writes even small maps in block style.
    pub fn yaml_item_with(&self, v: &Val, col: u32, maps_block: bool) -> String {
        match v {
            Val::Map(es) if !es.is_empty() && (maps_block || !self.yaml_prefers_flow(v)) => {
                self.yaml_block_body(es, col)
            }
            Val::Ref(t) if !self.style.flow_refs_in_seq => {
                format!("$ref: {}", self.yaml_ref(t, false))
            }
            Val::Raw(r) if r.block => reindent(&r.text, r.col, col, self.nl()),
            Val::Raw(r) => reindent(&r.text, r.col, col.saturating_sub(2), self.nl()),
            _ => self.yaml_flow(v),
        }
    }

    /// A JSON value whose line is indented `level` units; `inline` forces one line.
    pub fn json(&self, v: &Val, level: u32, inline: bool) -> String {
        let st = self.style;
        let inline = inline || st.compact_json;
        let colon = if st.json_space { ": " } else { ":" };
        let comma = if st.compact_json { "," } else { ", " };
        match v {
            Val::Str(s) => double_quoted(s),
            Val::Lit(s) => s.clone(),
            Val::Ref(t) => {
                let m = Val::Map(vec![("$ref".into(), Val::Str(t.clone()))]);
                self.json(&m, level, inline || st.flow_refs)
            }
            Val::Raw(r) => {
                let to = level * st.indent;
                reindent(r.text.trim_end(), r.col, to, self.nl())
            }
            Val::Map(es) if es.is_empty() => "{}".into(),
            Val::Seq(it) if it.is_empty() => "[]".into(),
            Val::Map(es) => {
                let one = inline || (st.flow_small && v.is_small_map());
                if one {
                    let inner: Vec<String> = es
                        .iter()
                        .map(|(k, v)| {
                            format!("{}{colon}{}", double_quoted(k), self.json(v, level, true))
                        })
                        .collect();
                    format!("{{{}}}", inner.join(comma))
                } else {
                    let pad = self.json_pad(level + 1);
                    let inner: Vec<String> = es
                        .iter()
                        .map(|(k, v)| {
                            format!(
                                "{pad}{}{colon}{}",
                                double_quoted(k),
                                self.json(v, level + 1, false)
                            )
                        })
                        .collect();
                    format!(
                        "{{{nl}{}{nl}{}}}",
                        inner.join(&format!(",{}", self.nl())),
                        self.json_pad(level),
                        nl = self.nl()
                    )
                }
            }
            Val::Seq(it) => {
                let one = inline || (st.flow_seqs && v.is_scalar_seq());
                if one {
                    let inner: Vec<String> = it.iter().map(|v| self.json(v, level, true)).collect();
                    format!("[{}]", inner.join(comma))
                } else {
                    let pad = self.json_pad(level + 1);
                    let inner: Vec<String> = it
                        .iter()
                        .map(|v| format!("{pad}{}", self.json(v, level + 1, false)))
                        .collect();
                    format!(
                        "[{nl}{}{nl}{}]",
                        inner.join(&format!(",{}", self.nl())),
                        self.json_pad(level),
                        nl = self.nl()
                    )
                }
            }
        }
    }

    /// A JSON `"key": value` member at `level`.
    pub fn json_member(&self, key: &str, v: &Val, level: u32) -> String {
        let colon = if self.style.json_space { ": " } else { ":" };
        format!(
            "{}{colon}{}",
            double_quoted(key),
            self.json(v, level, false)
        )
    }

    /// Indentation of JSON nesting `level`.
    pub fn json_pad(&self, level: u32) -> String {
        if self.style.tabs {
            "\t".repeat(level as usize)
        } else {
            " ".repeat((level * self.style.indent) as usize)
        }
    }
}

/// Moves text whose first character was at column `from` so that it starts
/// at column `to`: every following line is shifted by the same amount
/// (lines that are blank are left alone; a line never loses non-space text).
pub fn reindent(text: &str, from: u32, to: u32, nl: &str) -> String {
    let text = text.trim_end_matches(['\n', '\r', ' ']);
    if from == to {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if i > 0 {
            out.push_str(nl);
            if line.trim().is_empty() {
                continue;
            }
            if to > from {
                out.push_str(&" ".repeat((to - from) as usize));
                out.push_str(line);
            } else {
                let lead = line.len() - line.trim_start_matches(' ').len();
                let cut = lead.min((from - to) as usize);
                out.push_str(&line[cut..]);
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml() -> Style {
        Style::default_for(Format::Yaml)
    }

    #[test]
    fn quoting_only_where_needed() {
        for s in ["FR-001", "Not found", "../a.yaml#/NotFound", "a-b", "x:y"] {
            assert!(!yaml_needs_quotes(s, false), "{s}");
        }
        for s in [
            "",
            "404",
            "true",
            "no",
            "#/components",
            "a: b",
            "a #b",
            "- x",
            "2024-01-01",
            "1.5",
            "@x",
            "null",
        ] {
            assert!(yaml_needs_quotes(s, false), "{s}");
        }
        assert!(yaml_needs_quotes("a, b", true));
        assert!(!yaml_needs_quotes("a, b", false));
    }

    #[test]
    fn block_and_flow_yaml() {
        let st = yaml();
        let r = Renderer::new(&st);
        let v = Val::map([
            ("description", Val::str("Not found")),
            (
                "content",
                Val::map([(
                    "application/json",
                    Val::map([("schema", Val::Ref("#/components/schemas/Problem".into()))]),
                )]),
            ),
        ]);
        assert_eq!(
            r.yaml_entry("404", &v, 4),
            "'404':\n      description: Not found\n      content:\n        application/json:\n          schema:\n            $ref: '#/components/schemas/Problem'"
        );
        assert_eq!(
            r.yaml_entry("x-fr-ids", &Val::Seq(vec![Val::str("FR-001")]), 0),
            "x-fr-ids: [FR-001]"
        );
        let mut st2 = yaml();
        st2.flow_seqs = false;
        st2.seq_indent = false;
        st2.indent = 4;
        st2.flow_refs = true;
        st2.flow_refs_status = true;
        let r = Renderer::new(&st2);
        assert_eq!(
            r.yaml_entry("x-fr-ids", &Val::Seq(vec![Val::str("FR-001")]), 4),
            "x-fr-ids:\n    - FR-001"
        );
        assert_eq!(
            r.yaml_entry(
                "parameters",
                &Val::Seq(vec![Val::map([
                    ("name", Val::str("limit")),
                    ("in", Val::str("query"))
                ])]),
                0
            ),
            "parameters:\n- name: limit\n  in: query"
        );
        assert_eq!(
            r.yaml_entry("401", &Val::Ref("a.yaml#/X".into()), 0),
            "'401': {$ref: a.yaml#/X}"
        );
    }

    #[test]
    fn json_pretty_and_inline() {
        let mut st = Style::default_for(Format::Json);
        st.indent = 4;
        let r = Renderer::new(&st);
        let v = Val::map([("description", Val::str("Not found")), ("n", Val::lit("1"))]);
        assert_eq!(
            r.json_member("404", &v, 2),
            "\"404\": {\n            \"description\": \"Not found\",\n            \"n\": 1\n        }"
        );
        assert_eq!(
            r.json(&Val::Ref("#/x".into()), 0, true),
            "{\"$ref\": \"#/x\"}"
        );
    }

    #[test]
    fn reindent_keeps_relative_layout() {
        let t = "type: array\n  items:\n    $ref: x\n";
        assert_eq!(
            reindent(t, 2, 6, "\n"),
            "type: array\n      items:\n        $ref: x"
        );
        assert_eq!(reindent("a\n      b", 6, 2, "\n"), "a\n  b");
    }
}
