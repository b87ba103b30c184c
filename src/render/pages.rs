//! The list of pages to render: for each language, every page with its
//! template, output path and own context.

use super::lang::LangData;
use super::markdown;
use super::views::{
    due_label, opt_text, section_title, step_view, text, AllPagesPage, AssessmentCard, AssessmentPage, AssessmentsPage,
    BinderPage, BinderPlaybook, ContactGroup, ContactView, ContactsPage, DocPage, HomePage, PhaseCard, PhaseLane,
    PhasePage, PhaseStep, PlaybookCard, PlaybookPage, PlaybooksPage, SectionCard, SectionData, SectionPage, Sidebar,
    SourceView, SourcesPage, TitledPage,
};
use super::PageOut;
use crate::memo::{Inputs, Memo};
use crate::model::{Handbook, Translated};
use assessment_wasm::compile::Compiled;
use assessment_wasm::definition::Track;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Markdown that a page renders itself, in parallel with the other pages.
pub(super) enum Fill<'a> {
    None,
    /// One document into `content` and `toc`.
    Doc(&'a Translated),
    /// Every FAQ entry into `items`.
    Faq,
    /// A page of a section: its whole context is made while it renders, so
    /// that thousands of pages do not each hold a copy of the section list.
    SectionPage(&'a crate::model::Page, &'a SectionData),
    /// A Markdown text from a YAML file (a questionnaire's intro) into `intro_html`.
    Intro {
        text: String,
        file: &'a str,
    },
}

/// A page's own template values; under serve, the page as an earlier build
/// rendered it when nothing it shows has changed since.
pub(super) enum Own {
    Values(serde_json::Value),
    Kept(Arc<PageOut>),
}

/// A page to render: output path, template, its own values and its Markdown.
pub(super) struct Job<'a> {
    pub(super) path: String,
    pub(super) template: &'static str,
    pub(super) own: Own,
    /// Output path of the same page relative to the language root (for the language switch).
    pub(super) rel: String,
    pub(super) nav_key: &'static str,
    pub(super) fill: Fill<'a>,
    /// Search keywords of a page made from YAML (a playbook); Markdown pages
    /// carry theirs in the document.
    pub(super) keywords: String,
    /// The list beside the page, shared with the other pages of its group.
    pub(super) sidebar: Option<Sidebar<'a>>,
    /// A phase page's number, shown with its search results.
    pub(super) order: Option<i64>,
    /// Under serve: the key of everything the page shows.
    pub(super) key: Option<u64>,
}

/// What a page belongs to, shown with its search results; `None` for pages
/// that only list others (home, the playbook list), which search leaves out.
pub(super) fn search_group(job: &Job, ld: &LangData) -> Option<String> {
    let tr = |k: &str| ld.t.get(k).cloned().unwrap_or_default();
    Some(match job.template {
        "home.html" | "playbooks.html" | "assessments.html" | "pages.html" | "binder.html" => return None,
        "phase.html" => match job.order {
            Some(order) => format!("{} {order}", tr("phase")),
            None => tr("phase"),
        },
        "playbook.html" => tr("playbook"),
        "assessment.html" => tr("questionnaires"),
        "faq.html" => tr("faq"),
        _ => match &job.fill {
            Fill::SectionPage(_, sec) => sec.title.clone(),
            _ => String::new(),
        },
    })
}

/// Relative prefixes from an output page to the language root and the site root.
pub(super) fn prefixes(out_path: &str) -> (String, String) {
    let depth = out_path.matches('/').count();
    let to_site = "../".repeat(depth);
    let to_lang = "../".repeat(depth.saturating_sub(1));
    (to_lang, to_site)
}

/// A page without its values yet: [`Lang::push`] adds them.
pub(super) fn job<'a>(
    path: String,
    rel: &str,
    template: &'static str,
    nav_key: &'static str,
    fill: Fill<'a>,
) -> Job<'a> {
    Job {
        path,
        template,
        own: Own::Values(serde_json::Value::Null),
        rel: rel.to_string(),
        nav_key,
        fill,
        keywords: String::new(),
        sidebar: None,
        order: None,
        key: None,
    }
}

/// The key of everything a page shows (serve): its language's shared values
/// (`lang_key`), where it goes, its template, its view, its sidebar and, of
/// its Markdown, only this language's text.
fn page_key(hb: &Handbook, ld: &LangData, lang_key: u64, job: &Job, view: &impl Serialize) -> u64 {
    let mut key = Inputs::new("page");
    key.add(&lang_key).add(&job.path).add(job.template).add(&job.rel).add(job.nav_key).add(&job.sidebar);
    key.add_serialized(view).add(&job.keywords);
    let doc_key = |key: &mut Inputs, doc: &Translated| {
        key.add(doc.doc(&ld.lang)).add(&doc.fallback.contains(&ld.lang));
    };
    match &job.fill {
        Fill::None => {}
        Fill::Doc(doc) => doc_key(&mut key, doc),
        Fill::SectionPage(page, sec) => {
            key.add(&page.path).add(sec);
            doc_key(&mut key, &page.doc);
        }
        Fill::Intro { text, file } => {
            key.add(text).add(file);
        }
        Fill::Faq => {
            for f in &hb.faqs {
                key.add(&f.id);
                doc_key(&mut key, &f.doc);
            }
        }
    }
    key.key()
}

/// What the page makers of one language share.
pub(super) struct Lang<'a> {
    hb: &'a Handbook,
    ld: &'a LangData,
    /// Under serve: the memo and the key of what every page of the language shares.
    keys: Option<(&'a Memo, u64)>,
}

impl<'a> Lang<'a> {
    /// An interface text of this language.
    fn t(&self, key: &str) -> Option<&'a String> {
        self.ld.t.get(key)
    }

    /// Whether `doc` is shown in the default language for want of a translation.
    fn fallback(&self, doc: &Translated) -> bool {
        doc.fallback.contains(&self.ld.lang)
    }

    /// Adds `job` with `view` as its own values. Under serve, a page whose
    /// inputs are all as in the last build keeps that build's page, and its
    /// view is only walked for the key, never turned into template values.
    fn push(&self, jobs: &mut Vec<Job<'a>>, mut job: Job<'a>, view: &impl Serialize) {
        if let Some((memo, lang_key)) = self.keys {
            let key = page_key(self.hb, self.ld, lang_key, &job, view);
            job.key = Some(key);
            if let Some(kept) = memo.get::<PageOut>(key) {
                job.own = Own::Kept(kept);
                jobs.push(job);
                return;
            }
        }
        job.own = Own::Values(serde_json::to_value(view).unwrap_or_default());
        jobs.push(job);
    }
}

pub(super) fn page_jobs<'a>(
    hb: &'a Handbook,
    ld: &'a LangData,
    keys: Option<(&'a Memo, u64)>,
    step_html: &HashMap<(String, String), String>,
    compiled: &BTreeMap<(String, String), Arc<Compiled>>,
    jobs: &mut Vec<Job<'a>>,
) {
    let l = Lang { hb, ld, keys };
    let (lang, d) = (ld.lang.as_str(), hb.config.default_language.as_str());
    let phase_cards: Vec<PhaseCard> = hb
        .phases
        .iter()
        .map(|p| {
            let doc = p.doc.doc(lang);
            PhaseCard {
                id: &p.id,
                order: p.order,
                title: &doc.title,
                summary: doc.summary.as_deref().unwrap_or(""),
                url: format!("phases/{}.html", p.id),
            }
        })
        .collect();
    let playbooks: Vec<PlaybookCard> = hb
        .playbooks
        .iter()
        .map(|p| PlaybookCard {
            id: &p.id,
            title: text(&p.title, lang, d),
            summary: opt_text(&p.summary, lang, d),
            url: format!("playbooks/{}.html", p.id),
            steps: p.steps.len(),
        })
        .collect();
    let assessments: Vec<AssessmentCard> = hb
        .assessments
        .iter()
        .map(|a| AssessmentCard {
            id: &a.def.id,
            kind: a.def.kind,
            title: text(&a.def.title, lang, d),
            intro: markdown::plain(&opt_text(&a.def.intro, lang, d)),
            url: format!("assessments/{}.html", a.def.id),
        })
        .collect();

    home_job(&l, &phase_cards, &playbooks, &assessments, jobs);
    phase_jobs(&l, jobs);
    let conditions = condition_texts(hb, ld, keys.map(|k| k.0));
    let binder = playbook_jobs(&l, step_html, &conditions, &playbooks, jobs);
    assessment_jobs(&l, compiled, &assessments, jobs);
    reference_jobs(&l, &binder, jobs);
    free_page_jobs(&l, jobs);
}

fn home_job<'a>(
    l: &Lang<'a>,
    phase_cards: &[PhaseCard],
    playbooks: &[PlaybookCard],
    assessments: &[AssessmentCard],
    jobs: &mut Vec<Job<'a>>,
) {
    let (hb, ld, lang, d) = (l.hb, l.ld, l.ld.lang.as_str(), l.hb.config.default_language.as_str());
    let cfg = &hb.config;
    let emergency: Vec<&ContactView> =
        hb.contacts.iter().filter(|c| c.emergency).filter_map(|c| ld.contacts.get(&c.role)).collect();
    let start_url =
        cfg.start.as_ref().and_then(|s| ld.targets.files.get(&markdown::content_key(s, &cfg.languages)).cloned());
    // Home.
    let view = &HomePage {
        page_title: &ld.site_title,
        description: opt_text(&cfg.description, lang, d),
        phases: phase_cards,
        playbooks,
        assessments,
        emergency,
        start_url,
    };
    l.push(jobs, job(format!("{lang}/index.html"), "index.html", "home.html", "index.html", Fill::None), view);
}

fn phase_jobs<'a>(l: &Lang<'a>, jobs: &mut Vec<Job<'a>>) {
    let (hb, ld, lang, d) = (l.hb, l.ld, l.ld.lang.as_str(), l.hb.config.default_language.as_str());
    let phases = &ld.phase_list.links;
    // Phases, with previous/next.
    for (i, p) in hb.phases.iter().enumerate() {
        let doc = p.doc.doc(lang);
        let rel = format!("phases/{}.html", p.id);
        // The steps of every playbook that fall in this phase, per track.
        let mut admin_steps = Vec::new();
        let mut technical_steps = Vec::new();
        for pb in &hb.playbooks {
            for sid in &pb.steps {
                let Some(s) = hb.steps.get(sid) else { continue };
                if s.phase != p.id || s.playbook != pb.id {
                    continue;
                }
                let window = s.party.as_deref().and_then(|r| ld.contacts.get(r)).map(|c| c.window.as_str());
                let item = PhaseStep {
                    title: text(&s.title, lang, d),
                    url: format!("../playbooks/{}.html#step-{}", pb.id, s.id),
                    playbook: text(&pb.title, lang, d),
                    due: due_label(&s.due, window.filter(|w| !w.is_empty()), &ld.t),
                };
                match s.track {
                    Track::Admin => admin_steps.push(item),
                    Track::Technical => technical_steps.push(item),
                }
            }
        }
        let view = &PhasePage {
            page_title: &doc.title,
            summary: doc.summary.as_deref().unwrap_or(""),
            fallback: l.fallback(&p.doc),
            order: p.order,
            prev: i.checked_sub(1).map(|j| &phases[j]),
            next: phases.get(i + 1),
            admin_steps,
            technical_steps,
        };
        let mut j = job(format!("{lang}/{rel}"), &rel, "phase.html", "", Fill::Doc(&p.doc));
        j.sidebar = Some(ld.phase_list.sidebar());
        j.order = Some(p.order);
        l.push(jobs, j, view);
    }
}

/// The playbook pages; returns the playbooks as the binder shows them.
/// What each step's condition says in words, in `ld`'s language. Under serve
/// it is worded again only when a condition, a questionnaire (whose questions
/// it names) or the interface texts changed.
fn condition_texts(hb: &Handbook, ld: &LangData, memo: Option<&Memo>) -> Arc<HashMap<String, String>> {
    let d = hb.config.default_language.as_str();
    let make = || {
        let mut out = HashMap::new();
        for w in hb.steps.values().filter_map(|s| s.when.as_deref()) {
            if !out.contains_key(w) {
                if let Some(words) = crate::render::condition_text::describe(w, &hb.assessments, &ld.lang, d, &ld.t) {
                    out.insert(w.to_string(), words);
                }
            }
        }
        out
    };
    let Some(memo) = memo else { return Arc::new(make()) };
    let mut key = Inputs::new("condition texts");
    key.add(&ld.lang).add(d).add(&ld.t);
    for a in &hb.assessments {
        key.add(&a.file).add(&a.text);
    }
    for w in hb.steps.values().filter_map(|s| s.when.as_deref()) {
        key.add(w);
    }
    memo.get_or(key.key(), make)
}

fn playbook_jobs<'a>(
    l: &Lang<'a>,
    step_html: &HashMap<(String, String), String>,
    conditions: &HashMap<String, String>,
    playbooks: &[PlaybookCard],
    jobs: &mut Vec<Job<'a>>,
) -> Vec<BinderPlaybook<'a>> {
    let (hb, ld, lang, d) = (l.hb, l.ld, l.ld.lang.as_str(), l.hb.config.default_language.as_str());
    // Playbooks: both tracks side by side, per phase.
    // The paper binder repeats every playbook; it lives next to them so that
    // the steps' relative links stay right.
    let mut binder: Vec<BinderPlaybook> = Vec::new();
    for pb in &hb.playbooks {
        let rel = format!("playbooks/{}.html", pb.id);
        let mut lanes: Vec<PhaseLane> = hb
            .phases
            .iter()
            .map(|p| PhaseLane {
                id: p.id.clone(),
                title: p.doc.doc(lang).title.clone(),
                url: format!("../phases/{}.html", p.id),
                admin: vec![],
                technical: vec![],
            })
            .collect();
        for sid in &pb.steps {
            let Some(s) = hb.steps.get(sid) else { continue };
            let Some(view) = step_view(hb, ld, step_html, conditions, sid, &pb.id) else { continue };
            if let Some(lane) = lanes.iter_mut().find(|l| l.id == s.phase) {
                match s.track {
                    Track::Admin => lane.admin.push(view),
                    Track::Technical => lane.technical.push(view),
                }
            }
        }
        lanes.retain(|l| !l.admin.is_empty() || !l.technical.is_empty());
        let (title, summary) = (text(&pb.title, lang, d), opt_text(&pb.summary, lang, d));
        let view = &PlaybookPage { page_title: &title, summary: &summary, lanes: &lanes };
        let mut j = job(format!("{lang}/{rel}"), &rel, "playbook.html", "playbooks/index.html", Fill::None);
        j.keywords = opt_text(&pb.keywords, lang, d);
        j.sidebar = Some(ld.playbook_list.sidebar());
        l.push(jobs, j, view);
        binder.push(BinderPlaybook { id: &pb.id, title, summary, lanes });
    }
    if !hb.playbooks.is_empty() {
        let view = &PlaybooksPage { page_title: l.t("playbooks"), playbooks };
        l.push(
            jobs,
            job(
                format!("{lang}/playbooks/index.html"),
                "playbooks/index.html",
                "playbooks.html",
                "playbooks/index.html",
                Fill::None,
            ),
            view,
        );
    }

    binder
}

fn assessment_jobs<'a>(
    l: &Lang<'a>,
    compiled: &BTreeMap<(String, String), Arc<Compiled>>,
    assessments: &[AssessmentCard],
    jobs: &mut Vec<Job<'a>>,
) {
    let (hb, lang, d) = (l.hb, l.ld.lang.as_str(), l.hb.config.default_language.as_str());
    // Questionnaires.
    if !hb.assessments.is_empty() {
        let view = &AssessmentsPage { page_title: l.t("questionnaires"), assessments };
        l.push(
            jobs,
            job(
                format!("{lang}/assessments/index.html"),
                "assessments/index.html",
                "assessments.html",
                "assessments/index.html",
                Fill::None,
            ),
            view,
        );
    }
    for a in &hb.assessments {
        let rel = format!("assessments/{}.html", a.def.id);
        let Some(c) = compiled.get(&(a.def.id.clone(), lang.to_string())) else { continue };
        let view = &AssessmentPage {
            page_title: text(&a.def.title, lang, d),
            kind: a.def.kind,
            assessment_id: &a.def.id,
            data_script: format!("../../assets/{lang}/assessment-{}.js", a.def.id),
            content_hash: &c.hash,
            question_count: c.questions.len(),
        };
        let intro = opt_text(&a.def.intro, lang, d);
        l.push(
            jobs,
            job(
                format!("{lang}/{rel}"),
                &rel,
                "assessment.html",
                "assessments/index.html",
                Fill::Intro { text: intro, file: &a.file },
            ),
            view,
        );
    }
}

/// The FAQ, sources, contacts and the paper binder.
fn reference_jobs<'a>(l: &Lang<'a>, binder: &[BinderPlaybook], jobs: &mut Vec<Job<'a>>) {
    let (hb, ld, lang, d) = (l.hb, l.ld, l.ld.lang.as_str(), l.hb.config.default_language.as_str());
    let cfg = &hb.config;
    // FAQ on one page, each question an anchor.
    if !hb.faqs.is_empty() {
        let view = &TitledPage { page_title: l.t("faq") };
        l.push(jobs, job(format!("{lang}/faq.html"), "faq.html", "faq.html", "faq.html", Fill::Faq), view);
    }

    // Sources, with the date each was checked.
    let sources = hb
        .sources
        .iter()
        .map(|s| SourceView {
            id: &s.id,
            title: text(&s.title, lang, d),
            publisher: &s.publisher,
            url: &s.url,
            language: &s.language,
            jurisdiction: &s.jurisdiction,
            last_checked: &s.last_checked,
            note: opt_text(&s.note, lang, d),
        })
        .collect();
    let view = &SourcesPage { page_title: l.t("sources"), sources };
    l.push(jobs, job(format!("{lang}/sources.html"), "sources.html", "sources.html", "sources.html", Fill::None), view);

    // Contacts, grouped: our own people first, then bodies per jurisdiction.
    let mut by_jurisdiction: BTreeMap<String, Vec<&ContactView>> = BTreeMap::new();
    for c in &hb.contacts {
        let key = c.jurisdiction.clone().unwrap_or_default();
        by_jurisdiction.entry(key).or_default().push(&ld.contacts[&c.role]);
    }
    let groups: Vec<ContactGroup> = by_jurisdiction
        .into_iter()
        .map(|(j, contacts)| {
            let title = if j.is_empty() {
                ld.t.get("contacts_general").cloned().unwrap_or_default()
            } else {
                ld.t.get(&format!("jurisdiction_{j}")).cloned().unwrap_or_else(|| j.to_uppercase())
            };
            ContactGroup { jurisdiction: j, title, contacts }
        })
        .collect();
    let view = &ContactsPage {
        page_title: l.t("contacts"),
        groups: &groups,
        has_examples: hb.contacts.iter().any(|c| c.example),
    };
    l.push(
        jobs,
        job(format!("{lang}/contacts.html"), "contacts.html", "contacts.html", "contacts.html", Fill::None),
        view,
    );

    // The handbook as a paper crisis binder: cover, contacts, contents, then
    // each playbook as a checklist on its own page.
    if !binder.is_empty() {
        let view = &BinderPage {
            page_title: l.t("binder_title"),
            groups: &groups,
            playbooks: binder,
            checked: hb.sources.iter().map(|s| &s.last_checked).max(),
            version: &cfg.version,
        };
        l.push(
            jobs,
            job(
                format!("{lang}/playbooks/binder.html"),
                "playbooks/binder.html",
                "binder.html",
                "playbooks/index.html",
                Fill::None,
            ),
            view,
        );
    }
}

/// Pages under pages/, their sections and the list of all sections.
fn free_page_jobs<'a>(l: &Lang<'a>, jobs: &mut Vec<Job<'a>>) {
    let (hb, ld, lang) = (l.hb, l.ld, l.ld.lang.as_str());
    // Free pages and their sections. The section list is built once and shared.
    for (s, sec) in hb.sections.iter().zip(&ld.sections) {
        for &i in &s.pages {
            let p = &hb.pages[i];
            let rel = format!("{}.html", p.path);
            let mut j = job(format!("{lang}/{rel}"), &rel, "page.html", "", Fill::SectionPage(p, sec));
            j.sidebar = Some(sec.sidebar());
            // Its values are made while it renders (see `Fill::SectionPage`).
            l.push(jobs, j, &());
        }
        let (fill, fallback) = match &s.index {
            Some(doc) => (Fill::Doc(doc), l.fallback(doc)),
            None => (Fill::None, false),
        };
        let view = &SectionPage { page_title: &sec.title, content: "", fallback, pages: &sec.links };
        let mut j = job(format!("{lang}/{}", sec.index_rel), &sec.index_rel, "section.html", "", fill);
        j.sidebar = Some(sec.sidebar());
        l.push(jobs, j, view);
    }
    // Top-level pages (directly under pages/).
    for p in hb.pages.iter().filter(|p| p.section.is_empty()) {
        let doc = p.doc.doc(lang);
        let rel = format!("{}.html", p.path);
        let view = &DocPage {
            page_title: &doc.title,
            summary: doc.summary.as_deref().unwrap_or(""),
            fallback: l.fallback(&p.doc),
        };
        l.push(jobs, job(format!("{lang}/{rel}"), &rel, "page.html", "", Fill::Doc(&p.doc)), view);
    }
    if hb.sections.len() > 6 {
        let sections = hb
            .sections
            .iter()
            .map(|s| SectionCard {
                title: section_title(s, lang),
                url: format!("{}/index.html", s.path),
                count: s.pages.len(),
            })
            .collect();
        let view = &AllPagesPage { page_title: l.t("all_pages"), sections };
        l.push(jobs, job(format!("{lang}/pages.html"), "pages.html", "pages.html", "pages.html", Fill::None), view);
    }
}
