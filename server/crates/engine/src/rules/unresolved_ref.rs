//! `unresolved-ref`: a `$ref` whose target does not exist or may not be read.
//!
//! **What.** A `$ref` in an API must point at an existing file inside the
//! workspace and, after `#`, at an existing node (JSON pointer, with `~0`/`~1`
//! escapes). References outside the workspace (`../../etc/passwd`, absolute
//! paths) are never read and are reported. Remote URLs are never fetched and
//! not reported.
//!
//! **Why.** A broken reference silently removes a schema, a response or a
//! whole path item from the contract.
//!
//! **Example.** `$ref: './schemas/Pet.yaml#/Pet'` when the file is `pet.yaml`.
//!
//! **Fix.** Correct the path or the pointer.
//!
//! Range: the `$ref` value.

use super::Rule;
use crate::diag::{Diagnostic, Severity};
use crate::index::Index;

pub const RULE: Rule = Rule {
    code: "unresolved-ref",
    source: include_str!("unresolved_ref.rs"),
    default_severity: Severity::Error,
    summary: "A $ref points to a missing file or node, or outside the workspace",
    points_at: "the `$ref` value",
    check,
    fixes: super::no_fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    for r in &index.refs {
        let Err(e) = &r.target else { continue };
        if let Some(msg) = e.message(&r.site.target) {
            out.push(Diagnostic::new(RULE.code, &r.file, r.site.span, msg));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn missing_files_pointers_and_escapes() {
        let api = "openapi: 3.0.3\npaths:\n  /a:\n    $ref: paths/a.yaml\n  /b:\n    $ref: '#/components/pathItems/nope'\n  /c:\n    $ref: ../../etc/passwd\n  /d:\n    $ref: 'https://example.com/x.yaml'\n  /e:\n    $ref: 'shared.yaml#/a~1b'\n";
        let idx = index(&[("openapi.yaml", api), ("shared.yaml", "a/b:\n  get: {}\n")]);
        let f = findings(&idx, "unresolved-ref");
        assert_eq!(f.lines().count(), 3, "{f}");
        assert!(
            f.contains("openapi.yaml:4:11 error[unresolved-ref] `paths/a.yaml`"),
            "{f}"
        );
        assert!(f.contains("does not exist in `openapi.yaml`"), "{f}");
        assert!(f.contains("outside the workspace"), "{f}");
    }

    #[test]
    fn ref_cycles_terminate() {
        let api = "openapi: 3.0.3\npaths:\n  /a:\n    $ref: '#/paths/~1b'\n  /b:\n    $ref: '#/paths/~1a'\n";
        let idx = index(&[("openapi.yaml", api)]);
        assert_eq!(findings(&idx, "unresolved-ref"), "");
    }
}
