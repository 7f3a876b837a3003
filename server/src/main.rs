//! `specgate`: check an API design against its requirements and data dictionary.

use clap::{Parser, Subcommand, ValueEnum};
use specgate::cli::{self, output, CliError, EXIT_USAGE};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for the language server. mimalloc asks
/// for them (`MADV_HUGEPAGE`), and each keystroke on a 4 MB spec frees and
/// allocates megabytes: faulting in and zeroing 2 MB pages made the slowest
/// rounds slower. Measured on Stripe, 200 keystrokes, three runs each:
/// p99 43–103 ms with them, 41–44 ms without (BENCHMARKS.md). The CLI runs
/// once and keeps them.
#[cfg(target_os = "linux")]
fn no_huge_pages() {
    const PR_SET_THP_DISABLE: std::ffi::c_int = 41;
    extern "C" {
        fn prctl(option: std::ffi::c_int, ...) -> std::ffi::c_int;
    }
    // SAFETY: prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) only sets a flag of
    // this process; a kernel without it returns an error, which is ignored.
    unsafe {
        prctl(
            PR_SET_THP_DISABLE,
            1 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
            0 as std::ffi::c_ulong,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn no_huge_pages() {}

#[derive(Parser)]
#[command(
    name = "specgate",
    version,
    about = "Holds an API design (OpenAPI, SQL) to its PRD and data dictionary"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Sarif,
    /// GitHub Actions workflow commands (annotations on a pull request).
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailLevel {
    Error,
    Warning,
    Info,
    Hint,
}

#[derive(Clone, Copy, ValueEnum)]
enum InventoryFormat {
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Breaking,
    Any,
    None,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Html,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Check a workspace (a folder) or some files, and print the findings.
    Check {
        /// Folders or files (default `.`). The workspace root of each is the
        /// nearest folder at or above it holding `specgate.toml` or `.git`;
        /// only findings in what they name are printed. Paths in several
        /// workspaces check each against its own root, and a folder below
        /// with its own `specgate.toml` is a nested workspace, checked on
        /// its own.
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: CheckFormat,
        /// Use this config file instead of `<root>/specgate.toml`.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Colour: auto (on a terminal), always, never.
        #[arg(long, default_value = "auto")]
        color: String,
        /// Apply the safe fixes (repeatedly, until nothing changes), write
        /// the files, print what changed, then report what remains.
        #[arg(long)]
        fix: bool,
        /// With --fix, also apply fixes that need review (the preferred one
        /// of each finding). Implies --fix.
        #[arg(long)]
        unsafe_fixes: bool,
        /// The lowest severity of a reported finding that makes the exit
        /// code 1 (suppressed and baselined findings never do).
        #[arg(long, value_enum, default_value = "error")]
        fail_level: FailLevel,
        /// Print how many findings each rule reported (and how many were
        /// suppressed or baselined) instead of the findings.
        #[arg(long)]
        statistics: bool,
        /// Record every finding of the workspace in the baseline (FILE, or
        /// `files.baseline` of specgate.toml, default specgate-baseline.json
        /// at the root), dropping entries that match nothing; later runs
        /// report only new findings. Exits 0.
        #[arg(long, value_name = "FILE", num_args = 0..=1)]
        #[allow(clippy::option_option)]
        write_baseline: Option<Option<PathBuf>>,
    },
    /// Print the Endpoint Inventory: operations, their FR-IDs, the coverage matrix.
    Inventory {
        /// A folder (default `.`: its operations and requirements) or one
        /// OpenAPI file (that API only); the root is found as for `check`.
        path: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "markdown")]
        format: InventoryFormat,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Write the design review page: the gate checklist, requirement
    /// coverage, the endpoint inventory, the data model and every finding,
    /// in one self-contained HTML file (or the same data as JSON).
    Report {
        /// A folder (default `.`); the root is found as for `check`.
        path: Option<PathBuf>,
        /// Where to write it (`-`: standard output). Default:
        /// `specgate-report.html` in the current folder for HTML, standard
        /// output for JSON.
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "html")]
        format: ReportFormat,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// The impact of a change: BASE and HEAD (git revisions of the
    /// workspace, or two folders) built and compared. API changes are
    /// classified breaking or not; traceability and data-model changes are
    /// listed; each names the FR-IDs of the operations it touches.
    Diff {
        /// A git revision (`main`, `HEAD~1`, a tag) or a folder.
        base: String,
        /// Default: the working tree of the current workspace.
        head: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
        /// Exit 1 on a breaking change (default), on any change, or never.
        #[arg(long, value_enum, default_value = "breaking")]
        fail_on: FailOn,
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// List the rules with their default severities.
    Rules,
    /// Print one rule's documentation (what, why, example, fix, options,
    /// how to suppress it), or every rule's with `--all`.
    Rule {
        /// The rule's code, e.g. `unpaginated-list`.
        #[arg(required_unless_present = "all")]
        code: Option<String>,
        #[arg(long)]
        all: bool,
    },
    /// Run the language server on stdin/stdout.
    Lsp {
        /// Accepted for clients that pass it (vscode-languageclient); stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

fn main() {
    let args = Args::parse();
    let code = match run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("specgate: {e}");
            EXIT_USAGE
        }
    };
    std::process::exit(code);
}

/// Pretty JSON with a final line break (`--format json`).
fn json_text<T: serde::Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn print(s: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError(format!("cannot write output: {e}"))),
    }
}

type Run = (
    cli::Target,
    specgate::index::Index,
    Vec<specgate::diag::Diagnostic>,
);

/// Each checked workspace with the findings to print (`which[i]` for
/// `runs[i]`); paths are prefixed with where each root is when several are.
fn report_parts<'a>(
    runs: &'a [Run],
    which: &'a [Vec<specgate::diag::Diagnostic>],
    several: bool,
) -> Vec<output::Part<'a>> {
    runs.iter()
        .zip(which)
        .map(|((target, index, _), diags)| output::Part {
            index,
            diags,
            prefix: if several {
                cli::display_prefix(&target.root)
            } else {
                String::new()
            },
        })
        .collect()
}

fn run(args: Args) -> Result<i32, CliError> {
    match args.command {
        Command::Check {
            paths,
            format,
            config,
            color,
            fix,
            unsafe_fixes,
            fail_level,
            statistics,
            write_baseline,
        } => {
            // The named workspaces, and the nested ones inside what they
            // name (found as each is loaded), each checked on its own.
            let mut queue: std::collections::VecDeque<cli::Target> =
                cli::resolve_targets(&paths)?.into();
            let mut roots: Vec<PathBuf> = queue.iter().map(|t| t.root.clone()).collect();
            let mut runs: Vec<Run> = Vec::new();
            // What --fix did per workspace: (alone, among several).
            let mut fix_reports: Vec<(String, String)> = Vec::new();
            while let Some(target) = queue.pop_front() {
                let index = if write_baseline.is_none() && (fix || unsafe_fixes) {
                    let run = cli::fix::run(&target, config.as_deref(), unsafe_fixes)?;
                    cli::fix::write(&target.root, &run)?;
                    fix_reports.push((
                        cli::fix::summary(&run, ""),
                        cli::fix::summary(&run, &cli::display_prefix(&target.root)),
                    ));
                    run.index
                } else {
                    cli::load(&target, config.as_deref())?
                };
                for n in cli::nested_targets(&index, &target) {
                    if !roots.contains(&n.root) {
                        roots.push(n.root.clone());
                        queue.push_back(n);
                    }
                }
                let diags = specgate::triage::check(&index);
                runs.push((target, index, diags));
            }
            let several = runs.len() > 1;
            if let Some(file) = write_baseline {
                if several && file.is_some() {
                    return Err(CliError(format!(
                        "--write-baseline FILE names one file, and {} workspaces are checked: give no FILE (each writes its own)",
                        runs.len()
                    )));
                }
                for (_, index, diags) in &runs {
                    eprint!("{}", cli::write_baseline(index, diags, file.as_deref())?);
                }
                return Ok(cli::EXIT_OK);
            }
            if fix || unsafe_fixes {
                let fix_report: String = fix_reports
                    .iter()
                    .map(|(alone, among)| if several { among } else { alone }.as_str())
                    .collect();
                match format {
                    // Keep machine-readable output pure: the report goes to stderr.
                    CheckFormat::Text => print(&fix_report)?,
                    _ => eprint!("{fix_report}"),
                }
            }
            let color = match color.as_str() {
                "always" => true,
                "never" => false,
                _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
            };
            let mut all = Vec::new();
            let mut reported = Vec::new();
            for (target, index, diags) in &mut runs {
                let d = cli::filter_to_target(index, target, std::mem::take(diags));
                reported.push(
                    d.iter()
                        .filter(|d| d.triage == specgate::diag::Triage::Reported)
                        .cloned()
                        .collect::<Vec<_>>(),
                );
                all.push(d);
            }
            let parts = |which| report_parts(&runs, which, several);
            let text = if statistics {
                output::statistics(&all.concat())
            } else {
                match format {
                    CheckFormat::Text => {
                        let mut t = output::text_parts(&parts(&reported), color);
                        t.push_str(&cli::hidden_note(&all.concat()));
                        t
                    }
                    CheckFormat::Json => output::json_parts(&parts(&reported)),
                    CheckFormat::Sarif => output::sarif_parts(&parts(&all)),
                    CheckFormat::Github => output::github_parts(&parts(&reported)),
                }
            };
            print(&text)?;
            let level = match fail_level {
                FailLevel::Error => specgate::diag::Severity::Error,
                FailLevel::Warning => specgate::diag::Severity::Warning,
                FailLevel::Info => specgate::diag::Severity::Info,
                FailLevel::Hint => specgate::diag::Severity::Hint,
            };
            let code = cli::exit_code(&all.concat(), level);
            // The process exits next: freeing a large spec's trees one node
            // at a time would cost ~10 ms for nothing (Stripe: 9–13 ms).
            std::mem::forget((runs, all, reported));
            Ok(code)
        }
        Command::Inventory {
            path,
            format,
            config,
        } => {
            let paths: Vec<PathBuf> = path.into_iter().collect();
            let target = cli::resolve_target(&paths)?;
            let index = cli::load(&target, config.as_deref())?;
            let only = target.files.first().map(String::as_str);
            if let Some(f) = only {
                if !index.apis.iter().any(|a| &*a.root == f) {
                    return Err(CliError(format!(
                        "{f} is not an OpenAPI document (no `openapi:` or `swagger:` key)"
                    )));
                }
            }
            let inv =
                cli::scope_inventory(&index, &target, specgate::inventory::build(&index, only));
            let text = match format {
                InventoryFormat::Markdown => inv.to_markdown(),
                InventoryFormat::Json => json_text(&inv),
            };
            print(&text)?;
            std::mem::forget((index, inv)); // as for `check`
            Ok(cli::EXIT_OK)
        }
        Command::Diff {
            base,
            head,
            format,
            fail_on,
            config,
        } => {
            let here = cli::resolve_target(&[])?;
            // Each side is a workspace of its own, rooted where it is.
            let load = |side: &cli::revision::Side| {
                cli::load(&cli::Target::whole(side.root.clone()), config.as_deref())
            };
            let b = cli::revision::side(&base, &here.root)?;
            let h = match &head {
                Some(spec) => cli::revision::side(spec, &here.root)?,
                None => cli::revision::side(&here.root.to_string_lossy(), &here.root)?,
            };
            let (bi, hi) = (load(&b)?, load(&h)?);
            let changes = specgate::diff::diff(&bi, &hi);
            let text = match format {
                DiffFormat::Text => {
                    let mut s: String = changes.iter().map(|c| c.line() + "\n").collect();
                    let breaking = changes
                        .iter()
                        .filter(|c| c.level == specgate::diff::Level::Breaking)
                        .count();
                    s.push_str(&format!(
                        "{} changes from {} to {}: {breaking} breaking\n",
                        changes.len(),
                        b.label,
                        h.label
                    ));
                    s
                }
                DiffFormat::Markdown => specgate::diff::to_markdown(&changes),
                DiffFormat::Json => json_text(&changes),
            };
            print(&text)?;
            let failing = match fail_on {
                FailOn::Breaking => changes
                    .iter()
                    .any(|c| c.level == specgate::diff::Level::Breaking),
                FailOn::Any => !changes.is_empty(),
                FailOn::None => false,
            };
            std::mem::forget((bi, hi));
            Ok(if failing {
                cli::EXIT_FINDINGS
            } else {
                cli::EXIT_OK
            })
        }
        Command::Report {
            path,
            out,
            format,
            config,
        } => {
            let paths: Vec<PathBuf> = path.into_iter().collect();
            let target = cli::resolve_target(&paths)?;
            let index = cli::load(&target, config.as_deref())?;
            let diags = specgate::triage::check(&index);
            let report = specgate::report::Report::build(&index, &diags);
            let text = match format {
                ReportFormat::Html => report.to_html(),
                ReportFormat::Json => json_text(&report),
            };
            let out = out.or_else(|| {
                matches!(format, ReportFormat::Html).then(|| PathBuf::from("specgate-report.html"))
            });
            match out {
                Some(p) if p.as_os_str() != "-" => {
                    std::fs::write(&p, text)
                        .map_err(|e| CliError(format!("cannot write {}: {e}", p.display())))?;
                    eprintln!("specgate: wrote {}", p.display());
                }
                _ => print(&text)?,
            }
            std::mem::forget((index, diags)); // as for `check`
            Ok(cli::EXIT_OK)
        }
        Command::Rules => {
            let mut s = String::new();
            for r in specgate::rules::ALL {
                s.push_str(&format!(
                    "{:<28} {:<8} {}\n",
                    r.code,
                    r.default_severity.as_str(),
                    r.summary
                ));
            }
            print(&s)?;
            Ok(cli::EXIT_OK)
        }
        Command::Rule { code, all } => {
            let show = |r: &specgate::rules::Rule| {
                format!(
                    "{} (default severity: {})\n\n{}\n",
                    r.code,
                    r.default_severity.as_str(),
                    r.full_doc()
                )
            };
            if all {
                let docs: Vec<String> = specgate::rules::ALL.iter().map(show).collect();
                print(&docs.join("\n"))?;
                return Ok(cli::EXIT_OK);
            }
            let code = code.unwrap_or_default();
            match specgate::rules::rule(&code) {
                Some(r) => {
                    print(&show(r))?;
                    Ok(cli::EXIT_OK)
                }
                None => {
                    eprintln!("specgate: no rule `{code}` (see `specgate rules`)");
                    Ok(EXIT_USAGE)
                }
            }
        }
        Command::Lsp { .. } => {
            no_huge_pages();
            specgate::lsp::run();
            Ok(cli::EXIT_OK)
        }
    }
}
