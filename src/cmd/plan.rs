//! `irbook plan`: the questionnaire engine on the command line. Reads an
//! answers file, computes the plan with the same code as the browser, prints JSON.

use crate::answers::read_file as read_answers_file;
use crate::diag::Report;
use crate::{model, render, site};
use assessment_wasm::plan::{parse_answers, plan, PlanInput};
use assessment_wasm::time::parse_datetime;
use std::path::{Path, PathBuf};

/// `irbook plan --assessment ID --answers FILE`: the plan as JSON on stdout.
pub fn run(
    root: Option<PathBuf>,
    assessment: &str,
    answers: &Path,
    discovered: Option<&str>,
    now: Option<&str>,
    lang: Option<&str>,
) -> i32 {
    let tree = match site::open(root, None) {
        Ok(t) => t,
        Err(r) => {
            r.print();
            return 1;
        }
    };
    let mut report = Report::default();
    let Some(hb) = model::build(&tree, &mut report) else {
        tree.attribute_layers(&mut report);
        report.print();
        return 1;
    };
    let lang = lang.unwrap_or(&hb.config.default_language).to_string();
    if !hb.config.languages.contains(&lang) {
        eprintln!("error: the handbook has no language `{lang}`; it has: {}", hb.config.languages.join(", "));
        return 2;
    }
    let compiled = match render::compile_one(&hb, &tree, assessment, &lang, &mut report) {
        Some(c) => c,
        None => {
            tree.attribute_layers(&mut report);
            report.print();
            if !report.has_errors() {
                let ids: Vec<&str> = hb.assessments.iter().map(|a| a.def.id.as_str()).collect();
                let hint = crate::diag::did_you_mean(assessment, ids.iter().copied())
                    .unwrap_or_else(|| format!("the questionnaires are: {}", ids.join(", ")));
                eprintln!("error: there is no questionnaire `{assessment}`\n  hint: {hint}");
            }
            return 1;
        }
    };
    let value = match read_answers_file(answers, &compiled) {
        Ok(v) => v,
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            eprintln!(
                "The answers file has {} {}; no plan was made.",
                problems.len(),
                crate::diag::plural(problems.len(), "problem", "problems")
            );
            return 1;
        }
    };
    let parsed = match parse_answers(&compiled, &value.json) {
        Ok(a) => a,
        Err(errors) => {
            for e in &errors {
                let at = value.position(&e.question);
                eprintln!("error: {}{at}: {e}", answers.display());
            }
            eprintln!(
                "The answers file has {} {}; no plan was made.",
                errors.len(),
                crate::diag::plural(errors.len(), "problem", "problems")
            );
            return 1;
        }
    };
    let tz = hb.config.timezone;
    let now_ms = match now.map(|s| parse_datetime(s, &tz)) {
        Some(Ok(ms)) => ms,
        Some(Err(e)) => return time_error("--now", &e),
        None => clock_ms(),
    };
    let discovered_ms = match discovered.map(|s| parse_datetime(s, &tz)) {
        Some(Ok(ms)) => ms,
        Some(Err(e)) => return time_error("--discovered", &e),
        None => now_ms,
    };
    if discovered_ms > now_ms {
        eprintln!(
            "warning: --discovered is later than {}; the plan counts its deadlines from the discovery time, so none of them has started yet\n  hint: check the date and the time zone of --discovered",
            if now.is_some() { "--now" } else { "the current time" }
        );
    }
    let p = plan(&compiled, &PlanInput { answers: parsed, discovered_ms, now_ms, tz });
    crate::out!("{}", serde_json::to_string_pretty(&p).unwrap_or_default());
    0
}

fn time_error(flag: &str, e: &str) -> i32 {
    eprintln!("error: {flag}: {e}\n  hint: write a time like 2026-11-23T09:30:00+01:00");
    2
}

/// The one place irbook reads the clock: the engine itself never does.
fn clock_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}
