use super::*;
use crate::language::eval::{ArithOp, CmpOp};
use crate::testutil::{
    content_assessments, content_context, content_languages, context_json, ctx_from, def_from, serde_json_escaped,
    triage_json,
};
use crate::time::{MINUTE_MS, WEEK_MS};
use proptest::prelude::*;
use serde_json::{json, Value};

fn compile_json(def: Value, ctx: Value) -> Result<(Compiled, Vec<Diagnostic>), Vec<Diagnostic>> {
    compile(&def_from(def), &ctx_from(ctx))
}

/// The problems after changing the triage fixture, as `(path, message)`.
fn problems(change: impl FnOnce(&mut Value, &mut Value)) -> Vec<(String, String)> {
    let (mut def, mut ctx) = (triage_json(), context_json());
    change(&mut def, &mut ctx);
    let diags = match compile_json(def, ctx) {
        Ok((_, warnings)) => warnings,
        Err(diags) => diags,
    };
    diags.iter().map(|d| (d.path_string(), d.message.clone())).collect()
}

fn one(change: impl FnOnce(&mut Value, &mut Value)) -> (String, String) {
    let p = problems(change);
    assert_eq!(p.len(), 1, "{p:#?}");
    p.into_iter().next().unwrap()
}

fn pair(path: &str, message: &str) -> (String, String) {
    (path.to_string(), message.to_string())
}

#[test]
fn the_fixture_compiles_cleanly() {
    let (c, warnings) = compile_json(triage_json(), context_json()).unwrap();
    assert!(warnings.is_empty(), "{warnings:#?}");
    assert_eq!(c.lang, "en");
    assert_eq!(c.title, "Is this a data breach?");
    assert_eq!(c.questions[0].text, "Are personal data involved?");
    // Only what the rules use travels along.
    let ids: Vec<&str> = c.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "notify-ap",
            "log-incident",
            "inform-subjects",
            "notify-insurer",
            "report-police",
            "isolate-systems",
            "wipe-device"
        ]
    );
    let roles: Vec<&str> = c.contacts.iter().map(|c| c.role.as_str()).collect();
    assert_eq!(roles, ["incident-lead", "privacy-officer", "it-lead", "ap", "insurer"]);
    assert_eq!(c.phases.len(), 3);
    let insurer = c.actions.iter().find(|a| a.id == "notify-insurer").unwrap();
    assert_eq!(insurer.window_ms, Some(24 * HOUR_MS));
    assert_eq!(c.verdicts[2].window_ms, Some(24 * HOUR_MS));
    // `sensitive` and `risk` need no other let; both are evaluable.
    assert_eq!(c.lets.len(), 2);
}

#[test]
fn compiled_survives_json() {
    let (c, _) = compile_json(triage_json(), context_json()).unwrap();
    let json = c.to_json();
    let back = Compiled::from_json(&json).unwrap();
    assert_eq!(back, c);
    assert_eq!(back.to_json(), json);
}

#[test]
fn every_kind_of_value_survives_json() {
    let c = rich();
    let json = c.to_json();
    reads_back(&c, &json);
    // Every kind of node and every optional field was in there.
    for needle in [
        "\"neg\"",
        "\"arith\"",
        "\"count\"",
        "\"max\"",
        "\"min\"",
        "\"cmp\"",
        "\"not\"",
        "\"or\"",
        "\"and\"",
        "\"if\"",
        "\"in\"",
        "\"sym\"",
        "\"has\"",
        "\"any_of\"",
        "\"text\"",
        "\"let\"",
        "\"q\"",
        "\"num\"",
        "\"bool\"",
        "\"score\"",
        "\"correct\"",
        "\"feedback\"",
        "\"scenario\"",
        "\"intro\"",
        "\"window_ms\"",
        "\"form_url\"",
    ] {
        assert!(json.contains(needle), "{needle} missing from {json}");
    }
}

#[test]
fn from_json_refuses_broken_indices() {
    let (c, _) = compile_json(triage_json(), context_json()).unwrap();
    let mut v: Value = serde_json::from_str(&c.to_json()).unwrap();
    v["rules"][0]["actions"] = json!([99]);
    let err = Compiled::from_json(&v.to_string()).unwrap_err();
    assert_eq!(err, "rule `authority` refers to something missing");
    let mut v: Value = serde_json::from_str(&c.to_json()).unwrap();
    v["questions"][1]["show_if"] = json!({"q": 5});
    let err = Compiled::from_json(&v.to_string()).unwrap_err();
    assert_eq!(err, "the show_if of `subjects` refers to a later question");
    let mut v: Value = serde_json::from_str(&c.to_json()).unwrap();
    v["verdicts"][0]["variants"] = json!([{"when": {"q": 99}, "src": "x", "yes": "Text"}]);
    let err = Compiled::from_json(&v.to_string()).unwrap_err();
    assert_eq!(err, "a text variant of verdict `notify_authority` refers to something missing");
    assert!(Compiled::from_json("{}").unwrap_err().starts_with("not a compiled assessment"));
}

#[test]
fn hash_follows_the_answers_schema_only() {
    let hash = |change: &dyn Fn(&mut Value)| {
        let mut def = triage_json();
        change(&mut def);
        compile_json(def, context_json()).unwrap().0.hash
    };
    let base = hash(&|_| {});
    assert_eq!(base.len(), 16);
    assert_eq!(hash(&|_| {}), base);
    assert_eq!(hash(&|d| d["questions"][0]["text"] = json!("Other text")), base);
    assert_eq!(hash(&|d| d["rules"][0]["when"] = json!("personal_data = yes")), base);
    assert_ne!(hash(&|d| d["questions"][4]["options"][0]["value"] = json!("spear_phishing")), base);
    assert_ne!(hash(&|d| d["questions"][7]["id"] = json!("remarks")), base);
}

#[test]
fn duplicate_and_malformed_ids() {
    assert_eq!(
        one(|d, _| d["questions"][7]["id"] = json!("personal_data")),
        pair("questions[7].id", "duplicate question id `personal_data`: questions[0] has it too")
    );
    let p = problems(|d, _| d["questions"][7]["id"] = json!("free text"));
    assert_eq!(
        p,
        [pair(
            "questions[7].id",
            "`free text` is not a valid question id: use letters, digits and `_`, not starting with a digit"
        )]
    );
    assert_eq!(
        one(|d, _| d["questions"][7]["id"] = json!("yes")),
        pair("questions[7].id", "`yes` is a reserved word and cannot be a question id")
    );
    assert_eq!(
        problems(|d, _| d["verdicts"][1]["id"] = json!("notify_authority")),
        [
            pair("verdicts[1].id", "duplicate verdict id `notify_authority`: verdicts[0] has it too"),
            pair("rules[1].verdicts[0]", "unknown verdict `notify_subjects`"),
        ]
    );
    assert_eq!(
        one(|d, _| d["rules"][1]["id"] = json!("authority")),
        pair("rules[1].id", "duplicate rule id `authority`: rules[0] has it too")
    );
    assert_eq!(
        one(|d, _| d["questions"][4]["options"][3]["value"] = json!("phishing")),
        pair("questions[4].options[3].value", "duplicate option `phishing` in question `cause`")
    );
    let p =
        problems(|d, _| d["areas"] = json!([{"id": "people", "title": "People"}, {"id": "people", "title": "Again"}]));
    assert_eq!(p, [pair("areas[1].id", "duplicate area id `people`: areas[0] has it too")]);
    let sensitive_gone = pair("rules[1].when", "unknown name `sensitive`");
    assert_eq!(
        problems(|d, _| d["let"][1]["id"] = json!("risk")),
        [pair("let[1].id", "duplicate let id `risk`: let[0] has it too"), sensitive_gone.clone()]
    );
    assert_eq!(
        problems(|d, _| d["let"][1]["id"] = json!("cause")),
        [pair("let[1].id", "`cause` is already the id of a question; a `let` needs an id of its own"), sensitive_gone]
    );
    assert_eq!(
        one(|d, _| d["questions"][4]["options"][3]["value"] = json!("unknown")),
        pair("questions[4].options[3].value", "`unknown` cannot be an option value: it is the answer \"I don't know\"")
    );
}

#[test]
fn expression_errors_carry_path_and_span() {
    let (mut def, ctx) = (triage_json(), context_json());
    def["rules"][1]["when"] = json!("risk and (sensitive or subjetcs >= 100)");
    let diags = compile_json(def, ctx).unwrap_err();
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.path, vec![PathSeg::Key("rules".into()), PathSeg::Index(1), PathSeg::Key("when".into())]);
    assert_eq!(d.span, Some((23, 31)));
    assert_eq!(d.message, "unknown name `subjetcs`; did you mean `subjects`?");
    assert_eq!(d.to_string(), "error: rules[1].when: unknown name `subjetcs`; did you mean `subjects`?");

    let (mut def, ctx) = (triage_json(), context_json());
    def["rules"][0]["when"] = json!("personal_data = yes and (subjects => 10");
    let d = &compile_json(def, ctx).unwrap_err()[0];
    assert_eq!(d.message, "`=>` is not an operator; did you mean `>=`?");
    assert_eq!(d.span, Some((34, 36)));
}

#[test]
fn type_errors_in_each_kind_of_expression() {
    assert_eq!(
        one(|d, _| d["let"][1]["expr"] = json!("data_categories in [health, helth]")),
        pair(
            "let[1].expr",
            "`helth` is not an option of `data_categories`; the options are: contact, health, financial, identity"
        )
    );
    assert_eq!(
        one(|d, _| d["questions"][3]["show_if"] = json!("subjects")),
        pair("questions[3].show_if", "a `show_if` must be yes/no, but this is `subjects` (a number)")
    );
    assert_eq!(
        one(|d, _| d["rules"][2]["when"] = json!("personal_data = 1")),
        pair("rules[2].when", "cannot compare `personal_data` (a yes/no answer) with a number")
    );
    assert_eq!(
        one(|d, _| d["rules"][2]["when"] = json!("cause contains ransomware")),
        pair(
            "rules[2].when",
            "`contains` needs a multiple-choice question on its left, but the left side is `cause` (a single choice)"
        )
    );
}

#[test]
fn let_types_are_inferred() {
    // `score` is a number, so comparing it with yes is an error…
    let p = problems(|d, _| {
        d["let"] = json!([{"id": "score", "expr": "subjects * 2 + count(data_categories)"}]);
        d["rules"][0]["when"] = json!("score = yes");
    });
    assert!(p.contains(&pair("rules[0].when", "cannot compare `score` (a number) with a yes/no value")), "{p:#?}");
    // …and a let of a single choice compares with that question's options.
    let p = problems(|d, _| {
        d["let"] = json!([
            {"id": "main_cause", "expr": "if(nis2, cause, ransomware)"},
            {"id": "risk", "expr": "personal_data = yes"},
            {"id": "sensitive", "expr": "main_cause = phishing"}
        ]);
    });
    assert!(p.is_empty(), "{p:#?}");
}

#[test]
fn let_cycles_are_reported_with_their_path() {
    let (mut def, ctx) = (triage_json(), context_json());
    def["let"] = json!([
        {"id": "a", "expr": "b + 1"},
        {"id": "b", "expr": "c * 2"},
        {"id": "c", "expr": "a - 1"},
        {"id": "risk", "expr": "a > 2"},
        {"id": "sensitive", "expr": "personal_data = yes"},
        {"id": "self", "expr": "self + 1"}
    ]);
    let diags = compile_json(def, ctx).unwrap_err();
    let got: Vec<(String, String, Option<Span>)> =
        diags.iter().map(|d| (d.path_string(), d.message.clone(), d.span)).collect();
    assert_eq!(
        got,
        [
            ("let[0].expr".to_string(), "`a` depends on itself: a → b → c → a".to_string(), Some((0, 1))),
            ("let[5].expr".to_string(), "`self` depends on itself: self → self".to_string(), Some((0, 4))),
        ]
    );
}

#[test]
fn show_if_may_only_use_earlier_questions() {
    assert_eq!(
        one(|d, _| d["questions"][1]["show_if"] = json!("personal_data = yes and cause = phishing")),
        pair(
            "questions[1].show_if",
            "`cause` is asked after `subjects`, so the `show_if` of `subjects` cannot depend on it"
        )
    );
    assert_eq!(
        one(|d, _| d["questions"][2]["show_if"] = json!("risk")),
        pair(
            "questions[2].show_if",
            "`risk` depends on `encrypted`, which is not asked before `data_categories`, so the `show_if` of `data_categories` cannot use it"
        )
    );
}

#[test]
fn references_to_verdicts_steps_phases_and_contacts() {
    assert_eq!(
        one(|d, _| d["rules"][0]["verdicts"][0] = json!("notfy_authority")),
        pair("rules[0].verdicts[0]", "unknown verdict `notfy_authority`; did you mean `notify_authority`?")
    );
    assert_eq!(
        one(|d, _| d["rules"][3]["actions"][0] = json!("isolate-sytems")),
        pair("rules[3].actions[0]", "unknown step `isolate-sytems`; did you mean `isolate-systems`?")
    );
    let p = problems(|d, _| {
        let inline = &mut d["rules"][4]["actions"][0];
        inline["phase"] = json!("contian");
        inline["owner"] = json!("it-lade");
        inline["due"] = json!("4 hours");
    });
    assert_eq!(
        p,
        [
            pair("rules[4].actions[0].phase", "unknown phase `contian`; did you mean `contain`?"),
            pair("rules[4].actions[0].owner", "unknown contact `it-lade`; did you mean `it-lead`?"),
            pair(
                "rules[4].actions[0].due",
                "malformed duration `4 hours`: write a whole number and a unit (m, h, d, w), such as `72h`, or `asap`"
            ),
        ]
    );
    assert_eq!(
        one(|d, _| d["rules"][4]["actions"][0]["id"] = json!("notify-ap")),
        pair("rules[4].actions[0].id", "action id `notify-ap` is already the id of a playbook step")
    );
    assert_eq!(
        one(|d, _| d["verdicts"][0]["due"] = json!("72 hours")),
        pair(
            "verdicts[0].due",
            "malformed duration `72 hours`: write a whole number and a unit (m, h, d, w), such as `72h`, or `asap`"
        )
    );
    assert_eq!(
        one(|d, _| d["verdicts"][0]["contact"] = json!("pa")),
        pair("verdicts[0].contact", "unknown contact `pa`; did you mean `ap`?")
    );
}

#[test]
fn window_needs_a_party_with_a_window() {
    // The verdict and the step both take the insurer's window.
    let p = problems(|_, c| c["contacts"][4]["window"] = Value::Null);
    assert_eq!(
        p,
        [
            pair(
                "steps.notify-insurer.due",
                "step `notify-insurer` is due `window`, but contact `insurer` has no `window`"
            ),
            pair("verdicts[2].due", "verdict `notify_insurer` is due `window`, but contact `insurer` has no `window`"),
        ]
    );
    let p = problems(|_, c| c["steps"][3]["party"] = Value::Null);
    assert_eq!(
        p,
        [pair(
            "steps.notify-insurer.due",
            "step `notify-insurer` is due `window`, but has no `party` whose notification window applies"
        )]
    );
    let p = problems(|_, c| c["contacts"][4]["window"] = json!("a day"));
    assert_eq!(p.len(), 2);
    assert_eq!(p[0].0, "contacts.insurer.window");
    assert!(p[0].1.starts_with("malformed duration `a day`"));
}

#[test]
fn step_conditions_are_checked_in_this_assessment() {
    let p = problems(|_, c| c["steps"][4]["when"] = json!("cause = ransomwear"));
    assert_eq!(
        p,
        [pair(
            "steps.isolate-systems.when",
            "in the `when` of step `isolate-systems` (playbook `ransomware`): `ransomwear` is not an option of `cause`; the options are: phishing, ransomware, lost_device, misdirected_email"
        )]
    );
    // A step nobody refers to is not this assessment's business.
    assert!(problems(|_, c| c["steps"][6]["when"] = json!("nonsense +")).is_empty());
}

#[test]
fn question_shape_problems() {
    assert_eq!(
        one(|d, _| d["questions"][7]["type"] = json!("single")),
        pair("questions[7].type", "`notes` is a `single` question but has no `options`")
    );
    let p = problems(|d, _| {
        d["questions"][1]["options"] = json!([{"value": "a", "label": "A"}]);
    });
    assert_eq!(
        p,
        [pair(
            "questions[1].options",
            "`options` only apply to `single`, `multi` and yes/no questions, but `subjects` is a `number` question"
        )]
    );
    assert_eq!(
        one(|d, _| d["questions"][0]["options"] = json!([{"value": "maybe", "label": "Maybe"}])),
        pair(
            "questions[0].options[0].value",
            "the options of a yes/no question can only be `yes` and `no`, not `maybe`"
        )
    );
    assert_eq!(
        one(|d, _| d["questions"][1]["max"] = json!(-5)),
        pair("questions[1].min", "`min` (0) is greater than `max` (-5)")
    );
    assert_eq!(
        one(|d, _| d["questions"][7]["min"] = json!(1)),
        pair("questions[7].min", "`min` and `max` only apply to number questions, but `notes` is a `text` question")
    );
}

#[test]
fn readiness_areas_and_training_answers() {
    let p = problems(|d, _| {
        d["kind"] = json!("readiness");
        d["areas"] = json!([{"id": "governance", "title": "Governance"}]);
        d["questions"][0]["area"] = json!("goverance");
    });
    assert_eq!(p, [pair("questions[0].area", "unknown area `goverance`; did you mean `governance`?")]);
    let p = problems(|d, _| {
        d["kind"] = json!("training");
        d["questions"] = json!([
            {"id": "q1", "type": "single", "text": "?", "options": [
                {"value": "a", "label": "A", "correct": true}, {"value": "b", "label": "B"}]},
            {"id": "q2", "type": "single", "text": "?", "options": [
                {"value": "a", "label": "A"}, {"value": "b", "label": "B", "correct": false}]}
        ]);
        d["let"] = json!([]);
        d["rules"] = json!([]);
        d["verdicts"] = json!([]);
    });
    assert_eq!(p, [pair("questions[1]", "training question `q2` has no option marked `correct: true`")]);
}

#[test]
fn warns_about_what_can_never_happen() {
    let p = problems(|d, _| {
        d["questions"][2]["show_if"] = json!("personal_data = yes and personal_data = no");
        d["rules"][3]["when"] = json!("cause = phishing and cause = ransomware");
    });
    assert_eq!(
        p,
        [
            pair(
                "questions[2].show_if",
                "question `data_categories` can never be shown: its `show_if` is false for every possible answer"
            ),
            pair("rules[3].when", "rule `ransomware` can never apply: its `when` is false for every possible answer"),
            pair("verdicts[3].id", "verdict `report_to_police` can never apply: no rule that gives it can apply"),
        ]
    );
    assert_eq!(
        one(|d, _| d["rules"][3]["verdicts"] = json!([])),
        pair("verdicts[3].id", "no rule gives verdict `report_to_police`, so it is always \"no\"")
    );
    // Warnings do not stop compilation.
    let (mut def, ctx) = (triage_json(), context_json());
    def["rules"][3]["verdicts"] = json!([]);
    assert!(compile_json(def, ctx).is_ok());
}

#[test]
fn does_not_warn_about_rules_that_can_apply() {
    for when in [
        "subjects >= 100",
        "subjects * 2 > 150",
        "subjects > 10 and subjects < 12",
        "count(data_categories) = 4",
        "not (data_categories contains health) and data_categories contains contact",
        "found_at < found_at or notes = 'x'",
        "max(subjects, 3) = 3",
        "if(nis2, subjects, 0) > 5",
        "subjects > 10 and subjects < 11",
    ] {
        let p = problems(|d, _| d["rules"][0]["when"] = json!(when));
        assert!(p.is_empty(), "{when}: {p:#?}");
    }
    let p = problems(|d, _| d["rules"][0]["when"] = json!("subjects > 11 and subjects < 10"));
    assert_eq!(
        p,
        [
            pair("rules[0].when", "rule `authority` can never apply: its `when` is false for every possible answer"),
            pair("verdicts[0].id", "verdict `notify_authority` can never apply: no rule that gives it can apply"),
        ]
    );
}

#[test]
fn reports_every_problem_at_once() {
    let p = problems(|d, c| {
        d["questions"][7]["id"] = json!("nis2");
        d["rules"][0]["when"] = json!("risk and");
        d["rules"][1]["verdicts"] = json!(["nope"]);
        d["rules"][2]["actions"] = json!(["nope-step"]);
        d["verdicts"][0]["due"] = json!("soon");
        c["steps"][4]["when"] = json!("causes = ransomware");
    });
    let paths: Vec<&str> = p.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "questions[7].id",
            "rules[0].when",
            "rules[1].verdicts[0]",
            "rules[2].actions[0]",
            "steps.isolate-systems.when",
            "verdicts[0].due",
        ]
    );
}

#[test]
fn verdict_text_variants_are_checked_and_survive_json() {
    let (mut def, ctx) = (triage_json(), context_json());
    def["verdicts"][0]["variants"] = json!([
        {"when": "cause = lost_device", "yes": {"en": "Report the lost device.", "nl": "Meld het verloren apparaat."}},
        {"when": "encrypted = yes", "no": "Record that the data was encrypted."}
    ]);
    let (c, warnings) = compile_json(def, ctx).unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(warnings.is_empty(), "{warnings:#?}");
    let v = &c.verdicts[0].variants;
    assert_eq!(v.len(), 2);
    assert_eq!(v[0].src, "cause = lost_device");
    assert_eq!(v[0].yes.as_deref(), Some("Report the lost device."));
    assert_eq!(v[1].no.as_deref(), Some("Record that the data was encrypted."));
    let json = c.to_json();
    assert!(json.contains("\"variants\""));
    assert_eq!(Compiled::from_json(&json).unwrap(), c);

    // A variant's condition is checked like a rule's, with its path.
    assert_eq!(
        one(|d, _| d["verdicts"][0]["variants"] = json!([{"when": "cause = stolen", "yes": "x"}])),
        pair(
            "verdicts[0].variants[0].when",
            "`stolen` is not an option of `cause`; the options are: phishing, ransomware, lost_device, misdirected_email"
        )
    );
    // A variant without a text is a mistake.
    assert_eq!(
        one(|d, _| d["verdicts"][0]["variants"] = json!([{"when": "encrypted = yes"}])),
        pair(
            "verdicts[0].variants[0]",
            "a text variant of verdict `notify_authority` has neither `yes` nor `no`, so it changes nothing"
        )
    );
}

/// The hand-written writer (`compile/write.rs`) against the derived
/// `Serialize` it replaced, byte for byte but for U+2028 and U+2029.
fn written_as_serde_writes(c: &Compiled) -> String {
    let ours = c.to_json();
    assert_eq!(ours, serde_json_escaped(c));
    ours
}

/// What was written reads back as the same assessment: through the engine's
/// reader, which leaves out the presets (only the page uses them), and
/// through the derived `Deserialize`, which keeps them.
fn reads_back(c: &Compiled, json: &str) {
    let by_hand = Compiled::from_json(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    assert_eq!(by_hand, Compiled { presets: Vec::new(), ..c.clone() });
    let derived: Compiled = serde_json::from_str(json).unwrap();
    assert_eq!(&derived, c);
}

#[test]
fn the_handbooks_assessments_are_written_as_serde_wrote_them() {
    let defs = content_assessments();
    let mut seen = BTreeSet::new();
    let mut presets = 0;
    for lang in content_languages() {
        let ctx = content_context(&lang);
        for def in &defs {
            let (c, _) = compile(def, &ctx).unwrap_or_else(|e| panic!("{} in {lang}: {e:#?}", def.id));
            let json = written_as_serde_writes(&c);
            reads_back(&c, &json);
            seen.insert((c.kind.as_str(), lang.clone()));
            presets += c.presets.len();
        }
    }
    // All three kinds in all three languages, and the triage's presets.
    assert_eq!(seen.len(), 9, "{seen:?}");
    assert!(presets > 0);
}

/// A readiness assessment with every optional field, every kind of
/// expression node and a preset of each kind of answer.
fn rich() -> Compiled {
    let mut def = triage_json();
    def["kind"] = json!("readiness");
    def["intro"] = json!({"en": "Intro", "nl": "Inleiding"});
    def["areas"] = json!([{"id": "people", "title": "People"}]);
    def["questions"][4]["options"][0] = json!({"value": "phishing", "label": "Phishing",
        "help": "Fake mail", "score": 2.5, "correct": true, "feedback": "Yes."});
    def["questions"][4]["options"][1]["correct"] = json!(false);
    def["questions"][4]["area"] = json!("people");
    def["questions"][4]["scenario"] = json!("It is Monday.");
    def["questions"][1]["help"] = json!("Count them");
    def["questions"][1]["max"] = json!(1e9);
    def["let"] = json!([
        {"id": "a", "label": "A", "expr": "-subjects + 2 * 3 - 4 / 5 + count(data_categories)"},
        {"id": "b", "expr": "max(a, 1) >= min(a, 2) and a < 1 and a <= 2 and a > 3 and a != 4"},
        {"id": "c", "expr": "not b or if(nis2, cause, phishing) in [ransomware, lost_device]"},
        {"id": "d", "expr": "data_categories contains health or data_categories in [contact] or notes = 'n'"},
        {"id": "risk", "expr": "c and d and personal_data and found_at < found_at"},
        {"id": "sensitive", "expr": "risk or -a = -1.5 or data_categories = data_categories"}
    ]);
    def["verdicts"][0]["variants"] = json!([{"when": "cause = lost_device", "yes": "Lost.", "no": "Not lost."}]);
    def["presets"] = json!([
        {"id": "mail", "label": "Wrong address", "help": "A mail went astray",
         "answers": {"cause": "misdirected_email", "data_categories": ["contact", "health"], "subjects": 12.5}},
        {"id": "bare", "label": "Bare", "answers": {"nis2": "no"}}
    ]);
    let (c, _) = compile_json(def, context_json()).unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(c.presets.len() == 2 && c.verdicts[0].variants.len() == 1);
    c
}

#[test]
fn every_field_is_written_as_serde_writes_it() {
    for c in [compile_json(triage_json(), context_json()).unwrap().0, rich()] {
        let json = written_as_serde_writes(&c);
        reads_back(&c, &json);
    }
}

/// Strings that need escaping, or that must not be escaped.
const AWKWARD: [&str; 9] = [
    "",
    "say \"hi\" 'there'",
    "back\\slash \\u0041 / slash",
    "\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f} \u{7f}",
    "</script><!-- & >",
    "café Ωmega 日本 😀",
    "line\u{2028}separator\u{2029}paragraph",
    "\u{feff}bom \u{200b}zero width \u{fffd}",
    "a\\\"b\\\\\"",
];

/// `c` with an awkward string in every string field the writer writes.
fn awkward(mut c: Compiled) -> Compiled {
    let mut k = 0;
    let mut next = || {
        k += 1;
        AWKWARD[k % AWKWARD.len()].to_string()
    };
    c.id = next();
    c.lang = next();
    c.title = next();
    c.intro = Some(next());
    c.hash = next();
    for a in &mut c.areas {
        (a.id, a.title) = (next(), next());
    }
    for q in &mut c.questions {
        (q.id, q.text, q.help, q.unit, q.area, q.scenario) =
            (next(), next(), Some(next()), Some(next()), Some(next()), Some(next()));
        q.show_if_src = q.show_if.as_ref().map(|_| next());
        for o in &mut q.options {
            (o.value, o.label, o.help, o.feedback) = (next(), next(), Some(next()), Some(next()));
        }
    }
    for l in &mut c.lets {
        (l.id, l.label, l.src) = (next(), Some(next()), next());
    }
    for v in &mut c.verdicts {
        (v.id, v.title, v.yes, v.no, v.contact) = (next(), next(), Some(next()), Some(next()), Some(next()));
        for x in &mut v.variants {
            (x.src, x.yes, x.no) = (next(), Some(next()), Some(next()));
        }
    }
    for r in &mut c.rules {
        (r.id, r.src, r.reason) = (next(), next(), Some(next()));
        r.when = Node::Or(vec![r.when.clone(), Node::Text(next())]);
    }
    for a in &mut c.actions {
        (a.id, a.title, a.text, a.playbook, a.phase, a.owner) = (next(), next(), next(), Some(next()), next(), next());
        (a.party, a.serves, a.url) = (Some(next()), Some(next()), Some(next()));
        a.sources = vec![SourceInfo { id: next(), title: next(), url: next() }];
    }
    for p in &mut c.contacts {
        (p.role, p.name, p.title, p.phone, p.email) = (next(), next(), Some(next()), Some(next()), Some(next()));
        (p.url, p.form_url, p.hours, p.window) = (Some(next()), Some(next()), Some(next()), Some(next()));
    }
    for p in &mut c.phases {
        (p.id, p.title, p.url) = (next(), next(), next());
    }
    for p in &mut c.presets {
        (p.id, p.label, p.help) = (next(), next(), Some(next()));
        for a in &mut p.answers {
            a.question = next();
        }
        p.answers.push(CPresetAnswer { question: next(), value: PresetValue::Text(next()) });
        p.answers.push(CPresetAnswer { question: next(), value: PresetValue::List(vec![next(), next()]) });
    }
    c
}

#[test]
fn awkward_strings_are_escaped_as_serde_escapes_them_and_safe_in_a_script() {
    let c = awkward(rich());
    let json = written_as_serde_writes(&c);
    reads_back(&c, &json);
    // What JSON requires is escaped, and U+2028/9 (safe in a script); `<`
    // stays as it is (the builder escapes `<` in the script itself).
    for needle in [
        r#"say \"hi\""#,
        r"back\\slash",
        r"\u0000\u0001\b\t\n\u000b\f\r\u001f",
        "\u{7f}",
        "</script>",
        r"line\u2028separator\u2029paragraph",
        "😀",
    ] {
        assert!(json.contains(needle), "{needle:?} missing");
    }
    assert!(!json.contains(['\u{2028}', '\u{2029}']));
}

#[test]
fn numbers_are_written_as_serde_writes_them() {
    let mut c = rich();
    let floats =
        [0.0, -0.0, 1.0, -1.5, 0.1, 1e-7, 1e15, 1e16, 1e21, 123456789.125, f64::MAX, f64::MIN_POSITIVE, 5e-324];
    let dues = [
        Due::Asap,
        Due::Window,
        Due::After(0),
        Due::After(2 * WEEK_MS),
        Due::After(72 * HOUR_MS),
        Due::After(90 * MINUTE_MS),
        Due::After(1234),
    ];
    for (i, x) in floats.iter().enumerate() {
        c.lets[0].expr = Node::Arith(ArithOp::Add, Box::new(c.lets[0].expr.clone()), Box::new(Node::Num(*x)));
        let nq = c.questions.len();
        let q = &mut c.questions[i % nq];
        (q.min, q.max) = (Some(*x), Some(-x));
        c.presets[0].answers.push(CPresetAnswer { question: format!("n{i}"), value: PresetValue::Number(*x) });
    }
    c.questions[4].options[0].score = Some(-0.25);
    for (i, a) in c.actions.iter_mut().enumerate() {
        a.due = dues[i % dues.len()];
        a.window_ms = Some([i64::MIN, i64::MAX, -1, 0, 86_400_000][i % 5]);
        a.when = Some(Node::AnyOf(Box::new(Node::Q(u32::MAX)), u64::MAX >> i));
    }
    c.verdicts[0].window_ms = Some(i64::MIN);
    c.phases[0].order = -7;
    c.rules[0].verdicts = vec![0, u32::MAX];
    let json = written_as_serde_writes(&c);
    for needle in [
        "-0.0",
        "1e-7",
        "1e+16",
        "1e+21",
        "5e-324",
        "-9223372036854775808",
        "18446744073709551615",
        "\"90m\"",
        "\"1234ms\"",
    ] {
        assert!(json.contains(needle), "{needle} missing");
    }
    // The derived reader agrees with the writer; the engine's reader
    // refuses the out-of-range indices, as it should.
    let derived: Compiled = serde_json::from_str(&json).unwrap();
    assert_eq!(derived, c);
    assert!(Compiled::from_json(&json).is_err());

    // JSON has no NaN or infinity: `null`, as serde_json writes them.
    c.questions[0].min = Some(f64::NAN);
    c.questions[0].max = Some(f64::INFINITY);
    c.lets[0].expr = Node::Num(f64::NEG_INFINITY);
    let json = written_as_serde_writes(&c);
    assert!(json.contains(r#""min":null,"max":null"#) && json.contains(r#"{"num":null}"#));
}

proptest! {
    /// Any text and any number in any field: the same bytes as serde (but
    /// for U+2028/9).
    #[test]
    fn any_text_and_number_is_written_as_serde_writes_it(
        texts in prop::collection::vec(any::<String>(), 8),
        x in any::<f64>(),
        n in any::<i64>(),
        mask in any::<u64>(),
    ) {
        let mut c = compile_json(triage_json(), context_json()).unwrap().0;
        c.title = texts[0].clone();
        c.intro = Some(texts[1].clone());
        c.questions[1].min = Some(x);
        c.questions[1].help = Some(texts[2].clone());
        c.lets[0].expr = Node::Cmp(CmpOp::Ge, Box::new(Node::Num(x)), Box::new(Node::Text(texts[3].clone())));
        c.actions[0].window_ms = Some(n);
        c.actions[0].due = Due::After(n);
        c.actions[0].when = Some(Node::AnyOf(Box::new(Node::Q(0)), mask));
        c.contacts[0].hours = Some(texts[4].clone());
        c.phases[0].order = n;
        c.presets.push(CPreset { id: texts[5].clone(), label: texts[6].clone(), help: None,
            answers: vec![CPresetAnswer { question: texts[7].clone(), value: PresetValue::Number(x) }] });
        prop_assert_eq!(c.to_json(), serde_json_escaped(&c));
    }
}
