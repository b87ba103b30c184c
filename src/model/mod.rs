//! The typed handbook: every content file parsed, cross-references checked,
//! translations grouped. Nothing here renders or writes; problems go into the
//! [`Report`] with the file, line and column they come from.

mod build;
mod files;
mod flat;
mod handbook;
mod parse;

pub use build::*;
#[allow(unused_imports)]
pub use handbook::*;
pub use parse::*;
