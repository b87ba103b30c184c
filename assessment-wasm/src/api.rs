//! What the questionnaire page asks of the engine, as text in and text out:
//! the logic behind the WebAssembly bindings (`bindings.rs`, which only
//! adds the JavaScript types), kept free of `wasm-bindgen` so that native
//! tests run exactly the code the page runs. All JSON goes through
//! [`crate::wire::json`]; nothing here reaches serde.

use crate::compile::Compiled;
use crate::plan::{self, AnswerError, PlanInput};
use crate::time::TimeZone;
use crate::wire::json::{self, Value};

/// The plan as JSON for answers given as JSON text; times are Unix
/// milliseconds as JavaScript has them. The error is the problem in words,
/// one line per answer problem.
pub fn plan_json(
    c: &Compiled,
    answers_json: &str,
    discovered_ms: f64,
    now_ms: f64,
    tz: TimeZone,
) -> Result<String, String> {
    let value = json::parse(answers_json).map_err(|e| format!("the answers are not valid JSON: {e}"))?;
    let (answers, errors) = plan::read_answers(c, &value);
    if !errors.is_empty() {
        let mut lines = String::new();
        for e in &errors {
            if !lines.is_empty() {
                lines.push('\n');
            }
            lines.push_str(&e.to_string());
        }
        return Err(lines);
    }
    // `as` saturates (and maps NaN to 0), so no time can overflow.
    let input = PlanInput { answers, discovered_ms: discovered_ms as i64, now_ms: now_ms as i64, tz };
    Ok(plan::plan(c, &input).to_json())
}

/// The problems with some answers as a JSON array of
/// `{"question","message"}`; `[]` when there are none.
pub fn check_answers_json(c: &Compiled, answers_json: &str) -> String {
    let errors = match json::parse(answers_json) {
        Ok(v) => plan::read_answers(c, &v).1,
        Err(e) => {
            vec![AnswerError { question: String::new(), message: format!("the answers are not valid JSON: {e}") }]
        }
    };
    plan::answer_errors_json(&errors)
}

/// A time zone written as serde writes [`TimeZone`]:
/// `{"fixed":{"offset_min":60}}` or `{"eu":{"standard_offset_min":60}}`
/// (serde also reads a struct variant's fields as a list, `{"fixed":[60]}`,
/// and so does this).
pub fn time_zone_from_json(text: &str) -> Result<TimeZone, String> {
    let v = json::parse(text).map_err(|e| format!("malformed time zone: {e}"))?;
    let malformed = || {
        "malformed time zone: expected {\"fixed\":{\"offset_min\":…}} or {\"eu\":{\"standard_offset_min\":…}}"
            .to_string()
    };
    let m = v.as_object().filter(|m| m.len() == 1).ok_or_else(malformed)?;
    let (variant, fields) = m.iter().next().ok_or_else(malformed)?;
    let field = match variant {
        "fixed" => "offset_min",
        "eu" => "standard_offset_min",
        _ => return Err(malformed()),
    };
    let minutes = match fields {
        Value::Object(f) => f.get(field),
        Value::Array(items) if items.len() == 1 => items.first(),
        _ => None,
    };
    let minutes = minutes
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| format!("malformed time zone: `{field}` must be a whole number of minutes"))?;
    Ok(if variant == "fixed" {
        TimeZone::Fixed { offset_min: minutes }
    } else {
        TimeZone::Eu { standard_offset_min: minutes }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile;
    use crate::plan::{parse_answers, parse_answers_lenient};
    use crate::testutil::{context_json, ctx_from, def_from, triage_json};
    use serde_json::json;

    fn triage() -> Compiled {
        let c = compile(&def_from(triage_json()), &ctx_from(context_json())).unwrap().0;
        // The page gets the assessment as JSON text.
        Compiled::from_json(&c.to_json()).unwrap()
    }

    const DISCOVERED: f64 = 1_795_424_400_000.0;
    const NOW: f64 = 1_795_431_600_000.0;

    #[test]
    fn plan_json_is_the_native_plan() {
        let c = triage();
        let tz = TimeZone::Eu { standard_offset_min: 60 };
        for answers in [
            json!({}),
            json!({"personal_data": "yes", "subjects": 150.5, "data_categories": ["health"], "encrypted": false,
                   "cause": "ransomware", "nis2": "no", "found_at": "2026-11-23T09:30", "notes": "a\u{2028}b"}),
            json!({"answers": {"personal_data": "unknown", "cause": "lost_device"}}),
        ] {
            let text = answers.to_string();
            let ours = plan_json(&c, &text, DISCOVERED, NOW, tz).unwrap();
            let native = plan::plan(
                &c,
                &PlanInput {
                    answers: parse_answers(&c, &answers).unwrap(),
                    discovered_ms: DISCOVERED as i64,
                    now_ms: NOW as i64,
                    tz,
                },
            );
            let ours: serde_json::Value = serde_json::from_str(&ours).unwrap();
            assert_eq!(ours, serde_json::to_value(&native).unwrap());
        }
    }

    #[test]
    fn plan_json_reports_every_answer_problem() {
        let c = triage();
        let err = plan_json(&c, r#"{"subjetcs": 5, "cause": "flood"}"#, DISCOVERED, NOW, TimeZone::UTC).unwrap_err();
        let native = parse_answers(&c, &json!({"subjetcs": 5, "cause": "flood"})).unwrap_err();
        assert_eq!(err, native.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"));
        assert_eq!(err.lines().count(), 2);
        let err = plan_json(&c, "{", DISCOVERED, NOW, TimeZone::UTC).unwrap_err();
        assert_eq!(err, "the answers are not valid JSON: EOF while parsing an object at line 1 column 2");
    }

    #[test]
    fn check_answers_lists_problems_as_json() {
        let c = triage();
        assert_eq!(check_answers_json(&c, r#"{"personal_data": "yes"}"#), "[]");
        let answers = json!({"subjects": -1, "cause": "flood", "nis2": true});
        let ours: serde_json::Value = serde_json::from_str(&check_answers_json(&c, &answers.to_string())).unwrap();
        assert_eq!(ours, serde_json::to_value(parse_answers_lenient(&c, &answers).1).unwrap());
        assert_eq!(ours.as_array().unwrap().len(), 2);
        let broken: serde_json::Value = serde_json::from_str(&check_answers_json(&c, "[1,")).unwrap();
        assert_eq!(broken[0]["question"], "");
        assert!(broken[0]["message"].as_str().unwrap().starts_with("the answers are not valid JSON: "));
    }

    #[test]
    fn time_zones_read_as_serde_reads_them() {
        for tz in [
            TimeZone::UTC,
            TimeZone::Fixed { offset_min: -330 },
            TimeZone::Eu { standard_offset_min: 60 },
            TimeZone::Eu { standard_offset_min: i32::MIN },
        ] {
            let text = serde_json::to_string(&tz).unwrap();
            assert_eq!(time_zone_from_json(&text), Ok(tz), "{text}");
        }
        for text in [
            r#"{"fixed":[120]}"#,
            r#"{"fixed":{"offset_min":120,"other":true}}"#,
            r#" {"fixed" : {"offset_min": 120}} "#,
        ] {
            let theirs: TimeZone = serde_json::from_str(text).unwrap();
            assert_eq!(time_zone_from_json(text), Ok(theirs), "{text}");
        }
        for text in [
            "",
            "null",
            r#""fixed""#,
            r#"{}"#,
            r#"{"fixed":{}}"#,
            r#"{"fixed":{"offset_min":1.5}}"#,
            r#"{"fixed":{"offset_min":3000000000}}"#,
            r#"{"fixed":{"standard_offset_min":60}}"#,
            r#"{"utc":{"offset_min":0}}"#,
            r#"{"fixed":{"offset_min":0},"eu":{"standard_offset_min":0}}"#,
            r#"{"fixed":[1,2]}"#,
        ] {
            assert!(serde_json::from_str::<TimeZone>(text).is_err(), "serde reads {text}");
            let err = time_zone_from_json(text).unwrap_err();
            assert!(err.starts_with("malformed time zone: "), "{text}: {err}");
        }
    }
}
