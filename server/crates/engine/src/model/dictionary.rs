//! The data dictionary: entities and their attributes, from Markdown, YAML,
//! JSON or CSV.

use super::datatype::AttributeFacts;
use super::prd::{clean_inline, normalized};
use super::Span;
use regex::Regex;
use specgate_syntax::markdown::{markdown_outline, MdBlock, MdHeading, MdTable};
use specgate_syntax::tree::Node;
use specgate_syntax::tree::{after_line_ending, line_around, slice, trim_span};
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictFormat {
    Markdown,
    Yaml,
    Json,
    Csv,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    /// The name where written (inside backticks if any).
    pub span: Span,
    /// The whole row / entry, for hover.
    pub row_span: Span,
    pub ty: Option<String>,
    pub description: Option<String>,
    /// Other cells or keys of the row, by their (lower-cased) heading:
    /// `("required", "yes")`, `("constraints", "NOT NULL, unique")`.
    pub extra: Vec<(String, String)>,
    /// What the row says besides the name (type, required, keys,
    /// reference), read with the file so that a build of the workspace
    /// reuses it with the parse.
    pub facts: AttributeFacts,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entity {
    pub name: String,
    /// The entity name where written (heading text, YAML key, CSV cell).
    pub span: Span,
    /// Explicit table name (`Table: patients`, `table:` key), if given.
    pub table: Option<String>,
    pub attributes: Vec<Attribute>,
    /// Where a new attribute row would go: the byte offset just after the
    /// last attribute row (Markdown/CSV) or entry (YAML/JSON).
    ///
    /// Markdown/CSV: just after the row's line ending — or the end of the
    /// text when the last row has none (then a line break must be written
    /// first); for a table without rows, just after the delimiter row; for
    /// a bullet list, after the last attribute item (nested lines included).
    /// YAML/JSON: the end of the last entry's value (before any `,`/`}`).
    pub insert_at: u32,
    /// The whole section of the entity (heading to the end of its table).
    pub section_span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Dictionary {
    pub format: DictFormat,
    pub entities: Vec<Entity>,
}

impl Entity {
    /// The table names this entity stands for: the explicit one, else
    /// snake_case of the name, singular and plural.
    pub fn table_names(&self) -> Vec<String> {
        if let Some(t) = &self.table {
            return vec![t.to_ascii_lowercase()];
        }
        let base = snake_case(&self.name);
        let plural = pluralize(&base);
        vec![base, plural]
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        let n = normalize_name(name);
        self.attributes
            .iter()
            .find(|a| normalize_name(&a.name) == n)
    }
}

/// `Availability Slot` → `availability_slot`; `fullName` → `full_name`.
pub fn snake_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
            prev_lower = false;
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// Naive English plural of the last word: `slot` → `slots`, `category` →
/// `categories`, `address` → `addresses`.
pub fn pluralize(s: &str) -> String {
    if s.ends_with('y') && !s.ends_with("ay") && !s.ends_with("ey") && !s.ends_with("oy") {
        format!("{}ies", &s[..s.len() - 1])
    } else if s.ends_with('s') || s.ends_with('x') || s.ends_with("ch") || s.ends_with("sh") {
        format!("{s}es")
    } else {
        format!("{s}s")
    }
}

/// Attribute names compare by snake_case (`fullName` == `full_name`).
pub fn normalize_name(s: &str) -> String {
    snake_case(s.trim_matches('`'))
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

/// Reads a Markdown dictionary (entity headings followed by attribute tables).
///
/// An entity is a heading (`## Patient`, `## Entity: Task`, `### 2. Slot`)
/// followed, before the next heading, by a pipe table whose first column is
/// headed Attribute/Field/Column/Name/Property — or by a bullet list of
/// attributes (`- **title**: string, required`, `` - `done` (bool): … ``,
/// spec-kit's data-model.md). A `Table: patients` line (also
/// ``**Table:** `patients` ``) under the heading names its table. A heading
/// like `### Attributes` under an entity heading belongs to that entity;
/// lists after a label such as `**Relationships**:` are not attributes.
/// Headings without attributes (`# Data Dictionary`, `## Relationships`)
/// are not entities.
pub fn parse_markdown(text: &str) -> Dictionary {
    with_facts(markdown_from_outline(text, &markdown_outline(text)))
}

/// Reads what each attribute's row says ([`Attribute::facts`]).
fn with_facts(mut d: Dictionary) -> Dictionary {
    for e in &mut d.entities {
        for a in &mut e.attributes {
            a.facts = AttributeFacts::of_row(a.ty.as_deref(), a.description.as_deref(), &a.extra);
        }
    }
    d
}

fn markdown_from_outline(text: &str, blocks: &[MdBlock]) -> Dictionary {
    let mut entities = Vec::new();
    let mut cur: Option<Pending> = None;
    for block in blocks {
        match block {
            MdBlock::Heading(h) => {
                if let Some(p) = cur.as_mut() {
                    if h.level > p.level
                        && !p.has_table
                        && is_generic_heading(slice(text, h.content))
                    {
                        p.label_ok = true;
                        continue;
                    }
                }
                finish(cur.take(), &mut entities);
                cur = entity_heading(text, h);
            }
            MdBlock::Paragraph(s) => {
                let Some(p) = cur.as_mut().filter(|p| !p.has_table) else {
                    continue;
                };
                for line in slice(text, *s).lines() {
                    if let Some(t) = table_line(line) {
                        p.table = Some(t);
                    }
                }
                if let Some(ok) = list_label(slice(text, *s)) {
                    p.label_ok = ok;
                }
            }
            MdBlock::Table(t) => {
                let Some(p) = cur.as_mut().filter(|p| !p.has_table) else {
                    continue;
                };
                if let Some(cols) = attribute_columns(text, t) {
                    read_attribute_table(text, t, cols, p);
                }
            }
            MdBlock::Item(item) => {
                let Some(p) = cur.as_mut().filter(|p| !p.has_table) else {
                    continue;
                };
                if item.depth != 0 {
                    continue;
                }
                let line = Span::new(
                    item.content_start,
                    line_around(text, item.content_start).end,
                );
                if let Some(t) = table_line(slice(text, line)) {
                    p.table = Some(t);
                } else if p.label_ok {
                    if let Some(a) = attribute_item(text, line, item.span) {
                        p.attributes.push(a);
                        p.insert_at = item.end;
                        p.section_end = item.span.end;
                    }
                }
            }
            MdBlock::Code(_) | MdBlock::Html(_) => {}
        }
    }
    finish(cur, &mut entities);
    Dictionary {
        format: DictFormat::Markdown,
        entities,
    }
}

struct Pending {
    name: String,
    span: Span,
    level: u8,
    start: u32,
    table: Option<String>,
    /// Lists here may hold attributes (no `Relationships:`-like label before).
    label_ok: bool,
    has_table: bool,
    attributes: Vec<Attribute>,
    insert_at: u32,
    section_end: u32,
}

fn finish(p: Option<Pending>, out: &mut Vec<Entity>) {
    let Some(p) = p else { return };
    if !p.has_table && p.attributes.is_empty() {
        return;
    }
    out.push(Entity {
        name: p.name,
        span: p.span,
        table: p.table,
        attributes: p.attributes,
        insert_at: p.insert_at,
        section_span: Span::new(p.start, p.section_end.max(p.span.end)),
    });
}

/// Headings that are never entities.
const NOT_ENTITIES: &[&str] = &[
    "relationships",
    "relationship",
    "relations",
    "overview",
    "notes",
    "note",
    "validation rules",
    "validation",
    "constraints",
    "indexes",
    "indices",
    "state transitions",
    "enums",
    "enumerations",
    "glossary",
    "data dictionary",
    "data model",
    "introduction",
    "summary",
    "conventions",
    "changelog",
    "references",
    "table of contents",
    "contents",
    "entities",
    "entity list",
    "erd",
    "diagram",
    "assumptions",
    "open questions",
    "business rules",
    "rules",
    "examples",
    "appendix",
];

/// `### Attributes` / `### Fields` under an entity heading.
fn is_generic_heading(content: &str) -> bool {
    let n = normalized(content);
    let n = n.trim_end_matches(':');
    matches!(
        n,
        "attributes"
            | "fields"
            | "columns"
            | "properties"
            | "schema"
            | "key attributes"
            | "data fields"
    )
}

fn entity_heading(text: &str, h: &MdHeading) -> Option<Pending> {
    let b = text.as_bytes();
    let (mut s, mut e) = (
        h.content.start as usize,
        (h.content.end as usize).min(b.len()),
    );
    let skip_ws_markup = |s: &mut usize| {
        while *s < e && matches!(b[*s], b' ' | b'\t' | b'*' | b'_' | b'`') {
            *s += 1;
        }
    };
    skip_ws_markup(&mut s);
    // Numbering: `2.`, `2.1`, `3)`.
    let digits = b[s..e]
        .iter()
        .take_while(|c| c.is_ascii_digit() || **c == b'.')
        .count();
    if digits > 0 && b.get(s + digits).is_some_and(|c| matches!(c, b' ' | b')')) {
        s += digits;
        if b.get(s) == Some(&b')') {
            s += 1;
        }
        skip_ws_markup(&mut s);
    }
    // `Entity: Task`, `Table - patients`.
    let rest = text.get(s..e).unwrap_or("");
    for prefix in ["entity", "table", "model", "object", "resource"] {
        if rest.len() > prefix.len()
            && rest.is_char_boundary(prefix.len())
            && rest[..prefix.len()].eq_ignore_ascii_case(prefix)
        {
            let after = rest[prefix.len()..].trim_start_matches([' ', '\t', '*', '_']);
            if let Some(r) = after.strip_prefix([':', '-', '—', '–']) {
                let r = r.trim_start_matches(|c: char| {
                    c == ' '
                        || c == '\t'
                        || c == '*'
                        || c == '_'
                        || c == '`'
                        || c == '—'
                        || c == '–'
                });
                s = e - r.len();
                break;
            }
        }
    }
    // A trailing `(…)` note: `## Patient (core)`.
    if let Some(p) = text.get(s..e).and_then(|r| r.find(" (")) {
        if text.get(s..e).is_some_and(|r| r.trim_end().ends_with(')')) {
            e = s + p;
        }
    }
    while e > s && matches!(b[e - 1], b' ' | b'\t' | b'*' | b'_' | b'`' | b':') {
        e -= 1;
    }
    let name = clean_inline(text.get(s..e)?);
    if name.is_empty() || NOT_ENTITIES.contains(&name.to_lowercase().as_str()) {
        return None;
    }
    Some(Pending {
        name,
        span: Span::new(s as u32, e as u32),
        level: h.level,
        start: h.span.start,
        table: None,
        label_ok: true,
        has_table: false,
        attributes: Vec::new(),
        insert_at: after_line_ending(text, h.span.end),
        section_end: h.span.end,
    })
}

/// `Table: patients`, `**Table:** \`patients\``, `- Table name: public.patients`.
fn table_line(line: &str) -> Option<String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"(?i)^[ \t>]*(?:[-*+][ \t]+)?(?:\*\*|__)?(?:db |sql |database )?table(?:[ \t]+name)?[ \t]*(?:\*\*|__)?[ \t]*:[ \t]*(?:\*\*|__)?[ \t]*[`"]?(?P<t>[A-Za-z_][A-Za-z0-9_.$]*)"#,
        )
        .expect("valid regex")
    });
    let t = re.captures(line)?.name("t")?.as_str();
    let t = t.rsplit('.').next().unwrap_or(t);
    (!t.is_empty()).then(|| t.to_string())
}

/// A short label paragraph ending in `:` (`**Fields**:`, `Relationships:`),
/// or set in bold alone (`**Fields**`, `**Constraints**`): `Some(true)` when
/// the list after it holds attributes.
fn list_label(para: &str) -> Option<bool> {
    let n = normalized(para);
    let t = para.trim();
    let bold = (t.starts_with("**") && t.ends_with("**")
        || t.starts_with("__") && t.ends_with("__"))
        && t.len() > 4;
    if !(n.ends_with(':') || bold) || n.split_whitespace().count() > 6 || n.contains('\n') {
        return None;
    }
    Some(
        ["field", "attribute", "column", "propert", "schema"]
            .iter()
            .any(|k| n.contains(k)),
    )
}

struct AttrColumns {
    ty: Option<usize>,
    description: Option<usize>,
    /// The other columns and their headings.
    others: Vec<(usize, String)>,
}

/// The column layout of an attribute table, or `None` when the first
/// column is not headed Attribute/Field/Column/Name/Property.
fn attribute_columns(text: &str, t: &MdTable) -> Option<AttrColumns> {
    let heads: Vec<String> = t
        .header
        .cells
        .iter()
        .map(|c| {
            normalized(slice(text, *c))
                .trim_end_matches(':')
                .to_string()
        })
        .collect();
    let first = heads.first()?;
    let ok = matches!(
        first.as_str(),
        "attribute"
            | "attributes"
            | "attribute name"
            | "field"
            | "fields"
            | "field name"
            | "column"
            | "columns"
            | "column name"
            | "name"
            | "property"
            | "properties"
            | "property name"
            | "key"
    );
    if !ok {
        return None;
    }
    let find = |keys: &[&str]| {
        heads
            .iter()
            .skip(1)
            .position(|h| keys.iter().any(|k| h.contains(k)))
            .map(|i| i + 1)
    };
    let ty = find(&["type", "format"]);
    let description = find(&[
        "description",
        "notes",
        "note",
        "comment",
        "meaning",
        "definition",
        "details",
    ]);
    let others = heads
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(i, _)| Some(*i) != ty && Some(*i) != description)
        .map(|(i, h)| (i, h.clone()))
        .collect();
    Some(AttrColumns {
        ty,
        description,
        others,
    })
}

/// The attribute name in a cell: the first code span (`` `id` ``) or bold
/// text if the cell starts with one, else the cell up to a ` (` note.
fn name_in_cell(text: &str, cell: Span) -> Option<Span> {
    let b = text.as_bytes();
    let (s, e) = (cell.start as usize, (cell.end as usize).min(b.len()));
    let raw = text.get(s..e)?;
    for (open, close) in [
        ("`", "`"),
        ("**", "**"),
        ("__", "__"),
        ("*", "*"),
        ("_", "_"),
    ] {
        if let Some(r) = raw.strip_prefix(open) {
            if let Some(p) = r.find(close) {
                let span = trim_span(
                    text,
                    Span::new((s + open.len()) as u32, (s + open.len() + p) as u32),
                );
                return (!span.is_empty()).then_some(span);
            }
        }
    }
    let end = raw.find(" (").map_or(e, |p| s + p);
    let mut start = s;
    while start < end && matches!(b[start], b'`' | b'*' | b'_') {
        start += 1;
    }
    let span = trim_span(text, Span::new(start as u32, end as u32));
    let name = slice(text, span);
    let placeholder = name
        .chars()
        .all(|c| matches!(c, '-' | '—' | '–' | '.' | '…' | ' '));
    (!span.is_empty() && !placeholder).then_some(span)
}

fn read_attribute_table(text: &str, t: &MdTable, cols: AttrColumns, p: &mut Pending) {
    p.has_table = true;
    p.attributes.clear();
    p.insert_at = t.body_start;
    p.section_end = t.span.end;
    let cell = |row: &specgate_syntax::markdown::MdRow, i: Option<usize>| {
        i.and_then(|i| row.cells.get(i))
            .map(|c| clean_inline(slice(text, *c)))
            .filter(|s| !s.is_empty())
    };
    for row in &t.rows {
        let Some(name_span) = row.cells.first().and_then(|c| name_in_cell(text, *c)) else {
            continue;
        };
        p.attributes.push(Attribute {
            name: clean_inline(slice(text, name_span)),
            span: name_span,
            row_span: row.span,
            ty: cell(row, cols.ty),
            description: cell(row, cols.description),
            extra: cols
                .others
                .iter()
                .filter_map(|(i, h)| Some((h.clone(), cell(row, Some(*i))?)))
                .collect(),
            facts: AttributeFacts::default(),
        });
        p.insert_at = row.end;
        p.section_end = row.span.end;
    }
}

/// An attribute bullet: `**title**: string, required`, `` `done` (bool): … ``,
/// `title: string`, `**id** — primary key`. `None` for other items.
fn attribute_item(text: &str, line: Span, item: Span) -> Option<Attribute> {
    let b = text.as_bytes();
    let (s, e) = (line.start as usize, (line.end as usize).min(b.len()));
    let raw = text.get(s..e)?;
    // The name: inside markup, or a bare identifier followed by `:` / ` (`.
    let mut name = None;
    for (open, close) in [
        ("**", "**"),
        ("__", "__"),
        ("`", "`"),
        ("*", "*"),
        ("_", "_"),
    ] {
        if let Some(p) = raw.strip_prefix(open).and_then(|r| r.find(close)) {
            name = Some((
                s + open.len(),
                s + open.len() + p,
                s + open.len() + p + close.len(),
            ));
            break;
        }
    }
    let (ns, mut ne, after) = match name {
        Some(n) => n,
        None => {
            let n = raw
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-'))
                .unwrap_or(raw.len());
            let rest = &raw[n..];
            if n == 0 || !(rest.starts_with(':') || rest.starts_with(" (")) {
                return None;
            }
            (s, s + n, s + n)
        }
    };
    // `**title:** string`: the colon inside the markup.
    let mut colon = false;
    while ne > ns && matches!(b[ne - 1], b':' | b' ') {
        colon |= b[ne - 1] == b':';
        ne -= 1;
    }
    let name_text = text.get(ns..ne)?;
    let valid = name_text
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && !name_text.chars().any(char::is_whitespace)
        && name_text.chars().count() <= 64;
    if !valid {
        return None;
    }
    let mut rest = text.get(after..e)?.trim_start();
    let mut ty = None;
    if let Some(r) = rest.strip_prefix('(') {
        // `(string)`: the type in parentheses.
        let close = matching_paren(r)?;
        ty = Some(clean_inline(&r[..close])).filter(|t| !t.is_empty());
        rest = r[close + 1..].trim_start();
        rest = rest.trim_start_matches([':', '-', '—', '–', ' ', '\t']);
    } else if colon || rest.starts_with(':') {
        rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
        let (t, r) = leading_type(rest);
        ty = t;
        rest = r;
    } else if rest.starts_with(['-', '—', '–']) {
        rest = rest.trim_start_matches(['-', '—', '–', ' ', '\t']);
    } else if name.is_some() && !rest.is_empty() {
        // `` `label` string (1-80 chars) ``, `` `risk_id` FK -> … ``: a name
        // set apart by markup, then its type or a description.
        // Prose after a bold word (`**Priority** has many things`) is not;
        // a name in code markup is one whatever follows.
        let code = b.get(s) == Some(&b'`');
        let (t, r) = leading_type(rest);
        match t {
            Some(t)
                if t.chars()
                    .all(|c| c.is_alphanumeric() || "()[]<>,_ ".contains(c)) =>
            {
                ty = Some(t);
                rest = r;
            }
            _ if code => {}
            _ => return None,
        }
    } else if !rest.is_empty() {
        return None;
    }
    let mut desc = rest.trim();
    if desc.starts_with('(')
        && desc.ends_with(')')
        && matching_paren(&desc[1..]) == Some(desc.len() - 2)
    {
        desc = &desc[1..desc.len() - 1];
    }
    let description = Some(clean_inline(desc)).filter(|d| !d.is_empty());
    Some(Attribute {
        name: clean_inline(name_text),
        span: Span::new(ns as u32, ne as u32),
        row_span: item,
        ty,
        description,
        extra: Vec::new(),
        facts: AttributeFacts::default(),
    })
}

/// Index of the `)` closing a group whose `(` was just before `s`.
fn matching_paren(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(i),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `string, required` → (`string`, `required`); `UUID (primary key)` →
/// (`UUID`, `(primary key)`); a sentence (`The user's email`) has no type.
fn leading_type(s: &str) -> (Option<String>, &str) {
    let mut depth = 0i32;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        match c {
            '(' | '[' | '<' | '{' => depth += 1,
            ')' | ']' | '>' | '}' => depth -= 1,
            ',' | ';' if depth <= 0 => {
                end = i;
                break;
            }
            c if c.is_whitespace() && depth <= 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let token = &s[..end];
    let rest = s[end..].trim_start();
    let separated = rest.is_empty()
        || rest.starts_with([',', ';', '(', '—', '–'])
        || rest.starts_with("- ")
        || rest.starts_with("-\t");
    let ty = clean_inline(token);
    if token.is_empty() || !separated || ty.is_empty() {
        return (None, s);
    }
    let rest = rest.trim_start_matches([',', ';', '-', '—', '–', ' ', '\t']);
    (Some(ty), rest)
}

// ---------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------

/// One CSV record: field values (unquoted) and where each is written.
struct Record {
    values: Vec<String>,
    /// Field content spans (inside quotes for quoted fields).
    spans: Vec<Span>,
    /// The record without its line ending.
    span: Span,
    /// Offset just after its line ending.
    end: u32,
}

/// The field delimiter: `,`, `;` or tab, whichever the first line has most of.
fn csv_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.matches(c).count();
    let (comma, semi, tab) = (count(','), count(';'), count('\t'));
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

/// RFC 4180 records, tolerant: quoted fields may hold delimiters, `""` and
/// line breaks; an unterminated quote runs to the end of the text; text after
/// a closing quote is kept in the field's span but not its value.
fn csv_records(text: &str, delim: u8) -> Vec<Record> {
    let b = text.as_bytes();
    let n = b.len();
    let mut out = Vec::new();
    let mut i = if text.starts_with('\u{feff}') { 3 } else { 0 };
    while i < n {
        let rec_start = i;
        let mut values = Vec::new();
        let mut spans = Vec::new();
        loop {
            // One field.
            let fs = i;
            if b.get(i) == Some(&b'"') {
                let cs = i + 1;
                let mut j = cs;
                let mut closed = None;
                while j < n {
                    if b[j] == b'"' {
                        if b.get(j + 1) == Some(&b'"') {
                            j += 2;
                            continue;
                        }
                        closed = Some(j);
                        break;
                    }
                    j += 1;
                }
                let ce = closed.unwrap_or(n);
                values.push(text.get(cs..ce).unwrap_or("").replace("\"\"", "\""));
                spans.push(Span::new(cs as u32, ce as u32));
                i = closed.map_or(n, |c| c + 1);
                while i < n && b[i] != delim && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
            } else {
                while i < n && b[i] != delim && b[i] != b'\n' && b[i] != b'\r' {
                    i += 1;
                }
                let span = trim_span(text, Span::new(fs as u32, i as u32));
                values.push(slice(text, span).to_string());
                spans.push(span);
            }
            if i < n && b[i] == delim {
                i += 1;
                continue;
            }
            break;
        }
        let rec_end = i;
        if i < n && b[i] == b'\r' {
            i += 1;
        }
        if i < n && b[i] == b'\n' {
            i += 1;
        }
        let blank = values.iter().all(|v| v.trim().is_empty());
        if !blank {
            out.push(Record {
                values,
                spans,
                span: Span::new(rec_start as u32, rec_end as u32),
                end: i as u32,
            });
        }
        if i == rec_start {
            i += 1; // never loop in place
        }
    }
    out
}

/// Reads a CSV dictionary (`entity,attribute,type,…`).
///
/// The header names its columns, case-insensitively: entity (or model),
/// table (optional; stands in for entity when there is none), attribute (or
/// field, column, name), type (or data type), description (or notes). Rows
/// of one entity need not be adjacent; a row with an empty entity cell
/// continues the entity above.
pub fn parse_csv(text: &str) -> Dictionary {
    with_facts(csv_rows(text))
}

fn csv_rows(text: &str) -> Dictionary {
    let mut dict = Dictionary {
        format: DictFormat::Csv,
        entities: Vec::new(),
    };
    let records = csv_records(text, csv_delimiter(text));
    let Some((header, rows)) = records.split_first() else {
        return dict;
    };
    let heads: Vec<String> = header
        .values
        .iter()
        .map(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .to_lowercase()
                .replace(['_', '-'], " ")
        })
        .collect();
    let find = |names: &[&str]| heads.iter().position(|h| names.contains(&h.as_str()));
    let entity_col = find(&[
        "entity",
        "entity name",
        "model",
        "object",
        "class",
        "resource",
    ]);
    let table_col = find(&["table", "table name"]);
    let attr_col = find(&[
        "attribute",
        "attribute name",
        "field",
        "field name",
        "column",
        "column name",
        "name",
        "property",
    ]);
    let type_col = find(&["type", "data type", "datatype", "sql type"]);
    let desc_col = find(&[
        "description",
        "desc",
        "notes",
        "note",
        "comment",
        "comments",
        "definition",
    ]);
    let (Some(entity_col), Some(attr_col)) = (entity_col.or(table_col), attr_col) else {
        return dict;
    };
    let value = |r: &Record, c: Option<usize>| {
        c.and_then(|c| r.values.get(c))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let mut last: Option<usize> = None;
    for r in rows {
        let idx = match value(r, Some(entity_col)) {
            Some(name) => match dict.entities.iter().position(|e| e.name == name) {
                Some(k) => k,
                None => {
                    dict.entities.push(Entity {
                        name,
                        span: r.spans.get(entity_col).copied().unwrap_or(r.span),
                        table: None,
                        attributes: Vec::new(),
                        insert_at: r.end,
                        section_span: r.span,
                    });
                    dict.entities.len() - 1
                }
            },
            None => match last {
                Some(k) => k,
                None => continue,
            },
        };
        last = Some(idx);
        let e = &mut dict.entities[idx];
        if e.table.is_none() {
            // Without an entity column the table column names the entity.
            e.table = value(r, table_col);
        }
        e.insert_at = r.end;
        e.section_span.end = r.span.end;
        if let Some(name) = value(r, Some(attr_col)) {
            e.attributes.push(Attribute {
                name,
                span: r.spans.get(attr_col).copied().unwrap_or(r.span),
                row_span: r.span,
                ty: value(r, type_col),
                description: value(r, desc_col),
                extra: heads
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| {
                        ![
                            Some(entity_col),
                            table_col,
                            Some(attr_col),
                            type_col,
                            desc_col,
                        ]
                        .contains(&Some(*i))
                    })
                    .filter_map(|(i, h)| Some((h.clone(), value(r, Some(i))?)))
                    .collect(),
                facts: AttributeFacts::default(),
            });
        }
    }
    dict
}

// ---------------------------------------------------------------------------
// YAML / JSON
// ---------------------------------------------------------------------------

const ATTRIBUTE_KEYS: &[&str] = &["attributes", "fields", "columns", "properties"];
const TABLE_KEYS: &[&str] = &["table", "table_name", "tableName"];
const DESCRIPTION_KEYS: &[&str] = &["description", "desc", "notes", "comment"];
const NAME_KEYS: &[&str] = &["name", "attribute", "field", "column"];

fn first_of<'a>(node: &'a Node, keys: &[&str]) -> Option<&'a Node> {
    keys.iter().find_map(|k| node.get(k))
}

fn scalar(node: Option<&Node>) -> Option<String> {
    node.filter(|n| !n.is_null())
        .and_then(Node::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Reads a YAML/JSON dictionary from its located tree
/// (`entities: {Patient: {table: patients, attributes: {...}}}`).
///
/// Also accepted: `entities` (or `models`/`tables`) as a list of maps with a
/// `name`; a top-level map of entities without the wrapper (each a map with
/// `attributes`/`fields`/`columns`/`properties` or `table`); attributes as a
/// map (`id: uuid` or `id: {type: uuid, description: …}`) or a list
/// (`- {name: id, type: uuid}` or `- id`).
pub fn from_tree(root: &specgate_syntax::tree::Node, format: DictFormat) -> Dictionary {
    with_facts(tree_entities(root, format))
}

fn tree_entities(root: &specgate_syntax::tree::Node, format: DictFormat) -> Dictionary {
    let mut entities = Vec::new();
    let wrapper = ["entities", "models", "tables"]
        .iter()
        .find_map(|k| root.get(k).filter(|n| n.is_map() || n.is_seq()));
    match wrapper {
        Some(list) if list.is_seq() => {
            for item in list.items() {
                let Some(name_node) = first_of(item, &["name", "entity"]) else {
                    continue;
                };
                let Some(name) = scalar(Some(name_node)) else {
                    continue;
                };
                entities.push(tree_entity(name, name_node.span, item.span.start, item));
            }
        }
        Some(map) => {
            for e in map.entries() {
                entities.push(tree_entity(
                    e.key.clone(),
                    e.key_span,
                    e.key_span.start,
                    &e.value,
                ));
            }
        }
        None => {
            for e in root.entries() {
                let v = &e.value;
                let looks = v.is_map()
                    && (first_of(v, ATTRIBUTE_KEYS).is_some() || first_of(v, TABLE_KEYS).is_some());
                if looks {
                    entities.push(tree_entity(e.key.clone(), e.key_span, e.key_span.start, v));
                }
            }
        }
    }
    Dictionary { format, entities }
}

/// The other keys of an attribute's map (`required: true`, `references:
/// Clinic`, `enum: [a, b]` as `a, b`).
fn tree_extra(v: &Node) -> Vec<(String, String)> {
    let skip = |k: &str| k == "type" || DESCRIPTION_KEYS.contains(&k) || NAME_KEYS.contains(&k);
    v.entries()
        .iter()
        .filter(|e| !skip(&e.key))
        .filter_map(|e| {
            let value = if e.value.is_seq() {
                let items: Vec<String> = e
                    .value
                    .items()
                    .iter()
                    .filter_map(|i| scalar(Some(i)))
                    .collect();
                (!items.is_empty()).then(|| items.join(", "))?
            } else {
                scalar(Some(&e.value))?
            };
            Some((e.key.to_lowercase().replace(['_', '-'], " "), value))
        })
        .collect()
}

fn tree_entity(name: String, span: Span, start: u32, node: &Node) -> Entity {
    let table = scalar(first_of(node, TABLE_KEYS));
    let attrs_node = first_of(node, ATTRIBUTE_KEYS);
    let mut attributes = Vec::new();
    if let Some(a) = attrs_node {
        for e in a.entries() {
            let v = &e.value;
            let end = if v.span.is_empty() {
                e.key_span.end
            } else {
                v.span.end.max(e.key_span.end)
            };
            let (ty, description) = if v.is_map() {
                (scalar(v.get("type")), scalar(first_of(v, DESCRIPTION_KEYS)))
            } else {
                (scalar(Some(v)), None)
            };
            attributes.push(Attribute {
                name: e.key.clone(),
                span: e.key_span,
                row_span: Span::new(e.key_span.start, end),
                ty,
                description,
                extra: tree_extra(v),
                facts: AttributeFacts::default(),
            });
        }
        for item in a.items() {
            let (name_node, ty, description) = if item.is_map() {
                (
                    first_of(item, NAME_KEYS),
                    scalar(item.get("type")),
                    scalar(first_of(item, DESCRIPTION_KEYS)),
                )
            } else {
                (Some(item), None, None)
            };
            let Some(name_node) = name_node else { continue };
            let Some(name) = scalar(Some(name_node)) else {
                continue;
            };
            attributes.push(Attribute {
                name,
                span: name_node.span,
                row_span: item.span,
                ty,
                description,
                extra: tree_extra(item),
                facts: AttributeFacts::default(),
            });
        }
    }
    let insert_at = match (attributes.last(), attrs_node) {
        (Some(a), _) => a.row_span.end,
        (None, Some(a)) if !a.span.is_empty() => a.span.end,
        _ => node.span.end.max(span.end),
    };
    Entity {
        name,
        span,
        table,
        attributes,
        insert_at,
        section_span: Span::new(start.min(span.start), node.span.end.max(span.end)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use specgate_syntax::tree::{Entry, ScalarStyle, Value};

    fn at(text: &str, s: Span) -> &str {
        &text[s.start as usize..s.end as usize]
    }

    /// `Entity [table]: name type "description", …` per entity.
    fn summary(d: &Dictionary) -> Vec<String> {
        d.entities
            .iter()
            .map(|e| {
                let attrs: Vec<String> = e
                    .attributes
                    .iter()
                    .map(|a| {
                        let mut s = a.name.clone();
                        if let Some(t) = &a.ty {
                            s.push_str(&format!(" {t}"));
                        }
                        if let Some(d) = &a.description {
                            s.push_str(&format!(" \"{d}\""));
                        }
                        s
                    })
                    .collect();
                let table = e
                    .table
                    .as_deref()
                    .map(|t| format!(" [{t}]"))
                    .unwrap_or_default();
                format!("{}{table}: {}", e.name, attrs.join(", "))
            })
            .collect()
    }

    const CLINIC: &str = "# Data Dictionary\n\n## Patient\n\nTable: patients\n\n| Attribute   | Type        | Description                          |\n|-------------|-------------|--------------------------------------|\n| `id`        | uuid        | Primary key                          |\n| `full_name` | text        | As printed on the insurance card     |\n| `birth_date`| date        |                                      |\n\n## Availability Slot\n\n| Attribute      | Type        | Description                       |\n|----------------|-------------|-----------------------------------|\n| `id`           | uuid        | Primary key                       |\n| `clinician_id` | uuid        | References Clinician              |\n\n## Relationships\n\n| Name | From | To |\n|---|---|---|\n| books | Patient | Slot |\n";

    #[test]
    fn markdown_tables() {
        let d = parse_markdown(CLINIC);
        assert_eq!(d.format, DictFormat::Markdown);
        assert_eq!(
            summary(&d),
            vec![
                "Patient [patients]: id uuid \"Primary key\", full_name text \"As printed on the insurance card\", birth_date date",
                "Availability Slot: id uuid \"Primary key\", clinician_id uuid \"References Clinician\"",
            ]
        );
        let p = &d.entities[0];
        assert_eq!(at(CLINIC, p.span), "Patient");
        assert_eq!(at(CLINIC, p.attributes[1].span), "full_name");
        assert_eq!(
            at(CLINIC, p.attributes[1].row_span),
            "| `full_name` | text        | As printed on the insurance card     |"
        );
        // A new row goes right after the last one.
        assert!(CLINIC[p.insert_at as usize..].starts_with("\n## Availability Slot"));
        assert!(
            CLINIC[..p.insert_at as usize].ends_with("|                                      |\n")
        );
        assert!(at(CLINIC, p.section_span).starts_with("## Patient"));
        assert!(at(CLINIC, p.section_span).ends_with("|                                      |"));
        assert_eq!(
            d.entities[1].table_names(),
            vec!["availability_slot", "availability_slots"]
        );
        assert_eq!(p.table_names(), vec!["patients"]);
    }

    #[test]
    fn markdown_heading_and_table_forms() {
        let text = "## Entity: Task\n**Table:** `tasks`\n| Field | Data Type | Notes |\n|---|---|---|\n| **title** | `varchar(80)` | Required |\n| due_date (optional) | date | |\n| — | | |\n\n## 2. Availability Slot\n| Column Name | Type |\n|---|---|\n| starts_at | timestamptz |\n\n## `Patient` (core)\n### Attributes\n- Table: public.patients\n\n| Name | Type |\n|---|---|\n| id | uuid |\n\n## Clinic\nNo table here.\n\n## Endpoint map\n| Endpoint | Entity |\n|---|---|\n| /x | Task |\n\n## Empty\n| Attribute | Type |\n|---|---|\n";
        let d = parse_markdown(text);
        assert_eq!(
            summary(&d),
            vec![
                "Task [tasks]: title varchar(80) \"Required\", due_date date",
                "Availability Slot: starts_at timestamptz",
                "Patient [patients]: id uuid",
                "Empty: ",
            ]
        );
        assert_eq!(at(text, d.entities[0].span), "Task");
        assert_eq!(at(text, d.entities[0].attributes[0].span), "title");
        assert_eq!(at(text, d.entities[1].span), "Availability Slot");
        assert_eq!(at(text, d.entities[2].span), "Patient");
        // An attribute table without rows: insert right after the delimiter row.
        let empty = &d.entities[3];
        assert_eq!(empty.insert_at as usize, text.len());
    }

    #[test]
    fn markdown_attribute_lists() {
        let text = "# Data Model\n\n## Entities\n\n### Entity: Task\nA unit of work.\n\n**Fields**:\n- **id**: UUID, primary key\n- **title**: string, required, max 200 chars\n- `done` (bool): whether the task is complete\n- due_date: date\n- **notes**: optional free text\n- **Priority** has many things\n- **status**: enum (todo, done)\n\n**Relationships**:\n- **project**: belongs to Project\n\n### Entity: Project\n- `id` (uuid)\n- `name` (string) - Display name\n  - `nested`: not an attribute\n- **created_at:** timestamp\n\n## Relationships\n- **Task**: many-to-one with Project\n";
        let d = parse_markdown(text);
        assert_eq!(
            summary(&d),
            vec![
                "Task: id UUID \"primary key\", title string \"required, max 200 chars\", done bool \"whether the task is complete\", due_date date, notes \"optional free text\", status enum \"todo, done\"",
                "Project: id uuid, name string \"Display name\", created_at timestamp",
            ]
        );
        let task = &d.entities[0];
        assert_eq!(at(text, task.attributes[2].span), "done");
        assert_eq!(
            at(text, task.attributes[2].row_span),
            "- `done` (bool): whether the task is complete"
        );
        assert!(text[task.insert_at as usize..].starts_with("\n**Relationships**"));
        let project = &d.entities[1];
        assert_eq!(at(text, project.attributes[2].span), "created_at");
        assert!(text[project.insert_at as usize..].starts_with("\n## Relationships"));
        assert!(at(text, project.section_span).ends_with("timestamp"));
    }

    /// The line-scanner outline (used for very large files) reads the same.
    #[test]
    fn bold_labels_without_colon_and_names_in_markup_followed_by_a_type() {
        let text = "## RiskTicketLink\n\n**Fields**\n\n- `id`\n- `risk_id` FK -> `risk_items.id` (`CASCADE DELETE`)\n- `label` string (1-80 chars)\n\n**Constraints**\n\n- `label` must be unique per risk\n";
        let d = parse_markdown(text);
        let names: Vec<&str> = d.entities[0]
            .attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["id", "risk_id", "label"]);
        let label = &d.entities[0].attributes[2];
        assert_eq!(label.ty.as_deref(), Some("string"));
    }

    #[test]
    fn markdown_same_with_either_outline() {
        let lists = "### Entity: Task\n**Fields**:\n- **id**: UUID, primary key\n- `done` (bool): whether\n\n**Relationships**:\n- **project**: belongs to Project\n";
        for text in [CLINIC, lists, &CLINIC.replace('\n', "\r\n")] {
            let ts = specgate_syntax::markdown::markdown_outline_tree_sitter(text).unwrap();
            let lines = specgate_syntax::markdown::markdown_outline_lines(text);
            let a = markdown_from_outline(text, &ts);
            assert!(!a.entities.is_empty());
            assert_eq!(a, markdown_from_outline(text, &lines));
        }
    }

    #[test]
    fn markdown_crlf_and_multibyte() {
        let text = "## Pätient 😀\r\nTable: patients\r\n\r\n| Attribute | Type | Description |\r\n|---|---|---|\r\n| `näme` | text | Ünïcödé 漢字 |\r\n| `id` | uuid | |\r\n\r\n## Next\r\n";
        let d = parse_markdown(text);
        assert_eq!(
            summary(&d),
            vec!["Pätient 😀 [patients]: näme text \"Ünïcödé 漢字\", id uuid"]
        );
        let e = &d.entities[0];
        assert_eq!(at(text, e.span), "Pätient 😀");
        assert_eq!(at(text, e.attributes[0].span), "näme");
        assert_eq!(at(text, e.attributes[1].row_span), "| `id` | uuid | |");
        assert!(text[e.insert_at as usize..].starts_with("\r\n## Next"));
    }

    #[test]
    fn markdown_half_typed() {
        let text = "## Patient\n| Attribute | Type |\n|---|---|\n| `id` | uuid |\n| `full_na";
        let d = parse_markdown(text);
        assert_eq!(summary(&d), vec!["Patient: id uuid, full_na"]);
        assert_eq!(at(text, d.entities[0].attributes[1].span), "full_na");
        assert_eq!(d.entities[0].insert_at as usize, text.len());
        for (i, _) in CLINIC.char_indices() {
            let _ = parse_markdown(&CLINIC[..i]);
        }
        for s in [
            "",
            "#",
            "## X\n| Attribute |\n|-|\n|",
            "## X\n- **",
            "## X\n- `a` (",
            "## X\n- a:",
            "## Entity:",
            "## 1.",
            "## X\n**Table:**",
        ] {
            let _ = parse_markdown(s);
        }
    }

    const CSV: &str = "Entity,Table,Attribute,Type,Description\r\nPatient,patients,id,uuid,Primary key\r\nPatient,,full_name,text,\"Name, as printed \"\"exactly\"\"\"\r\n,,email,text,continues Patient\r\n\r\nClinician,clinicians,id,uuid,\r\nPatient,,phone,text,\"multi\r\nline\"\r\n";

    #[test]
    fn csv_rows() {
        let d = parse_csv(CSV);
        assert_eq!(d.format, DictFormat::Csv);
        assert_eq!(
            summary(&d),
            vec![
                "Patient [patients]: id uuid \"Primary key\", full_name text \"Name, as printed \"exactly\"\", email text \"continues Patient\", phone text \"multi\r\nline\"",
                "Clinician [clinicians]: id uuid",
            ]
        );
        let p = &d.entities[0];
        assert_eq!(at(CSV, p.span), "Patient");
        assert_eq!(p.span.start as usize, CSV.find("\r\nPatient").unwrap() + 2);
        assert_eq!(at(CSV, p.attributes[1].span), "full_name");
        assert_eq!(
            at(CSV, p.attributes[0].row_span),
            "Patient,patients,id,uuid,Primary key"
        );
        // After the entity's last row (phone, the last line).
        assert_eq!(p.insert_at as usize, CSV.len());
        let c = &d.entities[1];
        assert!(CSV[c.insert_at as usize..].starts_with("Patient,,phone"));
        assert_eq!(at(CSV, c.section_span), "Clinician,clinicians,id,uuid,");
    }

    #[test]
    fn csv_header_variants() {
        let d = parse_csv("\u{feff}ENTITY;Field Name;Data_Type\nTask;title;text\n");
        assert_eq!(summary(&d), vec!["Task: title text"]);
        let d = parse_csv("table\tcolumn\ttype\npatients\tid\tuuid\n");
        assert_eq!(summary(&d), vec!["patients [patients]: id uuid"]);
        let d = parse_csv("entity,type\nTask,text\n");
        assert!(d.entities.is_empty());
        let d = parse_csv("  entity , attribute \n  Task  ,  title  \n");
        assert_eq!(summary(&d), vec!["Task: title"]);
        let text = "entity,attribute\n  Task  ,  title  \n";
        assert_eq!(at(text, parse_csv(text).entities[0].span), "Task");
    }

    #[test]
    fn csv_odd_input() {
        for s in [
            "",
            "\n\n",
            "entity,attribute",
            "entity,attribute\n\"",
            "entity,attribute\nA,\"unterminated",
            "entity,attribute\nA,\"x\"junk,b\n",
            "\"",
            "\r",
            ",,,\n,,,",
            "entity,attribute\n😀,é\n",
        ] {
            let _ = parse_csv(s);
        }
        let d = parse_csv("entity,attribute\nA,\"x\"junk\nA,\"open");
        assert_eq!(summary(&d), vec!["A: x, open"]);
        for (i, _) in CSV.char_indices() {
            let _ = parse_csv(&CSV[..i]);
        }
    }

    /// Builds located nodes over a YAML/JSON text: each key or scalar is
    /// found at its next occurrence, so spans are real.
    struct B<'a> {
        text: &'a str,
        pos: usize,
    }

    impl B<'_> {
        fn find(&mut self, needle: &str) -> Span {
            let p = self.pos + self.text[self.pos..].find(needle).expect(needle);
            self.pos = p + needle.len();
            Span::new(p as u32, self.pos as u32)
        }
        fn s(&mut self, v: &str) -> Node {
            Node {
                span: self.find(v),
                value: Value::Scalar(v.trim_matches('"').to_string(), ScalarStyle::Plain),
            }
        }
        fn missing(&mut self) -> Node {
            Node::missing(self.pos as u32 + 1)
        }
        fn e(&mut self, key: &str, value: impl FnOnce(&mut Self) -> Node) -> Entry {
            let key_span = self.find(key);
            let value = value(self);
            Entry {
                key: key.trim_matches('"').to_string(),
                key_span,
                value,
            }
        }
    }

    fn map(entries: Vec<Entry>) -> Node {
        let start = entries.first().map_or(0, |e| e.key_span.start);
        let end = entries
            .last()
            .map_or(0, |e| e.value.span.end.max(e.key_span.end));
        Node {
            span: Span::new(start, end),
            value: Value::Map(entries, specgate_syntax::tree::CollStyle::Block),
        }
    }

    fn seq(items: Vec<Node>) -> Node {
        let start = items.first().map_or(0, |n| n.span.start);
        let end = items.last().map_or(0, |n| n.span.end);
        Node {
            span: Span::new(start, end),
            value: Value::Seq(items, specgate_syntax::tree::CollStyle::Block),
        }
    }

    const YAML: &str = "entities:\n  Patient:\n    table: patients\n    attributes:\n      id: {type: uuid, description: Primary key}\n      full_name: text\n      email:\n  Clinician:\n    attributes:\n      - name: cid\n        type: uuid\n      - specialty\n  Empty:\n";

    fn yaml_tree() -> Node {
        let mut b = B { text: YAML, pos: 0 };
        map(vec![b.e("entities", |b| {
            map(vec![
                b.e("Patient", |b| {
                    map(vec![
                        b.e("table", |b| b.s("patients")),
                        b.e("attributes", |b| {
                            map(vec![
                                b.e("id", |b| {
                                    map(vec![
                                        b.e("type", |b| b.s("uuid")),
                                        b.e("description", |b| b.s("Primary key")),
                                    ])
                                }),
                                b.e("full_name", |b| b.s("text")),
                                b.e("email", |b| b.missing()),
                            ])
                        }),
                    ])
                }),
                b.e("Clinician", |b| {
                    map(vec![b.e("attributes", |b| {
                        let first = map(vec![
                            b.e("name", |b| b.s("cid")),
                            b.e("type", |b| b.s("uuid")),
                        ]);
                        let second = b.s("specialty");
                        seq(vec![first, second])
                    })])
                }),
                b.e("Empty", |b| b.missing()),
            ])
        })])
    }

    #[test]
    fn tree_with_entities_wrapper() {
        let d = from_tree(&yaml_tree(), DictFormat::Yaml);
        assert_eq!(d.format, DictFormat::Yaml);
        assert_eq!(
            summary(&d),
            vec![
                "Patient [patients]: id uuid \"Primary key\", full_name text, email",
                "Clinician: cid uuid, specialty",
                "Empty: ",
            ]
        );
        let p = &d.entities[0];
        assert_eq!(at(YAML, p.span), "Patient");
        assert_eq!(at(YAML, p.attributes[1].span), "full_name");
        assert_eq!(at(YAML, p.attributes[1].row_span), "full_name: text");
        assert_eq!(at(YAML, p.attributes[2].row_span), "email");
        assert_eq!(p.insert_at as usize, YAML.find("email").unwrap() + 5);
        assert!(at(YAML, p.section_span).starts_with("Patient:"));
        assert!(at(YAML, p.section_span).ends_with("email:"));
        let c = &d.entities[1];
        assert_eq!(at(YAML, c.attributes[0].span), "cid");
        assert_eq!(at(YAML, c.attributes[1].span), "specialty");
        assert_eq!(
            c.insert_at as usize,
            YAML.find("specialty").unwrap() + "specialty".len()
        );
    }

    #[test]
    fn tree_without_wrapper_and_as_list() {
        // {"Task": {"table": "tasks", "fields": {"title": "text"}}, "version": "1"}
        let json = r#"{"Task": {"table": "tasks", "fields": {"title": "text"}}, "version": "1", "Other": {"x": "y"}}"#;
        let mut b = B { text: json, pos: 0 };
        let root = map(vec![
            b.e("\"Task\"", |b| {
                map(vec![
                    b.e("\"table\"", |b| b.s("\"tasks\"")),
                    b.e("\"fields\"", |b| {
                        map(vec![b.e("\"title\"", |b| b.s("\"text\""))])
                    }),
                ])
            }),
            b.e("\"version\"", |b| b.s("\"1\"")),
            b.e("\"Other\"", |b| map(vec![b.e("\"x\"", |b| b.s("\"y\""))])),
        ]);
        let d = from_tree(&root, DictFormat::Json);
        assert_eq!(summary(&d), vec!["Task [tasks]: title text"]);
        assert_eq!(at(json, d.entities[0].span), "\"Task\"");

        // entities: [{name: Task, attributes: [{name: title, type: text}]}]
        let text = "entities:\n  - name: Task\n    attributes:\n      - name: title\n        type: text\n  - table: nameless\n";
        let mut b = B { text, pos: 0 };
        let root = map(vec![b.e("entities", |b| {
            let task = map(vec![
                b.e("name", |b| b.s("Task")),
                b.e("attributes", |b| {
                    seq(vec![map(vec![
                        b.e("name", |b| b.s("title")),
                        b.e("type", |b| b.s("text")),
                    ])])
                }),
            ]);
            let nameless = map(vec![b.e("table", |b| b.s("nameless"))]);
            seq(vec![task, nameless])
        })]);
        let d = from_tree(&root, DictFormat::Yaml);
        assert_eq!(summary(&d), vec!["Task: title text"]);
        assert_eq!(at(text, d.entities[0].span), "Task");

        // Nothing usable.
        assert!(from_tree(&Node::missing(0), DictFormat::Yaml)
            .entities
            .is_empty());
        let mut b = B {
            text: "a: b",
            pos: 0,
        };
        let root = map(vec![b.e("a", |b| b.s("b"))]);
        assert!(from_tree(&root, DictFormat::Yaml).entities.is_empty());
    }
}
