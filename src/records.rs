//! What the incident record needs from content (`records/follow-ups.yaml`):
//! the stages in which a party is notified (the CSIRT's early warning, then
//! its incident notification) and what follows from a notification once it
//! has been made (the final report a month later, completing the authority's
//! notification). Deadlines are content, like every other deadline: code
//! learns no country and no authority.

use crate::diag::{did_you_mean, Diagnostic, Report};
use crate::load::Tree;
use crate::model::{check_id, parse_yaml_in};
use crate::spans::SpanIndex;
use crate::ypath;
use assessment_wasm::text::Text;
use assessment_wasm::time::parse_period;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

pub const FOLLOW_UPS_FILE: &str = "records/follow-ups.yaml";

/// `records/follow-ups.yaml`.
#[derive(Debug, Clone, JsonSchema, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FollowUpsFile {
    /// The kinds of notification a party receives, for the parties that
    /// are told in stages. A notification to a party without stages is one
    /// notification.
    #[serde(default)]
    pub stages: Vec<StageDef>,
    /// What follows from a notification that was made.
    #[serde(default)]
    pub follow_ups: Vec<FollowUpDef>,
    /// The form and letter drafts (`records/forms/*.yaml`), not part of this file.
    #[serde(skip)]
    #[schemars(skip)]
    pub forms: Vec<FormDef>,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    pub id: String,
    /// The verdict (of a questionnaire) whose party receives this notification.
    pub verdict: String,
    pub title: Text,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpDef {
    pub id: String,
    /// The verdict whose notification this follows.
    pub after: String,
    /// Only after a notification of this stage (see `stages`).
    #[serde(default)]
    pub stage: Option<String>,
    /// How long after the notification was sent: `72h`, `14d`, `1mo`
    /// (calendar months). Without it, the follow-up has no fixed deadline.
    #[serde(default)]
    pub due: Option<String>,
    pub title: Text,
    pub text: Text,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Reads and checks the file: ids, the verdicts and stages it refers to,
/// periods and sources, each problem at its line and column.
pub fn load(tree: &Tree, verdicts: &[&str], sources: &[&str], report: &mut Report) -> FollowUpsFile {
    const FILE: &str = FOLLOW_UPS_FILE;
    let Some(text) = tree.get(FILE).and_then(|_| tree.text(FILE, report)) else { return FollowUpsFile::default() };
    let Some(file) = parse_yaml_in::<FollowUpsFile>(tree, FILE, text, 0, report) else {
        return FollowUpsFile::default();
    };
    let spans = SpanIndex::build_in(&tree.memo, text, 0);
    let mut ids = BTreeMap::new();
    let check_verdict = |report: &mut Report, v: &str, path: &[crate::spans::Seg]| {
        if !verdicts.contains(&v) {
            let hint = did_you_mean(v, verdicts.iter().copied())
                .unwrap_or_else(|| format!("the verdicts are: {}", verdicts.join(", ")));
            report.push(Diagnostic::error(FILE, spans.pos(path), format!("unknown verdict `{v}`")).hint(hint));
        }
    };
    for (i, s) in file.stages.iter().enumerate() {
        let pos = spans.pos(&ypath!["stages", i, "id"]);
        check_id(report, FILE, pos, "stage", &s.id);
        if let Some(first) = ids.insert(s.id.clone(), pos) {
            report.push(Diagnostic::error(FILE, pos, format!("duplicate id `{}`", s.id)).hint(format!(
                "it is already used at line {}; stages and follow-ups each need their own id",
                first.line
            )));
        }
        check_verdict(report, &s.verdict, &ypath!["stages", i, "verdict"]);
    }
    for (i, f) in file.follow_ups.iter().enumerate() {
        let pos = spans.pos(&ypath!["follow_ups", i, "id"]);
        check_id(report, FILE, pos, "follow-up", &f.id);
        if let Some(first) = ids.insert(f.id.clone(), pos) {
            report.push(Diagnostic::error(FILE, pos, format!("duplicate id `{}`", f.id)).hint(format!(
                "it is already used at line {}; stages and follow-ups each need their own id",
                first.line
            )));
        }
        check_verdict(report, &f.after, &ypath!["follow_ups", i, "after"]);
        if let Some(stage) = &f.stage {
            let of_verdict: Vec<&str> =
                file.stages.iter().filter(|s| s.verdict == f.after).map(|s| s.id.as_str()).collect();
            if !of_verdict.contains(&stage.as_str()) {
                let hint = if of_verdict.is_empty() {
                    format!("verdict `{}` has no stages; add them under `stages:` or leave `stage` out", f.after)
                } else {
                    format!("the stages of `{}` are: {}", f.after, of_verdict.join(", "))
                };
                report.push(
                    Diagnostic::error(
                        FILE,
                        spans.pos(&ypath!["follow_ups", i, "stage"]),
                        format!("unknown stage `{stage}`"),
                    )
                    .hint(hint),
                );
            }
        }
        if let Some(due) = &f.due {
            if let Err(msg) = parse_period(due) {
                report.push(Diagnostic::error(FILE, spans.pos(&ypath!["follow_ups", i, "due"]), msg));
            }
        }
        for (j, s) in f.sources.iter().enumerate() {
            if !sources.contains(&s.as_str()) {
                let hint = did_you_mean(s, sources.iter().copied())
                    .unwrap_or_else(|| "add it to sources/sources.yaml".to_string());
                report.push(
                    Diagnostic::error(
                        FILE,
                        spans.pos(&ypath!["follow_ups", i, "sources", j]),
                        format!("unknown source `{s}`"),
                    )
                    .hint(hint),
                );
            }
        }
    }
    file
}

/// The folder of form and letter drafts: one YAML file per form.
pub const FORMS_DIR: &str = "records/forms/";

/// `records/forms/ID.yaml`: what an official form asks (or the parts of a
/// letter), and where the incident record fills each field from. The page
/// shows a draft to copy into the official channel; another country is
/// another file.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    /// The file name without `.yaml`.
    pub id: String,
    /// The verdict whose party receives it: the draft is offered while that verdict says yes.
    #[serde(rename = "for")]
    pub for_verdict: String,
    /// Only for these answers: question id → option value (all must hold).
    #[serde(default)]
    pub when: BTreeMap<String, String>,
    /// `form` (labelled fields to copy one by one) or `letter` (one text).
    #[serde(default)]
    pub kind: FormKind,
    pub title: Text,
    pub intro: Text,
    #[serde(default)]
    pub sources: Vec<String>,
    pub sections: Vec<FormSection>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, JsonSchema, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FormKind {
    #[default]
    Form,
    Letter,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSection {
    pub title: Text,
    pub fields: Vec<FormField>,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// What the form asks (for a letter: left out, the parts run on).
    #[serde(default)]
    pub label: Option<Text>,
    /// The parts of the text, in order.
    pub fill: Vec<Part>,
}

/// One part of a field's text: a map with exactly one of these keys.
#[derive(Debug, Clone, Default, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// A register field the team typed: description, data, consequences, measures.
    #[serde(default)]
    pub register: Option<String>,
    /// The answer to a question, as the reader chose it.
    #[serde(default)]
    pub answer: Option<String>,
    /// A fact of the incident: discovered, name, reference (of the notification to the form's party), notifications (all made).
    #[serde(default)]
    pub incident: Option<String>,
    /// A verdict's decision with its explanation.
    #[serde(default)]
    pub verdict: Option<String>,
    /// A contact of the handbook: name, title, phone, e-mail.
    #[serde(default)]
    pub contact: Option<String>,
    /// A fixed text.
    #[serde(default)]
    pub text: Option<Text>,
    /// Something only the team can write: shown as [ … ] to fill in.
    #[serde(default)]
    pub ask: Option<Text>,
}

/// A [`Part`] by what it is.
pub enum PartRef<'a> {
    Register(&'a str),
    Answer(&'a str),
    Incident(&'a str),
    Verdict(&'a str),
    Contact(&'a str),
    Text(&'a Text),
    Ask(&'a Text),
}

impl Part {
    /// What the part is, or `None` unless exactly one key is given.
    pub fn get(&self) -> Option<PartRef<'_>> {
        let all = [
            self.register.as_deref().map(PartRef::Register),
            self.answer.as_deref().map(PartRef::Answer),
            self.incident.as_deref().map(PartRef::Incident),
            self.verdict.as_deref().map(PartRef::Verdict),
            self.contact.as_deref().map(PartRef::Contact),
            self.text.as_ref().map(PartRef::Text),
            self.ask.as_ref().map(PartRef::Ask),
        ];
        let mut set = all.into_iter().flatten();
        let first = set.next()?;
        if set.next().is_some() {
            return None;
        }
        Some(first)
    }
}

pub const REGISTER_FIELDS: [&str; 4] = ["description", "data", "consequences", "measures"];
pub const INCIDENT_FACTS: [&str; 4] = ["discovered", "name", "reference", "notifications"];

/// What a form may refer to.
pub struct FormContext<'a> {
    pub verdicts: &'a [&'a str],
    pub sources: &'a [&'a str],
    pub contacts: &'a [&'a str],
    /// Question id → its option values (empty for questions without options).
    pub questions: &'a BTreeMap<String, Vec<String>>,
}

/// Reads every `records/forms/*.yaml`, each problem at its line and column.
pub fn load_forms(tree: &Tree, cx: &FormContext, report: &mut Report) -> Vec<FormDef> {
    let mut out = Vec::new();
    let paths: Vec<String> = tree.files.keys().filter(|p| p.starts_with(FORMS_DIR)).cloned().collect();
    for file in paths {
        let Some(stem) = file.strip_prefix(FORMS_DIR).and_then(|n| n.strip_suffix(".yaml")) else {
            report.push(
                Diagnostic::warning(&file, crate::diag::Pos::FILE, "irbook does not use this file")
                    .hint("a form is a .yaml file directly in records/forms/"),
            );
            continue;
        };
        let Some(text) = tree.text(&file, report) else { continue };
        let Some(form) = parse_yaml_in::<FormDef>(tree, &file, text, 0, report) else { continue };
        let spans = SpanIndex::build_in(&tree.memo, text, 0);
        let f = file.as_str();
        if form.id != stem {
            report.push(
                Diagnostic::error(
                    f,
                    spans.pos(&ypath!["id"]),
                    format!("the form's id `{}` differs from its file name", form.id),
                )
                .hint(format!("write `id: {stem}`, or rename the file")),
            );
        }
        check_id(report, f, spans.pos(&ypath!["id"]), "form", &form.id);
        known(report, f, spans.pos(&ypath!["for"]), "verdict", &form.for_verdict, cx.verdicts);
        for (q, v) in &form.when {
            let pos = spans.pos(&ypath!["when", q.as_str()]);
            match cx.questions.get(q) {
                None => {
                    let ids: Vec<&str> = cx.questions.keys().map(String::as_str).collect();
                    known(report, f, pos, "question", q, &ids);
                }
                Some(values) => {
                    // Questions without options are answered yes, no or "I don't know".
                    let mut values: Vec<&str> = values.iter().map(String::as_str).collect();
                    if values.is_empty() {
                        values = vec!["yes", "no", "unknown"];
                    }
                    known(report, f, pos, &format!("answer of `{q}`"), v, &values);
                }
            }
        }
        for (i, s) in form.sources.iter().enumerate() {
            known(report, f, spans.pos(&ypath!["sources", i]), "source", s, cx.sources);
        }
        let questions: Vec<&str> = cx.questions.keys().map(String::as_str).collect();
        for (si, section) in form.sections.iter().enumerate() {
            for (fi, field) in section.fields.iter().enumerate() {
                if form.kind == FormKind::Form && field.label.is_none() {
                    report.push(
                        Diagnostic::error(
                            f,
                            spans.pos(&ypath!["sections", si, "fields", fi]),
                            "a form's field needs a `label`",
                        )
                        .hint("say what the official form asks here; only a letter's parts run on without labels"),
                    );
                }
                for (pi, part) in field.fill.iter().enumerate() {
                    let pos = spans.pos(&ypath!["sections", si, "fields", fi, "fill", pi]);
                    match part.get() {
                        None => report.push(
                            Diagnostic::error(
                                f,
                                pos,
                                "a part needs exactly one of register, answer, incident, verdict, contact, text, ask",
                            )
                            .hint("write each part as its own list item, e.g. `- register: description`"),
                        ),
                        Some(PartRef::Register(k)) => known(report, f, pos, "register field", k, &REGISTER_FIELDS),
                        Some(PartRef::Answer(q)) => known(report, f, pos, "question", q, &questions),
                        Some(PartRef::Incident(k)) => known(report, f, pos, "incident fact", k, &INCIDENT_FACTS),
                        Some(PartRef::Verdict(v)) => known(report, f, pos, "verdict", v, cx.verdicts),
                        Some(PartRef::Contact(c)) => known(report, f, pos, "contact", c, cx.contacts),
                        Some(PartRef::Text(_) | PartRef::Ask(_)) => {}
                    }
                }
            }
        }
        out.push(form);
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn known(report: &mut Report, file: &str, pos: crate::diag::Pos, what: &str, name: &str, all: &[&str]) {
    if !all.contains(&name) {
        let hint =
            did_you_mean(name, all.iter().copied()).unwrap_or_else(|| format!("the choices are: {}", all.join(", ")));
        report.push(Diagnostic::error(file, pos, format!("unknown {what} `{name}`")).hint(hint));
    }
}
