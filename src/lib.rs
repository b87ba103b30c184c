//! irbook: builds an offline incident-response handbook site from YAML
//! playbooks and Markdown guidance.
//!
//! Pipeline ([`site`]): [`load`] (files into memory, with [`layers`]) →
//! [`model`] (typed, validated handbook) → [`render`] (Markdown,
//! questionnaires, templates; every page checked by [`web::policy`]) →
//! [`write`] (temporary folder, then one rename; where to is [`paths`]'s
//! decision) or [`single`] (one HTML file). [`cmd`] has a file per command;
//! [`serve`] runs the pipeline again on every edit for the local server,
//! through a [`memo`] that keeps what the edit did not touch.

/// `println!` that ignores a closed stdout (`irbook schema | head`), where
/// `println!` would panic.
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

pub mod answers;
pub mod branding;
pub mod cmd;
pub mod diag;
pub mod incident;
pub mod layers;
pub mod lint;
pub mod load;
pub mod memo;
pub mod model;
pub mod open;
pub mod paths;
pub mod records;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod single;
pub mod site;
pub mod spans;
pub mod web;
pub mod write;
pub mod yaml;
