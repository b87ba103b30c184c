//! What every page of one language shares: interface texts, navigation,
//! contacts and link targets, built once per language.

use super::markdown::Targets;
use super::views::{contact_view, opt_text, section_title, text, ContactView, Link, SectionData, SidebarList};
use super::Strings;
use crate::diag::{Diagnostic, Pos, Report};
use crate::load::Tree;
use crate::model::Handbook;
use std::collections::{BTreeMap, HashMap};

/// Per-language data that every page of that language shares.
pub(super) struct LangData {
    pub(super) lang: String,
    pub(super) t: Strings,
    /// `t` without the questionnaire script's words (`js_*`, shipped with the
    /// questionnaire data): what templates get. Every page copies it into its
    /// context, and the script's words were nearly half of it.
    pub(super) page_t: Strings,
    pub(super) targets: Targets,
    /// Main navigation, URLs relative to the language root.
    pub(super) nav: Vec<Link>,
    pub(super) contacts: HashMap<String, ContactView>,
    pub(super) site_title: String,
    pub(super) organisation: String,
    /// Per section of `pages/`: its title, index URL and page list, built once
    /// and borrowed by every page of the section while it renders.
    pub(super) sections: Vec<SectionData>,
    /// The sidebars of the phase pages and of the playbook pages.
    pub(super) phase_list: SidebarList,
    pub(super) playbook_list: SidebarList,
}

/// The theme's interface texts; `memo` is the content's (the theme has none of its own).
pub(super) fn load_i18n(theme: &Tree, memo: &Tree, report: &mut Report) -> BTreeMap<String, Strings> {
    let Some(text) = theme.get("i18n.yaml").and_then(|f| f.text()) else {
        report.push(Diagnostic::error("i18n.yaml", Pos::FILE, "the theme has no i18n.yaml with its interface texts"));
        return BTreeMap::new();
    };
    crate::model::parse_yaml_in(memo, "theme/i18n.yaml", text, 0, report).unwrap_or_default()
}

pub(super) fn lang_data(hb: &Handbook, lang: &str, i18n: &BTreeMap<String, Strings>) -> LangData {
    let cfg = &hb.config;
    let d = cfg.default_language.as_str();
    // Interface texts: this language, completed from English for missing keys.
    let mut t = i18n.get("en").cloned().unwrap_or_default();
    if let Some(own) = i18n.get(lang) {
        t.extend(own.clone());
    }
    let mut targets = Targets::default();
    for p in &hb.phases {
        targets.files.insert(p.doc.base.clone(), format!("phases/{}.html", p.id));
    }
    for p in &hb.playbooks {
        targets.files.insert(p.file.clone(), format!("playbooks/{}.html", p.id));
        for s in &p.steps {
            if hb.steps.get(s).is_some_and(|st| st.playbook == p.id) {
                targets.steps.insert(s.clone(), format!("playbooks/{}.html#step-{s}", p.id));
            }
        }
    }
    for f in &hb.faqs {
        targets.files.insert(f.doc.base.clone(), format!("faq.html#{}", f.id));
    }
    for p in &hb.pages {
        targets.files.insert(p.doc.base.clone(), format!("{}.html", p.path));
    }
    for s in &hb.sections {
        targets.files.insert(format!("pages/{}/_section", s.path), format!("{}/index.html", s.path));
    }
    for a in &hb.assessments {
        targets.files.insert(a.file.clone(), format!("assessments/{}.html", a.def.id));
    }
    // Files that did not parse still exist; their own error is reported.
    for f in &hb.unparsed {
        targets.files.entry(f.clone()).or_insert_with(|| "index.html".into());
    }
    targets.files.insert("contacts.yaml".into(), "contacts.html".into());
    targets.files.insert("sources/sources.yaml".into(), "sources.html".into());
    targets.files.insert("handbook.yaml".into(), "index.html".into());
    targets.sources = hb.sources.iter().map(|s| s.id.clone()).collect();
    targets.contacts = hb.contacts.iter().map(|c| c.role.clone()).collect();
    targets.statics = hb.statics.iter().cloned().collect();
    targets.steps_incomplete = hb.unparsed.iter().any(|f| f.starts_with("playbooks/"));
    targets.contacts_incomplete = hb.unparsed.iter().any(|f| f == "contacts.yaml");

    let tr = |k: &str| t.get(k).cloned().unwrap_or_else(|| k.to_string());
    let mut nav = vec![Link { title: tr("home"), url: "index.html".into(), current: false }];
    if !hb.phases.is_empty() {
        nav.push(Link { title: tr("phases"), url: format!("phases/{}.html", hb.phases[0].id), current: false });
    }
    if !hb.playbooks.is_empty() {
        nav.push(Link { title: tr("playbooks"), url: "playbooks/index.html".into(), current: false });
    }
    if !hb.assessments.is_empty() {
        nav.push(Link { title: tr("questionnaires"), url: "assessments/index.html".into(), current: false });
    }
    if hb.sections.len() <= 6 {
        for s in &hb.sections {
            let title = section_title(s, lang);
            nav.push(Link { title, url: format!("{}/index.html", s.path), current: false });
        }
    } else {
        nav.push(Link { title: tr("all_pages"), url: "pages.html".into(), current: false });
    }
    if !hb.faqs.is_empty() {
        nav.push(Link { title: tr("faq"), url: "faq.html".into(), current: false });
    }
    nav.push(Link { title: tr("contacts"), url: "contacts.html".into(), current: false });
    if !hb.sources.is_empty() {
        nav.push(Link { title: tr("sources"), url: "sources.html".into(), current: false });
    }
    let contacts = hb.contacts.iter().map(|c| (c.role.clone(), contact_view(c, lang, d))).collect();
    let sections = hb
        .sections
        .iter()
        .map(|s| SectionData {
            title: section_title(s, lang),
            index_rel: format!("{}/index.html", s.path),
            links: s
                .pages
                .iter()
                .map(|&i| Link {
                    title: hb.pages[i].doc.doc(lang).title.clone(),
                    url: format!("{}.html", hb.pages[i].path),
                    current: false,
                })
                .collect(),
        })
        .collect();
    let phase_list = SidebarList {
        title: t.get("phases").cloned(),
        links: hb
            .phases
            .iter()
            .map(|p| Link {
                title: p.doc.doc(lang).title.clone(),
                url: format!("phases/{}.html", p.id),
                current: false,
            })
            .collect(),
    };
    let playbook_list = SidebarList {
        title: t.get("playbooks").cloned(),
        links: hb
            .playbooks
            .iter()
            .map(|p| Link { title: text(&p.title, lang, d), url: format!("playbooks/{}.html", p.id), current: false })
            .collect(),
    };
    LangData {
        lang: lang.to_string(),
        site_title: text(&cfg.title, lang, d),
        organisation: opt_text(&cfg.organisation, lang, d),
        page_t: t.iter().filter(|(k, _)| !k.starts_with("js_")).map(|(k, v)| (k.clone(), v.clone())).collect(),
        t,
        targets,
        nav,
        contacts,
        sections,
        phase_list,
        playbook_list,
    }
}

#[cfg(test)]
mod i18n_tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every language of the default theme has every interface text, so a
    /// French handbook never shows a stray English button.
    #[test]
    fn theme_languages_are_complete() {
        let mut report = Report::default();
        let theme = crate::load::builtin_theme();
        let i18n = load_i18n(&theme, &theme, &mut report);
        assert!(report.is_empty(), "{report:?}");
        let en: BTreeSet<&String> = i18n["en"].keys().collect();
        for lang in ["nl", "fr"] {
            let keys: BTreeSet<&String> = i18n[lang].keys().collect();
            assert_eq!(keys, en, "interface texts of `{lang}` differ from English");
        }
    }
}
