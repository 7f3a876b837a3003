//! `table-not-in-dictionary`: a created table that stands for no dictionary entity.
//!
//! **What.** Every `CREATE TABLE` must map to an entity of the data
//! dictionary: the entity's explicit table name (`Table: patients`), else the
//! snake_case of its name, singular or plural (`Availability Slot` ↔
//! `availability_slots`). Migrations run in file order: a table that a later
//! `DROP TABLE` removes is not reported, and one that `ALTER TABLE … RENAME
//! TO` renames is looked up by its new name.
//!
//! **No dictionary at all.** When the workspace has no data dictionary, the
//! rule says so once, at the first created table, with the globs it searched
//! (`files.dictionary`), instead of once per table.
//! `[rules.table-not-in-dictionary] when_no_dictionary = "off"` silences
//! that finding (`"once"` is the default).
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
use crate::config::WhenNoDictionary;
use crate::diag::{Applicability, Diagnostic, FileId, Fix, Severity};
use crate::edit::EditSet;
use crate::index::{Index, Parsed};
use crate::model::sql::{replay, SqlFile, Table, TableFate};
use crate::rules::shared::dictionary::TableData;

pub const RULE: Rule = Rule {
    code: "table-not-in-dictionary",
    source: include_str!("table_not_in_dictionary.rs"),
    default_severity: Severity::Error,
    summary: "A created SQL table matches no entity of the data dictionary",
    points_at: "the table name (the first created table)",
    check,
    fixes,
};

/// A table entry of a SQL file that still exists once every migration has
/// run (see [`replay`]).
pub struct LiveTable<'a> {
    pub file: &'a FileId,
    pub table: &'a Table,
    /// The table's name at the end (after renames).
    pub name: String,
    pub fate: TableFate,
}

/// Every table entry of the workspace's SQL files, in file order, without
/// those a later `DROP TABLE` removed.
pub fn live_tables(index: &Index) -> Vec<LiveTable<'_>> {
    // In the order migrations run (see `Index::sql_order`).
    let files: Vec<(&FileId, &SqlFile)> = index
        .sql_order()
        .into_iter()
        .map(|i| &index.sql_files[i])
        .filter_map(|f| match index.parsed(f) {
            Some(Parsed::Sql(sql)) => Some((f, sql)),
            _ => None,
        })
        .collect();
    let sqls: Vec<&SqlFile> = files.iter().map(|(_, s)| *s).collect();
    let fates = replay(&sqls);
    let mut out = Vec::new();
    for ((file, sql), fates) in files.into_iter().zip(fates) {
        for (table, fate) in sql.tables.iter().zip(fates) {
            if let Some(name) = fate.name.clone() {
                out.push(LiveTable {
                    file,
                    table,
                    name,
                    fate,
                });
            }
        }
    }
    out
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let created: Vec<LiveTable> = live_tables(index)
        .into_iter()
        .filter(|t| t.table.created)
        .collect();
    if index.dictionaries.is_empty() {
        if index.config().when_no_dictionary == WhenNoDictionary::Off {
            return;
        }
        if let Some(first) = created.first() {
            out.push(no_dictionary(index, first, &created));
        }
        return;
    }
    for t in &created {
        if index.entity_for_table(&t.name).is_some() {
            continue;
        }
        let written = &t.table.name;
        let message = if *written == t.name {
            format!(
                "table `{}` matches no entity of the data dictionary: add the entity (or a `Table: {}` line to the entity it stands for)",
                t.name, t.name
            )
        } else {
            format!(
                "table `{written}` (renamed to `{}` later) matches no entity of the data dictionary: add the entity (or a `Table: {}` line to the entity it stands for)",
                t.name, t.name
            )
        };
        let columns: Vec<_> = t
            .table
            .columns
            .iter()
            .enumerate()
            .filter(|(i, _)| !t.fate.column_gone(*i))
            .map(|(_, c)| (c.name.clone(), c.ty.clone()))
            .collect();
        out.push(
            Diagnostic::new(RULE.code, t.file, t.table.span, message).with_data(&TableData {
                table: t.name.to_string(),
                columns,
            }),
        );
    }
}

/// The one finding of a workspace without a dictionary, at its first
/// created table.
fn no_dictionary(index: &Index, first: &LiveTable, created: &[LiveTable]) -> Diagnostic {
    let mut names: Vec<&str> = Vec::new();
    for t in created {
        if !names.contains(&t.name.as_str()) {
            names.push(&t.name);
        }
    }
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    let tables = match names.len() {
        1 => format!("the table {}", shown[0]),
        n if n <= 3 => format!("the {n} tables {}", shown.join(", ")),
        n => format!("the {n} tables ({}, …)", shown.join(", ")),
    };
    let globs = index.config().dictionary_globs.join(", ");
    Diagnostic::new(
        RULE.code,
        first.file,
        first.table.span,
        format!(
            "no data dictionary was found, so {tables} that the SQL creates cannot be checked: no file matches {globs}; add one, or point `files.dictionary` in specgate.toml at yours (`when_no_dictionary = \"off\"` under [rules.table-not-in-dictionary] silences this)"
        ),
    )
    // No data: the finding is about the workspace, and has no fix.
}

/// "Add entity Visit Rating to the data dictionary": a section (Markdown
/// heading and table like the others, YAML/JSON entry, CSV rows) listing
/// every column with its type in the dictionary's vocabulary, plus a
/// `Table:` line when the name does not map back to the table. Needs
/// review: what the entity means is for a human to write.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(TableData { table, columns }) = d.data() else {
        return Vec::new();
    };
    let table = table.as_str();
    let Some(dict) = crate::rules::shared::dictionary::main_dictionary(index) else {
        return Vec::new();
    };
    let attrs: Vec<(String, String)> = columns
        .into_iter()
        .map(|(n, t)| {
            let t = crate::rules::shared::dictionary::type_from_sql(index, &t);
            (n, t)
        })
        .collect();
    let (name, needs_table) = crate::rules::shared::dictionary::entity_name_for_table(index, table);
    let mut set = EditSet::new(index);
    if !crate::rules::shared::dictionary::add_entity(
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
    fn no_dictionary_is_one_finding_or_none() {
        let a = "CREATE TABLE users (id int);\nCREATE TABLE orders (id int);\n";
        let b = "CREATE TABLE items (id int);\nCREATE TABLE tags (id int);\n";
        let idx = index(&[("db/001.sql", a), ("db/002.sql", b)]);
        let f = findings(&idx, "table-not-in-dictionary");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(
            f.contains("db/001.sql:1:14 error[table-not-in-dictionary] `users` no data dictionary was found, so the 4 tables (`users`, `orders`, `items`, …) that the SQL creates cannot be checked: no file matches **/*dictionary*.{md,yaml,yml,json,csv}"),
            "{f}"
        );
        let idx = index(&[
            ("db/001.sql", a),
            (
                "specgate.toml",
                "[rules.table-not-in-dictionary]\nwhen_no_dictionary = \"off\"\n",
            ),
        ]);
        assert_eq!(findings(&idx, "table-not-in-dictionary"), "");
        // Nothing created, nothing said.
        let idx = index(&[("db/001.sql", "ALTER TABLE t ADD COLUMN a int;")]);
        assert_eq!(findings(&idx, "table-not-in-dictionary"), "");
    }

    #[test]
    fn dropped_tables_are_not_reported_renamed_ones_by_their_new_name() {
        let idx = index(&[
            ("data-dictionary.md", DICT),
            (
                "db/001.sql",
                "CREATE TABLE tmp (id int);\nCREATE TABLE slots (id uuid);\nCREATE TABLE misc (id uuid);\n",
            ),
            (
                "db/002.sql",
                "DROP TABLE tmp;\nALTER TABLE slots RENAME TO availability_slots;\nALTER TABLE misc RENAME TO stuff;\n",
            ),
        ]);
        let f = findings(&idx, "table-not-in-dictionary");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(
            f.contains("db/001.sql:3:14 error[table-not-in-dictionary] `misc` table `misc` (renamed to `stuff` later) matches no entity"),
            "{f}"
        );
    }

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
