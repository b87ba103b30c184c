//! What the incident record needs from content (`records/follow-ups.yaml`):
//! the stages in which a party is notified (the CSIRT's early warning, then
//! its incident notification) and what follows from a notification once it
//! has been made (the final report a month later, completing the authority's
//! notification). Deadlines are content, like every other deadline: code
//! learns no country and no authority.

use crate::diag::{did_you_mean, Diagnostic, Report};
use crate::load::Tree;
use crate::model::{check_id, parse_yaml};
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
    let Some(file) = parse_yaml::<FollowUpsFile>(FILE, text, 0, report) else { return FollowUpsFile::default() };
    let spans = SpanIndex::build(text, 0);
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
