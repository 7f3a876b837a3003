//! `required-mismatch`: the dictionary says an attribute is required (or
//! optional), and its column or its entity's response schema says
//! otherwise.
//!
//! **What.** An attribute is required when its row says so: a Required
//! column (`yes`, `✓`, `NOT NULL`), `required` / `NOT NULL` / `primary
//! key` among its notes; optional when it says `optional`, `nullable`, or
//! its type ends in `?` (`string?`). Conditional wording (`required iff
//! Type == Other`, `in-person required`) decides nothing. Then:
//! - a required attribute's column must be `NOT NULL` (or part of the
//!   primary key), once every migration has run;
//! - an optional attribute's column must not be `NOT NULL` without a
//!   default (inserts that leave it out would fail);
//! - an entity schema used in a response (named like the entity or marked
//!   `x-entity`) that has the property must list it in `required` (its own
//!   or an `allOf` part's).
//!
//! **Why.** Required fields are part of the data model: a nullable column
//! for a required attribute lets incomplete rows in; a response schema
//! that leaves it optional makes every client handle a case that never
//! happens, or crash on one that does.
//!
//! **Example.** The dictionary says `email | text | required: yes`; the
//! migration says `email text` (nullable).
//!
//! **Fix.** Add `NOT NULL` to the column (needs review: existing rows), drop
//! `NOT NULL` from an optional one (needs review), add the property to the
//! schema's `required` (safe).
//!
//! Range: the column name, or the property key.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, FileId, Fix, Severity};
use crate::edit::{EditSet, Pos, Val};
use crate::index::Index;
use crate::rules::property_not_in_dictionary::entity_schemas;
use crate::rules::shared::alignment::{column_pairs, sql_file, sql_upper};
use specgate_syntax::tree::{Entry, Node, Span};
use std::collections::HashSet;

pub const RULE: Rule = Rule {
    code: "required-mismatch",
    source: include_str!("required_mismatch.rs"),
    default_severity: Severity::Warning,
    summary: "A column or response schema disagrees with the data dictionary on whether an attribute is required",
    points_at: "the column name, or the property key",
    check,
    fixes,
};

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    /// A required attribute's column is nullable.
    Nullable,
    /// An optional attribute's column is NOT NULL without a default.
    NotNull,
    /// A required attribute's property is not in `required`.
    NotRequired,
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for p in column_pairs(index) {
        let c = &p.column.def;
        let key = p.table.in_primary_key(&c.name);
        let (kind, message) = match p.facts.required {
            Some(true) if !c.not_null && !key => (
                Kind::Nullable,
                format!(
                    "column `{}.{}` is nullable, but the data dictionary says {}.{} is required ({}): add NOT NULL",
                    p.table.name, c.name, p.entity.name, p.attribute.name, p.dict_file
                ),
            ),
            Some(false) if c.not_null && !c.default && !key => (
                Kind::NotNull,
                format!(
                    "column `{}.{}` is NOT NULL without a default, but the data dictionary says {}.{} is optional ({}): inserts without it fail",
                    p.table.name, c.name, p.entity.name, p.attribute.name, p.dict_file
                ),
            ),
            _ => continue,
        };
        out.push(
            Diagnostic::new(
                RULE.code,
                sql_file(index, p.column.file),
                c.name_span,
                message,
            )
            .with_data(&kind),
        );
    }
    let schemas = if index.dictionaries.is_empty() {
        Vec::new()
    } else {
        entity_schemas(index)
    };
    if schemas.is_empty() {
        return;
    }
    // Candidates first: walking every response of the API to see which
    // schemas it returns is done only when some schema leaves a required
    // attribute out of `required`.
    let mut candidates = Vec::new();
    for (_, file, node, entity, dict_file) in schemas {
        let parts = parts(index, &file, node);
        let required: HashSet<&str> = parts
            .iter()
            .flat_map(|(_, n)| n.get("required").map(Node::items).unwrap_or_default())
            .filter_map(Node::as_str)
            .collect();
        for (pf, part) in &parts {
            for e in part
                .get("properties")
                .map(Node::entries)
                .unwrap_or_default()
            {
                let Some(a) = entity.attribute(&e.key) else {
                    continue;
                };
                if required.contains(e.key.as_str()) || a.facts.clone().required != Some(true) {
                    continue;
                }
                candidates.push((
                    (file.clone(), node.span.start),
                    pf.clone(),
                    e,
                    entity,
                    a,
                    dict_file,
                ));
            }
        }
    }
    if candidates.is_empty() {
        return;
    }
    let used = response_schemas(index);
    for (schema, pf, e, entity, a, dict_file) in candidates {
        if !used.contains(&schema) {
            continue;
        }
        out.push(
            Diagnostic::new(
                RULE.code,
                &pf,
                e.key_span,
                format!(
                    "property `{}` is not in `required`, but the data dictionary says {}.{} is required ({}), and this schema is used in responses",
                    e.key, entity.name, a.name, dict_file
                ),
            )
            .with_data(&Kind::NotRequired),
        );
    }
}

/// A schema and its `allOf` parts (after `$ref`s), each once.
fn parts<'a>(index: &'a Index, file: &FileId, node: &'a Node) -> Vec<(FileId, &'a Node)> {
    let mut out: Vec<(FileId, &Node)> = vec![(file.clone(), node)];
    let mut i = 0;
    while i < out.len() && out.len() < 32 {
        let (f, n) = out[i].clone();
        for p in n.get("allOf").map(Node::items).unwrap_or_default() {
            let (pf, pn) = index.deref(&f, p);
            if !out.iter().any(|(of, on)| *of == pf && on.span == pn.span) {
                out.push((pf, pn));
            }
        }
        i += 1;
    }
    out
}

/// Schemas (file, offset) that responses of the workspace's operations
/// return, whole or nested (items, properties, compositions).
pub fn response_schemas(index: &Index) -> HashSet<(FileId, u32)> {
    let mut seen: HashSet<(FileId, u32)> = HashSet::new();
    let mut stack: Vec<(FileId, &Node, u32)> = Vec::new();
    for op in &index.operations {
        for (_, rf, rn) in index.op_responses(op) {
            if let Some(s) = rn.get("schema") {
                stack.push((rf.clone(), s, 0));
            }
            for m in rn.get("content").map(Node::entries).unwrap_or_default() {
                if let Some(s) = m.value.get("schema") {
                    stack.push((rf.clone(), s, 0));
                }
            }
        }
    }
    while let Some((f, n, depth)) = stack.pop() {
        let (f, n) = index.deref(&f, n);
        if depth > 12 || !seen.insert((f.clone(), n.span.start)) {
            continue;
        }
        for k in ["allOf", "oneOf", "anyOf"] {
            for p in n.get(k).map(Node::items).unwrap_or_default() {
                stack.push((f.clone(), p, depth + 1));
            }
        }
        for k in ["items", "additionalProperties"] {
            if let Some(p) = n.get(k).filter(|p| p.is_map()) {
                stack.push((f.clone(), p, depth + 1));
            }
        }
        for e in n.get("properties").map(Node::entries).unwrap_or_default() {
            stack.push((f.clone(), &e.value, depth + 1));
        }
    }
    seen
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(kind) = d.data::<Kind>() else {
        return Vec::new();
    };
    let file = &d.location.file;
    let mut set = EditSet::new(index);
    let title = match kind {
        Kind::Nullable | Kind::NotNull => {
            let pairs = column_pairs(index);
            let Some(p) = pairs.iter().find(|p| {
                p.column.def.name_span == d.location.span && sql_file(index, p.column.file) == file
            }) else {
                return Vec::new();
            };
            if p.column.not_null_at.is_some() {
                return Vec::new(); // an ALTER decides: not guessed where to write
            }
            let c = &p.column.def;
            let text = index.text(file);
            if matches!(kind, Kind::Nullable) {
                let upper = sql_upper(text);
                // After the type; an explicit `NULL` becomes `NOT NULL`.
                let null_at = explicit_null(text, c.ty_span.end, c.end);
                match null_at {
                    Some(at) => {
                        set.replace(file, Span::new(at, at), if upper { "NOT " } else { "not " })
                    }
                    None => set.replace(
                        file,
                        Span::new(c.ty_span.end, c.ty_span.end),
                        if upper { " NOT NULL" } else { " not null" },
                    ),
                }
                "Add NOT NULL to the column"
            } else {
                let Some(span) = c.not_null_span else {
                    return Vec::new();
                };
                // With the blank before it: `text NOT NULL,` → `text,`.
                let before = text[..span.start as usize].trim_end_matches([' ', '\t']);
                set.replace(file, Span::new(before.len() as u32, span.end), "");
                "Remove NOT NULL from the column"
            }
        }
        Kind::NotRequired => {
            let Some(root) = index.doc(file).and_then(|doc| doc.root.as_ref()) else {
                return Vec::new();
            };
            let Some(owner) = owner_map(root, d.location.span) else {
                return Vec::new();
            };
            let name = index.text(file)
                [d.location.span.start as usize..d.location.span.end as usize]
                .trim_matches(['"', '\''])
                .to_string();
            let Some(doc) = set.doc(file) else {
                return Vec::new();
            };
            match owner.get("required").filter(|r| r.is_seq()) {
                Some(req) => doc.insert_item(req, Val::Str(name), None),
                None => doc.insert_entry(
                    owner,
                    "required",
                    Val::Seq(vec![Val::Str(name)]),
                    Pos::Before(&["properties"]),
                ),
            }
            return set
                .into_fix("Add the property to `required`", Applicability::Safe)
                .into_iter()
                .collect();
        }
    };
    crate::edit::prefer_first(
        set.into_fix(title, Applicability::Unsafe)
            .into_iter()
            .collect(),
    )
}

/// The offset of a bare `NULL` constraint between `from` and `to`.
fn explicit_null(text: &str, from: u32, to: u32) -> Option<u32> {
    let s = text.get(from as usize..to as usize)?;
    let upper = s.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    let mut at = 0;
    while let Some(i) = upper[at..].find("NULL") {
        let i = at + i;
        let before = upper[..i].trim_end();
        let word = |b: Option<&u8>| b.is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_');
        if !word(i.checked_sub(1).and_then(|j| bytes.get(j)))
            && !word(bytes.get(i + 4))
            && !before.ends_with("NOT")
            && !before.ends_with("DEFAULT")
        {
            return Some(from + i as u32);
        }
        at = i + 4;
    }
    None
}

/// The schema map whose `properties` holds the key at `key`.
fn owner_map(root: &Node, key: Span) -> Option<&Node> {
    let chain = crate::edit::structured::ancestors(root, key);
    // …, schema map, properties map (holding the key's entry).
    let props_at = chain
        .iter()
        .rposition(|n| n.entries().iter().any(|e: &Entry| e.key_span == key))?;
    chain.get(props_at.checked_sub(1)?).copied()
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const DICT: &str = "## Patient\nTable: patients\n\n| Attribute | Type | Required | Notes |\n|---|---|---|---|\n| id | uuid | | Primary key |\n| email | text | yes | |\n| phone | text | no | |\n| nick | text | | optional |\n| kind | text | | required iff other |\n";

    #[test]
    fn columns_follow_the_dictionary_after_every_migration() {
        let a = "CREATE TABLE patients (\n  id uuid PRIMARY KEY,\n  email text,\n  phone text NOT NULL,\n  nick text NOT NULL DEFAULT '',\n  kind text\n);\n";
        let idx = index(&[("dictionary.md", DICT), ("db/001.sql", a)]);
        let f = findings(&idx, "required-mismatch");
        assert_eq!(f.lines().count(), 2, "{f}");
        assert!(
            f.contains("db/001.sql:3:3 warning[required-mismatch] `email`"),
            "{f}"
        );
        assert!(
            f.contains("db/001.sql:4:3 warning[required-mismatch] `phone`"),
            "{f}"
        );
        let b = "ALTER TABLE patients ALTER COLUMN email SET NOT NULL, ALTER COLUMN phone DROP NOT NULL;\n";
        let idx = index(&[
            ("dictionary.md", DICT),
            ("db/001.sql", a),
            ("db/002.sql", b),
        ]);
        assert_eq!(findings(&idx, "required-mismatch"), "");
    }

    #[test]
    fn response_schemas_list_required_attributes() {
        let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /patients/{id}:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Patient'}\ncomponents:\n  schemas:\n    Patient:\n      type: object\n      properties:\n        id: {type: string}\n        email: {type: string}\n        phone: {type: string}\n";
        let idx = index(&[("dictionary.md", DICT), ("openapi.yaml", api)]);
        let f = findings(&idx, "required-mismatch");
        assert_eq!(f.lines().count(), 2, "{f}");
        assert!(f.contains("openapi.yaml:17:9 "), "{f}");
        assert!(f.contains("openapi.yaml:18:9 "), "{f}");
        // Not used in a response: not checked.
        let api = api.replace(
            "schema: {$ref: '#/components/schemas/Patient'}",
            "schema: {type: object}",
        );
        let idx = index(&[("dictionary.md", DICT), ("openapi.yaml", &api)]);
        assert_eq!(findings(&idx, "required-mismatch"), "");
    }
}
