//! The adapter to the questionnaire engine: the handbook's steps, contacts
//! and phases as the engine's context, and its diagnostics located in the files.

use super::lang::LangData;
use super::markdown;
use super::views::{opt_text, text};
use crate::diag::{Diagnostic, Report};
use crate::load::Tree;
use crate::memo::Inputs;
use crate::model::Handbook;
use crate::spans::{Seg, SpanIndex};
use assessment_wasm::compile::{compile, Compiled, PathSeg, Severity};
use assessment_wasm::definition::Context as EngineContext;
use assessment_wasm::definition::{ContactInfo, PhaseInfo, SourceInfo, StepInfo};
use std::collections::{BTreeMap, HashMap};

/// What the engine may refer to, with texts in `lang`. Under serve, `memo`
/// keeps the plain text of each step, so that only edited steps are read again.
pub(super) fn engine_context(hb: &Handbook, lang: &str, memo: &crate::memo::Memo) -> EngineContext {
    let d = hb.config.default_language.as_str();
    let plain = |text: &str| {
        let key = memo.is_enabled().then(|| Inputs::new("plain text").add(text).key());
        String::clone(&memo.get_or(key.unwrap_or_default(), || markdown::plain(text)))
    };
    let steps: Vec<StepInfo> = hb
        .steps
        .values()
        .map(|s| StepInfo {
            id: s.id.clone(),
            playbook: s.playbook.clone(),
            title: text(&s.title, lang, d),
            // The questionnaire shows it as text and exports it to Markdown and
            // calendars: link targets and markup would only be noise there (the
            // plan links the step's guidance and sources itself).
            text: plain(&opt_text(&s.text, lang, d)),
            phase: s.phase.clone(),
            track: s.track,
            owner: s.owner.clone(),
            due: s.due.clone(),
            party: s.party.clone(),
            when: s.when.clone(),
            serves: s.serves.clone(),
            url: format!("../playbooks/{}.html#step-{}", s.playbook, s.id),
            sources: s
                .sources
                .iter()
                .filter_map(|id| hb.source(id))
                .map(|src| SourceInfo { id: src.id.clone(), title: text(&src.title, lang, d), url: src.url.clone() })
                .collect(),
        })
        .collect();
    let contacts: Vec<ContactInfo> = hb
        .contacts
        .iter()
        .map(|c| ContactInfo {
            role: c.role.clone(),
            name: text(&c.name, lang, d),
            title: c.title.as_ref().map(|t| text(t, lang, d)),
            phone: c.phone.clone(),
            email: c.email.clone(),
            url: c.url.clone(),
            form_url: c.form_url.clone(),
            hours: c.hours.as_ref().map(|t| text(t, lang, d)),
            window: c.window.clone(),
        })
        .collect();
    let phases: Vec<PhaseInfo> = hb
        .phases
        .iter()
        .map(|p| PhaseInfo {
            id: p.id.clone(),
            title: p.doc.doc(lang).title.clone(),
            order: p.order,
            url: format!("../phases/{}.html", p.id),
        })
        .collect();
    EngineContext { lang: lang.to_string(), default_lang: d.to_string(), steps, contacts, phases }
}

/// Compiles one questionnaire for one language (for `irbook plan`).
pub fn compile_one(hb: &Handbook, content: &Tree, id: &str, lang: &str, report: &mut Report) -> Option<Compiled> {
    let a = hb.assessments.iter().find(|a| a.def.id == id)?;
    match compile(&a.def, &engine_context(hb, lang, &content.memo)) {
        Ok((c, _warnings)) => Some(c),
        Err(diags) => {
            report_engine(hb, content, a, &diags, report);
            None
        }
    }
}

/// A questionnaire's id and a language.
pub(super) type IdLang = (String, String);

pub(super) fn compile_assessments(
    hb: &Handbook,
    content: &Tree,
    langs: &[LangData],
    report: &mut Report,
) -> (BTreeMap<IdLang, std::sync::Arc<Compiled>>, BTreeMap<IdLang, u64>) {
    let mut out = BTreeMap::new();
    // Under serve: the memo key of each questionnaire's inputs, for what is made from it.
    let mut keys = BTreeMap::new();
    for (i, ld) in langs.iter().enumerate() {
        let ctx = engine_context(hb, &ld.lang, &content.memo);
        // Under serve, a questionnaire is compiled again only when it or what
        // it refers to (steps, contacts, phases in this language) changed.
        let ctx_key = content.memo.is_enabled().then(|| Inputs::new("engine context").add(&ctx).key());
        for a in &hb.assessments {
            // Shared, not copied, from one build to the next.
            let shared = || compile(&a.def, &ctx).map(|(c, warnings)| (std::sync::Arc::new(c), warnings));
            let compiled = match ctx_key {
                Some(k) => {
                    let key = Inputs::new("compile").add(&k).add(&a.text).add(&a.file).key();
                    keys.insert((a.def.id.clone(), ld.lang.clone()), key);
                    content.memo.get_or(key, shared)
                }
                None => std::sync::Arc::new(shared()),
            };
            match &*compiled {
                Ok((c, warnings)) => {
                    // Problems are the same in every language; report them once.
                    if i == 0 {
                        report_engine(hb, content, a, warnings, report);
                    }
                    out.insert((a.def.id.clone(), ld.lang.clone()), std::sync::Arc::clone(c));
                }
                Err(diags) => {
                    if i == 0 {
                        report_engine(hb, content, a, diags, report);
                    }
                }
            }
        }
    }
    (out, keys)
}

/// Turns the engine's path-based diagnostics into file:line:column ones.
pub(super) fn report_engine(
    hb: &Handbook,
    content: &Tree,
    a: &crate::model::Assessment,
    diags: &[assessment_wasm::compile::Diagnostic],
    report: &mut Report,
) {
    // Positions need a second parse of the questionnaire file; only for problems.
    if diags.is_empty() {
        return;
    }
    let spans = SpanIndex::build(&a.text, 0);
    let mut step_spans: HashMap<String, SpanIndex> = HashMap::new();
    let broken_playbooks = hb.unparsed.iter().any(|f| f.starts_with("playbooks/"));
    let broken_contacts = hb.unparsed.iter().any(|f| f == "contacts.yaml");
    for d in diags {
        // A reference into a file that did not parse is not a problem of its own.
        if (broken_playbooks && d.message.starts_with("unknown step"))
            || (broken_contacts && d.message.starts_with("unknown contact"))
        {
            continue;
        }
        // Problems in a step's `when` belong to the playbook file that defines the step.
        let step = match d.path.as_slice() {
            [PathSeg::Key(k), PathSeg::Key(id), ..] if k == "steps" => hb.steps.get(id),
            _ => None,
        };
        let (file, pos) = match step {
            Some(step) => {
                let idx = step_spans.entry(step.file.clone()).or_insert_with(|| {
                    SpanIndex::build(content.get(&step.file).and_then(|f| f.text()).unwrap_or(""), 0)
                });
                let path = vec![Seg::Key("steps".into()), Seg::Index(step.index), Seg::Key("when".into())];
                let pos = match d.span {
                    Some((start, _)) => idx.pos_in_value(&path, start),
                    None => idx.pos(&path),
                };
                (step.file.clone(), pos)
            }
            None => {
                let pos = match d.span {
                    Some((start, _)) => spans.pos_in_value(&d.path, start),
                    None => spans.pos(&d.path),
                };
                (a.file.clone(), pos)
            }
        };
        let diag = match d.severity {
            Severity::Warning => Diagnostic::warning(file, pos, d.message.clone()),
            Severity::Error => Diagnostic::error(file, pos, d.message.clone()),
        };
        report.push(diag.maybe_hint(d.hint.clone()));
    }
}
