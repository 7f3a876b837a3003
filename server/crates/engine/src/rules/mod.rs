//! The rules: one file each, with its documentation, check, fixes and tests.
//!
//! A rule reads the [`Index`] and pushes [`Diagnostic`]s; severities come
//! from the config afterwards, so rules never look at configuration of
//! severity themselves. A rule may mark one finding as lower than its
//! rule's severity (an `info` note where the rule cannot apply): a finding
//! gets the configured severity or its own, whichever is lower.

use crate::diag::{Diagnostic, Fix, Severity};
use crate::index::Index;

pub mod ambiguous_requirement;
pub mod column_not_in_dictionary;
pub mod column_type_mismatch;
pub mod duplicate_requirement;
pub mod inconsistent_error_format;
pub mod invalid_config;
pub mod invalid_openapi;
pub mod missing_column;
pub mod missing_error_response;
pub mod missing_example;
pub mod missing_foreign_key;
pub mod missing_permission;
pub mod missing_primary_key;
pub mod property_not_in_dictionary;
pub mod property_type_mismatch;
pub mod required_mismatch;
pub mod resource_naming;
pub mod shared;
pub mod stale_baseline_entry;
pub mod syntax_error;
pub mod table_not_in_dictionary;
pub mod uncovered_requirement;
pub mod undefined_scope;
pub mod undefined_security_scheme;
pub mod unindexed_foreign_key;
pub mod unknown_requirement;
pub mod unpaginated_list;
pub mod unreadable_file;
pub mod unresolved_ref;
pub mod unsecured_operation;
pub mod untraced_operation;
pub mod unused_suppression;

/// A rule: its stable code, default severity, a one-line summary, and its
/// check and fix functions.
pub struct Rule {
    pub code: &'static str,
    /// The rule's own file: its documentation is the file's `//!` comment,
    /// written once, read at run time ([`Rule::doc`]).
    pub source: &'static str,
    pub default_severity: Severity,
    pub summary: &'static str,
    /// Where its findings point (the README's rule table).
    pub points_at: &'static str,
    pub check: fn(&Index, &mut Vec<Diagnostic>),
    pub fixes: fn(&Index, &Diagnostic) -> Vec<Fix>,
}

impl Rule {
    /// [`Rule::doc`] and how to turn its findings off: per finding, per
    /// path, everywhere (what `specgate rule CODE` prints).
    pub fn full_doc(&self) -> String {
        let c = self.code;
        // Findings about suppressions and the baseline come after them.
        let one = if matches!(c, "unused-suppression" | "stale-baseline-entry") {
            String::new()
        } else {
            format!(
                "One finding: `# specgate-ignore: {c} — reason` on its line or alone on the line \
                 above (`-- …` in SQL, `<!-- … -->` in Markdown), or `x-specgate-ignore: [{c}]` in the \
                 OpenAPI object it is about. "
            )
        };
        format!(
            "{}\n\n**Suppressing.** {one}Some files: `[[overrides]]` with `files = [\"…\"]` and \
             `rules = {{ \"{c}\" = \"off\" }}` in specgate.toml. Everywhere: `[rules] {c} = \"off\"`. \
             Findings that exist today: `specgate check --write-baseline`.",
            self.doc()
        )
    }

    /// The rule's documentation (what, why, example, fix, options): its
    /// file's leading `//!` comment, as Markdown.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                if line.trim().is_empty() {
                    continue;
                }
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out.trim_end().to_string()
    }
}

/// `docs/rules.md`: every rule's documentation, generated from the rule
/// files (a test keeps the file in step; `specgate rule CODE` prints one).
pub fn docs_markdown() -> String {
    let mut s = String::from(
        "# Rules\n\n<!-- Generated from the rule files' documentation (server/crates/engine/src/rules/*.rs); do not edit. `SPECGATE_BLESS=1 cargo test -p specgate-engine rules_doc` rewrites it. -->\n\n",
    );
    for r in ALL {
        s.push_str(&format!(
            "- [`{}`](#{}) ({}): {}\n",
            r.code,
            r.code,
            r.default_severity.as_str(),
            r.summary
        ));
    }
    for r in ALL {
        s.push_str(&format!(
            "\n## {}\n\nDefault severity: `{}`.\n\n{}\n",
            r.code,
            r.default_severity.as_str(),
            r.full_doc()
        ));
    }
    s
}

/// The lines around the README's rule table (which [`readme_table`] writes).
pub const README_TABLE_START: &str =
    "<!-- The rule table is generated from the rule files; `SPECGATE_BLESS=1 cargo test -p specgate-engine rules_doc` rewrites it. -->";
pub const README_TABLE_END: &str = "<!-- end of the rule table -->";

/// The README's rule table: code (linked to its documentation), default
/// severity, what it finds, where it points.
pub fn readme_table() -> String {
    let mut s =
        String::from("| Code | Default | What it finds | Where it points |\n|---|---|---|---|\n");
    for r in ALL {
        s.push_str(&format!(
            "| [`{0}`](docs/rules.md#{0}) | {1} | {2} | {3} |\n",
            r.code,
            r.default_severity.as_str(),
            r.summary,
            r.points_at
        ));
    }
    s
}

pub fn no_fixes(_: &Index, _: &Diagnostic) -> Vec<Fix> {
    Vec::new()
}

/// Every rule, in the order the README lists them.
pub static ALL: &[Rule] = &[
    untraced_operation::RULE,
    unknown_requirement::RULE,
    ambiguous_requirement::RULE,
    duplicate_requirement::RULE,
    uncovered_requirement::RULE,
    missing_error_response::RULE,
    unpaginated_list::RULE,
    unsecured_operation::RULE,
    undefined_security_scheme::RULE,
    undefined_scope::RULE,
    missing_permission::RULE,
    missing_example::RULE,
    inconsistent_error_format::RULE,
    resource_naming::RULE,
    column_not_in_dictionary::RULE,
    table_not_in_dictionary::RULE,
    property_not_in_dictionary::RULE,
    column_type_mismatch::RULE,
    property_type_mismatch::RULE,
    required_mismatch::RULE,
    missing_foreign_key::RULE,
    missing_column::RULE,
    missing_primary_key::RULE,
    unindexed_foreign_key::RULE,
    syntax_error::RULE,
    unresolved_ref::RULE,
    invalid_openapi::RULE,
    invalid_config::RULE,
    unreadable_file::RULE,
    unused_suppression::RULE,
    stale_baseline_entry::RULE,
];

pub fn rule(code: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.code == code)
}

/// Runs every enabled rule; diagnostics come out sorted by file and position.
pub fn check(index: &Index) -> Vec<Diagnostic> {
    let config = index.config();
    let run = |rule: &Rule| -> Vec<Diagnostic> {
        if !config.rule_enabled_somewhere(rule.code, rule.default_severity) {
            return Vec::new();
        }
        let mut out = Vec::new();
        (rule.check)(index, &mut out);
        let overridden = !config.overrides.is_empty();
        let base = config.severity(rule.code, rule.default_severity);
        out.retain_mut(|d| {
            // Per file when `[[overrides]]` exist.
            let sev = if overridden {
                config.severity_in(rule.code, &d.location.file, rule.default_severity)
            } else {
                base
            };
            let Some(sev) = sev else {
                return false;
            };
            // A finding the rule itself made milder (a note once per
            // document, `Diagnostic::at_most`, or a severity set below the
            // `Error` that `Diagnostic::new` starts at) stays that mild.
            d.severity = d.at_most.map_or(sev, |m| m.min(sev)).min(d.severity);
            true
        });
        out
    };
    // The rules are pure functions of the index: on a large API, half of
    // them run on a second thread (the machine has 2+ cores; a keystroke's
    // round and `check` both gain). Small workspaces stay on one thread,
    // where a thread costs more than it saves.
    let big = index.operations.len() >= 200;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut out: Vec<Diagnostic> = if big && threads > 1 {
        // Each thread takes the next rule not yet taken: the rules' costs
        // differ by a hundred times (a fixed half each put the three
        // costliest on one thread), so the two finish together.
        let next = std::sync::atomic::AtomicUsize::new(0);
        let worker = || {
            let mut found = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(rule) = ALL.get(i) else {
                    break found;
                };
                found.extend(run(rule));
            }
        };
        std::thread::scope(|s| {
            let h = s.spawn(worker);
            let mut first: Vec<Diagnostic> = worker();
            // A panicking rule panics the caller as it would on one thread.
            match h.join() {
                Ok(second) => first.extend(second),
                Err(p) => std::panic::resume_unwind(p),
            }
            first
        })
    } else {
        ALL.iter().flat_map(run).collect()
    };
    out.sort_by(|a, b| (&a.location, a.code, &a.message).cmp(&(&b.location, b.code, &b.message)));
    out.dedup_by(|a, b| a.location == b.location && a.code == b.code && a.message == b.message);
    out
}

/// The fixes for one diagnostic.
pub fn fixes(index: &Index, d: &Diagnostic) -> Vec<Fix> {
    rule(d.code)
        .map(|r| (r.fixes)(index, d))
        .unwrap_or_default()
}

/// Where the rule documentation lives (the README's rule list).
pub const DOCS_HOME: &str = "https://github.com/specgate/specgate#rules";

/// Documentation link of one rule (LSP `codeDescription`, SARIF `helpUri`).
pub fn doc_url(code: &str) -> String {
    format!("https://github.com/specgate/specgate/blob/main/docs/rules.md#{code}")
}

#[cfg(test)]
mod doc_tests {
    use super::{README_TABLE_END, README_TABLE_START};

    /// The editor's schema of specgate.toml (completion and validation in
    /// VS Code) knows every rule, in `[rules]` and in `[[overrides]]`, and
    /// every key the config reader accepts there.
    #[test]
    fn the_config_schema_knows_every_rule() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
        let path = root.join("editors/vscode/schemas/specgate.toml.schema.json");
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let rules = &schema["properties"]["rules"]["properties"];
        let in_overrides =
            &schema["properties"]["overrides"]["items"]["properties"]["rules"]["properties"];
        for r in super::ALL {
            assert!(
                rules.get(r.code).is_some(),
                "schema [rules] lacks {}",
                r.code
            );
            assert!(
                in_overrides.get(r.code).is_some(),
                "schema [[overrides]] lacks {}",
                r.code
            );
        }
        // Every option the schema offers is one the reader accepts.
        for (block, rules) in [("rules", rules), ("overrides", in_overrides)] {
            for (code, spec) in rules.as_object().unwrap() {
                let opts = spec["oneOf"][1]["properties"].as_object().unwrap();
                for (opt, o) in opts {
                    let value = match o["type"].as_str() {
                        Some("boolean") => "true".to_string(),
                        Some("array") => "[]".to_string(),
                        _ => match o["enum"].get(0).and_then(|v| v.as_str()) {
                            Some(v) => format!("{v:?}"),
                            None => "\"warning\"".to_string(),
                        },
                    };
                    let text = if block == "rules" {
                        format!("[rules.{code}]\n{opt} = {value}\n")
                    } else {
                        format!(
                            "[[overrides]]\nfiles = [\"**\"]\nrules = {{ \"{code}\" = {{ {opt} = {value} }} }}\n"
                        )
                    };
                    let (_, errors) = crate::config::Config::from_toml(&text);
                    assert!(errors.is_empty(), "{text}: {errors:?}");
                }
            }
        }
    }

    /// `docs/rules.md` and the README's rule table are what the rule files
    /// say; `doc_url` anchors exist.
    #[test]
    fn rules_doc_is_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
        let bless = std::env::var_os("SPECGATE_BLESS").is_some();
        let path = root.join("docs/rules.md");
        let want = super::docs_markdown();
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/rules.md is stale: run `SPECGATE_BLESS=1 cargo test -p specgate-engine rules_doc`"
        );

        let readme_path = root.join("README.md");
        let readme = std::fs::read_to_string(&readme_path).unwrap();
        let (Some(a), Some(b)) = (
            readme.find(README_TABLE_START),
            readme.find(README_TABLE_END),
        ) else {
            panic!("README.md lacks the rule table markers");
        };
        let table_at = a + README_TABLE_START.len() + 1;
        let fresh = format!(
            "{}{}{}",
            &readme[..table_at],
            super::readme_table(),
            &readme[b..]
        );
        if bless {
            std::fs::write(&readme_path, &fresh).unwrap();
        }
        assert!(
            readme[table_at..b] == *super::readme_table(),
            "README.md's rule table is stale: run `SPECGATE_BLESS=1 cargo test -p specgate-engine rules_doc`"
        );
        for r in super::ALL {
            assert!(have.contains(&format!("\n## {}\n", r.code)), "{}", r.code);
            assert!(
                r.doc().starts_with(&format!("`{}`", r.code)),
                "{}: {}",
                r.code,
                r.doc()
            );
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Fixture workspaces in memory and a stable text rendering of findings.
    use crate::diag::Diagnostic;
    use crate::index::Index;
    use crate::workspace::Workspace;

    pub fn index(files: &[(&str, &str)]) -> Index {
        Index::build(Workspace::from_files(files.iter().copied()), None)
    }

    /// `file:line:col code: message` per finding of `code` (all codes when empty).
    pub fn findings(index: &Index, code: &str) -> String {
        let diags: Vec<Diagnostic> = super::check(index)
            .into_iter()
            .filter(|d| code.is_empty() || d.code == code)
            .collect();
        render(index, &diags)
    }

    pub fn render(index: &Index, diags: &[Diagnostic]) -> String {
        let mut s = String::new();
        for d in diags {
            let src = index
                .source(&d.location.file)
                .expect("diagnostic file is indexed");
            let lc = src.line_index.line_col(
                &src.text,
                d.location.span.start,
                specgate_syntax::text::Encoding::Utf32,
            );
            let snippet = &src.text[d.location.span.start as usize..d.location.span.end as usize];
            s.push_str(&format!(
                "{}:{}:{} {}[{}] `{}` {}\n",
                d.location.file,
                lc.line + 1,
                lc.col + 1,
                d.severity.as_str(),
                d.code,
                snippet.lines().next().unwrap_or(""),
                d.message
            ));
        }
        s
    }
}
