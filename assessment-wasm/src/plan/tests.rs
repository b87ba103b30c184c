use super::*;
use crate::compile::compile;
use crate::testutil::{context_json, ctx_from, def_from, serde_json_escaped, triage_json};
use crate::time::{parse_rfc3339, HOUR_MS};
use proptest::prelude::*;
// The tests build answers with serde_json, as the builder does.
use serde_json::{json, Value};

const AMSTERDAM: TimeZone = TimeZone::Eu { standard_offset_min: 60 };

fn triage() -> Compiled {
    compile(&def_from(triage_json()), &ctx_from(context_json())).expect("fixture compiles").0
}

fn discovered() -> i64 {
    parse_rfc3339("2026-11-23T10:00:00+01:00").unwrap()
}

fn plan_for(c: &Compiled, answers: Value) -> Plan {
    let answers = parse_answers(c, &answers).unwrap_or_else(|e| panic!("{e:?}"));
    plan(c, &PlanInput { answers, discovered_ms: discovered(), now_ms: discovered() + 2 * HOUR_MS, tz: AMSTERDAM })
}

fn verdict<'p>(p: &'p Plan, id: &str) -> &'p VerdictOut {
    p.verdicts.iter().find(|v| v.id == id).unwrap()
}

fn action<'p>(p: &'p Plan, id: &str) -> &'p ActionOut {
    p.actions.iter().find(|a| a.id == id).unwrap()
}

fn action_ids(p: &Plan) -> Vec<&str> {
    p.actions.iter().map(|a| a.id.as_str()).collect()
}

fn because(items: &[Because]) -> Vec<(&str, &str)> {
    items.iter().map(|b| (b.question.as_str(), b.answer.as_str())).collect()
}

fn ransomware_with_health_data() -> Value {
    json!({
        "personal_data": "yes",
        "subjects": 150,
        "data_categories": ["health"],
        "encrypted": false,
        "cause": "ransomware",
        "nis2": "no",
        "found_at": "2026-11-23T09:30"
    })
}

#[test]
fn verdicts_with_deadlines_and_reasons() {
    let p = plan_for(&triage(), ransomware_with_health_data());
    assert_eq!(p.discovered, "2026-11-23T10:00:00+01:00");
    assert_eq!(p.now, "2026-11-23T12:00:00+01:00");
    let v = verdict(&p, "notify_authority");
    assert_eq!(v.decision, Decision::Yes);
    assert!(!v.pending);
    assert_eq!(v.due.as_deref(), Some("2026-11-26T10:00:00+01:00"));
    assert_eq!(v.due_ms, Some(discovered() + 72 * HOUR_MS));
    assert_eq!(v.due_offset.as_deref(), Some("72h"));
    assert_eq!(v.explanation.as_deref(), Some("Report within 72 hours."));
    assert_eq!(v.reasons, ["Personal data at risk"]);
    assert_eq!(because(&v.because), [("personal_data", "yes"), ("encrypted", "no")]);
    assert_eq!(v.contact.as_ref().unwrap().role, "ap");
    let insurer = verdict(&p, "notify_insurer");
    assert_eq!(insurer.due.as_deref(), Some("2026-11-24T10:00:00+01:00"));
    // `or` is decided by its first true operand.
    assert_eq!(because(&insurer.because), [("personal_data", "yes")]);
    let subjects = verdict(&p, "notify_subjects");
    assert_eq!(subjects.due, None);
    assert_eq!(
        because(&subjects.because),
        [("personal_data", "yes"), ("data_categories", "Health"), ("encrypted", "no")]
    );
    assert_eq!(serde_json::to_value(&subjects.because[1].value).unwrap(), json!(["health"]));
    assert_eq!(because(&verdict(&p, "report_to_police").because), [("cause", "Ransomware")]);
}

#[test]
fn actions_ordered_by_deadline_phase_track_and_id() {
    let p = plan_for(&triage(), ransomware_with_health_data());
    assert_eq!(
        action_ids(&p),
        ["isolate-systems", "log-incident", "notify-insurer", "report-police", "inform-subjects", "notify-ap"]
    );
    // "As soon as possible" is now (two hours after discovery here): never
    // the moment of discovery, so never overdue.
    let log = action(&p, "log-incident");
    assert_eq!(log.due, "2026-11-23T12:00:00+01:00");
    assert_eq!(log.due_offset, "asap");
    assert!(!log.overdue);
    assert_eq!(log.remaining_ms, 0);
    // Listed by two rules: one action, both reasons.
    assert_eq!(log.reasons, ["Personal data at risk", "High risk to the people concerned"]);
    let insurer = action(&p, "notify-insurer");
    assert_eq!(insurer.due_offset, "window");
    assert_eq!(insurer.due, "2026-11-24T10:00:00+01:00");
    assert_eq!(insurer.remaining_ms, 22 * HOUR_MS);
    assert!(!insurer.overdue);
    assert_eq!(insurer.party.as_ref().unwrap().role, "insurer");
    assert_eq!(insurer.owner.name, "Jan Jansen");
    assert_eq!(insurer.phase_title, "Notify");
    assert_eq!(insurer.phase_order, 3);
    let subjects = action(&p, "inform-subjects");
    assert_eq!(subjects.due_offset, "72h");
    assert_eq!(subjects.due, "2026-11-26T10:00:00+01:00");
    assert_eq!(action(&p, "report-police").reasons, ["The policy covers this", "Ransomware is a crime"]);
    let isolate = action(&p, "isolate-systems");
    assert_eq!(isolate.playbook.as_deref(), Some("ransomware"));
    assert_eq!(isolate.track, Track::Technical);
    assert_eq!(isolate.sources[0].id, "ap-meldplicht");
    assert!(p.actions.iter().all(|a| !a.pending && a.pending_on.is_empty()));

    let groups: Vec<(&str, Vec<Vec<&str>>)> = p
        .groups
        .iter()
        .map(|g| (g.phase.as_str(), g.tracks.iter().map(|t| t.actions.iter().map(String::as_str).collect()).collect()))
        .collect();
    assert_eq!(
        groups,
        [
            ("first-response", vec![vec!["log-incident"], vec!["isolate-systems"]]),
            ("notify", vec![vec!["notify-insurer", "report-police", "inform-subjects", "notify-ap"], vec![]]),
        ]
    );
    assert_eq!(p.groups[0].tracks[0].track, Track::Admin);
    assert_eq!(p.open_questions.len(), 1);
    assert_eq!(p.open_questions[0].id, "notes");
    assert_eq!(p.open_questions[0].state, "unanswered");
    assert_eq!(p.visible_questions.len(), 8);
}

#[test]
fn unknown_answers_keep_the_cautious_side_and_say_so() {
    let p = plan_for(&triage(), json!({"personal_data": "unknown", "cause": "phishing", "nis2": false}));
    let v = verdict(&p, "notify_authority");
    assert_eq!(v.decision, Decision::Yes);
    assert!(v.pending);
    assert_eq!(v.pending_on, ["personal_data", "encrypted"]);
    assert_eq!(v.due.as_deref(), Some("2026-11-26T10:00:00+01:00"));
    let insurer = verdict(&p, "notify_insurer");
    assert!(insurer.pending);
    assert_eq!(insurer.pending_on, ["personal_data"]);
    // Ransomware is ruled out: a definite no, with its reason.
    let police = verdict(&p, "report_to_police");
    assert_eq!(police.decision, Decision::No);
    assert!(!police.pending);
    assert_eq!(because(&police.because), [("cause", "Phishing")]);
    assert_eq!(police.due, None);

    let subjects = action(&p, "inform-subjects");
    assert!(subjects.pending);
    assert_eq!(subjects.pending_on, ["personal_data", "subjects", "data_categories", "encrypted"]);
    // The insurer rule may apply, but report-police's own `when` is false.
    assert_eq!(action_ids(&p), ["log-incident", "notify-insurer", "inform-subjects", "notify-ap"]);
    // Questions whose show_if is open are asked.
    let open: Vec<(&str, &str)> = p.open_questions.iter().map(|q| (q.id.as_str(), q.state)).collect();
    assert_eq!(
        open,
        [
            ("personal_data", "unknown"),
            ("subjects", "unanswered"),
            ("data_categories", "unanswered"),
            ("encrypted", "unanswered"),
            ("found_at", "unanswered"),
            ("notes", "unanswered")
        ]
    );
}

#[test]
fn a_step_with_an_open_condition_is_included_pending() {
    let p = plan_for(&triage(), json!({"personal_data": "yes", "encrypted": "yes", "cause": "phishing"}));
    let police = action(&p, "report-police");
    assert!(police.pending);
    assert_eq!(police.pending_on, ["nis2"]);
    assert_eq!(police.reasons, ["The policy covers this"]);
    assert!(!action(&p, "notify-insurer").pending);
}

#[test]
fn questions_not_asked_are_absent() {
    let p = plan_for(&triage(), json!({"personal_data": "no", "encrypted": "no", "cause": "phishing", "nis2": false}));
    assert_eq!(p.visible_questions, ["personal_data", "encrypted", "cause", "nis2", "found_at", "notes"]);
    let v = verdict(&p, "notify_authority");
    assert_eq!(v.decision, Decision::No);
    assert_eq!(v.explanation.as_deref(), Some("No report needed; record the breach."));
    assert_eq!(because(&v.because), [("personal_data", "no")]);
    assert_eq!(v.due, None);
    assert_eq!(because(&verdict(&p, "notify_insurer").because), [("personal_data", "no"), ("cause", "Phishing")]);
    assert!(p.actions.is_empty());
    assert!(p.groups.is_empty());
    // Answers to questions that are not asked do not count.
    let p2 = plan_for(
        &triage(),
        json!({"personal_data": "no", "encrypted": "no", "cause": "phishing", "nis2": false,
               "subjects": 5000, "data_categories": ["health"]}),
    );
    assert_eq!(p2.verdicts, p.verdicts);
}

#[test]
fn with_no_answers_everything_that_could_apply_is_pending() {
    let p = plan_for(&triage(), json!({}));
    assert!(p.verdicts.iter().all(|v| v.decision == Decision::Yes && v.pending));
    assert_eq!(verdict(&p, "report_to_police").pending_on, ["cause"]);
    assert!(action_ids(&p).contains(&"wipe-device"));
    let wipe = action(&p, "wipe-device");
    assert_eq!(wipe.playbook, None);
    assert_eq!(wipe.owner.role, "it-lead");
    assert_eq!(wipe.due, "2026-11-23T14:00:00+01:00");
    assert_eq!(p.open_questions.len(), 8);
    assert_eq!(p.score, None);
}

#[test]
fn deadlines_shown_in_summer_time_when_it_applies() {
    let c = triage();
    let answers = parse_answers(&c, &ransomware_with_health_data()).unwrap();
    let start = parse_rfc3339("2026-10-23T10:00:00+02:00").unwrap();
    let p = plan(&c, &PlanInput { answers, discovered_ms: start, now_ms: start, tz: AMSTERDAM });
    // 72 hours later the clocks have gone back an hour.
    assert_eq!(verdict(&p, "notify_authority").due.as_deref(), Some("2026-10-26T09:00:00+01:00"));
}

#[test]
fn plan_json_has_the_agreed_shape() {
    let p = plan_for(&triage(), ransomware_with_health_data());
    let v = serde_json::to_value(&p).unwrap();
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    let sorted = |xs: &[&str]| {
        let mut v: Vec<String> = xs.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(
        keys(&v),
        sorted(&[
            "assessment",
            "kind",
            "lang",
            "title",
            "discovered",
            "discovered_ms",
            "now",
            "now_ms",
            "verdicts",
            "actions",
            "groups",
            "open_questions",
            "visible_questions",
            "score",
            "feedback"
        ])
    );
    assert_eq!(
        keys(&v["verdicts"][0]),
        sorted(&[
            "id",
            "title",
            "decision",
            "pending",
            "pending_on",
            "explanation",
            "reasons",
            "because",
            "due_offset",
            "due",
            "due_ms",
            "contact"
        ])
    );
    assert_eq!(
        keys(&v["actions"][0]),
        sorted(&[
            "id",
            "title",
            "text",
            "playbook",
            "phase",
            "phase_title",
            "phase_order",
            "track",
            "owner",
            "party",
            "serves",
            "due_offset",
            "due",
            "due_ms",
            "remaining_ms",
            "overdue",
            "pending",
            "pending_on",
            "reasons",
            "because",
            "url",
            "sources"
        ])
    );
    assert_eq!(keys(&v["verdicts"][0]["because"][0]), sorted(&["question", "text", "answer", "value"]));
    assert_eq!(v["kind"], "triage");
    assert_eq!(v["verdicts"][0]["decision"], "yes");
    // The first action is the overdue technical one (1 hour); "as soon as possible" is now.
    assert_eq!(v["actions"][0]["track"], "technical");
    assert_eq!(v["actions"][1]["track"], "admin");
    assert_eq!(v["score"], Value::Null);
    assert_eq!(v["groups"][0]["tracks"][1]["track"], "technical");
    // Deterministic: the same input gives the same bytes.
    let again = plan_for(&triage(), ransomware_with_health_data());
    assert_eq!(serde_json::to_string(&p).unwrap(), serde_json::to_string(&again).unwrap());
}

/// The page's plan (written by hand, `Plan::to_json`) and `irbook plan`'s
/// (serde) are the same JSON: byte for byte, except that the hand-written
/// one escapes U+2028 and U+2029.
fn assert_writers_agree(p: &Plan) {
    let ours = p.to_json();
    assert_eq!(ours, serde_json_escaped(p));
    assert_eq!(serde_json::from_str::<Value>(&ours).unwrap(), serde_json::to_value(p).unwrap());
}

#[test]
fn hand_written_plan_json_is_what_serde_writes() {
    let c = triage();
    for answers in [
        ransomware_with_health_data(),
        json!({}),
        json!({"personal_data": "unknown", "cause": "lost_device", "notes": "Laptop left on the train"}),
        json!({"personal_data": "yes", "encrypted": "no", "subjects": 12.75, "data_categories": [],
               "cause": "unknown", "found_at": "2026-03-29T02:30:00.125+02:00", "nis2": true}),
        json!({"personal_data": "yes", "encrypted": "unknown", "subjects": 1e21,
               "data_categories": ["contact", "identity"], "cause": "misdirected_email"}),
    ] {
        assert_writers_agree(&plan_for(&c, answers));
    }
    for answers in [
        json!({"has_plan": "yes", "drills": "yearly", "backups": ["offline", "tested"], "mfa": "unknown"}),
        json!({"has_plan": "no", "drills": "quarterly", "backups": ["none"], "mfa": "yes", "comments": "ok"}),
        json!({}),
    ] {
        let p = plan_for(&readiness(), answers);
        assert!(p.score.is_some());
        assert_writers_agree(&p);
    }
    for answers in [json!({"q1": "b", "q2": ["x", "y"]}), json!({"q1": "a", "q2": ["z"], "q3": "no"})] {
        let p = plan_for(&training(), answers);
        assert!(!p.feedback.is_empty());
        assert_writers_agree(&p);
    }

    // Texts that need escaping, and numbers at the edges.
    use crate::wire::json::{Number, Value as J};
    let mut p = plan_for(&c, ransomware_with_health_data());
    let odd = "quote \" backslash \\ slash / newline \n tab \t nul \u{0} bell \u{7} del \u{7f} é 😀";
    p.title = odd.to_string();
    p.discovered_ms = i64::MIN;
    p.now_ms = i64::MAX;
    p.verdicts[0].because[0].value = J::Array(vec![
        J::Number(Number::Float(-0.0)),
        J::Number(Number::Float(0.1 + 0.2)),
        J::Number(Number::Float(f64::MAX)),
        J::Number(Number::Float(5e-324)),
        J::Number(Number::NegInt(i64::MIN)),
        J::Number(Number::PosInt(u64::MAX)),
        J::String(odd.to_string()),
    ]);
    p.score = Some(Score {
        total: 0.1 + 0.2,
        max: 1e300,
        percent: f64::NAN,
        areas: vec![AreaScore { id: "a".into(), title: odd.into(), score: -0.0, max: 5e-324, percent: f64::INFINITY }],
    });
    p.feedback = vec![Feedback {
        question: "q".into(),
        text: "t".into(),
        answer: "1.5 people".into(),
        correct: true,
        feedback: None,
    }];
    assert_writers_agree(&p);
    p.title.push_str(" \u{2028} and \u{2029}");
    assert!(p.to_json().contains(r"\u2028 and \u2029"));
    assert_writers_agree(&p);
}

#[test]
fn answer_errors_name_the_question_and_what_is_accepted() {
    let c = triage();
    let errs = parse_answers(
        &c,
        &json!({
            "subjetcs": 5,
            "data_categories": ["helth"],
            "subjects": "many",
            "nis2": "unknown",
            "personal_data": "maybe",
            "cause": 3,
            "found_at": "yesterday",
            "notes": 12
        }),
    )
    .unwrap_err();
    let shown: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "cause: expected one of the options (phishing, ransomware, lost_device, misdirected_email), or \"unknown\", got 3",
            "data_categories: `helth` is not an option; choose from: contact, health, financial, identity (did you mean `health`?)",
            "found_at: malformed date-time `yesterday`: expected a four-digit year; write it like `2026-11-23T10:00:00+01:00`",
            "nis2: \"unknown\" is not accepted here: this question has no \"I don't know\" answer",
            "notes: expected a text, got 12",
            "personal_data: expected \"yes\" or \"no\", or \"unknown\", got \"maybe\"",
            "subjects: expected a number, or \"unknown\", got \"many\"",
            "subjetcs: unknown question `subjetcs`; did you mean `subjects`?",
        ]
    );
    assert_eq!(errs[0].question, "cause");
    let err = parse_answers(&c, &json!([1, 2])).unwrap_err();
    assert_eq!(err[0].to_string(), "the answers must be an object from question id to answer, not [1,2]");
    let err = parse_answers(&c, &json!({"subjects": -1})).unwrap_err();
    assert_eq!(err[0].to_string(), "subjects: -1 is less than the minimum, 0");
}

#[test]
fn long_values_are_cut_short_in_messages() {
    let c = triage();
    let long = "é".repeat(50);
    let err = parse_answers(&c, &json!({"subjects": long})).unwrap_err();
    assert_eq!(err[0].message, format!("expected a number, or \"unknown\", got \"{}…", "é".repeat(39)));
    let err = parse_answers(&c, &json!({"subjects": [1, 2]})).unwrap_err();
    assert_eq!(err[0].message, "expected a number, or \"unknown\", got [1,2]");
    let exactly_40 = "x".repeat(38);
    let err = parse_answers(&c, &json!({"subjects": exactly_40})).unwrap_err();
    assert!(err[0].message.ends_with(&format!("\"{exactly_40}\"")));
}

#[test]
fn answers_in_every_accepted_form() {
    let c = triage();
    let a = parse_answers(
        &c,
        &json!({"answers": {
            "personal_data": true,
            "subjects": " 12.5 ",
            "data_categories": "health",
            "encrypted": "unknown",
            "cause": null,
            "nis2": "yes",
            "found_at": "2026-11-23T10:00:00Z",
            "notes": "laptop left on the train"
        }, "discovered": "ignored"}),
    )
    .unwrap();
    assert_eq!(*a.get(0), Answer::Bool(true));
    assert_eq!(*a.get(1), Answer::Number(12.5));
    assert_eq!(*a.get(2), Answer::Choices(0b10));
    assert_eq!(*a.get(3), Answer::Unknown);
    assert_eq!(*a.get(4), Answer::Unanswered);
    assert_eq!(*a.get(5), Answer::Bool(true));
    assert_eq!(*a.get(6), Answer::DateTime { ms: parse_rfc3339("2026-11-23T10:00:00Z").unwrap(), local: false });
    assert_eq!(*a.get(7), Answer::Text("laptop left on the train".into()));
    let mut lenient_input = json!({"cause": "ransomware", "subjects": "lots"});
    let (a, errs) = parse_answers_lenient(&c, &lenient_input);
    assert_eq!(errs.len(), 1);
    assert_eq!(*a.get(4), Answer::Choice(1));
    assert_eq!(*a.get(1), Answer::Unanswered);
    lenient_input["cause"] = json!("unknown");
    assert_eq!(*parse_answers_lenient(&c, &lenient_input).0.get(4), Answer::Unknown);
}

#[test]
fn local_times_in_answers_use_the_plan_time_zone() {
    let c = triage();
    let a = parse_answers(&c, &json!({"found_at": "2026-06-23T10:00"})).unwrap();
    assert_eq!(*a.get(6), Answer::DateTime { ms: parse_rfc3339("2026-06-23T10:00:00Z").unwrap(), local: true });
    // Wall-clock 10:00 in Amsterdam summer time is 08:00 UTC.
    let v = answer_value(&c.questions[6], a.get(6), &AMSTERDAM).unwrap();
    assert_eq!(v, Val::Time(parse_rfc3339("2026-06-23T08:00:00Z").unwrap()));
    assert_eq!(describe_answer(&c.questions[6], v, &AMSTERDAM).0, "2026-06-23T10:00:00+02:00");
    let winter = TimeZone::Fixed { offset_min: 60 };
    let v = answer_value(&c.questions[6], a.get(6), &winter).unwrap();
    assert_eq!(v, Val::Time(parse_rfc3339("2026-06-23T09:00:00Z").unwrap()));
}

fn readiness() -> Compiled {
    let def = json!({
        "id": "readiness",
        "kind": "readiness",
        "title": "Are we ready?",
        "areas": [{"id": "governance", "title": "Governance"}, {"id": "technical", "title": "Technical"}],
        "questions": [
            {"id": "has_plan", "type": "yes_no", "text": "Is there a plan?", "area": "governance"},
            {"id": "drills", "type": "single", "text": "How often do you practise?", "area": "governance",
             "options": [{"value": "never", "label": "Never", "score": 0},
                         {"value": "yearly", "label": "Yearly", "score": 1},
                         {"value": "quarterly", "label": "Quarterly", "score": 2}]},
            {"id": "backups", "type": "multi", "text": "Backups?", "area": "technical",
             "options": [{"value": "offline", "label": "Offline", "score": 2},
                         {"value": "tested", "label": "Tested", "score": 1},
                         {"value": "none", "label": "None", "score": 0}]},
            {"id": "mfa", "type": "yes_no_unknown", "text": "MFA everywhere?", "area": "technical",
             "options": [{"value": "yes", "label": "Yes", "score": 3}, {"value": "no", "label": "No"}]},
            {"id": "comments", "type": "text", "text": "Anything else?"}
        ]
    });
    compile(&def_from(def), &ctx_from(context_json())).unwrap_or_else(|e| panic!("{e:?}")).0
}

#[test]
fn readiness_scores_per_area() {
    let p = plan_for(
        &readiness(),
        json!({"has_plan": "yes", "drills": "yearly", "backups": ["offline"], "mfa": "unknown"}),
    );
    let s = p.score.unwrap();
    assert_eq!((s.total, s.max, s.percent), (4.0, 9.0, 44.4));
    let areas: Vec<(&str, f64, f64, f64)> =
        s.areas.iter().map(|a| (a.id.as_str(), a.score, a.max, a.percent)).collect();
    assert_eq!(areas, [("governance", 2.0, 3.0, 66.7), ("technical", 2.0, 6.0, 33.3)]);
    assert!(p.feedback.is_empty());
}

fn training() -> Compiled {
    let def = json!({
        "id": "exercise",
        "kind": "training",
        "title": "Exercise",
        "questions": [
            {"id": "q1", "type": "single", "text": "A laptop is stolen. First?", "scenario": "Monday 9:00",
             "options": [{"value": "a", "label": "Wipe it", "correct": true, "feedback": "Right."},
                         {"value": "b", "label": "Wait", "feedback": "No: every hour counts."}]},
            {"id": "q2", "type": "multi", "text": "Who must know?",
             "options": [{"value": "x", "label": "Privacy officer", "correct": true},
                         {"value": "y", "label": "IT lead", "correct": true},
                         {"value": "z", "label": "Press", "feedback": "Not yet."}]},
            {"id": "q3", "type": "yes_no", "text": "Report to the AP?",
             "options": [{"value": "yes", "label": "Yes", "correct": true}, {"value": "no", "label": "No"}]}
        ]
    });
    compile(&def_from(def), &ctx_from(context_json())).unwrap_or_else(|e| panic!("{e:?}")).0
}

#[test]
fn training_feedback_and_score() {
    let c = training();
    let p = plan_for(&c, json!({"q1": "b", "q2": ["x", "y"]}));
    let fb: Vec<(&str, &str, bool, Option<&str>)> =
        p.feedback.iter().map(|f| (f.question.as_str(), f.answer.as_str(), f.correct, f.feedback.as_deref())).collect();
    assert_eq!(
        fb,
        [("q1", "Wait", false, Some("No: every hour counts.")), ("q2", "Privacy officer, IT lead", true, None),]
    );
    let s = p.score.unwrap();
    assert_eq!((s.total, s.max, s.percent), (1.0, 3.0, 33.3));
    let p = plan_for(&c, json!({"q2": ["x", "y", "z"], "q3": "yes"}));
    let fb: Vec<(&str, bool)> = p.feedback.iter().map(|f| (f.question.as_str(), f.correct)).collect();
    assert_eq!(fb, [("q2", false), ("q3", true)]);
    assert_eq!(p.feedback[0].feedback.as_deref(), Some("Not yet."));
}

// ------------------------------------------------------------ properties

/// A yes/no condition over the triage questions, as source text.
fn arb_condition() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("personal_data = yes".to_string()),
        Just("personal_data".to_string()),
        Just("encrypted != yes".to_string()),
        Just("nis2".to_string()),
        Just("risk".to_string()),
        Just("sensitive".to_string()),
        (0u32..200).prop_map(|n| format!("subjects >= {n}")),
        (0u32..200).prop_map(|n| format!("subjects < {n}")),
        prop::sample::select(vec!["phishing", "ransomware", "lost_device", "misdirected_email"])
            .prop_map(|o| format!("cause = {o}")),
        Just("cause in [ransomware, lost_device]".to_string()),
        prop::sample::select(vec!["contact", "health", "financial", "identity"])
            .prop_map(|o| format!("data_categories contains {o}")),
        (0u32..5).prop_map(|n| format!("count(data_categories) >= {n}")),
        (0u32..400).prop_map(|n| format!("subjects * 2 + count(data_categories) > {n}")),
        (0u32..100).prop_map(|n| format!("if(nis2, subjects, 0) > {n}")),
        (0u32..50).prop_map(|n| format!("max(subjects, {n}) = {n}")),
        Just("found_at < found_at".to_string()),
        Just("notes = 'x'".to_string()),
    ];
    atoms.prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|a| format!("not ({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) or ({b})")),
        ]
    })
}

fn arb_answer(q: usize) -> BoxedStrategy<Value> {
    // Questions 5 and later offer no "I don't know"; they can only be left open.
    let unknowns =
        if q < 5 { prop_oneof![Just(Value::Null), Just(json!("unknown"))].boxed() } else { Just(Value::Null).boxed() };
    let given: BoxedStrategy<Value> = match q {
        0 | 3 => prop_oneof![Just(json!("yes")), Just(json!("no"))].boxed(),
        1 => (0u32..300).prop_map(|n| json!(n)).boxed(),
        2 => prop::sample::subsequence(vec!["contact", "health", "financial", "identity"], 0..=4)
            .prop_map(|v| json!(v))
            .boxed(),
        4 => prop::sample::select(vec!["phishing", "ransomware", "lost_device", "misdirected_email"])
            .prop_map(|v| json!(v))
            .boxed(),
        5 => any::<bool>().prop_map(|b| json!(b)).boxed(),
        6 => prop_oneof![Just(json!("2026-11-23T10:00:00+01:00")), Just(json!("2026-11-22T10:00"))].boxed(),
        _ => prop_oneof![Just(json!("x")), Just(json!("y"))].boxed(),
    };
    prop_oneof![3 => given, 1 => unknowns].boxed()
}

fn arb_answers() -> impl Strategy<Value = Vec<Value>> {
    (0..8).map(arb_answer).collect::<Vec<_>>()
}

fn included(p: &Plan) -> Vec<String> {
    p.actions.iter().map(|a| a.id.clone()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Replacing any one answer by "unknown" never turns a "yes" verdict
    /// into "no", and never drops an action.
    #[test]
    fn unknown_never_lowers_the_outcome(
        whens in prop::collection::vec(arb_condition(), 1..6),
        given in arb_answers(),
    ) {
        let mut def = triage_json();
        let ids = ["notify_authority", "notify_subjects", "notify_insurer", "report_to_police"];
        let steps = ["notify-ap", "log-incident", "inform-subjects", "notify-insurer", "report-police", "isolate-systems"];
        def["rules"] = whens
            .iter()
            .enumerate()
            .map(|(i, w)| json!({"id": format!("r{i}"), "when": w,
                                  "verdicts": [ids[i % 4]], "actions": [steps[i % 6]]}))
            .collect();
        let c = match compile(&def_from(def), &ctx_from(context_json())) {
            Ok((c, _)) => c,
            Err(e) => return Err(TestCaseError::fail(format!("{e:?}"))),
        };
        let ids: Vec<String> = c.questions.iter().map(|q| q.id.clone()).collect();
        let answers_json: serde_json::Map<String, Value> =
            ids.iter().cloned().zip(given.iter().cloned()).collect();
        let answers = parse_answers(&c, &Value::Object(answers_json)).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let input = PlanInput { answers, discovered_ms: discovered(), now_ms: discovered(), tz: AMSTERDAM };
        let before = plan(&c, &input);
        for (q, id) in ids.iter().enumerate() {
            let mut less = input.clone();
            less.answers.values[q] = Answer::Unknown;
            let after = plan(&c, &less);
            for (b, a) in before.verdicts.iter().zip(&after.verdicts) {
                prop_assert!(
                    !(b.decision == Decision::Yes && a.decision == Decision::No),
                    "verdict {} went from yes to no when `{}` became unknown; rules: {:?}", b.id, id, whens
                );
            }
            let after_actions = included(&after);
            for id in included(&before) {
                prop_assert!(after_actions.contains(&id), "action {} dropped when `{}` became unknown", id, id);
            }
        }
    }

    /// Any JSON at all as answers, any times, any offset: a plan, no panic.
    #[test]
    fn plan_never_panics(
        raw in arb_json(),
        keyed in prop::collection::vec((prop::sample::select(vec![
            "personal_data", "subjects", "data_categories", "encrypted", "cause",
            "nis2", "found_at", "notes", "answers", "other"]), arb_json()), 0..8),
        discovered_ms in any::<i64>(),
        now_ms in any::<i64>(),
        offset in any::<i32>(),
        eu in any::<bool>(),
    ) {
        let c = triage();
        let tz = if eu { TimeZone::Eu { standard_offset_min: offset } } else { TimeZone::Fixed { offset_min: offset } };
        let mut obj = serde_json::Map::new();
        for (k, v) in keyed {
            obj.insert(k.to_string(), v);
        }
        for v in [raw, Value::Object(obj)] {
            let _ = parse_answers(&c, &v);
            let (answers, _) = parse_answers_lenient(&c, &v);
            let p = plan(&c, &PlanInput { answers, discovered_ms, now_ms, tz });
            prop_assert!(serde_json::to_string(&p).is_ok());
        }
    }

    /// Answers built directly, even ill-fitting ones, never panic either.
    #[test]
    fn plan_never_panics_on_odd_answers(values in prop::collection::vec(arb_raw_answer(), 8)) {
        let c = triage();
        let mut answers = Answers::new(&c);
        answers.values = values;
        let p = plan(&c, &PlanInput { answers, discovered_ms: 0, now_ms: 0, tz: AMSTERDAM });
        prop_assert!(serde_json::to_string(&p).is_ok());
    }
}

proptest! {
    /// The merge sort behind the plan's ordering is `sort_by`, stable.
    #[test]
    fn stable_order_sorts_like_sort_by(keys in prop::collection::vec(0u8..6, 0..70)) {
        let order = stable_order(keys.len(), &|a, b| keys[a].cmp(&keys[b]));
        let mut expected: Vec<usize> = (0..keys.len()).collect();
        expected.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        prop_assert_eq!(&order, &expected);
        let items: Vec<String> = keys.iter().enumerate().map(|(i, k)| format!("{k}-{i}")).collect();
        let sorted: Vec<String> = expected.iter().map(|&i| items[i].clone()).collect();
        prop_assert_eq!(permute(items, &order), sorted);
    }
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<i64>().prop_map(|n| json!(n)),
        prop::sample::select(vec![
            "yes",
            "no",
            "unknown",
            "ransomware",
            "health",
            "12",
            "-5",
            "2026-11-23T10:00",
            "9999-12-31T23:59:59-23:59",
            "0000-01-01T00:00Z",
            "",
            "NaN",
            "1e400"
        ])
        .prop_map(|s| json!(s)),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,6}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn arb_raw_answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        Just(Answer::Unanswered),
        Just(Answer::Unknown),
        any::<bool>().prop_map(Answer::Bool),
        any::<u32>().prop_map(Answer::Choice),
        any::<u64>().prop_map(Answer::Choices),
        any::<f64>().prop_map(Answer::Number),
        (any::<i64>(), any::<bool>()).prop_map(|(ms, local)| Answer::DateTime { ms, local }),
        ".{0,4}".prop_map(Answer::Text),
    ]
}

#[test]
fn verdict_text_variants_apply_only_when_their_condition_is_certain() {
    let mut def = triage_json();
    def["verdicts"][0]["variants"] = json!([
        {"when": "cause = lost_device", "yes": "Report the lost device."},
        {"when": "cause = ransomware", "no": "Never chosen: this variant has no yes text for a yes."},
        {"when": "encrypted = yes", "no": "Record that the data was encrypted."},
        {"when": "personal_data = yes", "yes": "Second match: never reached for a lost device."}
    ]);
    let c = compile(&def_from(def), &ctx_from(context_json())).expect("compiles").0;
    let text = |answers: Value| verdict(&plan_for(&c, answers), "notify_authority").explanation.clone();
    let lost = json!({"personal_data": "yes", "encrypted": false, "cause": "lost_device"});
    assert_eq!(text(lost).as_deref(), Some("Report the lost device."));
    // The first variant that matches and has a text for the decision wins.
    let ransom = json!({"personal_data": "yes", "encrypted": false, "cause": "ransomware"});
    assert_eq!(text(ransom).as_deref(), Some("Second match: never reached for a lost device."));
    // An open answer picks no variant: the default text stays.
    let open = json!({"personal_data": "unknown", "encrypted": false, "cause": "unknown"});
    let p = plan_for(&c, open);
    assert_eq!(verdict(&p, "notify_authority").decision, Decision::Yes);
    assert_eq!(verdict(&p, "notify_authority").explanation.as_deref(), Some("Report within 72 hours."));
    // The "no" side has variants of its own; the decision is unchanged by them.
    let encrypted = json!({"personal_data": "yes", "encrypted": true});
    let p = plan_for(&c, encrypted);
    assert_eq!(verdict(&p, "notify_authority").decision, Decision::No);
    assert_eq!(verdict(&p, "notify_authority").explanation.as_deref(), Some("Record that the data was encrypted."));
}

/// A step that serves a verdict has the verdict's deadline; a step whose
/// own `due` contradicts it is refused when the assessment is compiled.
#[test]
fn a_step_serving_a_verdict_has_its_deadline_and_a_contradiction_is_refused() {
    let mut ctx = context_json();
    ctx["steps"][0]["serves"] = json!("notify_authority"); // notify-ap, 72h like the verdict
    let c = compile(&def_from(triage_json()), &ctx_from(ctx.clone())).expect("agreeing deadlines compile").0;
    let p = plan_for(&c, ransomware_with_health_data());
    let ap = action(&p, "notify-ap");
    assert_eq!(ap.serves.as_deref(), Some("notify_authority"));
    assert_eq!(Some(ap.due_ms), verdict(&p, "notify_authority").due_ms);

    ctx["steps"][0]["due"] = json!("4d");
    let errs = compile(&def_from(triage_json()), &ctx_from(ctx.clone())).unwrap_err();
    let text: Vec<String> = errs.iter().map(|d| d.message.clone()).collect();
    assert!(
        text.iter()
            .any(|m| m.contains("serves verdict `notify_authority`, which is due `72h`, but the step says `due: 4d`")),
        "{text:?}"
    );
    ctx["steps"][0]["due"] = json!("72h");
    ctx["steps"][0]["serves"] = json!("notify_autority");
    let errs = compile(&def_from(triage_json()), &ctx_from(ctx)).unwrap_err();
    assert!(errs.iter().any(|d| d.message.contains("unknown verdict `notify_autority`")), "{errs:?}");
}

/// A discovery in the future (a typo) does not move "now" back either.
#[test]
fn asap_is_never_before_discovery_or_now() {
    let c = triage();
    let answers = parse_answers(&c, &ransomware_with_health_data()).unwrap();
    let later = discovered() + 5 * HOUR_MS;
    let p = plan(&c, &PlanInput { answers, discovered_ms: later, now_ms: discovered(), tz: AMSTERDAM });
    assert_eq!(action(&p, "log-incident").due_ms, later);
}

/// Presets name real questions and values; the compiled assessment keeps
/// them in question order for the page.
#[test]
fn presets_are_checked_against_the_questions() {
    let mut def = triage_json();
    def["presets"] = json!([{"id": "mail", "label": {"nl": "Mail", "en": "Mail"},
        "answers": {"cause": "misdirected_email", "personal_data": "yes", "data_categories": ["contact"], "subjects": 3}}]);
    let c = compile(&def_from(def.clone()), &ctx_from(context_json())).expect("valid preset").0;
    let order: Vec<&str> = c.presets[0].answers.iter().map(|a| a.question.as_str()).collect();
    assert_eq!(order, ["personal_data", "subjects", "data_categories", "cause"]);
    def["presets"][0]["answers"] = json!({"cause": "misdirected", "persnal_data": "yes"});
    let errs = compile(&def_from(def), &ctx_from(context_json())).unwrap_err();
    let text: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
    assert!(text.iter().any(|m| m.contains("unknown question `persnal_data`")), "{text:?}");
    assert!(text.iter().any(|m| m.contains("`misdirected` is not an option")), "{text:?}");
}
