//! irbook: builds an offline incident-response handbook site from YAML
//! playbooks and Markdown guidance.
//!
//! Pipeline: [`load`] (files into memory) → [`model`] (typed, validated
//! handbook) → [`render`] (Markdown, questionnaires, templates) → [`write`]
//! (temporary folder, then one rename). [`cli`] ties them to the commands;
//! [`serve`] runs the pipeline again on every edit for the local server.

/// `println!` that ignores a closed stdout (`irbook schema | head`), where
/// `println!` would panic.
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

pub mod audit;
pub mod branding;
pub mod cli;
pub mod condition;
pub mod diag;
pub mod layers;
pub mod load;
pub mod markdown;
pub mod model;
pub mod paths;
pub mod plan;
pub mod render;
pub mod scaffold;
pub mod schema;
pub mod search;
pub mod serve;
pub mod single;
pub mod spans;
pub mod web;
pub mod write;
pub mod yaml;
