//! The shapes of the files authors write (serde definitions, also the JSON Schemas).

use super::handbook::{Contact, Source};
use assessment_wasm::definition::Track;
use assessment_wasm::text::Text;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// handbook.yaml. Every key is optional in a single file because a client
/// variant sets only what differs from its base; after merging, `title` is required.
#[derive(Debug, JsonSchema, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct HandbookFile {
    #[serde(default)]
    pub(super) id: Option<String>,
    #[serde(default)]
    pub(super) title: Option<Text>,
    #[serde(default)]
    pub(super) description: Option<Text>,
    #[serde(default)]
    pub(super) organisation: Option<Text>,
    /// The handbook's own version, as the organisation names it ("3.2, December
    /// 2026"): printed on the binder's cover, so a paper copy shows how old it is.
    #[serde(default)]
    pub(super) version: Option<String>,
    #[serde(default)]
    pub(super) languages: Option<Vec<String>>,
    #[serde(default)]
    pub(super) default_language: Option<String>,
    #[serde(default)]
    pub(super) timezone: Option<TimezoneDef>,
    #[serde(default)]
    pub(super) allow_html: Option<bool>,
    #[serde(default)]
    pub(super) start: Option<String>,
    /// Read by [`crate::layers`]; accepted here so the file validates.
    #[serde(default)]
    pub(super) extends: Option<String>,
    #[serde(default)]
    pub(super) exclude: Vec<String>,
    #[serde(default)]
    pub(super) branding: Option<BrandingDef>,
    #[serde(default)]
    pub(super) check: Option<CheckDef>,
}

/// `branding:` in handbook.yaml; merged key by key across layers.
#[derive(Debug, JsonSchema, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct BrandingDef {
    #[serde(default)]
    pub(super) logo: Option<String>,
    #[serde(default)]
    pub(super) colors: BTreeMap<String, String>,
}

/// `check:` in handbook.yaml: settings for `irbook check`.
#[derive(Debug, JsonSchema, Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct CheckDef {
    #[serde(default)]
    pub(super) max_source_age_days: Option<u32>,
}

#[derive(Debug, JsonSchema, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub(super) struct TimezoneDef {
    pub(super) utc_offset: String,
    #[serde(default)]
    pub(super) dst: Option<String>,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PlaybookFile {
    pub(super) id: String,
    pub(super) title: Text,
    #[serde(default)]
    pub(super) summary: Option<Text>,
    #[serde(default)]
    pub(super) order: Option<i64>,
    /// Other words readers search for, per language (comma-separated), e.g.
    /// `losgeld, gijzelsoftware` for ransomware; counted like title words.
    #[serde(default)]
    pub(super) keywords: Option<Text>,
    /// Steps are read one by one (a step or a `ref:`), so one bad step does not hide the others.
    #[schemars(with = "Vec<StepEntry>")]
    pub(super) steps: Vec<serde_yaml::Value>,
}

/// What an entry of `steps:` may be, for the JSON Schema only.
#[derive(Clone, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // describes the file; the loader reads steps as YAML values
pub(super) enum StepEntry {
    Step(Box<StepDef>),
    Ref(StepRef),
}

/// `- ref: step-id`: reuse a step defined in another playbook.
#[derive(Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub(super) struct StepRef {
    #[serde(rename = "ref")]
    pub(super) step: String,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct StepDef {
    pub(super) id: String,
    pub(super) phase: String,
    pub(super) track: Track,
    pub(super) owner: String,
    pub(super) due: String,
    #[serde(default)]
    pub(super) party: Option<String>,
    #[serde(default)]
    pub(super) when: Option<String>,
    /// The triage verdict this step carries out (`notify_authority` for
    /// the step that files with the authority): the step shows the
    /// verdict's deadline, and a `due` that differs is an error.
    #[serde(default)]
    pub(super) serves: Option<String>,
    pub(super) title: Text,
    #[serde(default)]
    pub(super) text: Option<Text>,
    #[serde(default)]
    pub(super) sources: Vec<String>,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourcesFile {
    pub(super) sources: Vec<Source>,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PhaseFront {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) order: i64,
    #[serde(default)]
    pub(super) summary: Option<String>,
    /// Other words readers search for (comma-separated); counted like title words.
    #[serde(default)]
    pub(super) keywords: Option<String>,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FaqFront {
    pub(super) question: String,
    #[serde(default)]
    pub(super) order: Option<i64>,
    /// Other words readers search for (comma-separated); counted like title words.
    #[serde(default)]
    pub(super) keywords: Option<String>,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FaqYaml {
    pub(super) faq: Vec<FaqYamlItem>,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FaqYamlItem {
    pub(super) id: String,
    pub(super) question: Text,
    pub(super) answer: Text,
    #[serde(default)]
    pub(super) order: Option<i64>,
}

#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PageFront {
    pub(super) title: String,
    #[serde(default)]
    pub(super) weight: Option<i64>,
    #[serde(default)]
    pub(super) description: Option<String>,
    /// Other words readers search for (comma-separated); counted like title words.
    #[serde(default)]
    pub(super) keywords: Option<String>,
}

/// contacts.yaml: people and bodies by role.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ContactsFile {
    /// One entry per role (`incident-lead`, `dpo`, `insurer` …). In a client
    /// variant, an entry replaces the base's entry for that role; `null` removes it.
    #[schemars(with = "BTreeMap<String, Option<Contact>>")]
    pub(super) contacts: serde_yaml::Mapping,
}
