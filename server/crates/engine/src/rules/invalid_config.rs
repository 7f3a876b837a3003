//! `invalid-config`: a problem in `specgate.toml`.
//!
//! **What.** Unknown keys or rules, values of the wrong type, invalid
//! severities, patterns or globs. The rest of the file still applies.
//!
//! **Why.** A typo in a rule name would otherwise silently keep a rule on.
//!
//! **Fix.** Correct the key or value (see the configuration reference).
//!
//! Range: the offending key or value.

use super::Rule;
use crate::config::CONFIG_FILE;
use crate::diag::{Diagnostic, FileId, Severity};
use crate::index::Index;

pub const RULE: Rule = Rule {
    code: "invalid-config",
    source: include_str!("invalid_config.rs"),
    default_severity: Severity::Error,
    summary: "specgate.toml has an unknown key, a wrong type or an invalid value",
    points_at: "the key or value",
    check,
    fixes: super::no_fixes,
};

fn check(index: &Index, out: &mut Vec<Diagnostic>) {
    let file: FileId = CONFIG_FILE.into();
    // `[rules]` keys that name no rule; what is written under them (options
    // of a rule that does not exist) is not checked any further.
    let unknown: Vec<_> = index
        .config()
        .rule_keys
        .iter()
        .filter(|(name, _, _)| super::rule(name).is_none())
        .collect();
    let mut found: Vec<Diagnostic> = unknown
        .iter()
        .map(|(name, key, _)| {
            Diagnostic::new(
                RULE.code,
                &file,
                *key,
                format!("unknown rule `{name}` (see `specgate rules`)"),
            )
        })
        .collect();
    for e in &index.ws.config_errors {
        if unknown
            .iter()
            .any(|(_, _, v)| v.start <= e.span.start && e.span.end <= v.end)
        {
            continue;
        }
        found.push(Diagnostic::new(RULE.code, &file, e.span, e.message.clone()));
    }
    found.sort_by_key(|d| d.location.span.start);
    out.extend(found);
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{findings, index};

    #[test]
    fn unknown_rule_is_reported_at_its_key() {
        let idx = index(&[("specgate.toml", "[rules]\nuntraced-operatoin = \"off\"\n")]);
        let f = findings(&idx, "invalid-config");
        assert!(
            f.starts_with("specgate.toml:2:1 error[invalid-config] `untraced-operatoin`"),
            "{f}"
        );
        assert_eq!(
            findings(
                &index(&[("specgate.toml", "[rules]\nuntraced-operation = \"off\"\n")]),
                "invalid-config"
            ),
            ""
        );
    }
}
