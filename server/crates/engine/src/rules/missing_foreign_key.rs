//! `missing-foreign-key`: the dictionary says an attribute refers to
//! another entity, and its column has no foreign key to that entity's
//! table.
//!
//! **What.** An attribute refers to another entity when its row says so:
//! `FK → Clinic.id`, `references Availability Slot`, `foreign key to
//! Clinic`, or a column of its own headed FK / References. When the
//! referenced entity has a table in the SQL, the column must have a foreign
//! key to that table: inline `REFERENCES`, a table constraint, or a later
//! `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`. A foreign key to another
//! table is reported too. References to entities with no table in the SQL
//! are not checked.
//!
//! **Why.** A relationship the dictionary designs but the schema does not
//! enforce leaves orphans behind the first delete; the database is the
//! one place that can keep it.
//!
//! **Example.** The dictionary says `patient_id | uuid | References
//! Patient`; the migration says `patient_id uuid NOT NULL`.
//!
//! **Fix.** Add `REFERENCES patients (id)` to the column (needs review:
//! existing rows must satisfy it).
//!
//! Range: the column name.

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::Index;
use crate::model::sql::schema::SchemaTable;
use crate::rules::shared::alignment::{
    column_pairs, entity_table, reference_entity, sql_file, sql_upper, ColumnPair,
};
use specgate_syntax::tree::Span;

pub const RULE: Rule = Rule {
    code: "missing-foreign-key",
    source: include_str!("missing_foreign_key.rs"),
    default_severity: Severity::Warning,
    summary: "A column the data dictionary marks as a reference has no foreign key to that entity's table",
    points_at: "the column name",
    check,
    fixes,
};

/// The pair's referenced table, when the dictionary names one the SQL has.
fn target<'a>(index: &'a Index, p: &ColumnPair) -> Option<&'a SchemaTable> {
    let raw = p.facts.references.as_deref()?;
    let (_, entity) = reference_entity(index, p.dict_file, raw)?;
    entity_table(index, entity)
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for p in column_pairs(index) {
        let Some(to) = target(index, &p) else {
            continue;
        };
        let c = &p.column.def;
        if to.name == p.table.name && p.table.in_primary_key(&c.name) {
            continue;
        }
        let message = match p.table.reference(&c.name) {
            None => format!(
                "column `{}.{}` has no foreign key, but the data dictionary says {}.{} references `{}` ({}): add REFERENCES {}",
                p.table.name,
                c.name,
                p.entity.name,
                p.attribute.name,
                p.facts.references.as_deref().unwrap_or_default(),
                p.dict_file,
                to.name
            ),
            Some(r) if r.table != to.name => format!(
                "column `{}.{}` references `{}`, but the data dictionary says {}.{} references `{}` (table `{}`, {})",
                p.table.name,
                c.name,
                r.table,
                p.entity.name,
                p.attribute.name,
                p.facts.references.as_deref().unwrap_or_default(),
                to.name,
                p.dict_file
            ),
            Some(_) => continue,
        };
        out.push(Diagnostic::new(
            RULE.code,
            sql_file(index, p.column.file),
            c.name_span,
            message,
        ));
    }
}

fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let pairs = column_pairs(index);
    let Some(p) = pairs.iter().find(|p| {
        p.column.def.name_span == d.location.span
            && *sql_file(index, p.column.file) == d.location.file
    }) else {
        return Vec::new();
    };
    if p.table.reference(&p.column.def.name).is_some() {
        return Vec::new(); // to another table: which one is right is a decision
    }
    let Some(to) = target(index, p) else {
        return Vec::new();
    };
    let key = to
        .primary_key()
        .into_iter()
        .next()
        .unwrap_or_else(|| "id".into());
    let text = index.text(&d.location.file);
    let kw = if sql_upper(text) {
        "REFERENCES"
    } else {
        "references"
    };
    let mut set = EditSet::new(index);
    let at = p.column.def.end;
    set.replace(
        &d.location.file,
        Span::new(at, at),
        format!(" {kw} {} ({key})", to.name),
    );
    crate::edit::prefer_first(
        set.into_fix(
            format!("Add REFERENCES {} ({key})", to.name),
            Applicability::Unsafe,
        )
        .into_iter()
        .collect(),
    )
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    const DICT: &str = "## Patient\n\n| Attribute | Type | Description |\n|---|---|---|\n| id | uuid | Primary key |\n\n## Availability Slot\n\n| Attribute | Type | Description |\n|---|---|---|\n| id | uuid | Primary key |\n\n## Appointment\n\n| Attribute | Type | Description |\n|---|---|---|\n| id | uuid | Primary key |\n| patient_id | uuid | References Patient |\n| slot_id | uuid | FK → Availability Slot.id |\n| clinic_id | uuid | References Clinic |\n";

    #[test]
    fn references_the_dictionary_designs_are_enforced() {
        let sql = "CREATE TABLE patients (id uuid PRIMARY KEY);\nCREATE TABLE availability_slots (id uuid PRIMARY KEY);\nCREATE TABLE appointments (\n  id uuid PRIMARY KEY,\n  patient_id uuid NOT NULL,\n  slot_id uuid REFERENCES patients (id),\n  clinic_id uuid\n);\n";
        let idx = index(&[("dictionary.md", DICT), ("db/001.sql", sql)]);
        let f = findings(&idx, "missing-foreign-key");
        assert_eq!(f.lines().count(), 2, "{f}");
        assert!(
            f.contains("db/001.sql:5:3 warning[missing-foreign-key] `patient_id`"),
            "{f}"
        );
        assert!(f.contains("db/001.sql:6:3 "), "{f}");
        assert!(f.contains("references `patients`"), "{f}");
        let later = "ALTER TABLE appointments ADD CONSTRAINT a_p FOREIGN KEY (patient_id) REFERENCES patients (id);\nALTER TABLE appointments DROP CONSTRAINT x, ADD FOREIGN KEY (slot_id) REFERENCES availability_slots;\n";
        let sql = sql.replace("REFERENCES patients (id)", "");
        let idx = index(&[
            ("dictionary.md", DICT),
            ("db/001.sql", &sql),
            ("db/002.sql", later),
        ]);
        assert_eq!(findings(&idx, "missing-foreign-key"), "");
    }

    #[test]
    fn yaml_and_csv_dictionaries_say_it_in_keys_and_columns() {
        let yaml = "entities:\n  Patient:\n    table: patients\n    attributes:\n      id: {type: uuid, primary_key: true}\n  Visit:\n    attributes:\n      id: {type: uuid}\n      patient_id: {type: uuid, required: true, references: Patient}\n";
        let sql = "CREATE TABLE patients (id uuid PRIMARY KEY);\nCREATE TABLE visits (id uuid PRIMARY KEY, patient_id uuid);\n";
        let idx = index(&[("data-dictionary.yaml", yaml), ("db/001.sql", sql)]);
        let f = findings(&idx, "missing-foreign-key");
        assert!(f.contains("db/001.sql:2:43 "), "{f}");
        // `required: true` is read too.
        let f = findings(&idx, "required-mismatch");
        assert!(f.contains("db/001.sql:2:43 "), "{f}");
        let csv = "entity,attribute,type,required,fk\nPatient,id,uuid,yes,\nVisit,id,uuid,yes,\nVisit,patient_id,uuid,yes,patients(id)\n";
        let idx = index(&[("data-dictionary.csv", csv), ("db/001.sql", sql)]);
        let f = findings(&idx, "missing-foreign-key");
        assert!(f.contains("db/001.sql:2:43 "), "{f}");
        let f = findings(&idx, "required-mismatch");
        assert!(f.contains("db/001.sql:2:43 "), "{f}");
    }
}
