//! `property-not-in-dictionary`: a property of an entity's schema that the
//! entity does not list.
//!
//! **What.** An OpenAPI schema stands for a dictionary entity when it is
//! named like it (`components/schemas/Patient`, `AvailabilitySlot`) or marked
//! `x-entity: Patient`, wherever the API keeps it: the `components/schemas`
//! map of any file the API reaches (a shared `components.yaml` too), or a
//! schema file of its own named by its stem (`schemas/Patient.yaml`). Each of its properties (including `allOf` parts) must
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
use crate::diag::{Applicability, Diagnostic, FileId, Fix, Severity};
use crate::edit::structured::{ancestors, key_span};
use crate::edit::EditSet;
use crate::index::Index;
use crate::model::dictionary::{normalize_name, snake_case, Entity};
use crate::rules::shared::dictionary::NameData;
use crate::rules::shared::similarity::near_names;
use specgate_syntax::tree::{Entry, Node, Span};

pub const RULE: Rule = Rule {
    code: "property-not-in-dictionary",
    source: include_str!("property_not_in_dictionary.rs"),
    default_severity: Severity::Warning,
    summary:
        "A property of a schema that stands for a dictionary entity is not one of its attributes",
    points_at: "the property key",
    check,
    fixes,
};

/// Schemas standing for entities: (schema name, file, schema node, entity, dictionary file).
///
/// Wherever the API keeps them: a `components/schemas` (or Swagger 2.0
/// `definitions`) map in any of its files (the root's, a shared
/// `components.yaml`), and schema files of their own (`schemas/Patient.yaml`,
/// named by their stem). Each schema once, where its text is written.
pub fn entity_schemas(index: &Index) -> Vec<(String, FileId, &Node, &Entity, &FileId)> {
    let mut out = Vec::new();
    let mut seen: std::collections::HashSet<(FileId, u32)> = Default::default();
    for api in &index.apis {
        // The root first: a name it gives a `$ref`'d schema wins over the
        // file's stem.
        let files = std::iter::once(&api.root).chain(api.files.iter().filter(|f| **f != api.root));
        for file in files {
            let Some(root) = index.doc(file).and_then(|d| d.root.as_ref()) else {
                continue;
            };
            let mut found: Vec<(&str, FileId, &Node)> = Vec::new();
            for map in crate::model::openapi::schema_maps(root) {
                for e in map.entries() {
                    let (f, n) = index.deref(file, &e.value);
                    found.push((&e.key, f, n));
                }
            }
            if file != &api.root && is_schema_file(root) {
                if let Some(stem) = file_stem(file) {
                    found.push((stem, file.clone(), root));
                }
            }
            for (name, f, n) in found {
                if !seen.insert((f.clone(), n.span.start)) {
                    continue;
                }
                let marked = n.get("x-entity").and_then(Node::as_str);
                let entity = match marked {
                    Some(m) => index.entity_named_from(m, &f),
                    None => index.entity_named_from(name, &f),
                };
                // An entity whose attributes the reader found none of (a
                // heading over a code block) cannot be checked: not guessed.
                if let Some((df, ent)) = entity.filter(|(_, e)| !e.attributes.is_empty()) {
                    out.push((name.to_string(), f, n, ent, df));
                }
            }
        }
    }
    out
}

/// A document whose root is a schema of an object (a file of its own).
fn is_schema_file(root: &Node) -> bool {
    root.get("properties").is_some_and(Node::is_map)
        || root.get("allOf").is_some()
        || root.get("type").and_then(Node::as_str) == Some("object")
}

/// `api/schemas/Patient.yaml` → `Patient`.
fn file_stem(file: &str) -> Option<&str> {
    let name = file.rsplit('/').next()?;
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    (!stem.is_empty()).then_some(stem)
}

/// Properties of a schema, including those of its `allOf` parts (also
/// used by the IDE features).
pub fn properties<'a>(
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
                .with_data(&NameData {
                    entity: entity.name.clone(),
                    dictionary: dict_file.to_string(),
                    name: p.key.clone(),
                    sql_type: None,
                }),
            );
        }
    }
}

/// `name` written like the schema's other properties (camelCase when they are).
fn in_schema_style(props: &[&str], name: &str) -> String {
    let camel = props
        .iter()
        .any(|p| p.chars().any(|c| c.is_ascii_uppercase()) && !p.contains('_'));
    if !camel {
        return name.to_string();
    }
    let mut out = String::new();
    let mut up = false;
    for c in name.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.push(c.to_ascii_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// "Add `nickname` to the Patient entity" (type from the property's schema,
/// in the dictionary's vocabulary), and "Rename property to `fullName`" for
/// a close attribute (also renamed in the schema's `required` list). Same
/// safety as for columns: only a one-letter slip of a longer name is safe.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let Some(data) = d.data::<NameData>() else {
        return Vec::new();
    };
    let Some((dict_file, entity)) = data.entity(index) else {
        return Vec::new();
    };
    let prop = data.name.as_str();
    let file = &d.location.file;
    let Some(root) = index.doc(file).and_then(|doc| doc.root.as_ref()) else {
        return Vec::new();
    };
    // The `properties` map holding the key, and the schema holding that.
    let anc = ancestors(
        root,
        Span::new(d.location.span.start, d.location.span.start),
    );
    let Some(pos) = anc
        .iter()
        .rposition(|n| n.entries().iter().any(|e| e.key_span == d.location.span))
    else {
        return Vec::new();
    };
    let props = anc[pos];
    let Some(entry) = props
        .entries()
        .iter()
        .find(|e| e.key_span == d.location.span)
    else {
        return Vec::new();
    };
    let schema = pos.checked_sub(1).map(|i| anc[i]);
    let mut out = Vec::new();
    // Add to the dictionary, named like its other attributes.
    let snake = entity.attributes.iter().any(|a| a.name.contains('_'))
        || entity
            .attributes
            .iter()
            .all(|a| !a.name.chars().any(|c| c.is_ascii_uppercase()));
    let dict_name = if snake {
        snake_case(prop)
    } else {
        prop.to_string()
    };
    let (sf, sn) = index.deref(file, &entry.value);
    let _ = sf;
    let ty = crate::rules::shared::dictionary::type_from_schema(index, sn);
    let mut add = EditSet::new(index);
    let add_fix = crate::rules::shared::dictionary::add_attribute(
        &mut add, dict_file, entity, &dict_name, &ty,
    )
    .then(|| {
        add.into_fix(
            format!("Add `{dict_name}` to the {} entity", entity.name),
            Applicability::Unsafe,
        )
    })
    .flatten();
    // Renames to close attributes no other property already is.
    let keys: Vec<&str> = props.entries().iter().map(|e| e.key.as_str()).collect();
    let taken: Vec<String> = keys.iter().map(|k| normalize_name(k)).collect();
    let free: Vec<String> = entity
        .attributes
        .iter()
        .map(|a| normalize_name(&a.name))
        .filter(|a| !taken.contains(a))
        .collect();
    let near = near_names(&snake_case(prop), free.iter().map(String::as_str));
    for (i, (name, dist)) in near.iter().enumerate() {
        let new = in_schema_style(&keys, name);
        let mut set = EditSet::new(index);
        let Some(doc) = set.doc(file) else { break };
        let ks = key_span(doc.text, entry);
        let written = doc.slice(ks);
        let quoted = |w: &str| match w.chars().next() {
            Some(q @ ('"' | '\'')) => format!("{q}{new}{q}"),
            _ => new.clone(),
        };
        doc.replace(ks, quoted(written));
        if let Some(req) = schema.and_then(|s| s.get("required")) {
            for it in req.items() {
                if it.as_str() == Some(prop) {
                    let w = doc.slice(it.span);
                    doc.replace(it.span, quoted(w));
                }
            }
        }
        let safe = i == 0 && near.len() == 1 && *dist == 1 && prop.len() >= 6;
        let app = if safe {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        if let Some(mut f) = set.into_fix(format!("Rename property to `{new}`"), app) {
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
