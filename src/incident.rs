//! Incident files (docs/INCIDENT-FILE.md): the whole incident record of the
//! triage page — answers, ticks, timeline, decisions, notifications and the
//! register fields — as one versioned JSON file that a team keeps in its case
//! folder. Read here for `irbook plan` and `irbook register`; written by the
//! page (themes/default/static/irbook.js), which checks the same things.
//!
//! Reading never half-succeeds: a file is either wholly valid or refused
//! with one message that says what is wrong and what to do.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The value of `format` in every incident file.
pub const FORMAT: &str = "irbook-incident";
/// The newest format version this irbook reads and writes.
pub const VERSION: u32 = 1;
/// Incident files are a few tens of kilobytes; a bigger one is a mistake.
pub const MAX_FILE: u64 = 5 * 1024 * 1024;

/// An incident file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "irbook incident file")]
pub struct IncidentFile {
    /// Always `irbook-incident`.
    #[schemars(schema_with = "format_schema")]
    pub format: String,
    /// The format version; files of a newer version are refused.
    #[schemars(range(min = 1))]
    pub version: u32,
    /// The `id` of the handbook (handbook.yaml) the incident was recorded in.
    pub handbook: String,
    /// The questionnaire, normally `triage`.
    pub assessment: String,
    /// The language the texts in the file (verdict titles, labels) are in.
    pub lang: String,
    /// The hash of the questionnaire when the file was saved.
    pub questionnaire_hash: String,
    /// When the file was saved (RFC 3339).
    pub saved_at: String,
    pub incident: Incident,
}

fn format_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "const": FORMAT })
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Incident {
    /// Unique per incident; opening a file with the same id replaces that incident.
    pub id: String,
    pub name: String,
    pub created_at: String,
    /// When the incident was discovered; every deadline counts from here.
    pub discovered_at: Option<String>,
    pub closed_at: Option<String>,
    /// The common incident the answers started from, if any.
    pub preset: Option<String>,
    /// Question id → answer, as in an answers file.
    pub answers: serde_json::Map<String, serde_json::Value>,
    /// Step (or follow-up) id → when it was ticked.
    pub done: BTreeMap<String, String>,
    /// Step id → when the team found it does not apply.
    pub not_applicable: BTreeMap<String, String>,
    pub register: Register,
    /// In the order the entries were made; never rewritten.
    pub timeline: Vec<Entry>,
    pub decisions: Vec<Decision>,
    pub notifications: Vec<Notification>,
}

/// The free-text fields of the register entry (GDPR art. 33(5)).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Register {
    #[serde(default)]
    pub description: String,
    /// The data and the people involved.
    #[serde(default)]
    pub data: String,
    #[serde(default)]
    pub consequences: String,
    /// The measures taken.
    #[serde(default)]
    pub measures: String,
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// 1, 2, 3…: corrections refer to entries by number.
    pub n: u64,
    pub at: String,
    pub who: String,
    /// `note` (typed by the team), `answer`, `done`, `undone`, `not-applicable`,
    /// `applies`, `decision`, `notification`, `discovered`, `preset`, `created`,
    /// `renamed`, `closed`, `reopened`, `register`, `opened`.
    pub kind: String,
    /// For `done` and the other step kinds, the step's title.
    pub text: String,
    pub note: String,
}

/// A recorded decision: the verdicts and answers as they were, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub at: String,
    pub who: String,
    pub reason: String,
    pub verdicts: Vec<VerdictSnapshot>,
    pub answers: Vec<AnswerShown>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictSnapshot {
    pub id: String,
    pub title: String,
    pub decision: YesNo,
    #[serde(default)]
    pub pending: bool,
    /// The deadline of a "yes" with a clock time.
    pub due_at: Option<String>,
    #[serde(default)]
    pub due_offset: Option<String>,
    pub explanation: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum YesNo {
    Yes,
    No,
}

/// An answer as the reader saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerShown {
    pub question: String,
    pub text: String,
    pub answer: String,
}

/// A notification that was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    /// When it was recorded.
    pub at: String,
    pub who: String,
    /// The verdict whose party was told, e.g. `notify_authority`.
    pub party: String,
    pub party_title: String,
    /// The stage, for parties told in stages (records/follow-ups.yaml).
    pub stage: Option<String>,
    pub stage_title: Option<String>,
    /// When it was sent.
    pub sent_at: String,
    pub channel: String,
    /// The reference the authority or insurer gave.
    pub reference: String,
    pub note: String,
}

/// The JSON Schema of incident files (`irbook schema incident`).
pub fn schema() -> serde_json::Value {
    let mut s = serde_json::to_value(schemars::schema_for!(IncidentFile)).unwrap_or_default();
    s["$id"] = format!("https://irbook.invalid/schema/incident-v{VERSION}.json").into();
    s
}

/// Reads an incident file: size limit, UTF-8, JSON, format and version,
/// shape, and every time. `Err` is one finished message.
pub fn read(path: &Path) -> Result<IncidentFile, String> {
    use std::io::Read;
    let shown = path.display();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("error: cannot read `{shown}`: {e}"))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(format!(
            "error: {shown}: larger than {} MB, so not an incident file\n  hint: an incident file is a few tens of kilobytes; check that this is the right file",
            MAX_FILE / (1024 * 1024)
        ));
    }
    let text =
        String::from_utf8(bytes).map_err(|_| format!("error: {shown}: not UTF-8 text, so not an incident file"))?;
    parse(&text).map_err(|(at, msg, hint)| format!("error: {shown}{at}: {msg}\n  hint: {hint}"))
}

/// Whether a JSON text claims to be an incident file (its `format`), so that
/// `irbook plan` can take one where it takes an answers file.
pub fn looks_like(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text.strip_prefix('\u{feff}').unwrap_or(text))
        .ok()
        .and_then(|v| v.get("format").and_then(|f| f.as_str()).map(|f| f == FORMAT))
        .unwrap_or(false)
}

type Problem = (String, String, String);

/// The checks of [`read`] on text: `Err((":line:column" or "", message, hint))`.
pub fn parse(text: &str) -> Result<IncidentFile, Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        (
            format!(":{}:{}", e.line(), e.column()),
            format!("not valid JSON: {}", strip_position(&e.to_string())),
            "an incident file is saved by the triage page (“Save incident file”); a file that was edited by hand may have lost a comma or a quote".to_string(),
        )
    })?;
    let Some(top) = value.as_object() else {
        return Err(not_incident());
    };
    if top.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(not_incident());
    }
    let version = top.get("version").and_then(serde_json::Value::as_u64);
    match version {
        Some(v) if v > u64::from(VERSION) => {
            return Err((
                String::new(),
                format!("this incident file has format version {v}, made by a newer irbook; this irbook reads up to version {VERSION}"),
                "update irbook, or open the file in the handbook it was saved from".to_string(),
            ))
        }
        Some(v) if v >= 1 => {}
        _ => {
            return Err((
                String::new(),
                "`version` is missing or not a whole number of 1 or more".to_string(),
                "the file is damaged: use the copy in your case folder".to_string(),
            ))
        }
    }
    let file: IncidentFile = serde_json::from_value(value).map_err(|e| {
        (
            String::new(),
            format!("not a valid incident file: {e}"),
            "the file is damaged or was edited by hand: use the copy in your case folder (docs/INCIDENT-FILE.md describes every field)".to_string(),
        )
    })?;
    check_times(&file)?;
    Ok(file)
}

fn not_incident() -> Problem {
    (
        String::new(),
        format!("not an incident file (it has no `\"format\": \"{FORMAT}\"`)"),
        "incident files are saved by the triage page with “Save incident file”".to_string(),
    )
}

fn strip_position(msg: &str) -> &str {
    msg.split(" at line ").next().unwrap_or(msg)
}

/// Every time in the file is an RFC 3339 date-time.
fn check_times(f: &IncidentFile) -> Result<(), Problem> {
    let i = &f.incident;
    let mut times: Vec<(String, &str)> =
        vec![("saved_at".into(), &f.saved_at), ("incident.created_at".into(), &i.created_at)];
    for (name, t) in [("discovered_at", &i.discovered_at), ("closed_at", &i.closed_at)] {
        if let Some(t) = t {
            times.push((format!("incident.{name}"), t));
        }
    }
    for (k, t) in &i.done {
        times.push((format!("incident.done.{k}"), t));
    }
    for (k, t) in &i.not_applicable {
        times.push((format!("incident.not_applicable.{k}"), t));
    }
    for (n, e) in i.timeline.iter().enumerate() {
        times.push((format!("incident.timeline[{n}].at"), &e.at));
    }
    for (n, d) in i.decisions.iter().enumerate() {
        times.push((format!("incident.decisions[{n}].at"), &d.at));
        for (m, v) in d.verdicts.iter().enumerate() {
            if let Some(t) = &v.due_at {
                times.push((format!("incident.decisions[{n}].verdicts[{m}].due_at"), t));
            }
        }
    }
    for (n, x) in i.notifications.iter().enumerate() {
        times.push((format!("incident.notifications[{n}].at"), &x.at));
        times.push((format!("incident.notifications[{n}].sent_at"), &x.sent_at));
    }
    for (name, t) in times {
        if assessment_wasm::time::parse_rfc3339(t).is_err() || !t.contains('T') {
            return Err((
                String::new(),
                format!("`{name}` is not a date and time: `{t}`"),
                "times are written like 2026-11-23T09:30:00.000Z".to_string(),
            ));
        }
    }
    Ok(())
}

/// Milliseconds of a time the file holds (checked when it was read).
pub fn ms(t: &str) -> i64 {
    assessment_wasm::time::parse_rfc3339(t).unwrap_or(0)
}

impl Incident {
    /// open, notified or closed, as the page shows it.
    pub fn state(&self) -> &'static str {
        if self.closed_at.is_some() {
            "closed"
        } else if !self.notifications.is_empty() {
            "notified"
        } else {
            "open"
        }
    }

    /// The steps done, from the timeline (a step undone later is left out).
    pub fn steps_done(&self) -> Vec<&str> {
        let mut done: Vec<&str> = Vec::new();
        for e in &self.timeline {
            match e.kind.as_str() {
                "done" if !done.contains(&e.text.as_str()) => done.push(&e.text),
                "undone" => done.retain(|d| *d != e.text),
                _ => {}
            }
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn sample() -> IncidentFile {
        let text = include_str!("../tests/fixtures/incidents/misdirected-mail.json");
        parse(text).unwrap()
    }

    #[test]
    fn round_trip_keeps_everything() {
        let file = sample();
        let text = serde_json::to_string_pretty(&file).unwrap();
        assert_eq!(parse(&text).unwrap(), file);
        assert_eq!(file.incident.state(), "notified");
        assert_eq!(file.incident.notifications[0].reference, "M-2026-000123");
    }

    #[test]
    fn versions_and_formats_are_checked() {
        let mut v: serde_json::Value = serde_json::to_value(sample()).unwrap();
        v["version"] = 2.into();
        let (_, msg, _) = parse(&v.to_string()).unwrap_err();
        assert!(msg.contains("format version 2, made by a newer irbook"), "{msg}");
        v["version"] = 0.into();
        assert!(parse(&v.to_string()).unwrap_err().1.contains("`version`"));
        v["version"] = 1.into();
        v["format"] = "something-else".into();
        assert!(parse(&v.to_string()).unwrap_err().1.starts_with("not an incident file"));
        let (at, msg, _) = parse("{\"format\": \"irbook-incident\",\n  \"version\": 1,,}").unwrap_err();
        assert_eq!(at, ":2:16");
        assert!(msg.starts_with("not valid JSON"), "{msg}");
    }

    #[test]
    fn shape_and_times_are_checked() {
        let mut v: serde_json::Value = serde_json::to_value(sample()).unwrap();
        v["incident"]["surprise"] = true.into();
        assert!(parse(&v.to_string()).unwrap_err().1.contains("unknown field `surprise`"));
        let mut v: serde_json::Value = serde_json::to_value(sample()).unwrap();
        v["incident"]["notifications"][0]["sent_at"] = "yesterday".into();
        let msg = parse(&v.to_string()).unwrap_err().1;
        assert_eq!(msg, "`incident.notifications[0].sent_at` is not a date and time: `yesterday`");
        let mut v: serde_json::Value = serde_json::to_value(sample()).unwrap();
        v["incident"]["decisions"][0]["verdicts"][0]["decision"] = "maybe".into();
        assert!(parse(&v.to_string()).unwrap_err().1.contains("unknown variant `maybe`"));
    }

    #[test]
    fn the_schema_accepts_the_sample_and_names_the_format() {
        let s = schema();
        assert_eq!(s["properties"]["format"]["const"], FORMAT);
        assert_eq!(s["additionalProperties"], false);
        let required: Vec<&str> = s["required"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
        for key in ["format", "version", "handbook", "assessment", "incident"] {
            assert!(required.contains(&key), "{key} is required");
        }
        // Every key of the sample is a property the schema knows.
        let sample = serde_json::to_value(sample()).unwrap();
        let defs = &s["$defs"]["Incident"]["properties"];
        for key in sample["incident"].as_object().unwrap().keys() {
            assert!(defs.get(key).is_some(), "the schema lacks incident.{key}");
        }
    }

    #[test]
    fn steps_done_follow_the_timeline() {
        let mut f = sample().incident;
        let before = f.steps_done().len();
        let title = f.steps_done()[0].to_string();
        f.timeline.push(Entry {
            n: 99,
            at: "2026-12-01T12:00:00.000Z".into(),
            who: String::new(),
            kind: "undone".into(),
            text: title.clone(),
            note: String::new(),
        });
        assert_eq!(f.steps_done().len(), before - 1);
        assert!(!f.steps_done().contains(&title.as_str()));
    }
}
