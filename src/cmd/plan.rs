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
    // An incident file brings its answers and its moment of discovery.
    let incident = match sniff(answers) {
        Some(text) if crate::incident::looks_like(&text) => match crate::incident::read(answers) {
            Ok(f) => Some(f),
            Err(msg) => {
                eprintln!("{msg}");
                return 1;
            }
        },
        _ => None,
    };
    if let Some(f) = &incident {
        if f.handbook != hb.config.id {
            eprintln!(
                "error: {}: this incident file belongs to the handbook `{}`, not `{}`\n  hint: run irbook plan with the handbook it was saved from",
                answers.display(),
                f.handbook,
                hb.config.id
            );
            return 1;
        }
        if f.assessment != assessment {
            eprintln!(
                "error: {}: this incident file is for the questionnaire `{}`, not `{assessment}`\n  hint: use --assessment {}",
                answers.display(),
                f.assessment,
                f.assessment
            );
            return 1;
        }
    }
    let value = match &incident {
        Some(f) => Ok(crate::answers::AnswersFile::from_json(serde_json::Value::Object(f.incident.answers.clone()))),
        None => read_answers_file(answers, &compiled),
    };
    let value = match value {
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
    let from_file = incident.as_ref().and_then(|f| f.incident.discovered_at.as_deref()).map(crate::incident::ms);
    let discovered_ms = match discovered.map(|s| parse_datetime(s, &tz)) {
        Some(Ok(ms)) => ms,
        Some(Err(e)) => return time_error("--discovered", &e),
        None => from_file.unwrap_or(now_ms),
    };
    if discovered_ms > now_ms {
        eprintln!(
            "warning: --discovered is later than {}; the plan counts its deadlines from the discovery time, so none of them has started yet\n  hint: check the date and the time zone of --discovered",
            if now.is_some() { "--now" } else { "the current time" }
        );
    }
    let p = plan(&compiled, &PlanInput { answers: parsed, discovered_ms, now_ms, tz });
    // The engine's own writer (the one the browser uses), indented for reading;
    // an incident file's follow-ups are added as a last field.
    let mut json = p.to_json();
    if let Some(f) = &incident {
        let extra = serde_json::to_string(&serde_json::Value::from(follow_ups(&hb, f, &lang, &tz))).unwrap_or_default();
        if json.ends_with('}') {
            json.pop();
            json.push_str(&format!(",\"follow_ups\":{extra}}}"));
        }
    }
    crate::out!("{}", indent_json(&json));
    0
}

/// Compact JSON indented by two spaces per level, keys in their order (as
/// `serde_json::to_string_pretty` lays it out, without re-reading the values).
fn indent_json(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty object or list stays on one line: `{}`, `[]`.
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.push(chars.next().unwrap_or(']'));
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

/// The start of a file, read with a limit (it may be `/dev/zero`), to see
/// whether it is an incident file; `None` when unreadable or too big, and the
/// answers-file reader then says what is wrong.
fn sniff(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path).ok()?.take(crate::incident::MAX_FILE + 1).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > crate::incident::MAX_FILE {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// What follows from the incident file's notifications (records/follow-ups.yaml),
/// by deadline; those without a fixed deadline last.
fn follow_ups(
    hb: &model::Handbook,
    f: &crate::incident::IncidentFile,
    lang: &str,
    tz: &assessment_wasm::time::TimeZone,
) -> Vec<serde_json::Value> {
    let d = hb.config.default_language.as_str();
    let mut out = Vec::new();
    for (i, n) in f.incident.notifications.iter().enumerate() {
        for fu in hb.records.follow_ups.iter().filter(|fu| fu.after == n.party) {
            if fu.stage.as_ref().is_some_and(|s| Some(s) != n.stage.as_ref()) {
                continue;
            }
            let sent = crate::incident::ms(&n.sent_at);
            let due =
                fu.due.as_deref().and_then(|p| assessment_wasm::time::parse_period(p).ok()).map(|p| p.after(sent, tz));
            // The same key the page ticks it under.
            let key = format!("follow-{}-{}", i + 1, fu.id);
            out.push((
                due.unwrap_or(i64::MAX),
                serde_json::json!({
                    "id": key,
                    "follow_up": fu.id,
                    "title": fu.title.get(lang, d),
                    "text": fu.text.get(lang, d),
                    "after": n.party,
                    "stage": n.stage,
                    "reference": n.reference,
                    "sent": n.sent_at,
                    "due": due.map(|ms| assessment_wasm::time::format_rfc3339(ms, tz.offset_at(ms))),
                    "due_ms": due,
                    "done": f.incident.done.contains_key(&key),
                }),
            ));
        }
    }
    out.sort_by_key(|(due, _)| *due);
    out.into_iter().map(|(_, v)| v).collect()
}

fn time_error(flag: &str, e: &str) -> i32 {
    eprintln!("error: {flag}: {e}\n  hint: write a time like 2026-11-23T09:30:00+01:00");
    2
}

/// The one place irbook reads the clock: the engine itself never does.
fn clock_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::indent_json;

    /// Laid out as serde_json's pretty printer lays out the same value, with
    /// the keys in the order they were written.
    #[test]
    fn indents_like_serde_json_and_keeps_key_order() {
        let compact = r#"{"b":[1,{"x":"a \"q\" {[,:]}"},[],{}],"a":null,"e":"\\"}"#;
        let expected = "{\n  \"b\": [\n    1,\n    {\n      \"x\": \"a \\\"q\\\" {[,:]}\"\n    },\n    [],\n    {}\n  ],\n  \"a\": null,\n  \"e\": \"\\\\\"\n}";
        assert_eq!(indent_json(compact), expected);
        let v: serde_json::Value = serde_json::from_str(compact).unwrap();
        assert_eq!(serde_json::from_str::<serde_json::Value>(&indent_json(compact)).unwrap(), v, "the same value");
    }
}
