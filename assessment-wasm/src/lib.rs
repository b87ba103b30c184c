//! The irbook questionnaire engine.
//!
//! One pure core, used three ways: linked natively by the builder (to validate
//! every assessment at build time and for `irbook plan`), and compiled to
//! WebAssembly for the questionnaire page. Nothing in here reads a clock,
//! draws a random number or touches the file system.
//!
//! - [`text`]: texts that are a plain string or a map per language.
//! - [`definition`]: the serde types of an assessment file and of the context the
//!   builder hands over (steps from playbooks, contacts, phases).
//! - [`language`]: the expression language: `expr` (lexer, parser, canonical
//!   printer), `typecheck` (name resolution and types), `eval` (three-valued
//!   evaluation against answers).
//! - [`compile`]: definition + context → [`compile::Compiled`], or diagnostics.
//! - [`plan`]: compiled assessment + answers + times → [`plan::Plan`].
//! - [`time`]: civil date-time arithmetic, RFC 3339, EU daylight-saving rule.
//! - [`wire`]: the small JSON reader and writer the engine uses instead of
//!   serde_json (`json`), numbers to and from text without `core`'s float
//!   code (`numfmt`), and the reader of a compiled assessment (`read`).
//! - [`api`]: what the page asks of the engine, as JSON text in and out
//!   (the wasm bindings are a thin layer over it).
//! - `wasm`: the bindings the page calls and the wasm build's memory
//!   allocator, smaller than dlmalloc.
//!
//! The wasm module travels base64-encoded inside the page's script, so its
//! size is watched: the wasm path uses none of serde_json, serde's derived
//! code, `core`'s float formatting and parsing, `slice::sort` or `str`
//! slicing that can panic (each pulls in kilobytes); native code keeps them.

pub mod api;
pub mod compile;
pub mod definition;
pub mod language;
pub mod plan;
pub mod text;
pub mod time;
#[cfg(any(target_arch = "wasm32", test))]
mod wasm;
pub mod wire;

#[cfg(test)]
mod testutil;

pub use compile::{compile, Compiled, Diagnostic, PathSeg, Severity};
#[cfg(not(target_arch = "wasm32"))]
pub use plan::parse_answers;
pub use plan::{plan, read_answers, Answer, AnswerError, Answers, Plan, PlanInput};
pub use time::TimeZone;
