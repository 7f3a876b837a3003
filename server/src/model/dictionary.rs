//! The data dictionary: entities and their attributes, from Markdown, YAML,
//! JSON or CSV.

use super::Span;

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

/// Reads a Markdown dictionary (entity headings followed by attribute tables).
pub fn parse_markdown(text: &str) -> Dictionary {
    let _ = text;
    Dictionary {
        format: DictFormat::Markdown,
        entities: Vec::new(),
    }
}

/// Reads a CSV dictionary (`entity,attribute,type,…`).
pub fn parse_csv(text: &str) -> Dictionary {
    let _ = text;
    Dictionary {
        format: DictFormat::Csv,
        entities: Vec::new(),
    }
}

/// Reads a YAML/JSON dictionary from its located tree
/// (`entities: {Patient: {table: patients, attributes: {...}}}`).
pub fn from_tree(root: &crate::tree::Node, format: DictFormat) -> Dictionary {
    let _ = root;
    Dictionary {
        format,
        entities: Vec::new(),
    }
}
