//! `invalid-openapi`: a syntactically valid OpenAPI 3.0 document that does
//! not fit the OpenAPI 3.0 object model.
//!
//! **What.** The root document of a 3.0 API is walked against the 3.0
//! object model as the `openapiv3` crate reads it (what code generators and
//! servers built on it read; [`crate::model::oas30`] holds the tables and
//! the reading rules), and every misfit is reported where it is:
//!
//! - a required field that is missing (`info.title`, `info.version`,
//!   `paths`, an operation's `responses`, a response's `description`, a
//!   parameter's `name`, `in`, and `schema` or `content`, …), at the key of
//!   the object that lacks it;
//! - a value of the wrong type (a string where a map belongs, `version:
//!   1.0`, which YAML reads as a number, a negative `minLength`), at the
//!   value;
//! - a name outside its list (`in: body`, `type: basic`, `style: csv`), at
//!   the value.
//!
//! Unknown keys are not misfits (`openapiv3` ignores them), nor is anything
//! under a `$ref`. At most 200 misfits are reported per document. 3.1 and
//! Swagger 2.0 documents are not checked this way (`openapiv3` reads only
//! 3.0), nor are documents with syntax errors (`syntax-error` reports
//! those), nor files that the root reaches by `$ref`.
//!
//! **Why.** Tools downstream will reject or misread the document.
//!
//! **Example.** `get: {summary: x}`: `` `responses` is required in an
//! Operation Object ``; `in: body`: `` `in` of a Parameter Object must be
//! one of `query`, `header`, `path`, `cookie`, found `body` ``.
//!
//! **Fix.** Add the field, or correct the key or value to what OpenAPI 3.0
//! allows (quote numbers meant as strings: `version: '1.0'`).
//!
//! The walk accepts exactly what `openapiv3` 2.2 accepts, its oddities
//! included (`in: 0` reads as `query`, `style: {form: null}` as `form`; a
//! parameter with both `schema` and `content` is read for its `content`
//! only): a differential test (`model::oas30_oracle`) compares the two on
//! the corpus and on hundreds of mutated documents.
//!
//! One deviation is reported apart, once per document and at `hint`:
//! operations written elsewhere and reached by `$ref` (`get: {$ref:
//! ./paths/getFeature.yaml}`). OpenAPI 3.0 allows `$ref` for path items, not
//! for operations; Redocly and Specgate follow them (every rule reads the
//! referenced operation), but some code generators and validators do not.
//!
//! Range: the key of the object missing a field, or the wrong value; for
//! operation references, the first method key whose value is a `$ref`.

use super::Rule;
use crate::diag::{Diagnostic, Severity};
use crate::index::{may_alias, Index};
use crate::memo::Pass;
use crate::model::oas30;
use crate::model::openapi::Version;

pub const RULE: Rule = Rule {
    code: "invalid-openapi",
    source: include_str!("invalid_openapi.rs"),
    default_severity: Severity::Warning,
    summary: "An OpenAPI 3.0 document does not fit the 3.0 object model",
    points_at: "the key of the object missing a field, or the wrong value",
    check,
    fixes: super::no_fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for api in index.apis.iter().filter(|a| a.version == Version::V30) {
        let Some(doc) = index.doc(&api.root) else {
            continue;
        };
        let Some(root) = &doc.root else { continue };
        if !doc.errors.is_empty() {
            continue; // syntax-error already explains a broken document
        }
        let found = {
            let mut memos = index.memo.lock().unwrap_or_else(|e| e.into_inner());
            match index.source(&api.root) {
                Some(src) if memos.enabled => {
                    let old = memos.misfits.remove(&api.root);
                    let mut pass = Pass::new(old.as_ref(), &src.text, may_alias(&api.root));
                    let found = oas30::misfits_with(root, &mut pass);
                    memos.hits += pass.hits;
                    memos.misfits.insert(api.root.clone(), pass.finish());
                    found
                }
                _ => oas30::misfits(root),
            }
        };
        for m in found {
            out.push(Diagnostic::new(RULE.code, &api.root, m.span, m.message));
        }
        let mut by_ref = index
            .operations
            .iter()
            .filter(|o| o.api_root == api.root)
            .filter_map(|o| o.ref_from.as_ref());
        if let Some((file, span)) = by_ref.next() {
            let n = 1 + by_ref.count();
            out.push(
                Diagnostic::new(
                    RULE.code,
                    file,
                    *span,
                    format!(
                        "{n} operation{} {} written in other files and reached by `$ref`: OpenAPI 3.0 allows `$ref` for path items, not operations. Specgate and Redocly follow them; tools that read 3.0 strictly will not (move the `$ref` up to the path item, or keep it if your tools resolve it)",
                        if n == 1 { "" } else { "s" },
                        if n == 1 { "is" } else { "are" },
                    ),
                )
                .at_most(Severity::Hint),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    fn check(api: &str) -> String {
        findings(&index(&[("openapi.yaml", api)]), "invalid-openapi")
    }

    /// A 3.0 document with one path `/a` whose `get` is `op`.
    fn with_op(op: &str) -> String {
        format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n{op}")
    }

    const OK_RESPONSES: &str = "      responses:\n        '200': {description: ok}\n";

    #[test]
    fn missing_field_is_reported_at_the_key_of_the_object() {
        let f = check(&with_op("      summary: x\n"));
        assert_eq!(
            f,
            "openapi.yaml:5:5 warning[invalid-openapi] `get` `responses` is required in an Operation Object\n"
        );
        let f = check("openapi: 3.0.3\ninfo: {version: '1'}\n");
        assert_eq!(
            f,
            "openapi.yaml:1:1 warning[invalid-openapi] `openapi` `paths` is required in the OpenAPI Object\n\
             openapi.yaml:2:1 warning[invalid-openapi] `info` `title` is required in an Info Object\n"
        );
        let f = check(&with_op(&format!(
            "      parameters:\n        - {{in: query, name: q}}\n{OK_RESPONSES}"
        )));
        assert_eq!(
            f,
            "openapi.yaml:7:11 warning[invalid-openapi] `{in: query, name: q}` `schema` or `content` is required in a query Parameter Object\n"
        );
    }

    #[test]
    fn operations_by_ref_are_read_and_noted_once_at_hint() {
        let root = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {$ref: 'ops.yaml#/getA'}\n    put: {$ref: 'ops.yaml#/putA'}\n";
        let ops = "getA:\n  responses: {'200': {description: ok}}\nputA:\n  responses: {'200': {description: ok}}\n";
        let f = findings(
            &index(&[("openapi.yaml", root), ("ops.yaml", ops)]),
            "invalid-openapi",
        );
        assert_eq!(
            f,
            "openapi.yaml:5:5 hint[invalid-openapi] `get` 2 operations are written in other files and reached by `$ref`: OpenAPI 3.0 allows `$ref` for path items, not operations. Specgate and Redocly follow them; tools that read 3.0 strictly will not (move the `$ref` up to the path item, or keep it if your tools resolve it)\n"
        );
    }

    #[test]
    fn wrong_type_is_reported_at_the_value() {
        let f = check("openapi: 3.0.3\ninfo: {title: t, version: 1.0}\npaths: {}\n");
        assert_eq!(
            f,
            "openapi.yaml:2:27 warning[invalid-openapi] `1.0` `version` of an Info Object must be a string, found the number `1.0`: quote it\n"
        );
        let f = check(&with_op("      responses:\n        '200': ok\n"));
        assert_eq!(
            f,
            "openapi.yaml:7:16 warning[invalid-openapi] `ok` `200` must be a Response Object or a Reference Object, found `ok`\n"
        );
        let f = check(&with_op(&format!(
            "      parameters: [x]\n      tags: {{a: b}}\n{OK_RESPONSES}"
        )));
        assert!(f.contains("`x` item 1 of `parameters` must be a Parameter Object or a Reference Object, found `x`"), "{f}");
        assert!(
            f.contains("`tags` of an Operation Object must be a list, found a map"),
            "{f}"
        );
        // An empty value is reported at its key.
        let f = check(&with_op(
            "      responses:\n        '200':\n          description:\n",
        ));
        assert_eq!(
            f,
            "openapi.yaml:8:11 warning[invalid-openapi] `description` `description` of a Response Object must be a string, found nothing\n"
        );
        let schema = |s: &str| {
            check(&with_op(&format!(
                "      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {s}\n"
            )))
        };
        assert!(schema("{minLength: -1}").contains("`minLength` of a Schema Object must be a whole number, 0 or more, found the number `-1`"));
        assert!(schema("{additionalProperties: yes}").contains("`additionalProperties` of a Schema Object must be `true`, `false`, a Schema Object or a Reference Object, found `yes`"));
        assert!(schema("{nullable: ~}")
            .contains("`nullable` of a Schema Object must be `true` or `false`, found null"));
        assert_eq!(
            schema("{type: object, additionalProperties: false, minimum: 1.5, enum: [1, a]}"),
            ""
        );
    }

    #[test]
    fn name_outside_its_list_is_reported_at_the_value() {
        let f = check(&with_op(&format!(
            "      parameters:\n        - name: when\n          in: body\n          schema: {{type: string}}\n        - {{name: p, in: path, style: form, schema: {{}}}}\n{OK_RESPONSES}"
        )));
        assert_eq!(
            f,
            "openapi.yaml:8:15 warning[invalid-openapi] `body` `in` of a Parameter Object must be one of `query`, `header`, `path`, `cookie`, found `body`\n\
             openapi.yaml:10:38 warning[invalid-openapi] `form` `style` of a path Parameter Object must be one of `matrix`, `label`, `simple`, found `form`\n"
        );
        let f = check("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  securitySchemes:\n    basic: {type: basic}\n    key: {type: apiKey, in: body, name: k}\n    http: {type: http}\n");
        assert!(f.contains("`type` of a Security Scheme Object must be one of `apiKey`, `http`, `oauth2`, `openIdConnect`, found `basic`"), "{f}");
        assert!(f.contains("`in` of an apiKey Security Scheme Object must be one of `query`, `header`, `cookie`, found `body`"), "{f}");
        assert!(
            f.contains("`http` `scheme` is required in an http Security Scheme Object"),
            "{f}"
        );
    }

    #[test]
    fn every_misfit_is_reported_and_the_list_is_capped() {
        let f = check(&with_op(
            "      tags: x\n      deprecated: 1\n      responses: {'200': {}, '404': x}\n",
        ));
        assert_eq!(f.lines().count(), 4, "{f}");
        let mut many = String::from("      responses:\n");
        for i in 0..250 {
            many.push_str(&format!("        '{}': x\n", 200 + i));
        }
        let f = check(&with_op(&many));
        assert_eq!(f.lines().count(), 201);
        assert!(f.starts_with("openapi.yaml:1:1 warning[invalid-openapi] `openapi` more than 200 misfits: only the first are reported\n"), "{f}");
    }

    #[test]
    fn what_openapiv3_accepts_passes() {
        let ok = |op: &str| assert_eq!(check(&with_op(op)), "", "{op}");
        ok(OK_RESPONSES);
        // References, with anything beside `$ref`; status codes as numbers,
        // ranges and other keys (ignored); extensions; unknown keys.
        ok("      parameters: [{$ref: '#/p', in: body}]\n      responses:\n        200: {$ref: '#/r'}\n        4XX: {description: x}\n        '999': {description: x}\n        '1000': x\n        x-a: 1\n      x-b: {c: d}\n      unknown: 5\n");
        // serde's oddities: a variant's position, `{name: null}`, both
        // `schema` and `content` (only `content` is read).
        ok(&format!("      parameters:\n        - {{in: 0, name: a, schema: {{}}, style: {{form: ~}}}}\n        - {{in: query, name: b, content: {{}}, schema: 5}}\n{OK_RESPONSES}"));
        // A repeated key: the first one counts.
        ok(&format!(
            "      summary: a\n      summary: 5\n{OK_RESPONSES}"
        ));
        // Optional fields may be null; a path parameter need not say required.
        ok(&format!("      description: ~\n      requestBody: ~\n      parameters: [{{in: path, name: a, schema: {{}}}}]\n{OK_RESPONSES}"));
    }

    #[test]
    fn only_valid_30_root_documents_are_checked() {
        let v31 = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\nwebhooks: {}\n";
        assert_eq!(check(v31), "");
        let v2 = "swagger: '2.0'\ninfo: {title: t, version: 1}\npaths: {}\n";
        assert_eq!(check(v2), "");
        let broken = "openapi: 3.0.3\ninfo: {title: t\npaths: 5\n";
        assert_eq!(check(broken), "");
        // A file the root reaches by `$ref` is not a document of its own.
        let root =
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a: {$ref: 'a.yaml'}\n";
        let f = findings(
            &index(&[("openapi.yaml", root), ("a.yaml", "get: {summary: x}\n")]),
            "invalid-openapi",
        );
        assert_eq!(f, "");
    }

    #[test]
    fn deep_nesting_neither_overflows_nor_reports_below_the_cut() {
        use specgate_syntax::tree::{CollStyle, Entry, Node, ScalarStyle, Span, Value};
        let mut s = Node {
            span: Span::new(0, 1),
            value: Value::Scalar("x".into(), ScalarStyle::Plain),
        };
        for _ in 0..1000 {
            s = Node {
                span: Span::new(0, 1),
                value: Value::Map(
                    vec![Entry {
                        key: "items".into(),
                        key_span: Span::new(0, 1),
                        value: s,
                    }],
                    CollStyle::Block,
                ),
            };
        }
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {}}\n";
        let mut root = specgate_syntax::parse::parse_yaml(text).root.unwrap();
        let Value::Map(top, _) = &mut root.value else {
            unreachable!()
        };
        let Value::Map(components, _) = &mut top[3].value.value else {
            unreachable!()
        };
        let Value::Map(schemas, _) = &mut components[0].value.value else {
            unreachable!()
        };
        schemas.push(Entry {
            key: "deep".into(),
            key_span: Span::new(0, 1),
            value: s,
        });
        assert_eq!(crate::model::oas30::misfits(&root), vec![]);
    }
}
