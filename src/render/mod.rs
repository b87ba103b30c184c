//! Rendering: Markdown through [`crate::render::markdown`], questionnaires through the
//! engine's compiler, then every page through the theme's Tera templates, in
//! parallel. Navigation data is built once per language and shared by
//! reference; each page only adds its own small context.

mod condition_text;
mod engine;
mod lang;
pub mod markdown;
mod pages;
mod record;
mod sink;
mod templates;
mod views;

use self::engine::compile_assessments;
use self::lang::{lang_data, load_i18n, LangData};
use self::markdown::{DocContext, Rendered};
use self::pages::{page_jobs, prefixes, search_group, Fill, Job, Own};
use self::record::record_json;
use self::templates::{load_templates, template_file, tera_error};
use self::views::{context, FaqItem, LanguageLink, Link, ListId, RootPage, Sidebar};
use crate::diag::{Diagnostic, Pos, Report};
use crate::load::Tree;
use crate::memo::Inputs;
use crate::model::{Handbook, Translated};
use assessment_wasm::text::Resolved;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

pub use self::engine::compile_one;
pub use self::sink::{Discard, FileBytes, Memory, Sink, Summary};
pub use self::templates::escape_html;

/// The Content-Security-Policy of every page: no inline script, no remote
/// origin, no eval; WebAssembly compilation is the one exception.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'";

/// The engine as built by build.rs: wasm-bindgen glue plus the module as a
/// string of one character per byte.
pub const ENGINE_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/engine.js"));

pub(crate) type Strings = BTreeMap<String, String>;

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

/// Where a page goes in the search of its language: its page number there,
/// and what it belongs to.
type SearchSlot = (u32, String);

/// Names the shared context of a language holds (see `render_site`); a page's
/// own values never replace them, as when they were inserted after the page's.
const SHARED_KEYS: &[&str] = &["lang", "t", "csp", "site_title", "organisation", "handbook_id", "brand_css", "logo"];

/// A page's values on top of the context its language shares, taken out
/// again when the page is done, so the shared values are converted once.
struct PageContext<'c> {
    ctx: &'c mut tera::Context,
    keys: Vec<String>,
}

impl<'c> PageContext<'c> {
    fn new(shared: &'c mut tera::Context, page: serde_json::Value) -> Self {
        let mut keys = Vec::new();
        if let serde_json::Value::Object(mut map) = page {
            map.retain(|k, _| !SHARED_KEYS.contains(&k.as_str()));
            keys.extend(map.keys().cloned());
            if let Ok(own) = tera::Context::from_value(serde_json::Value::Object(map)) {
                shared.extend(own);
            }
        }
        PageContext { ctx: shared, keys }
    }

    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.ctx.insert(key, value);
        self.own(key);
    }

    /// [`Self::insert`] for a string the page no longer needs: moved, not copied
    /// (a page's HTML is the largest value it has).
    fn put(&mut self, key: &str, value: String) {
        self.ctx.extend(one_value(key, serde_json::Value::String(value)));
        self.own(key);
    }

    /// Notes `key` as the page's own, taken out again when the page is done.
    fn own(&mut self, key: &str) {
        debug_assert!(!SHARED_KEYS.contains(&key), "`{key}` is shared by every page");
        self.keys.push(key.to_string());
    }

    fn context(&self) -> &tera::Context {
        self.ctx
    }
}

impl Drop for PageContext<'_> {
    fn drop(&mut self) {
        for k in &self.keys {
            self.ctx.remove(k);
        }
    }
}

/// What rendering one page gave: kept between builds under serve.
struct PageOut {
    /// The page, or why its template failed.
    html: Result<FileBytes, String>,
    /// The template that failed: the page's own or `sidebar.html`.
    failed: &'static str,
    /// Problems in its Markdown.
    problems: Vec<Diagnostic>,
    /// The site rules it breaks (web::policy).
    breaches: Vec<String>,
    /// Its text for the search index, when search lists it.
    search_text: Option<String>,
    title: String,
}

/// A page to render with its own values taken out of the job, and the
/// memo key of everything it shows (under serve).
struct Prepared<'a> {
    job: Job<'a>,
    /// Its language, as an index into the handbook's languages.
    li: usize,
    search: Option<SearchSlot>,
    own: Own,
    keywords: String,
    key: Option<u64>,
}

impl<'a> Prepared<'a> {
    /// Takes the page's own values out of `job`, with its search keywords.
    fn new(hb: &Handbook, mut job: Job<'a>, ld: &LangData, li: usize, search: Option<SearchSlot>) -> Prepared<'a> {
        let own = std::mem::replace(&mut job.own, Own::Values(serde_json::Value::Null));
        let keywords = match &job.fill {
            Fill::Doc(doc) => doc.doc(&ld.lang).keywords.clone(),
            Fill::SectionPage(page, _) => page.doc.doc(&ld.lang).keywords.clone(),
            Fill::Faq => hb.faqs.iter().map(|f| f.doc.doc(&ld.lang).keywords.as_str()).collect::<Vec<_>>().join(", "),
            _ => job.keywords.clone(),
        };
        let key = job.key;
        Prepared { job, li, search, own, keywords, key }
    }
}

/// Renders single pages; what every page needs, borrowed.
struct PageRenderer<'a> {
    hb: &'a Handbook,
    langs: &'a [LangData],
    tera: &'a tera::Tera,
    policy: &'a crate::web::policy::Policy<'a>,
}

impl PageRenderer<'_> {
    /// Renders every page into `sink`, in parallel; languages with a kept
    /// search index (serve) are not collected again.
    fn render_all(
        &self,
        jobs: Vec<Prepared>,
        kept_indexes: &[Option<std::sync::Arc<crate::search::Index>>],
        memo: &crate::memo::Memo,
        sink: &dyn Sink,
    ) -> Pages {
        let (hb, langs, pager) = (self.hb, self.langs, self);
        // One collection per render thread, merged at the end: per piece of work
        // would mean a word cache and term table per piece.
        let workers: Vec<Mutex<Pages>> =
            (0..rayon::current_num_threads()).map(|_| Mutex::new(Pages::new(langs))).collect();
        // What every page of a language shares (the interface texts above all) is
        // put into a context once per render thread and language; each page adds
        // its own values and takes them out again after rendering. Converting the
        // shared values for each page was the largest part of the per-page cost.
        jobs.into_par_iter().for_each_init(
            || (0..langs.len()).map(|_| None).collect::<Vec<_>>(),
            |contexts: &mut Vec<Option<LangContext>>, Prepared { job, li, search, own, keywords, key }| {
                let ld = &langs[li];
                let mut make = |own| {
                    let lc = contexts[li].get_or_insert_with(|| LangContext::new(pager.shared_context(ld)));
                    pager.render(lc, own, &job, ld, search.is_some())
                };
                let out = match (own, key) {
                    (Own::Kept(out), _) => out,
                    (Own::Values(own), Some(key)) => memo.get_or(key, || make(own)),
                    (Own::Values(own), None) => std::sync::Arc::new(make(own)),
                };
                let written = out.html.as_ref().ok().map(|html| {
                    sink.put_shared(&job.path, html).map(|()| html.len() as u64).map_err(|e| {
                        Diagnostic::error(&job.path, Pos::FILE, format!("this page could not be written: {e}"))
                            .hint("check that the output folder is writable and the disk is not full")
                    })
                });
                // Each thread has its own collection; the lock is only ever taken by it.
                let worker = rayon::current_thread_index().unwrap_or(0) % workers.len();
                let mut acc = workers[worker].lock().unwrap_or_else(|e| e.into_inner());
                match written {
                    Some(Ok(n)) => {
                        acc.written += 1;
                        acc.bytes += n;
                    }
                    Some(Err(e)) => acc.failures.push(e),
                    None => {}
                }
                if let Err(why) = &out.html {
                    acc.render_failures.push((template_file(out.failed, hb), why.clone(), job.path.clone()));
                }
                // The page's words for the search index, read from what was rendered.
                if let (Some(text), Some((doc, group)), None) = (&out.search_text, &search, &kept_indexes[li]) {
                    let page = crate::search::PageRef {
                        doc: *doc,
                        url: &job.rel,
                        title: &out.title,
                        group,
                        keywords: &keywords,
                        boost: job.template == "playbook.html",
                    };
                    if memo.is_enabled() {
                        // Serve keeps each page's words: an unchanged page is not read again.
                        let key =
                            Inputs::new("page words").add(&ld.lang).add(&out.title).add(&keywords).add(text).key();
                        let words = memo.get_or(key, || acc.search[li].count(&page, text));
                        acc.search[li].add_counted(page, &words);
                    } else {
                        acc.search[li].add_text(page, text);
                    }
                }
                acc.problems.extend(out.problems.iter().cloned());
                for b in &out.breaches {
                    acc.breaches.push((template_file(job.template, hb), b.clone(), job.path.clone()));
                }
            },
        );
        workers
            .into_iter()
            .map(|w| w.into_inner().unwrap_or_else(|e| e.into_inner()))
            .reduce(Pages::merge)
            .unwrap_or_else(|| Pages::new(langs))
    }

    /// The values every page of a language shares.
    fn shared_context(&self, ld: &LangData) -> tera::Context {
        let cfg = &self.hb.config;
        let mut ctx = tera::Context::new();
        ctx.insert("lang", &ld.lang);
        ctx.insert("t", &ld.page_t);
        ctx.insert("csp", CSP);
        ctx.insert("site_title", &ld.site_title);
        ctx.insert("organisation", &ld.organisation);
        ctx.insert("handbook_id", &cfg.id);
        ctx.insert("brand_css", &cfg.branding.css.is_some());
        ctx.insert("logo", &cfg.branding.logo);
        ctx
    }

    /// Adds what [`Self::shared_context`] puts into a context to `key`.
    fn shared_key(&self, ld: &LangData, key: &mut Inputs) {
        let cfg = &self.hb.config;
        key.add(&ld.lang).add(&ld.page_t).add(CSP).add(&ld.site_title).add(&ld.organisation).add(&cfg.id);
        key.add(&cfg.branding.css.is_some()).add(&cfg.branding.logo);
    }

    /// Renders `job` with its own values `own` on top of its language's
    /// shared values (in `lc`); `searched` says whether its text goes into
    /// the search index.
    fn render(
        &self,
        lc: &mut LangContext,
        own: serde_json::Value,
        job: &Job,
        ld: &LangData,
        searched: bool,
    ) -> PageOut {
        let (hb, cfg) = (self.hb, &self.hb.config);
        let (to_lang, to_site) = prefixes(&job.path);
        let sidebar_html = match job.sidebar {
            Some(sb) => match self.sidebar_html(lc, sb, &job.rel, &to_lang, &to_site) {
                Ok(html) => Some(html),
                Err(why) => return PageOut::failed(why, "sidebar.html"),
            },
            None => {
                lc.set_sidebar(None, None);
                None
            }
        };
        lc.set_nav(&ld.nav, &to_lang, |l| l.url == job.nav_key || l.url == job.rel);
        let mut page = PageContext::new(&mut lc.ctx, own);
        let ctx = &mut page;
        let mut problems = Vec::new();
        let mut render_md = |doc: &Translated| -> Rendered {
            let d = doc.doc(&ld.lang);
            let dctx = DocContext {
                file: &d.file,
                first_line: d.body_line,
                to_lang_root: &to_lang,
                to_site_root: &to_site,
                languages: &cfg.languages,
                allow_html: cfg.allow_html,
            };
            let mut p = Vec::new();
            let r = markdown::render(&d.body, &dctx, &ld.targets, &mut p);
            // A fallback text is rendered for several languages; report its problems once.
            if !doc.fallback.contains(&ld.lang) {
                problems.extend(p);
            }
            r
        };
        match &job.fill {
            Fill::None => {}
            Fill::Doc(doc) => {
                let r = render_md(doc);
                ctx.put("content", r.html);
                ctx.insert("toc", &r.toc);
            }
            Fill::SectionPage(page, sec) => {
                let doc = page.doc.doc(&ld.lang);
                ctx.insert("page_title", &doc.title);
                ctx.insert("summary", doc.summary.as_deref().unwrap_or(""));
                ctx.insert("fallback", &page.doc.fallback.contains(&ld.lang));
                ctx.insert("section_title", &sec.title);
                ctx.insert("section_url", &sec.index_rel);
                let r = render_md(&page.doc);
                ctx.put("content", r.html);
                ctx.insert("toc", &r.toc);
            }
            Fill::Intro { text, file } => {
                let dctx = DocContext {
                    file,
                    first_line: 1,
                    to_lang_root: &to_lang,
                    to_site_root: &to_site,
                    languages: &cfg.languages,
                    allow_html: cfg.allow_html,
                };
                let r = markdown::render(text, &dctx, &ld.targets, &mut problems);
                ctx.put("intro_html", r.html);
            }
            Fill::Faq => {
                let items: Vec<FaqItem> = hb
                    .faqs
                    .iter()
                    .map(|f| FaqItem {
                        id: &f.id,
                        question: &f.doc.doc(&ld.lang).title,
                        html: render_md(&f.doc).html,
                        fallback: f.doc.fallback.contains(&ld.lang),
                    })
                    .collect();
                ctx.insert("items", &items);
            }
        }
        if let (Some(sb), Some(html)) = (job.sidebar, sidebar_html) {
            ctx.insert("sidebar_title", &sb.title);
            ctx.put("sidebar_html", html);
        }
        ctx.insert("root", &to_site);
        ctx.insert("lroot", &to_lang);
        let switch: Vec<LanguageLink> = self
            .langs
            .iter()
            .map(|o| LanguageLink {
                title: o.t.get("language_name").cloned().unwrap_or_else(|| o.lang.clone()),
                url: format!("{to_site}{}/{}", o.lang, job.rel),
                current: o.lang == ld.lang,
                code: &o.lang,
            })
            .collect();
        ctx.insert("languages", &switch);
        let html = self.tera.render(job.template, page.context()).map_err(|e| {
            // Tera says which page template failed, then why; the why is what pages share.
            let full = tera_error(&e);
            full.split_once(".: ").map_or(full.as_str(), |(_, w)| w).to_string()
        });
        // One pass over the page for its rules and its search text.
        let (breaches, search_text) = match &html {
            Ok(h) => {
                let mut text = searched.then(crate::search::MainText::default);
                let breaches = crate::web::policy::check_page_with(h, self.policy, |tok| {
                    if let Some(text) = &mut text {
                        text.token(h, tok);
                    }
                });
                (breaches.into_iter().map(|b| b.message).collect(), text.map(|t| t.finish(h)))
            }
            Err(_) => (Vec::new(), None),
        };
        let title = page.context().get("page_title").and_then(|v| v.as_str()).unwrap_or("").to_string();
        let html = html.map(|h| FileBytes::new(h.into_bytes()));
        PageOut { html, failed: job.template, problems, breaches, search_text, title }
    }

    /// The page's sidebar as HTML, with its own link marked; also puts the
    /// list into the context as `sidebar` (for templates that draw it themselves).
    fn sidebar_html(
        &self,
        lc: &mut LangContext,
        sb: Sidebar,
        rel: &str,
        to_lang: &str,
        to_site: &str,
    ) -> Result<String, String> {
        let current = sb.links.iter().position(|l| l.url == rel);
        let cache_key = (sb.identity(), to_lang.to_string());
        if !lc.sidebars.contains_key(&cache_key) {
            // `sidebar.html` sees the list with no link current, and nothing of any one page.
            lc.set_sidebar(Some(sb), None);
            let rendered = if self.tera.get_template_names().any(|n| n == "sidebar.html") {
                let ctx = &mut lc.ctx;
                ctx.insert("sidebar_title", &sb.title);
                ctx.insert("root", to_site);
                ctx.insert("lroot", to_lang);
                let html = self.tera.render("sidebar.html", ctx).map_err(|e| tera_error(&e));
                for k in ["sidebar_title", "root", "lroot"] {
                    ctx.remove(k);
                }
                html.map(|html| RenderedSidebar::new(html, sb.links, to_lang))
            } else {
                // A theme without the partial draws its sidebar in its page templates.
                Ok(RenderedSidebar::new(String::new(), sb.links, to_lang))
            };
            lc.sidebars.insert(cache_key.clone(), rendered);
        }
        lc.set_sidebar(Some(sb), current);
        match &lc.sidebars[&cache_key] {
            Ok(r) => Ok(r.for_page(current)),
            Err(why) => Err(why.clone()),
        }
    }
}

/// What a render thread keeps of one language from page to page.
struct LangContext {
    /// The values every page of the language shares (see `PageContext`), and
    /// the sidebar and main menu of the last page.
    ctx: tera::Context,
    /// The list in `ctx` as `sidebar`.
    sidebar: MarkedList<ListId>,
    /// `sidebar.html` rendered per list and depth (prefix to the language root).
    sidebars: HashMap<(ListId, String), Result<RenderedSidebar, String>>,
    /// The main menu in `ctx` as `nav`, by the depth its URLs were made for.
    nav: MarkedList<String>,
}

impl LangContext {
    fn new(ctx: tera::Context) -> LangContext {
        LangContext { ctx, sidebar: MarkedList::new("sidebar"), sidebars: HashMap::new(), nav: MarkedList::new("nav") }
    }

    /// Puts `sb` into the context as `sidebar` with link `current` marked,
    /// or takes the sidebar out.
    fn set_sidebar(&mut self, sb: Option<Sidebar>, current: Option<usize>) {
        match sb {
            Some(sb) => {
                let marks = (0..sb.links.len()).map(|i| Some(i) == current).collect();
                self.sidebar.put(&mut self.ctx, sb.identity(), marks, || serde_json::to_value(sb.links))
            }
            None => self.sidebar.clear(&mut self.ctx),
        }
    }

    /// Puts the main navigation into the context as `nav`, its URLs relative
    /// to a page whose language root is `to_lang` away, the page's entries current.
    fn set_nav(&mut self, nav: &[Link], to_lang: &str, is_current: impl Fn(&Link) -> bool) {
        let marks = nav.iter().map(is_current).collect();
        self.nav.put(&mut self.ctx, to_lang.to_string(), marks, || {
            let links: Vec<Link> = nav
                .iter()
                .map(|l| Link { title: l.title.clone(), url: format!("{to_lang}{}", l.url), current: false })
                .collect();
            serde_json::to_value(links)
        });
    }
}

/// A list of links kept in a render thread's context from page to page (the
/// sidebar, the main menu), with `current` marks. The pages of one group
/// follow each other, so mostly only the marks move instead of the whole
/// list being converted again.
struct MarkedList<K> {
    key: &'static str,
    /// Which list is in the context, and which of its entries are marked.
    shown: Option<(K, Vec<bool>)>,
}

impl<K: PartialEq> MarkedList<K> {
    fn new(key: &'static str) -> Self {
        MarkedList { key, shown: None }
    }

    /// Puts list `id` into `ctx` with `marks`; `make` gives the list, none
    /// marked, when another list (or none) is there.
    fn put(
        &mut self,
        ctx: &mut tera::Context,
        id: K,
        marks: Vec<bool>,
        make: impl FnOnce() -> serde_json::Result<serde_json::Value>,
    ) {
        let (mut value, old) = match (self.shown.take(), ctx.remove(self.key)) {
            (Some((shown, old)), Some(value)) if shown == id => (value, old),
            _ => (make().unwrap_or_default(), vec![false; marks.len()]),
        };
        for (i, (was, now)) in old.iter().zip(&marks).enumerate() {
            if let Some(entry) = value.get_mut(i).filter(|_| was != now) {
                entry["current"] = serde_json::Value::Bool(*now);
            }
        }
        ctx.extend(one_value(self.key, value));
        self.shown = Some((id, marks));
    }

    fn clear(&mut self, ctx: &mut tera::Context) {
        if self.shown.take().is_some() {
            ctx.remove(self.key);
        }
    }
}

/// A context of one value, moved in (`Context::insert` would copy it).
fn one_value(key: &str, value: serde_json::Value) -> tera::Context {
    let mut map = serde_json::Map::new();
    map.insert(key.to_string(), value);
    tera::Context::from_value(serde_json::Value::Object(map)).unwrap_or_default()
}

/// `sidebar.html` rendered once for a list, and where each link's `<a>`
/// start tag ends, so a page can mark its own link as current.
struct RenderedSidebar {
    html: String,
    /// Per link of the list: where ` aria-current="page"` goes in `html`.
    marks: Vec<Option<usize>>,
}

impl RenderedSidebar {
    fn new(html: String, links: &[Link], to_lang: &str) -> RenderedSidebar {
        use crate::web::html::{Kind, Tokens};
        // The first `<a>` pointing at each address, found as the browser reads it.
        let mut ends: HashMap<String, usize> = HashMap::new();
        for tok in Tokens::new(&html) {
            if let Kind::Start(tag) = &tok.kind {
                let Some(href) = tag.get("href").filter(|_| tag.name == "a") else { continue };
                let closed = html.as_bytes()[..tok.end].ends_with(b">");
                let end = if html.as_bytes()[..tok.end].ends_with(b"/>") { tok.end - 2 } else { tok.end - 1 };
                if closed {
                    ends.entry(href).or_insert(end);
                }
            }
        }
        let marks = links.iter().map(|l| ends.get(&format!("{to_lang}{}", l.url)).copied()).collect();
        RenderedSidebar { html, marks }
    }

    /// The sidebar with link `current` (if any) marked as the page being read.
    fn for_page(&self, current: Option<usize>) -> String {
        match current.and_then(|i| self.marks[i]) {
            Some(at) => format!("{}{CURRENT_MARK}{}", &self.html[..at], &self.html[at..]),
            None => self.html.clone(),
        }
    }
}

/// How a sidebar marks the page being read: screen readers say "current page",
/// and the theme's CSS styles it.
const CURRENT_MARK: &str = " aria-current=\"page\"";

impl PageOut {
    fn failed(why: String, template: &'static str) -> PageOut {
        PageOut {
            html: Err(why),
            failed: template,
            problems: Vec::new(),
            breaches: Vec::new(),
            search_text: None,
            title: String::new(),
        }
    }
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
    let i18n = load_i18n(theme, content, report);
    // Under serve, templates are parsed again only when one of them changed.
    let templates_key;
    let templates = {
        let mut key = Inputs::new("templates");
        for f in theme.under("templates") {
            key.add(&f.path).add(&f.bytes);
        }
        key.add(&hb.templates);
        templates_key = key.key();
        content.memo.get_or(templates_key, || {
            let mut problems = Report::default();
            (load_templates(theme, hb, &mut problems), problems)
        })
    };
    report.append(templates.1.clone());
    let tera = templates.0.as_ref()?;
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
    let policy = crate::web::policy::Policy { csp: CSP, allow_html: cfg.allow_html };
    let pager = PageRenderer { hb, langs: &langs, tera, policy: &policy };

    // Step texts are Markdown too; they are short and shared by several pages.
    let step_html = step_texts(hb, &langs, content, report);

    // Questionnaires: compile for every language (validates them, too).
    let (compiled, compile_keys) = compile_assessments(hb, content, &langs, report);

    // Under serve, a page is rendered again only when something it shows
    // changed: its own values, its Markdown, or what its language shares.
    let lang_keys: Vec<Option<u64>> = langs
        .iter()
        .map(|ld| {
            content.memo.is_enabled().then(|| {
                let mut key = Inputs::new("language");
                key.add(&templates_key);
                pager.shared_key(ld, &mut key);
                key.add(&ld.nav).add(&ld.sections).add(&cfg.languages).add(&cfg.allow_html);
                ld.targets.key(&mut key);
                for o in &langs {
                    key.add(&o.lang).add(&o.t.get("language_name"));
                }
                key.key()
            })
        })
        .collect();
    let mut jobs: Vec<Job> = Vec::new();
    for (ld, lang_key) in langs.iter().zip(&lang_keys) {
        page_jobs(hb, ld, lang_key.map(|k| (&*content.memo, k)), &step_html, &compiled, &mut jobs);
    }
    check_unique_paths(&jobs, report);
    let lang_index: HashMap<&str, &LangData> = langs.iter().map(|l| (l.lang.as_str(), l)).collect();
    let started = std::time::Instant::now();
    // Search numbers the pages of each language in job order before rendering,
    // so that threads can collect them in any order (see `search::Collector`).
    let mut next_doc = vec![0u32; langs.len()];
    let jobs: Vec<(Job, usize, Option<SearchSlot>)> = jobs
        .into_iter()
        .map(|job| {
            let li = langs.iter().position(|l| job.path.split('/').next() == Some(l.lang.as_str())).unwrap_or(0);
            let search = search_group(&job, &langs[li]).map(|group| {
                next_doc[li] += 1;
                (next_doc[li] - 1, group)
            });
            (job, li, search)
        })
        .collect();
    // A page's own values and, under serve, the key of everything it shows.
    let jobs: Vec<Prepared> =
        jobs.into_par_iter().map(|(job, li, search)| Prepared::new(hb, job, &langs[li], li, search)).collect();
    // Under serve, a language whose searchable pages are all as before keeps its index.
    let search_keys: Vec<Option<u64>> = (0..langs.len())
        .map(|li| {
            // The language's own key first: two languages without searchable
            // pages must not share an (empty) index.
            let mut key = Inputs::new("search index");
            key.add(&lang_keys[li]?);
            for p in jobs.iter().filter(|p| p.li == li && p.search.is_some()) {
                key.add(&p.key?).add(&p.search);
            }
            Some(key.key())
        })
        .collect();
    let kept_indexes: Vec<Option<std::sync::Arc<crate::search::Index>>> =
        search_keys.iter().map(|k| k.and_then(|k| content.memo.get(k))).collect();
    let pages = pager.render_all(jobs, &kept_indexes, &content.memo, sink);
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
    let default = lang_index[cfg.default_language.as_str()];
    let root_ctx = context(&RootPage {
        csp: CSP,
        site_title: &default.site_title,
        default_language: &cfg.default_language,
        lang: &cfg.default_language,
        t: &default.t,
        languages: langs
            .iter()
            .map(|o| Link {
                title: o.t.get("language_name").cloned().unwrap_or_else(|| o.lang.clone()),
                url: format!("{}/index.html", o.lang),
                current: o.lang == cfg.default_language,
            })
            .collect(),
    });
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
    // The incident record's data, once per language (every triage carries it).
    let mut records: HashMap<&str, String> = HashMap::new();
    for ((id, lang), c) in &compiled {
        let def = match compile_keys.get(&(id.clone(), lang.clone())) {
            Some(key) => content.memo.get_or(*key, || c.to_json()),
            None => std::sync::Arc::new(c.to_json()),
        };
        let record = (c.kind == assessment_wasm::definition::Kind::Triage)
            .then(|| records.entry(lang.as_str()).or_insert_with(|| record_json(hb, lang)).as_str());
        let js = questionnaire_script(id, lang_index[lang.as_str()], record, &def);
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
    let indexes: Vec<(&str, std::sync::Arc<crate::search::Index>)> = langs
        .par_iter()
        .zip(pages.search)
        .zip(kept_indexes)
        .zip(&search_keys)
        .map(|(((l, c), kept), key)| {
            let index = kept.unwrap_or_else(|| {
                let index = std::sync::Arc::new(c.finish());
                if let Some(key) = key {
                    content.memo.put(*key, std::sync::Arc::clone(&index));
                }
                index
            });
            (l.lang.as_str(), index)
        })
        .collect();
    summary.timings.push(("search index", started.elapsed() - rendered));
    for (lang, index) in indexes {
        put(&format!("assets/{lang}/search-index.js"), index.js.as_bytes())?;
        summary.search_bytes += index.js.len() as u64;
    }
    report.append(static_warnings);
    summary.pages += 1;
    Some(summary)
}

/// Every step's text as HTML, per (step id, language).
fn step_texts(
    hb: &Handbook,
    langs: &[LangData],
    content: &Tree,
    report: &mut Report,
) -> HashMap<(String, String), String> {
    let cfg = &hb.config;
    let d = cfg.default_language.as_str();
    let mut step_html: HashMap<(String, String), String> = HashMap::new();
    for ld in langs {
        // Under serve, a language's step texts are rendered again only when
        // one of them, or what their links may point to, changed.
        let key = content.memo.is_enabled().then(|| {
            let mut key = Inputs::new("step texts");
            key.add(&ld.lang).add(&cfg.languages).add(&cfg.allow_html).add(d);
            ld.targets.key(&mut key);
            for step in hb.steps.values() {
                let (text, resolved) = step.text.as_ref().map_or(("", Resolved::Exact), |t| t.resolve(&ld.lang, d));
                key.add(&step.id).add(&step.file).add(&step.pos.line).add(&step.pos.column);
                key.add(text).add(&(resolved == Resolved::Exact));
            }
            key.key()
        });
        let rendered = match key {
            Some(key) => content.memo.get_or(key, || lang_step_texts(hb, ld)),
            None => std::sync::Arc::new(lang_step_texts(hb, ld)),
        };
        let (html, problems) = &*rendered;
        report.extend(problems.iter().cloned());
        step_html.extend(html.iter().map(|(id, h)| ((id.clone(), ld.lang.clone()), h.clone())));
    }
    step_html
}

/// The HTML of every step's text in one language, and the problems found in
/// the texts written in that language.
fn lang_step_texts(hb: &Handbook, ld: &LangData) -> (Vec<(String, String)>, Vec<Diagnostic>) {
    let cfg = &hb.config;
    let (mut html, mut problems) = (Vec::new(), Vec::new());
    for step in hb.steps.values() {
        let text = step.text.as_ref().map(|t| t.get(&ld.lang, &cfg.default_language)).unwrap_or("");
        let ctx = DocContext {
            file: &step.file,
            first_line: step.pos.line,
            to_lang_root: "../",
            to_site_root: "../../",
            languages: &cfg.languages,
            allow_html: cfg.allow_html,
        };
        let mut found = Vec::new();
        let r = markdown::render(text, &ctx, &ld.targets, &mut found);
        // Positions inside a YAML block are approximate; point at the step.
        if ld.lang == cfg.default_language
            || step.text.as_ref().is_some_and(|t| t.resolve(&ld.lang, &cfg.default_language).1 == Resolved::Exact)
        {
            for mut p in found {
                p.line = step.pos.line;
                p.column = step.pos.column;
                p.message = format!("in the text of step `{}`: {}", step.id, p.message);
                problems.push(p);
            }
        }
        html.push((step.id.clone(), r.html));
    }
    (html, problems)
}

/// Two pages may not be written to the same path.
fn check_unique_paths(jobs: &[Job], report: &mut Report) {
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for j in jobs {
        if seen.insert(j.path.as_str(), ()).is_some() {
            let file = match &j.fill {
                Fill::Doc(doc) => doc.doc(j.path.split('/').next().unwrap_or("")).file.clone(),
                _ => "pages".to_string(),
            };
            report.push(Diagnostic::error(file, Pos::FILE, format!("two pages would be written to `{}`", j.path)).hint("rename this page: its name is taken by a page irbook makes itself (faq, sources, contacts, index, …) or by another page"));
        }
    }
}

/// The script of one compiled questionnaire in one language; `def` is its
/// JSON (`Compiled::to_json`), `record` the incident record's data for a triage.
fn questionnaire_script(id: &str, ld: &LangData, record: Option<&str>, def: &str) -> String {
    let lang = ld.lang.as_str();
    // The questionnaire script's own words travel with the questionnaire data.
    let ui: BTreeMap<&String, &String> = ld.t.iter().filter(|(k, _)| k.starts_with("js_")).collect();
    let ui = serde_json::to_string(&ui).unwrap_or_default();
    // A registry keyed by language and id, so that one page can hold several
    // questionnaires (the single file holds them all). `<` is escaped so the
    // script can also stand inline in HTML without ending early.
    // A triage is also the incident record: what follows from a
    // notification comes from content (`records/follow-ups.yaml`).
    let record = record.map(|r| format!(",\"record\":{r}")).unwrap_or_default();
    let data = format!("{{\"def\":{def},\"ui\":{ui}{record}}}").replace('<', "\\u003c");
    let key = serde_json::to_string(&format!("{lang}/{id}")).unwrap_or_default();
    format!(
        "/* irbook questionnaire `{id}` ({lang}) */\n(window.IRBOOK_ASSESSMENTS = window.IRBOOK_ASSESSMENTS || {{}})[{key}] = {data};\n"
    )
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

#[cfg(test)]
mod tests {
    use super::views::due_label;
    use super::*;

    /// The module inside engine.js reads back as WebAssembly the way the
    /// page reads it (each character's code & 0xFF), and the string needs no
    /// escapes and cannot end an inline script.
    #[test]
    fn the_engine_module_is_one_character_per_byte() {
        let start = ENGINE_JS.find("var IRBOOK_ENGINE_WASM = \"").expect("engine.js holds the module") + 26;
        let text = &ENGINE_JS[start..];
        let text = &text[..text.find('"').expect("the string ends")];
        assert!(text.chars().all(|c| matches!(c as u32, 0x20..=0x7e | 0x100..=0x1ff)));
        assert!(!text.contains(['\\', '<']));
        let bytes: Vec<u8> = text.chars().map(|c| (c as u32 & 0xff) as u8).collect();
        assert_eq!(&bytes[..8], b"\0asm\x01\0\0\0", "the WebAssembly magic number and version");
        assert!(bytes.len() > 10_000, "the whole module, not a stub");
        // Printable bytes stand for themselves; others are shifted up.
        for (c, b) in text.chars().zip(&bytes) {
            let plain = (0x20..=0x7e).contains(b) && !b"\"\\<".contains(b);
            assert_eq!(c as u32, u32::from(*b) + if plain { 0 } else { 0x100 });
        }
    }

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
