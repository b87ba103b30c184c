//! The irbook questionnaire engine.
//!
//! One pure core, used three ways: linked natively by the builder (to validate
//! every assessment at build time and for `irbook plan`), and compiled to
//! WebAssembly for the questionnaire page. Nothing in here reads a clock,
//! draws a random number or touches the file system.
//!
//! - [`text`]: texts that are a plain string or a map per language.
//! - [`model`]: the serde types of an assessment file and of the context the
//!   builder hands over (steps from playbooks, contacts, phases).
//! - [`expr`]: the expression language (lexer, parser, canonical printer).
//! - [`check`]: name resolution and type checking of expressions.
//! - [`compile`]: definition + context → [`compile::Compiled`], or diagnostics.
//! - [`eval`]: three-valued evaluation of expressions against answers.
//! - [`plan`]: compiled assessment + answers + times → [`plan::Plan`].
//! - [`time`]: civil date-time arithmetic, RFC 3339, EU daylight-saving rule.
//! - `load`: reads a compiled assessment from JSON without serde derive code.

pub mod check;
pub mod compile;
pub mod eval;
pub mod expr;
mod load;
pub mod model;
pub mod plan;
pub mod text;
pub mod time;

#[cfg(target_arch = "wasm32")]
mod bindings;

#[cfg(test)]
mod testutil;

pub use compile::{compile, Compiled, Diagnostic, PathSeg, Severity};
pub use plan::{parse_answers, plan, Answer, AnswerError, Answers, Plan, PlanInput};
pub use time::TimeZone;
