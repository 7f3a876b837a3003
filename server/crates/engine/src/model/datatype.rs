//! One vocabulary of data types for the dictionary, SQL and OpenAPI, and
//! what a dictionary attribute says besides its type (required, keys,
//! references).
//!
//! A type that is not understood is `None` and never checked: an
//! attribute typed `EventType` or a column of `tsvector` is not guessed.

use super::sql::schema::Dialect;
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Clone, Debug, PartialEq)]
pub enum DataType {
    Uuid,
    /// Character data; `max` when bounded (`varchar(80)`, `string(200)`).
    String {
        max: Option<u32>,
    },
    /// Whole numbers of `bits` (16, 32, 64).
    Integer {
        bits: u8,
    },
    /// Exact numbers (`decimal(10,2)`, `numeric`, `money`).
    Decimal,
    /// Binary floating point (`real`, `double precision`, `float`).
    Float,
    /// A number of any kind (the dictionary's `number`).
    Number,
    Boolean,
    Date,
    Time,
    Timestamp,
    Json,
    Binary,
    /// `enum(a, b)`; values `None` when not listed.
    Enum(Option<Vec<String>>),
    Array,
}

impl DataType {
    /// How the type is named in messages.
    pub fn describe(&self) -> String {
        match self {
            DataType::Uuid => "uuid".into(),
            DataType::String { max: Some(m) } => format!("string({m})"),
            DataType::String { max: None } => "string".into(),
            DataType::Integer { bits: 16 } => "smallint".into(),
            DataType::Integer { bits: 64 } => "bigint".into(),
            DataType::Integer { .. } => "integer".into(),
            DataType::Decimal => "decimal".into(),
            DataType::Float => "float".into(),
            DataType::Number => "number".into(),
            DataType::Boolean => "boolean".into(),
            DataType::Date => "date".into(),
            DataType::Time => "time".into(),
            DataType::Timestamp => "timestamp".into(),
            DataType::Json => "json".into(),
            DataType::Binary => "binary".into(),
            DataType::Enum(Some(v)) => format!("enum({})", v.join(", ")),
            DataType::Enum(None) => "enum".into(),
            DataType::Array => "array".into(),
        }
    }

    fn is_numeric(&self) -> bool {
        matches!(
            self,
            DataType::Integer { .. } | DataType::Decimal | DataType::Float | DataType::Number
        )
    }
}

/// The base word of a type (`varchar(80)` → `varchar`), its parenthesized
/// arguments, and the rest.
fn split_type(t: &str) -> (String, Option<String>, String) {
    let t = t.trim();
    let end = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(t.len());
    let base = t[..end].to_ascii_lowercase();
    let rest = &t[end..];
    let args_at = rest.trim_start();
    if let Some(r) = args_at.strip_prefix('(') {
        if let Some(close) = r.find(')') {
            return (
                base,
                Some(r[..close].to_string()),
                r[close + 1..].trim().to_string(),
            );
        }
    }
    (base, None, rest.trim().to_string())
}

fn first_number(s: &str) -> Option<u32> {
    let d: String = s.trim().chars().take_while(char::is_ascii_digit).collect();
    d.parse().ok()
}

fn enum_values(args: &str) -> Vec<String> {
    args.split([',', '|'])
        .map(|v| {
            v.trim()
                .trim_matches(|c| c == '\'' || c == '"' || c == '`')
                .to_string()
        })
        .filter(|v| !v.is_empty())
        .collect()
}

/// A dictionary's type (`uuid`, `string(200)`, `Guid (UUIDv7)`,
/// `DateTime (UTC)`, `decimal(10,2)`, `enum(a, b)`, `list[string]`,
/// `string?`) and whether it is marked nullable by a trailing `?`.
pub fn dictionary_type(ty: &str) -> (Option<DataType>, bool) {
    let t = ty.trim().trim_matches('`').trim();
    let (t, nullable) = match t.strip_suffix('?') {
        Some(r) => (r.trim_end(), true),
        None => (t, false),
    };
    let lower = t.to_ascii_lowercase();
    if lower.ends_with("[]")
        || lower.starts_with('[')
        || ["list", "array", "set", "vec", "ienumerable", "icollection"]
            .iter()
            .any(|p| lower.starts_with(&format!("{p}[")) || lower.starts_with(&format!("{p}<")))
        || lower.starts_with("array of ")
        || lower.starts_with("list of ")
    {
        return (Some(DataType::Array), nullable);
    }
    let (base, args, _) = split_type(t);
    // `Guid (UUIDv7)`, `DateTime (UTC)`: a note, not arguments.
    let spaced = t.len() > base.len() && t.as_bytes()[base.len()] == b' ';
    let args = if spaced && base != "enum" { None } else { args };
    let ty = match base.as_str() {
        "uuid" | "guid" => Some(DataType::Uuid),
        "string" | "str" | "varchar" | "nvarchar" | "char" | "character" | "citext" => {
            Some(DataType::String {
                max: args.as_deref().and_then(first_number),
            })
        }
        "text" | "longtext" | "mediumtext" => Some(DataType::String { max: None }),
        "smallint" | "int2" | "short" | "int16" => Some(DataType::Integer { bits: 16 }),
        "int" | "integer" | "int4" | "int32" | "serial" => Some(DataType::Integer { bits: 32 }),
        "bigint" | "int8" | "int64" | "long" | "bigserial" => Some(DataType::Integer { bits: 64 }),
        "decimal" | "numeric" | "money" => Some(DataType::Decimal),
        "float" | "double" | "real" | "float4" | "float8" | "float32" | "float64" => {
            Some(DataType::Float)
        }
        "number" => Some(DataType::Number),
        "bool" | "boolean" => Some(DataType::Boolean),
        "date" | "dateonly" | "localdate" => Some(DataType::Date),
        "timestamp" | "timestamptz" | "datetime" | "datetimeoffset" | "instant"
        | "localdatetime" | "zoneddatetime" | "offsetdatetime" => Some(DataType::Timestamp),
        "time" | "timeonly" | "localtime" | "timetz" => Some(DataType::Time),
        "json" | "jsonb" | "object" | "map" | "dict" | "hash" => Some(DataType::Json),
        "bytes" | "binary" | "blob" | "bytea" => Some(DataType::Binary),
        "enum" => Some(DataType::Enum(
            args.as_deref().map(enum_values).filter(|v| !v.is_empty()),
        )),
        _ => None,
    };
    (ty, nullable)
}

/// A SQL column type as the dialect reads it; `enums` are the workspace's
/// `CREATE TYPE … AS ENUM` types.
pub fn sql_type(
    ty: &str,
    dialect: Dialect,
    enums: &HashMap<String, Vec<String>>,
) -> Option<DataType> {
    let t = ty.trim();
    let lower = t.to_ascii_lowercase();
    if lower.ends_with(']') || lower.starts_with("array") {
        return Some(DataType::Array);
    }
    let (base, args, rest) = split_type(t);
    let rest = rest.to_ascii_lowercase();
    let n = args.as_deref().and_then(first_number);
    Some(match base.as_str() {
        "uuid" | "uniqueidentifier" => DataType::Uuid,
        "varchar" | "nvarchar" | "nchar" | "char" | "bpchar" | "varchar2" => DataType::String {
            max: n.or((base == "char" || base == "nchar").then_some(1)),
        },
        "character" => {
            let max = if rest.starts_with("varying") {
                rest.find('(').and_then(|p| first_number(&rest[p + 1..]))
            } else {
                Some(n.unwrap_or(1))
            };
            DataType::String { max }
        }
        "text" | "citext" | "longtext" | "mediumtext" | "clob" | "string" => {
            DataType::String { max: None }
        }
        "tinytext" => DataType::String { max: Some(255) },
        "tinyint" if n == Some(1) || dialect == Dialect::Sqlite => DataType::Boolean,
        "tinyint" => DataType::Integer { bits: 8 },
        "smallint" | "int2" | "smallserial" => DataType::Integer { bits: 16 },
        "int" | "integer" | "int4" | "mediumint" | "serial" => DataType::Integer {
            // SQLite's INTEGER holds 64 bits.
            bits: if dialect == Dialect::Sqlite { 64 } else { 32 },
        },
        "bigint" | "int8" | "bigserial" => DataType::Integer { bits: 64 },
        "numeric" | "decimal" | "money" | "number" => DataType::Decimal,
        "real" | "float" | "float4" | "float8" | "double" => DataType::Float,
        "bool" | "boolean" => DataType::Boolean,
        "bit" if n.unwrap_or(1) == 1 => DataType::Boolean,
        "date" => DataType::Date,
        "timestamp" | "timestamptz" | "datetime" | "datetime2" | "datetimeoffset" => {
            DataType::Timestamp
        }
        "time" | "timetz" => DataType::Time,
        "json" | "jsonb" => DataType::Json,
        "bytea" | "blob" | "binary" | "varbinary" | "longblob" | "mediumblob" => DataType::Binary,
        "enum" => DataType::Enum(args.as_deref().map(enum_values)),
        other => match enums.get(other) {
            Some(values) => DataType::Enum(Some(values.clone())),
            None => return None,
        },
    })
}

fn same_values(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<&String> = a.iter().collect();
    let mut b: Vec<&String> = b.iter().collect();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    a == b
}

/// Why a column of type `col` cannot hold the dictionary's `dict`, or `None`
/// when it can (a wider type that holds every value is fine). `check_in` is
/// the column's `CHECK (c IN (…))`, if any.
pub fn sql_mismatch(
    dict: &DataType,
    col: &DataType,
    dialect: Dialect,
    check_in: Option<&[String]>,
) -> Option<String> {
    use DataType as T;
    // SQLite stores text, dates and decimals as TEXT by design; MySQL keeps
    // UUIDs in CHAR(36) or BINARY(16) and booleans in TINYINT(1).
    let loose = dialect != Dialect::Postgres;
    let ok = match (dict, col) {
        (T::Uuid, T::Uuid) => true,
        (T::Uuid, T::String { max }) => loose && max.is_none_or(|m| m >= 36),
        (T::Uuid, T::Binary) => loose,
        (T::String { max: d }, T::String { max: c }) => match (d, c) {
            (Some(d), Some(c)) => c >= d,
            _ => true,
        },
        (T::String { .. }, T::Json) => false,
        // A dictionary's `integer` means a whole number, not 32 bits: a
        // `smallint` rating is a choice. Only an explicit `bigint` needs 64.
        (T::Integer { bits: d }, T::Integer { bits: c }) => c >= d || *d <= 32,
        (T::Integer { .. }, T::Decimal | T::Number) => true,
        (T::Integer { bits }, T::Float) => *bits <= 32,
        (T::Decimal, T::Decimal) => true,
        (T::Decimal, T::String { max: None }) => dialect == Dialect::Sqlite,
        (T::Float, T::Float | T::Decimal) => true,
        (T::Number, c) => c.is_numeric(),
        (T::Boolean, T::Boolean) => true,
        (T::Boolean, T::Integer { .. }) => loose,
        (T::Date, T::Date | T::Timestamp) => true,
        (T::Timestamp, T::Timestamp) => true,
        (T::Time, T::Time) => true,
        (T::Date | T::Timestamp | T::Time, T::String { .. }) => dialect == Dialect::Sqlite,
        (T::Timestamp, T::Integer { bits: 64 }) => dialect == Dialect::Sqlite,
        (T::Json, T::Json | T::String { max: None }) => true,
        (T::Binary, T::Binary) => true,
        (T::Array, T::Array | T::Json) => true,
        (T::Enum(d), T::Enum(c)) => {
            return match (d, c) {
                (Some(d), Some(c)) if !same_values(d, c) => Some(format!(
                    "its values ({}) differ from the dictionary's ({})",
                    c.join(", "),
                    d.join(", ")
                )),
                _ => None,
            };
        }
        (T::Enum(d), T::String { .. }) => {
            return match (d, check_in) {
                (Some(d), Some(c)) if !same_values(d, c) => Some(format!(
                    "its CHECK allows {} but the dictionary lists {}",
                    c.join(", "),
                    d.join(", ")
                )),
                _ => None,
            };
        }
        // Enums stored as numbers are a choice, not a mismatch.
        (T::Enum(_), T::Integer { .. }) => true,
        _ => false,
    };
    if ok {
        return None;
    }
    Some(match (dict, col) {
        (T::String { max: Some(d) }, T::String { max: Some(c) }) => {
            format!("values up to {d} characters do not fit in {c}")
        }
        (T::Integer { .. }, T::Integer { .. }) => "it is narrower".to_string(),
        _ => format!("it cannot hold {} values", dict.describe()),
    })
}

/// What an OpenAPI schema says about a value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SchemaFacts {
    /// `type` (the non-null one of a 3.1 list).
    pub ty: Option<String>,
    pub format: Option<String>,
    pub max_length: Option<u64>,
    pub enum_values: Option<Vec<String>>,
}

/// Why a property described by `s` contradicts the dictionary's `dict`:
/// the schema key at fault (`type`, `format`, `maxLength`, `enum`) and the
/// reason, or `None`. Only contradictions count: a `string` without
/// `format: uuid` for a uuid attribute is less precise, not wrong.
pub fn schema_mismatch(dict: &DataType, s: &SchemaFacts) -> Option<(&'static str, String)> {
    use DataType as T;
    let ty = s.ty.as_deref();
    let format = s.format.as_deref();
    let want_type = |ok: &[&str]| -> Option<(&'static str, String)> {
        let t = ty?;
        (!ok.contains(&t)).then(|| {
            (
                "type",
                format!("`type: {t}` cannot hold {} values", dict.describe()),
            )
        })
    };
    let want_format = |ok: &[&str]| -> Option<(&'static str, String)> {
        let f = format?;
        (!ok.contains(&f)).then(|| {
            (
                "format",
                format!("`format: {f}` does not describe {} values", dict.describe()),
            )
        })
    };
    match dict {
        T::Uuid => want_type(&["string"]).or_else(|| want_format(&["uuid", "guid"])),
        T::String { max } => want_type(&["string"]).or_else(|| match (max, s.max_length) {
            (Some(m), Some(l)) if l > u64::from(*m) => Some((
                "maxLength",
                format!("`maxLength: {l}` allows more than the dictionary's {m} characters"),
            )),
            _ => None,
        }),
        T::Integer { bits } => want_type(&["integer"]).or_else(|| {
            (*bits == 64 && format == Some("int32"))
                .then(|| ("format", "`format: int32` cannot hold a bigint".to_string()))
        }),
        T::Decimal => want_type(&["number", "string"]),
        T::Float | T::Number => want_type(&["number", "integer"]),
        T::Boolean => want_type(&["boolean"]),
        T::Date => want_type(&["string"]).or_else(|| want_format(&["date"])),
        T::Timestamp => want_type(&["string", "integer"]).or_else(|| {
            (ty != Some("integer"))
                .then(|| want_format(&["date-time"]))
                .flatten()
        }),
        T::Time => want_type(&["string"]).or_else(|| want_format(&["time", "partial-time"])),
        T::Json => want_type(&["object", "array"]),
        T::Binary => want_type(&["string"]),
        T::Array => want_type(&["array"]),
        T::Enum(values) => {
            want_type(&["string", "integer"]).or_else(|| match (values, &s.enum_values) {
                (Some(d), Some(a)) if !same_values(d, a) => Some((
                    "enum",
                    format!(
                        "its enum ({}) differs from the dictionary's ({})",
                        a.join(", "),
                        d.join(", ")
                    ),
                )),
                _ => None,
            })
        }
    }
}

/// What an attribute's row says besides its name and type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributeFacts {
    pub ty: Option<DataType>,
    /// `Some(true)`: required / NOT NULL; `Some(false)`: optional,
    /// nullable; `None`: not said, conditional, or said both ways.
    pub required: Option<bool>,
    pub primary_key: bool,
    pub unique: bool,
    /// The target of `FK → Clinic.id`, `References Availability Slot`, as
    /// written (resolved against the dictionary by the caller).
    pub references: Option<String>,
}

const REQUIRED_HEADS: &[&str] = &["required", "req", "mandatory", "必須", "obligatorio"];
const NULLABLE_HEADS: &[&str] = &["nullable", "null", "null?", "nulls", "optional"];

fn yes_no(v: &str) -> Option<bool> {
    let v = v.trim().trim_matches(['*', '_', '`']).to_lowercase();
    let first = v.split([' ', '(', '（', ',']).next().unwrap_or("");
    match first {
        "yes" | "y" | "true" | "✓" | "✔" | "✔️" | "x" | "required" | "○" | "●" | "◯"
        | "mandatory" | "must" | "always" => Some(true),
        "no" | "n" | "false" | "—" | "-" | "–" | "optional" | "✗" | "×" | "nullable" => {
            Some(false)
        }
        _ if v.starts_with("not null") => Some(true),
        _ if v.starts_with('○') || v.starts_with('✓') || v.starts_with('●') => Some(true),
        _ => None,
    }
}

fn reference_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(?:\bfk\b|\bforeign[ -]key\b|\breferences\b|\brefs?\b|\bfk_to\b)[ \t:]*(?:to\b|→|->|=>|:)?[ \t]*(?P<t>[A-Za-z_`][A-Za-z0-9_ .`()]*)|(?:^|[\s(])(?:→|->)[ \t]*(?P<u>[A-Za-z_`][A-Za-z0-9_ .`()]*)",
        )
        .expect("valid regex")
    })
}

impl AttributeFacts {
    /// What a row says: its type cell, its description and its other cells
    /// (`("required", "yes")`).
    pub fn of_row(
        ty: Option<&str>,
        description: Option<&str>,
        extra: &[(String, String)],
    ) -> AttributeFacts {
        let (parsed, nullable) = ty.map(dictionary_type).unwrap_or((None, false));
        let mut f = AttributeFacts {
            ty: parsed,
            ..AttributeFacts::default()
        };
        let mut said: Vec<bool> = Vec::new();
        if nullable {
            said.push(false);
        }
        let mut texts: Vec<&str> = Vec::new();
        if let Some(t) = ty {
            texts.push(t);
        }
        if let Some(d) = description {
            texts.push(d);
        }
        for (head, value) in extra {
            let h = head.trim_end_matches(['?', ':']).trim();
            if REQUIRED_HEADS
                .iter()
                .any(|k| h == *k || h.starts_with(&format!("{k} ")))
            {
                said.extend(yes_no(value));
            } else if NULLABLE_HEADS.contains(&head.as_str()) || NULLABLE_HEADS.contains(&h) {
                said.extend(yes_no(value).map(|b| !b));
            } else if ["fk", "foreign key", "references", "reference", "relation"].contains(&h) {
                let v = value.trim().trim_matches('`');
                if yes_no(v).is_none() && v.chars().next().is_some_and(char::is_alphabetic) {
                    f.references = Some(v.to_string());
                }
            } else if ["pk", "primary key", "key"].contains(&h) {
                if yes_no(value) == Some(true)
                    || value.eq_ignore_ascii_case("pk")
                    || value.to_lowercase().contains("primary")
                {
                    f.primary_key = true;
                }
                if value.to_lowercase().contains("fk") && f.references.is_none() {
                    texts.push(value);
                }
            } else {
                texts.push(value);
            }
        }
        for text in texts {
            let lower = text.to_lowercase();
            let may_refer = ["fk", "ref", "foreign", "→", "->"]
                .iter()
                .any(|w| lower.contains(w));
            if f.references.is_none() && may_refer {
                if let Some(c) = reference_re().captures(text) {
                    let t = c.name("t").or_else(|| c.name("u")).map(|m| m.as_str());
                    if let Some(t) = t.map(|t| t.trim().trim_matches('`')) {
                        f.references = Some(t.to_string());
                    }
                }
            }
            for clause in text.split([',', ';', '.', '|', '\n', '，', '、', '。']) {
                let c = clause
                    .trim()
                    .trim_matches(['*', '_', '`', '(', ')'])
                    .trim()
                    .to_lowercase();
                let words: Vec<&str> = c.split_whitespace().collect();
                if words.windows(2).any(|w| w == ["primary", "key"]) || words.contains(&"pk") {
                    f.primary_key = true;
                }
                if words.contains(&"unique") && !words.contains(&"not") {
                    f.unique = true;
                }
                match c.as_str() {
                    "required" | "not null" | "mandatory" | "non-null" | "not nullable" => {
                        said.push(true)
                    }
                    "optional" | "nullable" | "null allowed" | "may be null" | "can be null"
                    | "null" => said.push(false),
                    _ if c.starts_with("required (") || c.starts_with("not null (") => {
                        said.push(true)
                    }
                    _ if c.starts_with("optional ")
                        || c.starts_with("optional(")
                        || c.starts_with("nullable ")
                        || c.starts_with("null if ")
                        || c.starts_with("null unless ")
                        || c.starts_with("null when ") =>
                    {
                        said.push(false)
                    }
                    _ => {}
                }
            }
        }
        if f.primary_key {
            said.push(true);
        }
        f.required = match (said.contains(&true), said.contains(&false)) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        };
        f
    }
}

/// The candidates an attribute's reference may name, longest first:
/// `Availability Slot.id` → `Availability Slot`, `Availability`;
/// `clinics(id)` → `clinics`.
pub fn reference_candidates(raw: &str) -> Vec<String> {
    let cut = raw.find(['.', '(']).map_or(raw, |p| &raw[..p]);
    let words: Vec<&str> = cut
        .split_whitespace()
        .map(|w| w.trim_matches('`'))
        .filter(|w| !w.is_empty())
        .take(4)
        .collect();
    (1..=words.len())
        .rev()
        .map(|n| words[..n].join(" "))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(ty: &str, desc: &str, extra: &[(&str, &str)]) -> AttributeFacts {
        let extra: Vec<(String, String)> = extra
            .iter()
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect();
        AttributeFacts::of_row(
            (!ty.is_empty()).then_some(ty),
            (!desc.is_empty()).then_some(desc),
            &extra,
        )
    }

    #[test]
    fn dictionary_types() {
        let t = |s: &str| dictionary_type(s).0;
        assert_eq!(t("uuid"), Some(DataType::Uuid));
        assert_eq!(t("Guid (UUIDv7)"), Some(DataType::Uuid));
        assert_eq!(t("UUID (string)"), Some(DataType::Uuid));
        assert_eq!(t("string(200)"), Some(DataType::String { max: Some(200) }));
        assert_eq!(t("varchar(80)"), Some(DataType::String { max: Some(80) }));
        assert_eq!(t("text"), Some(DataType::String { max: None }));
        assert_eq!(t("DateTime (UTC)"), Some(DataType::Timestamp));
        assert_eq!(t("decimal(10,2)"), Some(DataType::Decimal));
        assert_eq!(
            t("enum(a, b, c)"),
            Some(DataType::Enum(Some(vec![
                "a".into(),
                "b".into(),
                "c".into()
            ])))
        );
        assert_eq!(t("enum"), Some(DataType::Enum(None)));
        assert_eq!(t("list[string]"), Some(DataType::Array));
        assert_eq!(t("string[]"), Some(DataType::Array));
        assert_eq!(t("EventType"), None);
        assert_eq!(
            dictionary_type("string(3)?"),
            (Some(DataType::String { max: Some(3) }), true)
        );
        assert_eq!(t("int"), Some(DataType::Integer { bits: 32 }));
        assert_eq!(t("bigint"), Some(DataType::Integer { bits: 64 }));
    }

    #[test]
    fn sql_types_and_holding() {
        let e = HashMap::new();
        let pg = |s: &str| sql_type(s, Dialect::Postgres, &e).unwrap();
        assert_eq!(
            pg("character varying(40)"),
            DataType::String { max: Some(40) }
        );
        assert_eq!(pg("timestamp with time zone"), DataType::Timestamp);
        assert_eq!(pg("text[]"), DataType::Array);
        assert_eq!(sql_type("tsvector", Dialect::Postgres, &e), None);
        let m = |d: &str, c: &str| {
            sql_mismatch(
                &dictionary_type(d).0.unwrap(),
                &pg(c),
                Dialect::Postgres,
                None,
            )
        };
        assert!(m("uuid", "text").is_some());
        assert!(m("string(120)", "varchar(80)").is_some());
        assert!(m("string(120)", "text").is_none());
        assert!(m("timestamp", "date").is_some());
        assert!(m("date", "timestamptz").is_none());
        assert!(m("integer", "text").is_some());
        assert!(m("bigint", "integer").is_some());
        assert!(m("decimal(10,2)", "double precision").is_some());
        assert!(m("enum(a, b)", "text").is_none());
        let d = dictionary_type("enum(a, b)").0.unwrap();
        assert!(sql_mismatch(&d, &pg("text"), Dialect::Postgres, Some(&["a".into()])).is_some());
        assert!(sql_mismatch(
            &d,
            &pg("text"),
            Dialect::Postgres,
            Some(&["b".into(), "a".into()])
        )
        .is_none());
        // SQLite and MySQL idioms.
        let lite = sql_type("TEXT", Dialect::Sqlite, &e).unwrap();
        assert!(sql_mismatch(&DataType::Timestamp, &lite, Dialect::Sqlite, None).is_none());
        let my = sql_type("CHAR(36)", Dialect::MySql, &e).unwrap();
        assert!(sql_mismatch(&DataType::Uuid, &my, Dialect::MySql, None).is_none());
        let b = sql_type("TINYINT(1)", Dialect::MySql, &e).unwrap();
        assert_eq!(b, DataType::Boolean);
    }

    #[test]
    fn schema_contradictions() {
        let s = |ty: &str, format: Option<&str>, max: Option<u64>| SchemaFacts {
            ty: Some(ty.into()),
            format: format.map(Into::into),
            max_length: max,
            enum_values: None,
        };
        assert!(schema_mismatch(&DataType::Uuid, &s("string", Some("uuid"), None)).is_none());
        assert!(schema_mismatch(&DataType::Uuid, &s("string", None, None)).is_none());
        assert!(schema_mismatch(&DataType::Uuid, &s("integer", None, None)).is_some());
        assert!(schema_mismatch(&DataType::Timestamp, &s("string", Some("date"), None)).is_some());
        assert!(schema_mismatch(&DataType::Timestamp, &s("integer", None, None)).is_none());
        let d200 = DataType::String { max: Some(200) };
        assert!(schema_mismatch(&d200, &s("string", None, Some(200))).is_none());
        assert!(schema_mismatch(&d200, &s("string", None, Some(500))).is_some());
    }

    #[test]
    fn attribute_facts() {
        assert_eq!(attr("uuid", "Primary key", &[]).required, Some(true));
        assert!(attr("uuid", "Primary key", &[]).primary_key);
        assert_eq!(
            attr("string", "required, len 3–120", &[]).required,
            Some(true)
        );
        assert_eq!(
            attr("string?", "in-person required, len ≤120", &[]).required,
            Some(false)
        );
        assert_eq!(
            attr("string", "required iff Type == Other", &[]).required,
            None
        );
        assert_eq!(
            attr("text", "", &[("required", "yes")]).required,
            Some(true)
        );
        assert_eq!(
            attr("text", "", &[("必須", "○（自動）")]).required,
            Some(true)
        );
        assert_eq!(attr("text", "", &[("必須", "—")]).required, Some(false));
        assert_eq!(
            attr("text", "", &[("nullable", "yes")]).required,
            Some(false)
        );
        assert_eq!(
            attr("TEXT", "", &[("constraints", "NOT NULL, 1–120 chars")]).required,
            Some(true)
        );
        assert_eq!(attr("text", "E.164", &[]).required, None);
        assert_eq!(
            attr("uuid", "References Availability Slot", &[])
                .references
                .as_deref(),
            Some("Availability Slot")
        );
        assert_eq!(
            attr("uuid", "FK → Clinic.id", &[]).references.as_deref(),
            Some("Clinic.id")
        );
        assert_eq!(
            attr("uuid", "", &[("fk", "clinics(id)")])
                .references
                .as_deref(),
            Some("clinics(id)")
        );
        assert!(attr("text", "Login and notifications; unique", &[]).unique);
        assert_eq!(
            reference_candidates("Availability Slot.id"),
            vec!["Availability Slot".to_string(), "Availability".into()]
        );
    }
}
