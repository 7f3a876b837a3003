//! `unindexed-foreign-key`: a foreign key that no index starts with.
//!
//! **What.** For each foreign key of a table (inline `REFERENCES`, a
//! `FOREIGN KEY` constraint, or one added by a later `ALTER TABLE`), some
//! index must start with its columns: a `CREATE INDEX`, the primary key, a
//! `UNIQUE` constraint or column. Tables written for MySQL are not checked
//! (InnoDB indexes foreign keys itself).
//!
//! **Why.** PostgreSQL and SQLite do not index foreign keys: every join on
//! the relationship and every delete of a referenced row (which looks for
//! referencing rows) scans the whole table.
//!
//! **Example.** `appointments.patient_id uuid REFERENCES patients (id)` with
//! no index on `patient_id`.
//!
//! **Fix.** `CREATE INDEX appointments_patient_id_idx ON appointments
//! (patient_id);` after the table (safe: adds an index, changes no data).
//!
//! Range: the column name (the first column of a multi-column key).

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::Index;
use crate::model::sql::schema::{Constraint, Dialect, SchemaTable};
use crate::rules::shared::alignment::{sql_file, sql_upper};
use specgate_syntax::tree::Span;

pub const RULE: Rule = Rule {
    code: "unindexed-foreign-key",
    source: include_str!("unindexed_foreign_key.rs"),
    default_severity: Severity::Warning,
    summary: "A foreign key has no index that starts with its columns",
    points_at: "the foreign key's (first) column name",
    check,
    fixes,
};

/// The table's foreign keys without an index: their column lists.
fn unindexed(t: &SchemaTable) -> Vec<Vec<String>> {
    unindexed_keys(t).into_iter().map(|(k, _)| k).collect()
}

/// The table's foreign keys without an index, with the table they refer to.
fn unindexed_keys(t: &SchemaTable) -> Vec<(Vec<String>, String)> {
    if t.dialect == Dialect::MySql {
        return Vec::new();
    }
    let mut keys: Vec<(Vec<String>, String)> = t
        .columns
        .iter()
        .filter_map(|c| {
            Some((
                vec![c.def.name.clone()],
                c.def.references.as_ref()?.table.clone(),
            ))
        })
        .collect();
    for c in &t.constraints {
        if let Constraint::ForeignKey { columns, to } = c {
            if !columns.is_empty() && !keys.iter().any(|(k, _)| k == columns) {
                keys.push((columns.clone(), to.table.clone()));
            }
        }
    }
    let indexes = t.index_prefixes();
    keys.retain(|(k, _)| {
        !indexes.iter().any(|i| {
            // An index starting with the key's columns, in any order.
            i.len() >= k.len() && {
                let mut head: Vec<&String> = i[..k.len()].iter().collect();
                let mut want: Vec<&String> = k.iter().collect();
                head.sort();
                want.sort();
                head == want
            }
        })
    });
    keys
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for t in &index.sql_schema().tables {
        for (key, to) in unindexed_keys(t) {
            let Some(c) = t.column(&key[0]) else { continue };
            out.push(Diagnostic::new(
                RULE.code,
                sql_file(index, c.file),
                c.def.name_span,
                format!(
                    "foreign key `{}` ({}) → `{to}` has no index starting with its columns: joins on it and deletes from `{to}` scan `{}`",
                    t.name,
                    key.join(", "),
                    t.name
                ),
            ));
        }
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    for t in &index.sql_schema().tables {
        for key in unindexed(t) {
            let Some(c) = t.column(&key[0]) else { continue };
            if c.def.name_span != d.location.span || *sql_file(index, c.file) != d.location.file {
                continue;
            }
            // After the statement that creates the table (or adds the column).
            let file = sql_file(index, if t.created { t.file } else { c.file });
            let text = index.text(file);
            let at = if t.created {
                t.stmt_span.end
            } else {
                c.def.end
            };
            let at = text[at as usize..]
                .find('\n')
                .map_or(text.len(), |i| at as usize + i + 1) as u32;
            let upper = sql_upper(text);
            let name = format!("{}_{}_idx", t.name, key.join("_"));
            let quote = |s: &str| {
                let plain = s
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
                if plain {
                    s.to_string()
                } else {
                    format!("\"{s}\"")
                }
            };
            let cols: Vec<String> = key.iter().map(|k| quote(k)).collect();
            let stmt = format!(
                "{} {} {} ({});",
                if upper {
                    "CREATE INDEX"
                } else {
                    "create index"
                },
                quote(&name.to_ascii_lowercase()),
                if upper {
                    format!("ON {}", quote(&t.name))
                } else {
                    format!("on {}", quote(&t.name))
                },
                cols.join(", ")
            );
            let nl = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let new = if at as usize >= text.len() && !text.ends_with('\n') {
                format!("{nl}{stmt}{nl}")
            } else {
                format!("{stmt}{nl}")
            };
            let mut set = EditSet::new(index);
            set.replace(file, Span::new(at, at), new);
            return crate::edit::prefer_first(
                set.into_fix(format!("Create index `{}`", name), Applicability::Safe)
                    .into_iter()
                    .collect(),
            );
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn foreign_keys_need_an_index_that_starts_with_them() {
        let a = "CREATE TABLE a (\n  id int PRIMARY KEY,\n  p int REFERENCES p (id),\n  q int REFERENCES q (id),\n  r int,\n  s int REFERENCES s,\n  UNIQUE (q, r)\n);\nCREATE INDEX ON a (s, r);\nALTER TABLE a ADD FOREIGN KEY (r) REFERENCES r (id);\n";
        let idx = index(&[("db/001.sql", a)]);
        let f = findings(&idx, "unindexed-foreign-key");
        assert_eq!(f.lines().count(), 2, "{f}");
        assert!(
            f.contains("db/001.sql:3:3 warning[unindexed-foreign-key] `p`"),
            "{f}"
        );
        assert!(f.contains("db/001.sql:5:3 "), "{f}");
        // MySQL indexes foreign keys itself.
        let idx = index(&[(
            "db/001.sql",
            "CREATE TABLE `a` (`p` int REFERENCES p (id)) ENGINE=InnoDB;\n",
        )]);
        assert_eq!(findings(&idx, "unindexed-foreign-key"), "");
    }
}
