//! Step conditions (`when:`) in words, for the playbook pages: the expression
//! read back with the questionnaire's own question texts and answer labels,
//! so a reader sees *when* a step applies without opening the questionnaire.
//!
//! Only the forms a reader can follow are put in words: a question compared
//! with one of its answers (`=`, `!=`, `in`, `contains`, `not`), a yes/no
//! question on its own, and `and`/`or` of those. Anything else (numbers,
//! functions, derived values) gives `None`, and the page keeps its general
//! "only in some cases" note.

use crate::model::Assessment;
use assessment_wasm::definition::{QuestionDef, QuestionType};
use assessment_wasm::language::expr::{parse, BinOp, Expr, ExprKind};
use std::collections::BTreeMap;

/// The interface texts the sentences are made of (`cond_*`, `js_yes`, …).
type Strings = BTreeMap<String, String>;

/// The condition in words, e.g. `Only if the answer to “Are you a processor?”
/// is “Yes”.`; `None` when it has a form that is not put in words, or names
/// something no questionnaire asks.
pub fn describe(when: &str, assessments: &[Assessment], lang: &str, default: &str, t: &Strings) -> Option<String> {
    let expr = parse(when).ok()?;
    let mut names = Vec::new();
    questions_named(&expr, &mut names);
    // The questionnaire that asks every question the condition names.
    let questions = assessments
        .iter()
        .map(|a| &a.def.questions)
        .find(|qs| !names.is_empty() && names.iter().all(|n| qs.iter().any(|q| &q.id == n)))?;
    let words = Words { questions, lang, default, t };
    let clause = words.clause(&expr, false)?;
    Some(words.fill("cond_only_if", &[("condition", &clause)]))
}

/// The ids in question position: left of a comparison, or alone.
fn questions_named<'e>(e: &'e Expr, out: &mut Vec<&'e str>) {
    match &e.kind {
        ExprKind::Ident(id) => out.push(id),
        ExprKind::Binary(_, left, _) => questions_named(left, out),
        ExprKind::Not(inner) => questions_named(inner, out),
        ExprKind::And(xs) | ExprKind::Or(xs) => xs.iter().for_each(|x| questions_named(x, out)),
        _ => {}
    }
}

struct Words<'a> {
    questions: &'a [QuestionDef],
    lang: &'a str,
    default: &'a str,
    t: &'a Strings,
}

impl Words<'_> {
    fn fill(&self, key: &str, vars: &[(&str, &str)]) -> String {
        let mut s = self.t.get(key).cloned().unwrap_or_default();
        for (name, value) in vars {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// `negated` turns "is" into "is not" (for `not (q = a)`).
    fn clause(&self, e: &Expr, negated: bool) -> Option<String> {
        match &e.kind {
            ExprKind::And(xs) | ExprKind::Or(xs) if !negated => {
                let and = matches!(e.kind, ExprKind::And(_));
                let joiner = self.t.get(if and { "cond_and" } else { "cond_or" })?;
                let parts: Option<Vec<String>> = xs
                    .iter()
                    .map(|x| {
                        let c = self.clause(x, false)?;
                        // The other connective inside needs brackets to keep its meaning.
                        let nested = matches!((&x.kind, and), (ExprKind::Or(_), true) | (ExprKind::And(_), false));
                        Some(if nested { format!("({c})") } else { c })
                    })
                    .collect();
                Some(parts?.join(joiner))
            }
            ExprKind::Not(inner) if !negated => self.clause(inner, true),
            ExprKind::Ident(id) => {
                let q = self.question(id)?;
                matches!(q.qtype, QuestionType::YesNo | QuestionType::YesNoUnknown).then_some(())?;
                self.answered(q, &[self.answer(q, "yes")?], negated)
            }
            ExprKind::Binary(op, left, right) => {
                let ExprKind::Ident(id) = &left.kind else { return None };
                let q = self.question(id)?;
                match (op, &right.kind) {
                    (BinOp::Eq | BinOp::Ne, ExprKind::Ident(v)) => {
                        self.answered(q, &[self.answer(q, v)?], negated != (*op == BinOp::Ne))
                    }
                    (BinOp::In, ExprKind::List(vs)) => {
                        let labels: Option<Vec<String>> = vs
                            .iter()
                            .map(|v| match &v.kind {
                                ExprKind::Ident(v) => self.answer(q, v),
                                _ => None,
                            })
                            .collect();
                        self.answered(q, &labels?, negated)
                    }
                    (BinOp::Contains, ExprKind::Ident(v)) if q.qtype == QuestionType::Multi => {
                        let key = if negated { "cond_excludes" } else { "cond_includes" };
                        let answer = self.quote(&self.answer(q, v)?);
                        Some(self.fill(key, &[("question", q.text.get(self.lang, self.default)), ("answer", &answer)]))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn question(&self, id: &str) -> Option<&QuestionDef> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// "the answer to “q” is “a”" (or "“a” or “b”"), or "is not".
    fn answered(&self, q: &QuestionDef, labels: &[String], negated: bool) -> Option<String> {
        let or = self.t.get("cond_or")?;
        let answer = labels.iter().map(|l| self.quote(l)).collect::<Vec<_>>().join(or);
        let key = if negated { "cond_is_not" } else { "cond_is" };
        Some(self.fill(key, &[("question", q.text.get(self.lang, self.default)), ("answer", &answer)]))
    }

    /// The label the reader saw for an answer value.
    fn answer(&self, q: &QuestionDef, value: &str) -> Option<String> {
        match q.qtype {
            QuestionType::YesNo | QuestionType::YesNoUnknown => {
                let key = match value {
                    "yes" | "true" => "js_yes",
                    "no" | "false" => "js_no",
                    _ => return None,
                };
                self.t.get(key).cloned()
            }
            QuestionType::Single | QuestionType::Multi => {
                q.options.iter().find(|o| o.value == value).map(|o| o.label.get(self.lang, self.default).to_string())
            }
            _ => None,
        }
    }

    fn quote(&self, text: &str) -> String {
        self.fill("cond_quote", &[("text", text)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use assessment_wasm::definition::AssessmentDef;

    fn strings() -> Strings {
        [
            ("cond_only_if", "Only if {condition}."),
            ("cond_is", "the answer to “{question}” is {answer}"),
            ("cond_is_not", "the answer to “{question}” is not {answer}"),
            ("cond_includes", "the answers to “{question}” include {answer}"),
            ("cond_excludes", "the answers to “{question}” do not include {answer}"),
            ("cond_and", ", and "),
            ("cond_or", " or "),
            ("cond_quote", "“{text}”"),
            ("js_yes", "Yes"),
            ("js_no", "No"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn triage() -> Vec<Assessment> {
        let text = r#"
id: triage
kind: triage
title: Triage
questions:
  - id: processor
    type: yes_no
    text: Do you process the data for someone else?
  - id: malicious
    type: yes_no_unknown
    text: Could someone have done this on purpose?
  - id: jurisdiction
    type: single
    text: Where is your organisation established?
    options:
      - { value: nl, label: { en: The Netherlands, nl: Nederland } }
      - { value: be, label: { en: Belgium, nl: België } }
      - { value: other, label: { en: Elsewhere, nl: Elders } }
  - id: affected
    type: multi
    text: What was affected?
    options:
      - { value: confidentiality, label: Who could see the data }
      - { value: availability, label: Whether the data can be used }
  - id: people
    type: number
    text: How many people?
"#;
        let def: AssessmentDef = serde_yaml::from_str(text).unwrap();
        vec![Assessment { def, file: "assessments/triage.yaml".into(), text: text.into() }]
    }

    fn say(when: &str) -> Option<String> {
        describe(when, &triage(), "en", "en", &strings())
    }

    #[test]
    fn comparisons_read_with_question_texts_and_answer_labels() {
        let place = "the answer to “Where is your organisation established?” is";
        let affected = "the answers to “What was affected?”";
        for (when, words) in [
            ("jurisdiction = nl", format!("{place} “The Netherlands”")),
            ("malicious != no", "the answer to “Could someone have done this on purpose?” is not “No”".into()),
            ("processor", "the answer to “Do you process the data for someone else?” is “Yes”".into()),
            ("jurisdiction in [nl, be]", format!("{place} “The Netherlands” or “Belgium”")),
            ("affected contains availability", format!("{affected} include “Whether the data can be used”")),
            (
                "not (affected contains availability)",
                format!("{affected} do not include “Whether the data can be used”"),
            ),
            ("not (jurisdiction = be)", format!("{place} not “Belgium”")),
        ] {
            assert_eq!(say(when), Some(format!("Only if {words}.")), "{when}");
        }
    }

    #[test]
    fn connectives_join_clauses_and_bracket_the_other_kind() {
        assert_eq!(
            say("processor and (jurisdiction = nl or malicious != no)").as_deref(),
            Some(
                "Only if the answer to “Do you process the data for someone else?” is “Yes”, and (the answer to \
                 “Where is your organisation established?” is “The Netherlands” or the answer to “Could someone \
                 have done this on purpose?” is not “No”)."
            )
        );
    }

    #[test]
    fn labels_follow_the_language() {
        let nl: Strings =
            strings().into_iter().map(|(k, v)| (k, if v == "Yes" { "Ja".to_string() } else { v })).collect();
        let s = describe("jurisdiction = be", &triage(), "nl", "en", &nl).unwrap();
        assert!(s.contains("“België”"), "{s}");
    }

    #[test]
    fn what_cannot_be_put_in_words_is_left_to_the_page() {
        for when in [
            "people > 10",
            "jurisdiction = unheard_of",
            "unknown_question = yes",
            "known(malicious)",
            "not (processor and malicious)",
            "jurisdiction = nl +",
            "jurisdiction contains nl",
        ] {
            assert_eq!(say(when), None, "{when}");
        }
    }
}
