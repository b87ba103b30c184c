//! Answers files for `irbook plan` (YAML or JSON mapping question ids to
//! answers, or with an `answers:` key): read with a size limit, checked for
//! what the engine cannot see (duplicate keys, `.nan`, answers in two
//! places), with the position of every problem. The engine reads the values.

use std::path::Path;

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
    /// Answers that come from JSON already read (an incident file's), with
    /// no positions to point at.
    pub fn from_json(json: serde_json::Value) -> AnswersFile {
        AnswersFile { json, spans: crate::spans::SpanIndex::build("", 0), nested: false }
    }

    /// `:line:column` of a question's answer, or "" when unknown.
    pub fn position(&self, question: &str) -> String {
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
pub fn read_file(path: &Path, compiled: &assessment_wasm::compile::Compiled) -> Result<AnswersFile, Vec<String>> {
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
    read_text(&text, &shown, compiled)
}

/// The checks of [`read_file`] on text already read; `shown` names
/// the file in messages. Every problem is a finished message line.
pub fn read_text(
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
