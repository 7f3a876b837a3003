//! `syntax-error`: a file that cannot be read completely.
//!
//! **What.** YAML/JSON of an API (its root and every file it `$ref`s), of a
//! dictionary, or any YAML/JSON that declares `openapi:`/`swagger:`; SQL
//! statements the reader could not make sense of.
//!
//! **Why.** Everything after a syntax error may be read wrongly; the other
//! findings of the file are only as good as its syntax.
//!
//! **Fix.** Correct the syntax at the marked spot.
//!
//! A YAML file that departs from YAML 1.2 only where libyaml (PyYAML, and so
//! most tools) reads it anyway (lines of a flow collection or a quoted
//! scalar indented no more than the block collection holding it) is read as
//! libyaml reads it, completely, with one *warning* a file at the first such
//! line (a configured severity below warning applies to it too).
//!
//! Range: the broken spot.

use super::Rule;
use crate::diag::{Diagnostic, Severity};
use crate::index::{Index, Parsed};

pub const RULE: Rule = Rule {
    code: "syntax-error",
    source: include_str!("syntax_error.rs"),
    default_severity: Severity::Error,
    summary: "A YAML, JSON or SQL file has a syntax error",
    points_at: "the broken spot",
    check,
    fixes: super::no_fixes,
};

fn looks_like_openapi(text: &str) -> bool {
    let head = &text[..specgate_syntax::text::floor_char_boundary(text, 4096)];
    head.lines().any(|l| {
        let l = l.trim_start_matches(['{', ' ', '"', '\'']);
        l.starts_with("openapi") || l.starts_with("swagger")
    })
}

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for (id, fd) in &index.files {
        let (errors, warnings) = match &*fd.parsed {
            Parsed::Structured(doc, _) => {
                let relevant =
                    index.apis_of(id).next().is_some() || looks_like_openapi(&fd.source.text);
                if !relevant {
                    continue;
                }
                (&doc.errors, &doc.warnings[..])
            }
            Parsed::Dictionary(_, Some(doc)) => (&doc.errors, &doc.warnings[..]),
            Parsed::Sql(sql) => (&sql.errors, &[][..]),
            _ => continue,
        };
        for e in errors {
            out.push(Diagnostic::new(RULE.code, id, e.span, e.message.clone()));
        }
        for w in warnings {
            out.push(
                Diagnostic::new(RULE.code, id, w.span, w.message.clone())
                    .at_most(Severity::Warning),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn broken_api_yaml_is_reported_unrelated_yaml_is_not() {
        let api = "openapi: 3.0.3\npaths:\n  /a:\n    get: {responses: {'200': {description: ok}\n";
        let other = "key: [unclosed\n";
        let idx = index(&[("openapi.yaml", api), ("ci.yaml", other)]);
        let f = findings(&idx, "syntax-error");
        assert!(f.contains("openapi.yaml:"), "{f}");
        assert!(!f.contains("ci.yaml"), "{f}");
    }

    #[test]
    fn a_form_libyaml_reads_is_one_warning() {
        use crate::diag::Severity;
        let api = "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      x-example: {\n    a: 1,\n    b: 2\n  }\n";
        let idx = index(&[("openapi.yaml", api)]);
        let diags: Vec<_> = crate::rules::check(&idx)
            .into_iter()
            .filter(|d| d.code == "syntax-error")
            .collect();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].severity, Severity::Warning);
        assert!(
            diags[0].message.contains("(3 such lines in this file)"),
            "{}",
            diags[0].message
        );
    }

    #[test]
    fn valid_files_pass() {
        let api = "openapi: 3.0.3\npaths: {}\n";
        assert_eq!(
            findings(&index(&[("openapi.yaml", api)]), "syntax-error"),
            ""
        );
    }
}
