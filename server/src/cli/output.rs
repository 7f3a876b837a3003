//! Printing diagnostics: rustc/ruff-like text, JSON, SARIF 2.1.0.

use serde_json::{json, Value};
use specgate_engine::diag::{Diagnostic, Severity, Triage};
use specgate_engine::index::Index;
use specgate_syntax::text::{Encoding, LineCol};
use std::fmt::Write;

/// 1-based line/column (columns in characters) of a diagnostic's start and end.
pub fn position(index: &Index, d: &Diagnostic) -> (LineCol, LineCol) {
    let one = |lc: LineCol| LineCol {
        line: lc.line + 1,
        col: lc.col + 1,
    };
    match index.source(&d.location.file) {
        Some(src) => {
            let s = src
                .line_index
                .line_col(&src.text, d.location.span.start, Encoding::Utf32);
            let e = src
                .line_index
                .line_col(&src.text, d.location.span.end, Encoding::Utf32);
            (one(s), one(e))
        }
        None => (LineCol { line: 1, col: 1 }, LineCol { line: 1, col: 1 }),
    }
}

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

fn sev_color(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
        Severity::Hint => "1;32",
    }
}

pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
    pub files: usize,
}

/// One workspace's findings in a report that may hold several (a
/// monorepo's nested workspaces, or folders with roots of their own).
pub struct Part<'a> {
    pub index: &'a Index,
    pub diags: &'a [Diagnostic],
    /// Put before each workspace-relative path: `""` when one workspace is
    /// reported, else where its root is from the current folder (`svc/a/`).
    pub prefix: String,
}

impl<'a> Part<'a> {
    pub fn one(index: &'a Index, diags: &'a [Diagnostic]) -> Part<'a> {
        Part {
            index,
            diags,
            prefix: String::new(),
        }
    }

    fn path(&self, file: &str) -> String {
        format!("{}{file}", self.prefix)
    }
}

pub fn summarize(index: &Index, diags: &[Diagnostic]) -> Summary {
    summarize_parts(&[Part::one(index, diags)])
}

fn summarize_parts(parts: &[Part]) -> Summary {
    let count = |s| {
        parts
            .iter()
            .flat_map(|p| p.diags)
            .filter(|d| d.severity == s)
            .count()
    };
    Summary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        hints: count(Severity::Hint),
        files: parts.iter().map(|p| p.index.files.len()).sum(),
    }
}

fn plural(n: usize, w: &str) -> String {
    if n == 1 {
        format!("{n} {w}")
    } else {
        format!("{n} {w}s")
    }
}

/// GitHub Actions workflow commands: one annotation per finding on the
/// pull request (`::error file=…,line=…,col=…,title=…::message`).
pub fn github(index: &Index, diags: &[Diagnostic]) -> String {
    github_parts(&[Part::one(index, diags)])
}

/// [`github`] over several workspaces.
pub fn github_parts(parts: &[Part]) -> String {
    // Workflow command values escape `%`, CR and LF (and `,`/`:` in properties).
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for (part, d) in parts
        .iter()
        .flat_map(|p| p.diags.iter().map(move |d| (p, d)))
    {
        let (s, e) = position(part.index, d);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            prop(&part.path(&d.location.file)),
            s.line,
            s.col,
            e.line,
            e.col,
            prop(&format!("specgate {}", d.code)),
            data(&d.message)
        );
    }
    out
}

/// `--statistics`: how many findings each rule reported, most first (and
/// how many were suppressed or baselined), as ruff prints them.
pub fn statistics(diags: &[Diagnostic]) -> String {
    let mut by: std::collections::BTreeMap<&str, (usize, Severity, usize, usize)> =
        Default::default();
    for d in diags {
        let e = by.entry(d.code).or_insert((0, d.severity, 0, 0));
        match d.triage {
            Triage::Reported => {
                e.0 += 1;
                e.1 = e.1.max(d.severity);
            }
            Triage::Suppressed { .. } => e.2 += 1,
            Triage::Baselined => e.3 += 1,
        }
    }
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    let mut out = String::new();
    for (code, (n, sev, sup, base)) in rows {
        let mut extra = Vec::new();
        if sup > 0 {
            extra.push(format!("{sup} suppressed"));
        }
        if base > 0 {
            extra.push(format!("{base} baselined"));
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!("  ({})", extra.join(", "))
        };
        let sev = if n > 0 { sev.as_str() } else { "-" };
        let _ = writeln!(out, "{n:>6}  {code:<28} {sev:<7}{extra}");
    }
    out
}

/// `path:line:col: severity[code] message` with a code frame under it.
pub fn text(index: &Index, diags: &[Diagnostic], color: bool) -> String {
    text_parts(&[Part::one(index, diags)], color)
}

/// [`text`] over several workspaces, with one summary.
pub fn text_parts(parts: &[Part], color: bool) -> String {
    let st = Style { on: color };
    let mut out = String::new();
    for (part, d) in parts
        .iter()
        .flat_map(|p| p.diags.iter().map(move |d| (p, d)))
    {
        let index = part.index;
        let (s, e) = position(index, d);
        let _ = writeln!(
            out,
            "{}: {} {}",
            st.paint(
                "1",
                &format!("{}:{}:{}", part.path(&d.location.file), s.line, s.col)
            ),
            st.paint(
                sev_color(d.severity),
                &format!("{}[{}]", d.severity.as_str(), d.code)
            ),
            d.message
        );
        if let Some(src) = index.source(&d.location.file) {
            let line0 = s.line - 1;
            let ls = src.line_index.line_start(line0) as usize;
            let le = src.line_index.line_end(&src.text, line0) as usize;
            let line = &src.text[ls..le];
            let gutter = s.line.to_string();
            let pad = " ".repeat(gutter.len());
            let width = if e.line == s.line {
                (e.col - s.col).max(1)
            } else {
                (line.chars().count() as u32 + 1 - s.col).max(1)
            };
            let prefix: String = line
                .chars()
                .take(s.col as usize - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} {}", st.paint("1;34", "|"));
            let _ = writeln!(
                out,
                "{} {} {}",
                st.paint("1;34", &gutter),
                st.paint("1;34", "|"),
                line
            );
            let _ = writeln!(
                out,
                "{pad} {} {}{}",
                st.paint("1;34", "|"),
                prefix,
                st.paint(sev_color(d.severity), &"^".repeat(width as usize))
            );
            for r in &d.related {
                if let Some(rs) = index.source(&r.location.file) {
                    let lc =
                        rs.line_index
                            .line_col(&rs.text, r.location.span.start, Encoding::Utf32);
                    let _ = writeln!(
                        out,
                        "{pad} = note: {} ({}:{}:{})",
                        r.message,
                        part.path(&r.location.file),
                        lc.line + 1,
                        lc.col + 1
                    );
                }
            }
            out.push('\n');
        }
    }
    let s = summarize_parts(parts);
    if parts.iter().all(|p| p.diags.is_empty()) {
        let _ = writeln!(
            out,
            "{} No findings in {}.",
            st.paint("1;32", "✓"),
            plural(s.files, "file")
        );
    } else {
        let mut counts = vec![plural(s.errors, "error"), plural(s.warnings, "warning")];
        if s.infos > 0 {
            counts.push(plural(s.infos, "info"));
        }
        if s.hints > 0 {
            counts.push(plural(s.hints, "hint"));
        }
        let files: std::collections::BTreeSet<_> = parts
            .iter()
            .flat_map(|p| p.diags.iter().map(|d| p.path(&d.location.file)))
            .collect();
        let _ = writeln!(
            out,
            "Found {} in {} ({} checked).",
            counts.join(", "),
            plural(files.len(), "file"),
            plural(s.files, "file")
        );
    }
    out
}

pub fn json(index: &Index, diags: &[Diagnostic]) -> String {
    json_parts(&[Part::one(index, diags)])
}

/// [`json`] over several workspaces.
pub fn json_parts(parts: &[Part]) -> String {
    let items: Vec<Value> = parts
        .iter()
        .flat_map(|p| p.diags.iter().map(move |d| (p, d)))
        .map(|(part, d)| {
            let (s, e) = position(part.index, d);
            json!({
                "path": part.path(&d.location.file),
                "line": s.line,
                "column": s.col,
                "end_line": e.line,
                "end_column": e.col,
                "severity": d.severity.as_str(),
                "code": d.code,
                "message": d.message,
            })
        })
        .collect();
    let s = summarize_parts(parts);
    let v = json!({
        "diagnostics": items,
        "summary": {
            "errors": s.errors,
            "warnings": s.warnings,
            "infos": s.infos,
            "hints": s.hints,
            "files_checked": s.files,
        }
    });
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
    out.push('\n');
    out
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// SARIF 2.1.0 as GitHub code scanning reads it: rules in the driver,
/// results with region lines/columns (columns counted in code points).
/// Every finding, suppressed and baselined ones included (as SARIF
/// `suppressions`), with `partialFingerprints` from the finding's stable key
/// (the baseline's), so that code scanning follows a finding across edits.
pub fn sarif(index: &Index, diags: &[Diagnostic]) -> String {
    sarif_parts(&[Part::one(index, diags)])
}

/// [`sarif`] over several workspaces: one run, paths from the current folder.
pub fn sarif_parts(parts: &[Part]) -> String {
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    let rules: Vec<Value> = specgate_engine::rules::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.code,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "helpUri": specgate_engine::rules::doc_url(r.code),
                "defaultConfiguration": { "level": sarif_level(r.default_severity) },
            })
        })
        .collect();
    let results: Vec<Value> = parts
        .iter()
        .flat_map(|p| p.diags.iter().map(move |d| (p, d)))
        .map(|(part, d)| {
            let index = part.index;
            let (s, e) = position(index, d);
            let rule_index = specgate_engine::rules::ALL
                .iter()
                .position(|r| r.code == d.code)
                .unwrap_or(0);
            // The key's file is workspace-relative; a prefix keeps two
            // workspaces' keys apart.
            let key = specgate_engine::baseline::key::FindingKey::of(index, d).fingerprint();
            let print = if part.prefix.is_empty() {
                key
            } else {
                format!("{}{key}", part.prefix)
            };
            // The n-th finding with one key gets its own fingerprint.
            let n = seen.entry(print.clone()).or_default();
            *n += 1;
            let fingerprint = format!("{print}:{n}");
            let suppressions = match &d.triage {
                Triage::Reported => None,
                Triage::Suppressed { reason } => Some(json!([{
                    "kind": "inSource",
                    "justification": reason.clone().unwrap_or_default(),
                }])),
                Triage::Baselined => Some(json!([{
                    "kind": "external",
                    "justification": "in the baseline",
                }])),
            };
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": rule_index,
                "level": sarif_level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": part.path(&d.location.file), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": s.line, "startColumn": s.col,
                            "endLine": e.line, "endColumn": e.col,
                        }
                    }
                }],
                "partialFingerprints": { "specgateFindingKey/v1": fingerprint },
            });
            if let Some(s) = suppressions {
                result["suppressions"] = s;
            }
            result
        })
        .collect();
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "specgate",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": specgate_engine::rules::DOCS_HOME,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_default();
    out.push('\n');
    out
}
