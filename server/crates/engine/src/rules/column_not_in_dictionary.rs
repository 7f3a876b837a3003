//! `column-not-in-dictionary`: a column its entity does not list.
//!
//! **What.** Each column of a table whose entity is in the dictionary (from
//! `CREATE TABLE` or `ALTER TABLE … ADD COLUMN`) must be one of the entity's
//! attributes. Names compare in snake_case (`fullName` = `full_name`).
//!
//! Migrations run in file order: a column that a later `ALTER TABLE … DROP
//! COLUMN` or `RENAME COLUMN` removed is not reported (the new name of a
//! renamed column is checked where the rename is written), and a renamed
//! table's columns are checked against the entity of its new name. Without
//! any dictionary the rule is silent (`table-not-in-dictionary` says so once).
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
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::{Index, Parsed};
use crate::model::dictionary::normalize_name;
use crate::rules::shared::dictionary::NameData;
use crate::rules::shared::similarity::near_names;
use specgate_syntax::tree::Span;

pub const RULE: Rule = Rule {
    code: "column-not-in-dictionary",
    source: include_str!("column_not_in_dictionary.rs"),
    default_severity: Severity::Error,
    summary: "A SQL column is not an attribute of its table's dictionary entity",
    points_at: "the column name",
    check,
    fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    if index.dictionaries.is_empty() {
        return; // table-not-in-dictionary says so, once
    }
    for t in super::table_not_in_dictionary::live_tables(index) {
        let Some((dict_file, entity)) = index.entity_for_table(&t.name) else {
            continue;
        };
        for (i, c) in t.table.columns.iter().enumerate() {
            if t.fate.column_gone(i) || entity.attribute(&c.name).is_some() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    RULE.code,
                    t.file,
                    c.span,
                    format!(
                        "column `{}` of `{}` is not an attribute of entity {} in {dict_file}: add it to the dictionary or rename the column",
                        c.name, t.name, entity.name
                    ),
                )
                .with_data(&NameData {
                    entity: entity.name.clone(),
                    dictionary: dict_file.to_string(),
                    name: c.name.clone(),
                    sql_type: Some(c.ty.clone()),
                }),
            );
        }
    }
}

/// Whole-word occurrences of `word` in `text[span]` (ASCII identifier rules).
pub fn word_spans(text: &str, span: Span, word: &str) -> Vec<Span> {
    let s = &text[span.start as usize..span.end as usize];
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let lower = s.to_ascii_lowercase();
    let w = word.to_ascii_lowercase();
    let mut out = Vec::new();
    for (i, _) in lower.match_indices(&w) {
        let before = i.checked_sub(1).map(|j| lower.as_bytes()[j]);
        let after = lower.as_bytes().get(i + w.len()).copied();
        if before.is_some_and(ident) || after.is_some_and(ident) {
            continue;
        }
        out.push(Span::new(
            span.start + i as u32,
            span.start + (i + w.len()) as u32,
        ));
    }
    out
}

/// "Add `favourite_color` to the Patient entity" (a dictionary row with
/// the type in the dictionary's vocabulary), and "Rename column to
/// `specialty`" for a close attribute name. The rename is safe (and
/// preferred) for a one-letter slip of a longer name that no other column
/// of the table uses and that occurs nowhere else in the SQL; adding to the
/// dictionary always needs review.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(data) = d.data::<NameData>() else {
        return Vec::new();
    };
    let (Some((dict_file, entity)), Some(ty)) = (data.entity(index), data.sql_type.as_deref())
    else {
        return Vec::new();
    };
    let column = data.name.as_str();
    let file = &d.location.file;
    let Some(Parsed::Sql(sql)) = index.parsed(file) else {
        return Vec::new();
    };
    let table = sql
        .tables
        .iter()
        .find(|t| t.columns.iter().any(|c| c.span == d.location.span));
    let mut out = Vec::new();
    let mut add = EditSet::new(index);
    let dict_ty = crate::rules::shared::dictionary::type_from_sql(index, ty);
    let added = crate::rules::shared::dictionary::add_attribute(
        &mut add, dict_file, entity, column, &dict_ty,
    );
    let add_fix = added
        .then(|| {
            add.into_fix(
                format!("Add `{column}` to the {} entity", entity.name),
                Applicability::Unsafe,
            )
        })
        .flatten();
    // Attributes that no column of the table already is.
    let taken: Vec<String> = sql
        .tables
        .iter()
        .filter(|t| table.is_some_and(|tb| tb.name == t.name))
        .flat_map(|t| t.columns.iter().map(|c| normalize_name(&c.name)))
        .collect();
    let free: Vec<&str> = entity
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .filter(|a| !taken.contains(&normalize_name(a)))
        .collect();
    let near = near_names(column, free.iter().copied());
    let text = index.text(file);
    let written = &text[d.location.span.start as usize..d.location.span.end as usize];
    let quote = written.starts_with('"');
    for (i, (name, dist)) in near.iter().enumerate() {
        let mut set = EditSet::new(index);
        let new = if quote {
            format!("\"{name}\"")
        } else {
            name.to_string()
        };
        // Keep the column types aligned: `speciality  text` → `specialty   text`.
        let (span, new) =
            crate::rules::shared::alignment::replace_aligned(text, d.location.span, &new);
        set.replace(file, span, new);
        // Other mentions of the column in its statement (constraints, checks).
        let mut elsewhere = false;
        if let Some(t) = table {
            for w in word_spans(text, t.stmt_span, column) {
                if w.start != d.location.span.start
                    && !(w.start >= d.location.span.start && w.end <= d.location.span.end)
                {
                    set.replace(file, w, name.to_string());
                }
            }
            for f in &index.sql_files {
                let ft = index.text(f);
                let whole = Span::new(0, ft.len() as u32);
                elsewhere |= word_spans(ft, whole, column)
                    .iter()
                    .any(|w| f != file || w.start < t.stmt_span.start || w.end > t.stmt_span.end);
            }
        }
        let safe = i == 0 && near.len() == 1 && *dist == 1 && column.len() >= 6 && !elsewhere;
        let app = if safe {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        if let Some(mut f) = set.into_fix(format!("Rename column to `{name}`"), app) {
            f.preferred = safe;
            out.push(f);
        }
    }
    let any_safe = out.iter().any(|f| f.preferred);
    if let Some(mut f) = add_fix {
        f.preferred = !any_safe;
        if any_safe {
            out.push(f);
        } else {
            out.insert(0, f);
        }
    }
    out
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
    fn dropped_and_renamed_columns_are_not_reported_new_names_are() {
        let a = "CREATE TABLE patients (id uuid, fullname text, legacy int, nick text);\nCREATE TABLE pats (id uuid, other text);\n";
        let b = "ALTER TABLE patients RENAME COLUMN fullname TO full_name;\nALTER TABLE patients DROP COLUMN legacy;\nALTER TABLE patients RENAME nick TO nickname;\nDROP TABLE pats;\n";
        let idx = index(&[
            ("dictionary.md", DICT),
            ("db/001.sql", a),
            ("db/002.sql", b),
        ]);
        let f = findings(&idx, "column-not-in-dictionary");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(
            f.contains("db/002.sql:3:37 error[column-not-in-dictionary] `nickname`"),
            "{f}"
        );
        // A renamed table's columns go by its new name's entity.
        let idx = index(&[
            ("dictionary.md", DICT),
            ("db/001.sql", "CREATE TABLE p (id uuid, x int);\n"),
            ("db/002.sql", "ALTER TABLE p RENAME TO patients;\n"),
        ]);
        let f = findings(&idx, "column-not-in-dictionary");
        assert!(
            f.contains(
                "db/001.sql:1:26 error[column-not-in-dictionary] `x` column `x` of `patients`"
            ),
            "{f}"
        );
    }

    #[test]
    fn silent_without_a_dictionary() {
        let idx = index(&[("schema.sql", "CREATE TABLE patients (id uuid, x int);\n")]);
        assert_eq!(findings(&idx, "column-not-in-dictionary"), "");
    }

    #[test]
    fn declared_columns_pass() {
        let sql = "CREATE TABLE patients (id uuid PRIMARY KEY, \"full_name\" text);\n";
        let idx = index(&[("dictionary.md", DICT), ("schema.sql", sql)]);
        assert_eq!(findings(&idx, ""), "");
    }
}
