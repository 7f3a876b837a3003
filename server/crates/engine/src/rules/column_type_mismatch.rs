//! `column-type-mismatch`: a SQL column whose type cannot hold what the
//! data dictionary says the attribute is.
//!
//! **What.** For each column of a table that stands for a dictionary
//! entity, once every migration has run (a later `ALTER COLUMN … TYPE`
//! counts), the column's type must hold every value of the attribute's
//! type: `uuid` in `uuid`, `string(120)` in `varchar(120)` or wider,
//! `timestamp` in `timestamp`/`timestamptz`/`datetime`, `integer` in an
//! integer type at least as wide, `decimal` in `numeric`, `enum(a, b)` in an
//! enum type or a `CHECK (c IN ('a', 'b'))` with the same values. A wider
//! type that holds every value (`string(120)` in `text`, `date` in
//! `timestamp`) is fine. MySQL's `CHAR(36)` UUIDs and `TINYINT(1)`
//! booleans and SQLite's `TEXT` dates are the dialects' idioms, not
//! mismatches. An attribute or column whose type Specgate does not
//! understand (`EventType`, `tsvector`) is not checked.
//!
//! **Why.** "Schema design must align with the data dictionary": a column
//! narrower than the data it stores truncates or rejects real values in
//! production; a `text` UUID loses its validation and its index size.
//!
//! **Example.** The dictionary says `email | string(255)`; the migration
//! says `email VARCHAR(80)`.
//!
//! **Fix.** Change the column's type to the dictionary's (`varchar(255)`),
//! or the dictionary's type to the column's; both need review.
//!
//! Range: the column's type, where it was last set.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::Index;
use crate::model::datatype::sql_mismatch;
use crate::rules::shared::alignment::{
    self, attribute_type_span, column_pairs, column_type, replace_aligned, sql_file, ColumnPair,
};

pub const RULE: Rule = Rule {
    code: "column-type-mismatch",
    source: include_str!("column_type_mismatch.rs"),
    default_severity: Severity::Warning,
    summary: "A SQL column's type cannot hold the type the data dictionary gives its attribute",
    points_at: "the column's type",
    check,
    fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for p in column_pairs(index) {
        if let Some(d) = finding(index, &p) {
            out.push(d);
        }
    }
}

fn finding(index: &Index, p: &ColumnPair) -> Option<Diagnostic> {
    let dict = p.facts.ty.as_ref()?;
    let col = column_type(index, p.table, p.column)?;
    let check_in = p.table.check_in(&p.column.def.name);
    let why = sql_mismatch(dict, &col, p.table.dialect, check_in.as_deref())?;
    let (file, span) = p.column.ty_at;
    Some(Diagnostic::new(
        RULE.code,
        sql_file(index, file),
        span,
        format!(
            "column `{}.{}` is `{}`, but the data dictionary gives {}.{} the type `{}` ({}): {why}",
            p.table.name,
            p.column.def.name,
            p.column.def.ty,
            p.entity.name,
            p.attribute.name,
            p.attribute.ty.as_deref().unwrap_or_default(),
            p.dict_file,
        ),
    ))
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let pairs = column_pairs(index);
    let Some(p) = pairs.iter().find(|p| {
        let (f, span) = p.column.ty_at;
        span == d.location.span && *sql_file(index, f) == d.location.file
    }) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let written = p.attribute.ty.as_deref().unwrap_or_default();
    let col_ty = &p.column.def.ty;
    if let Some(new) = p.facts.ty.as_ref().and_then(|t| {
        alignment::sql_spelling(written, t, p.table.dialect, alignment::upper_style(col_ty))
    }) {
        let mut set = EditSet::new(index);
        let text = index.text(&d.location.file);
        let (span, new_text) = replace_aligned(text, d.location.span, &new);
        set.replace(&d.location.file, span, new_text);
        out.extend(set.into_fix(
            format!("Change the column's type to `{new}`"),
            Applicability::Unsafe,
        ));
    }
    if let Some(span) = attribute_type_span(index, p.dict_file, p.attribute) {
        let max = match column_type(index, p.table, p.column) {
            Some(crate::model::datatype::DataType::String { max: Some(n) }) => Some(u64::from(n)),
            _ => None,
        };
        let dict_ty = alignment::dictionary_spelling(
            p.attribute.ty.as_deref(),
            max,
            crate::rules::shared::dictionary::type_from_sql(index, col_ty),
        );
        let mut set = EditSet::new(index);
        let (span, new_text) = replace_aligned(index.text(p.dict_file), span, &dict_ty);
        set.replace(p.dict_file, span, new_text);
        out.extend(set.into_fix(
            format!(
                "Change the dictionary's type of {}.{} to `{dict_ty}`",
                p.entity.name, p.attribute.name
            ),
            Applicability::Unsafe,
        ));
    }
    crate::edit::prefer_first(out)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const DICT: &str = "## Patient\nTable: patients\n\n| Attribute | Type | Description |\n|---|---|---|\n| id | uuid | Primary key |\n| email | string(120) | |\n| born | date | |\n| status | enum(active, gone) | |\n| kind | EventType | |\n";

    #[test]
    fn narrower_and_other_types_are_reported_wider_ones_are_not() {
        let sql = "CREATE TABLE patients (\n  id text PRIMARY KEY,\n  email varchar(80),\n  born timestamptz,\n  status text CHECK (status IN ('active', 'left')),\n  kind int\n);\n";
        let idx = index(&[("dictionary.md", DICT), ("db/001.sql", sql)]);
        let f = findings(&idx, "column-type-mismatch");
        assert_eq!(f.lines().count(), 3, "{f}");
        assert!(
            f.contains("db/001.sql:2:6 warning[column-type-mismatch]"),
            "{f}"
        );
        assert!(f.contains("db/001.sql:3:9 "), "{f}");
        assert!(f.contains("db/001.sql:5:10 "), "{f}");
    }

    #[test]
    fn a_later_alter_type_settles_it() {
        let a = "CREATE TABLE patients (id uuid PRIMARY KEY, email varchar(80));\n";
        let b = "ALTER TABLE patients ALTER COLUMN email TYPE varchar(200);\n";
        let idx = index(&[
            ("dictionary.md", DICT),
            ("db/001.sql", a),
            ("db/002.sql", b),
        ]);
        assert_eq!(findings(&idx, "column-type-mismatch"), "");
        let b = "ALTER TABLE patients ALTER COLUMN email TYPE varchar(100);\n";
        let idx = index(&[
            ("dictionary.md", DICT),
            ("db/001.sql", a),
            ("db/002.sql", b),
        ]);
        let f = findings(&idx, "column-type-mismatch");
        assert!(f.contains("db/002.sql:1:46 "), "{f}");
    }

    #[test]
    fn migrations_replay_in_natural_order_or_the_configured_one() {
        // V10 runs after V2 (numbers read as numbers): its type stands.
        let idx = index(&[
            ("dictionary.md", DICT),
            (
                "db/V1__init.sql",
                "CREATE TABLE patients (id uuid PRIMARY KEY, email varchar(200));\n",
            ),
            (
                "db/V2__narrow.sql",
                "ALTER TABLE patients ALTER COLUMN email TYPE varchar(80);\n",
            ),
            (
                "db/V10__widen.sql",
                "ALTER TABLE patients ALTER COLUMN email TYPE varchar(120);\n",
            ),
        ]);
        assert_eq!(findings(&idx, "column-type-mismatch"), "");
        // `[files] sql` lists the base schema after the migrations: it runs last.
        let idx = index(&[
            (
                "specgate.toml",
                "[files]\nsql = [\"db/V*.sql\", \"db/base.sql\"]\n",
            ),
            ("dictionary.md", DICT),
            (
                "db/base.sql",
                "ALTER TABLE patients ALTER COLUMN email TYPE varchar(80);\n",
            ),
            (
                "db/V1__init.sql",
                "CREATE TABLE patients (id uuid PRIMARY KEY, email varchar(200));\n",
            ),
        ]);
        let f = findings(&idx, "column-type-mismatch");
        assert!(f.contains("db/base.sql:1:46 "), "{f}");
    }
}
