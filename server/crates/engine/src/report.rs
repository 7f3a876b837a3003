//! The design review page: the gate checklist, requirement coverage, the
//! endpoint inventory, the data model and the findings, as data
//! ([`Report`], also `--format json`) and as one self-contained HTML page
//! ([`Report::to_html`]: inline CSS and SVG, no network; readable without
//! JavaScript, sortable and filterable with it).

use crate::diag::{Diagnostic, Severity, Triage};
use crate::index::Index;
use crate::inventory::{self, InvRequirement};
use crate::model::openapi::Operation;
use serde::Serialize;
use specgate_syntax::text::Encoding;
use std::collections::BTreeMap;

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Report {
    /// The workspace's folder name.
    pub workspace: String,
    pub checklist: Vec<GateItem>,
    /// Requirements covered by priority and release.
    pub coverage: Vec<CoverageBar>,
    pub requirements: Vec<InvRequirement>,
    pub operations: Vec<EndpointRow>,
    pub data_model: Vec<EntityRow>,
    pub rule_counts: Vec<RuleCount>,
    pub findings: Vec<FindingRow>,
}

/// One item of the design phase's gate, computed from the findings.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct GateItem {
    pub id: &'static str,
    pub title: &'static str,
    pub passed: bool,
    pub reason: String,
    /// The rules whose findings decide it.
    pub rules: Vec<&'static str>,
    /// Their reported findings.
    pub findings: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct CoverageBar {
    /// `P0`, `P1`, …, `no priority`, `MVP`.
    pub label: String,
    pub covered: usize,
    pub total: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Responses {
    pub success: bool,
    pub validation: bool,
    pub unauthorized: bool,
    pub not_found: bool,
    pub server_error: bool,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct EndpointRow {
    /// `METHOD /path`, the requirement matrix's column.
    pub label: String,
    pub method: String,
    pub path: String,
    pub operation_id: Option<String>,
    pub requirements: Vec<String>,
    pub auth: String,
    /// `paginated`, `not paginated` or `—` (not a list).
    pub pagination: String,
    pub responses: Responses,
    pub file: String,
    pub line: u32,
    /// Reported findings inside the operation.
    pub findings: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct EntityRow {
    pub entity: String,
    /// `file:line` of its dictionary entry; empty for a table no entity has.
    pub dictionary: String,
    pub table: Option<String>,
    pub schemas: Vec<String>,
    /// Reported findings of the data-model rules about it.
    pub findings: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct RuleCount {
    pub code: &'static str,
    pub severity: &'static str,
    pub reported: usize,
    pub suppressed: usize,
    pub baselined: usize,
}

#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub code: &'static str,
    pub severity: &'static str,
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// `reported`, `suppressed` or `baselined`.
    pub triage: &'static str,
}

/// The rules of each gate item.
const GATE: &[(&str, &str, &[&str])] = &[
    (
        "traced",
        "Every endpoint traces to a requirement that exists",
        &[
            "untraced-operation",
            "unknown-requirement",
            "ambiguous-requirement",
            "duplicate-requirement",
        ],
    ),
    (
        "covered",
        "Every P0 (or MVP) requirement has an endpoint",
        &["uncovered-requirement"],
    ),
    (
        "responses",
        "Every endpoint has success, error and validation responses",
        &["missing-error-response"],
    ),
    (
        "paginated",
        "Every list endpoint is paginated",
        &["unpaginated-list"],
    ),
    (
        "data-model",
        "The schema is aligned with the data dictionary",
        &[
            "table-not-in-dictionary",
            "column-not-in-dictionary",
            "property-not-in-dictionary",
            "column-type-mismatch",
            "property-type-mismatch",
            "required-mismatch",
            "missing-foreign-key",
            "missing-column",
            "missing-primary-key",
            "unindexed-foreign-key",
        ],
    ),
    (
        "auth",
        "Auth and permissions are designed",
        &[
            "unsecured-operation",
            "undefined-security-scheme",
            "undefined-scope",
            "missing-permission",
        ],
    ),
    (
        "conventions",
        "One error format and consistent resource naming",
        &["inconsistent-error-format", "resource-naming"],
    ),
    (
        "examples",
        "Every endpoint has examples",
        &["missing-example"],
    ),
    (
        "valid",
        "Every file is valid and every $ref resolves",
        &[
            "syntax-error",
            "unresolved-ref",
            "invalid-openapi",
            "invalid-config",
            "unreadable-file",
        ],
    ),
];

fn triage_name(t: &Triage) -> &'static str {
    match t {
        Triage::Reported => "reported",
        Triage::Suppressed { .. } => "suppressed",
        Triage::Baselined => "baselined",
    }
}

fn line_col(index: &Index, file: &str, offset: u32) -> (u32, u32) {
    index
        .source(file)
        .map(|s| {
            let lc = s.line_index.line_col(&s.text, offset, Encoding::Utf32);
            (lc.line + 1, lc.col + 1)
        })
        .unwrap_or((1, 1))
}

impl Report {
    /// The report of `index`; `diags` are `triage::check(index)`.
    pub fn build(index: &Index, diags: &[Diagnostic]) -> Report {
        let reported: Vec<&Diagnostic> = diags
            .iter()
            .filter(|d| d.triage == Triage::Reported)
            .collect();
        let count = |codes: &[&str]| reported.iter().filter(|d| codes.contains(&d.code)).count();
        let inv = inventory::build(index, None);

        // Coverage, by priority and release.
        let mut bars: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for r in &inv.requirements {
            let p = r.priority.clone().unwrap_or_else(|| "no priority".into());
            let e = bars.entry(p).or_default();
            e.1 += 1;
            e.0 += usize::from(!r.operations.is_empty());
            if r.release.is_some() {
                let e = bars.entry("MVP".into()).or_default();
                e.1 += 1;
                e.0 += usize::from(!r.operations.is_empty());
            }
        }
        let mut coverage: Vec<CoverageBar> = bars
            .into_iter()
            .map(|(label, (covered, total))| CoverageBar {
                label,
                covered,
                total,
            })
            .collect();
        // P0, P1, …, then requirements without a priority, then the MVP.
        coverage.sort_by_key(|b| match b.label.as_str() {
            "MVP" => 2,
            "no priority" => 1,
            _ => 0,
        });

        // The checklist.
        let ops: Vec<&Operation> = index.operations.iter().filter(|o| !o.webhook).collect();
        let checklist = GATE
            .iter()
            .map(|(id, title, rules)| {
                let n = count(rules);
                let reason = if n == 0 {
                    match *id {
                        "traced" => format!("all {} operations trace to a requirement", ops.len()),
                        "covered" => "every requirement that needs an endpoint has one".into(),
                        _ => "no finding".into(),
                    }
                } else {
                    let mut by_rule: Vec<String> = rules
                        .iter()
                        .filter_map(|r| {
                            let k = count(&[r]);
                            (k > 0).then(|| format!("{k} {r}"))
                        })
                        .collect();
                    by_rule.sort();
                    by_rule.join(", ")
                };
                GateItem {
                    id,
                    title,
                    passed: n == 0,
                    reason,
                    rules: rules.to_vec(),
                    findings: n,
                }
            })
            .collect();

        // The endpoint inventory. Findings by file: each operation looks
        // only at its own file's.
        let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
        for d in &reported {
            by_file.entry(&*d.location.file).or_default().push(d);
        }
        let operations = ops
            .iter()
            .zip(inv.operations.iter())
            .map(|(o, row)| {
                let in_file = by_file.get(&*o.file).map(Vec::as_slice).unwrap_or_default();
                let inside: Vec<&&Diagnostic> = in_file
                    .iter()
                    .filter(|d| o.span.contains(d.location.span.start))
                    .collect();
                let unpaged = in_file.iter().any(|d| {
                    d.code == "unpaginated-list"
                        && (o.span.contains(d.location.span.start)
                            || d.location.span == o.method_span)
                });
                let list = (o.method == "GET" || o.method == "QUERY")
                    && crate::index::lists::list_shape(index, o).is_some();
                let pagination = if unpaged {
                    "not paginated"
                } else if list {
                    "paginated"
                } else {
                    "—"
                };
                let codes: Vec<String> = index
                    .op_responses(o)
                    .iter()
                    .map(|(e, _, _)| e.key.to_ascii_uppercase())
                    .collect();
                let has = |f: &dyn Fn(&str) -> bool| codes.iter().any(|c| f(c));
                EndpointRow {
                    label: o.label(),
                    method: row.method.clone(),
                    path: row.path.clone(),
                    operation_id: row.operation_id.clone(),
                    requirements: row.requirements.clone(),
                    auth: row.auth.clone(),
                    pagination: pagination.into(),
                    responses: Responses {
                        success: has(&|c| c.starts_with('2')),
                        validation: has(&|c| c == "400" || c == "422" || c == "4XX"),
                        unauthorized: has(&|c| c == "401" || c == "4XX"),
                        not_found: has(&|c| c == "404" || c == "4XX"),
                        server_error: has(&|c| c.starts_with('5') || c == "DEFAULT"),
                    },
                    file: row.file.clone(),
                    line: row.line,
                    findings: inside.len(),
                }
            })
            .collect();

        // The data model: each entity with its table and schemas.
        let model_rules = GATE
            .iter()
            .find(|(id, _, _)| *id == "data-model")
            .map(|(_, _, r)| *r)
            .unwrap_or_default();
        let model_findings: Vec<&&Diagnostic> = reported
            .iter()
            .filter(|d| model_rules.contains(&d.code))
            .collect();
        let schemas = crate::rules::property_not_in_dictionary::entity_schemas(index);
        let mut data_model = Vec::new();
        let mut tables_seen: Vec<String> = Vec::new();
        for df in &index.dictionaries {
            let Some(crate::index::Parsed::Dictionary(dict, _)) = index.parsed(df) else {
                continue;
            };
            for e in &dict.entities {
                let table =
                    crate::rules::shared::alignment::entity_table(index, e).map(|t| t.name.clone());
                tables_seen.extend(table.clone());
                let names: Vec<String> = schemas
                    .iter()
                    .filter(|s| std::ptr::eq(s.3, e))
                    .map(|s| s.0.clone())
                    .collect();
                let mentions = |d: &Diagnostic| {
                    d.message.contains(&format!(" {}.", e.name))
                        || d.message.contains(&format!("entity {} ", e.name))
                        || table.as_ref().is_some_and(|t| {
                            d.message.contains(&format!("`{t}`"))
                                || d.message.contains(&format!("`{t}."))
                        })
                };
                let findings = model_findings.iter().filter(|d| mentions(d)).count();
                data_model.push(EntityRow {
                    entity: e.name.clone(),
                    dictionary: format!("{df}:{}", line_col(index, df, e.span.start).0),
                    table,
                    schemas: names,
                    findings,
                });
            }
        }
        for t in &index.sql_schema().tables {
            if t.created && !tables_seen.contains(&t.name) {
                data_model.push(EntityRow {
                    entity: String::new(),
                    dictionary: String::new(),
                    table: Some(t.name.clone()),
                    schemas: Vec::new(),
                    findings: model_findings
                        .iter()
                        .filter(|d| {
                            d.message.contains(&format!("`{}`", t.name))
                                || d.message.contains(&format!("`{}.", t.name))
                        })
                        .count(),
                });
            }
        }

        // Findings, counted per rule.
        let mut counts: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
        // The highest severity each rule reported, shown with its count.
        let mut worst: BTreeMap<&'static str, Severity> = BTreeMap::new();
        let mut findings = Vec::new();
        for d in diags {
            let c = counts.entry(d.code).or_insert(RuleCount {
                code: d.code,
                severity: d.severity.as_str(),
                reported: 0,
                suppressed: 0,
                baselined: 0,
            });
            match d.triage {
                Triage::Reported => c.reported += 1,
                Triage::Suppressed { .. } => c.suppressed += 1,
                Triage::Baselined => c.baselined += 1,
            }
            let w = worst.entry(d.code).or_insert(d.severity);
            *w = (*w).max(d.severity);
            c.severity = w.as_str();
            let (line, column) = line_col(index, &d.location.file, d.location.span.start);
            findings.push(FindingRow {
                code: d.code,
                severity: d.severity.as_str(),
                file: d.location.file.to_string(),
                line,
                column,
                message: d.message.clone(),
                triage: triage_name(&d.triage),
            });
        }
        let mut rule_counts: Vec<RuleCount> = counts.into_values().collect();
        rule_counts.sort_by(|a, b| {
            (b.reported + b.suppressed + b.baselined)
                .cmp(&(a.reported + a.suppressed + a.baselined))
                .then(a.code.cmp(b.code))
        });
        Report {
            workspace: index
                .ws
                .root
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("workspace")
                .to_string(),
            checklist,
            coverage,
            requirements: inv.requirements,
            operations,
            data_model,
            rule_counts,
            findings,
        }
    }
}

// ---------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Markdown code spans (`` `bearerAuth` ``, as the inventory writes them)
/// as `<code>`; everything else escaped.
fn code_spans(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("<code>{}</code>", esc(part)));
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "<td class=\"ok\">✓</td>"
    } else {
        "<td class=\"bad\">✗</td>"
    }
}

const STYLE: &str = r#"
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--muted:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328}
header{background:#0d1117;color:#fff;padding:18px 28px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;color:#9da7b3}
main{padding:8px 28px 40px;max-width:1400px}nav{margin:12px 0;display:flex;gap:14px;flex-wrap:wrap}nav a{color:#0969da;text-decoration:none}
h2{margin:28px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line);font-size:17px}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--bg);position:sticky;top:0}th.sortable{cursor:pointer}th.sortable:after{content:" ↕";color:var(--muted)}
td.ok,span.ok{color:var(--ok);font-weight:600}td.bad,span.bad{color:var(--bad);font-weight:600}td.c{text-align:center}
.gate li{list-style:none;margin:6px 0;padding:8px 12px;border-radius:6px;border:1px solid var(--line)}
.gate li.pass{background:#dafbe1;border-color:#aceebb}.gate li.fail{background:#ffebe9;border-color:#ffcecb}
.gate b{display:inline-block;width:1.4em}.gate .why{color:var(--muted);margin-left:1.6em;display:block}
.sev-error{color:var(--bad)}.sev-warning{color:var(--warn)}.sev-info,.sev-hint{color:var(--muted)}
.filter{margin:4px 0;padding:4px 8px;width:320px;border:1px solid var(--line);border-radius:4px}
.muted{color:var(--muted)}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace}
.matrix td.hit{background:#dafbe1;text-align:center}.matrix th.op{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:normal}
details{margin:4px 0}pre{white-space:pre-wrap;background:var(--bg);padding:8px;border-radius:6px}
"#;

const SCRIPT: &str = r#"
document.querySelectorAll('table.sortable').forEach(function(t){
  t.querySelectorAll('th').forEach(function(th,i){
    th.classList.add('sortable');
    th.addEventListener('click',function(){
      var body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows),asc=th.dataset.asc!=='1';
      rows.sort(function(a,b){
        var x=a.cells[i]?a.cells[i].textContent.trim():'',y=b.cells[i]?b.cells[i].textContent.trim():'';
        var nx=parseFloat(x),ny=parseFloat(y);
        var c=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y);
        return asc?c:-c;});
      rows.forEach(function(r){body.appendChild(r);});
      th.dataset.asc=asc?'1':'0';});});});
document.querySelectorAll('input.filter').forEach(function(inp){
  inp.hidden=false;
  var t=document.getElementById(inp.dataset.table);
  inp.addEventListener('input',function(){
    var q=inp.value.toLowerCase();
    Array.prototype.forEach.call(t.tBodies[0].rows,function(r){
      r.hidden=q!==''&&r.textContent.toLowerCase().indexOf(q)<0;});});});
"#;

fn filter(table: &str) -> String {
    format!("<input class=\"filter\" hidden placeholder=\"Filter…\" data-table=\"{table}\">")
}

/// Horizontal bars: covered (green) of total, one per label.
fn coverage_svg(bars: &[CoverageBar]) -> String {
    let h = 26 * bars.len().max(1) + 10;
    let mut s = format!(
        "<svg role=\"img\" aria-label=\"Requirements covered\" width=\"560\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 6 + i * 26;
        let w = 360.0;
        let cw = if b.total == 0 {
            0.0
        } else {
            w * b.covered as f64 / b.total as f64
        };
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text><rect x=\"100\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"#ffebe9\"/><rect class=\"covered\" x=\"100\" y=\"{y}\" width=\"{cw:.1}\" height=\"18\" fill=\"#2da44e\"/><text x=\"470\" y=\"{}\" font-size=\"13\">{} / {}</text>",
            y + 14,
            esc(&b.label),
            y + 14,
            b.covered,
            b.total
        ));
    }
    s.push_str("</svg>");
    s
}

/// Bars of reported findings per rule, coloured by severity.
fn findings_svg(counts: &[RuleCount]) -> String {
    let shown: Vec<&RuleCount> = counts.iter().filter(|c| c.reported > 0).collect();
    let max = shown.iter().map(|c| c.reported).max().unwrap_or(1).max(1);
    let h = 22 * shown.len().max(1) + 8;
    let mut s = format!(
        "<svg role=\"img\" aria-label=\"Findings per rule\" width=\"640\" height=\"{h}\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    for (i, c) in shown.iter().enumerate() {
        let y = 4 + i * 22;
        let w = 300.0 * c.reported as f64 / max as f64;
        let color = match c.severity {
            "error" => "#cf222e",
            "warning" => "#bf8700",
            _ => "#8c959f",
        };
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text><rect x=\"220\" y=\"{y}\" width=\"{w:.1}\" height=\"16\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 12,
            c.code,
            226.0 + w,
            y + 12,
            c.reported
        ));
    }
    s.push_str("</svg>");
    s
}

impl Report {
    /// The page: one HTML file with everything inline.
    pub fn to_html(&self) -> String {
        let mut h = String::with_capacity(64 << 10);
        let passed = self.checklist.iter().filter(|g| g.passed).count();
        h.push_str(&format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>Design review: {}</title><style>{STYLE}</style></head><body>",
            esc(&self.workspace)
        ));
        let reported: usize = self.rule_counts.iter().map(|c| c.reported).sum();
        h.push_str(&format!(
            "<header><h1>Design review: {}</h1><p>Gate: <span id=\"gate-summary\">{passed} of {} items pass</span> · {} requirements · {} endpoints · <span id=\"finding-total\">{reported}</span> findings</p></header><main>",
            esc(&self.workspace),
            self.checklist.len(),
            self.requirements.len(),
            self.operations.len()
        ));
        h.push_str("<nav><a href=\"#gate\">Gate checklist</a><a href=\"#coverage\">Coverage</a><a href=\"#endpoints\">Endpoints</a><a href=\"#data-model\">Data model</a><a href=\"#findings\">Findings</a></nav>");

        // Gate checklist.
        h.push_str("<h2 id=\"gate\">Gate checklist</h2><ul class=\"gate\">");
        for g in &self.checklist {
            h.push_str(&format!(
                "<li id=\"gate-{}\" class=\"{}\" data-findings=\"{}\"><b>{}</b>{}<span class=\"why\">{}</span></li>",
                g.id,
                if g.passed { "pass" } else { "fail" },
                g.findings,
                if g.passed { "✓" } else { "✗" },
                esc(g.title),
                esc(&g.reason)
            ));
        }
        h.push_str("</ul>");

        // Coverage.
        h.push_str("<h2 id=\"coverage\">Requirement coverage</h2>");
        h.push_str(&coverage_svg(&self.coverage));
        let traced: Vec<&EndpointRow> = self
            .operations
            .iter()
            .filter(|o| !o.requirements.is_empty())
            .collect();
        h.push_str(&filter("matrix"));
        h.push_str("<table id=\"matrix\" class=\"matrix sortable\"><thead><tr><th>ID</th><th>Requirement</th><th>Priority</th><th>Release</th><th>Actor</th><th>Endpoints</th>");
        let wide = traced.len() > 40;
        if !wide {
            for (i, o) in self.operations.iter().enumerate() {
                if !o.requirements.is_empty() {
                    h.push_str(&format!(
                        "<th class=\"op\"><a href=\"#op-{i}\">{}</a></th>",
                        esc(&o.label)
                    ));
                }
            }
        }
        h.push_str("</tr></thead><tbody>");
        for r in &self.requirements {
            h.push_str(&format!(
                "<tr id=\"req-{}\" data-covered=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td>",
                esc(&r.id),
                !r.operations.is_empty(),
                esc(&r.id),
                esc(&r.title),
                esc(r.priority.as_deref().unwrap_or("")),
                esc(r.release.as_deref().unwrap_or("")),
                esc(r.actor.as_deref().unwrap_or("")),
                if r.operations.is_empty() { "bad" } else { "ok" },
                if r.operations.is_empty() {
                    "none".to_string()
                } else {
                    r.operations.len().to_string()
                }
            ));
            if !wide {
                for o in &traced {
                    if r.operations.contains(&o.label) {
                        h.push_str("<td class=\"hit\">●</td>");
                    } else {
                        h.push_str("<td></td>");
                    }
                }
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table>");
        if wide {
            h.push_str("<p class=\"muted\">More than 40 traced endpoints: the Endpoints column counts them; the inventory below lists each endpoint's requirements.</p>");
        }

        // Endpoint inventory.
        h.push_str("<h2 id=\"endpoints\">Endpoint inventory</h2>");
        h.push_str(&filter("endpoint-table"));
        h.push_str("<table id=\"endpoint-table\" class=\"sortable\"><thead><tr><th>Method</th><th>Path</th><th>operationId</th><th>FR-IDs</th><th>Auth</th><th>Pagination</th><th>2xx</th><th>400/422</th><th>401</th><th>404</th><th>5xx</th><th>Findings</th><th>Where</th></tr></thead><tbody>");
        for (i, o) in self.operations.iter().enumerate() {
            let r = &o.responses;
            h.push_str(&format!(
                "<tr id=\"op-{i}\"><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td>{}{}{}{}{}<td>{}</td><td><code>{}:{}</code></td></tr>",
                esc(&o.method),
                esc(&o.path),
                esc(o.operation_id.as_deref().unwrap_or("")),
                if o.requirements.is_empty() {
                    "<span class=\"bad\">none</span>".to_string()
                } else {
                    esc(&o.requirements.join(", "))
                },
                code_spans(&o.auth),
                match o.pagination.as_str() {
                    "not paginated" => "bad",
                    "paginated" => "ok",
                    _ => "",
                },
                esc(&o.pagination),
                mark(r.success),
                mark(r.validation),
                mark(r.unauthorized),
                mark(r.not_found),
                mark(r.server_error),
                o.findings,
                esc(&o.file),
                o.line
            ));
        }
        h.push_str("</tbody></table>");

        // Data model.
        h.push_str("<h2 id=\"data-model\">Data model</h2><table id=\"data-model-table\" class=\"sortable\"><thead><tr><th>Entity</th><th>Dictionary</th><th>Table</th><th>API schemas</th><th>Alignment</th></tr></thead><tbody>");
        for e in &self.data_model {
            h.push_str(&format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>",
                if e.entity.is_empty() {
                    "<span class=\"bad\">not in the dictionary</span>".to_string()
                } else {
                    esc(&e.entity)
                },
                esc(&e.dictionary),
                e.table
                    .as_deref()
                    .map(|t| format!("<code>{}</code>", esc(t)))
                    .unwrap_or_else(|| "—".into()),
                if e.schemas.is_empty() {
                    "—".to_string()
                } else {
                    esc(&e.schemas.join(", "))
                },
                if e.findings == 0 { "ok" } else { "bad" },
                if e.findings == 0 {
                    "aligned".to_string()
                } else {
                    format!("{} findings", e.findings)
                }
            ));
        }
        h.push_str("</tbody></table>");

        // Findings.
        h.push_str("<h2 id=\"findings\">Findings</h2>");
        h.push_str(&findings_svg(&self.rule_counts));
        h.push_str("<table id=\"rule-counts\" class=\"sortable\"><thead><tr><th>Rule</th><th>Severity</th><th>Reported</th><th>Suppressed</th><th>Baselined</th></tr></thead><tbody>");
        for c in &self.rule_counts {
            h.push_str(&format!(
                "<tr data-rule=\"{}\"><td><a href=\"#rule-{}\"><code>{}</code></a></td><td class=\"sev-{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                c.code, c.code, c.code, c.severity, c.severity, c.reported, c.suppressed, c.baselined
            ));
        }
        h.push_str("</tbody></table>");
        for (title, which) in [
            ("Reported", "reported"),
            ("Suppressed", "suppressed"),
            ("Baselined", "baselined"),
        ] {
            let rows: Vec<&FindingRow> =
                self.findings.iter().filter(|f| f.triage == which).collect();
            if rows.is_empty() && which != "reported" {
                continue;
            }
            let id = format!("findings-{which}");
            h.push_str(&format!("<h3>{title} ({})</h3>", rows.len()));
            h.push_str(&filter(&id));
            h.push_str(&format!("<table id=\"{id}\" class=\"sortable\"><thead><tr><th>Where</th><th>Severity</th><th>Rule</th><th>Message</th></tr></thead><tbody>"));
            for f in rows {
                h.push_str(&format!(
                    "<tr><td><code>{}:{}:{}</code></td><td class=\"sev-{}\">{}</td><td><a href=\"#rule-{}\"><code>{}</code></a></td><td>{}</td></tr>",
                    esc(&f.file),
                    f.line,
                    f.column,
                    f.severity,
                    f.severity,
                    f.code,
                    f.code,
                    esc(&f.message)
                ));
            }
            h.push_str("</tbody></table>");
        }

        // The documentation of every rule that has findings.
        h.push_str("<h2 id=\"rules\">Rules</h2>");
        for c in &self.rule_counts {
            if let Some(r) = crate::rules::rule(c.code) {
                h.push_str(&format!(
                    "<details id=\"rule-{}\"><summary><code>{}</code>: {}</summary><pre>{}</pre></details>",
                    r.code,
                    r.code,
                    esc(r.summary),
                    esc(&r.full_doc())
                ));
            }
        }
        h.push_str(&format!(
            "<p class=\"muted\">Written by specgate {}.</p></main><script>{SCRIPT}</script></body></html>\n",
            env!("CARGO_PKG_VERSION")
        ));
        h
    }
}

#[cfg(test)]
mod tests {
    use super::Report;
    use crate::index::Index;
    use crate::workspace::Workspace;

    fn report(files: &[(&str, &str)]) -> Report {
        let index = Index::build(Workspace::from_files(files.iter().copied()), None);
        let diags = crate::triage::check(&index);
        Report::build(&index, &diags)
    }

    const PRD: &str = "# PRD\n\n| ID | Requirement | Priority | Release |\n|---|---|---|---|\n| FR-001 | Patients can view their profile | P0 | MVP |\n| FR-002 | Clinic admins can export visits | P1 | |\n";
    const API: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\ncomponents:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\nsecurity: [{bearer: []}]\npaths:\n  /patients/{id}:\n    get:\n      x-fr-ids: [FR-001]\n      parameters: [{name: id, in: path, required: true, schema: {type: string}}]\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: object}, example: {}}}}\n        '400': {description: bad, content: {application/json: {schema: {type: object}}}}\n        '401': {description: no, content: {application/json: {schema: {type: object}}}}\n        '404': {description: none, content: {application/json: {schema: {type: object}}}}\n        '500': {description: oops, content: {application/json: {schema: {type: object}}}}\n  /visits:\n    get:\n      responses:\n        '200': {description: ok}\n";

    #[test]
    fn checklist_coverage_and_inventory_come_from_the_findings() {
        let r = report(&[("prd.md", PRD), ("openapi.yaml", API)]);
        let item = |id: &str| r.checklist.iter().find(|g| g.id == id).unwrap();
        assert!(!item("traced").passed, "{:?}", item("traced"));
        assert!(item("traced").reason.contains("1 untraced-operation"));
        assert!(item("covered").passed, "{:?}", item("covered"));
        assert!(item("auth").passed, "{:?}", item("auth"));
        let p0 = r.coverage.iter().find(|b| b.label == "P0").unwrap();
        assert_eq!((p0.covered, p0.total), (1, 1));
        let p1 = r.coverage.iter().find(|b| b.label == "P1").unwrap();
        assert_eq!((p1.covered, p1.total), (0, 1));
        let get = r
            .operations
            .iter()
            .find(|o| o.path == "/patients/{id}")
            .unwrap();
        assert!(get.responses.success && get.responses.validation && get.responses.server_error);
        assert_eq!(get.requirements, vec!["FR-001"]);
        let visits = r.operations.iter().find(|o| o.path == "/visits").unwrap();
        assert!(!visits.responses.validation);
        assert!(visits.findings > 0);
        let html = r.to_html();
        assert!(html.contains("id=\"gate-traced\" class=\"fail\""), "{html}");
        assert!(html.contains("id=\"gate-covered\" class=\"pass\""));
        // The matrix: FR-001 has a hit in the column of its endpoint.
        assert!(html.contains("<tr id=\"req-FR-001\" data-covered=\"true\">"));
        assert!(html.contains("<td class=\"hit\">●</td>"));
        // Self-contained: nothing fetched.
        assert!(
            !html.contains("http://")
                || html.matches("http://").count()
                    == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
        );
        assert!(!html.contains("https://"));
    }

    #[test]
    fn escapes_what_it_shows() {
        let prd = "# PRD\n\n| ID | Requirement | Priority |\n|---|---|---|\n| FR-001 | <script>alert(1)</script> & more | P0 |\n";
        let html = report(&[("prd.md", prd)]).to_html();
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
    }
}
