//! The shapes of an assessment file (`assessments/*.yaml`) and of the context
//! the builder hands to the compiler (steps, contacts, phases), all already
//! parsed but not yet checked. Checking happens in [`crate::compile`].

use crate::text::Text;
use serde::{Deserialize, Serialize};

/// What an assessment is for; it decides how the plan is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Incident → verdicts and a time-boxed action plan.
    #[default]
    Triage,
    /// Preparedness self-assessment → score per area and an improvement plan.
    Readiness,
    /// Scenario exercises → feedback per answer and a score.
    Training,
}

impl Kind {
    /// The name serde gives it, for JSON written by hand.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Triage => "triage",
            Kind::Readiness => "readiness",
            Kind::Training => "training",
        }
    }
}

/// One `assessments/<id>.yaml` file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AssessmentDef {
    pub id: String,
    #[serde(default)]
    pub kind: Kind,
    pub title: Text,
    #[serde(default)]
    pub intro: Option<Text>,
    /// Readiness: the areas questions are scored in.
    #[serde(default)]
    pub areas: Vec<AreaDef>,
    pub questions: Vec<QuestionDef>,
    /// Derived values, evaluated in dependency order.
    #[serde(default, rename = "let")]
    pub lets: Vec<LetDef>,
    #[serde(default)]
    pub verdicts: Vec<VerdictDef>,
    #[serde(default)]
    pub rules: Vec<RuleDef>,
    /// Common incidents ("an e-mail to the wrong person") whose typical
    /// answers the page fills in with one click; the reader sees them and
    /// can change each one.
    #[serde(default)]
    pub presets: Vec<PresetDef>,
}

/// One common incident and the answers it stands for.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PresetDef {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub help: Option<Text>,
    /// Question id → answer, written as in an answers file.
    pub answers: std::collections::BTreeMap<String, PresetValue>,
}

/// An answer in a preset: an option value, `yes`/`no`/`unknown`, a list of
/// option values or a number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum PresetValue {
    Text(String),
    List(Vec<String>),
    Number(f64),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AreaDef {
    pub id: String,
    pub title: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    YesNoUnknown,
    /// Yes or no, without an "I don't know" choice.
    YesNo,
    Single,
    Multi,
    Number,
    Datetime,
    Text,
}

impl QuestionType {
    /// The name serde gives it, for JSON written by hand.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionType::YesNoUnknown => "yes_no_unknown",
            QuestionType::YesNo => "yes_no",
            QuestionType::Single => "single",
            QuestionType::Multi => "multi",
            QuestionType::Number => "number",
            QuestionType::Datetime => "datetime",
            QuestionType::Text => "text",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QuestionDef {
    pub id: String,
    #[serde(rename = "type")]
    pub qtype: QuestionType,
    pub text: Text,
    #[serde(default)]
    pub help: Option<Text>,
    /// Condition under which the question is asked.
    #[serde(default)]
    pub show_if: Option<String>,
    /// Choices for `single` and `multi`.
    #[serde(default)]
    pub options: Vec<OptionDef>,
    /// Whether "I don't know" is offered (always true for `yes_no_unknown`).
    #[serde(default)]
    pub allow_unknown: Option<bool>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// Unit shown after a number field ("people", "hours").
    #[serde(default)]
    pub unit: Option<Text>,
    /// Readiness: the area this question scores in.
    #[serde(default)]
    pub area: Option<String>,
    /// Training: the scenario told before the question.
    #[serde(default)]
    pub scenario: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    pub value: String,
    pub label: Text,
    #[serde(default)]
    pub help: Option<Text>,
    /// Readiness: points this answer earns in the question's area.
    #[serde(default)]
    pub score: Option<f64>,
    /// Training: whether this is a right answer.
    #[serde(default)]
    pub correct: Option<bool>,
    /// Training: feedback shown when this option is chosen.
    #[serde(default)]
    pub feedback: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LetDef {
    pub id: String,
    pub expr: String,
    /// Shown in explanations ("severity score").
    #[serde(default)]
    pub label: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VerdictDef {
    pub id: String,
    pub title: Text,
    /// Explanation shown when the verdict applies.
    #[serde(default)]
    pub yes: Option<Text>,
    /// Explanation shown when it does not.
    #[serde(default)]
    pub no: Option<Text>,
    /// Deadline from discovery when it applies (`72h`, `asap`).
    #[serde(default)]
    pub due: Option<String>,
    /// Contact role of the party to inform (its form URL is linked).
    #[serde(default)]
    pub contact: Option<String>,
    /// Other texts for particular answers: the first variant whose `when`
    /// is certainly true and that has a text for the decision replaces
    /// `yes` or `no`. Texts only: a variant never changes the decision.
    #[serde(default)]
    pub variants: Vec<VerdictVariantDef>,
}

/// A verdict's `yes` and/or `no` text for the answers that make `when` true.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct VerdictVariantDef {
    /// Condition over the questions and derived values.
    pub when: String,
    #[serde(default)]
    pub yes: Option<Text>,
    #[serde(default)]
    pub no: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub when: String,
    /// Why this rule exists, shown as the reason of its verdicts and actions.
    #[serde(default)]
    pub reason: Option<Text>,
    /// Verdict ids this rule makes apply.
    #[serde(default)]
    pub verdicts: Vec<String>,
    #[serde(default)]
    pub actions: Vec<ActionRef>,
}

/// An action in a rule: a playbook step id, or an action written in place.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum ActionRef {
    Step(String),
    Inline(InlineAction),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct InlineAction {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub text: Option<Text>,
    pub phase: String,
    pub track: Track,
    pub owner: String,
    pub due: String,
    /// Contact role of the party being told; `due: window` takes its window.
    #[serde(default)]
    pub party: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Track {
    Admin,
    Technical,
}

impl Track {
    /// The name serde gives it, for JSON written by hand.
    pub fn as_str(self) -> &'static str {
        match self {
            Track::Admin => "admin",
            Track::Technical => "technical",
        }
    }
}

// The builder makes the context in code; tests and `examples/bench_plan.rs`
// read it from JSON. Contacts, phases and sources also travel inside a
// compiled assessment, which only `compile/write.rs` writes: `Serialize`
// exists only in tests, to check that writer.

/// A playbook step as the builder hands it over, texts already in one language.
#[derive(Debug, Clone, Deserialize, Hash)]
#[cfg_attr(test, derive(Serialize))]
pub struct StepInfo {
    pub id: String,
    pub playbook: String,
    pub title: String,
    /// Text of the step, plain: the builder has removed the Markdown markup.
    pub text: String,
    pub phase: String,
    pub track: Track,
    pub owner: String,
    pub due: String,
    /// Contact role of the party being told; `due: window` takes its window.
    #[serde(default)]
    pub party: Option<String>,
    /// Optional condition, in the expression language, over the assessment's ids.
    pub when: Option<String>,
    /// The verdict this step carries out (`notify-ap` serves
    /// `notify_authority`): the step then has the verdict's deadline, and
    /// a different `due` is an error.
    #[serde(default)]
    pub serves: Option<String>,
    /// Relative link from the questionnaire page to the step's guidance.
    pub url: String,
    pub sources: Vec<SourceInfo>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Hash)]
#[cfg_attr(test, derive(Serialize))]
pub struct SourceInfo {
    pub id: String,
    pub title: String,
    pub url: String,
}

/// A contact as the builder hands it over, texts already in one language.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Hash)]
#[cfg_attr(test, derive(Serialize))]
pub struct ContactInfo {
    pub role: String,
    pub name: String,
    #[serde(default)]
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub title: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub phone: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub email: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub url: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub form_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub hours: Option<String>,
    /// Notification window from the contract or policy, e.g. `24h`.
    #[serde(default)]
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    pub window: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Hash)]
#[cfg_attr(test, derive(Serialize))]
pub struct PhaseInfo {
    pub id: String,
    pub title: String,
    pub order: i64,
    pub url: String,
}

/// Everything outside the assessment file that it may refer to, in one language.
#[derive(Debug, Clone, Default, Deserialize, Hash)]
#[cfg_attr(test, derive(Serialize))]
pub struct Context {
    pub lang: String,
    pub default_lang: String,
    pub steps: Vec<StepInfo>,
    pub contacts: Vec<ContactInfo>,
    pub phases: Vec<PhaseInfo>,
}
