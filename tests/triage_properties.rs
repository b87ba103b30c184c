//! Property tests of the triage's caution (issue 14), on the default
//! handbook's questionnaire, run in-process:
//!
//! (a) replacing any one known answer with "I don't know" never lowers a
//!     verdict;
//! (b) no single answer on its own lowers `notify_authority` or
//!     `notify_data_subjects` from yes to no unless it completes a
//!     confirmed exception: every such "no" for the authority comes with the
//!     step that records the exception, and a claim of protection
//!     (`unintelligible`, a recipient's deletion) lowers a verdict without
//!     its follow-ups only where the fact vocabulary's own definition
//!     carries the conditions (login details only; a lost or stolen carrier;
//!     a trusted recipient with nothing in doubt).
//!
//! The answer sets are every EDPB case and scenario in the repository and
//! random ones drawn from the question definitions (a fixed seed, so a
//! failure can be reproduced).

mod common;
use assessment_wasm::definition::QuestionType;
use assessment_wasm::Compiled;
use common::*;
use serde_json::{json, Map, Value};
use std::fs;

const FOLLOW_UPS: [&str; 4] = ["unintelligible_all", "key_and_system_safe", "recipient_grounds", "access_checked"];
const NUMBERS: [f64; 9] = [0.0, 1.0, 3.0, 10.0, 50.0, 120.0, 999.0, 1000.0, 100_000.0];

/// xorshift64*: enough randomness for test data, and the same every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn file_answers() -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures/edpb-cases", "tests/scenarios"] {
        let mut files: Vec<_> = fs::read_dir(repo().join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for p in files.into_iter().filter(|p| p.extension().is_some_and(|x| x == "yaml")) {
            out.push((p.file_stem().unwrap().to_string_lossy().to_string(), answers_of(&p)));
        }
    }
    out
}

fn random_answers(c: &Compiled, rng: &mut Rng) -> Value {
    let mut m = Map::new();
    for q in &c.questions {
        let roll = rng.below(100);
        if roll < 12 {
            continue; // unanswered
        }
        if roll < 22 && q.allow_unknown {
            m.insert(q.id.clone(), json!("unknown"));
            continue;
        }
        let v = match q.qtype {
            QuestionType::YesNo | QuestionType::YesNoUnknown => json!(if rng.below(2) == 0 { "yes" } else { "no" }),
            QuestionType::Single => json!(q.options[rng.below(q.options.len())].value),
            QuestionType::Multi => {
                let mut picked: Vec<&str> =
                    q.options.iter().filter(|_| rng.below(3) == 0).map(|o| o.value.as_str()).collect();
                if picked.is_empty() {
                    picked.push(&q.options[rng.below(q.options.len())].value);
                }
                json!(picked)
            }
            QuestionType::Number => json!(NUMBERS[rng.below(NUMBERS.len())]),
            _ => continue,
        };
        m.insert(q.id.clone(), v);
    }
    Value::Object(m)
}

fn answer_sets(c: &Compiled) -> Vec<(String, Value)> {
    let mut sets = file_answers();
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for i in 0..100 {
        sets.push((format!("random-{i}"), random_answers(c, &mut rng)));
    }
    sets
}

fn is_definite(v: &Value) -> bool {
    !(v.is_null() || v == "unknown")
}

#[test]
fn an_unknown_answer_never_lowers_a_verdict() {
    let c = triage_compiled("en");
    let mut checked = 0;
    for (name, answers) in answer_sets(&c) {
        let base = triage_plan(&c, &answers);
        for (q, v) in answers.as_object().unwrap() {
            if !is_definite(v) {
                continue;
            }
            let question = c.questions.iter().find(|x| &x.id == q).unwrap();
            let mut changed = answers.clone();
            changed[q] = if question.allow_unknown { json!("unknown") } else { Value::Null };
            let p = triage_plan(&c, &changed);
            for v in &base.verdicts {
                if decision(&base, &v.id) == "yes" {
                    assert_eq!(decision(&p, &v.id), "yes", "{name}: `{q}` unknown lowers {}", v.id);
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 2000, "only {checked} replacements checked");
}

/// The other values a question could be given, one change at a time.
fn alternatives(q: &assessment_wasm::compile::CQuestion, current: &Value) -> Vec<Value> {
    match q.qtype {
        QuestionType::YesNo | QuestionType::YesNoUnknown => vec![json!("yes"), json!("no")],
        QuestionType::Single => q.options.iter().map(|o| json!(o.value)).collect(),
        QuestionType::Multi => {
            let now: Vec<String> = current
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
                .unwrap_or_default();
            let mut out: Vec<Value> = q.options.iter().map(|o| json!([o.value])).collect();
            for o in &q.options {
                let mut toggled: Vec<String> = now.iter().filter(|x| **x != o.value).cloned().collect();
                if !now.contains(&o.value) {
                    toggled.push(o.value.clone());
                }
                if !toggled.is_empty() {
                    out.push(json!(toggled));
                }
            }
            out
        }
        QuestionType::Number => NUMBERS.iter().map(|n| json!(n)).collect(),
        _ => Vec::new(),
    }
}

fn is(answers: &Value, q: &str, value: &str) -> bool {
    match &answers[q] {
        Value::String(s) => s == value,
        Value::Bool(b) => (if *b { "yes" } else { "no" }) == value,
        _ => false,
    }
}

fn categories(answers: &Value) -> Vec<String> {
    answers["data_categories"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default()
}

/// Where `unintelligible: yes` needs no follow-up: the vocabulary's own
/// definition (state of the art, key or salt safe) is enough for hashed login
/// details (EDPB case 6) and for a lost or stolen carrier (case 10).
fn unintelligible_alone_suffices(a: &Value) -> bool {
    categories(a) == ["credentials"] || is(a, "cause", "lost_or_stolen")
}

/// Where a recipient's confirmed deletion needs no follow-up: one trusted
/// recipient with nothing in doubt (EDPB case 9), or a few people's plain
/// contact details with known recipients (case 13).
fn deletion_alone_suffices(a: &Value) -> bool {
    let cats = categories(a);
    let nothing_in_doubt =
        !cats.iter().any(|c| ["identity_numbers", "health", "special_other", "criminal"].contains(&c.as_str()))
            && is(a, "vulnerable_subjects", "no")
            && is(a, "malicious", "no")
            && is(a, "cause", "human_error");
    let few_contacts =
        cats.iter().all(|c| c == "contact" || c == "other") && a["subjects"].as_f64().is_some_and(|n| n <= 10.0);
    nothing_in_doubt && (is(a, "recipient", "trusted") || (is(a, "recipient", "known") && few_contacts))
}

#[test]
fn no_single_answer_lowers_a_notification_unless_it_completes_a_confirmed_exception() {
    let c = triage_compiled("en");
    let (mut flips, mut tried) = (0, 0);
    let default_no = {
        let p = triage_plan(&c, &json!({"personal_data": "no"}));
        p.verdicts.iter().find(|v| v.id == "notify_data_subjects").unwrap().explanation.clone()
    };
    for (name, mut answers) in answer_sets(&c) {
        // The baseline without the follow-ups: a claim must not need them to be left open.
        for f in FOLLOW_UPS {
            answers.as_object_mut().unwrap().remove(f);
        }
        let base = triage_plan(&c, &answers);
        for verdict in ["notify_authority", "notify_data_subjects"] {
            if decision(&base, verdict) != "yes" {
                continue;
            }
            for q in &c.questions {
                let current = answers.get(&q.id).cloned().unwrap_or(Value::Null);
                for x in alternatives(q, &current) {
                    if x == current {
                        continue;
                    }
                    let mut changed = answers.clone();
                    changed[&q.id] = x.clone();
                    let p = triage_plan(&c, &changed);
                    tried += 1;
                    if decision(&p, verdict) == "yes" {
                        continue;
                    }
                    flips += 1;
                    let why = format!("{name}: `{}` = {x} lowers {verdict}", q.id);
                    if verdict == "notify_authority" && !is(&changed, "personal_data", "no") {
                        let step = p.actions.iter().find(|a| a.id == "record-no-notification");
                        assert!(step.is_some_and(|s| !s.pending), "{why} without a confirmed exception");
                    }
                    let v = p.verdicts.iter().find(|v| v.id == verdict).unwrap();
                    assert!(!v.pending, "{why} while pending");
                    match q.id.as_str() {
                        "unintelligible" => {
                            assert!(unintelligible_alone_suffices(&changed), "{why} without its follow-ups")
                        }
                        "recipient_deleted" | "recipient"
                            if is(&changed, "recipient_deleted", "yes")
                                && (is(&changed, "recipient", "trusted") || is(&changed, "recipient", "known")) =>
                        {
                            assert!(deletion_alone_suffices(&changed), "{why} without its follow-up")
                        }
                        _ => {}
                    }
                    // For the people concerned, an exception names itself.
                    if verdict == "notify_data_subjects" && q.id == "unintelligible" {
                        assert_ne!(v.explanation, default_no, "{why}, but the text names no exception");
                    }
                }
            }
        }
    }
    println!("{tried} single changes tried, {flips} lowered a verdict, each through a confirmed exception or a fact");
    assert!(tried > 10_000 && flips > 0, "{tried} tried, {flips} flips");
}
