//! JSON in and out without serde's code in the wasm: [`json`] reads and
//! writes JSON values, [`numfmt`] turns numbers into text and back without
//! `core`'s float code, `read` reads a compiled questionnaire from JSON, and
//! `write` holds the one JSON writer trait that every wire type implements.
//! Each wire type has one reader and one writer: plans are written in
//! `plan/write.rs` (natively and in the browser alike), and compiled
//! assessments are written in `compile/write.rs` (by the builder) and read
//! here (in the browser and natively).

pub mod json;
pub mod numfmt;
pub(crate) mod read;
pub(crate) mod write;
