//! irbook: builds an offline incident-response handbook site from YAML
//! playbooks and Markdown guidance.
//!
//! Pipeline: [`load`] (files into memory) → [`model`] (typed, validated
//! handbook) → [`render`] (Markdown, questionnaires, templates) → [`write`]
//! (temporary folder, then one rename). [`cli`] ties them to the commands.

pub mod cli;
pub mod diag;
pub mod load;
pub mod markdown;
pub mod model;
pub mod plan;
pub mod render;
pub mod search;
pub mod spans;
pub mod write;
