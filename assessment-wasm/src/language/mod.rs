//! The expression language of `when:` conditions, derived values and
//! scores: [`expr`] lexes, parses and prints it, [`typecheck`] resolves names
//! and checks types against a questionnaire, [`eval`] evaluates it
//! three-valued (yes, no, unknown) against answers.

pub mod eval;
pub mod expr;
pub mod typecheck;
