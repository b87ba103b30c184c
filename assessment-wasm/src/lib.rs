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
//! - [`json`]: the small JSON reader and writer the wasm engine uses instead
//!   of serde_json; [`numfmt`]: numbers to and from text without `core`'s
//!   float code.
//! - [`api`]: what the page asks of the engine, as JSON text in and out
//!   (the wasm bindings are a thin layer over it).
//! - `heap`: the wasm build's memory allocator, smaller than dlmalloc.
//!
//! The wasm module travels base64-encoded inside the page's script, so its
//! size is watched: the wasm path uses none of serde_json, serde's derived
//! code, `core`'s float formatting and parsing, `slice::sort` or `str`
//! slicing that can panic (each pulls in kilobytes); native code keeps them.

pub mod api;
pub mod check;
pub mod compile;
pub mod eval;
pub mod expr;
// The allocator is for the wasm build; natively only its tests use it.
#[cfg(any(target_arch = "wasm32", test))]
mod heap;
pub mod json;
mod load;
pub mod model;
pub mod numfmt;
pub mod plan;
pub mod text;
pub mod time;

#[cfg(target_arch = "wasm32")]
mod bindings;

#[cfg(test)]
mod testutil;

pub use compile::{compile, Compiled, Diagnostic, PathSeg, Severity};
#[cfg(not(target_arch = "wasm32"))]
pub use plan::parse_answers;
pub use plan::{plan, read_answers, Answer, AnswerError, Answers, Plan, PlanInput};
pub use time::TimeZone;
