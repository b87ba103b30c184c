//! Typed views: what templates receive for contacts, steps, links and
//! navigation, built from the model in the page's language.

use super::lang::LangData;
use super::Strings;
use crate::model::Handbook;
use assessment_wasm::text::Text;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize, Clone, Hash)]
pub(super) struct Link {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) current: bool,
}

#[derive(Serialize, Clone)]
pub(super) struct ContactView {
    pub(super) role: String,
    pub(super) name: String,
    pub(super) title: String,
    pub(super) phone: String,
    pub(super) tel: String,
    pub(super) email: String,
    pub(super) url: String,
    pub(super) form_url: String,
    pub(super) hours: String,
    pub(super) window: String,
    pub(super) jurisdiction: String,
    pub(super) example: bool,
    pub(super) emergency: bool,
    pub(super) notes: String,
}

#[derive(Serialize)]
pub(super) struct StepView {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) html: String,
    pub(super) owner: ContactView,
    pub(super) party: Option<ContactView>,
    pub(super) due: String,
    pub(super) due_label: String,
    pub(super) when: String,
    /// `when` in words, with the questionnaire's question texts; empty when it
    /// cannot be put in words.
    pub(super) condition: String,
    pub(super) sources: Vec<Link>,
    pub(super) defined_in: Option<Link>,
}

#[derive(Serialize)]
pub(super) struct PhaseLane {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) url: String,
    pub(super) admin: Vec<StepView>,
    pub(super) technical: Vec<StepView>,
}

#[derive(Hash)]
pub(super) struct SectionData {
    pub(super) title: String,
    pub(super) index_rel: String,
    pub(super) links: Vec<Link>,
}

impl SectionData {
    pub(super) fn sidebar(&self) -> Sidebar<'_> {
        Sidebar { title: Some(&self.title), links: &self.links }
    }
}

pub(super) fn text(t: &Text, lang: &str, default: &str) -> String {
    t.get(lang, default).to_string()
}

pub(super) fn opt_text(t: &Option<Text>, lang: &str, default: &str) -> String {
    t.as_ref().map(|t| text(t, lang, default)).unwrap_or_default()
}

pub(super) fn section_title(s: &crate::model::Section, lang: &str) -> String {
    match &s.index {
        Some(doc) => doc.doc(lang).title.clone(),
        None => s.path.rsplit('/').next().unwrap_or(&s.path).replace(['-', '_'], " "),
    }
}

pub(super) fn contact_view(c: &crate::model::Contact, lang: &str, d: &str) -> ContactView {
    let phone = c.phone.clone().unwrap_or_default();
    let tel: String = phone.chars().filter(|ch| ch.is_ascii_digit() || *ch == '+').collect();
    ContactView {
        role: c.role.clone(),
        name: text(&c.name, lang, d),
        title: opt_text(&c.title, lang, d),
        tel: if tel.is_empty() { String::new() } else { format!("tel:{tel}") },
        phone,
        email: c.email.clone().unwrap_or_default(),
        url: c.url.clone().unwrap_or_default(),
        form_url: c.form_url.clone().unwrap_or_default(),
        hours: opt_text(&c.hours, lang, d),
        window: c.window.clone().unwrap_or_default(),
        jurisdiction: c.jurisdiction.clone().unwrap_or_default(),
        example: c.example,
        emergency: c.emergency,
        notes: opt_text(&c.notes, lang, d),
    }
}

/// "within 72 hours" / "immediately", in the page's language.
pub fn due_label(due: &str, window: Option<&str>, t: &Strings) -> String {
    let tr = |k: &str| t.get(k).cloned().unwrap_or_else(|| k.to_string());
    let due = if due == "window" { window.unwrap_or("24h") } else { due };
    if due == "asap" {
        return tr("due_asap");
    }
    let (num, unit) = due.split_at(due.find(|c: char| !c.is_ascii_digit()).unwrap_or(due.len()));
    let n: u64 = num.parse().unwrap_or(0);
    let key = match (unit, n == 1) {
        ("m", true) => "unit_minute",
        ("m", false) => "unit_minutes",
        ("h", true) => "unit_hour",
        ("h", false) => "unit_hours",
        ("d", true) => "unit_day",
        ("d", false) => "unit_days",
        ("w", true) => "unit_week",
        _ => "unit_weeks",
    };
    format!("{} {} {}", tr("due_within"), n, tr(key))
}

pub(super) fn step_view(
    hb: &Handbook,
    ld: &LangData,
    step_html: &HashMap<(String, String), String>,
    conditions: &HashMap<String, String>,
    id: &str,
    from_playbook: &str,
) -> Option<StepView> {
    let s = hb.steps.get(id)?;
    let d = hb.config.default_language.as_str();
    let lang = ld.lang.as_str();
    let contact = |role: &str| ld.contacts.get(role).cloned();
    let party = s.party.as_deref().and_then(contact);
    let window = party.as_ref().map(|p| p.window.clone()).filter(|w| !w.is_empty());
    Some(StepView {
        id: s.id.clone(),
        title: text(&s.title, lang, d),
        html: step_html.get(&(s.id.clone(), lang.to_string())).cloned().unwrap_or_default(),
        owner: contact(&s.owner)?,
        party,
        due: s.due.clone(),
        due_label: due_label(&s.due, window.as_deref(), &ld.t),
        when: s.when.clone().unwrap_or_default(),
        condition: s.when.as_deref().and_then(|w| conditions.get(w).cloned()).unwrap_or_default(),
        sources: s
            .sources
            .iter()
            .filter_map(|id| hb.source(id))
            .map(|src| Link {
                title: text(&src.title, lang, d),
                url: format!("../sources.html#src-{}", src.id),
                current: false,
            })
            .collect(),
        defined_in: (s.playbook != from_playbook).then(|| {
            let pb = hb.playbooks.iter().find(|p| p.id == s.playbook);
            Link {
                title: pb.map(|p| text(&p.title, lang, d)).unwrap_or_default(),
                url: format!("{}.html#step-{}", s.playbook, s.id),
                current: false,
            }
        }),
    })
}

/// A list of links shown beside every page of a group (a section's pages,
/// the phases, the playbooks), made once per language; none is marked current.
pub(super) struct SidebarList {
    /// `None` lets the template choose (`t.in_this_section`).
    pub(super) title: Option<String>,
    pub(super) links: Vec<Link>,
}

impl SidebarList {
    pub(super) fn sidebar(&self) -> Sidebar<'_> {
        Sidebar { title: self.title.as_deref(), links: &self.links }
    }
}

/// Tells one sidebar list from the others while pages render (see [`Sidebar::identity`]).
pub(super) type ListId = (usize, usize, usize);

/// A page's sidebar: the list it shares with the pages of its group.
#[derive(Clone, Copy, Hash)]
pub(super) struct Sidebar<'a> {
    pub(super) title: Option<&'a str>,
    pub(super) links: &'a [Link],
}

impl Sidebar<'_> {
    /// What tells this list apart from the other lists of a build: where it
    /// and its title are in memory (they live in the languages' data while
    /// pages render), and its length (empty lists share an address).
    pub(super) fn identity(&self) -> ListId {
        (self.links.as_ptr() as usize, self.links.len(), self.title.map_or(0, |t| t.as_ptr() as usize))
    }
}

// ---------- page contexts: what each page template receives ----------
//
// Every page also gets the shared values listed in docs/TEMPLATES.md (`t`,
// `lang`, `root`, `lroot`, `nav`, `languages` …); these are a page's own.

/// A view as a template context: page views are structs, so always maps.
pub(super) fn context<T: Serialize>(view: &T) -> tera::Context {
    tera::Context::from_serialize(view).unwrap_or_default()
}

#[derive(Serialize)]
pub(super) struct PhaseCard<'a> {
    pub(super) id: &'a str,
    pub(super) order: i64,
    pub(super) title: &'a str,
    pub(super) summary: &'a str,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct PlaybookCard<'a> {
    pub(super) id: &'a str,
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) url: String,
    pub(super) steps: usize,
}

#[derive(Serialize)]
pub(super) struct AssessmentCard<'a> {
    pub(super) id: &'a str,
    pub(super) kind: assessment_wasm::definition::Kind,
    pub(super) title: String,
    pub(super) intro: String,
    pub(super) url: String,
}

/// `home.html`.
#[derive(Serialize)]
pub(super) struct HomePage<'a> {
    pub(super) page_title: &'a str,
    pub(super) description: String,
    pub(super) phases: &'a [PhaseCard<'a>],
    pub(super) playbooks: &'a [PlaybookCard<'a>],
    pub(super) assessments: &'a [AssessmentCard<'a>],
    pub(super) emergency: Vec<&'a ContactView>,
    pub(super) start_url: Option<String>,
}

/// A step of some playbook listed on a phase page.
#[derive(Serialize)]
pub(super) struct PhaseStep {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) playbook: String,
    pub(super) due: String,
}

/// `phase.html` (plus `content` and `toc` from its Markdown).
#[derive(Serialize)]
pub(super) struct PhasePage<'a> {
    pub(super) page_title: &'a str,
    pub(super) summary: &'a str,
    pub(super) fallback: bool,
    pub(super) order: i64,
    pub(super) prev: Option<&'a Link>,
    pub(super) next: Option<&'a Link>,
    pub(super) admin_steps: Vec<PhaseStep>,
    pub(super) technical_steps: Vec<PhaseStep>,
}

/// `playbook.html`.
#[derive(Serialize)]
pub(super) struct PlaybookPage<'a> {
    pub(super) page_title: &'a str,
    pub(super) summary: &'a str,
    pub(super) lanes: &'a [PhaseLane],
}

/// `playbooks.html`.
#[derive(Serialize)]
pub(super) struct PlaybooksPage<'a> {
    pub(super) page_title: Option<&'a String>,
    pub(super) playbooks: &'a [PlaybookCard<'a>],
}

/// `assessments.html`.
#[derive(Serialize)]
pub(super) struct AssessmentsPage<'a> {
    pub(super) page_title: Option<&'a String>,
    pub(super) assessments: &'a [AssessmentCard<'a>],
}

/// `assessment.html` (plus `intro_html` from its Markdown).
#[derive(Serialize)]
pub(super) struct AssessmentPage<'a> {
    pub(super) page_title: String,
    pub(super) kind: assessment_wasm::definition::Kind,
    pub(super) assessment_id: &'a str,
    pub(super) data_script: String,
    pub(super) content_hash: &'a str,
    pub(super) question_count: usize,
}

/// Pages with only a title of their own: `faq.html` (its `items` are
/// rendered with the page).
#[derive(Serialize)]
pub(super) struct TitledPage<'a> {
    pub(super) page_title: Option<&'a String>,
}

#[derive(Serialize)]
pub(super) struct SourceView<'a> {
    pub(super) id: &'a str,
    pub(super) title: String,
    pub(super) publisher: &'a Option<String>,
    pub(super) url: &'a str,
    pub(super) language: &'a Option<String>,
    pub(super) jurisdiction: &'a Option<String>,
    pub(super) last_checked: &'a str,
    pub(super) note: String,
}

/// `sources.html`.
#[derive(Serialize)]
pub(super) struct SourcesPage<'a> {
    pub(super) page_title: Option<&'a String>,
    pub(super) sources: Vec<SourceView<'a>>,
}

/// Contacts of one jurisdiction ("" for the organisation's own people).
#[derive(Serialize)]
pub(super) struct ContactGroup<'a> {
    pub(super) jurisdiction: String,
    pub(super) title: String,
    pub(super) contacts: Vec<&'a ContactView>,
}

/// `contacts.html`.
#[derive(Serialize)]
pub(super) struct ContactsPage<'a> {
    pub(super) page_title: Option<&'a String>,
    pub(super) groups: &'a [ContactGroup<'a>],
    pub(super) has_examples: bool,
}

/// A playbook in the binder.
#[derive(Serialize)]
pub(super) struct BinderPlaybook<'a> {
    pub(super) id: &'a str,
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) lanes: Vec<PhaseLane>,
}

/// `binder.html`.
#[derive(Serialize)]
pub(super) struct BinderPage<'a> {
    pub(super) page_title: Option<&'a String>,
    pub(super) groups: &'a [ContactGroup<'a>],
    pub(super) playbooks: &'a [BinderPlaybook<'a>],
    pub(super) checked: Option<&'a String>,
    pub(super) version: &'a Option<String>,
}

/// `section.html` (plus `content` and `toc` from `_section.md`, if any).
#[derive(Serialize)]
pub(super) struct SectionPage<'a> {
    pub(super) page_title: &'a str,
    pub(super) content: &'a str,
    pub(super) fallback: bool,
    pub(super) pages: &'a [Link],
}

/// `page.html` for a page outside any section (plus `content` and `toc`).
#[derive(Serialize)]
pub(super) struct DocPage<'a> {
    pub(super) page_title: &'a str,
    pub(super) summary: &'a str,
    pub(super) fallback: bool,
}

#[derive(Serialize)]
pub(super) struct SectionCard {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) count: usize,
}

/// `pages.html`, the list of sections when there are many.
#[derive(Serialize)]
pub(super) struct AllPagesPage<'a> {
    pub(super) page_title: Option<&'a String>,
    pub(super) sections: Vec<SectionCard>,
}

/// An FAQ entry on `faq.html`.
#[derive(Serialize)]
pub(super) struct FaqItem<'a> {
    pub(super) id: &'a str,
    pub(super) question: &'a str,
    pub(super) html: String,
    pub(super) fallback: bool,
}

/// An entry of the language switch.
#[derive(Serialize)]
pub(super) struct LanguageLink<'a> {
    pub(super) title: String,
    pub(super) url: String,
    pub(super) current: bool,
    pub(super) code: &'a str,
}

/// `root.html`, the site's `index.html`: sends the reader to a language.
#[derive(Serialize)]
pub(super) struct RootPage<'a> {
    pub(super) csp: &'a str,
    pub(super) site_title: &'a str,
    pub(super) default_language: &'a str,
    pub(super) lang: &'a str,
    /// Every interface text of the default language, questionnaire texts included.
    pub(super) t: &'a super::Strings,
    pub(super) languages: Vec<Link>,
}
