//! Commands and their exit codes: 0 done, 1 problems in the content or input,
//! 2 wrong usage (clap's own code for bad arguments).

use crate::diag::{Diagnostic, Report};
use crate::load::{self, Tree};
use crate::{layers, model, render, write};
use clap::{Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(
    name = "irbook",
    version,
    about = "Build an offline incident-response handbook from YAML playbooks and Markdown guidance."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Build the site. ROOT defaults to the current folder if it holds handbook.yaml, else ./content if it exists, else the built-in handbook.
    Build {
        root: Option<PathBuf>,
        /// Output folder; replaced as a whole when the build succeeds. Default:
        /// `public`, or `../public` when building the current folder (a site
        /// is never written inside its handbook).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print only problems, not the summary line.
        #[arg(short, long)]
        quiet: bool,
        /// Open the built site in the default browser afterwards.
        #[arg(long)]
        open: bool,
        /// Write the whole handbook, questionnaires included, as this one HTML file
        /// (to mail or put on a USB stick) instead of the folder. The file is
        /// replaced only when the build succeeds.
        #[arg(long, value_name = "FILE", conflicts_with = "output")]
        single_file: Option<PathBuf>,
        /// Print how long each stage took (for profiling large handbooks).
        #[arg(long, conflicts_with = "single_file")]
        timings: bool,
    },
    /// Serve the site on 127.0.0.1 while you edit: rebuilds on every save and reloads open pages.
    Serve {
        root: Option<PathBuf>,
        /// Port to listen on; when it is taken, the next free one is used. 0 picks any free port.
        #[arg(short, long, default_value_t = 8000)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Check the content and links without writing anything; exits 1 on errors.
    ///
    /// Besides what the build validates, reports pages nothing links to, questions
    /// and rules that can never apply, sources not checked for a long time
    /// (`check.max_source_age_days` in handbook.yaml), example contacts and
    /// missing translations.
    Check {
        root: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Treat warnings as errors (exit 1), for CI.
        #[arg(long)]
        strict: bool,
        /// The date to measure source age from (YYYY-MM-DD); default today.
        #[arg(long)]
        today: Option<String>,
    },
    /// JSON Schema of the YAML files, for completion and checks in your editor.
    Schema {
        /// One kind to print (handbook, contacts, playbook, sources, assessment, faq, …).
        kind: Option<String>,
        /// Write every schema into this folder as KIND.schema.json.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Start a new handbook in DIR, or a client variant of a base handbook.
    New {
        dir: PathBuf,
        /// Make a variant of this handbook folder (or `irbook:default`, the built-in handbook).
        #[arg(long, value_name = "BASE")]
        extends: Option<String>,
        /// Languages, e.g. `nl,en` (the first is the default); for a variant, default: the base's.
        #[arg(long, value_name = "LANGS")]
        lang: Option<String>,
    },
    /// Print the action plan for a questionnaire's answers, as JSON.
    Plan {
        /// Questionnaire id, e.g. `triage`.
        #[arg(long)]
        assessment: String,
        /// YAML or JSON file mapping question ids to answers (or with an `answers:` key).
        #[arg(long)]
        answers: PathBuf,
        /// When the incident was discovered (RFC 3339, e.g. 2026-11-23T09:30:00+01:00); default now.
        #[arg(long)]
        discovered: Option<String>,
        /// The moment the plan is for (RFC 3339); default now.
        #[arg(long)]
        now: Option<String>,
        /// Language of the texts; default the handbook's default language.
        #[arg(long)]
        lang: Option<String>,
        root: Option<PathBuf>,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

pub fn run<I: IntoIterator<Item = OsString>>(args: I) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Build { root, quiet, open, single_file: Some(file), .. } => {
            let code = crate::single::run(root, &file, quiet);
            if code == 0 && open {
                open_in_browser(&file);
            }
            code
        }
        Command::Build { root, output, quiet, open, timings, single_file: None } => {
            let output = output.unwrap_or_else(|| {
                if root.is_none() && Path::new("handbook.yaml").is_file() {
                    Path::new("..").join("public")
                } else {
                    PathBuf::from("public")
                }
            });
            let code = build(root, &output, quiet, timings);
            if code == 0 && open {
                open_in_browser(&output.join("index.html"));
            }
            code
        }
        Command::Serve { root, port, open } => crate::serve::run(root, port, open),
        Command::Check { root, format, strict, today } => {
            let today = match today.map_or_else(|| Ok(today_utc()), |t| parse_date(&t)) {
                Ok(d) => d,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return 2;
                }
            };
            check(root, format, strict, today)
        }
        Command::Schema { kind, out } => crate::schema::run(kind.as_deref(), out.as_deref()),
        Command::New { dir, extends, lang } => {
            let (y, m, d) = assessment_wasm::time::civil_from_days(today_utc());
            crate::scaffold::run(&dir, extends.as_deref(), lang.as_deref(), &format!("{y:04}-{m:02}-{d:02}"))
        }
        Command::Plan { assessment, answers, discovered, now, lang, root } => {
            crate::plan::run(root, &assessment, &answers, discovered.as_deref(), now.as_deref(), lang.as_deref())
        }
    }
}

/// The content to build: the given folder, the current folder when it holds
/// `handbook.yaml`, ./content, or the built-in handbook.
pub fn resolve_root(root: Option<PathBuf>, skip: Option<&Path>) -> Result<Tree, Report> {
    match root {
        Some(r) => layers::read(&r, skip),
        // Inside a handbook (made by `irbook new`): that folder.
        None if Path::new("handbook.yaml").is_file() => layers::read(Path::new("."), skip),
        None if Path::new("content").join("handbook.yaml").is_file() => layers::read(Path::new("content"), skip),
        None => Ok(load::builtin_content()),
    }
}

pub fn print_report(report: &Report) {
    for d in report.sorted() {
        eprintln!("{d}");
    }
}

/// Loads, validates and renders into `sink`; `None` when there were errors.
/// Rendering runs even after model errors, so link and questionnaire problems
/// are reported in the same run.
pub fn build_site(tree: &Tree, report: &mut Report, sink: &dyn render::Sink) -> Option<render::Summary> {
    let started = Instant::now();
    let hb = model::build(tree, report);
    let model_time = started.elapsed();
    let summary =
        hb.and_then(|hb| render::render_site(&hb, tree, &load::builtin_theme(), report, sink)).map(|mut s| {
            s.timings.insert(0, ("read front matter and YAML", model_time));
            s
        });
    tree.attribute_layers(report);
    summary.filter(|_| !report.has_errors())
}

fn build(root: Option<PathBuf>, output: &Path, quiet: bool, timings: bool) -> i32 {
    let started = Instant::now();
    let tree = match resolve_root(root, Some(output)) {
        Ok(t) => t,
        Err(r) => return fail(&r, output),
    };
    let mut report = Report::default();
    let real = match crate::paths::output_folder(output, &tree.watch_paths()) {
        Ok(p) => p,
        Err(problem) => {
            report.push(problem);
            return fail(&report, output);
        }
    };
    let staging = match write::Staging::new(&real) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let load_time = started.elapsed();
    let Some(mut site) = build_site(&tree, &mut report, &staging) else {
        drop(staging);
        return fail(&report, output);
    };
    print_report(&report);
    let commit_started = Instant::now();
    if let Err(e) = staging.commit() {
        eprintln!("error: {e}");
        return 1;
    }
    site.timings.insert(0, ("read files", load_time));
    site.timings.push(("swap in the new output", commit_started.elapsed()));
    if timings {
        for (stage, d) in &site.timings {
            eprintln!("{:>8.1} ms  {stage}", d.as_secs_f64() * 1000.0);
        }
    }
    if !quiet {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let warn = if report.warnings() > 0 {
            format!(", {}", report.summary().split(", ").nth(1).unwrap_or(""))
        } else {
            String::new()
        };
        crate::out!("Built {} pages from {} into {} in {:.0} ms{}", site.pages, tree.label, output.display(), ms, warn);
    }
    0
}

/// Hands the page to the system's opener; when there is none (a server, a
/// locked-down desktop) says where the page is instead of failing the build.
fn open_in_browser(page: &Path) {
    let page = crate::paths::absolute(page);
    if !open_target(page.as_os_str()) {
        crate::out!("Open {} in your browser.", page.display());
    }
}

/// Opens an address in the default browser, or says to.
pub(crate) fn open_url(url: &str) {
    if !open_target(std::ffi::OsStr::new(url)) {
        crate::out!("Open {url} in your browser.");
    }
}

/// Hands a file or address to the system's opener; false when there is none.
fn open_target(target: &std::ffi::OsStr) -> bool {
    let candidates: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else if cfg!(windows) {
        &[("cmd", &["/C", "start", ""])]
    } else {
        &[("xdg-open", &[]), ("gio", &["open"])]
    };
    for (cmd, args) in candidates {
        let status = std::process::Command::new(cmd)
            .args(*args)
            .arg(target)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        if status.is_ok_and(|s| s.success()) {
            return true;
        }
    }
    false
}

fn fail(report: &Report, output: &Path) -> i32 {
    print_report(report);
    let kept = if output.exists() {
        format!("; the previous site in {} is unchanged", output.display())
    } else {
        String::new()
    };
    eprintln!("Build failed: {}{kept}.", report.summary());
    1
}

/// Days since 1970-01-01, today in UTC.
fn today_utc() -> i64 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    (secs / 86_400) as i64
}

fn parse_date(s: &str) -> Result<i64, String> {
    let bad = || format!("`{s}` is not a date; write it as YYYY-MM-DD");
    if !model::valid_date(s) {
        return Err(bad());
    }
    let mut parts = s.split('-').map(|p| p.parse::<u32>());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) => Ok(assessment_wasm::time::days_from_civil(i64::from(y), m, d)),
        _ => Err(bad()),
    }
}

fn check(root: Option<PathBuf>, format: Format, strict: bool, today: i64) -> i32 {
    let report = match resolve_root(root, None) {
        Ok(tree) => {
            let mut report = Report::default();
            let site = render::Memory::default();
            let hb = model::build(&tree, &mut report);
            if let Some(hb) = &hb {
                if render::render_site(hb, &tree, &load::builtin_theme(), &mut report, &site).is_some() {
                    crate::audit::run(hb, &tree, &site.into_files(), today, &mut report);
                }
            }
            tree.attribute_layers(&mut report);
            report
        }
        Err(r) => r,
    };
    let failed = report.has_errors() || (strict && report.warnings() > 0);
    match format {
        Format::Text => {
            print_report(&report);
            if failed {
                eprintln!("Check failed: {}.", report.summary());
            } else {
                crate::out!("Check passed: {}.", report.summary());
            }
        }
        Format::Json => {
            let items: Vec<serde_json::Value> = report.sorted().iter().map(Diagnostic::to_json).collect();
            let out = serde_json::json!({"ok": !failed, "errors": report.errors(), "warnings": report.warnings(), "problems": items});
            crate::out!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
    i32::from(failed)
}
