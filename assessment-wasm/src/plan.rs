//! From a compiled assessment, the answers given so far and the times of
//! discovery and now, to a [`Plan`]: verdicts with their reasons, actions
//! ordered by deadline and grouped by phase and track, open questions,
//! and for readiness and training assessments a score and feedback.
//!
//! An unanswered or "unknown" answer never lowers the outcome: a rule whose
//! condition is unknown applies, marked pending on the answers still open.

use crate::compile::{CAction, COption, CQuestion, CVerdict, Compiled};
use crate::definition::{ContactInfo, Kind, QuestionType, SourceInfo, Track};
use crate::language::eval::{Env, Ev, QSet, Tri, Val};
use crate::time::{format_local, parse_parts, Due, TimeZone};
use crate::wire::json::{Number, Value};
use crate::wire::numfmt::{display_f64, parse_f64};
#[cfg(test)]
use serde::Serialize;
use std::cmp::Ordering;
use std::fmt;

mod write;
pub use write::answer_errors_json;

/// One question's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Not answered yet: treated as unknown.
    Unanswered,
    /// Answered "I don't know".
    Unknown,
    Bool(bool),
    /// The index of the chosen option.
    Choice(u32),
    /// The chosen options as a bit mask (bit i = option i).
    Choices(u64),
    Number(f64),
    /// Unix milliseconds; `local` when written without an offset, in which
    /// case `ms` is the wall-clock time and the plan's time zone applies.
    DateTime {
        ms: i64,
        local: bool,
    },
    Text(String),
}

/// The answers to one compiled assessment, by question index.
#[derive(Debug, Clone, PartialEq)]
pub struct Answers {
    values: Vec<Answer>,
}

impl Answers {
    /// Every question unanswered.
    pub fn new(c: &Compiled) -> Answers {
        Answers { values: vec![Answer::Unanswered; c.questions.len()] }
    }

    /// Sets the answer to question `id`; false if there is no such question.
    pub fn set(&mut self, c: &Compiled, id: &str, answer: Answer) -> bool {
        match c.question_index(id) {
            Some(i) if i < self.values.len() => {
                self.values[i] = answer;
                true
            }
            _ => false,
        }
    }

    pub fn get(&self, i: usize) -> &Answer {
        self.values.get(i).unwrap_or(&Answer::Unanswered)
    }
}

/// A problem with one answer, named by its question id (empty when the
/// problem is with the answers as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
// Plan types are written to JSON by hand (plan/write.rs), natively too;
// the derived `Serialize` exists only in tests, to check that writer.
#[cfg_attr(test, derive(Serialize))]
pub struct AnswerError {
    pub question: String,
    pub message: String,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.question.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.question, self.message)
        }
    }
}

/// Reads answers from JSON: an object from question id to answer, or an
/// object whose `answers` member is one. Every problem is reported.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_answers(c: &Compiled, v: &serde_json::Value) -> Result<Answers, Vec<AnswerError>> {
    let (answers, errors) = read_answers(c, &Value::from(v));
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// Like [`parse_answers`], but keeps the answers that could be read, leaving
/// the others unanswered (for answers saved by an older version of a page).
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_answers_lenient(c: &Compiled, v: &serde_json::Value) -> (Answers, Vec<AnswerError>) {
    read_answers(c, &Value::from(v))
}

/// The answers in `v` that could be read, and a problem for each one that
/// could not (those stay unanswered). What `parse_answers` and
/// `parse_answers_lenient` do natively, on the engine's own JSON value.
pub fn read_answers(c: &Compiled, v: &Value) -> (Answers, Vec<AnswerError>) {
    let mut answers = Answers::new(c);
    let mut errors = Vec::new();
    let map = match v {
        Value::Object(m) => match m.get("answers") {
            Some(Value::Object(inner)) => inner,
            _ => m,
        },
        Value::Null => return (answers, errors),
        other => {
            errors.push(AnswerError {
                question: String::new(),
                message: format!("the answers must be an object from question id to answer, not {}", show(other)),
            });
            return (answers, errors);
        }
    };
    for (id, value) in map.iter() {
        let Some(i) = c.question_index(id) else {
            let s = crate::language::typecheck::suggest(id, c.questions.iter().map(|q| q.id.as_str()));
            errors.push(AnswerError {
                question: id.to_string(),
                message: format!("unknown question `{id}`{}", crate::language::typecheck::did_you_mean(s)),
            });
            continue;
        };
        match parse_one(&c.questions[i], value) {
            Ok(a) => answers.values[i] = a,
            Err(message) => errors.push(AnswerError { question: id.to_string(), message }),
        }
    }
    (answers, errors)
}

/// A JSON value as it appears in messages, cut short (to 40 characters and
/// an ellipsis) if long.
fn show(v: &Value) -> String {
    let mut s = v.to_json();
    if let Some((cut, _)) = s.char_indices().nth(40) {
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// The items with `sep` between them: `[&str]::join`, which the wasm would
/// get a large copy of per element type.
fn join<'a>(items: impl IntoIterator<Item = &'a str>, sep: &str) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item);
    }
    out
}

fn option_values(q: &CQuestion) -> String {
    join(q.options.iter().map(|o| o.value.as_str()), ", ")
}

/// Whether `v` is an answer that question `q` accepts (for presets written
/// in content, checked at build time).
pub(crate) fn check_answer(q: &CQuestion, v: &Value) -> Result<(), String> {
    parse_one(q, v).map(|_| ())
}

fn parse_one(q: &CQuestion, v: &Value) -> Result<Answer, String> {
    if v.is_null() {
        return Ok(Answer::Unanswered);
    }
    if v.as_str() == Some("unknown") {
        return if q.allow_unknown {
            Ok(Answer::Unknown)
        } else {
            Err("\"unknown\" is not accepted here: this question has no \"I don't know\" answer".into())
        };
    }
    let unknown_too = if q.allow_unknown { ", or \"unknown\"" } else { "" };
    match q.qtype {
        QuestionType::YesNo | QuestionType::YesNoUnknown => match v {
            Value::Bool(b) => Ok(Answer::Bool(*b)),
            Value::String(s) if s == "yes" => Ok(Answer::Bool(true)),
            Value::String(s) if s == "no" => Ok(Answer::Bool(false)),
            _ => Err(format!("expected \"yes\" or \"no\"{unknown_too}, got {}", show(v))),
        },
        QuestionType::Single => match v {
            Value::String(s) => option_index(q, s).map(Answer::Choice),
            _ => Err(format!("expected one of the options ({}){unknown_too}, got {}", option_values(q), show(v))),
        },
        QuestionType::Multi => {
            let items: Vec<&Value> = match v {
                Value::Array(items) => items.iter().collect(),
                // One option on its own is read as a list of one.
                Value::String(_) => vec![v],
                _ => {
                    return Err(format!(
                        "expected a list of options, such as [\"{}\"]{unknown_too}, got {}",
                        q.options.first().map_or("…", |o| o.value.as_str()),
                        show(v)
                    ))
                }
            };
            let mut mask = 0u64;
            for item in items {
                let Value::String(s) = item else {
                    return Err(format!("expected option values in the list, got {}", show(item)));
                };
                let i = option_index(q, s)?;
                mask |= 1u64.checked_shl(i).unwrap_or(0);
            }
            Ok(Answer::Choices(mask))
        }
        QuestionType::Number => {
            let n = match v {
                Value::Number(n) => Some(n.as_f64()),
                Value::String(s) => parse_f64(s.trim()),
                _ => None,
            };
            let Some(n) = n.filter(|n| n.is_finite()) else {
                return Err(format!("expected a number{unknown_too}, got {}", show(v)));
            };
            if let Some(min) = q.min.filter(|m| n < *m) {
                return Err(format!("{} is less than the minimum, {}", display_f64(n), display_f64(min)));
            }
            if let Some(max) = q.max.filter(|m| n > *m) {
                return Err(format!("{} is more than the maximum, {}", display_f64(n), display_f64(max)));
            }
            Ok(Answer::Number(n))
        }
        QuestionType::Datetime => {
            let Value::String(s) = v else {
                return Err(format!("expected a date and time such as \"2026-11-23T10:00:00+01:00\", got {}", show(v)));
            };
            let (local_ms, offset) = parse_parts(s)?;
            Ok(match offset {
                Some(off) => Answer::DateTime { ms: local_ms.saturating_sub(i64::from(off) * 60_000), local: false },
                None => Answer::DateTime { ms: local_ms, local: true },
            })
        }
        QuestionType::Text => match v {
            Value::String(s) => Ok(Answer::Text(s.clone())),
            _ => Err(format!("expected a text, got {}", show(v))),
        },
    }
}

fn option_index(q: &CQuestion, s: &str) -> Result<u32, String> {
    match q.options.iter().position(|o| o.value == s) {
        Some(i) => Ok(i as u32),
        None => {
            let hint = crate::language::typecheck::suggest(s, q.options.iter().map(|o| o.value.as_str()))
                .map(|x| format!(" (did you mean `{x}`?)"))
                .unwrap_or_default();
            Err(format!("`{s}` is not an option; choose from: {}{hint}", option_values(q)))
        }
    }
}

/// Everything a plan depends on besides the assessment.
#[derive(Debug, Clone)]
pub struct PlanInput {
    pub answers: Answers,
    pub discovered_ms: i64,
    pub now_ms: i64,
    pub tz: TimeZone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(test, derive(Serialize))]
#[cfg_attr(test, serde(rename_all = "lowercase"))]
pub enum Decision {
    Yes,
    No,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Plan {
    pub assessment: String,
    pub kind: Kind,
    pub lang: String,
    pub title: String,
    pub discovered: String,
    pub discovered_ms: i64,
    pub now: String,
    pub now_ms: i64,
    pub verdicts: Vec<VerdictOut>,
    pub actions: Vec<ActionOut>,
    pub groups: Vec<Group>,
    pub open_questions: Vec<OpenQuestion>,
    pub visible_questions: Vec<String>,
    pub score: Option<Score>,
    pub feedback: Vec<Feedback>,
}

/// An answer that decided something: "because you answered …".
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Because {
    pub question: String,
    /// The question's text.
    pub text: String,
    /// The answer as shown to the user (option labels, number with unit).
    pub answer: String,
    /// The answer as data: `true`/`false`, an option value, a list of
    /// them, a number, an RFC 3339 time or a text.
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct VerdictOut {
    pub id: String,
    pub title: String,
    pub decision: Decision,
    /// "Yes" only because answers are still open.
    pub pending: bool,
    pub pending_on: Vec<String>,
    /// The verdict's `yes` or `no` text.
    pub explanation: Option<String>,
    pub reasons: Vec<String>,
    pub because: Vec<Because>,
    pub due_offset: Option<String>,
    pub due: Option<String>,
    pub due_ms: Option<i64>,
    pub contact: Option<ContactInfo>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct ActionOut {
    pub id: String,
    pub title: String,
    pub text: String,
    pub playbook: Option<String>,
    pub phase: String,
    pub phase_title: String,
    pub phase_order: i64,
    pub track: Track,
    pub owner: ContactInfo,
    pub party: Option<ContactInfo>,
    /// The verdict this action carries out, whose deadline it has.
    pub serves: Option<String>,
    pub due_offset: String,
    pub due: String,
    pub due_ms: i64,
    pub remaining_ms: i64,
    pub overdue: bool,
    pub pending: bool,
    pub pending_on: Vec<String>,
    pub reasons: Vec<String>,
    pub because: Vec<Because>,
    pub url: Option<String>,
    pub sources: Vec<SourceInfo>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Group {
    pub phase: String,
    pub phase_title: String,
    pub phase_order: i64,
    pub tracks: Vec<TrackGroup>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct TrackGroup {
    pub track: Track,
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct OpenQuestion {
    pub id: String,
    pub text: String,
    /// `unknown` (answered "I don't know") or `unanswered`.
    pub state: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Score {
    pub total: f64,
    pub max: f64,
    pub percent: f64,
    pub areas: Vec<AreaScore>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct AreaScore {
    pub id: String,
    pub title: String,
    pub score: f64,
    pub max: f64,
    pub percent: f64,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize))]
pub struct Feedback {
    pub question: String,
    pub text: String,
    pub answer: String,
    pub correct: bool,
    pub feedback: Option<String>,
}

/// The plan for these answers. Pure and total: any answers give a plan.
pub fn plan(c: &Compiled, input: &PlanInput) -> Plan {
    let tz = input.tz;
    let nq = c.questions.len();
    let mut env = Env::new(c.lets.iter().map(|l| &l.expr).collect(), nq);
    // Per question: asked, and its definite value when it has one.
    let mut visible = vec![false; nq];
    let mut settled: Vec<Option<Val<'_>>> = vec![None; nq];
    for (i, q) in c.questions.iter().enumerate() {
        let shown = q.show_if.as_ref().map(|n| env.eval(n));
        let answer = input.answers.get(i);
        let value = answer_value(q, answer, &tz);
        let ev = match shown.as_ref().map_or(Tri::True, Ev::truth) {
            Tri::False => Ev::known(Val::Absent, shown.map(|s| s.witnesses).unwrap_or_default()),
            Tri::True => {
                visible[i] = true;
                settled[i] = value;
                match value {
                    Some(v) => Ev::known(v, QSet::one(i)),
                    None => Ev::unknown(QSet::one(i), QSet::new()),
                }
            }
            Tri::Unknown => {
                // Asked, but whether it applies is open: its value could be
                // the answer or "not asked", so it is unknown (cautious).
                visible[i] = true;
                let s = shown.unwrap_or_else(|| Ev::constant(Val::Unknown));
                let mut u = s.unknown_on;
                if value.is_none() {
                    u.insert(i);
                }
                Ev::unknown(u, s.witnesses)
            }
        };
        env.set_question(i, ev);
    }

    // Each answer is described once; verdicts and actions share them.
    let described: Vec<Option<Because>> = c
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let v = settled[i]?;
            let (answer, value) = describe_answer(q, v, &tz);
            Some(Because { question: q.id.clone(), text: q.text.clone(), answer, value })
        })
        .collect();
    let because = |w: &QSet| -> Vec<Because> { w.iter().filter_map(|i| described.get(i).cloned().flatten()).collect() };
    let ids = |s: &QSet| -> Vec<String> { s.iter().filter_map(|i| c.questions.get(i).map(|q| q.id.clone())).collect() };
    let contact = |role: &str| -> Option<ContactInfo> { c.contacts.iter().find(|x| x.role == role).cloned() };

    let rule_evs: Vec<Ev<'_>> = c.rules.iter().map(|r| env.eval(&r.when)).collect();

    let mut verdicts = Vec::with_capacity(c.verdicts.len());
    for (vi, v) in c.verdicts.iter().enumerate() {
        let listing: Vec<usize> = (0..c.rules.len()).filter(|&r| c.rules[r].verdicts.contains(&(vi as u32))).collect();
        let with = |t: Tri| -> Vec<usize> { listing.iter().copied().filter(|&r| rule_evs[r].truth() == t).collect() };
        let (true_rules, unknown_rules) = (with(Tri::True), with(Tri::Unknown));
        let (decision, pending, deciding) = if !true_rules.is_empty() {
            (Decision::Yes, false, true_rules)
        } else if !unknown_rules.is_empty() {
            (Decision::Yes, true, unknown_rules)
        } else {
            (Decision::No, false, listing.clone())
        };
        let mut w = QSet::new();
        let mut u = QSet::new();
        for &r in &deciding {
            w.union_with(&rule_evs[r].witnesses);
            u.union_with(&rule_evs[r].unknown_on);
        }
        let reasons = if decision == Decision::Yes {
            dedup(deciding.iter().filter_map(|&r| c.rules[r].reason.as_deref()))
        } else {
            Vec::new()
        };
        let due_ms = match (decision, v.due) {
            (Decision::Yes, Some(d)) => Some(deadline(d, v.window_ms, input)),
            _ => None,
        };
        verdicts.push(VerdictOut {
            id: v.id.clone(),
            title: v.title.clone(),
            decision,
            pending,
            pending_on: if pending { ids(&u) } else { Vec::new() },
            explanation: explanation(v, decision, &mut env),
            reasons,
            because: because(&w),
            due_offset: v.due.map(|d| d.to_string()),
            due: due_ms.map(|ms| format_local(ms, &tz)),
            due_ms,
            contact: v.contact.as_deref().and_then(contact),
        });
    }

    // Which actions apply, and why: merged over every rule that includes them.
    struct Inclusion<'r> {
        definite: bool,
        unknown_on: QSet,
        witnesses: QSet,
        reasons: Vec<&'r str>,
    }
    let mut step_evs: Vec<Option<Ev<'_>>> = vec![None; c.actions.len()];
    // Indexed by action: deterministic, and no map code in the wasm.
    let mut included: Vec<Option<Inclusion>> = (0..c.actions.len()).map(|_| None).collect();
    for (ri, r) in c.rules.iter().enumerate() {
        let rule = &rule_evs[ri];
        let rt = rule.truth();
        if rt == Tri::False {
            continue;
        }
        for &ai in &r.actions {
            let ai = ai as usize;
            let Some(action) = c.actions.get(ai) else {
                continue;
            };
            let step = match &action.when {
                None => Ev::constant(Val::Bool(true)),
                Some(n) => step_evs[ai].get_or_insert_with(|| env.eval(n)).clone(),
            };
            let st = step.truth();
            if st == Tri::False {
                continue;
            }
            let inc = included[ai].get_or_insert_with(|| Inclusion {
                definite: false,
                unknown_on: QSet::new(),
                witnesses: QSet::new(),
                reasons: Vec::new(),
            });
            inc.definite |= rt == Tri::True && st == Tri::True;
            inc.unknown_on.union_with(&rule.unknown_on);
            inc.unknown_on.union_with(&step.unknown_on);
            inc.witnesses.union_with(&rule.witnesses);
            inc.witnesses.union_with(&step.witnesses);
            if let Some(reason) = r.reason.as_deref() {
                if !inc.reasons.contains(&reason) {
                    inc.reasons.push(reason);
                }
            }
        }
    }
    let actions: Vec<ActionOut> = included
        .into_iter()
        .zip(&c.actions)
        .filter_map(|(inc, a)| {
            let inc = inc?;
            Some(action_out(
                c,
                a,
                inc.definite,
                &ids(&inc.unknown_on),
                dedup(inc.reasons.into_iter()),
                because(&inc.witnesses),
                input,
                &contact,
                &verdicts,
            ))
        })
        .collect();
    let order = stable_order(actions.len(), &|a, b| {
        let (a, b) = (&actions[a], &actions[b]);
        (a.due_ms, a.phase_order, a.track, &a.id).cmp(&(b.due_ms, b.phase_order, b.track, &b.id))
    });
    let actions = permute(actions, &order);

    let mut groups: Vec<Group> = Vec::new();
    for a in &actions {
        // Few phases: a linear search is all it takes.
        let found = groups.iter().position(|g| g.phase == a.phase);
        let gi = found.unwrap_or_else(|| {
            groups.push(Group {
                phase: a.phase.clone(),
                phase_title: a.phase_title.clone(),
                phase_order: a.phase_order,
                tracks: vec![
                    TrackGroup { track: Track::Admin, actions: Vec::new() },
                    TrackGroup { track: Track::Technical, actions: Vec::new() },
                ],
            });
            groups.len() - 1
        });
        let ti = usize::from(a.track == Track::Technical);
        groups[gi].tracks[ti].actions.push(a.id.clone());
    }
    let order = stable_order(groups.len(), &|a, b| {
        let (a, b) = (&groups[a], &groups[b]);
        (a.phase_order, &a.phase).cmp(&(b.phase_order, &b.phase))
    });
    let groups = permute(groups, &order);

    let mut open_questions = Vec::new();
    let mut visible_questions = Vec::new();
    for (i, q) in c.questions.iter().enumerate() {
        if !visible[i] {
            continue;
        }
        visible_questions.push(q.id.clone());
        let answered = answer_value(q, input.answers.get(i), &tz).is_some();
        if !answered {
            let state = if *input.answers.get(i) == Answer::Unknown { "unknown" } else { "unanswered" };
            open_questions.push(OpenQuestion { id: q.id.clone(), text: q.text.clone(), state });
        }
    }

    let (score, feedback) = match c.kind {
        Kind::Triage => (None, Vec::new()),
        Kind::Readiness => (Some(readiness_score(c, &visible, &settled)), Vec::new()),
        Kind::Training => training(c, &visible, &settled, &tz),
    };

    Plan {
        assessment: c.id.clone(),
        kind: c.kind,
        lang: c.lang.clone(),
        title: c.title.clone(),
        discovered: format_local(input.discovered_ms, &tz),
        discovered_ms: input.discovered_ms,
        now: format_local(input.now_ms, &tz),
        now_ms: input.now_ms,
        verdicts,
        actions,
        groups,
        open_questions,
        visible_questions,
        score,
        feedback,
    }
}

/// The verdict's text for its decision: that of the first variant whose
/// condition is certainly true and that has one, or else the default. An
/// unknown condition picks no variant, so the default text must suit every
/// case; the decision itself never depends on a variant.
fn explanation<'a>(v: &'a CVerdict, decision: Decision, env: &mut Env<'a>) -> Option<String> {
    let pick =
        |yes: &Option<String>, no: &Option<String>| if decision == Decision::Yes { yes.clone() } else { no.clone() };
    for x in &v.variants {
        let Some(text) = pick(&x.yes, &x.no) else { continue };
        if env.eval(&x.when).truth() == Tri::True {
            return Some(text);
        }
    }
    pick(&v.yes, &v.no)
}

#[allow(clippy::too_many_arguments)]
fn action_out(
    c: &Compiled,
    a: &CAction,
    definite: bool,
    pending_on: &[String],
    reasons: Vec<String>,
    because: Vec<Because>,
    input: &PlanInput,
    contact: &dyn Fn(&str) -> Option<ContactInfo>,
    verdicts: &[VerdictOut],
) -> ActionOut {
    let phase = c.phases.iter().find(|p| p.id == a.phase);
    // A step that carries out a verdict has that verdict's deadline, taken
    // from the verdict itself: one duty, one deadline, on the page and in
    // every export.
    let served = a
        .serves
        .as_deref()
        .and_then(|id| verdicts.iter().find(|v| v.id == id))
        .and_then(|v| Some((v.due_ms?, v.due_offset.clone()?)));
    let (due_ms, due_offset) = match served {
        Some((ms, offset)) => (ms, offset),
        None => (deadline(a.due, a.window_ms, input), a.due.to_string()),
    };
    ActionOut {
        id: a.id.clone(),
        title: a.title.clone(),
        text: a.text.clone(),
        playbook: a.playbook.clone(),
        phase: a.phase.clone(),
        phase_title: phase.map_or_else(|| a.phase.clone(), |p| p.title.clone()),
        // Steps in a phase the handbook does not list go last.
        phase_order: phase.map_or(i64::MAX, |p| p.order),
        track: a.track,
        owner: contact(&a.owner).unwrap_or_else(|| ContactInfo {
            role: a.owner.clone(),
            name: a.owner.clone(),
            ..ContactInfo::default()
        }),
        party: a.party.as_deref().and_then(contact),
        serves: a.serves.clone(),
        due_offset,
        due: format_local(due_ms, &input.tz),
        due_ms,
        remaining_ms: due_ms.saturating_sub(input.now_ms),
        overdue: input.now_ms > due_ms,
        pending: !definite,
        pending_on: if definite { Vec::new() } else { pending_on.to_vec() },
        reasons,
        because,
        url: a.url.clone(),
        sources: a.sources.clone(),
    }
}

/// When something is due. "As soon as possible" is now: never a time in
/// the past (the discovery moment) and never a later offset, and so never
/// overdue.
fn deadline(due: Due, window_ms: Option<i64>, input: &PlanInput) -> i64 {
    match due {
        Due::Asap => input.now_ms.max(input.discovered_ms),
        d => d.deadline(input.discovered_ms, window_ms),
    }
}

/// The order that sorts `0..n` by `cmp`, stably: a bottom-up merge sort.
/// `slice::sort_by` would do, but links about 4 KB of WebAssembly for each
/// element type; this is one small function for all of them.
fn stable_order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut from: Vec<usize> = (0..n).collect();
    let mut to = vec![0; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut to[start..end] {
                // The left run wins ties, which keeps the sort stable.
                if j < end && (i >= mid || cmp(from[j], from[i]) == Ordering::Less) {
                    *slot = from[j];
                    j += 1;
                } else {
                    *slot = from[i];
                    i += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    from
}

/// `items` in the given order (a permutation of their indices).
fn permute<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots.get_mut(i).and_then(Option::take)).collect()
}

/// The distinct items in first-seen order, cloned only once each.
fn dedup<'s>(items: impl Iterator<Item = &'s str>) -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    for s in items {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen.into_iter().map(str::to_string).collect()
}

/// The value an answer gives its question, if it is a definite one of the
/// right kind (anything else counts as unknown).
fn answer_value<'a>(q: &CQuestion, a: &'a Answer, tz: &TimeZone) -> Option<Val<'a>> {
    let n = q.options.len();
    match (q.qtype, a) {
        (QuestionType::YesNo | QuestionType::YesNoUnknown, Answer::Bool(b)) => Some(Val::Bool(*b)),
        (QuestionType::Single, Answer::Choice(i)) if (*i as usize) < n => Some(Val::Sym(*i)),
        (QuestionType::Multi, Answer::Choices(m)) => {
            let all = if n >= 64 { u64::MAX } else { (1u64 << n) - 1 };
            Some(Val::Set(m & all))
        }
        (QuestionType::Number, Answer::Number(x)) if x.is_finite() => Some(Val::Num(*x)),
        (QuestionType::Datetime, Answer::DateTime { ms, local }) => {
            Some(Val::Time(if *local { tz.local_to_utc(*ms) } else { *ms }))
        }
        (QuestionType::Text, Answer::Text(s)) => Some(Val::Text(s)),
        _ => None,
    }
}

fn yes_no_option(q: &CQuestion, b: bool) -> Option<&COption> {
    let value = if b { "yes" } else { "no" };
    q.options.iter().find(|o| o.value == value)
}

/// The options a definite value chose.
fn chosen<'q>(q: &'q CQuestion, v: Val<'_>) -> Vec<&'q COption> {
    match v {
        Val::Bool(b) => yes_no_option(q, b).into_iter().collect(),
        Val::Sym(i) => q.options.get(i as usize).into_iter().collect(),
        Val::Set(m) => {
            q.options.iter().enumerate().filter(|(i, _)| *i < 64 && m >> i & 1 == 1).map(|(_, o)| o).collect()
        }
        _ => Vec::new(),
    }
}

/// The answer as shown, and as data.
fn describe_answer(q: &CQuestion, v: Val<'_>, tz: &TimeZone) -> (String, Value) {
    let labels = |opts: Vec<&COption>| join(opts.iter().map(|o| o.label.as_str()), ", ");
    match v {
        Val::Bool(b) => {
            let shown = yes_no_option(q, b).map_or(if b { "yes" } else { "no" }, |o| &o.label);
            (shown.to_string(), Value::Bool(b))
        }
        Val::Sym(i) => {
            let o = q.options.get(i as usize);
            (o.map(|o| o.label.clone()).unwrap_or_default(), o.map_or(Value::Null, |o| Value::String(o.value.clone())))
        }
        Val::Set(_) => {
            let opts = chosen(q, v);
            let values = opts.iter().map(|o| Value::String(o.value.clone())).collect();
            (labels(opts), Value::Array(values))
        }
        Val::Num(x) => {
            let shown = match &q.unit {
                Some(u) => format!("{} {u}", display_f64(x)),
                None => display_f64(x),
            };
            // As `serde_json::Number::from_f64` has it: JSON has no NaN or infinity.
            (shown, if x.is_finite() { Value::Number(Number::Float(x)) } else { Value::Null })
        }
        Val::Time(ms) => {
            let s = format_local(ms, tz);
            (s.clone(), Value::String(s))
        }
        Val::Text(s) => (s.to_string(), Value::String(s.to_string())),
        Val::Absent | Val::Unknown => (String::new(), Value::Null),
    }
}

/// Points a question can earn and has earned.
fn question_points(q: &CQuestion, v: Option<Val<'_>>) -> (f64, f64) {
    let score_of = |o: &COption| o.score.unwrap_or(0.0);
    let is_yes_no = matches!(q.qtype, QuestionType::YesNo | QuestionType::YesNoUnknown);
    if is_yes_no && q.options.is_empty() {
        return (f64::from(u8::from(v == Some(Val::Bool(true)))), 1.0);
    }
    let max = match q.qtype {
        QuestionType::Multi => q.options.iter().map(score_of).filter(|s| *s > 0.0).sum(),
        QuestionType::Single | QuestionType::YesNo | QuestionType::YesNoUnknown => {
            q.options.iter().map(score_of).fold(0.0, f64::max)
        }
        _ => 0.0,
    };
    let earned = v.map_or(0.0, |v| chosen(q, v).into_iter().map(score_of).sum());
    (earned, max)
}

fn percent(score: f64, max: f64) -> f64 {
    if max > 0.0 {
        (score / max * 1000.0).round() / 10.0
    } else {
        0.0
    }
}

/// Sums per area over the asked questions; unanswered and unknown earn 0.
fn area_scores(c: &Compiled, visible: &[bool], points: impl Fn(usize) -> (f64, f64)) -> Score {
    let mut total = (0.0, 0.0);
    let mut per_area = vec![(0.0, 0.0); c.areas.len()];
    for (i, q) in c.questions.iter().enumerate() {
        if !visible[i] {
            continue;
        }
        let (s, m) = points(i);
        total.0 += s;
        total.1 += m;
        if let Some(ai) = q.area.as_ref().and_then(|a| c.areas.iter().position(|x| &x.id == a)) {
            per_area[ai].0 += s;
            per_area[ai].1 += m;
        }
    }
    Score {
        total: total.0,
        max: total.1,
        percent: percent(total.0, total.1),
        areas: c
            .areas
            .iter()
            .zip(per_area)
            .map(|(a, (s, m))| AreaScore {
                id: a.id.clone(),
                title: a.title.clone(),
                score: s,
                max: m,
                percent: percent(s, m),
            })
            .collect(),
    }
}

fn readiness_score(c: &Compiled, visible: &[bool], settled: &[Option<Val<'_>>]) -> Score {
    area_scores(c, visible, |i| question_points(&c.questions[i], settled[i]))
}

/// Whether a definite answer is right: every right option and no other.
fn is_correct(q: &CQuestion, v: Val<'_>) -> bool {
    let picked = chosen(q, v);
    let right = q.options.iter().filter(|o| o.correct == Some(true)).count();
    !picked.is_empty()
        && picked.iter().all(|o| o.correct == Some(true))
        && (q.qtype != QuestionType::Multi || picked.len() == right)
}

fn training(
    c: &Compiled,
    visible: &[bool],
    settled: &[Option<Val<'_>>],
    tz: &TimeZone,
) -> (Option<Score>, Vec<Feedback>) {
    let mut feedback = Vec::new();
    for (i, q) in c.questions.iter().enumerate() {
        let Some(v) = settled[i].filter(|_| visible[i] && !q.options.is_empty()) else {
            continue;
        };
        let notes: Vec<&str> = chosen(q, v).into_iter().filter_map(|o| o.feedback.as_deref()).collect();
        feedback.push(Feedback {
            question: q.id.clone(),
            text: q.text.clone(),
            answer: describe_answer(q, v, tz).0,
            correct: is_correct(q, v),
            feedback: (!notes.is_empty()).then(|| join(notes, "\n\n")),
        });
    }
    let score = area_scores(c, visible, |i| {
        let q = &c.questions[i];
        let right = settled[i].is_some_and(|v| is_correct(q, v));
        (f64::from(u8::from(right)), 1.0)
    });
    (Some(score), feedback)
}

#[cfg(test)]
mod tests;
