//! Writing to the data dictionary: a new attribute of an entity, or a new
//! entity with its attributes, in the dictionary's own format (Markdown
//! table, YAML/JSON entries, CSV rows) and layout.

use crate::diag::FileId;
use crate::edit::render::Val;
use crate::edit::structured::{ancestors, Pos};
use crate::edit::table::{self, csv_cells, csv_field, line_at, md_cells, md_row, md_table_around};
use crate::edit::EditSet;
use crate::index::{Index, Parsed};
use crate::model::dictionary::{pluralize, snake_case, DictFormat, Dictionary, Entity};
use serde::{Deserialize, Serialize};
use specgate_syntax::text::line_end;
use specgate_syntax::tree::{slice, Node, Span, Value};

/// The data of a finding about a name that an entity of the dictionary
/// lacks (a column, a property), for its fixes.
#[derive(Serialize, Deserialize)]
pub struct NameData {
    /// The entity, and the dictionary file that defines it.
    pub entity: String,
    pub dictionary: String,
    /// The column or property name.
    pub name: String,
    /// The column's SQL type (none for a property).
    pub sql_type: Option<String>,
}

impl NameData {
    /// The entity the finding is about.
    pub fn entity<'a>(&self, index: &'a Index) -> Option<(&'a FileId, &'a Entity)> {
        index
            .entities()
            .find(|(f, e)| ***f == *self.dictionary && e.name == self.entity)
    }
}

/// The data of a finding about a table that no entity stands for.
#[derive(Serialize, Deserialize)]
pub struct TableData {
    pub table: String,
    /// Its columns: name and SQL type.
    pub columns: Vec<(String, String)>,
}

/// A type family, to write a type in the dictionary's vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Uuid,
    Text,
    Int,
    Number,
    Bool,
    Date,
    Timestamp,
    Json,
    Other,
}

const SQL_WORDS: &[&str] = &[
    "uuid",
    "text",
    "varchar",
    "char",
    "character",
    "integer",
    "int",
    "bigint",
    "smallint",
    "serial",
    "bigserial",
    "numeric",
    "decimal",
    "real",
    "double",
    "boolean",
    "bool",
    "date",
    "timestamp",
    "timestamptz",
    "jsonb",
    "json",
    "time",
    "bytea",
    "int4",
    "int8",
    "int2",
];

fn base_type(t: &str) -> String {
    let l = t.trim().to_ascii_lowercase();
    let cut = l.find(['(', ' ', '[']).unwrap_or(l.len());
    l[..cut].to_string()
}

fn family_of_sql(t: &str) -> Family {
    let l = t.to_ascii_lowercase();
    let b = base_type(&l);
    match b.as_str() {
        "uuid" => Family::Uuid,
        "text" | "varchar" | "char" | "character" | "citext" | "string" | "nvarchar" | "clob" => {
            Family::Text
        }
        "int" | "integer" | "bigint" | "smallint" | "serial" | "bigserial" | "int2" | "int4"
        | "int8" | "tinyint" | "mediumint" => Family::Int,
        "numeric" | "decimal" | "real" | "double" | "float" | "float4" | "float8" | "money" => {
            Family::Number
        }
        "boolean" | "bool" => Family::Bool,
        "date" => Family::Date,
        "timestamp" | "timestamptz" | "datetime" => Family::Timestamp,
        "json" | "jsonb" => Family::Json,
        _ => Family::Other,
    }
}

fn candidates(f: Family) -> &'static [&'static str] {
    match f {
        Family::Uuid => &["uuid", "UUID"],
        Family::Text => &["text", "string", "varchar", "String", "str"],
        Family::Int => &["integer", "int", "Integer", "bigint", "smallint", "number"],
        Family::Number => &["numeric", "decimal", "number", "float", "double", "Number"],
        Family::Bool => &["boolean", "bool", "Boolean"],
        Family::Date => &["date", "Date"],
        Family::Timestamp => &[
            "timestamptz",
            "timestamp",
            "datetime",
            "date-time",
            "DateTime",
        ],
        Family::Json => &["jsonb", "json", "object", "Object"],
        Family::Other => &[],
    }
}

/// Every attribute type the dictionaries use.
fn vocabulary(index: &Index) -> Vec<String> {
    index
        .entities()
        .flat_map(|(_, e)| e.attributes.iter().filter_map(|a| a.ty.clone()))
        .collect()
}

/// The dictionary's spelling of a type it already uses (`UUID` for `uuid`);
/// a type with parameters (`varchar(80)`) keeps them.
fn in_vocab(vocab: &[String], word: &str) -> Option<String> {
    let b = base_type(word);
    let v = vocab.iter().find(|v| base_type(v) == b)?;
    Some(if word.contains('(') || v.contains('(') {
        word.to_string()
    } else {
        v.clone()
    })
}

/// Whether the dictionary writes SQL types (`text`, `timestamptz`) rather
/// than generic ones (`string`, `datetime`); `uuid` and `date` are both.
fn sqlish(vocab: &[String]) -> bool {
    vocab.is_empty()
        || vocab.iter().any(|v| {
            let b = base_type(v);
            SQL_WORDS.contains(&b.as_str()) && !matches!(b.as_str(), "date" | "uuid")
        })
}

/// A SQL column type written in the dictionary's vocabulary (`text` stays
/// `text` in a SQL-typed dictionary, becomes `string` in one that says `string`).
pub fn type_from_sql(index: &Index, sql: &str) -> String {
    let vocab = vocabulary(index);
    let sql = sql.trim();
    let lower = sql.to_ascii_lowercase();
    if let Some(v) = in_vocab(&vocab, &lower) {
        return v;
    }
    let fam = family_of_sql(&lower);
    for c in candidates(fam) {
        if vocab
            .iter()
            .any(|v| base_type(v) == c.to_ascii_lowercase() && v == c)
        {
            return c.to_string();
        }
    }
    if sqlish(&vocab) || fam == Family::Other {
        return lower;
    }
    generic(fam).to_string()
}

fn generic(f: Family) -> &'static str {
    match f {
        Family::Uuid => "uuid",
        Family::Text | Family::Other => "string",
        Family::Int => "integer",
        Family::Number => "number",
        Family::Bool => "boolean",
        Family::Date => "date",
        Family::Timestamp => "datetime",
        Family::Json => "object",
    }
}

/// An OpenAPI property schema's type in the dictionary's vocabulary.
pub fn type_from_schema(index: &Index, schema: &Node) -> String {
    let ty = crate::index::lists::main_type(schema)
        .unwrap_or("string")
        .to_string();
    let format = schema.get("format").and_then(Node::as_str).unwrap_or("");
    let fam = match (ty.as_str(), format) {
        ("string", "uuid") => Family::Uuid,
        ("string", "date-time") => Family::Timestamp,
        ("string", "date") => Family::Date,
        ("string", _) => Family::Text,
        ("integer", _) => Family::Int,
        ("number", _) => Family::Number,
        ("boolean", _) => Family::Bool,
        ("object", _) | ("array", _) => Family::Json,
        _ => Family::Other,
    };
    let vocab = vocabulary(index);
    for c in candidates(fam) {
        if vocab.iter().any(|v| v == c) {
            return c.to_string();
        }
    }
    if sqlish(&vocab) && !vocab.is_empty() {
        return match fam {
            Family::Uuid => "uuid",
            Family::Text | Family::Other => "text",
            Family::Int => "integer",
            Family::Number => "numeric",
            Family::Bool => "boolean",
            Family::Date => "date",
            Family::Timestamp => "timestamptz",
            Family::Json => "jsonb",
        }
        .to_string();
    }
    generic(fam).to_string()
}

fn dictionary<'a>(index: &'a Index, file: &str) -> Option<(&'a Dictionary, &'a str)> {
    match index.parsed(file)? {
        Parsed::Dictionary(d, _) => Some((d, index.text(file))),
        _ => None,
    }
}

/// Adds attribute `name` of type `ty` to `entity` in `dict_file`.
pub fn add_attribute(
    set: &mut EditSet,
    dict_file: &FileId,
    entity: &Entity,
    name: &str,
    ty: &str,
) -> bool {
    let index = set.index;
    let Some((dict, text)) = dictionary(index, dict_file) else {
        return false;
    };
    match dict.format {
        DictFormat::Markdown => md_add_attribute(set, dict_file, text, dict, entity, name, ty),
        DictFormat::Csv => csv_add_attribute(set, dict_file, text, entity, name, ty),
        DictFormat::Yaml | DictFormat::Json => tree_add_attribute(set, dict_file, entity, name, ty),
    }
}

/// The name cell and type cell indexes of a Markdown table, from its header
/// and a known attribute row.
fn md_columns(
    text: &str,
    header: Span,
    row_cells: &[table::Cell],
    name_span: Span,
) -> (usize, Option<usize>) {
    let name_col = row_cells
        .iter()
        .position(|c| c.outer.start <= name_span.start && name_span.end <= c.outer.end)
        .unwrap_or(0);
    let head = md_cells(text, header).unwrap_or_default();
    let ty_col = head.iter().position(|c| {
        let h = c.text.to_ascii_lowercase();
        let h = h.trim_matches(['*', '_', '`']);
        h == "type" || h == "data type" || h == "datatype" || h == "format" || h.starts_with("type")
    });
    (name_col, ty_col)
}

fn write_name(template: &str, name: &str) -> String {
    let t = template.trim();
    if t.starts_with("**`") {
        format!("**`{name}`**")
    } else if t.starts_with('`') {
        format!("`{name}`")
    } else if t.starts_with("**") {
        format!("**{name}**")
    } else {
        name.to_string()
    }
}

fn md_add_attribute(
    set: &mut EditSet,
    file: &FileId,
    text: &str,
    dict: &Dictionary,
    entity: &Entity,
    name: &str,
    ty: &str,
) -> bool {
    let at = entity.insert_at.min(text.len() as u32);
    let Some(last) = entity.attributes.last() else {
        // A table without rows: a row under its delimiter row.
        if at > 0 && text.as_bytes()[at as usize - 1] == b'\n' {
            let sep = line_at(text, at - 1);
            if let (Some(sc), Some(head)) = (md_cells(text, sep), table::prev_line(text, sep)) {
                if table::is_separator(&sc) {
                    let hc = md_cells(text, head).unwrap_or_default();
                    let widths: Vec<usize> = sc.iter().map(|c| c.outer.len() as usize).collect();
                    let mut vals = vec![String::new(); sc.len().max(1)];
                    vals[0] = name.to_string();
                    if let Some(t) = hc
                        .iter()
                        .position(|c| c.text.to_ascii_lowercase().contains("type"))
                    {
                        if t > 0 && t < vals.len() {
                            vals[t] = ty.to_string();
                        }
                    }
                    insert_line(set, file, text, at, md_row(text, &sc, &widths, &vals));
                    return true;
                }
            }
        }
        // No table yet: one like the other entities' after the heading.
        let (head, sep, cols) = template_header(text, dict);
        let nl = newline(text);
        let mut vals = vec![String::new(); cols.max(2)];
        vals[0] = name.to_string();
        vals[1] = ty.to_string();
        let row = format!("| {} |", vals.join(" | "));
        insert_line(set, file, text, at, format!("{nl}{head}{nl}{sep}{nl}{row}"));
        return true;
    };
    let row = line_at(text, last.row_span.start);
    let at = at.max(row.end);
    let row_text = &text[row.start as usize..row.end as usize];
    if !row_text.trim_start().starts_with('|') {
        // A bullet list (`- **id**: uuid, primary key`): the same markup.
        let line = list_item_like(text, row, last, name, ty);
        insert_line(set, file, text, at, line);
        return true;
    }
    let Some(cells) = md_cells(text, row) else {
        return false;
    };
    let Some((header, sep, _)) = md_table_around(text, row) else {
        return false;
    };
    let (name_col, ty_col) = md_columns(text, header, &cells, last.span);
    let mut widths: Vec<usize> = md_cells(text, sep)
        .unwrap_or_default()
        .iter()
        .map(|c| c.outer.len() as usize)
        .collect();
    let mut vals = vec![String::new(); cells.len()];
    vals[name_col] = write_name(&cells[name_col].text, name);
    if let Some(t) = ty_col.filter(|&t| t < vals.len() && t != name_col) {
        vals[t] = ty.to_string();
    }
    // A value wider than its column widens the column in every row, so the
    // table stays aligned.
    for (i, v) in vals.iter().enumerate() {
        let need = v.chars().count() + 2;
        if widths.get(i).is_some_and(|w| need > *w) {
            widen_column(set, file, text, header, table_last(text, row), i, need);
            widths[i] = need;
        }
    }
    let new_row = md_row(text, &cells, &widths, &vals);
    let indent = &text[row.start as usize
        ..(cells[0].outer.start as usize)
            .saturating_sub(1)
            .max(row.start as usize)];
    insert_line(set, file, text, at, format!("{indent}{new_row}"));
    true
}

/// The last line of the table holding the line `row`.
fn table_last(text: &str, row: Span) -> Span {
    md_table_around(text, row).map(|(_, _, l)| l).unwrap_or(row)
}

/// Pads cell `col` of every line of a table (from `first` to `last`) to `width`.
fn widen_column(
    set: &mut EditSet,
    file: &FileId,
    text: &str,
    first: Span,
    last: Span,
    col: usize,
    width: usize,
) {
    let mut line = Some(first);
    while let Some(l) = line {
        if let Some(cells) = md_cells(text, l) {
            if let Some(c) = cells.get(col) {
                let have = text[c.outer.start as usize..c.outer.end as usize]
                    .chars()
                    .count();
                if have < width {
                    let new = if table::is_separator(&cells) {
                        let t = c.text.as_str();
                        let (a, z) = (t.starts_with(':'), t.ends_with(':') && t.len() > 1);
                        let pad_l = c.inner.start - c.outer.start;
                        let pad_r = c.outer.end - c.inner.end;
                        let dashes = width
                            - pad_l as usize
                            - pad_r as usize
                            - usize::from(a)
                            - usize::from(z);
                        format!(
                            "{}{}{}{}{}",
                            " ".repeat(pad_l as usize),
                            if a { ":" } else { "" },
                            "-".repeat(dashes),
                            if z { ":" } else { "" },
                            " ".repeat(pad_r as usize)
                        )
                    } else {
                        let lead = (c.inner.start - c.outer.start) as usize;
                        let used = lead + c.text.chars().count();
                        format!(
                            "{}{}{}",
                            " ".repeat(lead),
                            c.text,
                            " ".repeat(width.saturating_sub(used).max(1))
                        )
                    };
                    set.replace(file, c.outer, new);
                }
            }
        }
        if l == last {
            break;
        }
        line = table::next_line(text, l);
    }
}

/// Inserts a whole line at `at` (a line start, or the end of a text without
/// a final line break).
fn insert_line(set: &mut EditSet, file: &FileId, text: &str, at: u32, line: String) {
    let nl = newline(text);
    let new = if at == 0 || text.as_bytes()[at as usize - 1] == b'\n' {
        format!("{line}{nl}")
    } else {
        format!("{nl}{line}")
    };
    set.replace(file, Span::new(at, at), new);
}

/// A list item for a new attribute written like the item `row` of `last`.
fn list_item_like(
    text: &str,
    row: Span,
    last: &crate::model::dictionary::Attribute,
    name: &str,
    ty: &str,
) -> String {
    let line = &text[row.start as usize..row.end as usize];
    let ns = (last.span.start.saturating_sub(row.start) as usize).min(line.len());
    let ne = (last.span.end.saturating_sub(row.start) as usize).clamp(ns, line.len());
    let pre = &line[..ns];
    let after = &line[ne..];
    if let Some(t) = last.ty.as_deref().filter(|t| !t.is_empty()) {
        if let Some(p) = after.find(t) {
            let mid = &after[..p];
            let tail = &after[p + t.len()..];
            let close: String = tail
                .chars()
                .take_while(|c| matches!(c, ')' | '`' | '*' | '_'))
                .collect();
            return format!("{pre}{name}{mid}{ty}{close}");
        }
    }
    let close: String = after
        .chars()
        .take_while(|c| matches!(c, '`' | '*' | '_' | ':'))
        .collect();
    let sep = if close.ends_with(':') { " " } else { ": " };
    format!("{pre}{name}{close}{sep}{ty}")
}

fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The end of the last line of a section (before its final line break).
fn section_end(text: &str, section: Span) -> u32 {
    let mut e = (section.end as usize).min(text.len());
    while e > section.start as usize && matches!(text.as_bytes()[e - 1], b'\n' | b'\r' | b' ') {
        e -= 1;
    }
    line_end(text, e as u32)
}

/// Header and separator lines of the dictionary's tables (from its last
/// entity with attributes), and their number of columns.
fn template_header(text: &str, dict: &Dictionary) -> (String, String, usize) {
    for e in dict.entities.iter().rev() {
        let Some(a) = e.attributes.last() else {
            continue;
        };
        let row = line_at(text, a.row_span.start);
        if let Some((h, s, _)) = md_table_around(text, row) {
            let n = md_cells(text, h).map(|c| c.len()).unwrap_or(3);
            return (
                text[h.start as usize..h.end as usize].trim().to_string(),
                text[s.start as usize..s.end as usize].trim().to_string(),
                n,
            );
        }
    }
    (
        "| Attribute | Type | Description |".into(),
        "|-----------|------|-------------|".into(),
        3,
    )
}

fn csv_add_attribute(
    set: &mut EditSet,
    file: &FileId,
    text: &str,
    entity: &Entity,
    name: &str,
    ty: &str,
) -> bool {
    let Some(last) = entity.attributes.last() else {
        return false;
    };
    let d = table::csv_delimiter(text);
    let row = line_at(text, last.row_span.start);
    let cells = csv_cells(text, row, d);
    let header = csv_cells(text, line_at(text, 0), d);
    let name_col = cells
        .iter()
        .position(|c| c.outer.start <= last.span.start && last.span.end <= c.outer.end)
        .unwrap_or(1);
    let ty_col = header.iter().position(|c| {
        let h = c.text.trim().to_ascii_lowercase().replace([' ', '_'], "");
        h == "type" || h == "datatype"
    });
    let vals: Vec<String> = cells
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i == name_col {
                csv_field(name, d)
            } else if Some(i) == ty_col {
                csv_field(ty, d)
            } else if i < name_col {
                // The entity (and table) cells, as the last row has them.
                text[c.outer.start as usize..c.outer.end as usize].to_string()
            } else {
                String::new()
            }
        })
        .collect();
    let at = entity.insert_at.min(text.len() as u32).max(row.end);
    insert_line(set, file, text, at, vals.join(&(d as char).to_string()));
    true
}

/// How the attributes of a YAML/JSON entity are written.
enum AttrShape<'a> {
    /// A map: `id: uuid` or `id: {type: uuid}` (the sibling's value).
    MapKey(&'a Node),
    /// A list of maps naming themselves with this key (the sibling item).
    ListMap(String, &'a Node),
    /// A list of names.
    ListName,
}

/// The collection holding an attribute whose name is written at
/// `name_span`, and how its attributes are written.
fn attribute_collection(root: &Node, name_span: Span) -> Option<(&Node, AttrShape<'_>)> {
    let anc = ancestors(root, Span::new(name_span.start, name_span.start));
    for (i, n) in anc.iter().enumerate().rev() {
        match &n.value {
            Value::Map(es, _) => {
                if let Some(e) = es.iter().find(|e| e.key_span == name_span) {
                    return Some((n, AttrShape::MapKey(&e.value)));
                }
                if let Some(e) = es.iter().find(|e| e.value.span == name_span) {
                    // A list item map: {name: x, type: y}; its parent is the list.
                    let list = anc.get(i.checked_sub(1)?).filter(|p| p.is_seq())?;
                    return Some((list, AttrShape::ListMap(e.key.clone(), n)));
                }
            }
            Value::Seq(items, _) if items.iter().any(|it| it.span == name_span) => {
                return Some((n, AttrShape::ListName));
            }
            _ => {}
        }
    }
    None
}

fn tree_add_attribute(
    set: &mut EditSet,
    file: &FileId,
    entity: &Entity,
    name: &str,
    ty: &str,
) -> bool {
    let index = set.index;
    let Some(root) = index.doc(file).and_then(|d| d.root.as_ref()) else {
        return false;
    };
    let Some(last) = entity.attributes.last() else {
        return false;
    };
    let Some((coll, shape)) = attribute_collection(root, last.span) else {
        return false;
    };
    let val = attribute_val(&shape, name, ty);
    let Some(doc) = set.doc(file) else {
        return false;
    };
    match shape {
        AttrShape::MapKey(_) => doc.insert_entry(coll, name, val, Pos::End),
        _ => doc.insert_item(coll, val, None),
    }
    true
}

/// A new attribute written like its siblings.
fn attribute_val(shape: &AttrShape, name: &str, ty: &str) -> Val {
    let type_key = |sib: &Node| {
        sib.entries()
            .iter()
            .map(|e| e.key.as_str())
            .find(|k| k.eq_ignore_ascii_case("type") || k.eq_ignore_ascii_case("data_type"))
            .unwrap_or("type")
            .to_string()
    };
    match shape {
        AttrShape::ListMap(nk, sib) => Val::Map(vec![
            (nk.clone(), Val::str(name)),
            (type_key(sib), Val::str(ty)),
        ]),
        AttrShape::ListName => Val::str(name),
        AttrShape::MapKey(sib) => match &sib.value {
            Value::Map(..) => Val::Map(vec![(type_key(sib), Val::str(ty))]),
            _ => Val::str(ty),
        },
    }
}

/// The entity name a table stands for, in the dictionary's naming style
/// (`visit_ratings` → `Visit Rating` or `VisitRating`), and whether an
/// explicit table line is needed for the name to map back to the table.
pub fn entity_name_for_table(index: &Index, table: &str) -> (String, bool) {
    let t = table.to_ascii_lowercase();
    let singular = singularize(&t);
    let spaced = index.entities().any(|(_, e)| e.name.contains(' '));
    let words: Vec<String> = singular
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect();
    let name = words.join(if spaced { " " } else { "" });
    let base = snake_case(&name);
    let maps = base == t || pluralize(&base) == t;
    (name, !maps)
}

/// Naive English singular: `visit_ratings` → `visit_rating`, `categories` → `category`.
pub fn singularize(s: &str) -> String {
    if let Some(b) = s.strip_suffix("ies") {
        return format!("{b}y");
    }
    for suf in ["sses", "xes", "ches", "shes"] {
        if s.ends_with(suf) {
            return s[..s.len() - 2].to_string();
        }
    }
    if s.ends_with('s') && !s.ends_with("ss") {
        return s[..s.len() - 1].to_string();
    }
    s.to_string()
}

/// The dictionary file new entities go to: the one with the most entities.
pub fn main_dictionary(index: &Index) -> Option<&FileId> {
    index.dictionaries.iter().max_by_key(|f| {
        (
            dictionary(index, f)
                .map(|(d, _)| d.entities.len())
                .unwrap_or(0),
            std::cmp::Reverse((*f).clone()),
        )
    })
}

/// Adds an entity with its attributes (name, dictionary type) to `dict_file`.
pub fn add_entity(
    set: &mut EditSet,
    dict_file: &FileId,
    name: &str,
    table: Option<&str>,
    attrs: &[(String, String)],
) -> bool {
    let index = set.index;
    let Some((dict, text)) = dictionary(index, dict_file) else {
        return false;
    };
    match dict.format {
        DictFormat::Markdown => md_add_entity(set, dict_file, text, dict, name, table, attrs),
        DictFormat::Csv => csv_add_entity(set, dict_file, text, dict, name, table, attrs),
        DictFormat::Yaml | DictFormat::Json => {
            tree_add_entity(set, dict_file, dict, name, table, attrs)
        }
    }
}

fn md_add_entity(
    set: &mut EditSet,
    file: &FileId,
    text: &str,
    dict: &Dictionary,
    name: &str,
    table: Option<&str>,
    attrs: &[(String, String)],
) -> bool {
    let nl = newline(text);
    // Heading like the last entity's (`## Patient`, `### Entity: Patient`).
    let (heading, at) = match dict.entities.iter().max_by_key(|e| e.span.start) {
        Some(e) => {
            let l = line_at(text, e.span.start);
            // (A heading the Markdown reader read across lines, as it may
            // with control characters, has no text after it on its line.)
            let pre = slice(text, Span::new(l.start, e.span.start));
            let post = slice(text, Span::new(e.span.end, l.end));
            let sec = if e.section_span.is_empty() {
                line_at(text, e.span.start)
            } else {
                e.section_span
            };
            (format!("{pre}{name}{post}"), section_end(text, sec))
        }
        None => (format!("## {name}"), text.trim_end().len() as u32),
    };
    let table_line = table.map(|t| {
        // Written like an existing `Table:` line when there is one.
        for e in &dict.entities {
            if let Some(et) = &e.table {
                let sec = &text
                    [e.section_span.start as usize..(e.section_span.end as usize).min(text.len())];
                for line in sec.lines() {
                    if line.to_ascii_lowercase().contains("table") && line.contains(et.as_str()) {
                        return line.replacen(et.as_str(), t, 1);
                    }
                }
            }
        }
        format!("Table: {t}")
    });
    // An attribute list like the last entity's (`**Fields**:` then `- **id**: uuid`).
    if let Some(tmpl) = dict.entities.iter().max_by_key(|e| e.span.start) {
        if let (Some(first), Some(last)) = (tmpl.attributes.first(), tmpl.attributes.last()) {
            let row = line_at(text, last.row_span.start);
            if !text[row.start as usize..row.end as usize]
                .trim_start()
                .starts_with('|')
            {
                let head_end = line_at(text, tmpl.span.start).end;
                let first_row = line_at(text, first.row_span.start).start;
                let label = text
                    .get(head_end as usize..first_row as usize)
                    .unwrap_or("")
                    .lines()
                    .map(str::trim)
                    .rfind(|l| {
                        l.ends_with(':') && !l.starts_with(['-', '*', '+'])
                            || l.ends_with("**:")
                            || l.ends_with(":**")
                    })
                    .map(str::to_string);
                let mut out = format!("{nl}{nl}{heading}{nl}");
                if let Some(tl) = &table_line {
                    out.push_str(&format!("{nl}{tl}{nl}"));
                }
                if let Some(l) = label {
                    out.push_str(&format!("{nl}{l}"));
                } else {
                    out.push_str(nl);
                }
                for (n, t) in attrs {
                    out.push_str(nl);
                    out.push_str(&list_item_like(text, row, last, n, t));
                }
                set.replace(file, Span::new(at, at), out);
                return true;
            }
        }
    }
    // Columns like the last table's.
    let (head_line, sep_line, ncols) = template_header(text, dict);
    let head = md_cells(&head_line, Span::new(0, head_line.len() as u32)).unwrap_or_default();
    let sep = md_cells(&sep_line, Span::new(0, sep_line.len() as u32)).unwrap_or_default();
    let ty_col = head
        .iter()
        .position(|c| {
            c.text
                .to_ascii_lowercase()
                .trim_matches(['*', '`'])
                .starts_with("type")
        })
        .unwrap_or(1);
    let backticks = dict
        .entities
        .iter()
        .flat_map(|e| e.attributes.iter())
        .any(|a| a.span.start > 0 && text.as_bytes().get(a.span.start as usize - 1) == Some(&b'`'));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (n, t) in attrs {
        let mut r = vec![String::new(); ncols.max(2)];
        r[0] = if backticks {
            format!("`{n}`")
        } else {
            n.clone()
        };
        if ty_col < r.len() && ty_col != 0 {
            r[ty_col] = t.clone();
        }
        rows.push(r);
    }
    // Widths: the template's, widened to fit.
    let mut widths: Vec<usize> = (0..ncols.max(2))
        .map(|i| sep.get(i).map(|c| c.outer.len() as usize).unwrap_or(3))
        .collect();
    for r in &rows {
        for (i, v) in r.iter().enumerate() {
            widths[i] = widths[i].max(v.chars().count() + 2);
        }
    }
    for (i, c) in head.iter().enumerate() {
        if i < widths.len() {
            widths[i] = widths[i].max(c.text.chars().count() + 2);
        }
    }
    let cell = |v: &str, w: usize| {
        format!(
            " {v}{}",
            " ".repeat(w.saturating_sub(v.chars().count() + 1))
        )
    };
    let mut out = String::new();
    out.push_str(nl);
    out.push_str(nl);
    out.push_str(&heading);
    out.push_str(nl);
    out.push_str(nl);
    if let Some(tl) = table_line {
        out.push_str(&tl);
        out.push_str(nl);
        out.push_str(nl);
    }
    let head_vals: Vec<String> = (0..widths.len())
        .map(|i| head.get(i).map(|c| c.text.clone()).unwrap_or_default())
        .collect();
    out.push('|');
    for (i, w) in widths.iter().enumerate() {
        out.push_str(&cell(&head_vals[i], *w));
        out.push('|');
    }
    out.push_str(nl);
    out.push('|');
    for (i, w) in widths.iter().enumerate() {
        let t = sep.get(i).map(|c| c.text.as_str()).unwrap_or("-");
        let (l, r) = (t.starts_with(':'), t.ends_with(':') && t.len() > 1);
        let dashes = w - usize::from(l) - usize::from(r);
        out.push_str(&format!(
            "{}{}{}|",
            if l { ":" } else { "" },
            "-".repeat(dashes),
            if r { ":" } else { "" }
        ));
    }
    for r in &rows {
        out.push_str(nl);
        out.push('|');
        for (i, w) in widths.iter().enumerate() {
            out.push_str(&cell(&r[i], *w));
            out.push('|');
        }
    }
    if at == 0 {
        out = out.trim_start().to_string();
    }
    set.replace(file, Span::new(at, at), out);
    true
}

fn csv_add_entity(
    set: &mut EditSet,
    file: &FileId,
    text: &str,
    dict: &Dictionary,
    name: &str,
    table: Option<&str>,
    attrs: &[(String, String)],
) -> bool {
    let d = table::csv_delimiter(text);
    let header = csv_cells(text, line_at(text, 0), d);
    let norm = |c: &table::Cell| {
        c.text
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase()
            .replace([' ', '_'], "")
    };
    let find = |names: &[&str]| {
        header
            .iter()
            .position(|c| names.contains(&norm(c).as_str()))
    };
    let ent_col = dict
        .entities
        .first()
        .and_then(|e| {
            let l = line_at(text, e.span.start);
            csv_cells(text, l, d)
                .iter()
                .position(|c| c.outer.start <= e.span.start && e.span.end <= c.outer.end)
        })
        .or_else(|| find(&["entity", "entityname", "name"]))
        .unwrap_or(0);
    let attr_col = find(&[
        "attribute",
        "field",
        "fieldname",
        "column",
        "columnname",
        "attributename",
    ])
    .filter(|&c| c != ent_col)
    .unwrap_or(1);
    let ty_col = find(&["type", "datatype"]);
    let table_col = find(&["table", "tablename"]).filter(|&c| c != ent_col);
    let ncols = header
        .len()
        .max(2)
        .max(attr_col + 1)
        .max(ent_col + 1)
        .max(ty_col.map_or(0, |c| c + 1))
        .max(table_col.map_or(0, |c| c + 1));
    let table_hint = crate::model::dictionary::pluralize(&snake_case(name));
    let nl = newline(text);
    let mut out = String::new();
    for (i, (n, t)) in attrs.iter().enumerate() {
        let mut r = vec![String::new(); ncols];
        r[ent_col] = csv_field(name, d);
        r[attr_col] = csv_field(n, d);
        if let Some(tc) = ty_col {
            r[tc] = csv_field(t, d);
        }
        // The table cell, when the entities' first rows name theirs.
        let tb = table.or_else(|| {
            dict.entities
                .iter()
                .any(|e| e.table.is_some())
                .then_some(table_hint.as_str())
        });
        if let (Some(tc), Some(tb), 0) = (table_col, tb, i) {
            r[tc] = csv_field(tb, d);
        }
        if i > 0 {
            out.push_str(nl);
        }
        out.push_str(&r.join(&(d as char).to_string()));
    }
    let end = text.len() as u32;
    insert_line(set, file, text, end, out);
    true
}

fn tree_add_entity(
    set: &mut EditSet,
    file: &FileId,
    dict: &Dictionary,
    name: &str,
    table: Option<&str>,
    attrs: &[(String, String)],
) -> bool {
    let index = set.index;
    let Some(root) = index.doc(file).and_then(|d| d.root.as_ref()) else {
        return false;
    };
    // The last entity is the template: a map entry (`Patient: {…}`) or a
    // list item (`- name: Patient`).
    let Some(tmpl) = dict.entities.iter().max_by_key(|e| e.span.start) else {
        return false;
    };
    let anc = ancestors(root, Span::new(tmpl.span.start, tmpl.span.start));
    let mut container: Option<(&Node, Option<String>, &Node)> = None;
    for (i, n) in anc.iter().enumerate().rev() {
        if let Some(e) = n.entries().iter().find(|e| e.key_span == tmpl.span) {
            container = Some((n, None, &e.value));
            break;
        }
        if let Some(e) = n.entries().iter().find(|e| e.value.span == tmpl.span) {
            if let Some(list) = i.checked_sub(1).map(|j| anc[j]).filter(|p| p.is_seq()) {
                container = Some((list, Some(e.key.clone()), n));
                break;
            }
        }
    }
    let Some((container, name_key, tvalue)) = container else {
        return false;
    };
    let sib_shape = tmpl
        .attributes
        .last()
        .and_then(|a| attribute_collection(root, a.span));
    let attr_vals = |coll_is_seq: bool| -> Val {
        match (&sib_shape, coll_is_seq) {
            (Some((_, sh @ (AttrShape::ListMap(..) | AttrShape::ListName))), _) => {
                Val::Seq(attrs.iter().map(|(n, t)| attribute_val(sh, n, t)).collect())
            }
            (_, true) => Val::Seq(
                attrs
                    .iter()
                    .map(|(n, t)| Val::map([("name", Val::str(n)), ("type", Val::str(t))]))
                    .collect(),
            ),
            (Some((_, sh)), false) => Val::Map(
                attrs
                    .iter()
                    .map(|(n, t)| (n.clone(), attribute_val(sh, n, t)))
                    .collect(),
            ),
            (None, false) => Val::Map(
                attrs
                    .iter()
                    .map(|(n, t)| (n.clone(), Val::str(t)))
                    .collect(),
            ),
        }
    };
    let mut fields: Vec<(String, Val)> = Vec::new();
    if let Some(nk) = &name_key {
        fields.push((nk.clone(), Val::str(name)));
    }
    let mut has_attrs = false;
    for e in tvalue.entries() {
        let k = e.key.to_ascii_lowercase();
        if Some(&e.key) == name_key.as_ref() {
            continue;
        }
        if k == "table" || k == "table_name" {
            if let Some(t) = table {
                fields.push((e.key.clone(), Val::str(t)));
            }
        } else if !has_attrs
            && matches!(e.value.value, Value::Map(..) | Value::Seq(..))
            && ["attributes", "fields", "columns", "properties", "attrs"].contains(&k.as_str())
        {
            has_attrs = true;
            fields.push((e.key.clone(), attr_vals(e.value.is_seq())));
        }
    }
    if let Some(t) = table.filter(|_| {
        !fields
            .iter()
            .any(|(k, _)| k.to_ascii_lowercase().starts_with("table"))
    }) {
        fields.insert(
            usize::from(name_key.is_some()),
            ("table".into(), Val::str(t)),
        );
    }
    if !has_attrs {
        fields.push(("attributes".into(), attr_vals(false)));
    }
    let Some(doc) = set.doc(file) else {
        return false;
    };
    match name_key {
        None => doc.insert_entry(container, name, Val::Map(fields), Pos::End),
        Some(_) => doc.insert_item(container, Val::Map(fields), None),
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_and_families() {
        assert_eq!(singularize("visit_ratings"), "visit_rating");
        assert_eq!(singularize("categories"), "category");
        assert_eq!(singularize("addresses"), "address");
        assert_eq!(family_of_sql("varchar(80)"), Family::Text);
        assert_eq!(family_of_sql("TIMESTAMPTZ"), Family::Timestamp);
        assert_eq!(base_type("numeric(10, 2)"), "numeric");
    }
}
