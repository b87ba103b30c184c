//! Building the model: each file kind loaded, then the cross-file checks.

use super::files::{
    BrandingDef, CheckDef, ContactsFile, FaqFront, FaqYaml, HandbookFile, PageFront, PhaseFront, PlaybookFile,
    SourcesFile, StepDef,
};
use super::handbook::{
    Assessment, Config, Contact, Faq, Handbook, MdDoc, Page, Phase, Playbook, Section, Source, Step, Translated,
};
use super::parse::{check_id, culprit_field, explain_serde, parse_yaml_in, split_front_matter, split_lang, valid_lang};
use crate::diag::{did_you_mean, Diagnostic, Pos, Report, Severity};
use crate::load::Tree;
use crate::spans::{Seg, SpanIndex};
use crate::ypath;
use assessment_wasm::definition::AssessmentDef;
use assessment_wasm::time::{parse_due, TimeZone};
use rayon::prelude::*;
use schemars::JsonSchema;
use std::collections::{BTreeMap, BTreeSet};

pub fn build(tree: &Tree, report: &mut Report) -> Option<Handbook> {
    let config = load_config(tree, report)?;
    // The kinds of files are independent of each other: read them in
    // parallel, each into a report of its own, appended in a fixed order.
    let side = || Report::default();
    let (
        (((contacts, contacts_complete), r_contacts), (sources, r_sources)),
        (
            ((phases, r_phases), ((playbooks, steps), r_playbooks)),
            (((faqs, r_faqs), ((pages, sections), r_pages)), (assessments, r_assessments)),
        ),
    ) = rayon::join(
        || {
            rayon::join(
                || with_report(side(), |r| load_contacts(tree, r)),
                || with_report(side(), |r| load_sources(tree, r)),
            )
        },
        || {
            rayon::join(
                || {
                    rayon::join(
                        || with_report(side(), |r| load_phases(tree, &config, r)),
                        || with_report(side(), |r| load_playbooks(tree, r)),
                    )
                },
                || {
                    rayon::join(
                        || {
                            rayon::join(
                                || with_report(side(), |r| load_faqs(tree, &config, r)),
                                || with_report(side(), |r| load_pages(tree, &config, r)),
                            )
                        },
                        || with_report(side(), |r| load_assessments(tree, r)),
                    )
                },
            )
        },
    );
    for r in [r_contacts, r_sources, r_phases, r_playbooks, r_faqs, r_pages, r_assessments] {
        report.append(r);
    }
    let records = {
        let verdicts: Vec<&str> =
            assessments.iter().flat_map(|a| a.def.verdicts.iter().map(|v| v.id.as_str())).collect();
        let source_ids: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
        let mut records = crate::records::load(tree, &verdicts, &source_ids, report);
        let contact_ids: Vec<&str> = contacts.iter().map(|c| c.role.as_str()).collect();
        let questions: BTreeMap<String, Vec<String>> = assessments
            .iter()
            .flat_map(|a| a.def.questions.iter())
            .map(|q| (q.id.clone(), q.options.iter().map(|o| o.value.clone()).collect()))
            .collect();
        let cx = crate::records::FormContext {
            verdicts: &verdicts,
            sources: &source_ids,
            contacts: &contact_ids,
            questions: &questions,
        };
        records.forms = crate::records::load_forms(tree, &cx, report);
        records
    };
    let unparsed: Vec<String> = tree
        .files
        .keys()
        .filter(|p| {
            (p.starts_with("playbooks/") && !playbooks.iter().any(|pb| &pb.file == *p))
                || (p.starts_with("assessments/") && !assessments.iter().any(|a| &a.file == *p))
                || (p.as_str() == "contacts.yaml" && !contacts_complete)
        })
        .cloned()
        .collect();
    let mut statics = Vec::new();
    let mut templates = BTreeMap::new();
    for f in tree.files.values() {
        if f.path.starts_with("static/") {
            statics.push(f.path.clone());
        } else if let Some(name) = f.path.strip_prefix("templates/") {
            if let Some(t) = tree.text(&f.path, report) {
                templates.insert(name.to_string(), t.to_string());
            }
        } else if !known_file(&f.path) {
            report.push(
                Diagnostic::warning(&f.path, Pos::FILE, "irbook does not use this file")
                    .hint("content goes in phases/, playbooks/, faq/, sources/, assessments/, pages/ or static/"),
            );
        }
    }
    let hb = Handbook {
        config,
        contacts,
        phases,
        playbooks,
        steps,
        faqs,
        sources,
        pages,
        sections,
        assessments,
        records,
        statics,
        templates,
        unparsed,
    };
    check_references(&hb, tree, report);
    Some(hb)
}

/// Runs `f` with `report` and returns both (for loaders run in parallel).
fn with_report<T>(mut report: Report, f: impl FnOnce(&mut Report) -> T) -> (T, Report) {
    let value = f(&mut report);
    (value, report)
}

pub(super) fn known_file(path: &str) -> bool {
    matches!(
        path,
        "handbook.yaml"
            | "contacts.yaml"
            | "sources/sources.yaml"
            | "faq/faq.yaml"
            | "README.md"
            | crate::records::FOLLOW_UPS_FILE
    ) || ["phases/", "playbooks/", "faq/", "assessments/", "pages/", "static/", "templates/", crate::records::FORMS_DIR]
        .iter()
        .any(|p| path.starts_with(p))
}

/// One layer's handbook.yaml, parsed, with what is needed to point into it.
pub(super) struct ConfigVersion {
    file: HandbookFile,
    spans: std::sync::Arc<SpanIndex>,
    /// `None` for the handbook itself, else the base layer's label.
    layer: Option<String>,
}

/// The merged handbook.yaml and, per key, which layer's version set it.
pub(super) struct MergedConfig {
    file: HandbookFile,
    versions: Vec<ConfigVersion>,
    origin: BTreeMap<String, usize>,
}

impl MergedConfig {
    /// A problem at `path`, in the file of the layer that set its first key.
    fn diag(&self, severity: Severity, path: &[Seg], message: String) -> Diagnostic {
        let key = match path {
            [Seg::Key(a), Seg::Key(b), Seg::Key(c), ..] if a == "branding" && b == "colors" => format!("{a}.{b}.{c}"),
            [Seg::Key(a), Seg::Key(b), ..] if a == "branding" || a == "check" => format!("{a}.{b}"),
            [Seg::Key(a), ..] => a.clone(),
            _ => String::new(),
        };
        let v = self.origin.get(&key).map_or_else(|| self.versions.len() - 1, |&i| i);
        let version = &self.versions[v];
        let mut d = Diagnostic::error("handbook.yaml", version.spans.pos(path), message);
        d.severity = severity;
        d.layer = version.layer.clone();
        d
    }

    fn error(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        self.diag(Severity::Error, path, message.into())
    }

    fn warning(&self, path: &[Seg], message: impl Into<String>) -> Diagnostic {
        self.diag(Severity::Warning, path, message.into())
    }
}

/// Reads every layer's handbook.yaml (base first) and merges them: a key set
/// in an upper layer replaces the base's value; `branding` and `check` merge
/// one level deeper, `branding.colors` per colour.
pub(super) fn merge_config(tree: &Tree, report: &mut Report) -> Option<MergedConfig> {
    const FILE: &str = "handbook.yaml";
    let mut versions = Vec::new();
    let mut ok = true;
    for f in tree.versions(FILE) {
        let layer = (f.layer != tree.label).then(|| f.layer.clone());
        let mut sub = Report::default();
        let parsed = crate::load::file_text(f, &mut sub).and_then(|text| {
            parse_yaml_in::<HandbookFile>(tree, FILE, text, 0, &mut sub)
                .map(|h| (h, SpanIndex::build_in(&tree.memo, text, 0)))
        });
        report.extend(sub.sorted().into_iter().map(|mut d| {
            d.layer = layer.clone();
            d
        }));
        match parsed {
            Some((file, spans)) => versions.push(ConfigVersion { file, spans, layer }),
            None => ok = false,
        }
    }
    if !ok || versions.is_empty() {
        return None;
    }
    let mut out = HandbookFile::default();
    let mut origin = BTreeMap::new();
    for (i, v) in versions.iter().enumerate() {
        let f = &v.file;
        macro_rules! take {
            ($($field:ident),*) => {$(
                if f.$field.is_some() {
                    out.$field = f.$field.clone();
                    origin.insert(stringify!($field).to_string(), i);
                }
            )*};
        }
        take!(id, title, description, organisation, version, languages, default_language, timezone, allow_html, start);
        if let Some(b) = &f.branding {
            let ob = out.branding.get_or_insert_with(BrandingDef::default);
            if b.logo.is_some() {
                ob.logo = b.logo.clone();
                origin.insert("branding.logo".into(), i);
            }
            for (k, c) in &b.colors {
                ob.colors.insert(k.clone(), c.clone());
                origin.insert(format!("branding.colors.{k}"), i);
            }
        }
        if let Some(c) = &f.check {
            if c.max_source_age_days.is_some() {
                out.check.get_or_insert_with(CheckDef::default).max_source_age_days = c.max_source_age_days;
                origin.insert("check.max_source_age_days".into(), i);
            }
        }
    }
    Some(MergedConfig { file: out, versions, origin })
}

pub(super) fn load_config(tree: &Tree, report: &mut Report) -> Option<Config> {
    const FILE: &str = "handbook.yaml";
    if tree.get(FILE).is_none() {
        report.push(
            Diagnostic::error(FILE, Pos::FILE, format!("the folder `{}` has no handbook.yaml", tree.label))
                .hint("create handbook.yaml with at least `title:`, or run `irbook new DIR` to start a handbook"),
        );
        return None;
    }
    let m = merge_config(tree, report)?;
    let hf = m.file.clone();
    let Some(title) = hf.title else {
        report.push(
            m.error(&[], "handbook.yaml has no `title`")
                .hint("add a title, like `title: Incident handbook` or one per language: `title: {nl: …, en: …}`"),
        );
        return None;
    };
    let mut languages = hf.languages.unwrap_or_else(|| vec!["en".to_string()]);
    if languages.is_empty() {
        report.push(
            m.error(&ypath!["languages"], "`languages` is empty")
                .hint("list at least one language, like `languages: [nl, en]`"),
        );
        languages.push("en".into());
    }
    let mut seen = BTreeSet::new();
    for (i, l) in languages.iter().enumerate() {
        if !valid_lang(l) {
            report.push(
                m.error(&ypath!["languages", i], format!("`{l}` is not a language code"))
                    .hint("use a short lowercase code such as `nl`, `en` or `fr`"),
            );
        }
        if !seen.insert(l.clone()) {
            report.push(m.error(&ypath!["languages", i], format!("language `{l}` is listed twice")));
        }
    }
    // The errors are reported; what follows sees only usable codes, each once.
    let mut kept = BTreeSet::new();
    languages.retain(|l| valid_lang(l) && kept.insert(l.clone()));
    if languages.is_empty() {
        languages.push("en".into());
    }
    let mut default_language = hf.default_language.unwrap_or_else(|| languages[0].clone());
    if !languages.contains(&default_language) {
        report.push(
            m.error(
                &ypath!["default_language"],
                format!("the default language `{default_language}` is not in `languages`"),
            )
            .hint(format!("add it to `languages` or choose one of: {}", languages.join(", "))),
        );
        // Reported; later stages may rely on the default being a listed language.
        default_language = languages[0].clone();
    }
    if let Some(top) = m.versions.last() {
        if top.file.extends.is_none() && !top.file.exclude.is_empty() {
            report.push(
                m.warning(&ypath!["exclude"], "`exclude:` has no effect in a handbook that extends no other")
                    .hint("add `extends: ../base` (the folder of the base handbook), or remove `exclude:`"),
            );
        }
    }
    let id = match hf.id {
        Some(id) => {
            let mut sub = Report::default();
            let at = m.error(&ypath!["id"], "");
            check_id(&mut sub, FILE, Pos::new(at.line, at.column), "handbook", &id);
            report.extend(sub.sorted().into_iter().map(|d| Diagnostic { layer: at.layer.clone(), ..d }));
            id
        }
        None => slug(title.get(&default_language, &default_language)),
    };
    let timezone = match hf.timezone {
        None => TimeZone::Fixed { offset_min: 0 },
        Some(tz) => {
            let off = parse_offset(&tz.utc_offset);
            if off.is_none() {
                report.push(
                    m.error(&ypath!["timezone", "utc_offset"], format!("`{}` is not a UTC offset", tz.utc_offset))
                        .hint("write it like \"+01:00\" (in quotes)"),
                );
            }
            let off = off.unwrap_or(0);
            match tz.dst.as_deref() {
                None | Some("none") => TimeZone::Fixed { offset_min: off },
                Some("eu") => TimeZone::Eu { standard_offset_min: off },
                Some(other) => {
                    report.push(
                        m.error(&ypath!["timezone", "dst"], format!("unknown daylight-saving rule `{other}`"))
                            .hint("use `eu` (last Sunday of March to last Sunday of October) or `none`"),
                    );
                    TimeZone::Fixed { offset_min: off }
                }
            }
        }
    };
    let branding = crate::branding::Branding::from_def(
        hf.branding.as_ref().and_then(|b| b.logo.as_deref()),
        hf.branding.as_ref().map(|b| &b.colors),
        tree,
        &mut |path: &[Seg], severity: Severity, msg: String, hint: Option<String>| {
            report.push(m.diag(severity, path, msg).maybe_hint(hint));
        },
    );
    Some(Config {
        id,
        title,
        description: hf.description,
        organisation: hf.organisation,
        version: hf.version,
        languages,
        default_language,
        timezone,
        allow_html: hf.allow_html.unwrap_or(false),
        start: hf.start,
        branding,
        max_source_age_days: hf.check.and_then(|c| c.max_source_age_days).unwrap_or(DEFAULT_MAX_SOURCE_AGE_DAYS),
    })
}

/// JSON Schemas of every YAML file kind (and the front matter of Markdown
/// files): name, the files it applies to, and the schema.
pub fn schemas() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    fn s<T: JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default()
    }
    vec![
        ("handbook", "handbook.yaml", s::<HandbookFile>()),
        ("contacts", "contacts.yaml", s::<ContactsFile>()),
        ("playbook", "playbooks/*.yaml", s::<PlaybookFile>()),
        ("sources", "sources/sources.yaml", s::<SourcesFile>()),
        ("assessment", "assessments/*.yaml", s::<AssessmentDef>()),
        ("faq", "faq/faq.yaml", s::<FaqYaml>()),
        ("follow-ups", "records/follow-ups.yaml", s::<crate::records::FollowUpsFile>()),
        ("form", "records/forms/*.yaml", s::<crate::records::FormDef>()),
        ("phase-front-matter", "phases/*.md (front matter)", s::<PhaseFront>()),
        ("faq-front-matter", "faq/*.md (front matter)", s::<FaqFront>()),
        ("page-front-matter", "pages/**/*.md (front matter)", s::<PageFront>()),
    ]
}

/// How old a source may be before `irbook check` asks to look at it again.
pub const DEFAULT_MAX_SOURCE_AGE_DAYS: u32 = 365;

pub(super) fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 14 && m < 60 && h >= 0 && m >= 0).then_some(sign * (h * 60 + m))
}

pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in s.chars().flat_map(|c| c.to_lowercase()) {
        let c = match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push_str("section");
    }
    out
}

/// contacts.yaml, merged across layers by role: an upper layer's entry
/// replaces the base's entry for the same role, and `role: null` removes it.
/// The second value is false when a version or an entry did not parse: then
/// roles that seem unknown may be defined there, and are not reported again.
pub(super) fn load_contacts(tree: &Tree, report: &mut Report) -> (Vec<Contact>, bool) {
    const FILE: &str = "contacts.yaml";
    let mut out = Vec::new();
    let mut complete = true;
    struct Version {
        spans: std::sync::Arc<SpanIndex>,
        layer: Option<String>,
    }
    let mut versions: Vec<Version> = Vec::new();
    // Role, its value, and which version set it; in the order roles first appear.
    let mut entries: Vec<(String, serde_yaml::Value, usize)> = Vec::new();
    for f in tree.versions(FILE) {
        let layer = (f.layer != tree.label).then(|| f.layer.clone());
        let mut sub = Report::default();
        let text = crate::load::file_text(f, &mut sub);
        let parsed = text.and_then(|t| parse_yaml_in::<ContactsFile>(tree, FILE, t, 0, &mut sub));
        let spans = SpanIndex::build_in(&tree.memo, text.unwrap_or(""), 0);
        report.extend(sub.sorted().into_iter().map(|mut d| {
            d.layer = layer.clone();
            d
        }));
        let Some(cf) = parsed else {
            complete = false;
            continue;
        };
        let v = versions.len();
        for (k, value) in cf.contacts {
            let Some(role) = k.as_str().map(str::to_string) else {
                let mut d = Diagnostic::error(
                    FILE,
                    spans.pos(&ypath!["contacts"]),
                    "a contact role must be a text like `incident-lead`",
                );
                d.layer = layer.clone();
                report.push(d);
                continue;
            };
            match entries.iter().position(|(r, _, _)| *r == role) {
                Some(i) => entries[i] = (role, value, v),
                None => entries.push((role, value, v)),
            }
        }
        versions.push(Version { spans, layer });
    }
    for (role, value, v) in entries {
        if value.is_null() {
            continue;
        }
        let Version { spans, layer } = &versions[v];
        let mut sub = Report::default();
        let path = ypath!["contacts", role.as_str()];
        check_id(&mut sub, FILE, spans.key_pos(&path), "contact role", &role);
        match serde_yaml::from_value::<Contact>(value.clone()) {
            Ok(c) => {
                if let Some(w) = &c.window {
                    check_due(&mut sub, FILE, spans.pos(&ypath!["contacts", role.as_str(), "window"]), w, false);
                }
                for (field, val) in [("url", &c.url), ("form_url", &c.form_url)] {
                    if let Some(u) = val {
                        check_external_url(&mut sub, FILE, spans.pos(&ypath!["contacts", role.as_str(), field]), u);
                    }
                }
                out.push(Contact { role: role.clone(), ..c })
            }
            Err(e) => {
                complete = false;
                let (msg, hint) = explain_serde(&strip_location(&e.to_string()));
                let at = culprit_field::<Contact>(&value, &e.to_string())
                    .map(|field| spans.pos(&ypath!["contacts", role.as_str(), field.as_str()]))
                    .unwrap_or_else(|| spans.pos(&path));
                sub.push(Diagnostic::error(FILE, at, format!("contact `{role}`: {msg}")).maybe_hint(hint));
            }
        }
        report.extend(sub.sorted().into_iter().map(|mut d| {
            d.layer = layer.clone();
            d
        }));
    }
    let examples: Vec<&str> = out.iter().filter(|c| c.example).map(|c| c.role.as_str()).collect();
    if !examples.is_empty() {
        report.push(
            Diagnostic::warning(
                FILE,
                Pos::FILE,
                format!("{} example contacts still to fill in: {}", examples.len(), examples.join(", ")),
            )
            .hint("replace the example names and numbers with your own, then remove `example: true`"),
        );
    }
    (out, complete)
}

pub(super) fn strip_location(s: &str) -> String {
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// Checks a URL that leaves the site: only web and mail links are allowed.
pub fn check_external_url(report: &mut Report, file: &str, pos: Pos, url: &str) {
    let lower = url.trim().to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with("tel:"))
    {
        report.push(
            Diagnostic::error(file, pos, format!("`{url}` is not a web address"))
                .hint("write a full address starting with https://"),
        );
    }
}

pub(super) fn check_due(report: &mut Report, file: &str, pos: Pos, due: &str, allow_window: bool) {
    match parse_due(due) {
        Ok(assessment_wasm::time::Due::Window) if !allow_window => {
            report.push(
                Diagnostic::error(file, pos, "`window` is only allowed as a step's due time")
                    .hint("write a duration such as `24h`"),
            );
        }
        Ok(_) => {}
        Err(msg) => report.push(Diagnostic::error(file, pos, msg)),
    }
}

pub(super) fn load_sources(tree: &Tree, report: &mut Report) -> Vec<Source> {
    const FILE: &str = "sources/sources.yaml";
    let mut out = Vec::new();
    let Some(text) = tree.get(FILE).and_then(|_| tree.text(FILE, report)) else { return out };
    let Some(sf) = parse_yaml_in::<SourcesFile>(tree, FILE, text, 0, report) else { return out };
    let spans = SpanIndex::build_in(&tree.memo, text, 0);
    let mut seen = BTreeMap::new();
    for (i, s) in sf.sources.into_iter().enumerate() {
        let pos = spans.pos(&ypath!["sources", i, "id"]);
        check_id(report, FILE, pos, "source", &s.id);
        if let Some(first) = seen.insert(s.id.clone(), pos) {
            report.push(
                Diagnostic::error(FILE, pos, format!("duplicate source id `{}`", s.id))
                    .hint(format!("it is already used at line {}; give each source its own id", first.line)),
            );
        }
        check_external_url(report, FILE, spans.pos(&ypath!["sources", i, "url"]), &s.url);
        if !valid_date(&s.last_checked) {
            report.push(
                Diagnostic::error(
                    FILE,
                    spans.pos(&ypath!["sources", i, "last_checked"]),
                    format!("`{}` is not a date", s.last_checked),
                )
                .hint("write the date you last checked the source as YYYY-MM-DD"),
            );
        }
        out.push(s);
    }
    out
}

pub fn valid_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (y, m, d) = (s[..4].parse::<u32>(), s[5..7].parse::<u32>(), s[8..].parse::<u32>());
    matches!((y, m, d), (Ok(_), Ok(1..=12), Ok(1..=31)))
}

/// Groups Markdown files under `dir` by base path and language.
pub(super) fn markdown_groups(
    tree: &Tree,
    dir: &str,
    config: &Config,
    report: &mut Report,
) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut groups: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in tree.under(dir) {
        let Some((base, lang)) = split_lang(&f.path, ".md", &config.languages) else { continue };
        let lang = lang.unwrap_or(&config.default_language).to_string();
        let entry = groups.entry(base.to_string()).or_default();
        if let Some(other) = entry.get(&lang) {
            report_duplicate_translation(report, &f.path, other, &lang);
            continue;
        }
        entry.insert(lang, f.path.clone());
    }
    groups
}

pub(super) fn report_duplicate_translation(report: &mut Report, file: &str, other: &str, lang: &str) {
    report.push(
        Diagnostic::error(
            file,
            Pos::FILE,
            format!("two files give the `{lang}` text of the same page (the other is {other})"),
        )
        .hint("keep one: `slug.md` is the default language, `slug.LANG.md` a translation"),
    );
}

/// What a Markdown file's front matter gives, whatever its kind.
pub(super) struct FrontFields {
    title: String,
    summary: Option<String>,
    weight: Option<i64>,
    keywords: Option<String>,
}

/// Parses each language of a group with `parse_front`, fills missing
/// languages from the default one and warns about them.
pub(super) fn translated<F>(
    tree: &Tree,
    base: &str,
    files: &BTreeMap<String, String>,
    config: &Config,
    report: &mut Report,
    mut parse_front: F,
) -> Option<Translated>
where
    F: FnMut(&str, &str, usize, &mut Report) -> Option<FrontFields>,
{
    let mut docs = BTreeMap::new();
    for (lang, file) in files {
        let Some(text) = tree.text(file, report) else { continue };
        let Some((front, body, body_line)) = split_front_matter(text) else {
            let d = if text.starts_with("---") {
                Diagnostic::error(file, Pos::new(1, 1), "the front matter is not closed")
                    .hint("add a line with only `---` after the front matter")
            } else {
                Diagnostic::error(file, Pos::new(1, 1), "this page has no front matter")
                    .hint("start the file with a block like:\n---\ntitle: Page title\n---")
            };
            report.push(d);
            continue;
        };
        let Some(f) = parse_front(file, front, 1, report) else { continue };
        docs.insert(
            lang.clone(),
            MdDoc {
                file: file.clone(),
                lang: lang.clone(),
                title: f.title,
                summary: f.summary,
                body: body.to_string(),
                body_line,
                weight: f.weight,
                keywords: f.keywords.unwrap_or_default(),
            },
        );
    }
    if docs.is_empty() {
        return None;
    }
    let mut fallback = BTreeSet::new();
    for lang in &config.languages {
        if docs.contains_key(lang) {
            continue;
        }
        let src = docs.get(&config.default_language).or_else(|| docs.values().next()).cloned()?;
        report.push(
            Diagnostic::warning(
                &src.file,
                Pos::FILE,
                format!("no `{lang}` translation; readers of that language see the `{}` text", src.lang),
            )
            .hint(format!("add {base}.{lang}.md")),
        );
        fallback.insert(lang.clone());
        docs.insert(lang.clone(), src);
    }
    Some(Translated { base: base.to_string(), docs: docs.into_iter().collect(), fallback })
}

pub(super) fn load_phases(tree: &Tree, config: &Config, report: &mut Report) -> Vec<Phase> {
    let mut out: Vec<Phase> = Vec::new();
    let groups = markdown_groups(tree, "phases", config, report);
    for (base, files) in &groups {
        let mut ids = BTreeMap::new();
        let doc = translated(tree, base, files, config, report, |file, front, off, report| {
            let f: PhaseFront = parse_yaml_in(tree, file, front, off, report)?;
            let spans = SpanIndex::build_in(&tree.memo, front, off);
            check_id(report, file, spans.pos(&ypath!["id"]), "phase", &f.id);
            ids.insert(file.to_string(), (f.id.clone(), f.order, spans.pos(&ypath!["id"])));
            Some(FrontFields { title: f.title, summary: f.summary, weight: Some(f.order), keywords: f.keywords })
        });
        let Some(doc) = doc else { continue };
        let mut distinct: BTreeSet<(&String, i64)> = BTreeSet::new();
        for (id, order, _) in ids.values() {
            distinct.insert((id, *order));
        }
        if distinct.len() > 1 {
            let (file, (_, _, pos)) = ids.iter().nth(1).unwrap();
            report.push(
                Diagnostic::error(file, *pos, "the translations of this phase disagree on `id` or `order`")
                    .hint("give every language file of a phase the same id and order"),
            );
        }
        let (id, order, pos) = ids.values().next().cloned().unwrap();
        if let Some(other) = out.iter().find(|p| p.id == id) {
            report.push(
                Diagnostic::error(&doc.doc(&config.default_language).file, pos, format!("duplicate phase id `{id}`"))
                    .hint(format!("{} already uses it", other.doc.base)),
            );
            continue;
        }
        out.push(Phase { id, order, doc });
    }
    out.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    out
}

pub(super) fn load_playbooks(tree: &Tree, report: &mut Report) -> (Vec<Playbook>, BTreeMap<String, Step>) {
    let mut playbooks = Vec::new();
    let mut steps: BTreeMap<String, Step> = BTreeMap::new();
    let mut refs: Vec<(String, String, Pos)> = Vec::new(); // (file, step id, position)
    for f in tree.under("playbooks") {
        if !(f.path.ends_with(".yaml") || f.path.ends_with(".yml")) {
            report.push(Diagnostic::warning(&f.path, Pos::FILE, "only .yaml files are read in playbooks/"));
            continue;
        }
        let file = f.path.as_str();
        let Some(text) = tree.text(file, report) else { continue };
        let Some(pf) = parse_yaml_in::<PlaybookFile>(tree, file, text, 0, report) else { continue };
        let spans = SpanIndex::build_in(&tree.memo, text, 0);
        check_id(report, file, spans.pos(&ypath!["id"]), "playbook", &pf.id);
        if let Some(other) = playbooks.iter().find(|p: &&Playbook| p.id == pf.id) {
            report.push(
                Diagnostic::error(file, spans.pos(&ypath!["id"]), format!("duplicate playbook id `{}`", pf.id))
                    .hint(format!("{} already uses it", other.file)),
            );
            continue;
        }
        let mut ids = Vec::new();
        for (i, v) in pf.steps.into_iter().enumerate() {
            let path = ypath!["steps", i];
            if let Some(r) = v.get("ref") {
                let Some(r) = r.as_str() else {
                    report.push(Diagnostic::error(
                        file,
                        spans.pos(&ypath!["steps", i, "ref"]),
                        "`ref` must be a step id",
                    ));
                    continue;
                };
                if v.as_mapping().map_or(0, |m| m.len()) > 1 {
                    report.push(
                        Diagnostic::error(file, spans.pos(&path), "a step with `ref` takes no other fields")
                            .hint("change the step where it is defined, or give this one its own id"),
                    );
                }
                refs.push((file.to_string(), r.to_string(), spans.pos(&ypath!["steps", i, "ref"])));
                ids.push(r.to_string());
                continue;
            }
            let sd: StepDef = match serde_yaml::from_value(v) {
                Ok(s) => s,
                Err(e) => {
                    let (msg, hint) = explain_serde(&strip_location(&e.to_string()));
                    report.push(
                        Diagnostic::error(file, spans.pos(&path), format!("step {}: {msg}", i + 1)).maybe_hint(hint),
                    );
                    continue;
                }
            };
            let pos = spans.pos(&ypath!["steps", i, "id"]);
            check_id(report, file, pos, "step", &sd.id);
            if let Some(prev) = steps.get(&sd.id) {
                report.push(Diagnostic::error(file, pos, format!("duplicate step id `{}`", sd.id)).hint(format!(
                    "{}:{} defines it already; reuse it with `- ref: {}` or rename one",
                    prev.file, prev.pos.line, sd.id
                )));
                continue;
            }
            let due_pos = spans.pos(&ypath!["steps", i, "due"]);
            check_due(report, file, due_pos, &sd.due, true);
            if sd.due == "window" && sd.party.is_none() {
                report.push(
                    Diagnostic::error(file, due_pos, "`due: window` needs a `party` whose notification window to use")
                        .hint("add `party: insurer` (a contact with `window:`), or write a duration like `24h`"),
                );
            }
            if let Some(w) = &sd.when {
                if let Err(e) = assessment_wasm::language::expr::parse(w) {
                    let p = spans.pos_in_value(&ypath!["steps", i, "when"], e.span.0);
                    report.push(
                        Diagnostic::error(file, p, format!("in `when`: {}", e.message)).maybe_hint(e.hint.clone()),
                    );
                }
            }
            ids.push(sd.id.clone());
            let step = Step {
                id: sd.id.clone(),
                playbook: pf.id.clone(),
                phase: sd.phase,
                track: sd.track,
                owner: sd.owner,
                due: sd.due,
                party: sd.party,
                when: sd.when,
                serves: sd.serves,
                title: sd.title,
                text: sd.text,
                sources: sd.sources,
                file: file.to_string(),
                pos,
                index: i,
            };
            steps.insert(sd.id, step);
        }
        playbooks.push(Playbook {
            id: pf.id,
            file: file.to_string(),
            title: pf.title,
            summary: pf.summary,
            order: pf.order.unwrap_or(100),
            keywords: pf.keywords,
            steps: ids,
        });
    }
    let any_broken = tree.under("playbooks").count() > playbooks.len();
    for (file, id, pos) in refs {
        // A playbook that did not parse may define it; that error is reported already.
        if !steps.contains_key(&id) && !any_broken {
            report.push(
                Diagnostic::error(&file, pos, format!("unknown step `{id}`"))
                    .maybe_hint(did_you_mean(&id, steps.keys().map(String::as_str))),
            );
        }
    }
    for p in &mut playbooks {
        let mut seen = BTreeSet::new();
        p.steps.retain(|s| seen.insert(s.clone()));
    }
    playbooks.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    (playbooks, steps)
}

pub(super) fn load_faqs(tree: &Tree, config: &Config, report: &mut Report) -> Vec<Faq> {
    let mut out = Vec::new();
    let groups = markdown_groups(tree, "faq", config, report);
    for (base, files) in &groups {
        let doc = translated(tree, base, files, config, report, |file, front, off, report| {
            let f: FaqFront = parse_yaml_in(tree, file, front, off, report)?;
            Some(FrontFields { title: f.question, summary: None, weight: f.order, keywords: f.keywords })
        });
        let Some(doc) = doc else { continue };
        let id = base.rsplit('/').next().unwrap_or(base).to_string();
        let order = doc.doc(&config.default_language).weight.unwrap_or(100);
        out.push(Faq { id, order, doc });
    }
    if let Some(text) = tree.get("faq/faq.yaml").and_then(|_| tree.text("faq/faq.yaml", report)) {
        const FILE: &str = "faq/faq.yaml";
        if let Some(fy) = parse_yaml_in::<FaqYaml>(tree, FILE, text, 0, report) {
            let spans = SpanIndex::build_in(&tree.memo, text, 0);
            for (i, item) in fy.faq.into_iter().enumerate() {
                check_id(report, FILE, spans.pos(&ypath!["faq", i, "id"]), "question", &item.id);
                if out.iter().any(|f: &Faq| f.id == item.id) {
                    report.push(Diagnostic::error(
                        FILE,
                        spans.pos(&ypath!["faq", i, "id"]),
                        format!("duplicate question id `{}`", item.id),
                    ));
                    continue;
                }
                let mut docs = BTreeMap::new();
                for lang in &config.languages {
                    docs.insert(
                        lang.clone(),
                        MdDoc {
                            file: FILE.into(),
                            lang: lang.clone(),
                            title: item.question.get(lang, &config.default_language).to_string(),
                            summary: None,
                            body: item.answer.get(lang, &config.default_language).to_string(),
                            body_line: spans.pos(&ypath!["faq", i, "answer"]).line,
                            weight: item.order,
                            keywords: String::new(),
                        },
                    );
                }
                out.push(Faq {
                    id: item.id,
                    order: item.order.unwrap_or(100),
                    doc: Translated { base: FILE.into(), docs: docs.into_iter().collect(), fallback: BTreeSet::new() },
                });
            }
        }
    }
    out.sort_by(|a, b| (a.order, &a.id).cmp(&(b.order, &b.id)));
    out
}

pub(super) fn load_pages(tree: &Tree, config: &Config, report: &mut Report) -> (Vec<Page>, Vec<Section>) {
    let groups = markdown_groups(tree, "pages", config, report);
    let mut pages = Vec::new();
    let mut section_index: BTreeMap<String, Translated> = BTreeMap::new();
    // Front matter is parsed in parallel: at thousands of pages it is most of the model's time.
    let parsed: Vec<(&String, Option<Translated>, Report)> = groups
        .par_iter()
        .map(|(base, files)| {
            let mut r = Report::default();
            let doc = translated(tree, base, files, config, &mut r, |file, front, off, report| {
                let f: PageFront = parse_yaml_in(tree, file, front, off, report)?;
                Some(FrontFields { title: f.title, summary: f.description, weight: f.weight, keywords: f.keywords })
            });
            (base, doc, r)
        })
        .collect();
    for (base, doc, r) in parsed {
        report.append(r);
        let Some(doc) = doc else { continue };
        let path = base.strip_prefix("pages/").unwrap_or(base).to_string();
        let (section, name) = match path.rsplit_once('/') {
            Some((s, n)) => (s.to_string(), n),
            None => (String::new(), path.as_str()),
        };
        if name == "_section" {
            section_index.insert(section, doc);
            continue;
        }
        if name == "index" {
            report.push(
                Diagnostic::error(
                    &doc.doc(&config.default_language).file,
                    Pos::FILE,
                    "a page cannot be called `index`",
                )
                .hint("use `_section.md` for a folder's own title and text, or rename the page"),
            );
            continue;
        }
        let weight = doc.doc(&config.default_language).weight.unwrap_or(0);
        pages.push(Page { path, section, weight, doc });
    }
    // Sections: every folder that holds pages, plus folders with only a _section.md.
    let mut names: BTreeSet<String> = pages.iter().map(|p| p.section.clone()).filter(|s| !s.is_empty()).collect();
    names.extend(section_index.keys().filter(|s| !s.is_empty()).cloned());
    let mut sections = Vec::new();
    for name in names {
        let index = section_index.remove(&name);
        let weight = index.as_ref().and_then(|d| d.doc(&config.default_language).weight).unwrap_or(0);
        let lang = &config.default_language;
        let mut members: Vec<usize> = (0..pages.len()).filter(|&i| pages[i].section == name).collect();
        members.sort_by(|&a, &b| {
            (pages[a].weight, &pages[a].doc.doc(lang).title, &pages[a].path).cmp(&(
                pages[b].weight,
                &pages[b].doc.doc(lang).title,
                &pages[b].path,
            ))
        });
        sections.push(Section { path: name, weight, index, pages: members });
    }
    sections.sort_by(|a, b| (a.weight, &a.path).cmp(&(b.weight, &b.path)));
    (pages, sections)
}

pub(super) fn load_assessments(tree: &Tree, report: &mut Report) -> Vec<Assessment> {
    let mut out: Vec<Assessment> = Vec::new();
    for f in tree.under("assessments") {
        if !(f.path.ends_with(".yaml") || f.path.ends_with(".yml")) {
            continue;
        }
        let Some(text) = tree.text(&f.path, report) else { continue };
        let Some(def) = parse_yaml_in::<AssessmentDef>(tree, &f.path, text, 0, report) else { continue };
        if let Some(other) = out.iter().find(|a| a.def.id == def.id) {
            let spans = SpanIndex::build_in(&tree.memo, text, 0);
            report.push(
                Diagnostic::error(&f.path, spans.pos(&ypath!["id"]), format!("duplicate assessment id `{}`", def.id))
                    .hint(format!("{} already uses it", other.file)),
            );
            continue;
        }
        out.push(Assessment { def, file: f.path.clone(), text: text.to_string() });
    }
    // The incident questionnaire comes first wherever questionnaires are listed.
    out.sort_by(|a, b| {
        (a.def.kind != assessment_wasm::definition::Kind::Triage, &a.def.id)
            .cmp(&(b.def.kind != assessment_wasm::definition::Kind::Triage, &b.def.id))
    });
    out
}

/// Cross-file checks: owners, phases, sources, parties, start page.
pub(super) fn check_references(hb: &Handbook, tree: &Tree, report: &mut Report) {
    let roles: Vec<&str> = hb.contacts.iter().map(|c| c.role.as_str()).collect();
    // A contacts.yaml that did not parse has its own error; roles may be in it.
    let contacts_complete = !hb.unparsed.iter().any(|f| f == "contacts.yaml");
    let phases: Vec<&str> = hb.phases.iter().map(|p| p.id.as_str()).collect();
    let sources: Vec<&str> = hb.sources.iter().map(|s| s.id.as_str()).collect();
    // Positions need a second parse of the playbook; only for problems.
    let mut span_cache: BTreeMap<&str, SpanIndex> = BTreeMap::new();
    for step in hb.steps.values() {
        let i = step.index;
        let mut pos_of = |path: &[Seg]| {
            span_cache
                .entry(step.file.as_str())
                .or_insert_with(|| SpanIndex::build(tree.get(&step.file).and_then(|f| f.text()).unwrap_or(""), 0))
                .pos(path)
        };
        let mut at = |field: &str| pos_of(&ypath!["steps", i, field]);
        if !phases.contains(&step.phase.as_str()) {
            report.push(
                Diagnostic::error(&step.file, at("phase"), format!("unknown phase `{}`", step.phase)).maybe_hint(
                    did_you_mean(&step.phase, phases.iter().copied()).or_else(|| hint_list("phases", &phases)),
                ),
            );
        }
        if !roles.contains(&step.owner.as_str()) && contacts_complete {
            report.push(
                Diagnostic::error(&step.file, at("owner"), format!("unknown owner `{}`", step.owner)).maybe_hint(
                    did_you_mean(&step.owner, roles.iter().copied())
                        .or_else(|| Some(format!("add `{}:` to contacts.yaml, or use one of its roles", step.owner))),
                ),
            );
        }
        if let Some(party) = &step.party {
            match hb.contact(party) {
                None if !contacts_complete => {}
                None => report.push(
                    Diagnostic::error(&step.file, at("party"), format!("unknown party `{party}`")).maybe_hint(
                        did_you_mean(party, roles.iter().copied())
                            .or_else(|| Some(format!("add `{party}:` to contacts.yaml"))),
                    ),
                ),
                Some(c) if step.due == "window" && c.window.is_none() => report.push(
                    Diagnostic::error(
                        &step.file,
                        at("due"),
                        format!("`due: window`, but contact `{party}` has no `window`"),
                    )
                    .hint(format!(
                        "add `window: 24h` (the window from the contract or policy) to `{party}` in contacts.yaml"
                    )),
                ),
                _ => {}
            }
        }
        for (j, s) in step.sources.iter().enumerate() {
            if !sources.contains(&s.as_str()) {
                let pos = pos_of(&ypath!["steps", i, "sources", j]);
                report.push(Diagnostic::error(&step.file, pos, format!("unknown source `{s}`")).maybe_hint(
                    did_you_mean(s, sources.iter().copied()).or_else(|| Some("add it to sources/sources.yaml".into())),
                ));
            }
        }
    }
    if let Some(start) = &hb.config.start {
        if tree.get(start).is_none() {
            let text = tree.get("handbook.yaml").and_then(|f| f.text()).unwrap_or("");
            let pos = SpanIndex::build_in(&tree.memo, text, 0).pos(&ypath!["start"]);
            report.push(
                Diagnostic::error("handbook.yaml", pos, format!("`start` points to `{start}`, which does not exist"))
                    .hint("give the path of a file in the handbook, such as assessments/triage.yaml"),
            );
        }
    }
}

pub(super) fn hint_list(what: &str, items: &[&str]) -> Option<String> {
    if items.is_empty() {
        Some(format!("there are no {what} yet"))
    } else {
        Some(format!("the {what} are: {}", items.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_counts_lines() {
        let (front, body, line) = split_front_matter("---\ntitle: A\nweight: 2\n---\nHello\n").unwrap();
        assert_eq!(front, "title: A\nweight: 2\n");
        assert_eq!(body, "Hello\n");
        assert_eq!(line, 5);
        assert!(split_front_matter("no front matter").is_none());
    }

    #[test]
    fn splits_language_suffix() {
        let langs = vec!["nl".to_string(), "en".to_string()];
        assert_eq!(split_lang("faq/a.nl.md", ".md", &langs), Some(("faq/a", Some("nl"))));
        assert_eq!(split_lang("faq/a.md", ".md", &langs), Some(("faq/a", None)));
        assert_eq!(split_lang("faq/v1.2.md", ".md", &langs), Some(("faq/v1.2", None)));
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Eerste hulp: wat nú?"), "eerste-hulp-wat-nu");
    }

    #[test]
    fn parses_offsets() {
        assert_eq!(parse_offset("+01:00"), Some(60));
        assert_eq!(parse_offset("-03:30"), Some(-210));
        assert_eq!(parse_offset("01:00"), None);
    }
}
