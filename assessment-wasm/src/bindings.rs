//! The WebAssembly interface for the questionnaire page: an [`Engine`] that
//! holds one compiled assessment and returns plans as JSON text, so the page
//! needs no glue beyond `JSON.parse`.
//!
//! Errors are thrown as JavaScript `Error`s whose message is the problem in
//! words (one line per answer problem). [`Engine::check_answers`] gives the
//! same problems as a JSON array for pages that want to show them per question.

use crate::compile::Compiled;
use crate::plan::{self, PlanInput};
use crate::time::TimeZone;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Engine {
    compiled: Compiled,
}

#[wasm_bindgen]
impl Engine {
    /// Loads the JSON the builder wrote with `Compiled::to_json`.
    #[wasm_bindgen(constructor)]
    pub fn new(compiled_json: &str) -> Result<Engine, JsError> {
        let compiled = Compiled::from_json(compiled_json).map_err(|e| JsError::new(&e))?;
        Ok(Engine { compiled })
    }

    /// The hash that keys saved answers in `localStorage`.
    pub fn hash(&self) -> String {
        self.compiled.hash.clone()
    }

    /// The plan as JSON, with times shown at a fixed offset (the browser's
    /// `-new Date().getTimezoneOffset()`). Throws on malformed answers.
    pub fn plan(
        &self,
        answers_json: &str,
        discovered_ms: f64,
        now_ms: f64,
        tz_offset_min: i32,
    ) -> Result<String, JsError> {
        self.plan_with(answers_json, discovered_ms, now_ms, TimeZone::Fixed { offset_min: tz_offset_min })
    }

    /// Like [`Engine::plan`], with a time zone given as JSON, such as
    /// `{"eu":{"standard_offset_min":60}}` or `{"fixed":{"offset_min":0}}`.
    pub fn plan_in(
        &self,
        answers_json: &str,
        discovered_ms: f64,
        now_ms: f64,
        tz_json: &str,
    ) -> Result<String, JsError> {
        let tz: TimeZone =
            serde_json::from_str(tz_json).map_err(|e| JsError::new(&format!("malformed time zone: {e}")))?;
        self.plan_with(answers_json, discovered_ms, now_ms, tz)
    }

    /// The problems with some answers as a JSON array of
    /// `{"question","message"}`; `[]` when there are none.
    pub fn check_answers(&self, answers_json: &str) -> String {
        let errors = match serde_json::from_str::<serde_json::Value>(answers_json) {
            Ok(v) => plan::parse_answers_lenient(&self.compiled, &v).1,
            Err(e) => vec![plan::AnswerError {
                question: String::new(),
                message: format!("the answers are not valid JSON: {e}"),
            }],
        };
        serde_json::to_string(&errors).unwrap_or_else(|_| "[]".into())
    }
}

impl Engine {
    fn plan_with(&self, answers_json: &str, discovered_ms: f64, now_ms: f64, tz: TimeZone) -> Result<String, JsError> {
        let value: serde_json::Value = serde_json::from_str(answers_json)
            .map_err(|e| JsError::new(&format!("the answers are not valid JSON: {e}")))?;
        let answers = plan::parse_answers(&self.compiled, &value).map_err(|errors| {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            JsError::new(&lines.join("\n"))
        })?;
        // `as` saturates (and maps NaN to 0), so no time can overflow.
        let input = PlanInput { answers, discovered_ms: discovered_ms as i64, now_ms: now_ms as i64, tz };
        let plan = plan::plan(&self.compiled, &input);
        serde_json::to_string(&plan).map_err(|e| JsError::new(&e.to_string()))
    }
}
