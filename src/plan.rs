//! `irbook plan`: the questionnaire engine on the command line. Reads an
//! answers file, computes the plan with the same code as the browser, prints JSON.

use crate::cli::{print_report, resolve_root};
use crate::diag::Report;
use crate::{model, render};
use assessment_wasm::plan::{parse_answers, plan, PlanInput};
use assessment_wasm::time::parse_datetime;
use std::path::{Path, PathBuf};

pub fn run(
    root: Option<PathBuf>,
    assessment: &str,
    answers: &Path,
    discovered: Option<&str>,
    now: Option<&str>,
    lang: Option<&str>,
) -> i32 {
    let tree = match resolve_root(root, None) {
        Ok(t) => t,
        Err(r) => {
            print_report(&r);
            return 1;
        }
    };
    let mut report = Report::default();
    let Some(hb) = model::build(&tree, &mut report) else {
        tree.attribute_layers(&mut report);
        print_report(&report);
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
            print_report(&report);
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

/// Answers files are small; a bigger one is a mistake (or `/dev/zero`).
const MAX_ANSWERS_FILE: u64 = 1024 * 1024;

/// An answers file read and checked, with positions for messages.
pub struct AnswersFile {
    pub json: serde_json::Value,
    spans: crate::spans::SpanIndex,
    /// Whether the answers sit under an `answers:` key.
    nested: bool,
}

impl AnswersFile {
    /// `:line:column` of a question's answer, or "" when unknown.
    fn position(&self, question: &str) -> String {
        if question.is_empty() {
            return String::new();
        }
        let p = if self.nested {
            self.spans.pos(&crate::ypath!["answers", question])
        } else {
            self.spans.pos(&crate::ypath![question])
        };
        if p.line == 0 {
            String::new()
        } else {
            format!(":{}:{}", p.line, p.column)
        }
    }
}

/// Reads the answers file: size limit, YAML limits, duplicate keys, numbers
/// that are not numbers (`.nan`, `.inf`), and answers given twice (under
/// `answers:` and at the top level). Every problem, each with its place.
fn read_answers_file(path: &Path, compiled: &assessment_wasm::compile::Compiled) -> Result<AnswersFile, Vec<String>> {
    use std::io::Read;
    let shown = path.display().to_string();
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(MAX_ANSWERS_FILE + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return Err(vec![format!("error: cannot read the answers file `{shown}`: {e}")]);
    }
    if bytes.len() as u64 > MAX_ANSWERS_FILE {
        return Err(vec![format!(
            "error: {shown}: the answers file is larger than {} MB\n  hint: an answers file maps question ids to answers and is a few kilobytes; check that this is the right file",
            MAX_ANSWERS_FILE / (1024 * 1024)
        )]);
    }
    let Ok(text) = String::from_utf8(bytes) else {
        return Err(vec![format!("error: {shown}: the answers file is not UTF-8 text\n  hint: save it as UTF-8")]);
    };
    read_answers_text(&text, &shown, compiled)
}

/// The checks of [`read_answers_file`] on text already read; `shown` names
/// the file in messages. Every problem is a finished message line.
pub fn read_answers_text(
    text: &str,
    shown: &str,
    compiled: &assessment_wasm::compile::Compiled,
) -> Result<AnswersFile, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some((pos, msg, hint)) = crate::yaml::check(text) {
        return Err(vec![format!("error: {shown}:{}:{}: {msg}\n  hint: {hint}", pos.line, pos.column)]);
    }
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let mut at = e.location().map(|l| format!(":{}:{}", l.line(), l.column())).unwrap_or_default();
            let raw = e.to_string();
            let mut msg =
                format!("the answers file is not valid YAML or JSON: {}", raw.split(" at line ").next().unwrap_or(""));
            let mut hint = "the answers file must be YAML or JSON mapping question ids to answers";
            // serde_yaml names the key but not where it is: find its second use.
            if let Some(key) = raw.strip_prefix("duplicate entry with key \"").and_then(|r| r.split('"').next()) {
                if let Some(p) = crate::model::second_key(text, key) {
                    at = format!(":{}:{}", p.line, p.column);
                }
                msg = format!("`{key}` is answered twice");
                hint = "each question may be answered once; keep one of the two answers";
            }
            return Err(vec![format!("error: {shown}{at}: {msg}\n  hint: {hint}")]);
        }
    };
    let spans = crate::spans::SpanIndex::build(text, 0);
    let mut problems = Vec::new();
    let at = |path: &[crate::spans::Seg]| {
        let p = spans.pos(path);
        if p.line == 0 {
            String::new()
        } else {
            format!(":{}:{}", p.line, p.column)
        }
    };
    let mut nested = false;
    if let serde_yaml::Value::Mapping(top) = &value {
        if let Some(inner) = top.get("answers") {
            nested = inner.is_mapping();
            let twice: Vec<&str> = top
                .keys()
                .filter_map(|k| k.as_str())
                .filter(|k| *k != "answers" && compiled.question_index(k).is_some())
                .collect();
            for k in twice {
                problems.push(format!(
                    "error: {shown}{}: `{k}` is answered at the top level, but the answers are under `answers:`; only one place counts\n  hint: move it under `answers:`, or put all answers at the top level",
                    at(&crate::ypath![k])
                ));
            }
        }
        let answers = if nested { top.get("answers").and_then(|v| v.as_mapping()) } else { Some(top) };
        for (k, v) in answers.into_iter().flatten() {
            let Some(k) = k.as_str() else { continue };
            if let serde_yaml::Value::Number(n) = v {
                if n.as_f64().is_some_and(|f| !f.is_finite()) {
                    let place = if nested { at(&crate::ypath!["answers", k]) } else { at(&crate::ypath![k]) };
                    problems.push(format!(
                        "error: {shown}{place}: `{k}: {n}` is not a number\n  hint: write a number such as 12, or `unknown` if you do not know"
                    ));
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let json = match serde_json::to_value(&value) {
        Ok(j) => j,
        Err(e) => return Err(vec![format!("error: {shown}: the answers cannot be read: {e}")]),
    };
    Ok(AnswersFile { json, spans, nested })
}
