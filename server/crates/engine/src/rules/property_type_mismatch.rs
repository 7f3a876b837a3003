//! `property-type-mismatch`: a property of an entity's schema whose type,
//! format, length or values contradict the data dictionary.
//!
//! **What.** For each schema that stands for a dictionary entity (named
//! like it or marked `x-entity`, wherever the API keeps it; see
//! `property-not-in-dictionary`), each property the entity lists is held
//! to the attribute's type: `uuid` ↔ `type: string` (and `format: uuid`
//! when a format is given), `timestamp` ↔ `format: date-time` (or an
//! integer epoch), `date` ↔ `format: date`, `string(200)` ↔ `maxLength` at
//! most 200, integers ↔ `type: integer` (`int32` cannot hold a `bigint`),
//! `enum(a, b)` ↔ the same `enum` values. Only contradictions count: a
//! `string` without a format is less precise, not wrong. A property whose
//! schema comes from elsewhere (`$ref` to an object, `allOf`) and an
//! attribute whose type is not understood are not checked.
//!
//! **Why.** The API exposes the data model: an `id` typed `integer` in the
//! API and `uuid` in the dictionary breaks every client generated from the
//! contract the day the implementation follows the dictionary.
//!
//! **Example.** `Patient.email` is `string(120)` in the dictionary and
//! `{type: string, maxLength: 500}` in the API.
//!
//! **Fix.** Write the dictionary's type into the property (`type`,
//! `format`, `maxLength` or `enum`: only the key at fault; safe), or the
//! property's type into the dictionary (needs review).
//!
//! Range: the value at fault (`integer` of `type: integer`), or the
//! property key when its schema is a `$ref`.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, FileId, Fix, Severity};
use crate::edit::{EditSet, Pos, Val};
use crate::index::Index;
use crate::model::datatype::{schema_mismatch, DataType};
use crate::model::dictionary::{Attribute, Entity};
use crate::rules::property_not_in_dictionary::{entity_schemas, properties};
use crate::rules::shared::alignment::{
    attribute_type_span, dictionary_spelling, replace_aligned, schema_facts, schema_spelling,
};
use specgate_syntax::tree::{Entry, Node};

pub const RULE: Rule = Rule {
    code: "property-type-mismatch",
    source: include_str!("property_type_mismatch.rs"),
    default_severity: Severity::Warning,
    summary: "A property of an entity's schema contradicts the type the data dictionary gives it",
    points_at: "the schema value at fault (`type`, `format`, `maxLength`, `enum`)",
    check,
    fixes,
};

/// One checked property: where, and what is wrong.
struct Found<'a> {
    file: FileId,
    entry: &'a Entry,
    /// The property's schema (after `$ref`s) and whether that is the
    /// property's own value (so it can be edited in place).
    node: &'a Node,
    own: bool,
    entity: &'a Entity,
    attribute: &'a Attribute,
    dict_file: &'a FileId,
    dict: DataType,
    key: &'static str,
    why: String,
}

fn found(index: &Index) -> Vec<Found<'_>> {
    let mut out = Vec::new();
    if index.dictionaries.is_empty() {
        return out;
    }
    for (_, file, node, entity, dict_file) in entity_schemas(index) {
        let mut props = Vec::new();
        properties(index, &file, node, &mut props, 0);
        for (pf, e) in props {
            let Some(attribute) = entity.attribute(&e.key) else {
                continue;
            };
            let Some(dict) = attribute.facts.clone().ty else {
                continue;
            };
            let (_, target) = index.deref(&pf, &e.value);
            let own = std::ptr::eq(target, &e.value);
            let object = target.get("type").and_then(Node::as_str) == Some("object")
                || target.get("properties").is_some();
            if !own && object {
                continue; // an embedded entity, not the attribute's value
            }
            let Some(facts) = schema_facts(target) else {
                continue;
            };
            if let Some((key, why)) = schema_mismatch(&dict, &facts) {
                out.push(Found {
                    file: pf,
                    entry: e,
                    node: target,
                    own,
                    entity,
                    attribute,
                    dict_file,
                    dict,
                    key,
                    why,
                });
            }
        }
    }
    out
}

fn location(f: &Found) -> specgate_syntax::tree::Span {
    match (f.own, f.node.entry(f.key)) {
        (true, Some(k)) if f.key == "enum" => k.key_span,
        (true, Some(k)) => k.value.span,
        _ => f.entry.key_span,
    }
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for f in found(index) {
        out.push(Diagnostic::new(
            RULE.code,
            &f.file,
            location(&f),
            format!(
                "property `{}` contradicts the data dictionary, where {}.{} is `{}` ({}): {}",
                f.entry.key,
                f.entity.name,
                f.attribute.name,
                f.attribute.ty.as_deref().unwrap_or_default(),
                f.dict_file,
                f.why
            ),
        ));
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let all = found(index);
    let Some(f) = all
        .iter()
        .find(|f| f.file == d.location.file && location(f) == d.location.span)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if f.own {
        let want = schema_spelling(&f.dict);
        let mut set = EditSet::new(index);
        let mut what = Vec::new();
        if let Some(doc) = set.doc(&f.file) {
            let mut put = |key: &str, val: Val, shown: String| {
                match f.node.entry(key) {
                    Some(e) => doc.replace_value(e, val),
                    None => doc.insert_entry(f.node, key, val, Pos::After(&["type"])),
                }
                what.push(shown);
            };
            match (f.key, &f.dict) {
                ("enum", DataType::Enum(Some(values))) => put(
                    "enum",
                    Val::Seq(values.iter().map(|v| Val::Str(v.clone())).collect()),
                    "`enum`".into(),
                ),
                (key, _) => {
                    for (k, v) in &want {
                        // The key at fault, and the format that goes with a new type.
                        let with = *k == key
                            || (key == "type" && *k == "format")
                            || (key == "format" && *k == "type" && f.node.get("type").is_none());
                        if with {
                            let val = if *k == "maxLength" {
                                Val::Lit(v.clone())
                            } else {
                                Val::Str(v.clone())
                            };
                            put(k, val, format!("`{k}: {v}`"));
                        }
                    }
                }
            }
        }
        if !what.is_empty() {
            out.extend(set.into_fix(
                format!(
                    "Write the dictionary's {} ({})",
                    f.dict.describe(),
                    what.join(", ")
                ),
                Applicability::Safe,
            ));
        }
    }
    if let Some(span) = attribute_type_span(index, f.dict_file, f.attribute) {
        let max = f
            .node
            .get("maxLength")
            .and_then(Node::as_str)
            .and_then(|m| m.parse().ok());
        let ty = dictionary_spelling(
            f.attribute.ty.as_deref(),
            max,
            crate::rules::shared::dictionary::type_from_schema(index, f.node),
        );
        let mut set = EditSet::new(index);
        let (span, new_text) = replace_aligned(index.text(f.dict_file), span, &ty);
        set.replace(f.dict_file, span, new_text);
        out.extend(set.into_fix(
            format!(
                "Change the dictionary's type of {}.{} to `{ty}`",
                f.entity.name, f.attribute.name
            ),
            Applicability::Unsafe,
        ));
    }
    crate::edit::prefer_first(out)
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const DICT: &str = "## Patient\n\n| Attribute | Type |\n|---|---|\n| id | uuid |\n| email | string(120) |\n| born | date |\n| seen_at | timestamp |\n| status | enum(active, gone) |\n| visits | bigint |\n| kind | EventType |\n";

    #[test]
    fn contradictions_are_reported_less_precise_schemas_are_not() {
        let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Patient:\n      type: object\n      properties:\n        id: {type: integer}\n        email: {type: string, maxLength: 500}\n        born: {type: string, format: date-time}\n        seen_at: {type: integer}\n        status: {type: string, enum: [active, left]}\n        visits: {type: integer, format: int32}\n        kind: {type: integer}\n";
        let idx = index(&[("dictionary.md", DICT), ("openapi.yaml", api)]);
        let f = findings(&idx, "property-type-mismatch");
        assert_eq!(f.lines().count(), 5, "{f}");
        assert!(f.contains("openapi.yaml:9:20 "), "{f}");
        assert!(f.contains("openapi.yaml:10:42 "), "{f}");
        assert!(f.contains("openapi.yaml:11:38 "), "{f}");
        assert!(f.contains("openapi.yaml:13:32 "), "{f}");
        assert!(f.contains("openapi.yaml:14:41 "), "{f}");
        let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Patient:\n      type: object\n      properties:\n        id: {type: string}\n        email: {type: string, maxLength: 120}\n        born: {type: string, format: date}\n        seen_at: {type: string, format: date-time}\n        status: {type: string, enum: [gone, active]}\n        visits: {type: integer, format: int64}\n";
        let idx = index(&[("dictionary.md", DICT), ("openapi.yaml", api)]);
        assert_eq!(findings(&idx, "property-type-mismatch"), "");
    }
}
