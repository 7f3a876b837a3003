//! `missing-column`: a dictionary attribute with no column in its
//! entity's table.
//!
//! **What.** When an entity's table exists in the SQL (a `CREATE TABLE`,
//! with every later `ALTER TABLE … ADD/DROP/RENAME COLUMN` applied in file
//! order), each of the entity's attributes needs a column of the same name
//! (snake_case compared; `clinic` is also met by `clinic_id`). Not
//! expected as columns: list-typed attributes (`assets[]`, `list[string]`:
//! a join table's business), attributes typed by another entity (a
//! relationship), and attributes described as derived, computed or not
//! stored.
//!
//! **Why.** The dictionary is the data model the team agreed on; an
//! attribute without a column is data the design promises and the
//! database cannot keep.
//!
//! **Example.** The Patient entity lists `phone`; `CREATE TABLE patients`
//! has no `phone`.
//!
//! **Fix.** Add the column to the `CREATE TABLE`, typed from the
//! dictionary, aligned like its neighbours (needs review).
//!
//! Range: the table name of its `CREATE TABLE`.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::Index;
use crate::model::datatype::DataType;
use crate::model::dictionary::{normalize_name, Attribute, Entity};
use crate::model::sql::schema::SchemaTable;
use crate::rules::shared::alignment::{
    entity_table, reference_entity, sql_file, sql_spelling, sql_upper, table_entities, upper_style,
};
use specgate_syntax::tree::Span;

pub const RULE: Rule = Rule {
    code: "missing-column",
    source: include_str!("missing_column.rs"),
    default_severity: Severity::Warning,
    summary: "A data dictionary attribute has no column in its entity's table",
    points_at: "the table name of its CREATE TABLE",
    check,
    fixes,
};

#[derive(serde::Serialize, serde::Deserialize)]
struct Data {
    table: String,
    attribute: String,
}

/// Attributes of `entity` that `table` has no column for.
fn missing<'a>(
    index: &Index,
    table: &SchemaTable,
    entity: &'a Entity,
    from: &str,
) -> Vec<&'a Attribute> {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| normalize_name(&c.def.name))
        .collect();
    entity
        .attributes
        .iter()
        .filter(|a| {
            let n = normalize_name(&a.name);
            if columns.iter().any(|c| *c == n || *c == format!("{n}_id")) {
                return false;
            }
            let facts = a.facts.clone();
            if matches!(facts.ty, Some(DataType::Array)) || a.name.ends_with("[]") {
                return false;
            }
            let ty = a.ty.as_deref().unwrap_or("");
            if facts.ty.is_none()
                && !ty.is_empty()
                && (index
                    .entity_named_from(ty.trim_end_matches('?'), from)
                    .is_some()
                    || ty.contains('[')
                    || ty.contains('<'))
            {
                return false; // a relationship, not a column
            }
            let notes = format!(
                "{} {}",
                a.description.as_deref().unwrap_or(""),
                a.extra
                    .iter()
                    .map(|(_, v)| v.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            )
            .to_lowercase();
            ![
                "derived",
                "computed",
                "not stored",
                "not persisted",
                "virtual",
                "calculated",
            ]
            .iter()
            .any(|w| notes.contains(w))
        })
        .collect()
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for (table, dict_file, entity) in table_entities(index) {
        if !table.created {
            continue;
        }
        let file = sql_file(index, table.file);
        for a in missing(index, table, entity, file) {
            out.push(
                Diagnostic::new(
                    RULE.code,
                    file,
                    table.name_span,
                    format!(
                        "table `{}` has no column for {}.{} (in {dict_file}): add `{}` or take it out of the dictionary",
                        table.name,
                        entity.name,
                        a.name,
                        crate::model::dictionary::snake_case(&a.name)
                    ),
                )
                .with_data(&Data {
                    table: table.name.clone(),
                    attribute: a.name.clone(),
                }),
            );
        }
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(data) = d.data::<Data>() else {
        return Vec::new();
    };
    let Some((table, dict_file, entity)) = table_entities(index)
        .into_iter()
        .find(|(t, _, _)| t.name == data.table && t.created)
    else {
        return Vec::new();
    };
    let Some(a) = entity.attribute(&data.attribute) else {
        return Vec::new();
    };
    let file = &d.location.file;
    let text = index.text(file);
    let facts = a.facts.clone();
    let upper = sql_upper(text);
    // After the last column written in the CREATE TABLE.
    let Some(last) = table
        .columns
        .iter()
        .filter(|c| {
            c.file == table.file
                && c.def.end <= table.stmt_span.end
                && c.def.end >= table.stmt_span.start
        })
        .max_by_key(|c| c.def.end)
    else {
        return Vec::new();
    };
    let Some(ty) = facts.ty.as_ref().and_then(|t| {
        sql_spelling(
            a.ty.as_deref().unwrap_or(""),
            t,
            table.dialect,
            upper_style(&last.def.ty),
        )
    }) else {
        return Vec::new();
    };
    let name = crate::model::dictionary::snake_case(&a.name);
    let mut def = name.clone();
    let line_start = text[..last.def.name_span.start as usize]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let indent = &text[line_start..last.def.name_span.start as usize];
    let multiline = indent.chars().all(|c| c == ' ' || c == '\t');
    let width = last
        .def
        .ty_span
        .start
        .saturating_sub(last.def.name_span.start) as usize;
    if multiline && width > name.len() {
        def.push_str(&" ".repeat(width - name.len()));
    } else {
        def.push(' ');
    }
    def.push_str(&ty);
    let kw = |s: &str| {
        if upper {
            s.to_string()
        } else {
            s.to_ascii_lowercase()
        }
    };
    if facts.required == Some(true) {
        def.push(' ');
        def.push_str(&kw("NOT NULL"));
    }
    if let Some((_, target)) = facts
        .references
        .as_deref()
        .and_then(|r| reference_entity(index, dict_file, r))
    {
        if let Some(to) = entity_table(index, target) {
            let key = to
                .primary_key()
                .into_iter()
                .next()
                .unwrap_or_else(|| "id".into());
            def.push_str(&format!(" {} {} ({key})", kw("REFERENCES"), to.name));
        }
    }
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let insert = if multiline {
        format!(",{nl}{indent}{def}")
    } else {
        format!(", {def}")
    };
    let mut set = EditSet::new(index);
    set.replace(file, Span::new(last.def.end, last.def.end), insert);
    crate::edit::prefer_first(
        set.into_fix(format!("Add column `{name} {ty}`"), Applicability::Unsafe)
            .into_iter()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const DICT: &str = "## Patient\nTable: patients\n\n| Attribute | Type | Description |\n|---|---|---|\n| id | uuid | Primary key |\n| phone | text | |\n| clinic | uuid | References Clinic |\n| age | integer | derived from birth date |\n| tags | list[string] | |\n| gone | text | |\n";

    #[test]
    fn attributes_without_columns_after_migrations() {
        let a =
            "CREATE TABLE patients (\n  id uuid PRIMARY KEY,\n  clinic_id uuid,\n  gone text\n);\n";
        let b = "ALTER TABLE patients DROP COLUMN gone;\n";
        let idx = index(&[
            ("dictionary.md", DICT),
            ("db/001.sql", a),
            ("db/002.sql", b),
        ]);
        let f = findings(&idx, "missing-column");
        assert_eq!(f.lines().count(), 2, "{f}");
        assert!(f.contains("db/001.sql:1:14 warning[missing-column] `patients` table `patients` has no column for Patient.phone"), "{f}");
        assert!(f.contains("Patient.gone"), "{f}");
        let b = "ALTER TABLE patients ADD COLUMN phone text;\n";
        let idx = index(&[
            ("dictionary.md", DICT),
            ("db/001.sql", a),
            ("db/002.sql", b),
        ]);
        assert_eq!(findings(&idx, "missing-column"), "");
    }
}
