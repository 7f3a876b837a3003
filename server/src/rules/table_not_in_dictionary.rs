//! `table-not-in-dictionary`: a created table that stands for no dictionary entity.
//!
//! **What.** Every `CREATE TABLE` must map to an entity of the data
//! dictionary: the entity's explicit table name (`Table: patients`), else the
//! snake_case of its name, singular or plural (`Availability Slot` ↔
//! `availability_slots`).
//!
//! **Why.** Schema design follows the dictionary; a table nobody described
//! is an ad-hoc design decision that skipped review.
//!
//! **Example.** `CREATE TABLE visit_ratings (…)` with no `Visit Rating` entity.
//!
//! **Fix.** Add the entity to the dictionary (the quick fix writes a section
//! listing every column), or rename the table.
//!
//! Range: the table name. Its columns are then not reported one by one.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::{Index, Parsed};
use serde_json::json;

pub const RULE: Rule = Rule {
    code: "table-not-in-dictionary",
    default_severity: Severity::Error,
    summary: "A created SQL table matches no entity of the data dictionary",
    check,
    fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let no_dict = index.dictionaries.is_empty();
    for file in &index.sql_files {
        let Some(Parsed::Sql(sql)) = index.parsed(file) else {
            continue;
        };
        for t in sql.tables.iter().filter(|t| t.created) {
            if index.entity_for_table(&t.name).is_some() {
                continue;
            }
            let message = if no_dict {
                format!(
                    "table `{}` is not in the data dictionary: no dictionary was found (files named like *dictionary* or data-model.md; see files.dictionary)",
                    t.name
                )
            } else {
                format!(
                    "table `{}` matches no entity of the data dictionary: add the entity (or a `Table: {}` line to the entity it stands for)",
                    t.name, t.name
                )
            };
            let columns: Vec<_> = t
                .columns
                .iter()
                .map(|c| json!({ "name": c.name, "type": c.ty }))
                .collect();
            out.push(
                Diagnostic::new(RULE.code, file, t.span, message)
                    .with_data(json!({ "table": t.name, "columns": columns })),
            );
        }
    }
}

/// "Add entity Visit Rating to the data dictionary": a section (Markdown
/// heading and table like the others, YAML/JSON entry, CSV rows) listing
/// every column with its type in the dictionary's vocabulary, plus a
/// `Table:` line when the name does not map back to the table. Needs
/// review: what the entity means is for a human to write.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(table) = d.data.get("table").and_then(|v| v.as_str()) else {
        return Vec::new();
    };
    let Some(dict) = crate::edit::dictionary::main_dictionary(index) else {
        return Vec::new();
    };
    let attrs: Vec<(String, String)> = d
        .data
        .get("columns")
        .and_then(|c| c.as_array())
        .map(|cols| {
            cols.iter()
                .filter_map(|c| {
                    let n = c.get("name")?.as_str()?;
                    let t = c.get("type").and_then(|t| t.as_str()).unwrap_or("");
                    Some((
                        n.to_string(),
                        crate::edit::dictionary::type_from_sql(index, t),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let (name, needs_table) = crate::edit::dictionary::entity_name_for_table(index, table);
    let mut set = EditSet::new(index);
    if !crate::edit::dictionary::add_entity(
        &mut set,
        dict,
        &name,
        needs_table.then_some(table),
        &attrs,
    ) {
        return Vec::new();
    }
    crate::edit::prefer_first(
        set.into_fix(
            format!("Add entity {name} to the data dictionary"),
            Applicability::Unsafe,
        )
        .into_iter()
        .collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const DICT: &str = "# Data dictionary\n\n## Availability Slot\n\n| Attribute | Type |\n|---|---|\n| id | uuid |\n| starts_at | timestamp |\n";

    #[test]
    fn unknown_table_reported_once_known_plural_passes() {
        let sql = "CREATE TABLE availability_slots (id uuid, starts_at timestamptz);\nCREATE TABLE visit_ratings (id uuid, stars int);\n";
        let idx = index(&[("data-dictionary.md", DICT), ("db/001.sql", sql)]);
        let f = findings(&idx, "table-not-in-dictionary");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(
            f.contains("db/001.sql:2:14 error[table-not-in-dictionary] `visit_ratings`"),
            "{f}"
        );
        assert_eq!(
            findings(&idx, "column-not-in-dictionary"),
            "",
            "columns of unknown tables are not reported"
        );
    }
}
