//! `property-not-in-dictionary`: a property of an entity's schema that the
//! entity does not list.
//!
//! **What.** An OpenAPI schema stands for a dictionary entity when it is
//! named like it (`components/schemas/Patient`, `AvailabilitySlot`) or marked
//! `x-entity: Patient`. Each of its properties (including `allOf` parts) must
//! be an attribute of that entity; `fullName` matches `full_name`. Schemas
//! that match no entity (`PatientRegistration`) are not checked.
//!
//! **Why.** The API exposes the data model; a property outside the
//! dictionary is a field nobody defined.
//!
//! **Example.** `Patient: {properties: {favouriteColor: …}}`.
//!
//! **Fix.** Add the attribute to the dictionary, or rename the property.
//!
//! Range: the property key.

use super::Rule;
use crate::diag::{Diagnostic, FileId, Severity};
use crate::index::Index;
use crate::model::dictionary::Entity;
use crate::tree::{Entry, Node};
use serde_json::json;

pub const RULE: Rule = Rule {
    code: "property-not-in-dictionary",
    default_severity: Severity::Warning,
    summary:
        "A property of a schema that stands for a dictionary entity is not one of its attributes",
    check,
    fixes: super::no_fixes,
};

/// Schemas standing for entities: (schema name, file, schema node, entity, dictionary file).
pub fn entity_schemas(index: &Index) -> Vec<(String, FileId, &Node, &Entity, &FileId)> {
    let mut out = Vec::new();
    for api in &index.apis {
        let Some(root) = index.doc(&api.root).and_then(|d| d.root.as_ref()) else {
            continue;
        };
        let schemas = root
            .get("components")
            .and_then(|c| c.get("schemas"))
            .or_else(|| root.get("definitions"));
        for e in schemas.map(Node::entries).unwrap_or_default() {
            let (f, n) = index.deref(&api.root, &e.value);
            let marked = n.get("x-entity").and_then(Node::as_str);
            let found = match marked {
                Some(m) => index.entity_named(m),
                None => index.entity_named(&e.key),
            };
            if let Some((df, ent)) = found {
                out.push((e.key.clone(), f, n, ent, df));
            }
        }
    }
    out
}

fn properties<'a>(
    index: &'a Index,
    file: &FileId,
    s: &'a Node,
    out: &mut Vec<(FileId, &'a Entry)>,
    depth: u32,
) {
    if depth > 16 {
        return;
    }
    for e in s.get("properties").map(Node::entries).unwrap_or_default() {
        out.push((file.clone(), e));
    }
    for part in s.get("allOf").map(Node::items).unwrap_or_default() {
        let (f, n) = index.deref(file, part);
        properties(index, &f, n, out, depth + 1);
    }
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for (schema, file, node, entity, dict_file) in entity_schemas(index) {
        let mut props = Vec::new();
        properties(index, &file, node, &mut props, 0);
        for (pf, p) in props {
            if entity.attribute(&p.key).is_some() {
                continue;
            }
            out.push(
                Diagnostic::new(
                    RULE.code,
                    &pf,
                    p.key_span,
                    format!(
                        "property `{}` of schema {schema} is not an attribute of entity {} in {dict_file}: add it to the dictionary or rename the property",
                        p.key, entity.name
                    ),
                )
                .with_data(json!({ "entity": entity.name, "dictionary": &**dict_file, "property": p.key, "schema": schema })),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const DICT: &str =
        "## Patient\n\n| Attribute | Type |\n|---|---|\n| id | uuid |\n| full_name | text |\n";

    #[test]
    fn entity_schema_properties_are_checked_others_not() {
        let api = "openapi: 3.0.3\npaths: {}\ncomponents:\n  schemas:\n    Patient:\n      type: object\n      properties:\n        id: {type: string}\n        fullName: {type: string}\n        favouriteColor: {type: string}\n    PatientRegistration:\n      properties:\n        password: {type: string}\n    Person:\n      x-entity: Patient\n      properties:\n        age: {type: integer}\n";
        let idx = index(&[("dictionary.md", DICT), ("openapi.yaml", api)]);
        let f = findings(&idx, "property-not-in-dictionary");
        assert_eq!(f.lines().count(), 2, "{f}");
        assert!(
            f.contains("openapi.yaml:10:9 warning[property-not-in-dictionary] `favouriteColor`"),
            "{f}"
        );
        assert!(
            f.contains("openapi.yaml:17:9 warning[property-not-in-dictionary] `age`"),
            "{f}"
        );
    }
}
