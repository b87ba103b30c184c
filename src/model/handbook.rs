//! The validated handbook the renderer reads.

use crate::diag::Pos;
use assessment_wasm::definition::{AssessmentDef, Track};
use assessment_wasm::text::Text;
use assessment_wasm::time::TimeZone;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
pub struct Config {
    pub id: String,
    pub title: Text,
    pub description: Option<Text>,
    pub organisation: Option<Text>,
    pub version: Option<String>,
    pub languages: Vec<String>,
    pub default_language: String,
    pub timezone: TimeZone,
    pub allow_html: bool,
    pub start: Option<String>,
    pub branding: crate::branding::Branding,
    /// Sources last checked longer ago than this are reported by `irbook check`.
    pub max_source_age_days: u32,
}

/// A person or body by role; also the shape of an entry of contacts.yaml,
/// where the role is the entry's key.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    #[serde(skip)]
    pub role: String,
    pub name: Text,
    #[serde(default)]
    pub title: Option<Text>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub form_url: Option<String>,
    #[serde(default)]
    pub hours: Option<Text>,
    #[serde(default)]
    pub window: Option<String>,
    #[serde(default)]
    pub jurisdiction: Option<String>,
    #[serde(default)]
    pub emergency: bool,
    #[serde(default)]
    pub example: bool,
    #[serde(default)]
    pub notes: Option<Text>,
}

/// A Markdown document in one language.
#[derive(Debug, Clone, Hash)]
pub struct MdDoc {
    /// The file it was read from.
    pub file: String,
    pub lang: String,
    pub title: String,
    pub summary: Option<String>,
    pub body: String,
    /// Line in the file where `body` starts (1-based), for positions of links.
    pub body_line: usize,
    pub weight: Option<i64>,
    /// Search keywords from the front matter ("" when none).
    pub keywords: String,
}

/// A document with its translations; `docs` always holds every language
/// (missing ones filled from the default language and flagged).
#[derive(Debug, Clone, Hash)]
pub struct Translated {
    /// Path without language suffix and extension, e.g. `phases/01-first-response`.
    pub base: String,
    /// By language, sorted. A list rather than a map: most documents have one
    /// or two languages, and a map node per document was 18 MiB at 10 000 pages.
    pub docs: Vec<(String, MdDoc)>,
    /// Languages that fell back to the default language.
    pub fallback: BTreeSet<String>,
}

impl Translated {
    pub fn doc(&self, lang: &str) -> &MdDoc {
        let found = self.docs.iter().find(|(l, _)| l == lang).or_else(|| self.docs.first());
        &found.expect("a translated document has a language").1
    }
}

#[derive(Debug, Clone)]
pub struct Phase {
    pub id: String,
    pub order: i64,
    pub doc: Translated,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    /// Playbook that defines the step.
    pub playbook: String,
    pub phase: String,
    pub track: Track,
    pub owner: String,
    pub due: String,
    pub party: Option<String>,
    pub when: Option<String>,
    pub serves: Option<String>,
    pub title: Text,
    pub text: Option<Text>,
    pub sources: Vec<String>,
    pub file: String,
    pub pos: Pos,
    /// Position of the step in its playbook's `steps` list.
    pub index: usize,
}

#[derive(Debug, Clone)]
pub struct Playbook {
    pub id: String,
    pub file: String,
    pub title: Text,
    pub summary: Option<Text>,
    pub order: i64,
    /// Search keywords per language.
    pub keywords: Option<Text>,
    /// Step ids in the order of the file, references included.
    pub steps: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Faq {
    pub id: String,
    pub order: i64,
    pub doc: Translated,
}

/// A cited source; also the shape of an entry of sources/sources.yaml.
#[derive(Debug, Clone, JsonSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub publisher: Option<String>,
    pub url: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub jurisdiction: Option<String>,
    pub last_checked: String,
    #[serde(default)]
    pub note: Option<Text>,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Path under `pages/` without extension, e.g. `parties/police`.
    pub path: String,
    /// Section path (`parties`), empty for top-level pages.
    pub section: String,
    pub weight: i64,
    pub doc: Translated,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub path: String,
    pub weight: i64,
    /// `_section.md` in the folder, if any.
    pub index: Option<Translated>,
    /// Indices into [`Handbook::pages`], ordered by weight then title.
    pub pages: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Assessment {
    pub def: AssessmentDef,
    pub file: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Handbook {
    pub config: Config,
    pub contacts: Vec<Contact>,
    pub phases: Vec<Phase>,
    pub playbooks: Vec<Playbook>,
    pub steps: BTreeMap<String, Step>,
    pub faqs: Vec<Faq>,
    pub sources: Vec<Source>,
    pub pages: Vec<Page>,
    pub sections: Vec<Section>,
    pub assessments: Vec<Assessment>,
    /// The incident record's content: notification stages and follow-ups.
    pub records: crate::records::FollowUpsFile,
    pub statics: Vec<String>,
    /// Template overrides from `templates/`, by file name.
    pub templates: BTreeMap<String, String>,
    /// Playbook and assessment files that did not parse; links to them are not
    /// "missing", and unknown step ids may be defined in them.
    pub unparsed: Vec<String>,
}

impl Handbook {
    pub fn contact(&self, role: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.role == role)
    }
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }
}
