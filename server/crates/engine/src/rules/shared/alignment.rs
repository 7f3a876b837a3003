//! What the three-way alignment rules share: which SQL table, column,
//! dictionary attribute and API property stand for one another, and how to
//! write a dictionary type in SQL and in a schema.

use crate::diag::FileId;
use crate::index::Index;
use crate::model::datatype::{self, AttributeFacts, DataType, SchemaFacts};
use crate::model::dictionary::{Attribute, Entity};
use crate::model::sql::schema::{Dialect, LiveColumn, SchemaTable};
use specgate_syntax::tree::{Node, Span};

/// A live column, its table, and the dictionary attribute it stands for.
pub struct ColumnPair<'a> {
    pub table: &'a SchemaTable,
    pub column: &'a LiveColumn,
    pub entity: &'a Entity,
    pub attribute: &'a Attribute,
    pub dict_file: &'a FileId,
    pub facts: &'a AttributeFacts,
}

/// The SQL file at position `i` of [`Index::sql_files`].
pub fn sql_file(index: &Index, i: usize) -> &FileId {
    &index.sql_files[i]
}

/// Each live table with the entity it stands for (seen from its file).
pub fn table_entities(index: &Index) -> Vec<(&SchemaTable, &FileId, &Entity)> {
    if index.dictionaries.is_empty() {
        return Vec::new();
    }
    index
        .sql_schema()
        .tables
        .iter()
        .filter_map(|t| {
            let (df, e) = index.entity_for_table_from(&t.name, sql_file(index, t.file))?;
            Some((t, df, e))
        })
        .collect()
}

/// Every live column whose entity lists it, with what the attribute says
/// (from [`Index::aligned_columns`], read once per build).
pub fn column_pairs(index: &Index) -> Vec<ColumnPair<'_>> {
    let schema = index.sql_schema();
    index
        .aligned_columns()
        .iter()
        .filter_map(|a| {
            let table = schema.tables.get(a.table)?;
            let dict_file = index.dictionaries.get(a.dictionary)?;
            let Some(crate::index::Parsed::Dictionary(dict, _)) = index.parsed(dict_file) else {
                return None;
            };
            let entity = dict.entities.get(a.entity)?;
            Some(ColumnPair {
                table,
                column: table.columns.get(a.column)?,
                entity,
                attribute: entity.attributes.get(a.attribute)?,
                dict_file,
                facts: &a.facts,
            })
        })
        .collect()
}

/// The column's type as the workspace's SQL reads it.
pub fn column_type(index: &Index, t: &SchemaTable, c: &LiveColumn) -> Option<DataType> {
    datatype::sql_type(&c.def.ty, t.dialect, &index.sql_schema().enums)
}

/// The entity an attribute's reference names (`Availability Slot.id`,
/// `clinics(id)`), seen from `from`.
pub fn reference_entity<'a>(
    index: &'a Index,
    from: &str,
    raw: &str,
) -> Option<(&'a FileId, &'a Entity)> {
    datatype::reference_candidates(raw)
        .into_iter()
        .find_map(|c| {
            index
                .entity_named_from(&c, from)
                .or_else(|| index.entity_for_table_from(&c, from))
        })
}

/// The live table of an entity, if the SQL has one.
pub fn entity_table<'a>(index: &'a Index, entity: &Entity) -> Option<&'a SchemaTable> {
    let names = entity.table_names();
    index
        .sql_schema()
        .tables
        .iter()
        .find(|t| names.contains(&t.name))
}

/// The dictionary's type written in SQL for `dialect`: as the dictionary
/// writes it when that is SQL meaning the same (`timestamptz`,
/// `decimal(10,2)`), else the dialect's usual name. `upper` follows the
/// file's style. `None` for what has no one spelling (enums, arrays).
pub fn sql_spelling(written: &str, ty: &DataType, dialect: Dialect, upper: bool) -> Option<String> {
    let empty = Default::default();
    let as_written = datatype::sql_type(written, dialect, &empty).as_ref() == Some(ty)
        && written
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " (),_".contains(c));
    let s = if as_written {
        written.to_ascii_lowercase()
    } else {
        let (pg, my, lite) = match ty {
            DataType::Uuid => ("uuid", "char(36)", "text"),
            DataType::String { max: Some(n) } => {
                let v = format!("varchar({n})");
                return Some(case(&v, upper));
            }
            DataType::String { max: None } => ("text", "text", "text"),
            DataType::Integer { bits: 16 } => ("smallint", "smallint", "integer"),
            DataType::Integer { bits: 64 } => ("bigint", "bigint", "integer"),
            DataType::Integer { .. } => ("integer", "int", "integer"),
            DataType::Decimal | DataType::Number => ("numeric", "decimal", "numeric"),
            DataType::Float => ("double precision", "double", "real"),
            DataType::Boolean => ("boolean", "boolean", "integer"),
            DataType::Date => ("date", "date", "text"),
            DataType::Time => ("time", "time", "text"),
            DataType::Timestamp => ("timestamptz", "datetime", "text"),
            DataType::Json => ("jsonb", "json", "text"),
            DataType::Binary => ("bytea", "blob", "blob"),
            DataType::Enum(_) | DataType::Array => return None,
        };
        match dialect {
            Dialect::Postgres => pg,
            Dialect::MySql => my,
            Dialect::Sqlite => lite,
        }
        .to_string()
    };
    Some(case(&s, upper))
}

fn case(s: &str, upper: bool) -> String {
    if upper {
        s.to_ascii_uppercase()
    } else {
        s.to_string()
    }
}

/// Is a type written in upper case (`VARCHAR(80)`, `TEXT`)?
pub fn upper_style(written: &str) -> bool {
    let letters: Vec<char> = written.chars().filter(char::is_ascii_alphabetic).collect();
    !letters.is_empty() && letters.iter().all(char::is_ascii_uppercase)
}

/// `type` (the non-null one of a 3.1 list), `format`, `maxLength` and
/// `enum` of a property schema; `None` for a schema whose type comes from
/// elsewhere (`$ref` to an object, `allOf`/`oneOf`/`anyOf` without a type).
pub fn schema_facts(node: &Node) -> Option<SchemaFacts> {
    let ty = crate::index::lists::main_type(node).map(str::to_string);
    if ty.is_none()
        && ["allOf", "oneOf", "anyOf", "$ref", "properties", "items"]
            .iter()
            .any(|k| node.get(k).is_some())
    {
        return None;
    }
    Some(SchemaFacts {
        ty,
        format: node
            .get("format")
            .and_then(Node::as_str)
            .map(str::to_string),
        max_length: node
            .get("maxLength")
            .and_then(Node::as_str)
            .and_then(|s| s.parse().ok()),
        enum_values: node.get("enum").filter(|e| e.is_seq()).map(|e| {
            e.items()
                .iter()
                .filter_map(Node::as_str)
                .map(str::to_string)
                .collect()
        }),
    })
}

/// The schema keys that say a dictionary type: `type`, then `format`,
/// `maxLength`, `enum` as it needs them.
pub fn schema_spelling(ty: &DataType) -> Vec<(&'static str, String)> {
    let s = |t: &str| ("type", t.to_string());
    let f = |t: &str| ("format", t.to_string());
    match ty {
        DataType::Uuid => vec![s("string"), f("uuid")],
        DataType::String { max: Some(m) } => vec![s("string"), ("maxLength", m.to_string())],
        DataType::String { max: None } => vec![s("string")],
        DataType::Integer { bits: 64 } => vec![s("integer"), f("int64")],
        DataType::Integer { .. } => vec![s("integer"), f("int32")],
        DataType::Decimal | DataType::Float | DataType::Number => vec![s("number")],
        DataType::Boolean => vec![s("boolean")],
        DataType::Date => vec![s("string"), f("date")],
        DataType::Time => vec![s("string"), f("time")],
        DataType::Timestamp => vec![s("string"), f("date-time")],
        DataType::Json => vec![s("object")],
        DataType::Binary => vec![s("string"), f("binary")],
        DataType::Enum(Some(_)) => vec![s("string")],
        DataType::Enum(None) => vec![s("string")],
        DataType::Array => vec![s("array")],
    }
}

/// Replaces `span` of a SQL column definition by `new`, keeping what
/// follows in its column when the definitions are padded with spaces
/// (`speciality  text` → `specialty   text`).
pub fn replace_aligned(text: &str, span: Span, new: &str) -> (Span, String) {
    let old = text
        .get(span.start as usize..span.end as usize)
        .unwrap_or("");
    let after = text.get(span.end as usize..).unwrap_or("");
    let spaces = after.len() - after.trim_start_matches(' ').len();
    if spaces >= 2 && !after[spaces..].starts_with(['\n', '\r']) {
        let pad = (spaces + old.chars().count())
            .saturating_sub(new.chars().count())
            .max(1);
        (
            Span::new(span.start, span.end + spaces as u32),
            format!("{new}{}", " ".repeat(pad)),
        )
    } else {
        (span, new.to_string())
    }
}

/// Where an attribute's type is written in its row (the type cell, the
/// `type:` value), to rewrite it.
pub fn attribute_type_span(index: &Index, dict_file: &FileId, a: &Attribute) -> Option<Span> {
    let ty = a.ty.as_deref()?;
    let text = index.text(dict_file);
    let from = a.span.end.max(a.row_span.start) as usize;
    let row = text.get(from..a.row_span.end as usize)?;
    let at = row.find(ty)?;
    let start = (from + at) as u32;
    Some(Span::new(start, start + ty.len() as u32))
}

/// Does the file write SQL keywords in upper case? (Lower case only when it
/// writes its constraints so.)
pub fn sql_upper(text: &str) -> bool {
    let lower = ["not null", "primary key", "references", "create table"]
        .iter()
        .filter(|k| text.contains(*k))
        .count();
    let upper = ["NOT NULL", "PRIMARY KEY", "REFERENCES", "CREATE TABLE"]
        .iter()
        .filter(|k| text.contains(*k))
        .count();
    upper >= lower
}

/// A type for the dictionary in its own vocabulary: a bounded string keeps
/// the dictionary's word for strings (`string(80)` where it writes
/// `string(120)`); anything else is `fallback` (the family's word the
/// dictionary uses).
pub fn dictionary_spelling(written: Option<&str>, max: Option<u64>, fallback: String) -> String {
    let base: String = written
        .unwrap_or("")
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let stringy = ["string", "varchar", "nvarchar", "char", "str"]
        .iter()
        .any(|b| base.eq_ignore_ascii_case(b));
    match max {
        Some(n) if stringy => format!("{base}({n})"),
        _ => fallback,
    }
}
