//! Compiling an assessment: checks a definition against its context
//! (playbook steps, contacts, phases), reports every problem at once as
//! [`Diagnostic`]s located by YAML path and byte span, and produces a
//! self-contained [`Compiled`] assessment in one language that the plan
//! is computed from, natively or in the browser.

use crate::definition::{
    ActionRef, AssessmentDef, ContactInfo, Context, InlineAction, Kind, PhaseInfo, PresetValue, QuestionType,
    SourceInfo, StepInfo, Track,
};
use crate::language::eval::{Env, Ev, Node, QSet, Tri, Val};
use crate::language::expr::{self, Expr, ExprKind, Span};
use crate::language::typecheck::{self, did_you_mean, suggest, ExprError, QInfo, Scope, Ty};
use crate::text::Text;
use crate::time::{parse_due, Due, HOUR_MS};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One step of a YAML path: a mapping key or a sequence index. The builder
/// uses the same type for positions in every content file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl From<&str> for PathSeg {
    fn from(s: &str) -> Self {
        PathSeg::Key(s.to_string())
    }
}

impl From<usize> for PathSeg {
    fn from(i: usize) -> Self {
        PathSeg::Index(i)
    }
}

macro_rules! path {
    ($($seg:expr),* $(,)?) => { vec![$(PathSeg::from($seg)),*] };
}

/// A problem found while compiling.
///
/// `path` locates the value inside the assessment file, e.g.
/// `rules[3].when`. Problems in a playbook step's `when`, `due` or `party`
/// use `steps.<step id>.<field>`, and a contact's window
/// `contacts.<role>.window`: those values live in other files.
/// `span` is a byte range inside the string value, for expressions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: Vec<PathSeg>,
    pub span: Option<(usize, usize)>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    /// The path as text: `rules[3].when`, `steps.notify-ap.when`.
    pub fn path_string(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                PathSeg::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{sev}: {}: {}", self.path_string(), self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// An assessment ready to evaluate, in one language. The builder writes it
/// into the site for the browser engine with the hand-written writer in
/// `compile/write.rs`, and the engine reads it with `wire/read.rs`; the
/// serde derives exist only in tests, to check those two.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct Compiled {
    pub id: String,
    pub kind: Kind,
    pub lang: String,
    pub title: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub intro: Option<String>,
    /// Hex FNV-1a of what saved answers depend on (question ids, types,
    /// options, limits); unchanged by edits to texts or rules, so answers
    /// saved in the browser survive such edits.
    pub hash: String,
    pub areas: Vec<CArea>,
    pub questions: Vec<CQuestion>,
    /// In evaluation order: each may refer only to earlier ones.
    pub lets: Vec<CLet>,
    pub verdicts: Vec<CVerdict>,
    pub rules: Vec<CRule>,
    /// The playbook steps the rules refer to and the inline actions.
    pub actions: Vec<CAction>,
    /// The contacts that owners, parties and verdicts refer to.
    pub contacts: Vec<ContactInfo>,
    /// The phases the actions are in.
    pub phases: Vec<PhaseInfo>,
    /// Common incidents and their answers, checked against the questions.
    /// Only the page uses them; the engine never reads them.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub presets: Vec<CPreset>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct CPreset {
    pub id: String,
    pub label: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub help: Option<String>,
    /// In question order.
    pub answers: Vec<CPresetAnswer>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct CPresetAnswer {
    pub question: String,
    pub value: PresetValue,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct CArea {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct CQuestion {
    pub id: String,
    #[cfg_attr(test, serde(rename = "type"))]
    pub qtype: QuestionType,
    pub text: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub help: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub options: Vec<COption>,
    pub allow_unknown: bool,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub min: Option<f64>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub max: Option<f64>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub unit: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub area: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub scenario: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub show_if: Option<Node>,
    /// The `show_if` as written, for display.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub show_if_src: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct COption {
    pub value: String,
    pub label: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub help: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub score: Option<f64>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub correct: Option<bool>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct CLet {
    pub id: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub label: Option<String>,
    pub expr: Node,
    pub src: String,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct CVerdict {
    pub id: String,
    pub title: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub yes: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub no: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub due: Option<Due>,
    /// The contact's window, for `due: window`.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub window_ms: Option<i64>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub contact: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub variants: Vec<CVariant>,
}

/// Another `yes`/`no` text of a verdict, for the answers that make `when` true.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct CVariant {
    pub when: Node,
    pub src: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub yes: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub no: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct CRule {
    pub id: String,
    pub when: Node,
    pub src: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub reason: Option<String>,
    /// Indices into [`Compiled::verdicts`].
    pub verdicts: Vec<u32>,
    /// Indices into [`Compiled::actions`].
    pub actions: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(test, derive(Serialize, Deserialize))]
pub struct CAction {
    pub id: String,
    pub title: String,
    pub text: String,
    /// The playbook the step comes from; `None` for an inline action.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub playbook: Option<String>,
    pub phase: String,
    pub track: Track,
    pub owner: String,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub party: Option<String>,
    pub due: Due,
    /// The party's window, for `due: window`.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub window_ms: Option<i64>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub when: Option<Node>,
    /// The verdict the step carries out; the plan gives the step that
    /// verdict's deadline, so one duty has one deadline everywhere.
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub serves: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Option::is_none"))]
    pub url: Option<String>,
    #[cfg_attr(test, serde(default, skip_serializing_if = "Vec::is_empty"))]
    pub sources: Vec<SourceInfo>,
}

impl Compiled {
    /// Loads what `Compiled::to_json` wrote, and checks that every index
    /// in it is in range so that evaluation cannot go wrong. (Reads through
    /// [`crate::wire::json`] by hand, which keeps the wasm small; tests hold
    /// it to the derived `Deserialize`.)
    pub fn from_json(s: &str) -> Result<Compiled, String> {
        let v = crate::wire::json::parse(s).map_err(|e| format!("not a compiled assessment: {e}"))?;
        let c = crate::wire::read::compiled(&v).map_err(|e| format!("not a compiled assessment: {e}"))?;
        c.validate()?;
        Ok(c)
    }

    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id == id)
    }

    /// Index checks for a compiled assessment from outside.
    fn validate(&self) -> Result<(), String> {
        let nq = self.questions.len();
        let mut let_qdeps: Vec<QSet> = Vec::with_capacity(self.lets.len());
        let refs_ok = |node: &Node, lets_before: usize| {
            let mut ok = true;
            node.walk(&mut |n| match n {
                Node::Q(i) if *i as usize >= nq => ok = false,
                Node::Let(i) if *i as usize >= lets_before => ok = false,
                _ => {}
            });
            ok
        };
        let deps = |node: &Node, let_qdeps: &[QSet]| {
            let mut d = QSet::new();
            node.walk(&mut |n| match n {
                Node::Q(i) => d.insert(*i as usize),
                Node::Let(i) => d.union_with(&let_qdeps[*i as usize]),
                _ => {}
            });
            d
        };
        for (i, l) in self.lets.iter().enumerate() {
            if !refs_ok(&l.expr, i) {
                return Err(format!("let `{}` refers to a later or missing value", l.id));
            }
            let d = deps(&l.expr, &let_qdeps);
            let_qdeps.push(d);
        }
        for (i, q) in self.questions.iter().enumerate() {
            if q.qtype == QuestionType::Multi && q.options.len() > 64 {
                return Err(format!("question `{}` has more than 64 options", q.id));
            }
            if let Some(s) = &q.show_if {
                if !refs_ok(s, self.lets.len()) || deps(s, &let_qdeps).max().is_some_and(|m| m >= i) {
                    return Err(format!("the show_if of `{}` refers to a later question", q.id));
                }
            }
        }
        for r in &self.rules {
            if !refs_ok(&r.when, self.lets.len())
                || r.verdicts.iter().any(|v| *v as usize >= self.verdicts.len())
                || r.actions.iter().any(|a| *a as usize >= self.actions.len())
            {
                return Err(format!("rule `{}` refers to something missing", r.id));
            }
        }
        for v in &self.verdicts {
            if v.variants.iter().any(|x| !refs_ok(&x.when, self.lets.len())) {
                return Err(format!("a text variant of verdict `{}` refers to something missing", v.id));
            }
        }
        for a in &self.actions {
            if a.when.as_ref().is_some_and(|w| !refs_ok(w, self.lets.len())) {
                return Err(format!("action `{}` refers to something missing", a.id));
            }
        }
        Ok(())
    }
}

/// Checks `def` in the context of the handbook and compiles it for
/// `ctx.lang`. `Ok` carries the warnings; `Err` every problem found,
/// warnings included.
pub fn compile(def: &AssessmentDef, ctx: &Context) -> Result<(Compiled, Vec<Diagnostic>), Vec<Diagnostic>> {
    let mut c = Compiler { def, ctx, diags: Vec::new() };
    let compiled = c.run();
    if c.diags.iter().any(Diagnostic::is_error) {
        Err(c.diags)
    } else {
        Ok((compiled, c.diags))
    }
}

const RESERVED: [&str; 9] = ["and", "or", "not", "in", "contains", "yes", "no", "true", "false"];

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_slug(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[derive(Clone, Copy, PartialEq)]
enum IdRule {
    /// Used in expressions: letters, digits, `_`.
    Identifier,
    /// Also `-`, like step ids.
    Slug,
}

struct Compiler<'a> {
    def: &'a AssessmentDef,
    ctx: &'a Context,
    diags: Vec<Diagnostic>,
}

/// What the rules refer to, gathered while checking them.
struct Collected {
    actions: Vec<CAction>,
    action_index: BTreeMap<String, usize>,
    rules: Vec<CRule>,
}

impl<'a> Compiler<'a> {
    fn t(&self, text: &Text) -> String {
        text.get(&self.ctx.lang, &self.ctx.default_lang).to_string()
    }

    fn t_opt(&self, text: &Option<Text>) -> Option<String> {
        text.as_ref().map(|t| self.t(t))
    }

    fn error(&mut self, path: Vec<PathSeg>, message: String, hint: Option<String>) {
        self.diags.push(Diagnostic { severity: Severity::Error, path, span: None, message, hint });
    }

    fn warning(&mut self, path: Vec<PathSeg>, message: String, hint: Option<String>) {
        self.diags.push(Diagnostic { severity: Severity::Warning, path, span: None, message, hint });
    }

    fn expr_errors(&mut self, path: &[PathSeg], prefix: &str, errs: Vec<ExprError>) {
        for e in errs {
            self.diags.push(Diagnostic {
                severity: Severity::Error,
                path: path.to_vec(),
                span: Some(e.span),
                message: format!("{prefix}{}", e.message),
                hint: e.hint,
            });
        }
    }

    fn parse(&mut self, src: &str, path: &[PathSeg], prefix: &str) -> Option<Expr> {
        match expr::parse(src) {
            Ok(e) => Some(e),
            Err(e) => {
                self.expr_errors(path, prefix, vec![ExprError { span: e.span, message: e.message, hint: e.hint }]);
                None
            }
        }
    }

    /// Checks the ids of one section; returns id → index of first use.
    fn check_ids<'i>(
        &mut self,
        section: &str,
        ids: impl Iterator<Item = &'i str>,
        rule: IdRule,
        what: &str,
    ) -> BTreeMap<&'i str, usize> {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, id) in ids.enumerate() {
            let path = path![section, i, "id"];
            let valid = match rule {
                IdRule::Identifier => is_identifier(id),
                IdRule::Slug => is_slug(id),
            };
            if !valid {
                let allowed = match rule {
                    IdRule::Identifier => "letters, digits and `_`, not starting with a digit",
                    IdRule::Slug => "letters, digits, `_` and `-`",
                };
                self.error(path, format!("`{id}` is not a valid {what} id: use {allowed}"), None);
                continue;
            }
            if rule == IdRule::Identifier && RESERVED.contains(&id) {
                self.error(path, format!("`{id}` is a reserved word and cannot be a {what} id"), None);
                continue;
            }
            if let Some(first) = seen.get(id) {
                self.error(path, format!("duplicate {what} id `{id}`: {section}[{first}] has it too"), None);
                continue;
            }
            seen.insert(id, i);
        }
        seen
    }

    fn run(&mut self) -> Compiled {
        let def = self.def;
        let areas = self.check_ids("areas", def.areas.iter().map(|a| a.id.as_str()), IdRule::Identifier, "area");
        let q_index =
            self.check_ids("questions", def.questions.iter().map(|q| q.id.as_str()), IdRule::Identifier, "question");
        let let_ids = self.check_ids("let", def.lets.iter().map(|l| l.id.as_str()), IdRule::Identifier, "let");
        let verdict_index =
            self.check_ids("verdicts", def.verdicts.iter().map(|v| v.id.as_str()), IdRule::Identifier, "verdict");
        self.check_ids("rules", def.rules.iter().map(|r| r.id.as_str()), IdRule::Slug, "rule");
        for (i, l) in def.lets.iter().enumerate() {
            if q_index.contains_key(l.id.as_str()) && let_ids.get(l.id.as_str()) == Some(&i) {
                self.error(
                    path!["let", i, "id"],
                    format!("`{}` is already the id of a question; a `let` needs an id of its own", l.id),
                    None,
                );
            }
        }
        let questions = self.questions(&areas);

        let qinfo = def
            .questions
            .iter()
            .map(|q| QInfo {
                id: &q.id,
                qtype: q.qtype,
                options: match q.qtype {
                    QuestionType::Single | QuestionType::Multi => q.options.iter().map(|o| o.value.as_str()).collect(),
                    _ => Vec::new(),
                },
            })
            .collect();
        let mut scope = Scope {
            questions: qinfo,
            q_index: q_index.clone(),
            let_index: BTreeMap::new(),
            let_types: Vec::new(),
            let_qdeps: Vec::new(),
        };
        let lets = self.lets(&mut scope, &let_ids, &q_index);

        let mut questions = questions;
        for (i, q) in def.questions.iter().enumerate() {
            let Some(src) = &q.show_if else { continue };
            let path = path!["questions", i, "show_if"];
            let Some(e) = self.parse(src, &path, "") else {
                continue;
            };
            if q_index.get(q.id.as_str()) != Some(&i) {
                continue;
            }
            match typecheck::check_condition(&scope, &e, Some(i), "a `show_if`") {
                Ok(node) => questions[i].show_if = Some(node),
                Err(errs) => self.expr_errors(&path, "", errs),
            }
        }

        let collected = self.rules(&scope, &verdict_index);
        let verdicts = self.verdicts(&scope);
        let has_errors = self.diags.iter().any(Diagnostic::is_error);
        if !has_errors {
            self.reach_warnings(&scope, &questions, &lets, &collected.rules);
        }

        let mut roles = BTreeSet::new();
        for a in &collected.actions {
            roles.insert(a.owner.as_str());
            roles.extend(a.party.as_deref());
        }
        roles.extend(verdicts.iter().filter_map(|v| v.contact.as_deref()));
        let contacts = self.ctx.contacts.iter().filter(|c| roles.contains(c.role.as_str())).cloned().collect();
        let phase_ids: BTreeSet<&str> = collected.actions.iter().map(|a| a.phase.as_str()).collect();
        let phases = self.ctx.phases.iter().filter(|p| phase_ids.contains(p.id.as_str())).cloned().collect();
        let presets = self.presets(&questions);

        Compiled {
            id: def.id.clone(),
            kind: def.kind,
            lang: self.ctx.lang.clone(),
            title: self.t(&def.title),
            intro: self.t_opt(&def.intro),
            hash: answers_hash(def),
            areas: def.areas.iter().map(|a| CArea { id: a.id.clone(), title: self.t(&a.title) }).collect(),
            questions,
            lets,
            verdicts,
            rules: collected.rules,
            actions: collected.actions,
            contacts,
            phases,
            presets,
        }
    }

    /// The presets, each answer checked as an answers file is: a known
    /// question and a value it accepts.
    fn presets(&mut self, questions: &[CQuestion]) -> Vec<CPreset> {
        let def = self.def;
        self.check_ids("presets", def.presets.iter().map(|p| p.id.as_str()), IdRule::Slug, "preset");
        let mut out = Vec::new();
        for (i, p) in def.presets.iter().enumerate() {
            let mut answers = Vec::new();
            for (id, value) in &p.answers {
                let path = path!["presets", i, "answers", id.as_str()];
                let Some(q) = questions.iter().find(|q| &q.id == id) else {
                    let s = suggest(id, questions.iter().map(|q| q.id.as_str()));
                    self.error(
                        path,
                        format!("preset `{}` answers unknown question `{id}`{}", p.id, did_you_mean(s)),
                        None,
                    );
                    continue;
                };
                let json = match value {
                    PresetValue::Text(t) => crate::wire::json::Value::String(t.clone()),
                    PresetValue::List(l) => crate::wire::json::Value::Array(
                        l.iter().map(|t| crate::wire::json::Value::String(t.clone())).collect(),
                    ),
                    PresetValue::Number(n) => crate::wire::json::Value::Number(crate::wire::json::Number::Float(*n)),
                };
                if let Err(e) = crate::plan::check_answer(q, &json) {
                    self.error(path, format!("preset `{}`, question `{id}`: {e}", p.id), None);
                    continue;
                }
                answers.push((questions.iter().position(|q| &q.id == id).unwrap_or(0), id.clone(), value.clone()));
            }
            answers.sort_by_key(|a| a.0);
            out.push(CPreset {
                id: p.id.clone(),
                label: self.t(&p.label),
                help: self.t_opt(&p.help),
                answers: answers.into_iter().map(|(_, question, value)| CPresetAnswer { question, value }).collect(),
            });
        }
        out
    }

    /// Per-question checks that need no expressions.
    fn questions(&mut self, areas: &BTreeMap<&str, usize>) -> Vec<CQuestion> {
        let def = self.def;
        let mut out = Vec::new();
        for (i, q) in def.questions.iter().enumerate() {
            let is_choice = matches!(q.qtype, QuestionType::Single | QuestionType::Multi);
            let is_yes_no = matches!(q.qtype, QuestionType::YesNo | QuestionType::YesNoUnknown);
            if is_choice && q.options.is_empty() {
                self.error(
                    path!["questions", i, "type"],
                    format!("`{}` is a `{}` question but has no `options`", q.id, q.qtype.as_str()),
                    Some("list the choices under `options:`, each with a `value` and a `label`".into()),
                );
            }
            if !is_choice && !is_yes_no && !q.options.is_empty() {
                self.error(
                    path!["questions", i, "options"],
                    format!(
                        "`options` only apply to `single`, `multi` and yes/no questions, but `{}` is a `{}` question",
                        q.id,
                        q.qtype.as_str()
                    ),
                    None,
                );
            }
            if q.qtype == QuestionType::Multi && q.options.len() > 64 {
                self.error(
                    path!["questions", i, "options"],
                    format!("`{}` has {} options; a `multi` question can have at most 64", q.id, q.options.len()),
                    None,
                );
            }
            let mut seen = BTreeSet::new();
            for (j, o) in q.options.iter().enumerate() {
                let path = path!["questions", i, "options", j, "value"];
                if o.value.trim().is_empty() {
                    self.error(path, "an option needs a non-empty `value`".into(), None);
                } else if o.value == "unknown" {
                    self.error(
                        path,
                        "`unknown` cannot be an option value: it is the answer \"I don't know\"".into(),
                        Some("set `allow_unknown: true` on the question to offer it".into()),
                    );
                } else if is_yes_no && o.value != "yes" && o.value != "no" {
                    self.error(
                        path,
                        format!("the options of a yes/no question can only be `yes` and `no`, not `{}`", o.value),
                        None,
                    );
                } else if !seen.insert(o.value.as_str()) {
                    self.error(path, format!("duplicate option `{}` in question `{}`", o.value, q.id), None);
                }
            }
            if (q.min.is_some() || q.max.is_some()) && q.qtype != QuestionType::Number {
                let key = if q.min.is_some() { "min" } else { "max" };
                self.error(
                    path!["questions", i, key],
                    format!(
                        "`min` and `max` only apply to number questions, but `{}` is a `{}` question",
                        q.id,
                        q.qtype.as_str()
                    ),
                    None,
                );
            }
            if let (Some(min), Some(max)) = (q.min, q.max) {
                if min > max {
                    self.error(
                        path!["questions", i, "min"],
                        format!("`min` ({min}) is greater than `max` ({max})"),
                        None,
                    );
                }
            }
            if q.qtype == QuestionType::YesNoUnknown && q.allow_unknown == Some(false) {
                self.warning(
                    path!["questions", i, "allow_unknown"],
                    "a `yes_no_unknown` question always offers \"I don't know\"".into(),
                    Some("use `type: yes_no` to leave it out".into()),
                );
            }
            if let Some(area) = &q.area {
                if !areas.contains_key(area.as_str()) {
                    let s = suggest(area, areas.keys().copied());
                    let hint = (!areas.is_empty()).then(|| {
                        format!(
                            "the areas are: {}",
                            def.areas.iter().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ")
                        )
                    });
                    self.error(
                        path!["questions", i, "area"],
                        format!("unknown area `{area}`{}", did_you_mean(s)),
                        hint,
                    );
                }
            }
            if def.kind == Kind::Training && !q.options.iter().any(|o| o.correct == Some(true)) {
                self.error(
                    path!["questions", i],
                    format!("training question `{}` has no option marked `correct: true`", q.id),
                    Some("mark the right answer or answers with `correct: true`".into()),
                );
            }
            out.push(CQuestion {
                id: q.id.clone(),
                qtype: q.qtype,
                text: self.t(&q.text),
                help: self.t_opt(&q.help),
                options: q
                    .options
                    .iter()
                    .map(|o| COption {
                        value: o.value.clone(),
                        label: self.t(&o.label),
                        help: self.t_opt(&o.help),
                        score: o.score,
                        correct: o.correct,
                        feedback: self.t_opt(&o.feedback),
                    })
                    .collect(),
                allow_unknown: q.qtype == QuestionType::YesNoUnknown || q.allow_unknown == Some(true),
                min: q.min,
                max: q.max,
                unit: self.t_opt(&q.unit),
                area: q.area.clone(),
                scenario: self.t_opt(&q.scenario),
                show_if: None,
                show_if_src: q.show_if.clone(),
            });
        }
        out
    }

    /// Orders the `let`s so each comes after those it uses, reports cycles,
    /// and type-checks them; fills the scope as it goes.
    fn lets(
        &mut self,
        scope: &mut Scope<'a>,
        let_ids: &BTreeMap<&'a str, usize>,
        q_index: &BTreeMap<&'a str, usize>,
    ) -> Vec<CLet> {
        let def = self.def;
        let n = def.lets.len();
        let parsed: Vec<Option<Expr>> = def
            .lets
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let path = path!["let", i, "expr"];
                self.parse(&l.expr, &path, "")
            })
            .collect();
        // Only the first of duplicate or shadowing ids takes part.
        let usable: Vec<bool> = (0..n)
            .map(|i| {
                let id = def.lets[i].id.as_str();
                let_ids.get(id) == Some(&i) && !q_index.contains_key(id)
            })
            .collect();
        let mut edges: Vec<Vec<(usize, Span)>> = vec![Vec::new(); n];
        for i in 0..n {
            if let Some(e) = &parsed[i] {
                let mut names = Vec::new();
                idents(e, &mut names);
                for (name, span) in names {
                    if let Some(&j) = let_ids.get(name) {
                        if usable[j] {
                            edges[i].push((j, span));
                        }
                    }
                }
            }
        }
        // Depth-first, without recursion: a long chain must not overflow.
        let mut state = vec![0u8; n];
        let mut in_cycle = vec![false; n];
        let mut order = Vec::with_capacity(n);
        for start in (0..n).filter(|&i| usable[i]) {
            if state[start] != 0 {
                continue;
            }
            state[start] = 1;
            let mut stack = vec![(start, 0usize)];
            while let Some(top) = stack.last_mut() {
                let (v, k) = (top.0, top.1);
                if k < edges[v].len() {
                    top.1 += 1;
                    let (w, _) = edges[v][k];
                    match state[w] {
                        0 => {
                            state[w] = 1;
                            stack.push((w, 0));
                        }
                        1 => {
                            let pos = stack.iter().position(|(x, _)| *x == w).unwrap_or(0);
                            let cycle: Vec<usize> = stack[pos..].iter().map(|(x, _)| *x).collect();
                            let next = cycle.get(1).copied().unwrap_or(w);
                            let span = edges[w].iter().find(|(t, _)| *t == next).map(|(_, s)| *s);
                            let mut names: Vec<&str> = cycle.iter().map(|&x| def.lets[x].id.as_str()).collect();
                            names.push(&def.lets[w].id);
                            for &x in &cycle {
                                in_cycle[x] = true;
                            }
                            self.diags.push(Diagnostic {
                                severity: Severity::Error,
                                path: path!["let", w, "expr"],
                                span,
                                message: format!("`{}` depends on itself: {}", def.lets[w].id, names.join(" → ")),
                                hint: Some("a `let` can only use values that do not use it in turn".into()),
                            });
                        }
                        _ => {}
                    }
                } else {
                    state[v] = 2;
                    order.push(v);
                    stack.pop();
                }
            }
        }
        for (ci, &d) in order.iter().enumerate() {
            scope.let_index.insert(def.lets[d].id.as_str(), ci);
        }
        scope.let_types = vec![None; order.len()];
        scope.let_qdeps = vec![QSet::new(); order.len()];
        let mut out = Vec::with_capacity(order.len());
        for (ci, &d) in order.iter().enumerate() {
            let l = &def.lets[d];
            let mut node = Node::Bool(false);
            if let (Some(e), false) = (&parsed[d], in_cycle[d]) {
                match typecheck::check_value(scope, e) {
                    Ok((ty, checked)) => {
                        scope.let_types[ci] = Some(ty);
                        scope.let_qdeps[ci] = scope.qdeps(&checked);
                        node = checked;
                    }
                    Err(errs) => {
                        scope.let_types[ci] = Some(Ty::Error);
                        let path = path!["let", d, "expr"];
                        self.expr_errors(&path, "", errs);
                    }
                }
            }
            out.push(CLet { id: l.id.clone(), label: self.t_opt(&l.label), expr: node, src: l.expr.clone() });
        }
        out
    }

    fn rules(&mut self, scope: &Scope<'_>, verdict_index: &BTreeMap<&str, usize>) -> Collected {
        let def = self.def;
        let ctx = self.ctx;
        let mut col = Collected { actions: Vec::new(), action_index: BTreeMap::new(), rules: Vec::new() };
        let step_ids: BTreeSet<&str> = ctx.steps.iter().map(|s| s.id.as_str()).collect();
        let mut inline_at: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for (i, r) in def.rules.iter().enumerate() {
            let path = path!["rules", i, "when"];
            let when = self.parse(&r.when, &path, "").and_then(|e| {
                match typecheck::check_condition(scope, &e, None, "a `when` condition") {
                    Ok(n) => Some(n),
                    Err(errs) => {
                        self.expr_errors(&path, "", errs);
                        None
                    }
                }
            });
            let mut verdicts = Vec::new();
            for (j, v) in r.verdicts.iter().enumerate() {
                match verdict_index.get(v.as_str()) {
                    Some(&k) => verdicts.push(k as u32),
                    None => {
                        let s = suggest(v, verdict_index.keys().copied());
                        self.error(
                            path!["rules", i, "verdicts", j],
                            format!("unknown verdict `{v}`{}", did_you_mean(s)),
                            None,
                        );
                    }
                }
            }
            let mut actions = Vec::new();
            for (j, a) in r.actions.iter().enumerate() {
                let apath = path!["rules", i, "actions", j];
                match a {
                    ActionRef::Step(id) => {
                        if let Some(&k) = col.action_index.get(id) {
                            if col.actions[k].playbook.is_some() {
                                actions.push(k as u32);
                                continue;
                            }
                        }
                        let Some(step) = ctx.steps.iter().find(|s| &s.id == id) else {
                            let s = suggest(id, step_ids.iter().copied());
                            self.error(apath, format!("unknown step `{id}`{}", did_you_mean(s)), None);
                            continue;
                        };
                        let action = self.step_action(scope, step);
                        col.action_index.insert(id.clone(), col.actions.len());
                        actions.push(col.actions.len() as u32);
                        col.actions.push(action);
                    }
                    ActionRef::Inline(inline) => {
                        let id = inline.id.as_str();
                        let idpath = path!["rules", i, "actions", j, "id"];
                        if !is_slug(id) {
                            self.error(
                                idpath,
                                format!("`{id}` is not a valid action id: use letters, digits, `_` and `-`"),
                                None,
                            );
                            continue;
                        }
                        if step_ids.contains(id) {
                            self.error(
                                idpath,
                                format!("action id `{id}` is already the id of a playbook step"),
                                Some(format!("refer to the step as `- {id}`, or give this action another id")),
                            );
                            continue;
                        }
                        if let Some((ri, aj)) = inline_at.get(id) {
                            self.error(
                                idpath,
                                format!("duplicate action id `{id}`: rules[{ri}].actions[{aj}] has it too"),
                                Some("to use one action in several rules, make it a playbook step".into()),
                            );
                            continue;
                        }
                        inline_at.insert(id, (i, j));
                        let action = self.inline_action(inline, &apath);
                        col.action_index.insert(id.to_string(), col.actions.len());
                        actions.push(col.actions.len() as u32);
                        col.actions.push(action);
                    }
                }
            }
            col.rules.push(CRule {
                id: r.id.clone(),
                when: when.unwrap_or(Node::Bool(false)),
                src: r.when.clone(),
                reason: self.t_opt(&r.reason),
                verdicts,
                actions,
            });
        }
        col
    }

    fn contact(&self, role: &str) -> Option<&'a ContactInfo> {
        self.ctx.contacts.iter().find(|c| c.role == role)
    }

    fn unknown_contact(&mut self, path: Vec<PathSeg>, role: &str) {
        let s = suggest(role, self.ctx.contacts.iter().map(|c| c.role.as_str()));
        self.error(path, format!("unknown contact `{role}`{}", did_you_mean(s)), None);
    }

    /// The window of the contact `role`, reporting why there is none.
    fn window_of(&mut self, role: Option<&str>, who: &str, due_path: Vec<PathSeg>, role_key: &str) -> Option<i64> {
        let Some(role) = role else {
            self.error(
                due_path,
                format!("{who} is due `window`, but has no `{role_key}` whose notification window applies"),
                Some(format!("add `{role_key}: <contact role>`")),
            );
            return None;
        };
        let contact = self.contact(role)?;
        let Some(window) = &contact.window else {
            self.error(
                due_path,
                format!("{who} is due `window`, but contact `{role}` has no `window`"),
                Some(format!("add `window: 24h` (or the right duration) to `{role}` in contacts.yaml")),
            );
            return None;
        };
        match parse_due(window) {
            Ok(Due::After(ms)) => Some(ms),
            Ok(_) => {
                self.error(
                    path!["contacts", role, "window"],
                    format!("the window of contact `{role}` must be a duration such as `24h`, not `{window}`"),
                    None,
                );
                None
            }
            Err(e) => {
                self.error(path!["contacts", role, "window"], e, None);
                None
            }
        }
    }

    fn step_action(&mut self, scope: &Scope<'_>, step: &StepInfo) -> CAction {
        let sid = step.id.as_str();
        let prefix = format!("in the `when` of step `{sid}` (playbook `{}`): ", step.playbook);
        let when = step.when.as_ref().and_then(|src| {
            let path = path!["steps", sid, "when"];
            let e = self.parse(src, &path, &prefix)?;
            match typecheck::check_condition(scope, &e, None, "a `when` condition") {
                Ok(n) => Some(n),
                Err(errs) => {
                    self.expr_errors(&path, &prefix, errs);
                    None
                }
            }
        });
        if let Some(p) = &step.party {
            if self.contact(p).is_none() {
                self.unknown_contact(path!["steps", sid, "party"], p);
            }
        }
        let (due, window_ms) = match parse_due(&step.due) {
            Ok(Due::Window) => {
                let who = format!("step `{sid}`");
                let w = self.window_of(step.party.as_deref(), &who, path!["steps", sid, "due"], "party");
                (Due::Window, w)
            }
            Ok(d) => (d, None),
            Err(e) => {
                self.error(path!["steps", sid, "due"], e, None);
                (Due::Asap, None)
            }
        };
        self.check_serves(step, due);
        CAction {
            id: step.id.clone(),
            title: step.title.clone(),
            text: step.text.clone(),
            playbook: Some(step.playbook.clone()),
            phase: step.phase.clone(),
            track: step.track,
            owner: step.owner.clone(),
            party: step.party.clone(),
            due,
            window_ms,
            when,
            serves: step.serves.clone(),
            url: Some(step.url.clone()),
            sources: step.sources.clone(),
        }
    }

    fn inline_action(&mut self, a: &InlineAction, apath: &[PathSeg]) -> CAction {
        let at = |key: &str| {
            let mut p = apath.to_vec();
            p.push(PathSeg::from(key));
            p
        };
        if !self.ctx.phases.iter().any(|p| p.id == a.phase) {
            let s = suggest(&a.phase, self.ctx.phases.iter().map(|p| p.id.as_str()));
            let all: Vec<&str> = self.ctx.phases.iter().map(|p| p.id.as_str()).collect();
            self.error(
                at("phase"),
                format!("unknown phase `{}`{}", a.phase, did_you_mean(s)),
                (!all.is_empty()).then(|| format!("the phases are: {}", all.join(", "))),
            );
        }
        if self.contact(&a.owner).is_none() {
            self.unknown_contact(at("owner"), &a.owner);
        }
        if let Some(p) = &a.party {
            if self.contact(p).is_none() {
                self.unknown_contact(at("party"), p);
            }
        }
        let (due, window_ms) = match parse_due(&a.due) {
            Ok(Due::Window) => {
                let who = format!("action `{}`", a.id);
                let w = self.window_of(a.party.as_deref(), &who, at("due"), "party");
                (Due::Window, w)
            }
            Ok(d) => (d, None),
            Err(e) => {
                self.error(at("due"), e, None);
                (Due::Asap, None)
            }
        };
        CAction {
            id: a.id.clone(),
            title: self.t(&a.title),
            text: self.t_opt(&a.text).unwrap_or_default(),
            playbook: None,
            phase: a.phase.clone(),
            track: a.track,
            owner: a.owner.clone(),
            party: a.party.clone(),
            due,
            window_ms,
            when: None,
            serves: None,
            url: None,
            sources: Vec::new(),
        }
    }

    /// A step that serves a verdict must have the verdict's deadline: a
    /// duty with two deadlines (the verdict says "now", the step 72 hours)
    /// is refused at build time.
    fn check_serves(&mut self, step: &StepInfo, due: Due) {
        let Some(vid) = step.serves.as_deref() else { return };
        let def = self.def;
        let Some(v) = def.verdicts.iter().find(|v| v.id == vid) else {
            // Playbook steps are shared between assessments; only one with verdicts can tell.
            if !def.verdicts.is_empty() {
                let s = suggest(vid, def.verdicts.iter().map(|v| v.id.as_str()));
                self.error(
                    path!["steps", step.id.as_str(), "serves"],
                    format!(
                        "step `{}` (playbook `{}`) serves unknown verdict `{vid}`{}",
                        step.id,
                        step.playbook,
                        did_you_mean(s)
                    ),
                    None,
                );
            }
            return;
        };
        let Some(Ok(vdue)) = v.due.as_deref().map(parse_due) else { return };
        if vdue != due {
            self.error(
                path!["steps", step.id.as_str(), "due"],
                format!(
                    "step `{}` (playbook `{}`) serves verdict `{vid}`, which is due `{vdue}`, but the step says `due: {}`: one duty has one deadline",
                    step.id, step.playbook, step.due
                ),
                Some(format!("write `due: {vdue}` in the step, or change the verdict's `due`")),
            );
        }
    }

    fn verdicts(&mut self, scope: &Scope<'_>) -> Vec<CVerdict> {
        let def = self.def;
        let mut out = Vec::new();
        for (i, v) in def.verdicts.iter().enumerate() {
            let mut variants = Vec::new();
            for (j, x) in v.variants.iter().enumerate() {
                if x.yes.is_none() && x.no.is_none() {
                    self.error(
                        path!["verdicts", i, "variants", j],
                        format!(
                            "a text variant of verdict `{}` has neither `yes` nor `no`, so it changes nothing",
                            v.id
                        ),
                        Some("give it a `yes` text, a `no` text or both, or remove it".into()),
                    );
                }
                let path = path!["verdicts", i, "variants", j, "when"];
                let when = self.parse(&x.when, &path, "").and_then(|e| {
                    match typecheck::check_condition(scope, &e, None, "a `when` condition") {
                        Ok(n) => Some(n),
                        Err(errs) => {
                            self.expr_errors(&path, "", errs);
                            None
                        }
                    }
                });
                variants.push(CVariant {
                    when: when.unwrap_or(Node::Bool(false)),
                    src: x.when.clone(),
                    yes: self.t_opt(&x.yes),
                    no: self.t_opt(&x.no),
                });
            }
            if let Some(c) = &v.contact {
                if self.contact(c).is_none() {
                    self.unknown_contact(path!["verdicts", i, "contact"], c);
                }
            }
            let mut window_ms = None;
            let due = match v.due.as_deref().map(parse_due) {
                None => None,
                Some(Ok(Due::Window)) => {
                    let who = format!("verdict `{}`", v.id);
                    window_ms = self.window_of(v.contact.as_deref(), &who, path!["verdicts", i, "due"], "contact");
                    Some(Due::Window)
                }
                Some(Ok(d)) => Some(d),
                Some(Err(e)) => {
                    self.error(path!["verdicts", i, "due"], e, None);
                    None
                }
            };
            out.push(CVerdict {
                id: v.id.clone(),
                title: self.t(&v.title),
                yes: self.t_opt(&v.yes),
                no: self.t_opt(&v.no),
                due,
                window_ms,
                contact: v.contact.clone(),
                variants,
            });
        }
        out
    }

    /// Warnings for what can never happen: questions never shown, rules
    /// that never apply, verdicts nothing gives.
    fn reach_warnings(&mut self, scope: &Scope<'_>, questions: &[CQuestion], lets: &[CLet], rules: &[CRule]) {
        let reach = Reach { scope, questions, lets };
        for (i, q) in questions.iter().enumerate() {
            if let Some(node) = &q.show_if {
                if reach.can_be_true(node) == Some(false) {
                    self.warning(
                        path!["questions", i, "show_if"],
                        format!(
                            "question `{}` can never be shown: its `show_if` is false for every possible answer",
                            q.id
                        ),
                        None,
                    );
                }
            }
        }
        let mut can_fire = Vec::with_capacity(rules.len());
        for (i, r) in rules.iter().enumerate() {
            let never = reach.can_be_true(&r.when) == Some(false);
            if never {
                self.warning(
                    path!["rules", i, "when"],
                    format!("rule `{}` can never apply: its `when` is false for every possible answer", r.id),
                    None,
                );
            }
            if r.verdicts.is_empty() && r.actions.is_empty() {
                self.warning(
                    path!["rules", i],
                    format!("rule `{}` has neither `verdicts` nor `actions`, so it does nothing", r.id),
                    None,
                );
            }
            can_fire.push(!never);
        }
        for (i, v) in self.def.verdicts.iter().enumerate() {
            let listing: Vec<usize> = (0..rules.len()).filter(|&r| rules[r].verdicts.contains(&(i as u32))).collect();
            if listing.is_empty() {
                self.warning(
                    path!["verdicts", i, "id"],
                    format!("no rule gives verdict `{}`, so it is always \"no\"", v.id),
                    Some("list it under `verdicts:` in a rule, or remove it".into()),
                );
            } else if !listing.iter().any(|&r| can_fire[r]) {
                self.warning(
                    path!["verdicts", i, "id"],
                    format!("verdict `{}` can never apply: no rule that gives it can apply", v.id),
                    None,
                );
            }
        }
    }
}

/// Every identifier in an expression, with its span.
fn idents<'e>(e: &'e Expr, out: &mut Vec<(&'e str, Span)>) {
    match &e.kind {
        ExprKind::Ident(name) => out.push((name, e.span)),
        ExprKind::Num(_) | ExprKind::Str(_) => {}
        ExprKind::List(items) | ExprKind::Call(_, items) | ExprKind::And(items) | ExprKind::Or(items) => {
            items.iter().for_each(|i| idents(i, out))
        }
        ExprKind::Not(a) | ExprKind::Neg(a) => idents(a, out),
        ExprKind::Binary(_, a, b) => {
            idents(a, out);
            idents(b, out)
        }
    }
}

/// FNV-1a (64 bit) over what saved answers depend on.
fn answers_hash(def: &AssessmentDef) -> String {
    let mut canon = format!("{}\n{:?}\n", def.id, def.kind);
    for q in &def.questions {
        let opts: Vec<&str> = q.options.iter().map(|o| o.value.as_str()).collect();
        canon.push_str(&format!(
            "{}|{}|{:?}|{:?}|{:?}|{}\n",
            q.id,
            q.qtype.as_str(),
            q.allow_unknown,
            q.min,
            q.max,
            opts.join(",")
        ));
    }
    format!("{:016x}", fnv1a(canon.as_bytes()))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Most combinations of answers tried when looking for conditions that
/// can never be true; beyond this the question is left open.
const MAX_COMBINATIONS: usize = 4096;

/// Decides, by trying every combination of answers over small finite
/// domains, whether a condition can ever be true.
struct Reach<'r, 's> {
    scope: &'r Scope<'s>,
    questions: &'r [CQuestion],
    lets: &'r [CLet],
}

impl Reach<'_, '_> {
    /// `Some(false)` when no combination of definite answers makes `node`
    /// true, `Some(true)` when one does, `None` when there are too many
    /// combinations to try. Unknown answers are left out on purpose: with
    /// them almost every rule could apply, which says nothing about
    /// whether the condition was written right.
    fn can_be_true(&self, node: &Node) -> Option<bool> {
        let deps = self.scope.qdeps(node);
        let (numbers, texts) = self.literals(node);
        let mut domains: Vec<(usize, Vec<Val<'_>>)> = Vec::new();
        for q in deps.iter() {
            let info = self.questions.get(q)?;
            let mut dom: Vec<Val<'_>> = match info.qtype {
                QuestionType::YesNo | QuestionType::YesNoUnknown => {
                    vec![Val::Bool(true), Val::Bool(false)]
                }
                QuestionType::Single => (0..info.options.len() as u32).map(Val::Sym).collect(),
                QuestionType::Multi if info.options.len() <= 6 => {
                    (0..1u64 << info.options.len()).map(Val::Set).collect()
                }
                QuestionType::Multi => return None,
                QuestionType::Number => {
                    let mut v: Vec<f64> = vec![0.0];
                    for n in &numbers {
                        v.extend([n - 1.0, *n, n + 1.0]);
                    }
                    v.extend(info.min);
                    v.extend(info.max);
                    v.retain(|x| info.min.is_none_or(|m| *x >= m) && info.max.is_none_or(|m| *x <= m));
                    v.sort_by(f64::total_cmp);
                    v.dedup();
                    // Midpoints catch ranges between literals (`> 10 and < 11`).
                    let mids: Vec<f64> = v.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
                    v.extend(mids);
                    v.into_iter().map(Val::Num).collect()
                }
                QuestionType::Datetime => (0..3).map(|k| Val::Time(k * HOUR_MS)).collect(),
                QuestionType::Text => {
                    let mut v: Vec<Val<'_>> = texts.iter().map(|t| Val::Text(t)).collect();
                    v.push(Val::Text("\u{0}other"));
                    v
                }
            };
            if info.show_if.is_some() {
                dom.push(Val::Absent);
            }
            domains.push((q, dom));
        }
        let total = domains.iter().try_fold(1usize, |acc, (_, d)| acc.checked_mul(d.len().max(1)))?;
        if total > MAX_COMBINATIONS {
            return None;
        }
        if domains.iter().any(|(_, d)| d.is_empty()) {
            return Some(false);
        }
        let mut env = Env::new(self.lets.iter().map(|l| &l.expr).collect(), self.questions.len());
        let mut idx = vec![0usize; domains.len()];
        loop {
            for (k, (q, dom)) in domains.iter().enumerate() {
                env.set_question(*q, Ev::known(dom[idx[k]], QSet::one(*q)));
            }
            env.clear_lets();
            if env.eval(node).truth() == Tri::True {
                return Some(true);
            }
            // Next combination, like an odometer.
            let mut k = 0;
            loop {
                if k == idx.len() {
                    return Some(false);
                }
                idx[k] += 1;
                if idx[k] < domains[k].1.len() {
                    break;
                }
                idx[k] = 0;
                k += 1;
            }
        }
    }

    /// The number and text constants in a condition and the `let`s it uses.
    fn literals<'n>(&'n self, node: &'n Node) -> (Vec<f64>, Vec<&'n str>) {
        let mut numbers = Vec::new();
        let mut texts = Vec::new();
        let mut seen_lets = BTreeSet::new();
        let mut todo = vec![node];
        while let Some(n) = todo.pop() {
            n.walk(&mut |m| match m {
                Node::Num(x) => numbers.push(*x),
                Node::Text(t) => texts.push(t.as_str()),
                Node::Let(i) if seen_lets.insert(*i) => {
                    if let Some(l) = self.lets.get(*i as usize) {
                        todo.push(&l.expr);
                    }
                }
                _ => {}
            });
        }
        (numbers, texts)
    }
}

#[cfg(test)]
mod tests;
// Native only: the wasm engine reads compiled assessments but never writes them.
#[cfg(not(target_arch = "wasm32"))]
mod write;
