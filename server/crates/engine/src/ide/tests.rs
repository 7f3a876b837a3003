//! Fixture tests of every IDE feature, in the manner of rust-analyzer's: a
//! workspace written inline (`//- path` starts a file), a `$0` cursor (or a
//! `$0…$0` selection), and the expected answer next to it, rendered as text
//! with `file:line:col` positions (1-based, columns in characters).
//!
//! Update the expectations with `UPDATE_EXPECT=1 cargo test -p specgate-engine ide::`
//! and read the diff: it is the behaviour change.

use super::Analysis;
use crate::diag::{Diagnostic, Location, TextEdit};
use crate::index::Index;
use crate::workspace::Workspace;
use expect_test::{expect, Expect};
use specgate_syntax::text::Encoding;
use specgate_syntax::tree::Span;

/// A workspace from a fixture, and where its cursor is.
struct Fixture {
    index: Index,
    diags: Vec<Diagnostic>,
    /// The file holding `$0`, and the cursor (or selection) in it.
    file: String,
    span: Span,
}

impl Fixture {
    fn new(fixture: &str) -> Fixture {
        let mut files: Vec<(String, String)> = Vec::new();
        for line in fixture.trim_start_matches('\n').split_inclusive('\n') {
            if let Some(path) = line.strip_prefix("//- ") {
                files.push((path.trim().to_string(), String::new()));
            } else {
                let (_, text) = files.last_mut().expect("a fixture starts with `//- path`");
                text.push_str(line);
            }
        }
        let mut cursor = None;
        for (path, text) in &mut files {
            let marks: Vec<usize> = text.match_indices("$0").map(|(i, _)| i).collect();
            match marks.as_slice() {
                [] => continue,
                [at] => cursor = Some((path.clone(), Span::new(*at as u32, *at as u32))),
                [a, b] => cursor = Some((path.clone(), Span::new(*a as u32, *b as u32 - 2))),
                _ => panic!("more than two `$0` in {path}"),
            }
            *text = text.replace("$0", "");
        }
        let ws = Workspace::from_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str())));
        let index = Index::build(ws, None);
        let diags = Analysis::check(&index);
        let (file, span) = cursor.unwrap_or_default();
        Fixture {
            index,
            diags,
            file,
            span,
        }
    }

    fn analysis(&self) -> Analysis<'_> {
        Analysis::new(&self.index, &self.diags)
    }

    fn offset(&self) -> u32 {
        self.span.start
    }

    /// `file:line:col`, 1-based.
    fn pos(&self, file: &str, offset: u32) -> String {
        let src = self.index.source(file).expect("a file of the fixture");
        let lc = src.line_index.line_col(&src.text, offset, Encoding::Utf32);
        format!("{file}:{}:{}", lc.line + 1, lc.col + 1)
    }

    /// `file:line:col` and the text of the span (its first line, shortened).
    fn at(&self, file: &str, span: Span) -> String {
        let text = self.index.text(file);
        let s = text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("<bad span>");
        let first = s.lines().next().unwrap_or("");
        let shown: String = first.chars().take(48).collect();
        let more = if shown.len() < s.len() { "…" } else { "" };
        format!("{} `{shown}{more}`", self.pos(file, span.start))
    }

    fn loc(&self, l: &Location) -> String {
        self.at(&l.file, l.span)
    }

    fn edits(&self, edits: &[TextEdit]) -> String {
        let mut out = String::new();
        for e in edits {
            out.push_str(&format!(
                "{} → {:?}\n",
                self.at(&e.file, e.span),
                e.new_text
            ));
        }
        out
    }

    /// The text of `file` after `edits` (those of other files left out).
    fn applied(&self, file: &str, edits: &[TextEdit]) -> String {
        let mut text = self.index.text(file).to_string();
        let mut mine: Vec<&TextEdit> = edits.iter().filter(|e| &*e.file == file).collect();
        mine.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        for e in mine {
            text.replace_range(e.span.start as usize..e.span.end as usize, &e.new_text);
        }
        text
    }
}

const WORKSPACE: &str = r##"
//- docs/prd.md
# Clinic PRD

## Functional requirements

| ID     | Requirement                              | Priority | Release |
|--------|------------------------------------------|----------|---------|
| FR-001 | Patients can view their profile          | P0       | MVP     |
| FR-002 | Patients can list their appointments     | P0       | MVP     |
| FR-003 | Clinicians can export a day's schedule   | P1       |         |
//- docs/data-dictionary.md
# Data Dictionary

## Patient

Table: patients

| Attribute   | Type | Description       |
|-------------|------|-------------------|
| `id`        | uuid | Primary key       |
| `full_name` | text | As on the card    |
| `email`     | text | Login; unique     |
//- db/001_init.sql
CREATE TABLE patients (
  id uuid PRIMARY KEY,
  full_name text NOT NULL,
  email text
);
//- api/openapi.yaml
openapi: 3.0.3
info: {title: Clinic, version: "1"}
paths:
  /patients/{id}:
    get:
      operationId: getPatient
      x-fr-ids: [FR-001]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200":
          description: The patient
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Patient"}
        "400": {description: Bad request}
        "404": {description: Not found}
components:
  schemas:
    Patient:
      type: object
      properties:
        id: {type: string, format: uuid}
        full_name: {type: string}
        email: {type: string}
"##;

/// The shared workspace with `$0` put at the first occurrence of `needle`
/// in `file` (after its first `skip` characters).
fn cursor_in(file: &str, needle: &str, skip: usize) -> String {
    cursor_in_workspace(WORKSPACE, file, needle, skip)
}

/// [`cursor_in`] for another workspace text.
fn cursor_in_workspace(ws: &str, file: &str, needle: &str, skip: usize) -> String {
    let head = format!("//- {file}\n");
    let start = ws.find(&head).expect("a file of the workspace") + head.len();
    let at = start + ws[start..].find(needle).expect("needle in file") + skip;
    format!("{}$0{}", &ws[..at], &ws[at..])
}

fn check_hover(fixture: &str, expect: Expect) {
    let f = Fixture::new(fixture);
    let got = match f.analysis().hover(&f.file, f.offset()) {
        Some(h) => format!("{}\n---\n{}\n", f.at(&f.file, h.span), h.markdown),
        None => "no hover\n".into(),
    };
    expect.assert_eq(&got);
}

fn check_locations(fixture: &str, kind: &str, expect: Expect) {
    let f = Fixture::new(fixture);
    let a = f.analysis();
    let locs = match kind {
        "definition" => a.definition(&f.file, f.offset()),
        "references" => a.references(&f.file, f.offset(), true),
        "references-no-decl" => a.references(&f.file, f.offset(), false),
        _ => unreachable!(),
    };
    let got: String = locs.iter().map(|l| f.loc(l) + "\n").collect();
    expect.assert_eq(if got.is_empty() { "none\n" } else { &got });
}

fn check_completion(fixture: &str, expect: Expect) {
    let f = Fixture::new(fixture);
    let mut got = String::new();
    for c in f.analysis().completion(&f.file, f.offset()) {
        got.push_str(&format!(
            "{:?} {} → {:?} replacing {}{}\n",
            c.kind,
            c.label,
            c.insert,
            f.at(&f.file, c.replace),
            c.detail.map(|d| format!(" ({d})")).unwrap_or_default()
        ));
    }
    expect.assert_eq(if got.is_empty() { "none\n" } else { &got });
}

fn check_rename(fixture: &str, new_name: &str, expect: Expect) {
    let f = Fixture::new(fixture);
    let a = f.analysis();
    let mut got = match a.prepare_rename(&f.file, f.offset()) {
        Some((span, id)) => format!("prepare: {} ({id})\n", f.at(&f.file, span)),
        None => "prepare: nothing to rename\n".into(),
    };
    match a.rename(&f.file, f.offset(), new_name) {
        Ok(edits) => got.push_str(&f.edits(&edits)),
        Err(e) => got.push_str(&format!("error: {e}\n")),
    }
    expect.assert_eq(&got);
}

#[test]
fn hover_on_a_trace_shows_the_requirement_and_who_traces_it() {
    check_hover(
        &cursor_in("api/openapi.yaml", "FR-001", 3),
        expect![[r#"
            api/openapi.yaml:7:18 `FR-001`
            ---
            **FR-001** — Patients can view their profile

            Actor: Patients

            Priority: P0 · Release: MVP

            Defined in `docs/prd.md:7`

            Traced by 1 operation:
            - `GET /patients/{id} (getPatient)`

        "#]],
    );
}

#[test]
fn hover_on_a_requirement_definition() {
    check_hover(
        &cursor_in("docs/prd.md", "FR-003", 0),
        expect![[r#"
            docs/prd.md:9:3 `FR-003`
            ---
            **FR-003** — Clinicians can export a day's schedule

            Actor: Clinicians

            Priority: P1 · Release: —

            Defined in `docs/prd.md:9`

            Traced by no operation.

        "#]],
    );
}

#[test]
fn hover_on_a_method_key_shows_the_operation_and_its_auth() {
    check_hover(
        &cursor_in("api/openapi.yaml", "get:", 1),
        expect![[r##"
            api/openapi.yaml:5:5 `get`
            ---
            **GET /patients/{id} (getPatient)**

            Traces: FR-001

            Auth: not designed
        "##]],
    );
}

#[test]
fn hover_on_a_ref_shows_its_target() {
    check_hover(
        &cursor_in("api/openapi.yaml", "#/components/schemas/Patient", 5),
        expect![[r##"
            api/openapi.yaml:15:30 `"#/components/schemas/Patient"`
            ---
            `api/openapi.yaml#/components/schemas/Patient`

            Type: `object`

            Properties: `id`, `full_name`, `email`
        "##]],
    );
}

#[test]
fn hover_on_a_column_and_on_a_schema_property_shows_the_attribute() {
    check_hover(
        &cursor_in("db/001_init.sql", "full_name", 2),
        expect![[r#"
            db/001_init.sql:3:3 `full_name`
            ---
            **Patient.full_name** `text`

            As on the card

            ```
            | `full_name` | text | As on the card    |
            ```

            Data dictionary: `docs/data-dictionary.md:10`

            | | Dictionary | SQL | API |
            |---|---|---|---|
            | Type | `text` | `text` | `Patient.full_name`: string |
            | Required | — | NOT NULL | optional |
            | Key | — | — | |

        "#]],
    );
    check_hover(
        &cursor_in("api/openapi.yaml", "email: {type", 1),
        expect![[r#"
            api/openapi.yaml:25:9 `email`
            ---
            **Patient.email** `text`

            Login; unique

            ```
            | `email`     | text | Login; unique     |
            ```

            Data dictionary: `docs/data-dictionary.md:11`

            | | Dictionary | SQL | API |
            |---|---|---|---|
            | Type | `text` | `text` | `Patient.email`: string |
            | Required | — | nullable | optional |
            | Key | — | — | |

        "#]],
    );
}

#[test]
fn hover_on_a_column_the_dictionary_lacks() {
    let fixture = cursor_in("db/001_init.sql", "email text", 0)
        .replace("$0email text\n", "email text,\n  $0nickname text\n");
    check_hover(
        &fixture,
        expect![[r#"
        db/001_init.sql:5:3 `nickname`
        ---
        `nickname` is not an attribute of entity **Patient** (docs/data-dictionary.md:3)
    "#]],
    );
}

#[test]
fn no_hover_on_plain_text() {
    check_hover(
        &cursor_in("api/openapi.yaml", "Clinic", 2),
        expect![[r#"
        no hover
    "#]],
    );
}

#[test]
fn definition_of_a_trace_and_of_a_ref() {
    check_locations(
        &cursor_in("api/openapi.yaml", "FR-001", 0),
        "definition",
        expect![[r#"
            docs/prd.md:7:3 `FR-001`
        "#]],
    );
    check_locations(
        &cursor_in("api/openapi.yaml", "#/components/schemas/Patient", 3),
        "definition",
        expect![[r#"
            api/openapi.yaml:20:5 `Patient:…`
        "#]],
    );
}

#[test]
fn definition_of_an_unknown_id_is_nowhere() {
    let fixture = cursor_in("api/openapi.yaml", "FR-001", 0).replace("$0FR-001", "$0FR-042");
    check_locations(
        &fixture,
        "definition",
        expect![[r#"
        none
    "#]],
    );
}

#[test]
fn references_of_a_requirement_from_its_definition() {
    let fixture = cursor_in("docs/prd.md", "FR-001", 2);
    check_locations(
        &fixture,
        "references",
        expect![[r#"
        api/openapi.yaml:7:18 `FR-001`
        docs/prd.md:7:3 `FR-001`
    "#]],
    );
    check_locations(
        &fixture,
        "references-no-decl",
        expect![[r#"
        api/openapi.yaml:7:18 `FR-001`
    "#]],
    );
}

#[test]
fn completion_of_requirement_ids_in_a_trace_list() {
    let fixture =
        cursor_in("api/openapi.yaml", "FR-001", 0).replace("[$0FR-001]", "[FR-001, FR-0$0]");
    check_completion(
        &fixture,
        expect![[r#"
        Requirement FR-001 → "FR-001" replacing api/openapi.yaml:7:26 `FR-0` (Patients can view their profile)
        Requirement FR-002 → "FR-002" replacing api/openapi.yaml:7:26 `FR-0` (Patients can list their appointments)
        Requirement FR-003 → "FR-003" replacing api/openapi.yaml:7:26 `FR-0` (Clinicians can export a day's schedule)
    "#]],
    );
}

#[test]
fn completion_of_ref_targets() {
    let fixture = cursor_in("api/openapi.yaml", "#/components/schemas/Patient", 0).replace(
        "$0#/components/schemas/Patient\"",
        "#/components/schemas/$0\"",
    );
    check_completion(
        &fixture,
        expect![[r##"
        Pointer #/components/schemas/Patient → "#/components/schemas/Patient" replacing api/openapi.yaml:15:31 `#/components/schemas/` (object)
    "##]],
    );
}

#[test]
fn completion_of_dictionary_attributes_in_a_table() {
    let fixture =
        cursor_in("db/001_init.sql", "email text", 0).replace(",\n  $0email text\n", ",\n  $0\n");
    check_completion(
        &fixture,
        expect![[r#"
        Attribute email → "email" replacing db/001_init.sql:4:3 `` (text)
    "#]],
    );
}

#[test]
fn rename_a_requirement_everywhere() {
    check_rename(
        &cursor_in("docs/prd.md", "FR-001", 4),
        "FR-101",
        expect![[r#"
            prepare: docs/prd.md:7:3 `FR-001` (FR-001)
            api/openapi.yaml:7:18 `FR-001` → "FR-101"
            docs/prd.md:7:3 `FR-001` → "FR-101"
        "#]],
    );
}

#[test]
fn rename_refuses_a_name_that_is_not_an_id() {
    check_rename(
        &cursor_in("api/openapi.yaml", "FR-001", 1),
        "profile",
        expect![[r#"
            prepare: api/openapi.yaml:7:18 `FR-001` (FR-001)
            error: `profile` is not a requirement ID (requirements.id_patterns: FR-\d+[a-z]?)
        "#]],
    );
    check_rename(
        &cursor_in("api/openapi.yaml", "getPatient", 1),
        "FR-101",
        expect![[r#"
        prepare: nothing to rename
        error: no requirement ID here to rename
    "#]],
    );
}

fn render_symbols(f: &Fixture, file: &str, syms: &[super::Symbol], depth: usize, out: &mut String) {
    for s in syms {
        out.push_str(&format!(
            "{:indent$}{:?} {}{} @ {}\n",
            "",
            s.kind,
            s.name,
            s.detail
                .as_ref()
                .map(|d| format!(" ({d})"))
                .unwrap_or_default(),
            f.pos(file, s.selection.start),
            indent = depth * 2
        ));
        render_symbols(f, file, &s.children, depth + 1, out);
    }
}

fn check_document_symbols(file: &str, expect: Expect) {
    let f = Fixture::new(WORKSPACE);
    let mut got = String::new();
    render_symbols(&f, file, &f.analysis().document_symbols(file), 0, &mut got);
    expect.assert_eq(&got);
}

#[test]
fn document_symbols_of_each_kind_of_file() {
    check_document_symbols(
        "docs/prd.md",
        expect![[r#"
        Requirement FR-001 (Patients can view their profile) @ docs/prd.md:7:3
        Requirement FR-002 (Patients can list their appointments) @ docs/prd.md:8:3
        Requirement FR-003 (Clinicians can export a day's schedule) @ docs/prd.md:9:3
    "#]],
    );
    check_document_symbols(
        "api/openapi.yaml",
        expect![[r#"
        Path /patients/{id} @ api/openapi.yaml:4:3
          Operation GET (getPatient) @ api/openapi.yaml:5:5
        Schema Patient (object) @ api/openapi.yaml:20:5
    "#]],
    );
    check_document_symbols(
        "docs/data-dictionary.md",
        expect![[r#"
        Entity Patient (patients) @ docs/data-dictionary.md:3:4
          Attribute id (uuid) @ docs/data-dictionary.md:9:4
          Attribute full_name (text) @ docs/data-dictionary.md:10:4
          Attribute email (text) @ docs/data-dictionary.md:11:4
    "#]],
    );
    check_document_symbols(
        "db/001_init.sql",
        expect![[r#"
        Table patients @ db/001_init.sql:1:14
          Column id (uuid) @ db/001_init.sql:2:3
          Column full_name (text) @ db/001_init.sql:3:3
          Column email (text) @ db/001_init.sql:4:3
    "#]],
    );
}

#[test]
fn workspace_symbols_match_fuzzily() {
    let f = Fixture::new(WORKSPACE);
    let render = |q: &str| -> String {
        f.analysis()
            .workspace_symbols(q, 100)
            .iter()
            .map(|s| {
                format!(
                    "{:?} {}{} @ {}\n",
                    s.kind,
                    s.name,
                    s.container
                        .as_ref()
                        .map(|c| format!(" in {c}"))
                        .unwrap_or_default(),
                    f.loc(&s.location)
                )
            })
            .collect()
    };
    expect![[r#"
        Requirement FR-001 Patients can view their profile in docs/prd.md @ docs/prd.md:7:3 `FR-001`
        Requirement FR-002 Patients can list their appointments in docs/prd.md @ docs/prd.md:8:3 `FR-002`
        Operation GET /patients/{id} in getPatient @ api/openapi.yaml:5:5 `get`
        Operation getPatient in GET /patients/{id} @ api/openapi.yaml:5:5 `get`
        Entity Patient in docs/data-dictionary.md @ docs/data-dictionary.md:3:4 `Patient`
        Table patients in db/001_init.sql @ db/001_init.sql:1:14 `patients`
    "#]].assert_eq(&render("pat"));
    expect![[r#"
        Requirement FR-002 Patients can list their appointments in docs/prd.md @ docs/prd.md:8:3 `FR-002`
    "#]].assert_eq(&render("fr2"));
}

#[test]
fn code_lenses_on_requirements_and_operations() {
    let f = Fixture::new(WORKSPACE);
    let render = |file: &str| -> String {
        f.analysis()
            .code_lenses(file)
            .iter()
            .map(|l| {
                let targets: Vec<String> = l
                    .targets
                    .iter()
                    .map(|t| f.pos(&t.file, t.span.start))
                    .collect();
                format!(
                    "{} {:?} → [{}]\n",
                    f.pos(file, l.span.start),
                    l.title,
                    targets.join(", ")
                )
            })
            .collect()
    };
    expect![[r#"
        docs/prd.md:7:3 "traced by 1 operation: GET /patients/{id} (getPatient)" → [api/openapi.yaml:5:5]
        docs/prd.md:8:3 "not traced" → []
        docs/prd.md:9:3 "not traced" → []
    "#]].assert_eq(&render("docs/prd.md"));
    expect![[r#"
        api/openapi.yaml:5:5 "FR-001 Patients can view their profile" → [docs/prd.md:7:3]
    "#]]
    .assert_eq(&render("api/openapi.yaml"));
}

#[test]
fn diagnostics_and_fixes_at_the_cursor() {
    // An operation with no trace and no error response: what the editor
    // shows on the line, and the quick fixes it offers there.
    let fixture = WORKSPACE.replace(
        "components:\n",
        "  /patients:\n    g$0et:\n      operationId: listPatients\n      responses:\n        \"200\": {description: The patients}\ncomponents:\n",
    );
    let f = Fixture::new(&fixture);
    let a = f.analysis();
    let mut got = String::new();
    for d in a.diagnostics() {
        got.push_str(&format!(
            "{} {:?}[{}] {}\n",
            f.pos(&d.location.file, d.location.span.start),
            d.severity,
            d.code,
            d.message
        ));
    }
    got.push_str("--- fixes at the cursor\n");
    for (d, fixes) in a.fixes_at(&f.file, f.span) {
        for fix in fixes {
            got.push_str(&format!(
                "[{}] {} ({:?}{})\n{}",
                d.code,
                fix.title,
                fix.applicability,
                if fix.preferred { ", preferred" } else { "" },
                f.edits(&fix.edits)
            ));
        }
    }
    expect![[r#"
        api/openapi.yaml:1:1 Warning[inconsistent-error-format] the API designs no error format: none of its error responses has content; define one error schema (RFC 9457 Problem Details is the standard) and use it in every 4xx/5xx response
        api/openapi.yaml:1:1 Error[unsecured-operation] the API defines no security scheme: operations without `security` are neither secured nor marked public (`security: []`); design authentication before implementation
        api/openapi.yaml:10:7 Error[missing-error-response] GET /patients/{id} lacks responses 500 (server error): add them
        api/openapi.yaml:14:13 Warning[missing-example] GET /patients/{id}: the 200 response (application/json) has no example
        api/openapi.yaml:19:5 Error[untraced-operation] GET /patients traces to no requirement: add `x-fr-ids: [FR-…]` naming the requirement it serves
        api/openapi.yaml:21:7 Error[missing-error-response] GET /patients lacks responses 500 (server error): add them
        api/openapi.yaml:28:9 Warning[required-mismatch] property `id` is not in `required`, but the data dictionary says Patient.id is required (docs/data-dictionary.md), and this schema is used in responses
        docs/prd.md:8:3 Warning[uncovered-requirement] FR-002 (Patients can list their appointments) is a P0 requirement that no operation traces: design its endpoint and add `x-fr-ids: [FR-002]`
        --- fixes at the cursor
        [untraced-operation] Trace to FR-002: Patients can list their appointments (Unsafe, preferred)
        api/openapi.yaml:21:1 `` → "      x-fr-ids: [FR-002]\n"
        [untraced-operation] Trace to FR-001: Patients can view their profile (Unsafe)
        api/openapi.yaml:21:1 `` → "      x-fr-ids: [FR-001]\n"
        [untraced-operation] Add x-fr-ids (Display)
        api/openapi.yaml:21:1 `` → "      x-fr-ids: []\n"
    "#]].assert_eq(&got);
}

#[test]
fn fix_all_writes_every_safe_fix_of_the_file() {
    let fixture = WORKSPACE.replace(
        "        \"400\": {description: Bad request}\n        \"404\": {description: Not found}\n",
        "",
    );
    let f = Fixture::new(&fixture);
    let edits = f.analysis().fix_all("api/openapi.yaml");
    let after = f.applied("api/openapi.yaml", &edits);
    expect![[r##"
        openapi: 3.0.3
        info: {title: Clinic, version: "1"}
        paths:
          /patients/{id}:
            get:
              operationId: getPatient
              x-fr-ids: [FR-001]
              parameters:
                - {name: id, in: path, required: true, schema: {type: string}}
              responses:
                "200":
                  description: The patient
                  content:
                    application/json:
                      schema: {$ref: "#/components/schemas/Patient"}
                "404": {$ref: "#/components/responses/NotFound"}
                "500": {$ref: "#/components/responses/ServerError"}
        components:
          schemas:
            Patient:
              type: object
              required: [id]
              properties:
                id: {type: string, format: uuid}
                full_name: {type: string}
                email: {type: string}
            Problem:
              description: Problem details (RFC 9457)
              type: object
              properties:
                type: {type: string, format: uri}
                title: {type: string}
                status: {type: integer}
                detail: {type: string}
                instance: {type: string, format: uri}
          responses:
            NotFound:
              description: No such resource.
              content:
                application/problem+json:
                  schema: {$ref: "#/components/schemas/Problem"}
            ServerError:
              description: Unexpected error.
              content:
                application/problem+json:
                  schema: {$ref: "#/components/schemas/Problem"}
    "##]]
    .assert_eq(&after);
}

#[test]
fn inventory_lists_the_operations() {
    let f = Fixture::new(WORKSPACE);
    expect![[r#"
        # Endpoint Inventory

        1 operations, 3 requirements (2 traced by no operation).

        | Method | Path | operationId | FR-IDs | Auth | Location |
        |---|---|---|---|---|---|
        | GET | `/patients/{id}` | getPatient | FR-001 (Patients) | not designed | api/openapi.yaml:5 |

        ## Coverage

        | ID | Title | Actor | Priority | Release | Operations | Defined at |
        |---|---|---|---|---|---|---|
        | FR-001 | Patients can view their profile | Patients | P0 | MVP | `GET /patients/{id}` | docs/prd.md:7 |
        | FR-002 | Patients can list their appointments | Patients | P0 | MVP | **not traced** | docs/prd.md:8 |
        | FR-003 | Clinicians can export a day's schedule | Clinicians | P1 |  | **not traced** | docs/prd.md:9 |
    "#]].assert_eq(&f.analysis().inventory_markdown());
}

#[test]
fn definition_and_hover_of_a_ref_to_another_file() {
    let fixture = r#"
//- api/openapi.yaml
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    $ref: "paths/pe$0ts.yaml"
//- api/paths/pets.yaml
get:
  operationId: listPets
  responses:
    "200": {description: The pets}
"#;
    check_locations(
        fixture,
        "definition",
        expect![[r#"
        api/paths/pets.yaml:1:1 ``
    "#]],
    );
    check_hover(
        fixture,
        expect![[r#"
        api/openapi.yaml:5:11 `"paths/pets.yaml"`
        ---
        `api/paths/pets.yaml`
    "#]],
    );
}

/// "Ignore CODE here" on the first reported finding of `code`: the file
/// after the fix, and whether that finding is gone once re-checked.
fn check_ignore(fixture: &str, code: &str, expect: Expect) {
    let f = Fixture::new(fixture);
    let a = f.analysis();
    let d = a
        .diagnostics()
        .iter()
        .find(|d| d.code == code && d.triage == crate::diag::Triage::Reported)
        .expect("a finding of that rule");
    let fix = a.ignore_fix(d).expect("an ignore fix");
    assert!(!fix.preferred);
    let file = d.location.file.to_string();
    let after = f.applied(&file, &fix.edits);
    let mut files: Vec<(String, String)> = f
        .index
        .files
        .keys()
        .map(|k| (k.to_string(), f.index.text(k).to_string()))
        .collect();
    for (k, t) in &mut files {
        if *k == file {
            *t = after.clone();
        }
    }
    let again = Index::build(
        Workspace::from_files(files.iter().map(|(p, t)| (p.as_str(), t.as_str()))),
        None,
    );
    let again_diags = Analysis::check(&again);
    let left: Vec<String> = again_diags
        .iter()
        .filter(|x| x.code == code && x.triage == crate::diag::Triage::Reported)
        .map(|x| f.pos(&x.location.file, x.location.span.start))
        .collect();
    // Suppressed, not gone: the file still says what it said.
    assert!(
        again_diags
            .iter()
            .any(|x| x.code == code && matches!(x.triage, crate::diag::Triage::Suppressed { .. })),
        "the finding is gone instead of suppressed:\n{after}"
    );
    let written: String = after
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("specgate-ignore"))
        .map(|(i, l)| format!("{file}:{}: {l}\n", i + 1))
        .collect();
    expect.assert_eq(&format!(
        "{}\n{written}--- {code} still reported: {left:?}\n",
        fix.title
    ));
}

#[test]
fn ignore_here_in_yaml_writes_a_comment_above() {
    let fixture = WORKSPACE.replace("        \"500\"", "");
    check_ignore(
        &fixture,
        "missing-error-response",
        expect![[r#"
        Ignore missing-error-response here
        api/openapi.yaml:10:       # specgate-ignore: missing-error-response
        --- missing-error-response still reported: []
    "#]],
    );
}

#[test]
fn ignore_here_in_sql_and_markdown() {
    let fixture = WORKSPACE.replace("  email text\n", "  email text,\n  nickname text\n");
    check_ignore(
        &fixture,
        "column-not-in-dictionary",
        expect![[r#"
        Ignore column-not-in-dictionary here
        db/001_init.sql:5:   -- specgate-ignore: column-not-in-dictionary
        --- column-not-in-dictionary still reported: []
    "#]],
    );
    check_ignore(
        WORKSPACE,
        "uncovered-requirement",
        expect![[r#"
        Ignore uncovered-requirement here
        docs/prd.md:8: | FR-002 | Patients can list their appointments     | P0       | MVP     | <!-- specgate-ignore: uncovered-requirement -->
        --- uncovered-requirement still reported: []
    "#]],
    );
}

#[test]
fn ignore_here_inside_a_multi_line_yaml_value_writes_the_key() {
    let fixture = WORKSPACE.replace(
        "          description: The patient\n",
        "          description: >-\n            The patient, see FR-099\n            and more\n",
    );
    check_ignore(
        &fixture,
        "unknown-requirement",
        expect![[r#"
        Ignore unknown-requirement here
        api/openapi.yaml:12:           x-specgate-ignore: [unknown-requirement]
        --- unknown-requirement still reported: []
    "#]],
    );
}

#[test]
fn ignore_here_in_json_writes_the_key() {
    let fixture = r#"
//- docs/prd.md
| ID | Requirement | Priority |
|---|---|---|
| FR-001 | List pets | P0 |
//- openapi.json
{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/pets/{id}": {"get": {
  "x-fr-ids": ["FR-001"],
  "responses": {"200": {"description": "ok"}}}}}}
"#;
    check_ignore(
        fixture,
        "missing-error-response",
        expect![[r#"
        Ignore missing-error-response here
        openapi.json:3:   "responses": {"x-specgate-ignore": ["missing-error-response"], "200": {"description": "ok"}}}}}}
        --- missing-error-response still reported: []
    "#]],
    );
}

/// The three-way view: the dictionary, the SQL and the API side by side,
/// `✗` where they disagree (the alignment rules' findings).
#[test]
fn hover_on_an_attribute_shows_dictionary_sql_and_api_side_by_side() {
    let ws = WORKSPACE
        .replace(
            "| `email`     | text | Login; unique     |",
            "| `email`     | string(120) | Required; unique |\n| `mood`      | Feeling | |",
        )
        .replace("  email text\n", "  email varchar(80)\n")
        .replace(
            "        email: {type: string}\n",
            "        email: {type: string, maxLength: 500}\n",
        );
    check_hover(
        &cursor_in_workspace(&ws, "docs/data-dictionary.md", "`email`", 1),
        expect![[r#"
            docs/data-dictionary.md:11:4 `email`
            ---
            **Patient.email** `string(120)`

            Required; unique

            ```
            | `email`     | string(120) | Required; unique |
            ```

            Data dictionary: `docs/data-dictionary.md:11`

            | | Dictionary | SQL | API |
            |---|---|---|---|
            | Type | `string(120)` | `varchar(80)` ✗ | `Patient.email`: string, maxLength: 500 ✗ |
            | Required | required | nullable ✗ | optional ✗ |
            | Key | — | — | |

        "#]],
    );
    // A type Specgate does not understand is said so, and not checked.
    check_hover(
        &cursor_in_workspace(&ws, "docs/data-dictionary.md", "`mood`", 1),
        expect![[r#"
            docs/data-dictionary.md:12:4 `mood`
            ---
            **Patient.mood** `Feeling`

            ```
            | `mood`      | Feeling | |
            ```

            Data dictionary: `docs/data-dictionary.md:12`

            | | Dictionary | SQL | API |
            |---|---|---|---|
            | Type | `Feeling` (not understood: not checked) | no column in `patients` ✗ | — |
            | Required | — | — | — |
            | Key | — | — | |

        "#]],
    );
}
