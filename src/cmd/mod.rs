//! The command line: each verb in its own file reads its flags, runs the
//! pipeline ([`crate::site`]) or the component it is about, prints, and
//! picks the exit code: 0 done, 1 problems in the content or the input,
//! 2 wrong usage (clap's own code for bad arguments).

mod build;
mod check;
mod new;
mod plan;
mod register;
mod serve;

use clap::{Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

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
        /// YAML or JSON file mapping question ids to answers (or with an `answers:` key),
        /// or an incident file saved by the triage page (its answers and moment of discovery).
        #[arg(long)]
        answers: PathBuf,
        /// When the incident was discovered (RFC 3339, e.g. 2026-11-23T09:30:00+01:00); default: the
        /// incident file's, else now.
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
    /// Merge incident files (or folders of them) into one breach register (GDPR art. 33(5)).
    ///
    /// A file that cannot be read is named with its problem and left out; the
    /// others are still merged, and the exit code is 1.
    Register {
        /// Incident files, or folders whose .json files are incident files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Write the register here; the extension chooses CSV (.csv), a printable page
        /// (.html) or Markdown (.md). Default: Markdown on standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Language of the labels; default: the first file's.
        #[arg(long)]
        lang: Option<String>,
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
            let code = build::single_file(root, &file, quiet);
            if code == 0 && open {
                crate::open::file(&file);
            }
            code
        }
        Command::Build { root, output, quiet, open, timings, single_file: None } => {
            let output = output.unwrap_or_else(|| {
                if root.is_none() && std::path::Path::new("handbook.yaml").is_file() {
                    std::path::Path::new("..").join("public")
                } else {
                    PathBuf::from("public")
                }
            });
            let code = build::folder(root, &output, quiet, timings);
            if code == 0 && open {
                crate::open::file(&output.join("index.html"));
            }
            code
        }
        Command::Serve { root, port, open } => serve::run(root, port, open),
        Command::Check { root, format, strict, today } => {
            let today = match today.map_or_else(|| Ok(today_utc()), |t| parse_date(&t)) {
                Ok(d) => d,
                Err(msg) => {
                    eprintln!("error: {msg}");
                    return 2;
                }
            };
            check::run(root, format == Format::Json, strict, today)
        }
        Command::Schema { kind, out } => crate::schema::run(kind.as_deref(), out.as_deref()),
        Command::New { dir, extends, lang } => new::run(&dir, extends.as_deref(), lang.as_deref(), today_utc()),
        Command::Plan { assessment, answers, discovered, now, lang, root } => {
            plan::run(root, &assessment, &answers, discovered.as_deref(), now.as_deref(), lang.as_deref())
        }
        Command::Register { files, output, lang } => register::run(&files, output.as_deref(), lang.as_deref()),
    }
}

/// Days since 1970-01-01, today in UTC.
fn today_utc() -> i64 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    (secs / 86_400) as i64
}

fn parse_date(s: &str) -> Result<i64, String> {
    let bad = || format!("`{s}` is not a date; write it as YYYY-MM-DD");
    if !crate::model::valid_date(s) {
        return Err(bad());
    }
    let mut parts = s.split('-').map(|p| p.parse::<u32>());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) => Ok(assessment_wasm::time::days_from_civil(i64::from(y), m, d)),
        _ => Err(bad()),
    }
}
