//! Markdown → HTML with pulldown-cmark: tables, footnotes, heading anchors,
//! raw HTML escaped unless the handbook allows it, and every link checked and
//! rewritten so the site works from `file://` (relative links to `.html` pages
//! in the same language).

use crate::diag::{did_you_mean, Diagnostic, Pos};
use crate::web::url::{normalize, percent_decode};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where links can go, for one language. URLs are relative to the language root.
#[derive(Debug, Default)]
pub struct Targets {
    /// Content path without language suffix (`phases/01-first-response`,
    /// `playbooks/ransomware.yaml`) → page URL (`phases/first-response.html`).
    pub files: HashMap<String, String>,
    /// Step id → `playbooks/x.html#step-id`.
    pub steps: HashMap<String, String>,
    pub sources: BTreeSet<String>,
    pub contacts: BTreeSet<String>,
    /// Files under `static/`, by content path.
    pub statics: BTreeSet<String>,
    /// Some playbook did not parse, so a step that seems unknown may be defined there.
    pub steps_incomplete: bool,
    /// contacts.yaml (or an entry of it) did not parse: the same for roles.
    pub contacts_incomplete: bool,
}

impl Targets {
    /// Adds everything a link may resolve to into a memo key, in a stable order.
    pub(crate) fn key(&self, key: &mut crate::memo::Inputs) {
        fn sorted(m: &HashMap<String, String>) -> std::collections::BTreeMap<&String, &String> {
            m.iter().collect()
        }
        key.add(&sorted(&self.files)).add(&sorted(&self.steps));
        key.add(&self.sources).add(&self.contacts).add(&self.statics);
        key.add(&self.steps_incomplete).add(&self.contacts_incomplete);
    }
}

/// Where the document being rendered lives.
pub struct DocContext<'a> {
    /// Content file path (for resolving relative links and for messages).
    pub file: &'a str,
    /// Line in the file where the Markdown starts.
    pub first_line: usize,
    /// Relative prefix from the output page to the language root (`../`).
    pub to_lang_root: &'a str,
    /// Relative prefix from the output page to the site root (`../../`).
    pub to_site_root: &'a str,
    pub languages: &'a [String],
    pub allow_html: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Second-level headings: (anchor, text), for a table of contents.
    pub toc: Vec<(String, String)>,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_TASKLISTS
}

/// Deeper quote nesting than this is refused: each level is an element
/// pulldown-cmark and the page keep open (found by review: 4.8 MB of `>`
/// asked for 768 MB at once and aborted the build).
pub const MAX_QUOTE_DEPTH: usize = 64;

/// Renders `src`, pushing link problems into `problems`.
pub fn render(src: &str, ctx: &DocContext, targets: &Targets, problems: &mut Vec<Diagnostic>) -> Rendered {
    if let Some((line, column)) = deep_quote(src) {
        problems.push(
            Diagnostic::error(
                ctx.file,
                Pos::new(ctx.first_line + line, column),
                format!("quotes (`>`) nest more than {MAX_QUOTE_DEPTH} levels deep here"),
            )
            .hint("a page never needs this much nesting; write the quoted text once"),
        );
        return Rendered::default();
    }
    let lines = LineIndex::new(src);
    let mut events: Vec<Event> = Vec::new();
    for (ev, range) in Parser::new_ext(src, options()).into_offset_iter() {
        let ev = match ev {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest = rewrite(&dest_url, false, ctx, targets, lines.pos(range.start, ctx.first_line), problems);
                Event::Start(Tag::Link { link_type, dest_url: dest, title, id })
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest = rewrite(&dest_url, true, ctx, targets, lines.pos(range.start, ctx.first_line), problems);
                Event::Start(Tag::Image { link_type, dest_url: dest, title, id })
            }
            Event::Html(h) | Event::InlineHtml(h) if !ctx.allow_html => Event::Text(h),
            // `## Title {#id .class key=value}`: without raw HTML, an attribute
            // could carry an event handler or a style; keep only safe classes.
            // Ids are made safe and unique in `anchor_headings`.
            Event::Start(Tag::Heading { level, id, classes, attrs: _ }) if !ctx.allow_html => {
                let classes = classes.into_iter().filter(|c| !c.is_empty() && c.chars().all(safe_name_char)).collect();
                Event::Start(Tag::Heading { level, id, classes, attrs: Vec::new() })
            }
            other => other,
        };
        events.push(ev);
    }
    let toc = anchor_headings(&mut events);
    // Most documents have no task list: no second copy of their events.
    let events =
        if events.iter().any(|e| matches!(e, Event::TaskListMarker(_))) { label_tasks(events) } else { events };
    let mut html = String::with_capacity(src.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered { html, toc }
}

/// Puts each task-list checkbox and the item's text in one `<label>`, so the
/// checkbox has an accessible name (a bare `<input>` fails WCAG 4.1.2). The
/// label ends where the item's inline text ends: at a nested list, a new
/// paragraph or the end of the item.
fn label_tasks(events: Vec<Event>) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len());
    let mut open: Option<usize> = None; // inline nesting depth inside an open label
    for ev in events {
        if let Some(depth) = open {
            let inline = matches!(
                ev,
                Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. })
                    | Event::End(
                        TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image
                    )
            );
            match &ev {
                Event::Start(_) if inline => open = Some(depth + 1),
                Event::End(_) if inline => open = Some(depth.saturating_sub(1)),
                Event::Start(_) | Event::End(_) if depth == 0 => {
                    out.push(Event::Html(CowStr::from("</label>")));
                    open = None;
                }
                _ => {}
            }
        }
        if let Event::TaskListMarker(checked) = ev {
            let input = if checked {
                "<label class=\"task\"><input disabled=\"\" type=\"checkbox\" checked=\"\"> "
            } else {
                "<label class=\"task\"><input disabled=\"\" type=\"checkbox\"> "
            };
            out.push(Event::Html(CowStr::from(input)));
            open = Some(0);
            continue;
        }
        out.push(ev);
    }
    if open.is_some() {
        out.push(Event::Html(CowStr::from("</label>")));
    }
    out
}

/// Ids the theme's page templates use themselves; a heading never takes one.
const RESERVED_IDS: &[&str] = &[
    "main",
    "start-title",
    "playbooks-title",
    "phases-title",
    "phase-steps-title",
    "emergency-title",
    "assessments-title",
];

fn safe_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Gives every heading an id (its own `{#id}` or one from its text, made
/// safe and unique in the page) and returns the h2s.
fn anchor_headings(events: &mut [Event]) -> Vec<(String, String)> {
    let mut used: BTreeMap<String, usize> = RESERVED_IDS.iter().map(|r| (r.to_string(), 1)).collect();
    let mut toc = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = *level;
            let own = id.as_ref().map(|i| crate::model::slug(i)).filter(|i| !i.is_empty());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = own.unwrap_or_else(|| crate::model::slug(&text));
            let n = used.entry(base.clone()).or_insert(0);
            *n += 1;
            let anchor = if *n == 1 { base } else { format!("{base}-{n}") };
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(anchor.clone()));
            }
            if level == HeadingLevel::H2 {
                toc.push((anchor, text));
            }
            i = j;
        }
        i += 1;
    }
    toc
}

fn rewrite<'a>(
    dest: &CowStr<'a>,
    image: bool,
    ctx: &DocContext,
    targets: &Targets,
    pos: Pos,
    problems: &mut Vec<Diagnostic>,
) -> CowStr<'a> {
    let d = dest.trim();
    let lower = d.to_ascii_lowercase();
    let scheme =
        lower.split_once(':').map(|(s, _)| s).filter(|s| !s.contains('/') && !s.contains('#') && !s.contains('.'));
    match scheme {
        Some("http") | Some("https") => {
            if image {
                problems.push(
                    Diagnostic::error(ctx.file, pos, format!("image from another site: `{d}`"))
                        .hint("the handbook must work offline: save the image in static/ and link to it there"),
                );
                return CowStr::from("#");
            }
            return dest.clone();
        }
        Some("mailto") | Some("tel") => return dest.clone(),
        Some("source") => {
            let id = &d["source:".len()..];
            if !targets.sources.contains(id) {
                problems.push(
                    Diagnostic::error(ctx.file, pos, format!("unknown source `{id}`")).maybe_hint(
                        did_you_mean(id, targets.sources.iter().map(String::as_str))
                            .or_else(|| Some("add it to sources/sources.yaml".into())),
                    ),
                );
            }
            return format!("{}sources.html#src-{id}", ctx.to_lang_root).into();
        }
        Some("step") => {
            let id = &d["step:".len()..];
            return match targets.steps.get(id) {
                Some(url) => format!("{}{url}", ctx.to_lang_root).into(),
                None => {
                    if !targets.steps_incomplete {
                        problems.push(
                            Diagnostic::error(ctx.file, pos, format!("unknown step `{id}`"))
                                .maybe_hint(did_you_mean(id, targets.steps.keys().map(String::as_str))),
                        );
                    }
                    // Never pass on a URL that was not resolved (found by fuzzing:
                    // `![x](step:…)` kept `step:` as an image source).
                    CowStr::from("#")
                }
            };
        }
        Some("contact") => {
            let role = &d["contact:".len()..];
            if !targets.contacts.contains(role) && !targets.contacts_incomplete {
                problems.push(
                    Diagnostic::error(ctx.file, pos, format!("unknown contact `{role}`")).maybe_hint(
                        did_you_mean(role, targets.contacts.iter().map(String::as_str))
                            .or_else(|| Some("add it to contacts.yaml".into())),
                    ),
                );
            }
            return format!("{}contacts.html#contact-{role}", ctx.to_lang_root).into();
        }
        Some(other) => {
            let (msg, hint) = if matches!(other, "javascript" | "data" | "vbscript" | "file") {
                (
                    format!("unsafe link `{d}`: `{other}:` links are not allowed"),
                    "link to a page of the handbook or to an https:// address",
                )
            } else {
                (
                    format!("link with unknown scheme `{other}:`"),
                    "use https://, mailto:, tel:, or a path to another file of the handbook",
                )
            };
            problems.push(Diagnostic::error(ctx.file, pos, msg).hint(hint));
            return CowStr::from("#");
        }
        None => {}
    }
    if d.starts_with('#') || d.is_empty() {
        return dest.clone();
    }
    if d.starts_with('/') || d.starts_with("//") {
        problems.push(Diagnostic::error(ctx.file, pos, format!("absolute link `{d}`")).hint(
            "write the path relative to this file, like ../phases/02-analysis.md, so the site works from any folder",
        ));
        return CowStr::from("#");
    }
    let (path, frag) = match d.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (d, None),
    };
    let path = percent_decode(path);
    let dir = ctx.file.rsplit_once('/').map_or("", |(d, _)| d);
    let Some(resolved) = normalize(dir, &path) else {
        problems.push(
            Diagnostic::error(ctx.file, pos, format!("link `{d}` points outside the content folder"))
                .hint("link only to files inside the handbook"),
        );
        return CowStr::from("#");
    };
    if resolved.starts_with("static/") {
        if targets.statics.contains(&resolved) {
            return format!("{}{}", ctx.to_site_root, resolved).into();
        }
        problems.push(
            Diagnostic::error(ctx.file, pos, format!("link to a missing file `{resolved}`"))
                .maybe_hint(did_you_mean(&resolved, targets.statics.iter().map(String::as_str))),
        );
        return CowStr::from("#");
    }
    let key = content_key(&resolved, ctx.languages);
    match targets.files.get(&key) {
        Some(url) => {
            let mut out = format!("{}{url}", ctx.to_lang_root);
            if let Some(f) = frag {
                if url.contains('#') {
                    // FAQ entries are already anchors on one page; keep that anchor.
                } else {
                    out.push('#');
                    out.push_str(f);
                }
            }
            out.into()
        }
        None => {
            problems.push(
                Diagnostic::error(ctx.file, pos, format!("link to a missing file `{resolved}`")).maybe_hint(
                    did_you_mean(&key, targets.files.keys().map(String::as_str))
                        .or_else(|| Some("check the path: it is relative to this file".into())),
                ),
            );
            CowStr::from("#")
        }
    }
}

/// The text of a Markdown snippet without its markup, for summaries and cards.
pub fn plain(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    for ev in Parser::new_ext(src, options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            // Where blocks, lines and cells end, words must not run together.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) if !out.ends_with(' ') => out.push(' '),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// The key a content file is known by in [`Targets::files`]: Markdown files
/// without language suffix and extension, other files as they are.
pub fn content_key(path: &str, languages: &[String]) -> String {
    if let Some(stem) = path.strip_suffix(".md") {
        if let Some((base, lang)) = stem.rsplit_once('.') {
            if languages.iter().any(|l| l == lang) {
                return base.to_string();
            }
        }
        return stem.to_string();
    }
    path.to_string()
}

/// The line (from 0) and column where `>` quote markers at the start of a
/// line first nest deeper than [`MAX_QUOTE_DEPTH`].
fn deep_quote(src: &str) -> Option<(usize, usize)> {
    // Line by line with memchr: this runs over every document of every build.
    let bytes = src.as_bytes();
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    for (i, end) in ends.enumerate() {
        let line = &bytes[start..end];
        start = end + 1;
        let mut depth = 0;
        // Only ASCII bytes are counted before the loop stops, so a byte's
        // index is its column.
        for (col, &b) in line.iter().enumerate() {
            match b {
                b'>' => {
                    depth += 1;
                    if depth > MAX_QUOTE_DEPTH {
                        return Some((i, col + 1));
                    }
                }
                b' ' | b'\t' => {}
                _ => break,
            }
        }
    }
    None
}

/// Byte offset → line and column.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(s: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', s.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    fn pos(&self, offset: usize, first_line: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= offset).saturating_sub(1);
        Pos::new(first_line + line, offset - self.starts[line] + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets() -> Targets {
        let mut t = Targets::default();
        t.files.insert("phases/02-analysis".into(), "phases/analysis.html".into());
        t.files.insert("faq/encrypted".into(), "faq.html#encrypted".into());
        t.steps.insert("notify-ap".into(), "playbooks/data-breach.html#step-notify-ap".into());
        t.sources.insert("ap".into());
        t.statics.insert("static/logo.png".into());
        t
    }

    fn ctx<'a>(langs: &'a [String], allow_html: bool) -> DocContext<'a> {
        DocContext {
            file: "phases/01-first.nl.md",
            first_line: 5,
            to_lang_root: "../",
            to_site_root: "../../",
            languages: langs,
            allow_html,
        }
    }

    #[test]
    fn deep_quotes_are_refused_quickly() {
        let langs = vec!["nl".to_string()];
        let src = format!("intro\n{}x\n", "> ".repeat(2_000_000));
        let mut problems = Vec::new();
        let started = std::time::Instant::now();
        let r = render(&src, &ctx(&langs, false), &targets(), &mut problems);
        assert!(started.elapsed().as_secs() < 2 && r.html.is_empty());
        assert_eq!((problems[0].line, problems[0].column), (6, 2 * MAX_QUOTE_DEPTH + 1));
        let fine = "> a\n> > b\n>>> c\n";
        let mut problems = Vec::new();
        assert!(render(fine, &ctx(&langs, false), &targets(), &mut problems).html.contains("<blockquote>"));
        assert!(problems.is_empty());
    }

    #[test]
    fn task_list_checkboxes_are_labelled_by_their_text() {
        let langs = vec!["en".to_string()];
        let mut p = Vec::new();
        let r = render(
            "- [ ] Evidence is *kept*\n- [x] Done\n  - nested\n\n- [ ] Loose\n\n  More text\n",
            &ctx(&langs, false),
            &targets(),
            &mut p,
        );
        assert!(
            r.html.contains(
                "<label class=\"task\"><input disabled=\"\" type=\"checkbox\"> Evidence is <em>kept</em></label>"
            ),
            "{}",
            r.html
        );
        assert!(r.html.contains("checked=\"\"> Done</label>"), "{}", r.html);
        assert!(r.html.contains("Loose</label></p>"), "{}", r.html);
        assert_eq!(r.html.matches("<label").count(), r.html.matches("</label>").count(), "{}", r.html);
        assert!(p.is_empty());
    }

    #[test]
    fn rewrites_links_relative_to_the_page() {
        let langs = vec!["nl".to_string(), "en".to_string()];
        let mut p = Vec::new();
        let r = render(
            "See [b](02-analysis.nl.md#x), [q](../faq/encrypted.en.md), [s](source:ap), [n](step:notify-ap) ![l](../static/logo.png)",
            &ctx(&langs, false),
            &targets(),
            &mut p,
        );
        assert!(p.is_empty(), "{p:?}");
        assert!(r.html.contains(r#"href="../phases/analysis.html#x""#), "{}", r.html);
        assert!(r.html.contains(r#"href="../faq.html#encrypted""#));
        assert!(r.html.contains(r#"href="../sources.html#src-ap""#));
        assert!(r.html.contains(r#"href="../playbooks/data-breach.html#step-notify-ap""#));
        assert!(r.html.contains(r#"src="../../static/logo.png""#));
    }

    #[test]
    fn reports_bad_links_with_positions() {
        let langs = vec!["nl".to_string()];
        let mut p = Vec::new();
        render(
            "line one\n\n[x](02-analyse.md) and [y](javascript:alert(1)) [z](../../etc/passwd)",
            &ctx(&langs, false),
            &targets(),
            &mut p,
        );
        let msgs: Vec<String> = p.iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs[0], "error: phases/01-first.nl.md:7:1: link to a missing file `phases/02-analyse.md`\n  hint: did you mean `phases/02-analysis`?");
        assert!(
            msgs[1].starts_with("error: phases/01-first.nl.md:7:24: unsafe link `javascript:alert(1)`"),
            "{}",
            msgs[1]
        );
        assert!(msgs[2].contains("points outside the content folder"), "{}", msgs[2]);
    }

    #[test]
    fn escapes_raw_html_unless_allowed() {
        let langs = vec!["en".to_string()];
        let mut p = Vec::new();
        let r = render(
            "Hi <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>",
            &ctx(&langs, false),
            &targets(),
            &mut p,
        );
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(!r.html.contains("<img"));
        let r = render("<b>bold</b>", &ctx(&langs, true), &targets(), &mut p);
        assert!(r.html.contains("<b>bold</b>"));
    }

    #[test]
    fn plain_drops_markup() {
        assert_eq!(plain("Kies **Weet ik niet**.\n\nDan [meer](x.md)."), "Kies Weet ik niet. Dan meer.");
        assert_eq!(plain("Meld het, zie [AVG art. 33](source:gdpr-art33)."), "Meld het, zie AVG art. 33.");
        assert_eq!(plain("- een\n- twee\n\n# Kop\nTekst"), "een twee Kop Tekst");
    }

    #[test]
    fn anchors_headings_uniquely() {
        let langs = vec!["en".to_string()];
        let mut p = Vec::new();
        let r = render("## Wat nu?\n\n## Wat nu?\n\n### Sub", &ctx(&langs, false), &targets(), &mut p);
        assert!(r.html.contains(r#"<h2 id="wat-nu">"#), "{}", r.html);
        assert!(r.html.contains(r#"<h2 id="wat-nu-2">"#));
        assert_eq!(r.toc.len(), 2);
    }
}
