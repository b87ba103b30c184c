//! What `irbook check` looks at beyond what the build validates: pages no one
//! can reach, sources not checked for a long time, and texts in YAML files
//! that lack one of the handbook's languages. These are warnings: the site
//! builds, but an editor should look. They depend on today's date or on the
//! whole rendered site, so the build itself does not run them.

use crate::diag::{Diagnostic, Pos, Report};
use crate::load::Tree;
use crate::model::Handbook;
use crate::spans::{Seg, SpanIndex};
use crate::ypath;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Runs every audit on a handbook that built without errors.
pub fn run(
    hb: &Handbook,
    tree: &Tree,
    site: &BTreeMap<String, crate::render::FileBytes>,
    today: i64,
    report: &mut Report,
) {
    orphans(hb, site, report);
    source_age(hb, tree, today, report);
    missing_translations(hb, tree, report);
}

/// Pages that no link reaches from the home page of any language.
fn orphans(hb: &Handbook, site: &BTreeMap<String, crate::render::FileBytes>, report: &mut Report) {
    let reached = reachable(site, "index.html");
    for page in &hb.pages {
        let lang = &hb.config.default_language;
        let out = format!("{lang}/{}.html", page.path);
        if site.contains_key(&out) && !reached.contains(out.as_str()) {
            report.push(
                Diagnostic::warning(&page.doc.doc(lang).file, Pos::FILE, "no page links to this page, so readers cannot find it")
                    .hint(format!("link to it from another page, like [title](pages/{}.md), or move it into a section folder, whose pages are listed in the menu", page.path)),
            );
        }
    }
}

/// Output paths reachable from `start` by following relative links.
fn reachable<'a>(site: &'a BTreeMap<String, crate::render::FileBytes>, start: &str) -> BTreeSet<&'a str> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut queue: VecDeque<&str> = VecDeque::new();
    if let Some((k, _)) = site.get_key_value(start) {
        seen.insert(k);
        queue.push_back(k);
    }
    while let Some(page) = queue.pop_front() {
        let html = String::from_utf8_lossy(&site[page]);
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        for target in hrefs(&html) {
            let Some(path) = resolve(dir, &target) else { continue };
            if let Some((k, _)) = site.get_key_value(&path) {
                if k.ends_with(".html") && seen.insert(k) {
                    queue.push_back(k);
                }
            }
        }
    }
    seen
}

/// Where a page's links go: `href` values and the `url=` of a meta refresh
/// (the root page), as written.
fn hrefs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for t in crate::web::html::Tokens::new(html) {
        let Some(tag) = t.start() else { continue };
        if let Some(h) = tag.get("href") {
            out.push(h);
        }
        if tag.name == "meta" && tag.get("http-equiv").is_some_and(|e| e.eq_ignore_ascii_case("refresh")) {
            if let Some((_, url)) = tag.get("content").unwrap_or_default().split_once("url=") {
                out.push(url.trim().to_string());
            }
        }
    }
    out
}

/// A relative link from a page in `dir` to a path in the site, without `#…`.
fn resolve(dir: &str, href: &str) -> Option<String> {
    let href = href.split(['#', '?']).next()?;
    if href.is_empty() || crate::web::url::scheme(href).is_some() || href.starts_with('/') {
        return None;
    }
    crate::web::url::normalize(dir, &crate::web::url::percent_decode(href))
}

/// Sources whose `last_checked` is older than `check.max_source_age_days`.
fn source_age(hb: &Handbook, tree: &Tree, today: i64, report: &mut Report) {
    const FILE: &str = "sources/sources.yaml";
    let max = i64::from(hb.config.max_source_age_days);
    let spans = tree.get(FILE).and_then(|f| f.text()).map(|t| SpanIndex::build(t, 0)).unwrap_or_default();
    for (i, s) in hb.sources.iter().enumerate() {
        let Some(days) = days_of(&s.last_checked) else { continue };
        let age = today - days;
        if age > max {
            report.push(
                Diagnostic::warning(
                    FILE,
                    spans.pos(&ypath!["sources", i, "last_checked"]),
                    format!(
                        "source `{}` was last checked {age} days ago (on {}); the limit is {max} days",
                        s.id, s.last_checked
                    ),
                )
                .hint(format!(
                    "open {} and check that what the handbook says still holds, then update last_checked",
                    s.url
                )),
            );
        } else if age < 0 {
            report.push(Diagnostic::warning(
                FILE,
                spans.pos(&ypath!["sources", i, "last_checked"]),
                format!("source `{}` says it was checked on {}, which is in the future", s.id, s.last_checked),
            ));
        }
    }
}

fn days_of(date: &str) -> Option<i64> {
    let mut p = date.split('-').map(|x| x.parse::<u32>().ok());
    let (y, m, d) = (p.next()??, p.next()??, p.next()??);
    Some(assessment_wasm::time::days_from_civil(i64::from(y), m, d))
}

/// Texts in YAML files written per language (`{nl: …, en: …}`) that lack one of
/// the handbook's languages: readers of that language see another language.
fn missing_translations(hb: &Handbook, tree: &Tree, report: &mut Report) {
    let langs: BTreeSet<&str> = hb.config.languages.iter().map(String::as_str).collect();
    if langs.len() < 2 {
        return;
    }
    for f in tree.files.values() {
        if !(f.path.ends_with(".yaml") || f.path.ends_with(".yml")) || f.path.starts_with("static/") {
            continue;
        }
        let Some(text) = f.text() else { continue };
        if crate::yaml::check(text).is_some() {
            continue;
        }
        let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(text) else { continue };
        let mut found = Vec::new();
        walk(&value, &mut Vec::new(), &langs, &mut found);
        if found.is_empty() {
            continue;
        }
        let spans = SpanIndex::build(text, 0);
        for (path, missing) in found {
            report.push(
                Diagnostic::warning(
                    &f.path,
                    spans.pos(&path),
                    format!("this text has no {} version", missing.join(", ")),
                )
                .hint(format!(
                    "add {} to it; until then readers see the text of another language",
                    missing.iter().map(|l| format!("`{l}: …`")).collect::<Vec<_>>().join(" and ")
                )),
            );
        }
    }
}

fn walk(v: &serde_yaml::Value, path: &mut Vec<Seg>, langs: &BTreeSet<&str>, found: &mut Vec<(Vec<Seg>, Vec<String>)>) {
    match v {
        serde_yaml::Value::Mapping(m) => {
            let keys: Vec<&str> = m.keys().filter_map(|k| k.as_str()).collect();
            let is_text = !m.is_empty()
                && keys.len() == m.len()
                && keys.iter().all(|k| langs.contains(k))
                && m.values().all(|v| v.is_string());
            if is_text {
                let missing: Vec<String> = langs.iter().filter(|l| !keys.contains(l)).map(|l| l.to_string()).collect();
                if !missing.is_empty() {
                    found.push((path.clone(), missing));
                }
                return;
            }
            for (k, v) in m {
                if let Some(k) = k.as_str() {
                    path.push(Seg::Key(k.to_string()));
                    walk(v, path, langs, found);
                    path.pop();
                }
            }
        }
        serde_yaml::Value::Sequence(s) => {
            for (i, v) in s.iter().enumerate() {
                path.push(Seg::Index(i));
                walk(v, path, langs, found);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_links() {
        assert_eq!(resolve("nl/guides", "../playbooks/x.html#a").as_deref(), Some("nl/playbooks/x.html"));
        assert_eq!(resolve("", "nl/index.html").as_deref(), Some("nl/index.html"));
        assert_eq!(resolve("nl", "https://example.org/"), None);
        assert_eq!(resolve("nl", "../../x.html"), None);
    }

    #[test]
    fn finds_hrefs_and_refresh() {
        let html = r#"<meta http-equiv="refresh" content="0; url=nl/index.html"><a href="a.html#x">a</a>"#;
        assert_eq!(hrefs(html), vec!["nl/index.html", "a.html#x"]);
    }

    #[test]
    fn reachability_follows_links() {
        let site: BTreeMap<String, crate::render::FileBytes> = [
            ("index.html", r#"<a href="nl/index.html">"#),
            ("nl/index.html", r#"<a href="guides/a.html">"#),
            ("nl/guides/a.html", r#"<a href="../index.html">"#),
            ("nl/lonely.html", ""),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), crate::render::FileBytes::new(v.as_bytes().to_vec())))
        .collect();
        let r = reachable(&site, "index.html");
        assert!(r.contains("nl/guides/a.html"));
        assert!(!r.contains("nl/lonely.html"));
    }
}
