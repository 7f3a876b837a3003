//! `missing-primary-key`: a created table without a primary key.
//!
//! **What.** Each `CREATE TABLE` with columns needs a primary key once
//! every migration has run: a column's `PRIMARY KEY` (SQLite's `INTEGER
//! PRIMARY KEY` too), a `PRIMARY KEY (…)` constraint, or a later `ALTER
//! TABLE … ADD PRIMARY KEY`. A table whose `UNIQUE` key is made of NOT
//! NULL columns has a key in all but name and is not reported. Tables made
//! by `AS SELECT`, `PARTITION OF` or `LIKE` are not checked.
//!
//! **Why.** A row without identity cannot be updated, referenced or
//! replicated reliably (logical replication refuses updates and deletes
//! on it); every entity in the dictionary has an identity.
//!
//! **Example.** `CREATE TABLE audit_log (at timestamptz, message text);`
//!
//! **Fix.** Make the `id` column the primary key, or add an `id` column
//! that is (needs review).
//!
//! Range: the table name.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::Index;
use crate::model::sql::schema::{Constraint, Dialect, SchemaTable};
use crate::rules::shared::alignment::{sql_file, sql_upper};
use specgate_syntax::tree::Span;

pub const RULE: Rule = Rule {
    code: "missing-primary-key",
    source: include_str!("missing_primary_key.rs"),
    default_severity: Severity::Warning,
    summary: "A created table has no primary key",
    points_at: "the table name",
    check,
    fixes,
};

/// A UNIQUE key whose columns are all NOT NULL.
fn has_natural_key(t: &SchemaTable) -> bool {
    let not_null = |name: &str| t.column(name).is_some_and(|c| c.def.not_null);
    t.constraints.iter().any(|c| match c {
        Constraint::Unique(cols) => !cols.is_empty() && cols.iter().all(|c| not_null(c)),
        _ => false,
    }) || t.columns.iter().any(|c| c.def.unique && c.def.not_null)
}

fn lacks_key(t: &SchemaTable) -> bool {
    t.created
        && t.close.is_some()
        && !t.columns.is_empty()
        && t.primary_key().is_empty()
        && !has_natural_key(t)
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for t in &index.sql_schema().tables {
        if lacks_key(t) {
            out.push(Diagnostic::new(
                RULE.code,
                sql_file(index, t.file),
                t.name_span,
                format!("table `{}` has no primary key", t.name),
            ));
        }
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(t) = index.sql_schema().tables.iter().find(|t| {
        t.name_span == d.location.span
            && *sql_file(index, t.file) == d.location.file
            && lacks_key(t)
    }) else {
        return Vec::new();
    };
    let file = &d.location.file;
    let text = index.text(file);
    let upper = sql_upper(text);
    let kw = |s: &str| {
        if upper {
            s.to_string()
        } else {
            s.to_ascii_lowercase()
        }
    };
    let mut set = EditSet::new(index);
    if let Some(id) = t.column("id").filter(|c| c.file == t.file) {
        let at = id.def.ty_span.end;
        set.replace(file, Span::new(at, at), format!(" {}", kw("PRIMARY KEY")));
        return crate::edit::prefer_first(
            set.into_fix("Make `id` the primary key", Applicability::Unsafe)
                .into_iter()
                .collect(),
        );
    }
    let Some(first) = t
        .columns
        .iter()
        .filter(|c| c.file == t.file)
        .min_by_key(|c| c.def.name_span.start)
    else {
        return Vec::new();
    };
    let types_upper = crate::rules::shared::alignment::upper_style(&first.def.ty);
    let (ty, rest) = match t.dialect {
        Dialect::Postgres => ("uuid", "PRIMARY KEY DEFAULT gen_random_uuid()"),
        Dialect::MySql => ("bigint", "AUTO_INCREMENT PRIMARY KEY"),
        Dialect::Sqlite => ("integer", "PRIMARY KEY"),
    };
    let ty = if types_upper {
        ty.to_ascii_uppercase()
    } else {
        ty.to_string()
    };
    // Aligned with the first column's type when the columns are padded.
    let width = first
        .def
        .ty_span
        .start
        .saturating_sub(first.def.name_span.start) as usize;
    let pad = " ".repeat(width.saturating_sub(2).max(1));
    let def = format!(
        "id{pad}{ty} {}",
        kw(rest).replace("GEN_RANDOM_UUID", "gen_random_uuid")
    );
    let start = first.def.name_span.start;
    let line_start = text[..start as usize].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..start as usize];
    let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let insert = if indent.chars().all(|c| c == ' ' || c == '\t') {
        format!("{def},{nl}{indent}")
    } else {
        format!("{def}, ")
    };
    set.replace(file, Span::new(start, start), insert);
    set.into_fix("Add an `id` primary key column", Applicability::Unsafe)
        .into_iter()
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn tables_without_identity() {
        let a = "CREATE TABLE a (x int, y text);\nCREATE TABLE b (id int PRIMARY KEY);\nCREATE TABLE c (x int, y int, PRIMARY KEY (x, y));\nCREATE TABLE d (x int NOT NULL, UNIQUE (x));\nCREATE TABLE e (x int);\nCREATE TABLE f AS SELECT 1;\nCREATE TABLE g PARTITION OF a FOR VALUES IN (1);\n";
        let b = "ALTER TABLE e ADD PRIMARY KEY (x);\n";
        let idx = index(&[("db/001.sql", a), ("db/002.sql", b)]);
        let f = findings(&idx, "missing-primary-key");
        assert_eq!(f.lines().count(), 1, "{f}");
        assert!(
            f.contains("db/001.sql:1:14 warning[missing-primary-key] `a`"),
            "{f}"
        );
    }
}
