//! The WebAssembly interface for the questionnaire page: an [`Engine`] that
//! holds one compiled assessment and returns plans as JSON text, so the page
//! needs no glue beyond `JSON.parse`.
//!
//! Errors are thrown as JavaScript `Error`s whose message is the problem in
//! words (one line per answer problem). [`Engine::check_answers`] gives the
//! same problems as a JSON array for pages that want to show them per question.
//! The work is done in [`crate::api`], where native tests reach it. Only what
//! the page calls is exported: every export costs bytes in every page.

use crate::api;
use crate::compile::Compiled;
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

    /// The plan as JSON, with times shown at a fixed offset (the browser's
    /// `-new Date().getTimezoneOffset()`). Throws on malformed answers.
    pub fn plan(
        &self,
        answers_json: &str,
        discovered_ms: f64,
        now_ms: f64,
        tz_offset_min: i32,
    ) -> Result<String, JsError> {
        let tz = TimeZone::Fixed { offset_min: tz_offset_min };
        api::plan_json(&self.compiled, answers_json, discovered_ms, now_ms, tz).map_err(|e| JsError::new(&e))
    }

    /// The instant a content period (`72h`, `1mo`) after `from_ms`, months
    /// counted on the calendar at the fixed offset `tz_offset_min`: the
    /// follow-up deadlines of a recorded notification.
    pub fn after(&self, period: &str, from_ms: f64, tz_offset_min: i32) -> Result<f64, JsError> {
        let p = crate::time::parse_period(period).map_err(|e| JsError::new(&e))?;
        Ok(p.after(from_ms as i64, &TimeZone::Fixed { offset_min: tz_offset_min }) as f64)
    }

    /// The problems with some answers as a JSON array of
    /// `{"question","message"}`; `[]` when there are none.
    pub fn check_answers(&self, answers_json: &str) -> String {
        api::check_answers_json(&self.compiled, answers_json)
    }
}
