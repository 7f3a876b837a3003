//! `specgate.toml`: which files are what, how IDs look, rule severities and options.
//!
//! Every key is optional; the defaults discover a typical workspace without
//! any configuration. A bad config never aborts: it becomes `invalid-config`
//! diagnostics at the offending key, and the rest of the file still applies.

use crate::diag::Severity;
use regex::Regex;
use serde::Deserialize;
use specgate_syntax::tree::Span;
use std::collections::BTreeMap;
use toml::Spanned;

pub const CONFIG_FILE: &str = "specgate.toml";

/// Rule severity as configured; `Off` disables the rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "off" | "none" | "ignore" => Level::Off,
            "hint" => Level::On(Severity::Hint),
            "info" | "information" => Level::On(Severity::Info),
            "warning" | "warn" => Level::On(Severity::Warning),
            "error" => Level::On(Severity::Error),
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseMode {
    /// Every P0 requirement must be covered.
    Full,
    /// Only MVP-tagged requirements must be covered.
    Mvp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaginationStyle {
    Cursor,
    Offset,
    Page,
}

/// What `table-not-in-dictionary` says when the workspace has no data
/// dictionary at all (`[rules.table-not-in-dictionary] when_no_dictionary`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenNoDictionary {
    /// One finding for the workspace, at its first created table.
    Once,
    /// Nothing.
    Off,
}

/// What `untraced-operation` reports when the workspace has no PRD at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WhenNoPrd {
    /// One finding for the workspace, at the first API root.
    Once,
    /// Nothing.
    Off,
}

#[derive(Clone, Debug)]
pub struct Config {
    /// Globs (relative to the root) of PRD Markdown files.
    pub prd_globs: Vec<String>,
    /// Globs of data dictionary files (Markdown, YAML, JSON, CSV).
    pub dictionary_globs: Vec<String>,
    /// Extra globs of OpenAPI documents (besides detection by content).
    pub openapi_globs: Vec<String>,
    pub sql_globs: Vec<String>,
    pub exclude_globs: Vec<String>,
    /// Files larger than this many bytes are skipped (and reported).
    pub max_file_size: u64,
    pub id_patterns: Vec<String>,
    /// The compiled alternation of `id_patterns`.
    pub id_regex: Regex,
    /// Operation keys holding FR-IDs (`x-fr-ids`).
    pub trace_keys: Vec<String>,
    /// Where in an operation an FR-ID counts as a trace.
    pub trace_from: TraceFrom,
    /// Forced release mode; `None` reads `Release Mode:` from each PRD.
    pub release_mode: Option<ReleaseMode>,
    pub severities: BTreeMap<String, Level>,
    pub pagination_params: Vec<String>,
    pub pagination_fields: Vec<String>,
    pub pagination_default: PaginationStyle,
    /// Which response classes `missing-error-response` requires.
    pub required_responses: Vec<String>,
    pub when_no_dictionary: WhenNoDictionary,
    /// `[rules.untraced-operation] when_no_prd`.
    pub untraced_when_no_prd: WhenNoPrd,
    /// `[rules.inconsistent-error-format] schema`: the API's error format,
    /// a `$ref` from the API's root document (else the most used schema).
    pub error_format_schema: Option<String>,
    /// `[rules.missing-permission] keys`: operation keys listing roles.
    pub permission_keys: Vec<String>,
    /// `[rules.resource-naming] singletons`: more segments that name one
    /// thing, not a collection (added to the built-in list).
    pub naming_singletons: Vec<String>,
    /// `files.baseline`: the baseline file, workspace-relative.
    pub baseline_file: String,
    /// `[rules.unused-suppression] require_reason`: a suppression without
    /// a reason is a finding.
    pub suppression_requires_reason: bool,
    /// Whether an editor shows baselined findings (as hints); an editor
    /// setting (`"baselined": "hint" | "off"`), not a specgate.toml key.
    pub show_baselined: bool,
    /// Where the config was read from (workspace-relative), if any.
    pub source: Option<String>,
    /// Every key of `[rules]` as written (name, key span, value span). The
    /// config does not know which rules exist: `invalid-config`, in the
    /// rules layer, reports the names no rule has.
    pub rule_keys: Vec<(String, Span, Span)>,
    /// `[[overrides]]`, in file order (later blocks win).
    pub overrides: Vec<PathOverride>,
}

/// One `[[overrides]]` block: rule severities and options for the files
/// its globs match.
#[derive(Clone, Debug)]
pub struct PathOverride {
    pub files: Vec<String>,
    pub globs: globset::GlobSet,
    pub severities: BTreeMap<String, Level>,
    pub options: PathOptions,
}

/// The rule options an `[[overrides]]` block may set: those that apply to
/// one finding's file (an operation's, a suppression's). Options about the
/// whole workspace (`when_no_prd`, `when_no_dictionary`) and about an API's
/// style (`default_style`) stay in `[rules]`.
#[derive(Clone, Debug, Default)]
pub struct PathOptions {
    pub required_responses: Option<Vec<String>>,
    pub pagination_params: Option<Vec<String>>,
    pub pagination_fields: Option<Vec<String>>,
    pub suppression_requires_reason: Option<bool>,
}

/// A rule's entry (`[rules]` or inside `[[overrides]]`) as read.
#[derive(Default)]
struct RuleTable {
    severity: Option<Level>,
    path: PathOptions,
    pagination_default: Option<PaginationStyle>,
    when_no_dictionary: Option<WhenNoDictionary>,
    untraced_when_no_prd: Option<WhenNoPrd>,
    error_format_schema: Option<String>,
    permission_keys: Option<Vec<String>>,
    naming_singletons: Option<Vec<String>>,
}

/// `requirements.trace_from`: which parts of an operation can trace it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceFrom {
    /// The trace keys (`x-fr-ids`).
    pub keys: bool,
    /// Summaries and descriptions: the operation's own, and those of its
    /// parameters, request body and responses.
    pub text: bool,
    /// YAML comments between the operation's first and last line.
    pub comments: bool,
}

impl Default for TraceFrom {
    fn default() -> Self {
        TraceFrom {
            keys: true,
            text: true,
            comments: true,
        }
    }
}

pub const DEFAULT_PAGINATION_PARAMS: &[&str] = &[
    "limit",
    "offset",
    "page",
    "page_size",
    "pagesize",
    "per_page",
    "perpage",
    "cursor",
    "after",
    "before",
    "starting_after",
    "ending_before",
    "page_token",
    "pagetoken",
    "next_token",
    "continuation_token",
    "top",
    "$top",
    "skip",
    "$skip",
    "max_results",
    "maxresults",
    "size",
];

pub const DEFAULT_PAGINATION_FIELDS: &[&str] = &[
    "next_cursor",
    "cursor",
    "next",
    "next_page",
    "next_page_token",
    "next_page_uri",
    "next_link",
    "nextlink",
    "has_more",
    "total",
    "total_count",
    "count",
    "page",
    "links",
    "_links",
    "pagination",
    "page_info",
    "end_cursor",
    "next_token",
];

/// Where the baseline is, unless `files.baseline` says otherwise.
pub const DEFAULT_BASELINE: &str = "specgate-baseline.json";

/// The response requirements `missing-error-response` knows.
pub const RESPONSE_REQUIREMENTS: &[&str] = &[
    "success",
    "validation",
    "unauthorized",
    "not-found",
    "server-error",
];

impl Default for Config {
    fn default() -> Self {
        // `FR-051a`: spec-kit inserts a requirement between two with a letter.
        let id_patterns = vec![r"FR-\d+[a-z]?".to_string()];
        Config {
            prd_globs: vec![
                "**/*prd*.md".into(),
                "**/*PRD*.md".into(),
                "**/*requirements*.md".into(),
                "**/*Requirements*.md".into(),
                "**/specs/*/spec.md".into(),
            ],
            dictionary_globs: vec![
                "**/*dictionary*.{md,yaml,yml,json,csv}".into(),
                "**/*Dictionary*.{md,yaml,yml,json,csv}".into(),
                "**/data-model.md".into(),
                "**/data_model.md".into(),
            ],
            openapi_globs: Vec::new(),
            sql_globs: vec!["**/*.sql".into()],
            exclude_globs: vec![
                "**/node_modules/**".into(),
                "**/target/**".into(),
                "**/.git/**".into(),
                "**/.venv*/**".into(),
            ],
            max_file_size: 20 * 1024 * 1024,
            id_regex: compile_ids(&id_patterns).expect("default pattern compiles"),
            id_patterns,
            trace_keys: vec!["x-fr-ids".into(), "x-requirements".into(), "x-fr-id".into()],
            trace_from: TraceFrom::default(),
            release_mode: None,
            severities: BTreeMap::new(),
            pagination_params: DEFAULT_PAGINATION_PARAMS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            pagination_fields: DEFAULT_PAGINATION_FIELDS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            pagination_default: PaginationStyle::Cursor,
            required_responses: RESPONSE_REQUIREMENTS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            when_no_dictionary: WhenNoDictionary::Once,
            untraced_when_no_prd: WhenNoPrd::Once,
            error_format_schema: None,
            permission_keys: vec!["x-roles".into(), "x-permissions".into()],
            naming_singletons: Vec::new(),
            baseline_file: DEFAULT_BASELINE.to_string(),
            suppression_requires_reason: false,
            show_baselined: true,
            source: None,
            rule_keys: Vec::new(),
            overrides: Vec::new(),
        }
    }
}

fn compile_ids(patterns: &[String]) -> Result<Regex, regex::Error> {
    let alt = patterns
        .iter()
        .map(|p| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|");
    Regex::new(&alt)
}

/// A problem in `specgate.toml`, at the offending key or value.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub span: Span,
    pub message: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    files: Option<Spanned<RawFiles>>,
    requirements: Option<Spanned<RawRequirements>>,
    rules: Option<BTreeMap<Spanned<String>, Spanned<toml::Value>>>,
    overrides: Option<Vec<Spanned<RawOverride>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    files: Spanned<Vec<String>>,
    rules: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFiles {
    prd: Option<Vec<String>>,
    dictionary: Option<Vec<String>>,
    openapi: Option<Vec<String>>,
    sql: Option<Vec<String>>,
    exclude: Option<Vec<String>>,
    max_file_size: Option<u64>,
    baseline: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRequirements {
    id_patterns: Option<Spanned<Vec<String>>>,
    trace_keys: Option<Vec<String>>,
    trace_from: Option<Spanned<Vec<String>>>,
    release_mode: Option<Spanned<String>>,
}

fn span_of(r: std::ops::Range<usize>) -> Span {
    Span::new(r.start as u32, r.end as u32)
}

impl Config {
    /// Reads `specgate.toml` text. Errors are returned next to the config
    /// built from everything that was valid.
    pub fn from_toml(text: &str) -> (Config, Vec<ConfigError>) {
        let mut cfg = Config::default();
        let mut errors = Vec::new();
        let raw: RawConfig = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let span = e.span().map(span_of).unwrap_or_default();
                errors.push(ConfigError {
                    span,
                    message: format!("invalid specgate.toml: {}", e.message()),
                });
                return (cfg, errors);
            }
        };
        if let Some(files) = raw.files {
            let f = files.into_inner();
            let set = |dst: &mut Vec<String>, v: Option<Vec<String>>| {
                if let Some(v) = v {
                    *dst = v;
                }
            };
            set(&mut cfg.prd_globs, f.prd);
            set(&mut cfg.dictionary_globs, f.dictionary);
            set(&mut cfg.openapi_globs, f.openapi);
            set(&mut cfg.sql_globs, f.sql);
            if let Some(ex) = f.exclude {
                cfg.exclude_globs.extend(ex);
            }
            if let Some(m) = f.max_file_size {
                cfg.max_file_size = m;
            }
            if let Some(b) = f.baseline {
                cfg.baseline_file = b.trim_start_matches("./").to_string();
            }
            for g in cfg
                .prd_globs
                .iter()
                .chain(&cfg.dictionary_globs)
                .chain(&cfg.openapi_globs)
                .chain(&cfg.sql_globs)
                .chain(&cfg.exclude_globs)
            {
                if let Err(e) = globset::Glob::new(g) {
                    errors.push(ConfigError {
                        span: files_span(text),
                        message: format!("invalid glob `{g}`: {e}"),
                    });
                }
            }
        }
        if let Some(req) = raw.requirements {
            let r = req.into_inner();
            if let Some(p) = r.id_patterns {
                let span = span_of(p.span());
                let pats = p.into_inner();
                if pats.is_empty() {
                    errors.push(ConfigError {
                        span,
                        message: "id_patterns must name at least one pattern".into(),
                    });
                } else {
                    match compile_ids(&pats) {
                        Ok(re) => {
                            cfg.id_regex = re;
                            cfg.id_patterns = pats;
                        }
                        Err(e) => errors.push(ConfigError {
                            span,
                            message: format!("invalid id pattern: {e}"),
                        }),
                    }
                }
            }
            if let Some(k) = r.trace_keys {
                cfg.trace_keys = k;
            }
            if let Some(t) = r.trace_from {
                let span = span_of(t.span());
                let mut from = TraceFrom {
                    keys: false,
                    text: false,
                    comments: false,
                };
                for w in t.into_inner() {
                    match w.as_str() {
                        "keys" => from.keys = true,
                        "text" => from.text = true,
                        "comments" => from.comments = true,
                        other => errors.push(ConfigError {
                            span,
                            message: format!(
                                "trace_from lists \"keys\", \"text\" and \"comments\", not \"{other}\""
                            ),
                        }),
                    }
                }
                cfg.trace_from = from;
            }
            if let Some(m) = r.release_mode {
                match m.get_ref().to_ascii_lowercase().as_str() {
                    "mvp" => cfg.release_mode = Some(ReleaseMode::Mvp),
                    "full" | "full production" | "full-production" | "production" => {
                        cfg.release_mode = Some(ReleaseMode::Full)
                    }
                    other => errors.push(ConfigError {
                        span: span_of(m.span()),
                        message: format!(
                            "release_mode must be \"mvp\" or \"full\", not \"{other}\""
                        ),
                    }),
                }
            }
        }
        for block in raw.overrides.unwrap_or_default() {
            let block = block.into_inner();
            let files_span = span_of(block.files.span());
            let files = block.files.into_inner();
            let mut b = globset::GlobSetBuilder::new();
            for g in &files {
                match globset::Glob::new(g) {
                    Ok(glob) => {
                        b.add(glob);
                    }
                    Err(e) => errors.push(ConfigError {
                        span: files_span,
                        message: format!("invalid glob `{g}` in [[overrides]]: {e}"),
                    }),
                }
            }
            let mut severities = BTreeMap::new();
            let mut options = PathOptions::default();
            for (name, value) in block.rules {
                let (key, val) = (span_of(name.span()), span_of(value.span()));
                let name = name.into_inner();
                cfg.rule_keys.push((name.clone(), key, val));
                let Some(t) = rule_table(&name, value.into_inner(), val, &mut errors) else {
                    continue;
                };
                if let Some(l) = t.severity {
                    severities.insert(name.clone(), l);
                }
                options.merge(t.path);
                let whole = [
                    ("default_style", t.pagination_default.is_some()),
                    ("when_no_dictionary", t.when_no_dictionary.is_some()),
                    ("when_no_prd", t.untraced_when_no_prd.is_some()),
                    ("schema", t.error_format_schema.is_some()),
                    ("keys", t.permission_keys.is_some()),
                    ("singletons", t.naming_singletons.is_some()),
                ];
                for (opt, _) in whole.iter().filter(|w| w.1) {
                    errors.push(ConfigError {
                        span: val,
                        message: format!(
                            "`{opt}` of rule `{name}` applies to the whole workspace: set it under [rules.{name}], not in [[overrides]]"
                        ),
                    });
                }
            }
            if let Ok(globs) = b.build() {
                cfg.overrides.push(PathOverride {
                    files,
                    globs,
                    severities,
                    options,
                });
            }
        }
        for (name, value) in raw.rules.unwrap_or_default() {
            let key_span = span_of(name.span());
            let val_span = span_of(value.span());
            let name = name.into_inner();
            cfg.rule_keys.push((name.clone(), key_span, val_span));
            if let Some(t) = rule_table(&name, value.into_inner(), val_span, &mut errors) {
                cfg.apply(&name, t);
            }
        }
        (cfg, errors)
    }

    /// Applies a `[rules]` entry.
    fn apply(&mut self, rule: &str, t: RuleTable) {
        if let Some(l) = t.severity {
            self.severities.insert(rule.to_string(), l);
        }
        let p = t.path;
        if let Some(v) = p.required_responses {
            self.required_responses = v;
        }
        if let Some(v) = p.pagination_params {
            self.pagination_params = v;
        }
        if let Some(v) = p.pagination_fields {
            self.pagination_fields = v;
        }
        if let Some(v) = p.suppression_requires_reason {
            self.suppression_requires_reason = v;
        }
        if let Some(v) = t.pagination_default {
            self.pagination_default = v;
        }
        if let Some(v) = t.when_no_dictionary {
            self.when_no_dictionary = v;
        }
        if let Some(v) = t.untraced_when_no_prd {
            self.untraced_when_no_prd = v;
        }
        if let Some(v) = t.error_format_schema {
            self.error_format_schema = Some(v);
        }
        if let Some(v) = t.permission_keys {
            self.permission_keys = v;
        }
        if let Some(v) = t.naming_singletons {
            self.naming_singletons = v;
        }
    }

    /// A per-path option in effect for `file`: the last `[[overrides]]`
    /// block that matches the file and sets it, else `base` (`[rules]`).
    fn option_in<'a, T: ?Sized>(
        &'a self,
        file: &str,
        base: &'a T,
        get: impl Fn(&'a PathOptions) -> Option<&'a T>,
    ) -> &'a T {
        self.overrides
            .iter()
            .rev()
            .filter_map(|o| get(&o.options).map(|v| (o, v)))
            .find(|(o, _)| o.globs.is_match(file))
            .map_or(base, |(_, v)| v)
    }

    /// `missing-error-response`'s `require` for an operation in `file`.
    pub fn required_responses_in(&self, file: &str) -> &[String] {
        self.option_in(file, &self.required_responses[..], |o| {
            o.required_responses.as_deref()
        })
    }

    /// `unpaginated-list`'s `parameters` for an operation in `file`.
    pub fn pagination_params_in(&self, file: &str) -> &[String] {
        self.option_in(file, &self.pagination_params[..], |o| {
            o.pagination_params.as_deref()
        })
    }

    /// `unpaginated-list`'s `fields` for an operation in `file`.
    pub fn pagination_fields_in(&self, file: &str) -> &[String] {
        self.option_in(file, &self.pagination_fields[..], |o| {
            o.pagination_fields.as_deref()
        })
    }

    /// `unused-suppression`'s `require_reason` for a suppression in `file`.
    pub fn requires_reason_in(&self, file: &str) -> bool {
        *self.option_in(file, &self.suppression_requires_reason, |o| {
            o.suppression_requires_reason.as_ref()
        })
    }

    /// The severity of a rule's findings in `file`: [`Config::severity`],
    /// then every `[[overrides]]` block whose globs match the file, later
    /// blocks winning.
    pub fn severity_in(&self, rule: &str, file: &str, default: Severity) -> Option<Severity> {
        let mut level = self.severity(rule, default);
        for o in &self.overrides {
            if let Some(l) = o.severities.get(rule) {
                if o.globs.is_match(file) {
                    level = match l {
                        Level::Off => None,
                        Level::On(s) => Some(*s),
                    };
                }
            }
        }
        level
    }

    /// Whether a rule may report anywhere (on by default or in an override).
    pub fn rule_enabled_somewhere(&self, rule: &str, default: Severity) -> bool {
        self.severity(rule, default).is_some()
            || self
                .overrides
                .iter()
                .any(|o| matches!(o.severities.get(rule), Some(Level::On(_))))
    }

    /// The severity of a rule, or `None` when it is off.
    pub fn severity(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.severities.get(rule) {
            Some(Level::Off) => None,
            Some(Level::On(s)) => Some(*s),
            None => Some(default),
        }
    }
}

/// Settings an editor sends (LSP `initializationOptions` or
/// `workspace/didChangeConfiguration`): they override `specgate.toml`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overrides {
    pub severities: BTreeMap<String, Level>,
    pub release_mode: Option<ReleaseMode>,
    /// `"baselined": "hint"` (default) or `"off"`.
    pub show_baselined: Option<bool>,
}

impl Overrides {
    /// Reads `{"severities" | "rules": {code: level}, "releaseMode": "mvp" | "full"}`,
    /// also nested under a `specgate` key. Unknown values are ignored.
    pub fn from_json(v: &serde_json::Value) -> Overrides {
        let v = v.get("specgate").unwrap_or(v);
        let mut o = Overrides::default();
        for key in ["severities", "rules"] {
            if let Some(map) = v.get(key).and_then(|m| m.as_object()) {
                for (code, level) in map {
                    if let Some(l) = level.as_str().and_then(Level::parse) {
                        o.severities.insert(code.clone(), l);
                    }
                }
            }
        }
        o.release_mode = match v.get("releaseMode").and_then(|m| m.as_str()) {
            Some("mvp") | Some("MVP") => Some(ReleaseMode::Mvp),
            Some("full") | Some("Full") => Some(ReleaseMode::Full),
            _ => None,
        };
        o.show_baselined = match v.get("baselined").and_then(|m| m.as_str()) {
            Some("off") | Some("hidden") => Some(false),
            Some("hint") => Some(true),
            _ => None,
        };
        o
    }

    pub fn apply(&self, c: &mut Config) {
        for (k, l) in &self.severities {
            c.severities.insert(k.clone(), *l);
        }
        if self.release_mode.is_some() {
            c.release_mode = self.release_mode;
        }
        if let Some(b) = self.show_baselined {
            c.show_baselined = b;
        }
    }
}

impl PathOptions {
    /// Takes every option `other` sets.
    fn merge(&mut self, other: PathOptions) {
        fn set<T>(dst: &mut Option<T>, v: Option<T>) {
            if v.is_some() {
                *dst = v;
            }
        }
        set(&mut self.required_responses, other.required_responses);
        set(&mut self.pagination_params, other.pagination_params);
        set(&mut self.pagination_fields, other.pagination_fields);
        set(
            &mut self.suppression_requires_reason,
            other.suppression_requires_reason,
        );
    }
}

/// A rule's entry (`CODE = "warning"` or a table with `severity` and the
/// rule's options) as read, or `None` when it is not a string or table.
fn rule_table(
    rule: &str,
    value: toml::Value,
    span: Span,
    errors: &mut Vec<ConfigError>,
) -> Option<RuleTable> {
    let mut out = RuleTable::default();
    let t = match value {
        toml::Value::String(s) => {
            match Level::parse(&s) {
                Some(l) => out.severity = Some(l),
                None => errors.push(level_error(span, &s)),
            }
            return Some(out);
        }
        toml::Value::Table(t) => t,
        other => {
            errors.push(ConfigError {
                span,
                message: format!(
                    "rule `{rule}` takes a severity string (off|hint|info|warning|error) or a table, not {}",
                    other.type_str()
                ),
            });
            return None;
        }
    };
    for (k, v) in t {
        let strings = |v: &toml::Value| -> Option<Vec<String>> {
            v.as_array()?
                .iter()
                .map(|x| x.as_str().map(str::to_string))
                .collect()
        };
        let mut bad = |msg: String| errors.push(ConfigError { span, message: msg });
        match (rule, k.as_str()) {
            (_, "severity") => match v.as_str().and_then(Level::parse) {
                Some(l) => out.severity = Some(l),
                None => bad(level_error(span, &v.to_string()).message),
            },
            ("unpaginated-list", "parameters") => match strings(&v) {
                Some(s) => {
                    out.path.pagination_params =
                        Some(s.iter().map(|x| x.to_ascii_lowercase()).collect())
                }
                None => bad("`parameters` must be a list of strings".into()),
            },
            ("unpaginated-list", "fields") => match strings(&v) {
                Some(s) => {
                    out.path.pagination_fields =
                        Some(s.iter().map(|x| x.to_ascii_lowercase()).collect())
                }
                None => bad("`fields` must be a list of strings".into()),
            },
            ("unpaginated-list", "default_style") => match v.as_str() {
                Some("cursor") => out.pagination_default = Some(PaginationStyle::Cursor),
                Some("offset") => out.pagination_default = Some(PaginationStyle::Offset),
                Some("page") => out.pagination_default = Some(PaginationStyle::Page),
                _ => bad("`default_style` must be \"cursor\", \"offset\" or \"page\"".into()),
            },
            ("missing-error-response", "require") => match strings(&v) {
                Some(s) => {
                    if let Some(x) = s
                        .iter()
                        .find(|x| !RESPONSE_REQUIREMENTS.contains(&x.as_str()))
                    {
                        bad(format!(
                            "unknown response requirement `{x}`; known: {}",
                            RESPONSE_REQUIREMENTS.join(", ")
                        ));
                    } else {
                        out.path.required_responses = Some(s);
                    }
                }
                None => bad("`require` must be a list of strings".into()),
            },
            ("table-not-in-dictionary", "when_no_dictionary") => match v.as_str() {
                Some("once") => out.when_no_dictionary = Some(WhenNoDictionary::Once),
                Some("off") => out.when_no_dictionary = Some(WhenNoDictionary::Off),
                _ => bad("`when_no_dictionary` must be \"once\" or \"off\"".into()),
            },
            ("unused-suppression", "require_reason") => match v.as_bool() {
                Some(b) => out.path.suppression_requires_reason = Some(b),
                None => bad("`require_reason` must be true or false".into()),
            },
            ("untraced-operation", "when_no_prd") => match v.as_str() {
                Some("once") => out.untraced_when_no_prd = Some(WhenNoPrd::Once),
                Some("off") => out.untraced_when_no_prd = Some(WhenNoPrd::Off),
                _ => bad("`when_no_prd` must be \"once\" or \"off\"".into()),
            },
            ("inconsistent-error-format", "schema") => match v.as_str() {
                Some(r) if !r.trim().is_empty() => out.error_format_schema = Some(r.to_string()),
                _ => bad(
                    "`schema` must be a `$ref` string, like \"#/components/schemas/Problem\""
                        .into(),
                ),
            },
            ("missing-permission", "keys") => match strings(&v) {
                Some(k) => out.permission_keys = Some(k),
                None => bad("`keys` must be a list of strings".into()),
            },
            ("resource-naming", "singletons") => match strings(&v) {
                Some(k) => {
                    out.naming_singletons = Some(k.iter().map(|x| x.to_ascii_lowercase()).collect())
                }
                None => bad("`singletons` must be a list of strings".into()),
            },
            (_, other) => bad(format!("unknown option `{other}` for rule `{rule}`")),
        }
    }
    Some(out)
}

fn level_error(span: Span, got: &str) -> ConfigError {
    ConfigError {
        span,
        message: format!("invalid severity {got}: use off, hint, info, warning or error"),
    }
}

fn files_span(text: &str) -> Span {
    let at = text.find("[files]").unwrap_or(0);
    Span::new(at as u32, (at + 7).min(text.len()) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_without_file() {
        let (c, e) = Config::from_toml("");
        assert!(e.is_empty());
        assert!(c.id_regex.is_match("FR-001"));
        assert_eq!(
            c.severity("untraced-operation", Severity::Error),
            Some(Severity::Error)
        );
    }

    #[test]
    fn severities_and_options() {
        let text = "[rules]\nuntraced-operation = \"off\"\nunpaginated-list = { severity = \"warning\", parameters = [\"Limit\"] }\n";
        let (c, e) = Config::from_toml(text);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(c.severity("untraced-operation", Severity::Error), None);
        assert_eq!(
            c.severity("unpaginated-list", Severity::Error),
            Some(Severity::Warning)
        );
        assert_eq!(c.pagination_params, vec!["limit"]);
    }

    #[test]
    fn when_no_dictionary() {
        let (c, e) = Config::from_toml("");
        assert!(e.is_empty());
        assert_eq!(c.when_no_dictionary, WhenNoDictionary::Once);
        let text = "[rules.table-not-in-dictionary]\nwhen_no_dictionary = \"off\"\n";
        let (c, e) = Config::from_toml(text);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(c.when_no_dictionary, WhenNoDictionary::Off);
        let text = "[rules]\ntable-not-in-dictionary = { when_no_dictionary = \"always\" }\n";
        let (c, e) = Config::from_toml(text);
        assert_eq!(c.when_no_dictionary, WhenNoDictionary::Once);
        assert_eq!(e.len(), 1);
        assert_eq!(
            e[0].message,
            "`when_no_dictionary` must be \"once\" or \"off\""
        );
    }

    #[test]
    fn errors_point_at_the_offending_key() {
        let text = "[rules]\nno-such-rule = \"error\"\nuntraced-operation = \"loud\"\n";
        let (c, e) = Config::from_toml(text);
        assert_eq!(e.len(), 1);
        assert_eq!(
            &text[e[0].span.start as usize..e[0].span.end as usize],
            "\"loud\""
        );
        // Which names are rules is for the rules layer (`invalid-config`).
        let (name, key, _) = &c.rule_keys[0];
        assert_eq!(name, "no-such-rule");
        assert_eq!(&text[key.start as usize..key.end as usize], "no-such-rule");
    }

    #[test]
    fn editor_overrides_apply_on_top() {
        let o = Overrides::from_json(
            &serde_json::json!({"specgate": {"rules": {"untraced-operation": "off"}, "releaseMode": "mvp"}}),
        );
        let (mut c, _) = Config::from_toml("[rules]\nunpaginated-list = \"warning\"\n");
        o.apply(&mut c);
        assert_eq!(c.severity("untraced-operation", Severity::Error), None);
        assert_eq!(
            c.severity("unpaginated-list", Severity::Error),
            Some(Severity::Warning)
        );
        assert_eq!(c.release_mode, Some(ReleaseMode::Mvp));
    }

    #[test]
    fn wrong_types_are_errors_not_crashes() {
        let text = "[requirements]\nid_patterns = 3\n";
        let (c, e) = Config::from_toml(text);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].message.contains("invalid specgate.toml"),
            "{}",
            e[0].message
        );
        assert!(c.id_regex.is_match("FR-1"));
        let (_, e) = Config::from_toml("[requirements]\nid_patterns = [\"(\"]\n");
        assert!(e[0].message.contains("invalid id pattern"));
    }

    #[test]
    fn default_ids_take_a_letter_suffix() {
        let c = Config::default();
        let found: Vec<&str> = c
            .id_regex
            .find_iter("FR-051a, FR-051, FR-7b")
            .map(|m| m.as_str())
            .collect();
        assert_eq!(found, vec!["FR-051a", "FR-051", "FR-7b"]);
    }

    #[test]
    fn untraced_when_no_prd_option() {
        let (c, e) = Config::from_toml("");
        assert!(e.is_empty());
        assert_eq!(c.untraced_when_no_prd, WhenNoPrd::Once);
        let (c, e) = Config::from_toml("[rules.untraced-operation]\nwhen_no_prd = \"off\"\n");
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(c.untraced_when_no_prd, WhenNoPrd::Off);
        let (c, e) = Config::from_toml("[rules.untraced-operation]\nwhen_no_prd = \"always\"\n");
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("when_no_prd"), "{}", e[0].message);
        assert_eq!(c.untraced_when_no_prd, WhenNoPrd::Once);
    }

    #[test]
    fn path_options_later_blocks_win_option_by_option() {
        let text = r#"
[rules.missing-error-response]
require = ["success", "server-error"]

[rules.unpaginated-list]
parameters = ["cursor"]

[[overrides]]
files = ["api/**"]
rules = { "missing-error-response" = { require = ["success"] }, "unpaginated-list" = { parameters = ["Page"] } }

[[overrides]]
files = ["api/health/**"]
rules = { "missing-error-response" = { severity = "warning", require = [] } }
"#;
        let (c, e) = Config::from_toml(text);
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(
            c.required_responses_in("db/x.sql"),
            ["success", "server-error"]
        );
        assert_eq!(c.required_responses_in("api/a.yaml"), ["success"]);
        assert!(c.required_responses_in("api/health/h.yaml").is_empty());
        // The second block sets no parameters: the first one's stay in effect.
        assert_eq!(c.pagination_params_in("api/health/h.yaml"), ["page"]);
        assert_eq!(c.pagination_params_in("other.yaml"), ["cursor"]);
        assert_eq!(
            c.severity_in(
                "missing-error-response",
                "api/health/h.yaml",
                Severity::Error
            ),
            Some(Severity::Warning)
        );
        // Workspace-wide options belong in [rules].
        let (_, e) = Config::from_toml(
            "[[overrides]]\nfiles = [\"**\"]\nrules = { \"untraced-operation\" = { when_no_prd = \"off\" } }\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].message.contains("applies to the whole workspace"));
    }
}
