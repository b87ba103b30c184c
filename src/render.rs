//! Rendering: Markdown through [`crate::markdown`], questionnaires through the
//! engine's compiler, then every page through the theme's Tera templates, in
//! parallel. Navigation data is built once per language and shared by
//! reference; each page only adds its own small context.

use crate::diag::{Diagnostic, Pos, Report};
use crate::load::Tree;
use crate::markdown::{self, DocContext, Rendered, Targets};
use crate::model::{Handbook, Translated};
use crate::spans::{Seg, SpanIndex};
use assessment_wasm::compile::{compile, Compiled, PathSeg, Severity};
use assessment_wasm::model::{ContactInfo, Context as EngineContext, PhaseInfo, SourceInfo, StepInfo, Track};
use assessment_wasm::text::Text;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// The Content-Security-Policy of every page: no inline script, no remote
/// origin, no eval; WebAssembly compilation is the one exception.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'";

/// The engine as built by build.rs: wasm-bindgen glue plus the module in base64.
pub const ENGINE_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/engine.js"));

type Strings = BTreeMap<String, String>;

#[derive(Serialize, Clone)]
struct Link {
    title: String,
    url: String,
    current: bool,
}

#[derive(Serialize, Clone)]
struct ContactView {
    role: String,
    name: String,
    title: String,
    phone: String,
    tel: String,
    email: String,
    url: String,
    form_url: String,
    hours: String,
    window: String,
    jurisdiction: String,
    example: bool,
    emergency: bool,
    notes: String,
}

#[derive(Serialize)]
struct StepView {
    id: String,
    title: String,
    html: String,
    owner: ContactView,
    party: Option<ContactView>,
    due: String,
    due_label: String,
    when: String,
    /// `when` in words, with the questionnaire's question texts; empty when it
    /// cannot be put in words.
    condition: String,
    sources: Vec<Link>,
    defined_in: Option<Link>,
}

#[derive(Serialize)]
struct PhaseLane {
    id: String,
    title: String,
    url: String,
    admin: Vec<StepView>,
    technical: Vec<StepView>,
}

/// Per-language data that every page of that language shares.
struct LangData {
    lang: String,
    t: Strings,
    /// `t` without the questionnaire script's words (`js_*`, shipped with the
    /// questionnaire data): what templates get. Every page copies it into its
    /// context, and the script's words were nearly half of it.
    page_t: Strings,
    targets: Targets,
    /// Main navigation, URLs relative to the language root.
    nav: Vec<Link>,
    contacts: HashMap<String, ContactView>,
    site_title: String,
    organisation: String,
    /// Per section of `pages/`: its title, index URL and page list, built once
    /// and borrowed by every page of the section while it renders.
    sections: Vec<SectionData>,
}

struct SectionData {
    title: String,
    index_rel: String,
    links: Vec<Link>,
}

/// Where rendered files go: the staging folder of a build, or nowhere (check).
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String>;
}

/// A sink that keeps nothing, for validating without writing.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _path: &str, _bytes: &[u8]) -> Result<(), String> {
        Ok(())
    }
}

/// A sink that keeps every file in memory, by output path (serve, single file).
#[derive(Default)]
pub struct Memory {
    files: std::sync::Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Memory {
    /// The files written so far, sorted by path.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        let mut files = self.files.lock().map_err(|_| "a rendering thread failed".to_string())?;
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// What a finished render produced.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Bytes of the search indexes, all languages together.
    pub search_bytes: u64,
    /// How long the stages took, for `build --timings`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

/// Markdown that a page renders itself, in parallel with the other pages.
enum Fill<'a> {
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

/// What the page renderers return, folded per piece of the job list and merged.
struct Pages {
    problems: Vec<Diagnostic>,
    written: usize,
    bytes: u64,
    /// Pages that could not be rendered or written, with the reason.
    failures: Vec<Diagnostic>,
    /// Pages that break the site's rules (web::policy): (file to blame, what, page).
    breaches: Vec<(String, String, String)>,
    /// Pages a template failed on: (template file, why, page).
    render_failures: Vec<(String, String, String)>,
    /// One per language, in the order of the handbook's languages.
    search: Vec<crate::search::Collector>,
}

impl Pages {
    fn new(langs: &[LangData]) -> Pages {
        Pages {
            problems: Vec::new(),
            written: 0,
            bytes: 0,
            failures: Vec::new(),
            breaches: Vec::new(),
            render_failures: Vec::new(),
            search: langs.iter().map(|l| crate::search::Collector::new(&l.lang)).collect(),
        }
    }

    fn merge(mut self, other: Pages) -> Pages {
        self.problems.extend(other.problems);
        self.written += other.written;
        self.bytes += other.bytes;
        self.failures.extend(other.failures);
        self.breaches.extend(other.breaches);
        self.render_failures.extend(other.render_failures);
        self.search = self.search.into_iter().zip(other.search).map(|(a, b)| a.merge(b)).collect();
        self
    }
}

/// Where a page goes in the search: its language (index into the handbook's
/// languages), its page number there, and what it belongs to.
type SearchSlot = (usize, u32, String);

/// A page to render: output path, template, its own context and its Markdown.
struct Job<'a> {
    path: String,
    template: &'static str,
    ctx: tera::Context,
    /// Output path of the same page relative to the language root (for the language switch).
    rel: String,
    nav_key: &'static str,
    fill: Fill<'a>,
}

/// Renders every page and asset into `sink`; returns `None` when the content
/// has errors (the sink may then hold a partial site, which the caller discards).
pub fn render_site(
    hb: &Handbook,
    content: &Tree,
    theme: &Tree,
    report: &mut Report,
    sink: &dyn Sink,
) -> Option<Summary> {
    let begun = std::time::Instant::now();
    let i18n = load_i18n(theme, report);
    let tera = load_templates(theme, hb, report)?;
    let cfg = &hb.config;
    for l in cfg.languages.iter().filter(|l| !i18n.contains_key(*l)) {
        report.push(
            Diagnostic::warning(
                "handbook.yaml",
                Pos::FILE,
                format!("the theme has no interface texts in `{l}`; menus and buttons of those pages are in English"),
            )
            .hint(format!(
                "the theme speaks: {}; add a `{l}:` block to the theme's i18n.yaml to translate them",
                i18n.keys().cloned().collect::<Vec<_>>().join(", ")
            )),
        );
    }

    let langs: Vec<LangData> = cfg.languages.iter().map(|l| lang_data(hb, l, &i18n)).collect();

    // Step texts are Markdown too; they are short and shared by several pages.
    let mut step_html: HashMap<(String, String), String> = HashMap::new();
    for step in hb.steps.values() {
        for ld in &langs {
            let text = step.text.as_ref().map(|t| t.get(&ld.lang, &cfg.default_language)).unwrap_or("");
            let ctx = DocContext {
                file: &step.file,
                first_line: step.pos.line,
                to_lang_root: "../",
                to_site_root: "../../",
                languages: &cfg.languages,
                allow_html: cfg.allow_html,
            };
            let mut problems = Vec::new();
            let r = markdown::render(text, &ctx, &ld.targets, &mut problems);
            // Positions inside a YAML block are approximate; point at the step.
            if ld.lang == cfg.default_language
                || step.text.as_ref().is_some_and(|t| {
                    t.resolve(&ld.lang, &cfg.default_language).1 == assessment_wasm::text::Resolved::Exact
                })
            {
                for mut p in problems {
                    p.line = step.pos.line;
                    p.column = step.pos.column;
                    p.message = format!("in the text of step `{}`: {}", step.id, p.message);
                    report.push(p);
                }
            }
            step_html.insert((step.id.clone(), ld.lang.clone()), r.html);
        }
    }

    // Questionnaires: compile for every language (validates them, too).
    let compiled = compile_assessments(hb, content, &langs, report);

    let mut jobs: Vec<Job> = Vec::new();
    for ld in &langs {
        page_jobs(hb, ld, &step_html, &compiled, &mut jobs);
    }
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for j in &jobs {
        if seen.insert(j.path.as_str(), ()).is_some() {
            let file = match &j.fill {
                Fill::Doc(doc) => doc.doc(j.path.split('/').next().unwrap_or("")).file.clone(),
                _ => "pages".to_string(),
            };
            report.push(Diagnostic::error(file, Pos::FILE, format!("two pages would be written to `{}`", j.path)).hint("rename this page: its name is taken by a page irbook makes itself (faq, sources, contacts, index, …) or by another page"));
        }
    }
    drop(seen);
    let lang_index: HashMap<&str, &LangData> = langs.iter().map(|l| (l.lang.as_str(), l)).collect();
    let policy = crate::web::policy::Policy { csp: CSP, allow_html: cfg.allow_html };
    let started = std::time::Instant::now();
    // Search numbers the pages of each language in job order before rendering,
    // so that threads can collect them in any order (see `search::Collector`).
    let mut next_doc = vec![0u32; langs.len()];
    let jobs: Vec<(Job, Option<SearchSlot>)> = jobs
        .into_iter()
        .map(|job| {
            let li = langs.iter().position(|l| job.path.split('/').next() == Some(l.lang.as_str())).unwrap_or(0);
            let search = search_group(job.template, &job.fill, &job.ctx, &langs[li]).map(|group| {
                next_doc[li] += 1;
                (li, next_doc[li] - 1, group)
            });
            (job, search)
        })
        .collect();
    // One collection per render thread, merged at the end: per piece of work
    // would mean a word cache and term table per piece.
    let workers: Vec<Mutex<Pages>> =
        (0..rayon::current_num_threads()).map(|_| Mutex::new(Pages::new(&langs))).collect();
    jobs.into_par_iter().for_each(|(job, search)| {
            let lang = job.path.split('/').next().unwrap_or("");
            let ld = lang_index[lang];
            let (to_lang, to_site) = prefixes(&job.path);
            let mut ctx = job.ctx;
            let mut problems = Vec::new();
            let mut render_md = |doc: &Translated| -> Rendered {
                let d = doc.doc(&ld.lang);
                let dctx = DocContext { file: &d.file, first_line: d.body_line, to_lang_root: &to_lang, to_site_root: &to_site, languages: &cfg.languages, allow_html: cfg.allow_html };
                let mut p = Vec::new();
                let r = markdown::render(&d.body, &dctx, &ld.targets, &mut p);
                // A fallback text is rendered for several languages; report its problems once.
                if !doc.fallback.contains(&ld.lang) {
                    problems.extend(p);
                }
                r
            };
            match job.fill {
                Fill::None => {}
                Fill::Doc(doc) => {
                    let r = render_md(doc);
                    ctx.insert("content", &r.html);
                    ctx.insert("toc", &r.toc);
                }
                Fill::SectionPage(page, sec) => {
                    let doc = page.doc.doc(&ld.lang);
                    ctx.insert("page_title", &doc.title);
                    ctx.insert("summary", doc.summary.as_deref().unwrap_or(""));
                    ctx.insert("fallback", &page.doc.fallback.contains(&ld.lang));
                    ctx.insert("section_title", &sec.title);
                    ctx.insert("section_url", &sec.index_rel);
                    ctx.insert("sidebar_title", &sec.title);
                    ctx.insert("sidebar", &SectionNav { links: &sec.links, current: &job.rel });
                    let r = render_md(&page.doc);
                    ctx.insert("content", &r.html);
                    ctx.insert("toc", &r.toc);
                }
                Fill::Intro { text, file } => {
                    let dctx = DocContext { file, first_line: 1, to_lang_root: &to_lang, to_site_root: &to_site, languages: &cfg.languages, allow_html: cfg.allow_html };
                    let r = markdown::render(&text, &dctx, &ld.targets, &mut problems);
                    ctx.insert("intro_html", &r.html);
                }
                Fill::Faq => {
                    let items: Vec<serde_json::Value> = hb
                        .faqs
                        .iter()
                        .map(|f| {
                            let r = render_md(&f.doc);
                            serde_json::json!({"id": f.id, "question": f.doc.doc(&ld.lang).title, "html": r.html, "fallback": f.doc.fallback.contains(&ld.lang)})
                        })
                        .collect();
                    ctx.insert("items", &items);
                }
            }
            ctx.insert("lang", &ld.lang);
            ctx.insert("t", &ld.page_t);
            ctx.insert("root", &to_site);
            ctx.insert("lroot", &to_lang);
            ctx.insert("csp", CSP);
            ctx.insert("site_title", &ld.site_title);
            ctx.insert("organisation", &ld.organisation);
            ctx.insert("handbook_id", &cfg.id);
            ctx.insert("brand_css", &cfg.branding.css.is_some());
            ctx.insert("logo", &cfg.branding.logo);
            let nav: Vec<Link> = ld
                .nav
                .iter()
                .map(|l| Link { title: l.title.clone(), url: format!("{to_lang}{}", l.url), current: l.url == job.nav_key || l.url == job.rel })
                .collect();
            ctx.insert("nav", &nav);
            let switch: Vec<serde_json::Value> = langs
                .iter()
                .map(|o| serde_json::json!({"title": o.t.get("language_name").cloned().unwrap_or_else(|| o.lang.clone()), "url": format!("{to_site}{}/{}", o.lang, job.rel), "current": o.lang == ld.lang, "code": o.lang}))
                .collect();
            ctx.insert("languages", &switch);
            let html = tera.render(job.template, &ctx).map_err(|e| {
                // Tera says which page template failed, then why; the why is what pages share.
                let full = tera_error(&e);
                let why = full.split_once(".: ").map_or(full.as_str(), |(_, w)| w).to_string();
                (template_file(job.template, hb), why, job.path.clone())
            });
            let breaches = html.as_ref().map(|h| crate::web::policy::check_page(h, &policy)).unwrap_or_default();
            let written = html.as_ref().map_err(|_| None).and_then(|html| {
                sink.put(&job.path, html.as_bytes()).map(|()| html.len() as u64).map_err(|e| {
                    Some(Diagnostic::error(&job.path, Pos::FILE, format!("this page could not be written: {e}"))
                        .hint("check that the output folder is writable and the disk is not full"))
                })
            });
            // Each thread has its own collection; the lock is only ever taken by it.
            let worker = rayon::current_thread_index().unwrap_or(0) % workers.len();
            let mut acc = workers[worker].lock().unwrap_or_else(|e| e.into_inner());
            let html = html.map_err(|failed| acc.render_failures.push(failed));
            // The page's words for the search index, read from what was just rendered.
            if let (Ok(html), Some((li, doc, group))) = (&html, search) {
                let title = ctx.get("page_title").and_then(|v| v.as_str()).unwrap_or("");
                acc.search[li].add_html(crate::search::PageRef { doc, url: &job.rel, title, group: &group }, html);
            }
            acc.problems.extend(problems);
            for b in breaches {
                acc.breaches.push((template_file(job.template, hb), b.message, job.path.clone()));
            }
            match written {
                Ok(n) => {
                    acc.written += 1;
                    acc.bytes += n;
                }
                Err(Some(e)) => acc.failures.push(e),
                Err(None) => {}
            }
        });
    let pages = workers
        .into_iter()
        .map(|w| w.into_inner().unwrap_or_else(|e| e.into_inner()))
        .reduce(Pages::merge)
        .unwrap_or_else(|| Pages::new(&langs));
    let mut summary = Summary { pages: pages.written, files: pages.written, bytes: pages.bytes, ..Summary::default() };
    summary.timings.push(("templates, navigation, questionnaires", started - begun));
    let rendered = started.elapsed();
    summary.timings.push(("render pages", rendered));
    report.extend(pages.problems);
    report.extend(pages.failures);
    report_grouped(
        pages.render_failures,
        "a template failed: ",
        "fix the template; the message says which one and where",
        report,
    );
    report_breaches(pages.breaches, report);
    if report.has_errors() {
        return None;
    }
    let mut put = |path: &str, bytes: &[u8]| -> Option<()> {
        match sink.put(path, bytes) {
            Ok(()) => {
                summary.files += 1;
                summary.bytes += bytes.len() as u64;
                Some(())
            }
            Err(e) => {
                report.push(Diagnostic::error(path, Pos::FILE, format!("could not be written: {e}")));
                None
            }
        }
    };
    // The root page sends the reader to the default language.
    let mut root_ctx = tera::Context::new();
    let default = lang_index[cfg.default_language.as_str()];
    root_ctx.insert("csp", CSP);
    root_ctx.insert("site_title", &default.site_title);
    root_ctx.insert("default_language", &cfg.default_language);
    root_ctx.insert("lang", &cfg.default_language);
    root_ctx.insert("t", &default.t);
    let choices: Vec<Link> = langs
        .iter()
        .map(|o| Link {
            title: o.t.get("language_name").cloned().unwrap_or_else(|| o.lang.clone()),
            url: format!("{}/index.html", o.lang),
            current: o.lang == cfg.default_language,
        })
        .collect();
    root_ctx.insert("languages", &choices);
    let root = tera.render("root.html", &root_ctx).map_err(|e| tera_error(&e));
    match root {
        Ok(s) => {
            let breaches = crate::web::policy::check_page(&s, &policy);
            if !breaches.is_empty() {
                let list =
                    breaches.into_iter().map(|b| (template_file("root.html", hb), b.message, "index.html".to_string()));
                report_breaches(list.collect(), report);
                return None;
            }
            put("index.html", s.as_bytes())?
        }
        Err(e) => {
            report.push(Diagnostic::error("templates/root.html", Pos::FILE, e));
            return None;
        }
    }

    // Assets: the theme's static files, the engine, and each compiled questionnaire.
    for f in theme.under("static") {
        let rel = f.path.strip_prefix("static/").unwrap_or(&f.path);
        put(&format!("assets/{rel}"), &f.bytes)?;
    }
    if let Some(css) = &cfg.branding.css {
        put("assets/brand.css", css.as_bytes())?;
    }
    if !compiled.is_empty() {
        put("assets/engine.js", ENGINE_JS.as_bytes())?;
    }
    for ((id, lang), c) in &compiled {
        // The questionnaire script's own words travel with the questionnaire data.
        let ui: BTreeMap<&String, &String> =
            lang_index[lang.as_str()].t.iter().filter(|(k, _)| k.starts_with("js_")).collect();
        let ui = serde_json::to_string(&ui).unwrap_or_default();
        // A registry keyed by language and id, so that one page can hold several
        // questionnaires (the single file holds them all). `<` is escaped so the
        // script can also stand inline in HTML without ending early.
        // A triage is also the incident record: what follows from a
        // notification comes from content (`records/follow-ups.yaml`).
        let record = if c.kind == assessment_wasm::model::Kind::Triage {
            format!(",\"record\":{}", record_json(hb, lang))
        } else {
            String::new()
        };
        let data = format!("{{\"def\":{},\"ui\":{ui}{record}}}", c.to_json()).replace('<', "\\u003c");
        let key = serde_json::to_string(&format!("{lang}/{id}")).unwrap_or_default();
        let js = format!(
            "/* irbook questionnaire `{id}` ({lang}) */\n(window.IRBOOK_ASSESSMENTS = window.IRBOOK_ASSESSMENTS || {{}})[{key}] = {data};\n"
        );
        put(&format!("assets/{lang}/assessment-{id}.js"), js.as_bytes())?;
    }
    let mut static_warnings = Report::default();
    for s in &hb.statics {
        if let Some(f) = content.get(s) {
            static_warning(s, &f.bytes, &mut static_warnings);
            put(s, &f.bytes)?;
        }
    }
    // One search index per language, built in parallel.
    let indexes: Vec<(&str, crate::search::Index)> =
        langs.par_iter().zip(pages.search).map(|(l, c)| (l.lang.as_str(), c.finish())).collect();
    summary.timings.push(("search index", started.elapsed() - rendered));
    for (lang, index) in indexes {
        put(&format!("assets/{lang}/search-index.js"), index.js.as_bytes())?;
        summary.search_bytes += index.js.len() as u64;
    }
    report.append(static_warnings);
    summary.pages += 1;
    Some(summary)
}

/// The file to blame for what a template produced: the handbook's override
/// of that template, or else its overrides in general (a page template
/// extends and includes others), or else the theme.
fn template_file(name: &str, hb: &Handbook) -> String {
    if hb.templates.contains_key(name) {
        return format!("templates/{name}");
    }
    match hb.templates.keys().next() {
        Some(other) if hb.templates.len() == 1 => format!("templates/{other}"),
        Some(_) => format!("templates/ (the overrides used by {name})"),
        None => format!("the theme's templates/{name}"),
    }
}

/// Files in static/ are published as they are, so they escape the page
/// rules: an HTML page there has no CSP unless it brings its own, and an SVG
/// opened on its own runs its scripts. Say so, so nobody is surprised.
fn static_warning(path: &str, bytes: &[u8], report: &mut Report) {
    let lower = path.to_ascii_lowercase();
    let text = String::from_utf8_lossy(bytes);
    if [".html", ".htm", ".xhtml"].iter().any(|e| lower.ends_with(e)) {
        let policy = crate::web::policy::Policy { csp: CSP, allow_html: false };
        let breaches = crate::web::policy::check_page(&text, &policy);
        if !breaches.is_empty() {
            let what: Vec<String> = breaches.into_iter().take(3).map(|b| b.message).collect();
            report.push(
                Diagnostic::warning(path, Pos::FILE, format!("this page is published as it is, outside the site's rules: {}", what.join("; ")))
                    .hint("irbook copies static/ files unchanged; write the page as Markdown in pages/ to get the site's protection, or keep it and accept the risk"),
            );
        }
    } else if lower.ends_with(".svg") {
        let policy = crate::web::policy::Policy { csp: CSP, allow_html: false };
        let risky: Vec<String> = crate::web::policy::check_page(&text, &policy)
            .into_iter()
            .map(|b| b.message)
            .filter(|m| !m.contains("Content-Security-Policy"))
            .collect();
        if !risky.is_empty() {
            report.push(
                Diagnostic::warning(path, Pos::FILE, format!("this SVG runs or loads something when opened on its own: {}", risky.join("; ")))
                    .hint("remove scripts, event handlers and outside references from the SVG; as an <img> the browser ignores them, opened directly it does not"),
            );
        }
    }
}

/// Reports each broken page rule once per file, with how many pages show it.
fn report_breaches(breaches: Vec<(String, String, String)>, report: &mut Report) {
    report_grouped(
        breaches,
        "",
        "every page must keep the theme's Content-Security-Policy meta tag, run scripts only from files \
         (<script src>), and load nothing from another host; change the template, or put the script in static/",
        report,
    );
}

/// One error per (file, message) of `(file, message, page)` triples, saying
/// how many pages had it: a broken template breaks every page it renders.
fn report_grouped(mut items: Vec<(String, String, String)>, prefix: &str, hint: &str, report: &mut Report) {
    items.sort();
    let mut i = 0;
    while i < items.len() {
        let (file, what, page) = &items[i];
        let n = items[i..].iter().take_while(|(f, w, _)| f == file && w == what).count();
        let pages = if n == 1 { format!("page `{page}`") } else { format!("{n} pages, such as `{page}`") };
        report.push(Diagnostic::error(file.as_str(), Pos::FILE, format!("{prefix}{what} (in {pages})")).hint(hint));
        i += n;
    }
}

/// What a page belongs to, shown with its search results; `None` for pages
/// that only list others (home, the playbook list), which search leaves out.
fn search_group(template: &str, fill: &Fill, ctx: &tera::Context, ld: &LangData) -> Option<String> {
    let tr = |k: &str| ld.t.get(k).cloned().unwrap_or_default();
    Some(match template {
        "home.html" | "playbooks.html" | "assessments.html" | "pages.html" | "binder.html" => return None,
        "phase.html" => match ctx.get("order") {
            Some(order) => format!("{} {order}", tr("phase")),
            None => tr("phase"),
        },
        "playbook.html" => tr("playbook"),
        "assessment.html" => tr("questionnaires"),
        "faq.html" => tr("faq"),
        _ => match fill {
            Fill::SectionPage(_, sec) => sec.title.clone(),
            _ => String::new(),
        },
    })
}

fn tera_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// Relative prefixes from an output page to the language root and the site root.
fn prefixes(out_path: &str) -> (String, String) {
    let depth = out_path.matches('/').count();
    let to_site = "../".repeat(depth);
    let to_lang = "../".repeat(depth.saturating_sub(1));
    (to_lang, to_site)
}

fn load_i18n(theme: &Tree, report: &mut Report) -> BTreeMap<String, Strings> {
    let Some(text) = theme.get("i18n.yaml").and_then(|f| f.text()) else {
        report.push(Diagnostic::error("i18n.yaml", Pos::FILE, "the theme has no i18n.yaml with its interface texts"));
        return BTreeMap::new();
    };
    crate::model::parse_yaml(&format!("theme/{}", "i18n.yaml"), text, 0, report).unwrap_or_default()
}

fn load_templates(theme: &Tree, hb: &Handbook, report: &mut Report) -> Option<tera::Tera> {
    let mut tera = tera::Tera::default();
    // A page holds what the handbook says, never what the building machine
    // has: no environment variables (Tera's `get_env`), and no runaway lists.
    tera.register_function("get_env", |_: &HashMap<String, tera::Value>| {
        Err(tera::Error::msg(
            "`get_env` is switched off in irbook: a template may not put the build machine's environment into pages",
        ))
    });
    tera.register_function("range", bounded_range);
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    let mut list: BTreeMap<String, String> = BTreeMap::new();
    for f in theme.under("templates") {
        if let Some(t) = f.text() {
            list.insert(f.path.trim_start_matches("templates/").to_string(), t.to_string());
        }
    }
    for (name, text) in &hb.templates {
        if !list.contains_key(name) {
            report.push(
                Diagnostic::warning(
                    format!("templates/{name}"),
                    Pos::FILE,
                    "the theme has no template of this name, so this file is not used",
                )
                .maybe_hint(crate::diag::did_you_mean(name, list.keys().map(String::as_str))),
            );
        }
        list.insert(name.clone(), text.clone());
    }
    if let Err(e) = tera.add_raw_templates(list.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        let file = if hb.templates.is_empty() { "theme".to_string() } else { "templates/".to_string() };
        report.push(
            Diagnostic::error(file, Pos::FILE, format!("a template does not parse: {}", tera_error(&e)))
                .hint("fix the Tera syntax in the template override"),
        );
        return None;
    }
    Some(tera)
}

/// Tera's `range(end, start=0, step_by=1)`, refusing lists of more than
/// [`MAX_RANGE`] numbers (a typo like `range(end=1e9)` would exhaust memory).
fn bounded_range(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    const MAX_RANGE: u64 = 100_000;
    let arg = |name: &str, default: Option<u64>| -> tera::Result<u64> {
        match args.get(name) {
            Some(v) => v.as_u64().ok_or_else(|| {
                tera::Error::msg(format!("`range` received {name}={v}, but {name} must be a whole number of 0 or more"))
            }),
            None => default.ok_or_else(|| tera::Error::msg(format!("`range` needs an `{name}` argument"))),
        }
    };
    let (start, end, step) = (arg("start", Some(0))?, arg("end", None)?, arg("step_by", Some(1))?);
    if step == 0 {
        return Err(tera::Error::msg("`range` received step_by=0"));
    }
    if end.saturating_sub(start) / step > MAX_RANGE {
        return Err(tera::Error::msg(format!("`range` would make more than {MAX_RANGE} numbers")));
    }
    Ok(tera::Value::from((start..end).step_by(step as usize).collect::<Vec<u64>>()))
}

/// HTML escaping for template output. Unlike Tera's default it leaves `/`
/// alone, which needs no escaping and would make every URL unreadable.
pub fn escape_html(s: &str) -> String {
    crate::web::html::escape(s)
}

/// The incident record's content for the page, in `lang`: notification
/// stages and follow-ups with their sources.
pub fn record_json(hb: &Handbook, lang: &str) -> String {
    let d = hb.config.default_language.as_str();
    let stages: Vec<serde_json::Value> = hb
        .records
        .stages
        .iter()
        .map(|s| serde_json::json!({"id": s.id, "verdict": s.verdict, "title": text(&s.title, lang, d)}))
        .collect();
    let follow_ups: Vec<serde_json::Value> = hb
        .records
        .follow_ups
        .iter()
        .map(|f| {
            let sources: Vec<serde_json::Value> = f
                .sources
                .iter()
                .filter_map(|id| hb.source(id))
                .map(|src| serde_json::json!({"title": text(&src.title, lang, d), "url": src.url}))
                .collect();
            serde_json::json!({
                "id": f.id, "after": f.after, "stage": f.stage, "due": f.due,
                "title": text(&f.title, lang, d), "text": text(&f.text, lang, d), "sources": sources,
            })
        })
        .collect();
    let forms: Vec<serde_json::Value> = hb.records.forms.iter().map(|f| form_json(hb, f, lang)).collect();
    serde_json::json!({"stages": stages, "follow_ups": follow_ups, "forms": forms}).to_string()
}

/// A form draft for the page, in `lang`; contacts are filled in here.
fn form_json(hb: &Handbook, f: &crate::records::FormDef, lang: &str) -> serde_json::Value {
    use crate::records::PartRef;
    let d = hb.config.default_language.as_str();
    let part = |p: &crate::records::Part| match p.get() {
        None => serde_json::Value::Null,
        Some(PartRef::Register(k)) => serde_json::json!({"register": k}),
        Some(PartRef::Answer(q)) => serde_json::json!({"answer": q}),
        Some(PartRef::Incident(k)) => serde_json::json!({"incident": k}),
        Some(PartRef::Verdict(v)) => serde_json::json!({"verdict": v}),
        Some(PartRef::Text(t)) => serde_json::json!({"text": text(t, lang, d)}),
        Some(PartRef::Ask(t)) => serde_json::json!({"ask": text(t, lang, d)}),
        Some(PartRef::Contact(role)) => {
            let line = hb
                .contact(role)
                .map(|c| {
                    let mut bits = vec![text(&c.name, lang, d)];
                    if let Some(t) = &c.title {
                        bits[0] = format!("{} ({})", bits[0], text(t, lang, d));
                    }
                    bits.extend(c.phone.clone());
                    bits.extend(c.email.clone());
                    bits.join(", ")
                })
                .unwrap_or_default();
            serde_json::json!({"text": line})
        }
    };
    let sections: Vec<serde_json::Value> = f
        .sections
        .iter()
        .map(|s| {
            let fields: Vec<serde_json::Value> = s
                .fields
                .iter()
                .map(|fi| {
                    serde_json::json!({
                        "label": fi.label.as_ref().map(|l| text(l, lang, d)),
                        "fill": fi.fill.iter().map(part).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::json!({"title": text(&s.title, lang, d), "fields": fields})
        })
        .collect();
    let sources: Vec<serde_json::Value> = f
        .sources
        .iter()
        .filter_map(|id| hb.source(id))
        .map(|src| serde_json::json!({"title": text(&src.title, lang, d), "url": src.url}))
        .collect();
    serde_json::json!({
        "id": f.id, "for": f.for_verdict, "when": f.when, "kind": f.kind,
        "title": text(&f.title, lang, d), "intro": text(&f.intro, lang, d),
        "sources": sources, "sections": sections,
    })
}

fn text(t: &Text, lang: &str, default: &str) -> String {
    t.get(lang, default).to_string()
}

fn opt_text(t: &Option<Text>, lang: &str, default: &str) -> String {
    t.as_ref().map(|t| text(t, lang, default)).unwrap_or_default()
}

fn lang_data(hb: &Handbook, lang: &str, i18n: &BTreeMap<String, Strings>) -> LangData {
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
            let title = section_title(s, lang, d);
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
            title: section_title(s, lang, d),
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
    }
}

fn section_title(s: &crate::model::Section, lang: &str, _d: &str) -> String {
    match &s.index {
        Some(doc) => doc.doc(lang).title.clone(),
        None => s.path.rsplit('/').next().unwrap_or(&s.path).replace(['-', '_'], " "),
    }
}

fn contact_view(c: &crate::model::Contact, lang: &str, d: &str) -> ContactView {
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

/// What the engine may refer to, with texts in `lang`.
fn engine_context(hb: &Handbook, lang: &str) -> EngineContext {
    let d = hb.config.default_language.as_str();
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
            text: markdown::plain(&opt_text(&s.text, lang, d)),
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
    match compile(&a.def, &engine_context(hb, lang)) {
        Ok((c, _warnings)) => Some(c),
        Err(diags) => {
            report_engine(hb, content, a, &diags, report);
            None
        }
    }
}

fn compile_assessments(
    hb: &Handbook,
    content: &Tree,
    langs: &[LangData],
    report: &mut Report,
) -> BTreeMap<(String, String), Compiled> {
    let mut out = BTreeMap::new();
    for (i, ld) in langs.iter().enumerate() {
        let ctx = engine_context(hb, &ld.lang);
        for a in &hb.assessments {
            match compile(&a.def, &ctx) {
                Ok((c, warnings)) => {
                    // Problems are the same in every language; report them once.
                    if i == 0 {
                        report_engine(hb, content, a, &warnings, report);
                    }
                    out.insert((a.def.id.clone(), ld.lang.clone()), c);
                }
                Err(diags) => {
                    if i == 0 {
                        report_engine(hb, content, a, &diags, report);
                    }
                }
            }
        }
    }
    out
}

/// Turns the engine's path-based diagnostics into file:line:column ones.
fn report_engine(
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
                let p: Vec<Seg> = d
                    .path
                    .iter()
                    .map(|s| match s {
                        PathSeg::Key(k) => Seg::Key(k.clone()),
                        PathSeg::Index(i) => Seg::Index(*i),
                    })
                    .collect();
                let pos = match d.span {
                    Some((start, _)) => spans.pos_in_value(&p, start),
                    None => spans.pos(&p),
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

fn job<'a>(
    path: String,
    rel: &str,
    template: &'static str,
    nav_key: &'static str,
    ctx: tera::Context,
    fill: Fill<'a>,
) -> Job<'a> {
    Job { path, template, ctx, rel: rel.to_string(), nav_key, fill }
}

fn step_view(
    hb: &Handbook,
    ld: &LangData,
    step_html: &HashMap<(String, String), String>,
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
        condition: s
            .when
            .as_deref()
            .and_then(|w| crate::condition::describe(w, &hb.assessments, lang, d, &ld.t))
            .unwrap_or_default(),
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

fn page_jobs<'a>(
    hb: &'a Handbook,
    ld: &'a LangData,
    step_html: &HashMap<(String, String), String>,
    compiled: &BTreeMap<(String, String), Compiled>,
    jobs: &mut Vec<Job<'a>>,
) {
    let cfg = &hb.config;
    let d = cfg.default_language.as_str();
    let lang = ld.lang.as_str();
    let fallback_note = |t: &Translated| t.fallback.contains(lang);

    let phases: Vec<Link> = hb
        .phases
        .iter()
        .map(|p| Link { title: p.doc.doc(lang).title.clone(), url: format!("phases/{}.html", p.id), current: false })
        .collect();
    let phase_cards: Vec<serde_json::Value> = hb
        .phases
        .iter()
        .map(|p| serde_json::json!({"id": p.id, "order": p.order, "title": p.doc.doc(lang).title, "summary": p.doc.doc(lang).summary.clone().unwrap_or_default(), "url": format!("phases/{}.html", p.id)}))
        .collect();
    let playbooks: Vec<serde_json::Value> = hb
        .playbooks
        .iter()
        .map(|p| serde_json::json!({"id": p.id, "title": text(&p.title, lang, d), "summary": opt_text(&p.summary, lang, d), "url": format!("playbooks/{}.html", p.id), "steps": p.steps.len()}))
        .collect();
    let assessments: Vec<serde_json::Value> = hb
        .assessments
        .iter()
        .map(|a| serde_json::json!({"id": a.def.id, "kind": a.def.kind, "title": text(&a.def.title, lang, d), "intro": markdown::plain(&opt_text(&a.def.intro, lang, d)), "url": format!("assessments/{}.html", a.def.id)}))
        .collect();
    let emergency: Vec<&ContactView> =
        hb.contacts.iter().filter(|c| c.emergency).filter_map(|c| ld.contacts.get(&c.role)).collect();
    let start_url =
        cfg.start.as_ref().and_then(|s| ld.targets.files.get(&markdown::content_key(s, &cfg.languages)).cloned());

    // Home.
    let mut ctx = tera::Context::new();
    ctx.insert("page_title", &ld.site_title);
    ctx.insert("description", &opt_text(&cfg.description, lang, d));
    ctx.insert("phases", &phase_cards);
    ctx.insert("playbooks", &playbooks);
    ctx.insert("assessments", &assessments);
    ctx.insert("emergency", &emergency);
    ctx.insert("start_url", &start_url);
    jobs.push(job(format!("{lang}/index.html"), "index.html", "home.html", "index.html", ctx, Fill::None));

    // Phases, with previous/next.
    for (i, p) in hb.phases.iter().enumerate() {
        let doc = p.doc.doc(lang);
        let rel = format!("phases/{}.html", p.id);
        let mut ctx = tera::Context::new();
        ctx.insert("page_title", &doc.title);
        ctx.insert("summary", &doc.summary.clone().unwrap_or_default());
        ctx.insert("fallback", &fallback_note(&p.doc));
        ctx.insert("order", &p.order);
        let side: Vec<Link> = phases.iter().map(|l| Link { current: l.url == rel, ..l.clone() }).collect();
        ctx.insert("sidebar", &side);
        ctx.insert("sidebar_title", &ld.t.get("phases"));
        ctx.insert("prev", &i.checked_sub(1).map(|j| &phases[j]));
        ctx.insert("next", &phases.get(i + 1));
        // The steps of every playbook that fall in this phase, per track.
        let mut admin = Vec::new();
        let mut technical = Vec::new();
        for pb in &hb.playbooks {
            for sid in &pb.steps {
                let Some(s) = hb.steps.get(sid) else { continue };
                if s.phase != p.id || s.playbook != pb.id {
                    continue;
                }
                let item = serde_json::json!({"title": text(&s.title, lang, d), "url": format!("../playbooks/{}.html#step-{}", pb.id, s.id), "playbook": text(&pb.title, lang, d), "due": due_label(&s.due, s.party.as_deref().and_then(|r| ld.contacts.get(r)).map(|c| c.window.as_str()).filter(|w| !w.is_empty()), &ld.t)});
                match s.track {
                    Track::Admin => admin.push(item),
                    Track::Technical => technical.push(item),
                }
            }
        }
        ctx.insert("admin_steps", &admin);
        ctx.insert("technical_steps", &technical);
        jobs.push(job(format!("{lang}/{rel}"), &rel, "phase.html", "", ctx, Fill::Doc(&p.doc)));
    }

    // Playbooks: both tracks side by side, per phase.
    let pb_links: Vec<Link> = hb
        .playbooks
        .iter()
        .map(|p| Link { title: text(&p.title, lang, d), url: format!("playbooks/{}.html", p.id), current: false })
        .collect();
    // The paper binder repeats every playbook; it lives next to them so that
    // the steps' relative links stay right.
    let mut binder: Vec<serde_json::Value> = Vec::new();
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
            let Some(view) = step_view(hb, ld, step_html, sid, &pb.id) else { continue };
            if let Some(lane) = lanes.iter_mut().find(|l| l.id == s.phase) {
                match s.track {
                    Track::Admin => lane.admin.push(view),
                    Track::Technical => lane.technical.push(view),
                }
            }
        }
        lanes.retain(|l| !l.admin.is_empty() || !l.technical.is_empty());
        let mut ctx = tera::Context::new();
        ctx.insert("page_title", &text(&pb.title, lang, d));
        ctx.insert("summary", &opt_text(&pb.summary, lang, d));
        ctx.insert("lanes", &lanes);
        binder.push(serde_json::json!({"id": pb.id, "title": text(&pb.title, lang, d), "summary": opt_text(&pb.summary, lang, d), "lanes": &lanes}));
        let side: Vec<Link> = pb_links.iter().map(|l| Link { current: l.url == rel, ..l.clone() }).collect();
        ctx.insert("sidebar", &side);
        ctx.insert("sidebar_title", &ld.t.get("playbooks"));
        jobs.push(job(format!("{lang}/{rel}"), &rel, "playbook.html", "playbooks/index.html", ctx, Fill::None));
    }
    if !hb.playbooks.is_empty() {
        let mut ctx = tera::Context::new();
        ctx.insert("page_title", &ld.t.get("playbooks"));
        ctx.insert("playbooks", &playbooks);
        jobs.push(job(
            format!("{lang}/playbooks/index.html"),
            "playbooks/index.html",
            "playbooks.html",
            "playbooks/index.html",
            ctx,
            Fill::None,
        ));
    }

    // Questionnaires.
    if !hb.assessments.is_empty() {
        let mut ctx = tera::Context::new();
        ctx.insert("page_title", &ld.t.get("questionnaires"));
        ctx.insert("assessments", &assessments);
        jobs.push(job(
            format!("{lang}/assessments/index.html"),
            "assessments/index.html",
            "assessments.html",
            "assessments/index.html",
            ctx,
            Fill::None,
        ));
    }
    for a in &hb.assessments {
        let rel = format!("assessments/{}.html", a.def.id);
        let Some(c) = compiled.get(&(a.def.id.clone(), lang.to_string())) else { continue };
        let mut ctx = tera::Context::new();
        ctx.insert("page_title", &text(&a.def.title, lang, d));
        let intro = opt_text(&a.def.intro, lang, d);
        ctx.insert("kind", &a.def.kind);
        ctx.insert("assessment_id", &a.def.id);
        ctx.insert("data_script", &format!("../../assets/{lang}/assessment-{}.js", a.def.id));
        ctx.insert("content_hash", &c.hash);
        ctx.insert("question_count", &c.questions.len());
        jobs.push(job(
            format!("{lang}/{rel}"),
            &rel,
            "assessment.html",
            "assessments/index.html",
            ctx,
            Fill::Intro { text: intro, file: &a.file },
        ));
    }

    // FAQ on one page, each question an anchor.
    if !hb.faqs.is_empty() {
        let mut ctx = tera::Context::new();
        ctx.insert("page_title", &ld.t.get("faq"));
        jobs.push(job(format!("{lang}/faq.html"), "faq.html", "faq.html", "faq.html", ctx, Fill::Faq));
    }

    // Sources, with the date each was checked.
    let sources: Vec<serde_json::Value> = hb
        .sources
        .iter()
        .map(|s| serde_json::json!({"id": s.id, "title": text(&s.title, lang, d), "publisher": s.publisher, "url": s.url, "language": s.language, "jurisdiction": s.jurisdiction, "last_checked": s.last_checked, "note": opt_text(&s.note, lang, d)}))
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("page_title", &ld.t.get("sources"));
    ctx.insert("sources", &sources);
    jobs.push(job(format!("{lang}/sources.html"), "sources.html", "sources.html", "sources.html", ctx, Fill::None));

    // Contacts, grouped: our own people first, then bodies per jurisdiction.
    let mut groups: BTreeMap<String, Vec<&ContactView>> = BTreeMap::new();
    for c in &hb.contacts {
        let key = c.jurisdiction.clone().unwrap_or_default();
        groups.entry(key).or_default().push(&ld.contacts[&c.role]);
    }
    let groups: Vec<serde_json::Value> = groups
        .into_iter()
        .map(|(j, cs)| {
            let title = if j.is_empty() {
                ld.t.get("contacts_general").cloned().unwrap_or_default()
            } else {
                ld.t.get(&format!("jurisdiction_{j}")).cloned().unwrap_or_else(|| j.to_uppercase())
            };
            serde_json::json!({"jurisdiction": j, "title": title, "contacts": cs})
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("page_title", &ld.t.get("contacts"));
    ctx.insert("groups", &groups);
    ctx.insert("has_examples", &hb.contacts.iter().any(|c| c.example));
    jobs.push(job(format!("{lang}/contacts.html"), "contacts.html", "contacts.html", "contacts.html", ctx, Fill::None));

    // The handbook as a paper crisis binder: cover, contacts, contents, then
    // each playbook as a checklist on its own page.
    if !binder.is_empty() {
        let checked = hb.sources.iter().map(|s| s.last_checked.clone()).max();
        let mut ctx = tera::Context::new();
        ctx.insert("page_title", &ld.t.get("binder_title"));
        ctx.insert("groups", &groups);
        ctx.insert("playbooks", &binder);
        ctx.insert("checked", &checked);
        jobs.push(job(
            format!("{lang}/playbooks/binder.html"),
            "playbooks/binder.html",
            "binder.html",
            "playbooks/index.html",
            ctx,
            Fill::None,
        ));
    }

    // Free pages and their sections. The section list is built once and shared.
    for (s, sec) in hb.sections.iter().zip(&ld.sections) {
        let (title, index_rel, links) = (&sec.title, &sec.index_rel, &sec.links);
        for &i in &s.pages {
            let p = &hb.pages[i];
            let rel = format!("{}.html", p.path);
            jobs.push(job(
                format!("{lang}/{rel}"),
                &rel,
                "page.html",
                "",
                tera::Context::new(),
                Fill::SectionPage(p, sec),
            ));
        }
        let mut ctx = tera::Context::new();
        let (fill, fb) = match &s.index {
            Some(doc) => (Fill::Doc(doc), fallback_note(doc)),
            None => (Fill::None, false),
        };
        ctx.insert("page_title", title);
        ctx.insert("content", "");
        ctx.insert("fallback", &fb);
        ctx.insert("pages", links);
        ctx.insert("sidebar_title", title);
        ctx.insert("sidebar", links);
        jobs.push(job(format!("{lang}/{index_rel}"), index_rel, "section.html", "", ctx, fill));
    }
    // Top-level pages (directly under pages/).
    for p in hb.pages.iter().filter(|p| p.section.is_empty()) {
        let doc = p.doc.doc(lang);
        let rel = format!("{}.html", p.path);
        let mut ctx = tera::Context::new();
        ctx.insert("page_title", &doc.title);
        ctx.insert("summary", &doc.summary.clone().unwrap_or_default());
        ctx.insert("fallback", &fallback_note(&p.doc));
        jobs.push(job(format!("{lang}/{rel}"), &rel, "page.html", "", ctx, Fill::Doc(&p.doc)));
    }
    if hb.sections.len() > 6 {
        let sections: Vec<serde_json::Value> = hb.sections.iter().map(|s| serde_json::json!({"title": section_title(s, lang, d), "url": format!("{}/index.html", s.path), "count": s.pages.len()})).collect();
        let mut ctx = tera::Context::new();
        ctx.insert("page_title", &ld.t.get("all_pages"));
        ctx.insert("sections", &sections);
        jobs.push(job(format!("{lang}/pages.html"), "pages.html", "pages.html", "pages.html", ctx, Fill::None));
    }
}

/// A section's page list with the current page marked, serialised without
/// copying the list: one borrowed slice shared by every page of the section.
struct SectionNav<'a> {
    links: &'a [Link],
    current: &'a str,
}

impl Serialize for SectionNav<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.links.len()))?;
        for l in self.links {
            seq.serialize_element(&LinkRef { title: &l.title, url: &l.url, current: l.url == self.current })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct LinkRef<'a> {
    title: &'a str,
    url: &'a str,
    current: bool,
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
        let i18n = load_i18n(&crate::load::builtin_theme(), &mut report);
        assert!(report.is_empty(), "{report:?}");
        let en: BTreeSet<&String> = i18n["en"].keys().collect();
        for lang in ["nl", "fr"] {
            let keys: BTreeSet<&String> = i18n[lang].keys().collect();
            assert_eq!(keys, en, "interface texts of `{lang}` differ from English");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape_html("plain/url é"), "plain/url é");
        assert_eq!(escape_html(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(escape_html("€<"), "€&lt;");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn prefixes_follow_depth() {
        assert_eq!(prefixes("nl/index.html"), (String::new(), "../".into()));
        assert_eq!(prefixes("nl/phases/a.html"), ("../".into(), "../../".into()));
    }

    #[test]
    fn due_labels_read_naturally() {
        let mut t = Strings::new();
        for (k, v) in [
            ("due_asap", "Immediately"),
            ("due_within", "within"),
            ("unit_hours", "hours"),
            ("unit_hour", "hour"),
            ("unit_days", "days"),
        ] {
            t.insert(k.into(), v.into());
        }
        assert_eq!(due_label("asap", None, &t), "Immediately");
        assert_eq!(due_label("72h", None, &t), "within 72 hours");
        assert_eq!(due_label("1h", None, &t), "within 1 hour");
        assert_eq!(due_label("window", Some("3d"), &t), "within 3 days");
    }
}
