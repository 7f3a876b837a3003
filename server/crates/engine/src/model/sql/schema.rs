//! What SQL says beyond names: keys, nullability, defaults, indexes, enum
//! types and later type changes, read from each statement's tokens (so the
//! same whichever reader found the table), and the workspace's schema once
//! every migration has run in order ([`build`]).
//!
//! Understood (PostgreSQL first, MySQL and SQLite spellings too):
//! - column constraints: `NOT NULL`, `NULL`, `PRIMARY KEY`, `UNIQUE`,
//!   `DEFAULT`, `REFERENCES t [(c)]`, `CHECK (c IN ('a', 'b'))`, and what
//!   fills a value by itself (`serial`, `GENERATED … AS IDENTITY`,
//!   `AUTO_INCREMENT`, `AUTOINCREMENT`);
//! - table constraints: `[CONSTRAINT n] PRIMARY KEY (…)`, `UNIQUE (…)`,
//!   `FOREIGN KEY (…) REFERENCES t [(…)]`, `CHECK (c IN (…))`, MySQL's
//!   `KEY`/`INDEX` entries;
//! - `ALTER TABLE … ADD CONSTRAINT …`, `ALTER [COLUMN] c [SET DATA] TYPE t`,
//!   `SET`/`DROP NOT NULL`, `SET`/`DROP DEFAULT`, MySQL `MODIFY`/`CHANGE`;
//! - `CREATE [UNIQUE] INDEX … ON t (…)`, `CREATE TYPE t AS ENUM (…)`.

use super::{
    is_constraint, is_ident, is_kw, is_punct, is_type_stop, qualified_name, skip_if_exists,
    split_actions, split_list, table_keyword_index, tok_span, tok_text, unquote_ident, Change,
    Kind, SqlFile, Tok,
};
use specgate_syntax::tree::Span;
use std::collections::HashMap;

/// The SQL dialect a file is written in, from the words only one of them uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    #[default]
    Postgres,
    MySql,
    Sqlite,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub name_span: Span,
    /// The type as written; empty for an untyped (SQLite) column.
    pub ty: String,
    /// Where the type is written (empty, just after the name, when untyped).
    pub ty_span: Span,
    pub not_null: bool,
    /// Where `NOT NULL` is written in the definition.
    pub not_null_span: Option<Span>,
    pub primary_key: bool,
    pub unique: bool,
    /// A value comes by itself: `DEFAULT`, `serial`, identity, auto-increment.
    pub default: bool,
    pub references: Option<ForeignRef>,
    /// `CHECK (c IN ('a', 'b'))` on the column.
    pub check_in: Option<Vec<String>>,
    /// The end of the definition (where a constraint would be appended).
    pub end: u32,
}

/// `REFERENCES table (columns)`; `columns` empty when not written (the
/// referenced table's primary key).
#[derive(Clone, Debug, PartialEq)]
pub struct ForeignRef {
    pub table: String,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Constraint {
    PrimaryKey(Vec<String>),
    Unique(Vec<String>),
    ForeignKey {
        columns: Vec<String>,
        to: ForeignRef,
    },
    CheckIn {
        column: String,
        values: Vec<String>,
    },
    /// MySQL `KEY`/`INDEX` entries of a CREATE TABLE, `ADD INDEX`.
    Index(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Fact {
    Create {
        table: String,
        name_span: Span,
        stmt_span: Span,
        columns: Vec<ColumnDef>,
        /// Table constraints with their names (`CONSTRAINT x …`), if written.
        constraints: Vec<(Option<String>, Constraint)>,
        /// The closing `)` of the element list.
        close: Option<u32>,
    },
    AddColumn {
        table: String,
        column: ColumnDef,
    },
    AddConstraint {
        table: String,
        name: Option<String>,
        constraint: Constraint,
    },
    /// `ALTER TABLE t DROP CONSTRAINT [IF EXISTS] name`.
    DropConstraint {
        table: String,
        name: String,
    },
    AlterType {
        table: String,
        column: String,
        ty: String,
        ty_span: Span,
    },
    SetNotNull {
        table: String,
        column: String,
        on: bool,
    },
    SetDefault {
        table: String,
        column: String,
        on: bool,
    },
    /// MySQL `MODIFY c def`, `CHANGE old def` (the rename is a [`Change`]).
    Redefine {
        table: String,
        column: String,
        def: ColumnDef,
    },
    Index {
        table: String,
        /// The index's name, when written (for a later `DROP INDEX`).
        name: Option<String>,
        columns: Vec<String>,
        span: Span,
    },
    /// `DROP INDEX [CONCURRENTLY] [IF EXISTS] a, b`.
    DropIndex {
        names: Vec<String>,
    },
    EnumType {
        name: String,
        values: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct SqlFact {
    pub fact: Fact,
    /// Where it happens, to order it among the file's drops and renames.
    pub at: u32,
}

/// The dialect of a file, from its tokens: backticks, `AUTO_INCREMENT`,
/// `ENGINE=`, `UNSIGNED` say MySQL; `AUTOINCREMENT`, `PRAGMA`, `WITHOUT
/// ROWID`, `STRICT` say SQLite; PostgreSQL otherwise.
pub(super) fn dialect(text: &str, toks: &[Tok]) -> Dialect {
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            Kind::Quoted if tok_text(text, t).starts_with('`') => return Dialect::MySql,
            Kind::Word => {
                let w = tok_text(text, t);
                if [
                    "AUTO_INCREMENT",
                    "UNSIGNED",
                    "ENGINE",
                    "TINYINT",
                    "MEDIUMTEXT",
                ]
                .iter()
                .any(|k| w.eq_ignore_ascii_case(k))
                {
                    return Dialect::MySql;
                }
                if w.eq_ignore_ascii_case("AUTOINCREMENT")
                    || w.eq_ignore_ascii_case("PRAGMA")
                    || (w.eq_ignore_ascii_case("ROWID")
                        && i > 0
                        && is_kw(text, &toks[i - 1], "WITHOUT"))
                {
                    return Dialect::Sqlite;
                }
            }
            _ => {}
        }
    }
    Dialect::Postgres
}

/// The facts of one statement (`toks` without its `;`), pushed to `out`.
pub(super) fn statement_facts(text: &str, toks: &[Tok], stmt: Span, out: &mut Vec<SqlFact>) {
    let Some(first) = toks.first() else { return };
    if is_kw(text, first, "CREATE") {
        if table_keyword_index(text, toks).is_some() {
            create_table(text, toks, stmt, out);
        } else {
            create_other(text, toks, out);
        }
    } else if is_kw(text, first, "ALTER") && toks.get(1).is_some_and(|t| is_kw(text, t, "TABLE")) {
        alter_table(text, toks, out);
    } else if is_kw(text, first, "DROP") && toks.get(1).is_some_and(|t| is_kw(text, t, "INDEX")) {
        let mut i = 2;
        if toks.get(i).is_some_and(|t| is_kw(text, t, "CONCURRENTLY")) {
            i += 1;
        }
        i = skip_if_exists(text, toks, i);
        let mut names = Vec::new();
        while let Some((name, j)) = qualified_name(toks, i) {
            names.push(table_name(text, &name));
            if !is_punct(toks.get(j), b',') {
                break;
            }
            i = j + 1;
        }
        out.push(SqlFact {
            fact: Fact::DropIndex { names },
            at: first.start,
        });
    }
}

fn table_name(text: &str, t: &Tok) -> String {
    unquote_ident(tok_text(text, t)).to_lowercase()
}

fn col_name(text: &str, t: &Tok) -> String {
    unquote_ident(tok_text(text, t))
}

fn create_table(text: &str, toks: &[Tok], stmt: Span, out: &mut Vec<SqlFact>) {
    let Some(kw) = table_keyword_index(text, toks) else {
        return;
    };
    let i = skip_if_exists(text, toks, kw + 1);
    let Some((name, i)) = qualified_name(toks, i) else {
        return;
    };
    let mut columns = Vec::new();
    let mut constraints = Vec::new();
    let mut close = None;
    if is_punct(toks.get(i), b'(') {
        let (elems, _, c) = split_list(toks, i);
        close = c.map(|c| toks[c].start);
        for r in elems {
            let el = &toks[r];
            if el.is_empty() {
                continue;
            }
            if is_constraint(text, el) {
                constraints.extend(table_constraint(text, el));
            } else if let Some(c) = column_def(text, el) {
                columns.push(c);
            }
        }
    }
    out.push(SqlFact {
        fact: Fact::Create {
            table: table_name(text, &name),
            name_span: tok_span(&name),
            stmt_span: stmt,
            columns,
            constraints,
            close,
        },
        at: stmt.start,
    });
}

/// `CREATE [UNIQUE] INDEX …` and `CREATE TYPE … AS ENUM (…)`.
fn create_other(text: &str, toks: &[Tok], out: &mut Vec<SqlFact>) {
    let mut i = 1;
    if toks.get(i).is_some_and(|t| is_kw(text, t, "UNIQUE")) {
        i += 1;
    }
    // MySQL: CREATE FULLTEXT|SPATIAL INDEX.
    if toks
        .get(i)
        .is_some_and(|t| is_kw(text, t, "FULLTEXT") || is_kw(text, t, "SPATIAL"))
    {
        return;
    }
    if toks.get(i).is_some_and(|t| is_kw(text, t, "INDEX")) {
        let Some(on) = toks.iter().position(|t| is_kw(text, t, "ON")) else {
            return;
        };
        let mut j = on + 1;
        if toks.get(j).is_some_and(|t| is_kw(text, t, "ONLY")) {
            j += 1;
        }
        // The name: between INDEX [CONCURRENTLY] [IF NOT EXISTS] and ON.
        let mut k = i + 1;
        if toks.get(k).is_some_and(|t| is_kw(text, t, "CONCURRENTLY")) {
            k += 1;
        }
        k = skip_if_exists(text, toks, k);
        let name = qualified_name(toks, k)
            .filter(|(_, after)| *after == on)
            .map(|(n, _)| table_name(text, &n));
        let Some((table, mut j)) = qualified_name(toks, j) else {
            return;
        };
        if toks.get(j).is_some_and(|t| is_kw(text, t, "USING")) {
            j += 2;
        }
        if !is_punct(toks.get(j), b'(') {
            return;
        }
        let first = toks[0];
        let last = toks[toks.len() - 1];
        out.push(SqlFact {
            fact: Fact::Index {
                table: table_name(text, &table),
                name,
                columns: column_list(text, toks, j),
                span: Span::new(first.start, last.end),
            },
            at: first.start,
        });
        return;
    }
    if toks.get(1).is_some_and(|t| is_kw(text, t, "TYPE")) {
        let Some((name, j)) = qualified_name(toks, 2) else {
            return;
        };
        if toks.get(j).is_some_and(|t| is_kw(text, t, "AS"))
            && toks.get(j + 1).is_some_and(|t| is_kw(text, t, "ENUM"))
            && is_punct(toks.get(j + 2), b'(')
        {
            out.push(SqlFact {
                fact: Fact::EnumType {
                    name: table_name(text, &name),
                    values: string_list(text, toks, j + 2),
                },
                at: toks[0].start,
            });
        }
    }
}

fn alter_table(text: &str, toks: &[Tok], out: &mut Vec<SqlFact>) {
    let Some((name, i)) = super::alter_target(text, toks) else {
        return;
    };
    let table = table_name(text, &name);
    for r in split_actions(toks, i) {
        let a = &toks[r];
        let Some(first) = a.first() else { continue };
        let at = first.start;
        let col = |k: usize| a.get(k).is_some_and(|t| is_kw(text, t, "COLUMN"));
        let mut push = |fact| out.push(SqlFact { fact, at });
        if is_kw(text, first, "ADD") {
            let explicit = col(1);
            let k = skip_if_exists(text, a, if explicit { 2 } else { 1 });
            let rest = &a[k.min(a.len())..];
            match rest.first() {
                None => {}
                Some(t) if t.kind == Kind::Punct(b'(') => {
                    let (elems, _, _) = split_list(rest, 0);
                    for r in elems {
                        if let Some(c) = column_def(text, &rest[r]) {
                            push(Fact::AddColumn {
                                table: table.clone(),
                                column: c,
                            });
                        }
                    }
                }
                Some(_) if !explicit && is_constraint(text, rest) => {
                    if let Some((name, c)) = table_constraint(text, rest) {
                        push(Fact::AddConstraint {
                            table: table.clone(),
                            name,
                            constraint: c,
                        });
                    }
                }
                Some(_) => {
                    if let Some(c) = column_def(text, rest) {
                        push(Fact::AddColumn {
                            table: table.clone(),
                            column: c,
                        });
                    }
                }
            }
        } else if is_kw(text, first, "ALTER") {
            // ALTER [COLUMN] c [SET DATA] TYPE t | SET/DROP NOT NULL | SET/DROP DEFAULT
            let k = if col(1) { 2 } else { 1 };
            let Some(c) = a.get(k).filter(|t| is_ident(t)) else {
                continue;
            };
            let column = col_name(text, c);
            let w = |j: usize, kw: &str| a.get(k + j).is_some_and(|t| is_kw(text, t, kw));
            let ty_at = if w(1, "TYPE") {
                Some(k + 2)
            } else if w(1, "SET") && w(2, "DATA") && w(3, "TYPE") {
                Some(k + 4)
            } else {
                None
            };
            if let Some(s) = ty_at.filter(|s| *s < a.len()) {
                let mut e = s;
                let mut depth = 0usize;
                while e < a.len() {
                    match a[e].kind {
                        Kind::Punct(b'(' | b'[') => depth += 1,
                        Kind::Punct(b')' | b']') => depth = depth.saturating_sub(1),
                        _ if depth == 0
                            && (is_kw(text, &a[e], "USING") || is_kw(text, &a[e], "COLLATE")) =>
                        {
                            break
                        }
                        _ => {}
                    }
                    e += 1;
                }
                if e > s {
                    let span = Span::new(a[s].start, a[e - 1].end);
                    push(Fact::AlterType {
                        table: table.clone(),
                        column,
                        ty: text
                            .get(span.start as usize..span.end as usize)
                            .unwrap_or("")
                            .to_string(),
                        ty_span: span,
                    });
                }
            } else if (w(1, "SET") || w(1, "DROP")) && w(2, "NOT") && w(3, "NULL") {
                push(Fact::SetNotNull {
                    table: table.clone(),
                    column,
                    on: w(1, "SET"),
                });
            } else if (w(1, "SET") || w(1, "DROP")) && w(2, "DEFAULT") {
                push(Fact::SetDefault {
                    table: table.clone(),
                    column,
                    on: w(1, "SET"),
                });
            }
        } else if is_kw(text, first, "DROP")
            && a.get(1).is_some_and(|t| is_kw(text, t, "CONSTRAINT"))
        {
            let k = skip_if_exists(text, a, 2);
            if let Some(n) = a.get(k).filter(|t| is_ident(t)) {
                push(Fact::DropConstraint {
                    table: table.clone(),
                    name: table_name(text, n),
                });
            }
        } else if is_kw(text, first, "MODIFY") || is_kw(text, first, "CHANGE") {
            let k = if col(1) { 2 } else { 1 };
            let Some(c) = a.get(k).filter(|t| is_ident(t)) else {
                continue;
            };
            let def_at = if is_kw(text, first, "CHANGE") {
                k + 1
            } else {
                k
            };
            if let Some(def) = a.get(def_at..).and_then(|d| column_def(text, d)) {
                push(Fact::Redefine {
                    table: table.clone(),
                    column: col_name(text, c),
                    def,
                });
            }
        }
    }
}

/// A column definition `name type [constraints…]`.
fn column_def(text: &str, toks: &[Tok]) -> Option<ColumnDef> {
    let name = toks.first().filter(|t| is_ident(t))?;
    let mut j = 1;
    let mut depth = 0usize;
    while j < toks.len() {
        if depth == 0 && is_type_stop(text, toks, j) {
            break;
        }
        match toks[j].kind {
            Kind::Punct(b'(' | b'[') => depth += 1,
            Kind::Punct(b')' | b']') => depth = depth.saturating_sub(1),
            _ => {}
        }
        j += 1;
    }
    let ty_span = if j > 1 {
        Span::new(toks[1].start, toks[j - 1].end)
    } else {
        Span::new(name.end, name.end)
    };
    let ty = text
        .get(ty_span.start as usize..ty_span.end as usize)
        .unwrap_or("")
        .to_string();
    let lower = ty.to_ascii_lowercase();
    let mut c = ColumnDef {
        name: col_name(text, name),
        name_span: tok_span(name),
        default: lower.contains("serial"),
        ty,
        ty_span,
        end: toks[toks.len() - 1].end,
        ..ColumnDef::default()
    };
    let kw = |k: usize, w: &str| toks.get(k).is_some_and(|t| is_kw(text, t, w));
    while j < toks.len() {
        let t = &toks[j];
        if t.kind == Kind::Punct(b'(') {
            j = skip_parens(toks, j);
            continue;
        }
        if kw(j, "NOT") && kw(j + 1, "NULL") {
            c.not_null = true;
            c.not_null_span = Some(Span::new(toks[j].start, toks[j + 1].end));
            j += 2;
            continue;
        }
        if kw(j, "NULL") {
            c.not_null = false;
        } else if kw(j, "PRIMARY") && kw(j + 1, "KEY") {
            c.primary_key = true;
            c.not_null = true;
            j += 2;
            continue;
        } else if kw(j, "UNIQUE") {
            c.unique = true;
        } else if kw(j, "DEFAULT")
            || kw(j, "AUTO_INCREMENT")
            || kw(j, "AUTOINCREMENT")
            || kw(j, "IDENTITY")
            || kw(j, "GENERATED")
        {
            c.default = true;
        } else if kw(j, "REFERENCES") {
            if let Some((t, k)) = qualified_name(toks, j + 1) {
                let columns = if is_punct(toks.get(k), b'(') {
                    column_list(text, toks, k)
                } else {
                    Vec::new()
                };
                c.references = Some(ForeignRef {
                    table: table_name(text, &t),
                    columns,
                });
                j = k;
                continue;
            }
        } else if kw(j, "CHECK") && is_punct(toks.get(j + 1), b'(') {
            let end = skip_parens(toks, j + 1);
            if let Some((column, values)) = check_in(text, inside(toks, j + 1)) {
                if column == c.name {
                    c.check_in = Some(values);
                }
            }
            j = end;
            continue;
        }
        j += 1;
    }
    Some(c)
}

/// The tokens inside the parenthesized group opened at `open` (to the end
/// when it is never closed).
fn inside(toks: &[Tok], open: usize) -> &[Tok] {
    let end = skip_parens(toks, open);
    let closed = end <= toks.len() && end > open + 1 && is_punct(toks.get(end - 1), b')');
    let stop = if closed { end - 1 } else { end.min(toks.len()) };
    toks.get(open + 1..stop).unwrap_or(&[])
}

/// The index just after the parenthesized group opened at `open`.
fn skip_parens(toks: &[Tok], open: usize) -> usize {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t.kind {
            Kind::Punct(b'(') => depth += 1,
            Kind::Punct(b')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// `c IN ('a', 'b')` (also `c::text IN (…)`, `(c) IN (…)`): the column and
/// the values, when that is the whole check.
fn check_in(text: &str, toks: &[Tok]) -> Option<(String, Vec<String>)> {
    let first = toks.first().filter(|t| is_ident(t))?;
    let mut k = 1;
    // `c::text`
    while k + 2 < toks.len()
        && toks[k].kind == Kind::Punct(b':')
        && toks[k + 1].kind == Kind::Punct(b':')
    {
        k += 3;
    }
    if !toks.get(k).is_some_and(|t| is_kw(text, t, "IN")) {
        return None;
    }
    if !toks.get(k + 1).is_some_and(|t| t.kind == Kind::Punct(b'(')) {
        return None;
    }
    let mut values = Vec::new();
    let mut j = k + 2;
    while j < toks.len() {
        let t = &toks[j];
        match t.kind {
            Kind::Str => values.push(string_value(tok_text(text, t))),
            Kind::Punct(b',') => {}
            Kind::Punct(b')') => {
                return (j + 1 == toks.len() && !values.is_empty())
                    .then(|| (col_name(text, first), values));
            }
            // `'a'::text` casts inside the list.
            Kind::Punct(b':') => {
                j += 3;
                continue;
            }
            _ => return None,
        }
        j += 1;
    }
    None
}

/// `'it''s'` → `it's`.
fn string_value(s: &str) -> String {
    let s = s.strip_prefix(['E', 'e', 'N', 'n']).unwrap_or(s);
    let inner = s
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .unwrap_or(s);
    inner.replace("''", "'")
}

/// The strings of the list opened at `open`: `('a', 'b')`.
fn string_list(text: &str, toks: &[Tok], open: usize) -> Vec<String> {
    let (elems, _, _) = split_list(toks, open);
    elems
        .into_iter()
        .filter_map(|r| {
            let el = &toks[r];
            (el.len() == 1 && el[0].kind == Kind::Str).then(|| string_value(tok_text(text, &el[0])))
        })
        .collect()
}

/// The columns of the list opened at `open` (`(a, "B", c DESC, d(10))`):
/// an expression element (`lower(email)`) is an empty name, so it matches
/// no column but keeps its place.
fn column_list(text: &str, toks: &[Tok], open: usize) -> Vec<String> {
    let (elems, _, _) = split_list(toks, open);
    elems
        .into_iter()
        .filter_map(|r| {
            let el = &toks[r];
            let first = el.first()?;
            let call = is_punct(el.get(1), b'(') && first.kind == Kind::Word && {
                // MySQL prefix index `name(10)`: a number alone in the parens.
                !(el.get(2).is_some_and(|t| t.kind == Kind::Num) && is_punct(el.get(3), b')'))
            };
            Some(if is_ident(first) && !call {
                col_name(text, first)
            } else {
                String::new()
            })
        })
        .collect()
}

/// A table constraint element (`[CONSTRAINT n] PRIMARY KEY (…)`, …).
fn table_constraint(text: &str, toks: &[Tok]) -> Option<(Option<String>, Constraint)> {
    let mut i = 0;
    let mut name = None;
    if toks.first().is_some_and(|t| is_kw(text, t, "CONSTRAINT")) {
        name = toks
            .get(1)
            .filter(|t| is_ident(t))
            .map(|t| table_name(text, t));
        i = 2;
    }
    table_constraint_at(text, toks, i).map(|c| (name, c))
}

fn table_constraint_at(text: &str, toks: &[Tok], i: usize) -> Option<Constraint> {
    let kw = |k: usize, w: &str| toks.get(k).is_some_and(|t| is_kw(text, t, w));
    // The first `(` from `k`, skipping an optional index name.
    let open_from = |k: usize| (k..toks.len().min(k + 3)).find(|&j| is_punct(toks.get(j), b'('));
    if kw(i, "PRIMARY") && kw(i + 1, "KEY") {
        let open = open_from(i + 2)?;
        return Some(Constraint::PrimaryKey(column_list(text, toks, open)));
    }
    if kw(i, "UNIQUE") {
        let open = open_from(i + 1)?;
        return Some(Constraint::Unique(column_list(text, toks, open)));
    }
    if kw(i, "FOREIGN") && kw(i + 1, "KEY") {
        let open = open_from(i + 2)?;
        let columns = column_list(text, toks, open);
        let after = skip_parens(toks, open);
        if !kw(after, "REFERENCES") {
            return None;
        }
        let (t, k) = qualified_name(toks, after + 1)?;
        let to_cols = if is_punct(toks.get(k), b'(') {
            column_list(text, toks, k)
        } else {
            Vec::new()
        };
        return Some(Constraint::ForeignKey {
            columns,
            to: ForeignRef {
                table: table_name(text, &t),
                columns: to_cols,
            },
        });
    }
    if kw(i, "CHECK") && is_punct(toks.get(i + 1), b'(') {
        let (column, values) = check_in(text, inside(toks, i + 1))?;
        return Some(Constraint::CheckIn { column, values });
    }
    if kw(i, "KEY") || kw(i, "INDEX") {
        let open = open_from(i + 1)?;
        return Some(Constraint::Index(column_list(text, toks, open)));
    }
    None
}

// ---------------------------------------------------------------------------
// The schema once every migration has run
// ---------------------------------------------------------------------------

/// A column as it stands at the end.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveColumn {
    pub def: ColumnDef,
    /// The file of its definition (index into the files given to [`build`]).
    pub file: usize,
    /// Where its type is last set (the definition, or an `ALTER … TYPE`).
    pub ty_at: (usize, Span),
    /// Where `NOT NULL` was last set or dropped by an ALTER, if anywhere.
    pub not_null_at: Option<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SchemaTable {
    pub name: String,
    /// `true` when a `CREATE TABLE` of the workspace made it.
    pub created: bool,
    /// The file of its CREATE TABLE (or of its first ALTER).
    pub file: usize,
    pub name_span: Span,
    pub stmt_span: Span,
    pub close: Option<u32>,
    pub columns: Vec<LiveColumn>,
    pub constraints: Vec<Constraint>,
    /// The name of each of `constraints`, when written.
    pub constraint_names: Vec<Option<String>>,
    /// Its indexes from CREATE INDEX: name (lower-cased) and columns.
    pub indexes: Vec<(Option<String>, Vec<String>)>,
    pub dialect: Dialect,
}

impl SchemaTable {
    pub fn column(&self, name: &str) -> Option<&LiveColumn> {
        self.columns.iter().find(|c| c.def.name == name)
    }

    /// The primary key's columns (inline or a table constraint).
    pub fn primary_key(&self) -> Vec<String> {
        for c in &self.constraints {
            if let Constraint::PrimaryKey(cols) = c {
                return cols.clone();
            }
        }
        self.columns
            .iter()
            .filter(|c| c.def.primary_key)
            .map(|c| c.def.name.clone())
            .collect()
    }

    /// Is the column part of a primary key?
    pub fn in_primary_key(&self, column: &str) -> bool {
        self.primary_key().iter().any(|c| c == column)
    }

    /// Where the column refers to, inline or by a table constraint (one-column keys).
    pub fn reference(&self, column: &str) -> Option<ForeignRef> {
        if let Some(r) = self.column(column).and_then(|c| c.def.references.clone()) {
            return Some(r);
        }
        self.constraints.iter().find_map(|c| match c {
            Constraint::ForeignKey { columns, to }
                if columns.first().is_some_and(|c| c == column) =>
            {
                Some(to.clone())
            }
            _ => None,
        })
    }

    /// Column lists that an index starts with: primary key, unique
    /// constraints and columns, and indexes.
    pub fn index_prefixes(&self) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = self.indexes.iter().map(|(_, c)| c.clone()).collect();
        for c in &self.constraints {
            match c {
                Constraint::PrimaryKey(cols)
                | Constraint::Unique(cols)
                | Constraint::Index(cols) => out.push(cols.clone()),
                _ => {}
            }
        }
        for c in &self.columns {
            if c.def.primary_key || c.def.unique {
                out.push(vec![c.def.name.clone()]);
            }
        }
        out
    }

    /// The allowed values of a column from a `CHECK (c IN (…))`.
    pub fn check_in(&self, column: &str) -> Option<Vec<String>> {
        if let Some(v) = self.column(column).and_then(|c| c.def.check_in.clone()) {
            return Some(v);
        }
        self.constraints.iter().find_map(|c| match c {
            Constraint::CheckIn {
                column: col,
                values,
            } if col == column => Some(values.clone()),
            _ => None,
        })
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    pub tables: Vec<SchemaTable>,
    /// `CREATE TYPE x AS ENUM (…)`, by lower-cased name.
    pub enums: HashMap<String, Vec<String>>,
}

impl Schema {
    pub fn table(&self, name: &str) -> Option<&SchemaTable> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// Runs every file's statements in order (files as given, then by offset):
/// creates, added and redefined columns, constraints, indexes, type and
/// nullability changes, drops and renames. Each file comes with the number
/// that positions in the result name it by (`SchemaTable::file`, …).
pub fn build(files: &[(usize, &SqlFile)]) -> Schema {
    let mut schema = Schema::default();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut dropped: Vec<bool> = Vec::new();
    for &(fi, f) in files {
        // Drops and renames (from the table reader) and facts, by offset;
        // at one offset the rename first (MySQL CHANGE renames, then redefines).
        let mut events: Vec<(u32, u8, usize)> = f
            .changes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.span.start, 0, i))
            .chain(f.facts.iter().enumerate().map(|(i, x)| (x.at, 1, i)))
            .collect();
        events.sort();
        for (_, kind, i) in events {
            if kind == 0 {
                match &f.changes[i].change {
                    Change::DropTable { table } => {
                        if let Some(t) = by_name.remove(table) {
                            dropped[t] = true;
                        }
                    }
                    Change::RenameTable { table, to } => {
                        if let Some(t) = by_name.remove(table) {
                            schema.tables[t].name = to.clone();
                            by_name.insert(to.clone(), t);
                        }
                    }
                    Change::DropColumn { table, column } => {
                        if let Some(&t) = by_name.get(table) {
                            // PostgreSQL drops the indexes and constraints
                            // that involve the column with it.
                            let t = &mut schema.tables[t];
                            t.columns.retain(|c| c.def.name != *column);
                            let keep: Vec<bool> = t
                                .constraints
                                .iter()
                                .map(|c| !constraint_columns(c).contains(&column.as_str()))
                                .collect();
                            let mut k = keep.iter();
                            t.constraints.retain(|_| *k.next().unwrap_or(&true));
                            let mut k = keep.iter();
                            t.constraint_names.retain(|_| *k.next().unwrap_or(&true));
                            t.indexes.retain(|(_, cols)| !cols.contains(column));
                        }
                    }
                    Change::RenameColumn { table, column, to } => {
                        if let Some(&t) = by_name.get(table) {
                            let t = &mut schema.tables[t];
                            for c in t.columns.iter_mut().filter(|c| c.def.name == *column) {
                                c.def.name = to.clone();
                            }
                            rename_in_constraints(t, column, to);
                        }
                    }
                }
                continue;
            }
            let fact = &f.facts[i].fact;
            let mut table_of = |name: &str, span: Span, schema: &mut Schema| {
                table_entry(
                    schema,
                    &mut by_name,
                    &mut dropped,
                    name,
                    span,
                    fi,
                    f.dialect,
                )
            };
            let live = |def: &ColumnDef| LiveColumn {
                ty_at: (fi, def.ty_span),
                def: def.clone(),
                file: fi,
                not_null_at: None,
            };
            match fact {
                Fact::Create {
                    table,
                    name_span,
                    stmt_span,
                    columns,
                    constraints,
                    close,
                } => {
                    let t = table_of(table, *name_span, &mut schema);
                    if schema.tables[t].created {
                        continue; // CREATE TABLE IF NOT EXISTS again: the first stands
                    }
                    let t = &mut schema.tables[t];
                    t.created = true;
                    t.file = fi;
                    t.name_span = *name_span;
                    t.stmt_span = *stmt_span;
                    t.close = *close;
                    t.dialect = f.dialect;
                    let before = std::mem::take(&mut t.columns);
                    t.columns = columns.iter().map(live).collect();
                    t.columns.extend(before);
                    for (n, c) in constraints {
                        t.constraint_names.push(n.clone());
                        t.constraints.push(c.clone());
                    }
                }
                Fact::AddColumn { table, column } => {
                    let t = table_of(table, column.name_span, &mut schema);
                    let t = &mut schema.tables[t];
                    t.columns.retain(|c| c.def.name != column.name);
                    t.columns.push(live(column));
                }
                Fact::AddConstraint {
                    table,
                    name,
                    constraint,
                } => {
                    let t = table_of(table, Span::new(0, 0), &mut schema);
                    schema.tables[t].constraints.push(constraint.clone());
                    schema.tables[t].constraint_names.push(name.clone());
                }
                Fact::DropConstraint { table, name } => {
                    if let Some(&t) = by_name.get(table) {
                        drop_constraint(&mut schema.tables[t], name);
                    }
                }
                Fact::AlterType {
                    table,
                    column,
                    ty,
                    ty_span,
                } => {
                    if let Some(c) = live_column(&mut schema, &by_name, table, column) {
                        c.def.ty = ty.clone();
                        c.ty_at = (fi, *ty_span);
                    }
                }
                Fact::SetNotNull { table, column, on } => {
                    if let Some(c) = live_column(&mut schema, &by_name, table, column) {
                        c.def.not_null = *on;
                        c.not_null_at = Some(fi);
                    }
                }
                Fact::SetDefault { table, column, on } => {
                    if let Some(c) = live_column(&mut schema, &by_name, table, column) {
                        c.def.default = *on;
                    }
                }
                Fact::Redefine { table, column, def } => {
                    let Some(&t) = by_name.get(table) else {
                        continue;
                    };
                    let t = &mut schema.tables[t];
                    let k = t
                        .columns
                        .iter()
                        .position(|c| c.def.name == def.name)
                        .or_else(|| t.columns.iter().position(|c| c.def.name == *column));
                    match k {
                        Some(k) => {
                            t.columns[k] = live(def);
                        }
                        None => t.columns.push(live(def)),
                    }
                }
                Fact::Index {
                    table,
                    name,
                    columns,
                    ..
                } => {
                    if let Some(&t) = by_name.get(table) {
                        schema.tables[t]
                            .indexes
                            .push((name.clone(), columns.clone()));
                    }
                }
                Fact::DropIndex { names } => {
                    for t in &mut schema.tables {
                        t.indexes
                            .retain(|(n, _)| !n.as_ref().is_some_and(|n| names.contains(n)));
                    }
                }
                Fact::EnumType { name, values } => {
                    schema.enums.insert(name.clone(), values.clone());
                }
            }
        }
    }
    let mut k = 0;
    schema.tables.retain(|_| {
        k += 1;
        !dropped[k - 1]
    });
    schema
}

/// The table of that name, made (not created, e.g. by an ALTER of a table
/// defined outside the workspace) when there is none.
fn table_entry(
    schema: &mut Schema,
    by_name: &mut HashMap<String, usize>,
    dropped: &mut Vec<bool>,
    name: &str,
    span: Span,
    file: usize,
    dialect: Dialect,
) -> usize {
    if let Some(&t) = by_name.get(name) {
        return t;
    }
    schema.tables.push(SchemaTable {
        name: name.to_string(),
        created: false,
        file,
        name_span: span,
        stmt_span: span,
        close: None,
        columns: Vec::new(),
        constraints: Vec::new(),
        constraint_names: Vec::new(),
        indexes: Vec::new(),
        dialect,
    });
    dropped.push(false);
    by_name.insert(name.to_string(), schema.tables.len() - 1);
    schema.tables.len() - 1
}

fn live_column<'a>(
    schema: &'a mut Schema,
    by_name: &HashMap<String, usize>,
    table: &str,
    column: &str,
) -> Option<&'a mut LiveColumn> {
    let &t = by_name.get(table)?;
    schema.tables[t]
        .columns
        .iter_mut()
        .find(|c| c.def.name == column)
}

fn constraint_columns(c: &Constraint) -> Vec<&str> {
    match c {
        Constraint::PrimaryKey(cols) | Constraint::Unique(cols) | Constraint::Index(cols) => {
            cols.iter().map(String::as_str).collect()
        }
        Constraint::ForeignKey { columns, .. } => columns.iter().map(String::as_str).collect(),
        Constraint::CheckIn { column, .. } => vec![column.as_str()],
    }
}

/// `DROP CONSTRAINT name`: a named one, or one written inline that
/// PostgreSQL named itself (`t_pkey`, `t_c_fkey`, `t_c_key`).
fn drop_constraint(t: &mut SchemaTable, name: &str) {
    if let Some(k) = t
        .constraint_names
        .iter()
        .position(|n| n.as_deref() == Some(name))
    {
        t.constraints.remove(k);
        t.constraint_names.remove(k);
        return;
    }
    let table = t.name.clone();
    for c in &mut t.columns {
        let col = c.def.name.to_lowercase();
        if name == format!("{table}_pkey") {
            c.def.primary_key = false;
        } else if name == format!("{table}_{col}_fkey") {
            c.def.references = None;
        } else if name == format!("{table}_{col}_key") {
            c.def.unique = false;
        }
    }
}

fn rename_in_constraints(t: &mut SchemaTable, from: &str, to: &str) {
    let fix = |cols: &mut Vec<String>| {
        for c in cols.iter_mut().filter(|c| *c == from) {
            *c = to.to_string();
        }
    };
    for c in &mut t.constraints {
        match c {
            Constraint::PrimaryKey(cols) | Constraint::Unique(cols) | Constraint::Index(cols) => {
                fix(cols)
            }
            Constraint::ForeignKey { columns, .. } => fix(columns),
            Constraint::CheckIn { column, .. } => {
                if column == from {
                    *column = to.to_string();
                }
            }
        }
    }
    for (_, i) in &mut t.indexes {
        fix(i);
    }
}

/// A path's sort key that reads runs of digits as numbers, so that
/// `V2__x.sql` comes before `V10__y.sql` (Flyway, Liquibase and most
/// migration tools number without leading zeros).
pub fn natural_key(path: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut num: Option<u64> = None;
    for c in path.chars() {
        match (c.to_digit(10), num) {
            (Some(d), Some(n)) => num = Some(n.saturating_mul(10).saturating_add(u64::from(d))),
            (Some(d), None) => {
                out.push((0, std::mem::take(&mut text)));
                num = Some(u64::from(d));
            }
            (None, Some(n)) => {
                out.push((n, String::new()));
                num = None;
                text.push(c);
            }
            (None, None) => text.push(c),
        }
    }
    if let Some(n) = num {
        out.push((n, String::new()));
    }
    out.push((0, text));
    out
}

#[cfg(test)]
mod tests {
    use super::super::read_sql;
    use super::*;

    fn schema(files: &[&str]) -> Schema {
        let re = regex::Regex::new(r"FR-\d+").unwrap();
        let parsed: Vec<SqlFile> = files.iter().map(|t| read_sql(t, &re, true).0).collect();
        let refs: Vec<(usize, &SqlFile)> = parsed.iter().enumerate().collect();
        build(&refs)
    }

    #[test]
    fn constraints_inline_and_table_level() {
        let s = schema(&["CREATE TABLE visits (\n  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),\n  patient_id uuid NOT NULL REFERENCES patients (id) ON DELETE CASCADE,\n  slot_id uuid,\n  status text NOT NULL CHECK (status IN ('booked', 'cancelled')),\n  kind text,\n  note text NULL,\n  CONSTRAINT v_slot FOREIGN KEY (slot_id) REFERENCES public.slots,\n  UNIQUE (slot_id, kind),\n  CHECK (kind IN ('a', 'b''c'))\n);\nCREATE INDEX ON visits USING btree (patient_id, status);\nCREATE UNIQUE INDEX v_lower ON visits (lower(note));\nCREATE INDEX IF NOT EXISTS \"v_kind\" ON visits (kind);\nDROP INDEX IF EXISTS public.v_kind;\n"]);
        let t = s.table("visits").unwrap();
        assert!(t.created);
        assert_eq!(t.primary_key(), vec!["id"]);
        let pid = t.column("patient_id").unwrap();
        assert!(pid.def.not_null && !pid.def.default);
        assert_eq!(
            t.reference("patient_id"),
            Some(ForeignRef {
                table: "patients".into(),
                columns: vec!["id".into()]
            })
        );
        assert_eq!(
            t.reference("slot_id"),
            Some(ForeignRef {
                table: "slots".into(),
                columns: vec![]
            })
        );
        assert!(t.column("id").unwrap().def.default);
        assert!(!t.column("note").unwrap().def.not_null);
        assert_eq!(
            t.check_in("status"),
            Some(vec!["booked".into(), "cancelled".into()])
        );
        assert_eq!(t.check_in("kind"), Some(vec!["a".into(), "b'c".into()]));
        let prefixes = t.index_prefixes();
        assert!(prefixes.contains(&vec!["patient_id".to_string(), "status".into()]));
        assert!(prefixes.contains(&vec!["slot_id".to_string(), "kind".into()]));
        assert!(prefixes.contains(&vec![String::new()]));
        assert!(
            !prefixes.contains(&vec!["kind".to_string()]),
            "dropped: {prefixes:?}"
        );
        assert_eq!(t.dialect, Dialect::Postgres);
    }

    #[test]
    fn migrations_replay_in_order() {
        let s = schema(&[
            "CREATE TYPE mood AS ENUM ('happy', 'sad');\nCREATE TABLE \"User\" (\n  \"id\" TEXT NOT NULL,\n  \"email\" VARCHAR(80),\n  \"born\" DATE,\n  \"old\" int,\n  CONSTRAINT \"User_pkey\" PRIMARY KEY (\"id\")\n);\n",
            "ALTER TABLE \"User\" ALTER COLUMN \"email\" SET DATA TYPE VARCHAR(120),\n  ALTER COLUMN \"email\" SET NOT NULL;\nALTER TABLE \"User\" ALTER born TYPE timestamptz USING born::timestamptz, ALTER COLUMN born SET DEFAULT now();\nALTER TABLE \"User\" DROP COLUMN \"old\";\nALTER TABLE \"User\" ADD CONSTRAINT u_fk FOREIGN KEY (\"email\") REFERENCES emails(address);\nALTER TABLE \"User\" RENAME COLUMN \"email\" TO \"mail\";\nALTER TABLE \"User\" RENAME TO people;\nDROP TABLE gone;\nALTER TABLE people ADD CONSTRAINT \"Gone_fk\" FOREIGN KEY (born) REFERENCES x (id);\nALTER TABLE people DROP CONSTRAINT IF EXISTS \"Gone_fk\", DROP CONSTRAINT \"User_pkey\";\n",
        ]);
        let t = s.table("people").unwrap();
        assert!(t.primary_key().is_empty(), "dropped: {:?}", t.constraints);
        assert!(t.reference("born").is_none());
        let mail = t.column("mail").unwrap();
        assert_eq!(mail.def.ty, "VARCHAR(120)");
        assert_eq!(mail.ty_at.0, 1);
        assert!(mail.def.not_null);
        let born = t.column("born").unwrap();
        assert_eq!(born.def.ty, "timestamptz");
        assert!(born.def.default);
        assert!(t.column("old").is_none());
        assert_eq!(t.reference("mail").unwrap().table, "emails");
        assert_eq!(s.enums["mood"], vec!["happy", "sad"]);
    }

    #[test]
    fn half_typed_constraints_do_not_panic() {
        for text in [
            "CREATE TABLE t (a int CHECK (",
            "CREATE TABLE t (a int CHECK (a IN ('x'",
            "CREATE TABLE t (a int, CHECK (",
            "CREATE TABLE t (a int, CONSTRAINT c FOREIGN KEY (a) REFERENCES",
            "ALTER TABLE t ADD CONSTRAINT",
            "ALTER TABLE t ALTER COLUMN a TYPE",
            "CREATE INDEX ON t (",
            "CREATE TYPE e AS ENUM (",
            "DROP INDEX",
        ] {
            let _ = schema(&[text]);
        }
    }

    #[test]
    fn natural_order_of_migration_files() {
        let mut v = vec!["db/V10__c.sql", "db/V2__b.sql", "db/V1__a.sql", "a/001.sql"];
        v.sort_by_key(|p| natural_key(p));
        assert_eq!(
            v,
            ["a/001.sql", "db/V1__a.sql", "db/V2__b.sql", "db/V10__c.sql"]
        );
    }

    #[test]
    fn mysql_and_sqlite() {
        let s = schema(&["CREATE TABLE `orders` (\n  `id` INT UNSIGNED NOT NULL AUTO_INCREMENT,\n  `customer_id` INT NOT NULL,\n  `state` ENUM('new','paid') NOT NULL,\n  PRIMARY KEY (`id`),\n  KEY `idx_customer` (`customer_id`),\n  CONSTRAINT `fk_c` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`)\n) ENGINE=InnoDB;\nALTER TABLE orders MODIFY COLUMN state ENUM('new','paid','sent') NOT NULL;\nALTER TABLE orders CHANGE customer_id client_id BIGINT NOT NULL;\n"]);
        let t = s.table("orders").unwrap();
        assert_eq!(t.dialect, Dialect::MySql);
        assert!(t.column("id").unwrap().def.default);
        assert_eq!(
            t.column("state").unwrap().def.ty,
            "ENUM('new','paid','sent')"
        );
        let c = t.column("client_id").unwrap();
        assert_eq!(c.def.ty, "BIGINT");
        assert!(t.index_prefixes().contains(&vec!["client_id".to_string()]));
        assert_eq!(t.reference("client_id").unwrap().table, "customers");

        let s = schema(&[
            "CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, tag);\n",
        ]);
        let t = s.table("notes").unwrap();
        assert_eq!(t.dialect, Dialect::Sqlite);
        assert_eq!(t.column("tag").unwrap().def.ty, "");
        assert!(t.column("body").unwrap().def.not_null);
    }
}
