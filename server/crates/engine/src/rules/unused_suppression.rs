//! `unused-suppression`: a suppression that suppresses nothing.
//!
//! **What.** A code in a `specgate-ignore:` comment, or in an
//! `x-specgate-ignore` list, with no finding of that rule where the
//! suppression reaches: the finding was fixed, moved, or the code is not a
//! rule at all. With `require_reason = true`, also a suppression that
//! works but says nothing after its codes.
//!
//! **Why.** A stale suppression hides the next real finding at that spot,
//! and a misspelt one never hid anything. As ruff's `RUF100` does, Specgate
//! reports them so that suppressions shrink with the findings.
//!
//! **Example.** `get:  # specgate-ignore: unpaginated-list — a lookup` on
//! an operation that is not reported any more.
//!
//! **Fix.** Remove the code (the whole comment or key when it is the only
//! one). Safe: removing it changes no other finding.
//!
//! **Options.** `[rules.unused-suppression] require_reason = true`: a
//! suppression without a reason (`— why`) is a finding too.
//!
//! **Suppressing.** Findings are hidden where they are written:
//! `# specgate-ignore: CODE[, CODE…] — reason` on the finding's line or alone
//! on the line above it (`-- …` in SQL, `<!-- … -->` in Markdown), or
//! `x-specgate-ignore: [CODE]` in an OpenAPI object, for the findings in it
//! and below (JSON has no comments). This rule's own findings are not
//! suppressed that way: switch it off in `specgate.toml` if need be.
//!
//! Range: the code in the suppression (the suppression, for a missing reason).

use super::Rule;
use crate::diag::{Applicability, Diagnostic, Fix, Severity};
use crate::edit::EditSet;
use crate::index::Index;
use crate::suppress::{suppressions, Form, Suppression};
use specgate_syntax::tree::Span;

pub const RULE: Rule = Rule {
    code: "unused-suppression",
    source: include_str!("unused_suppression.rs"),
    default_severity: Severity::Warning,
    summary: "A specgate-ignore comment or x-specgate-ignore key suppresses nothing",
    points_at: "the code in the suppression",
    check,
    fixes,
};

/// Its findings need every other rule's: `triage` makes them.
fn check(_: &Index, _: &mut Vec<Diagnostic>) {}

/// The finding for `code` of `s`, which suppressed nothing.
pub fn finding(
    index: &Index,
    s: &Suppression,
    code: &str,
    span: Span,
    sev: Severity,
) -> Diagnostic {
    let message = if crate::rules::rule(code).is_none() {
        format!("`{code}` is not a rule, so this suppresses nothing: remove it (or correct the code; `specgate rules` lists them)")
    } else if index.config().severity(code, Severity::Error).is_none() {
        format!("`{code}` is off in specgate.toml, so this suppresses nothing: remove it")
    } else {
        format!("no `{code}` finding here to suppress: remove the suppression")
    };
    let mut d = Diagnostic::new(RULE.code, &s.file, span, message);
    d.severity = sev;
    d
}

/// The finding for a suppression without a reason (`require_reason`).
pub fn no_reason(s: &Suppression, sev: Severity) -> Diagnostic {
    let mut d = Diagnostic::new(
        RULE.code,
        &s.file,
        s.span,
        "this suppression gives no reason: say why after its codes (`— reason`), as `require_reason` asks",
    );
    d.severity = sev;
    d
}

/// "Remove unused suppression": the code, or the whole comment or key.
fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    let file = &d.location.file;
    let text = index.text(file);
    let Some((s, k)) = suppressions(index, file).into_iter().find_map(|s| {
        let k = s.codes.iter().position(|(_, sp)| *sp == d.location.span)?;
        Some((s, k))
    }) else {
        return Vec::new();
    };
    let span = removal(text, file.ends_with(".json"), &s, k);
    let mut set = EditSet::new(index);
    set.replace(file, span, "");
    let title = format!("Remove unused suppression of `{}`", s.codes[k].0);
    set.into_fix(title, Applicability::Safe)
        .into_iter()
        .collect()
}

/// What to delete to remove code `k` of `s`.
fn removal(text: &str, json: bool, s: &Suppression, k: usize) -> Span {
    let codes = &s.codes;
    if codes.len() > 1 {
        // The code and the separator on one side of it.
        return if k + 1 < codes.len() {
            Span::new(codes[k].1.start, codes[k + 1].1.start)
        } else {
            Span::new(codes[k - 1].1.end, codes[k].1.end)
        };
    }
    let b = text.as_bytes();
    let line_start = |o: u32| text[..o as usize].rfind('\n').map_or(0, |i| i + 1) as u32;
    let after_line = |o: u32| {
        text[o as usize..]
            .find('\n')
            .map_or(text.len(), |i| o as usize + i + 1) as u32
    };
    let blank = |a: u32, z: u32| text[a as usize..z as usize].trim().is_empty();
    match &s.form {
        Form::Comment { alone: true } => {
            Span::new(line_start(s.span.start), after_line(s.span.end))
        }
        Form::Comment { alone: false } => {
            let mut a = s.span.start as usize;
            while a > 0 && (b[a - 1] == b' ' || b[a - 1] == b'\t') {
                a -= 1;
            }
            Span::new(a as u32, s.span.end)
        }
        Form::Key { entry } => {
            let ls = line_start(entry.start);
            let mut end = entry.end as usize;
            if json {
                // The member and its comma (after it, or before it when last).
                let mut i = end;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if b.get(i) == Some(&b',') {
                    end = i + 1;
                    let start = if blank(ls, entry.start) {
                        ls
                    } else {
                        entry.start
                    };
                    let line_rest_blank = text[end..]
                        .split('\n')
                        .next()
                        .is_some_and(|r| r.trim().is_empty());
                    let end = if start == ls && line_rest_blank {
                        after_line(end as u32)
                    } else {
                        end as u32
                    };
                    return Span::new(start, end);
                }
                let mut j = entry.start as usize;
                while j > 0 && b[j - 1].is_ascii_whitespace() {
                    j -= 1;
                }
                if j > 0 && b[j - 1] == b',' {
                    return Span::new(j as u32 - 1, entry.end);
                }
                return *entry;
            }
            // YAML: the entry's lines when it is written alone on them.
            let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
            if blank(ls, entry.start) && text[end..line_end].trim().is_empty() {
                end = after_line(line_end as u32) as usize;
                return Span::new(ls, (end as u32).min(text.len() as u32).max(line_end as u32));
            }
            // In a flow map: the entry and a comma after it.
            let mut i = end;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            if b.get(i) == Some(&b',') {
                i += 1;
                while i < b.len() && b[i] == b' ' {
                    i += 1;
                }
                return Span::new(entry.start, i as u32);
            }
            *entry
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::edit::apply;
    use crate::rules::testing::{index, render};
    use crate::triage::check;

    fn findings(files: &[(&str, &str)]) -> String {
        let idx = index(files);
        let d: Vec<_> = check(&idx)
            .into_iter()
            .filter(|d| d.triage == crate::diag::Triage::Reported)
            .collect();
        render(&idx, &d)
    }

    /// Applies the fix of the first `unused-suppression` finding of `file`.
    fn fixed(files: &[(&str, &str)], file: &str) -> String {
        let idx = index(files);
        let d = check(&idx)
            .into_iter()
            .find(|d| d.code == "unused-suppression")
            .expect("a finding");
        let fix = super::fixes(&idx, &d).remove(0);
        apply(idx.text(file), &fix.edits).unwrap()
    }

    const PRD: &str = "# PRD\n\n- **FR-001**: list pets\n";

    #[test]
    fn a_suppression_that_hides_a_finding_is_used() {
        let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    # specgate-ignore: untraced-operation — legacy\n    get:\n      responses: {'200': {description: ok}, '500': {description: e, content: {application/json: {schema: {type: object, properties: {m: {type: string}}}}}}}\n";
        let f = findings(&[("prd.md", PRD), ("openapi.yaml", api)]);
        assert!(!f.contains("untraced-operation"), "{f}");
        assert!(!f.contains("unused-suppression"), "{f}");
    }

    #[test]
    fn unknown_and_unneeded_codes_are_reported_and_removed() {
        let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:  # specgate-ignore: untraced-operation, unpaginated-lists\n      x-fr-ids: [FR-001]\n      responses: {'200': {description: ok}, '500': {description: e, content: {application/json: {schema: {type: object, properties: {m: {type: string}}}}}}}\n";
        let files = [("prd.md", PRD), ("openapi.yaml", api)];
        let f = findings(&files);
        assert!(f.contains("openapi.yaml:5:30 warning[unused-suppression] `untraced-operation` no `untraced-operation` finding here"), "{f}");
        assert!(f.contains("`unpaginated-lists` is not a rule"), "{f}");
        let after = fixed(&files, "openapi.yaml");
        assert!(
            after.contains("get:  # specgate-ignore: unpaginated-lists\n"),
            "{after}"
        );
    }

    #[test]
    fn the_last_code_removes_the_comment() {
        let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity: []\npaths:\n  /pets:\n    # specgate-ignore: unpaginated-list\n    get:\n      x-fr-ids: [FR-001]\n      responses: {'200': {description: ok}, '500': {description: e, content: {application/json: {schema: {type: object, properties: {m: {type: string}}}}}}}\n";
        let files = [("prd.md", PRD), ("openapi.yaml", api)];
        let after = fixed(&files, "openapi.yaml");
        assert_eq!(
            after,
            api.replace("    # specgate-ignore: unpaginated-list\n", "")
        );
        assert_eq!(findings(&[("prd.md", PRD), ("openapi.yaml", &after)]), "");
    }

    #[test]
    fn a_json_key_is_removed_with_its_comma() {
        let api = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "security": [], "paths": {"/pets": {"get": {
  "x-specgate-ignore": ["unpaginated-list"],
  "x-fr-ids": ["FR-001"],
  "responses": {"200": {"description": "ok"}, "500": {"description": "e", "content": {"application/json": {"schema": {"type": "object", "properties": {"m": {"type": "string"}}}}}}}}}}}
"#;
        let files = [("prd.md", PRD), ("openapi.json", api)];
        let f = findings(&files);
        assert!(
            f.contains("openapi.json:2:25 warning[unused-suppression]"),
            "{f}"
        );
        let after = fixed(&files, "openapi.json");
        assert!(!after.contains("x-specgate-ignore"), "{after}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&after).is_ok(),
            "{after}"
        );
        assert_eq!(findings(&[("prd.md", PRD), ("openapi.json", &after)]), "");
    }

    #[test]
    fn a_reason_can_be_required() {
        let api = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\nsecurity: []\npaths:\n  /pets:\n    get:  # specgate-ignore: untraced-operation\n      responses: {'200': {description: ok}, '500': {description: e, content: {application/json: {schema: {type: object, properties: {m: {type: string}}}}}}}\n";
        let toml = "[rules.unused-suppression]\nrequire_reason = true\n";
        let f = findings(&[
            ("prd.md", PRD),
            ("openapi.yaml", api),
            ("specgate.toml", toml),
        ]);
        assert!(f.contains("gives no reason"), "{f}");
        let with = api.replace(
            "untraced-operation\n",
            "untraced-operation -- a health probe\n",
        );
        let f = findings(&[
            ("prd.md", PRD),
            ("openapi.yaml", &with),
            ("specgate.toml", toml),
        ]);
        assert_eq!(f, "", "{f}");
    }
}
