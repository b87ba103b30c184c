//! The whole handbook as one HTML file (`irbook build --single-file FILE`),
//! to mail or put on a USB stick: the normal site is rendered into memory,
//! then every page's content becomes a section of one document, with one
//! header and footer per language, every link turned into a fragment, the
//! stylesheet, scripts (the search indexes of every language included) and
//! small static files inline, and a CSP that allows
//! exactly those inline scripts and styles by their SHA-256 hashes.
//!
//! Page switching is CSS (`:target`), so the handbook reads with scripts off;
//! `single.js` keeps the menu, language switch and title in step. Ids inside a
//! page become `<page id>--<id>`; page ids (`p-nl-playbooks-ransomware`) never
//! contain `--`, so the two kinds cannot collide.

use crate::diag::{Diagnostic, Pos, Report};
use crate::load::{self, Tree};
use crate::model;
use crate::render::{self, escape_html, FileBytes};
use crate::web::html;
use crate::web::url::{media_type, normalize, percent_decode};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Static files up to this size go inside the file as `data:` URIs; bigger
/// ones stay outside and are named in a warning.
pub const INLINE_LIMIT: usize = 1024 * 1024;

/// Marks a file as irbook's single-file output, so a later build may replace it.
const GENERATOR: &str = r#"<meta name="generator" content="irbook single file">"#;

/// Keeps the header, language switch and title in step with the page shown.
const SHELL_JS: &str = include_str!("single.js");

/// What [`combine`] needs to know about the handbook beyond its files.
pub struct Options<'a> {
    /// Languages in the handbook's order; the first sections are the default's.
    pub languages: &'a [String],
    pub default_language: &'a str,
}

/// A finished single file.
pub struct Single {
    pub html: String,
    pub pages: usize,
}

/// Renders the site into memory and combines it; `None` when there were errors.
pub fn build(tree: &Tree, report: &mut Report) -> Option<Single> {
    let hb = model::build(tree, report)?;
    let memory = render::Memory::default();
    render::render_site(&hb, tree, &load::builtin_theme(), report, &memory)?;
    if report.has_errors() {
        return None;
    }
    let files = memory.into_files();
    let opts = Options { languages: &hb.config.languages, default_language: &hb.config.default_language };
    let single = combine(&files, &opts, report);
    single.filter(|_| !report.has_errors())
}

/// Whether a regular file starts like a single file irbook wrote.
pub fn made_by_irbook(file: &Path) -> bool {
    use std::io::Read;
    let mut head = vec![0u8; 2048];
    let n = std::fs::File::open(file).and_then(|mut f| f.read(&mut head)).unwrap_or(0);
    String::from_utf8_lossy(&head[..n]).contains(GENERATOR)
}

/// Writes next to the target, then renames over it: an error leaves the previous file as it was.
pub fn write_atomically(file: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = file.file_name().ok_or_else(|| format!("`{}` is not a file name", file.display()))?;
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("could not create `{}`: {e}", dir.display()))?;
    let prefix = format!(".{}.irbook-tmp-", name.to_string_lossy());
    crate::write::remove_stale(&dir, &prefix);
    let tmp = dir.join(format!("{prefix}{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    // create_new: never write through something already there (a link, say).
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
        .and_then(|()| std::fs::rename(&tmp, file))
        .map_err(|e| format!("could not write `{}`: {e}", file.display()));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

// ---------------------------------------------------------------------------
// Combining the pages

/// One rendered page, taken apart.
struct Page<'a> {
    path: &'a str,
    id: String,
    lang: String,
    html: &'a str,
    toks: Vec<html::Token<'a>>,
}

/// Everything a link may point to.
struct Site<'a> {
    /// Output path of every page → its section id.
    pages: BTreeMap<&'a str, String>,
    files: &'a BTreeMap<String, FileBytes>,
    home: String,
}

/// Where a fragment of HTML comes from: its page, for resolving relative
/// links, and the prefix its ids get.
struct Scope<'a> {
    path: &'a str,
    prefix: &'a str,
    /// The section a bare `#` or `#main` (the page's own main element) means.
    section: &'a str,
}

/// Collects what the single file leaves out or changes, reported once each.
#[derive(Default)]
struct Notes {
    left_out: BTreeMap<String, usize>,
    unknown: BTreeSet<(String, String)>,
    styles: BTreeSet<String>,
}

/// Combines the rendered files of a site into one HTML document.
/// The search script of the theme; the single file puts the indexes before it.
const SEARCH_JS: &str = "assets/search.js";

pub fn combine(files: &BTreeMap<String, FileBytes>, opts: &Options, report: &mut Report) -> Option<Single> {
    let mut pages: Vec<Page> = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    let order = |lang: &str| opts.languages.iter().position(|l| l == lang).unwrap_or(usize::MAX);
    for (path, bytes) in files {
        let Some((lang, _)) = path.split_once('/') else { continue };
        if !path.ends_with(".html") || !opts.languages.iter().any(|l| l == lang) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            report.push(Diagnostic::error(path.as_str(), Pos::FILE, "a rendered page is not UTF-8"));
            continue;
        };
        let id = unique(page_id(path), &mut used);
        pages.push(Page { path, id, lang: lang.to_string(), html: text, toks: html::tokenize(text) });
    }
    // Languages in the handbook's order, each starting at its home page.
    pages.sort_by(|a, b| {
        let home = |p: &Page| p.path != format!("{}/index.html", p.lang);
        (order(&a.lang), home(a), a.path).cmp(&(order(&b.lang), home(b), b.path))
    });
    if pages.is_empty() {
        report.push(Diagnostic::error("handbook.yaml", Pos::FILE, "the site has no pages to put in a single file"));
        return None;
    }
    let home_path = format!("{}/index.html", opts.default_language);
    let home = pages.iter().find(|p| p.path == home_path).unwrap_or(&pages[0]).id.clone();
    let site = Site { pages: pages.iter().map(|p| (p.path, p.id.clone())).collect(), files, home };
    let mut notes = Notes::default();

    let search_indexes: Vec<String> = opts
        .languages
        .iter()
        .map(|l| format!("assets/{l}/search-index.js"))
        .filter(|p| files.contains_key(p))
        .collect();
    let mut sections = String::new();
    let mut scripts: Vec<String> = Vec::new();
    let mut styles: Vec<String> = Vec::new();
    let mut icon: Option<String> = None;
    let mut chrome: BTreeMap<&str, (String, String)> = BTreeMap::new();
    for page in &pages {
        let Some(main) = html::find(&page.toks, |t| t.name == "main") else {
            report.push(
                Diagnostic::error(
                    page.path,
                    Pos::FILE,
                    "this page has no <main> element, so it cannot go into the single file",
                )
                .hint("the page template (or your override in templates/) must keep the page's content in <main>"),
            );
            continue;
        };
        let part = |name: &str, class: &str| {
            html::find(&page.toks, |t| t.name == name && t.has_class(class)).map(|r| &page.html[r.outer()])
        };
        let scope = Scope { path: page.path, prefix: &page.id, section: &page.id };
        let content = rewrite(&page.html[main.inner()], &scope, &site, &mut notes);
        let sidebar = part("nav", "sidebar").map(|s| rewrite(s, &scope, &site, &mut notes));
        let header = part("header", "site-header");

        // The menu item and the same page in other languages, from this page's header.
        let mut data = String::new();
        if let Some(h) = header {
            for t in html::tokenize(h) {
                let html::Kind::Start(tag) = &t.kind else { continue };
                if tag.name != "a" {
                    continue;
                }
                let Some(href) = tag.get("href") else { continue };
                let url = resolve(&href, &scope, &site, &mut notes);
                if tag.get("aria-current").as_deref() == Some("page") {
                    data.push_str(&format!(r#" data-nav="{}""#, escape_html(&url)));
                }
                if let Some(l) = tag.get("hreflang") {
                    if l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                        data.push_str(&format!(r#" data-alt-{}="{}""#, l.to_ascii_lowercase(), escape_html(&url)));
                    }
                }
            }
        }
        let title = html::find(&page.toks, |t| t.name == "title")
            .map(|r| page.html[r.inner()].trim().replace('"', "&quot;"))
            .unwrap_or_default();
        let body_class = html::find(&page.toks, |t| t.name == "body")
            .and_then(|r| page.toks[r.start].start().and_then(|t| t.get("class")).map(|c| escape_html(&c)))
            .unwrap_or_default();
        let layout = if sidebar.is_some() { "layout with-sidebar" } else { "layout" };
        sections.push_str(&format!(
            "<section class=\"sf-page {body_class}\" id=\"{id}\" lang=\"{lang}\" data-lang=\"{lang}\" data-path=\"{path}\" data-title=\"{title}\"{data}>\n<div class=\"{layout}\">\n{sidebar}<div class=\"sf-main\">{content}</div>\n</div>\n</section>\n",
            body_class = body_class.trim(),
            id = page.id,
            lang = escape_html(&page.lang),
            path = escape_html(page.path),
            sidebar = sidebar.map(|s| s + "\n").unwrap_or_default(),
        ));

        // One header and footer per language, from its home page.
        if page.path == format!("{}/index.html", page.lang) {
            let chrome_id = format!("sf-{}", page.lang);
            let cs = Scope { path: page.path, prefix: &chrome_id, section: "main" };
            let top: String = [part("a", "skip-link"), header]
                .into_iter()
                .flatten()
                .map(|h| rewrite(h, &cs, &site, &mut notes) + "\n")
                .collect();
            let bottom = part("footer", "site-footer").map(|h| rewrite(h, &cs, &site, &mut notes)).unwrap_or_default();
            chrome.insert(&page.lang, (top, bottom));
        }

        // Stylesheets, icon and scripts, resolved to files of the site.
        let mut own_scripts = Vec::new();
        for t in &page.toks {
            let html::Kind::Start(tag) = &t.kind else { continue };
            let target = |attr: &str| -> Option<String> {
                let url = tag.get(attr)?;
                let (path, _) = local_path(&url, page.path)?;
                files.contains_key(&path).then_some(path)
            };
            match tag.name.as_ref() {
                "script" => match target("src") {
                    // Search would load its index file on first use, which a hash-only
                    // CSP forbids: the indexes of all languages go in before it.
                    Some(p) if p == SEARCH_JS => {
                        own_scripts.extend(search_indexes.iter().cloned());
                        own_scripts.push(p);
                    }
                    Some(p) => own_scripts.push(p),
                    None => report.push(
                        Diagnostic::warning(
                            page.path,
                            Pos::FILE,
                            "a <script> without a file of the site is left out of the single file",
                        )
                        .hint("scripts must be files of the theme, linked with src"),
                    ),
                },
                "link" => {
                    let rel = tag.get("rel").unwrap_or_default().to_ascii_lowercase();
                    let rels: Vec<&str> = rel.split_ascii_whitespace().collect();
                    if rels.contains(&"stylesheet") {
                        if let Some(p) = target("href") {
                            if !styles.contains(&p) {
                                styles.push(p);
                            }
                        }
                    } else if rels.contains(&"icon") && icon.is_none() {
                        icon = target("href").map(|p| data_uri(&p, &files[&p]));
                    }
                }
                _ => {}
            }
        }
        merge_in_order(&mut scripts, &own_scripts);
    }
    if report.has_errors() {
        return None;
    }
    for (path, size) in &notes.left_out {
        report.push(
            Diagnostic::warning(
                path.as_str(),
                Pos::FILE,
                format!(
                    "is {:.1} MB, too big to go inside the single file; its links point to `{path}` next to the file",
                    *size as f64 / 1_048_576.0
                ),
            )
            .hint(format!(
                "hand out this file with the single file, in a folder beside it, or make it smaller than {} KB",
                INLINE_LIMIT / 1024
            )),
        );
    }
    for (page, url) in &notes.unknown {
        report.push(Diagnostic::warning(
            page.as_str(),
            Pos::FILE,
            format!("links to `{url}`, which is not part of the site; the single file keeps the link as it is"),
        ));
    }
    for page in &notes.styles {
        report.push(
            Diagnostic::warning(
                page.as_str(),
                Pos::FILE,
                "has style=\"…\" attributes, which the single file's CSP does not allow; they are left out",
            )
            .hint("style the element from the theme's stylesheet instead"),
        );
    }

    let mut css = String::new();
    for p in &styles {
        css.push_str(&String::from_utf8_lossy(&files[p]));
        css.push('\n');
    }
    css.push_str(&switch_css(&site.home, opts));
    if contains_ci(&css, "</style") {
        report.push(Diagnostic::error(
            "style.css",
            Pos::FILE,
            "the stylesheet contains `</style`, so it cannot be inlined",
        ));
        return None;
    }

    let mut inline_scripts = vec![("single.js".to_string(), SHELL_JS.to_string())];
    for p in &scripts {
        let text = String::from_utf8_lossy(&files[p]).into_owned();
        if contains_ci(&text, "</script") || text.contains("<!--") {
            report.push(
                Diagnostic::error(
                    p.as_str(),
                    Pos::FILE,
                    "the script contains `</script` or `<!--`, so it cannot be inlined",
                )
                .hint("write `<\\/` inside strings in the theme's scripts"),
            );
            return None;
        }
        inline_scripts.push((p.clone(), text));
    }
    let script_hashes: Vec<String> =
        inline_scripts.iter().map(|(_, s)| format!("'sha256-{}'", sha256_b64(s))).collect();
    let csp = format!(
        "default-src 'none'; script-src {} 'wasm-unsafe-eval'; style-src 'sha256-{}'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'",
        script_hashes.join(" "),
        sha256_b64(&css)
    );

    let home_page = pages.iter().find(|p| p.id == site.home).unwrap_or(&pages[0]);
    let title = html::find(&home_page.toks, |t| t.name == "title")
        .map(|r| home_page.html[r.inner()].trim().to_string())
        .unwrap_or_default();
    let mut out = String::with_capacity(files.values().map(|b| b.len()).sum::<usize>());
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"color-scheme\" content=\"light dark\">\n{GENERATOR}\n<title>{title}</title>\n<style>{css}</style>\n",
        lang = escape_html(opts.default_language),
    ));
    if let Some(icon) = icon {
        out.push_str(&format!("<link rel=\"icon\" href=\"{icon}\">\n"));
    }
    out.push_str(&format!("</head>\n<body class=\"single-file\" data-home=\"{}\">\n", site.home));
    let langs_in_order = || opts.languages.iter().filter_map(|l| chrome.get(l.as_str()).map(|c| (l, c)));
    for (lang, (top, _)) in langs_in_order() {
        out.push_str(&format!(
            "<div class=\"sf-lang\" data-lang=\"{0}\" lang=\"{0}\">\n{top}</div>\n",
            escape_html(lang)
        ));
    }
    out.push_str("<main id=\"main\" tabindex=\"-1\">\n");
    out.push_str(&sections);
    out.push_str("</main>\n");
    for (lang, (_, bottom)) in langs_in_order() {
        out.push_str(&format!(
            "<div class=\"sf-lang\" data-lang=\"{0}\" lang=\"{0}\">\n{bottom}\n</div>\n",
            escape_html(lang)
        ));
    }
    for (_, s) in &inline_scripts {
        out.push_str("<script>");
        out.push_str(s);
        out.push_str("</script>\n");
    }
    out.push_str("</body>\n</html>\n");
    Some(Single { html: out, pages: pages.len() })
}

/// The CSS that shows one page at a time: the targeted one, or the one
/// holding the target, else the default home page; and the header and
/// footer of that page's language.
fn switch_css(home: &str, opts: &Options) -> String {
    let none = "body:not(:has(.sf-page:target, .sf-page :target))";
    let mut css = String::from(
        "/* single file: one section per page, shown when it is (or holds) the target */\n.sf-page, .sf-lang { display: none; }\n.sf-page:target, .sf-page:has(:target) { display: block; }\n.sf-main { min-width: 0; }\n",
    );
    css.push_str(&format!("{none} #{home} {{ display: block; }}\n"));
    css.push_str(&format!("{none} .sf-lang[data-lang=\"{}\"] {{ display: block; }}\n", opts.default_language));
    for l in opts.languages {
        css.push_str(&format!(
            "body:has(.sf-page[data-lang=\"{l}\"]:target, .sf-page[data-lang=\"{l}\"] :target) .sf-lang[data-lang=\"{l}\"] {{ display: block; }}\n"
        ));
    }
    css
}

/// Adds `more` to `list` keeping the order of both: a new item goes before the
/// next item of `more` that is already listed (data scripts before the script
/// that reads them, whichever page came first).
fn merge_in_order(list: &mut Vec<String>, more: &[String]) {
    for (i, item) in more.iter().enumerate() {
        if list.contains(item) {
            continue;
        }
        let before = more[i + 1..].iter().find_map(|next| list.iter().position(|x| x == next));
        match before {
            Some(at) => list.insert(at, item.clone()),
            None => list.push(item.clone()),
        }
    }
}

/// `nl/playbooks/ransomware.html` → `p-nl-playbooks-ransomware`: letters,
/// digits, `_` and single dashes only, so it never contains `--`.
pub fn page_id(path: &str) -> String {
    let stem = path.strip_suffix(".html").unwrap_or(path);
    let mut id = String::from("p-");
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_end_matches('-').to_string()
}

fn unique(id: String, used: &mut BTreeSet<String>) -> String {
    let mut candidate = id.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Attributes whose value is one id or a list of ids.
const ID_REFS: &[&str] = &[
    "for",
    "headers",
    "list",
    "form",
    "popovertarget",
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "aria-details",
    "aria-errormessage",
    "aria-flowto",
    "aria-activedescendant",
];

/// Rewrites ids, id references and URLs in a fragment of a page.
fn rewrite(src: &str, scope: &Scope, site: &Site, notes: &mut Notes) -> String {
    let mut out = String::with_capacity(src.len() + src.len() / 8);
    let mut last = 0;
    for t in html::tokenize(src) {
        let html::Kind::Start(tag) = &t.kind else { continue };
        if let Some(new) = rewrite_tag(tag, scope, site, notes) {
            out.push_str(&src[last..t.start]);
            out.push_str(&new);
            last = t.end;
        }
    }
    out.push_str(&src[last..]);
    out
}

/// The tag written anew, or `None` when nothing in it changes.
fn rewrite_tag(tag: &html::Tag, scope: &Scope, site: &Site, notes: &mut Notes) -> Option<String> {
    let mut attrs: Vec<(String, Option<String>)> = Vec::with_capacity(tag.attrs.len() + 1);
    let mut changed = false;
    let mut download: Option<String> = None;
    for a in &tag.attrs {
        let name = a.name.to_ascii_lowercase();
        let Some(raw) = a.value else {
            attrs.push((a.name.to_string(), None));
            continue;
        };
        let value = html::decode(raw);
        let new = match name.as_str() {
            "id" => Some(format!("{}--{value}", scope.prefix)),
            "href" | "src" => {
                let url = resolve(&value, scope, site, notes);
                if url.starts_with("data:") && name == "href" && tag.name == "a" {
                    download = value.rsplit('/').next().map(|s| s.split(['#', '?']).next().unwrap_or(s).to_string());
                }
                (url != value).then_some(url)
            }
            n if ID_REFS.contains(&n) => Some(
                value
                    .split_ascii_whitespace()
                    .map(|id| format!("{}--{id}", scope.prefix))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            "style" => {
                notes.styles.insert(scope.path.to_string());
                changed = true;
                continue;
            }
            _ => None,
        };
        match new {
            Some(v) => {
                changed = true;
                attrs.push((a.name.to_string(), Some(escape_html(&v))));
            }
            None => attrs.push((a.name.to_string(), Some(raw.to_string()))),
        }
    }
    if tag.get("data-assessment").is_some() && tag.get("data-id-prefix").is_none() {
        changed = true;
        attrs.push(("data-id-prefix".into(), Some(format!("{}--", scope.prefix))));
    }
    if let Some(name) = download.filter(|_| tag.get("download").is_none()) {
        attrs.push(("download".into(), Some(escape_html(&percent_decode(&name)))));
    }
    if !changed {
        return None;
    }
    let mut s = format!("<{}", tag.raw_name);
    for (name, value) in attrs {
        s.push(' ');
        s.push_str(&name);
        if let Some(v) = value {
            s.push_str("=\"");
            // Unchanged values keep their own escaping; only a double quote needs care.
            s.push_str(&v.replace('"', "&quot;"));
            s.push('"');
        }
    }
    s.push_str(if tag.self_closing { " />" } else { ">" });
    Some(s)
}

/// A URL as written in the page `scope` → where it points in the single file.
fn resolve(url: &str, scope: &Scope, site: &Site, notes: &mut Notes) -> String {
    let url = url.trim();
    if url.is_empty() {
        return url.to_string();
    }
    if let Some(frag) = url.strip_prefix('#') {
        return fragment(scope.section, scope.prefix, frag);
    }
    let Some((path, frag)) = local_path(url, scope.path) else {
        return url.to_string();
    };
    if let Some(id) = site.pages.get(path.as_str()) {
        return fragment(id, id, frag.unwrap_or(""));
    }
    if path == "index.html" || path.is_empty() {
        return format!("#{}", site.home);
    }
    if let Some(bytes) = site.files.get(&path) {
        if bytes.len() <= INLINE_LIMIT {
            return data_uri(&path, bytes);
        }
        notes.left_out.insert(path.clone(), bytes.len());
        return path;
    }
    notes.unknown.insert((scope.path.to_string(), url.to_string()));
    url.to_string()
}

/// `#frag` inside section `section` whose ids carry `prefix`.
fn fragment(section: &str, prefix: &str, frag: &str) -> String {
    let frag = percent_decode(frag);
    if frag.is_empty() || frag == "main" {
        format!("#{section}")
    } else {
        format!("#{prefix}--{frag}")
    }
}

/// A relative URL on page `from` → (site path, fragment); `None` for URLs
/// with a scheme (`https:`, `mailto:`, `data:`), absolute paths, and paths
/// that leave the site.
fn local_path<'u>(url: &'u str, from: &str) -> Option<(String, Option<&'u str>)> {
    let scheme = url.split_once(':').map(|(s, _)| s).filter(|s| {
        s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if scheme.is_some() || url.starts_with('/') {
        return None;
    }
    let (rest, frag) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let rest = rest.split('?').next().unwrap_or(rest);
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    if rest.is_empty() {
        return Some((from.to_string(), frag));
    }
    let mut path = normalize(dir, &percent_decode(rest))?;
    if rest.ends_with('/') || rest == "." || rest == ".." || rest.ends_with("/.") || rest.ends_with("/..") {
        path = if path.is_empty() { "index.html".into() } else { format!("{path}/index.html") };
    }
    Some((path, frag))
}

fn data_uri(path: &str, bytes: &[u8]) -> String {
    let mime = media_type(path).replace("; ", ";");
    format!("data:{mime};base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The CSP source expression's hash: SHA-256 of the exact text, base64.
pub fn sha256_b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes()))
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase().contains(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(paths: &[&str]) -> BTreeMap<String, FileBytes> {
        paths.iter().map(|p| (p.to_string(), FileBytes::default())).collect()
    }

    #[test]
    fn page_ids_come_from_paths_and_never_hold_a_double_dash() {
        assert_eq!(page_id("nl/playbooks/ransomware.html"), "p-nl-playbooks-ransomware");
        assert_eq!(page_id("en/index.html"), "p-en-index");
        assert_eq!(page_id("nl/a--b/c..d.html"), "p-nl-a-b-c-d");
        assert_eq!(page_id("nl/café.html"), "p-nl-caf");
        let mut used = BTreeSet::new();
        assert_eq!(unique("p-a".into(), &mut used), "p-a");
        assert_eq!(unique("p-a".into(), &mut used), "p-a-2");
    }

    #[test]
    fn sha256_matches_the_known_vectors() {
        assert_eq!(sha256_b64(""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
        assert_eq!(sha256_b64("abc"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    }

    #[test]
    fn links_ids_and_references_are_rewritten_within_the_document() {
        let files = site(&["nl/index.html", "nl/playbooks/ransomware.html", "nl/faq.html", "static/logo.png"]);
        let mut files = files;
        files.insert("static/logo.png".into(), FileBytes::new(vec![1, 2, 3]));
        let s = Site {
            pages: [
                ("nl/index.html", "p-nl-index".to_string()),
                ("nl/playbooks/ransomware.html", "p-nl-playbooks-ransomware".to_string()),
                ("nl/faq.html", "p-nl-faq".to_string()),
            ]
            .into_iter()
            .collect(),
            files: &files,
            home: "p-nl-index".into(),
        };
        let scope = Scope {
            path: "nl/playbooks/ransomware.html",
            prefix: "p-nl-playbooks-ransomware",
            section: "p-nl-playbooks-ransomware",
        };
        let mut notes = Notes::default();
        let src = concat!(
            r#"<h2 id="isolate">Isolate</h2><a href="../faq.html#ransom">FAQ</a> "#,
            r#"<a href='#isolate'>here</a><a href="ransomware.html">self</a>"#,
            r#"<section aria-labelledby="a b"><label for="x">L</label></section>"#,
            r#"<img src="../../static/logo.png" alt="Logo"><a href="https://example.org/?a=1&amp;b=2">ext</a>"#,
            r#"<a href="../../index.html">root</a><a href="mailto:x@example.org">m</a>"#,
            r#"<a href="../../static/logo.png">logo</a><input checked><a href="../missing.html">gone</a>"#,
        );
        let out = rewrite(src, &scope, &s, &mut notes);
        assert!(out.contains(r#"<h2 id="p-nl-playbooks-ransomware--isolate">"#), "{out}");
        assert!(out.contains(r##"<a href="#p-nl-faq--ransom">FAQ</a>"##), "{out}");
        assert!(out.contains(r##"<a href="#p-nl-playbooks-ransomware--isolate">here</a>"##), "{out}");
        assert!(out.contains(r##"<a href="#p-nl-playbooks-ransomware">self</a>"##), "{out}");
        assert!(out.contains(r#"aria-labelledby="p-nl-playbooks-ransomware--a p-nl-playbooks-ransomware--b""#));
        assert!(out.contains(r#"<label for="p-nl-playbooks-ransomware--x">"#));
        assert!(out.contains(r#"<img src="data:image/png;base64,AQID" alt="Logo">"#), "{out}");
        assert!(out.contains(r#"<a href="https://example.org/?a=1&amp;b=2">ext</a>"#), "external links stay: {out}");
        assert!(out.contains(r##"<a href="#p-nl-index">root</a>"##), "{out}");
        assert!(out.contains(r#"<a href="mailto:x@example.org">m</a>"#));
        assert!(out.contains(r#"<a href="data:image/png;base64,AQID" download="logo.png">logo</a>"#), "{out}");
        assert!(out.contains("<input checked>"));
        assert!(out.contains(r#"<a href="../missing.html">gone</a>"#));
        assert_eq!(notes.unknown.len(), 1);
    }

    #[test]
    fn big_static_files_stay_outside_and_are_noted() {
        let mut files = BTreeMap::new();
        files.insert("static/big.pdf".to_string(), FileBytes::new(vec![0u8; INLINE_LIMIT + 1]));
        let s = Site { pages: BTreeMap::new(), files: &files, home: "p-nl-index".into() };
        let scope = Scope { path: "nl/pages/a.html", prefix: "p-nl-pages-a", section: "p-nl-pages-a" };
        let mut notes = Notes::default();
        assert_eq!(resolve("../../static/big.pdf", &scope, &s, &mut notes), "static/big.pdf");
        assert_eq!(notes.left_out.get("static/big.pdf"), Some(&(INLINE_LIMIT + 1)));
    }

    #[test]
    fn scripts_merge_keeping_each_pages_order() {
        let mut list = Vec::new();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        merge_in_order(&mut list, &s(&["engine", "data-a", "glue"]));
        merge_in_order(&mut list, &s(&["engine", "data-b", "glue"]));
        merge_in_order(&mut list, &s(&["search"]));
        assert_eq!(list, s(&["engine", "data-a", "data-b", "glue", "search"]));
    }
}
