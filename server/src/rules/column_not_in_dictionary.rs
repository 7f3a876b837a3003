//! `column-not-in-dictionary`: a column its entity does not list.
//!
//! **What.** Each column of a table whose entity is in the dictionary (from
//! `CREATE TABLE` or `ALTER TABLE … ADD COLUMN`) must be one of the entity's
//! attributes. Names compare in snake_case (`fullName` = `full_name`).
//!
//! **Why.** "No ad-hoc columns": the dictionary is where data gets its
//! meaning, owner and retention; a column outside it has none of those.
//!
//! **Example.** `ALTER TABLE patients ADD COLUMN favourite_color text;` when
//! the Patient entity has no `favourite_color`.
//!
//! **Fix.** Add the attribute to the entity (type mapped from SQL), or rename
//! the column to the attribute it was meant to be (`speciality` → `specialty`).
//!
//! Range: the column name.

use super::Rule;
use crate::diag::{Diagnostic, Severity};
use crate::index::{Index, Parsed};
use serde_json::json;

pub const RULE: Rule = Rule {
    code: "column-not-in-dictionary",
    default_severity: Severity::Error,
    summary: "A SQL column is not an attribute of its table's dictionary entity",
    check,
    fixes: super::no_fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for file in &index.sql_files {
        let Some(Parsed::Sql(sql)) = index.parsed(file) else {
            continue;
        };
        for t in &sql.tables {
            let Some((dict_file, entity)) = index.entity_for_table(&t.name) else {
                continue;
            };
            for c in &t.columns {
                if entity.attribute(&c.name).is_some() {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        RULE.code,
                        file,
                        c.span,
                        format!(
                            "column `{}` of `{}` is not an attribute of entity {} in {dict_file}: add it to the dictionary or rename the column",
                            c.name, t.name, entity.name
                        ),
                    )
                    .with_data(json!({ "entity": entity.name, "dictionary": &**dict_file, "column": c.name, "type": c.ty })),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const DICT: &str = "## Entity: Patient\nTable: patients\n\n| Field | Type |\n|---|---|\n| `id` | uuid |\n| `full_name` | text |\n";

    #[test]
    fn undeclared_columns_from_create_and_alter() {
        let sql = "CREATE TABLE patients (\n  id uuid PRIMARY KEY,\n  full_name text,\n  nickname text,\n  CONSTRAINT pk UNIQUE (id)\n);\nALTER TABLE patients ADD COLUMN IF NOT EXISTS favourite_color text;\n";
        let idx = index(&[("dictionary.md", DICT), ("schema.sql", sql)]);
        let f = findings(&idx, "column-not-in-dictionary");
        assert_eq!(f.lines().count(), 2, "{f}");
        assert!(
            f.contains("schema.sql:4:3 error[column-not-in-dictionary] `nickname`"),
            "{f}"
        );
        assert!(
            f.contains("schema.sql:7:47 error[column-not-in-dictionary] `favourite_color`"),
            "{f}"
        );
    }

    #[test]
    fn declared_columns_pass() {
        let sql = "CREATE TABLE patients (id uuid, \"full_name\" text);\n";
        let idx = index(&[("dictionary.md", DICT), ("schema.sql", sql)]);
        assert_eq!(findings(&idx, ""), "");
    }
}
