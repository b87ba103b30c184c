//! The built-in handbook: it validates with only the example-contacts warning,
//! its three languages have the same pages, and every link and anchor in the built
//! site resolves.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

fn build_default(out: &Path) {
    let o = run(
        &["build", repo().join("content").to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"],
        out.parent().unwrap(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn default_handbook_has_no_warning_but_the_example_contacts() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["check", repo().join("content").to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let warnings: Vec<String> = stderr(&o).lines().filter(|l| l.starts_with("warning:")).map(str::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].starts_with("warning: contacts.yaml: ")
            && warnings[0].contains("example contacts still to fill in"),
        "{}",
        warnings[0]
    );
    assert!(stdout(&o).contains("Check passed: 0 errors, 1 warning."), "{}", stdout(&o));
}

#[test]
fn every_language_has_the_same_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_default(&out);
    let pages = |lang: &str| -> BTreeSet<String> {
        snapshot(&out.join(lang)).into_iter().map(|(p, _)| p).filter(|p| p.ends_with(".html")).collect()
    };
    let (nl, en, fr) = (pages("nl"), pages("en"), pages("fr"));
    assert!(nl.len() >= 30, "{} Dutch pages", nl.len());
    assert_eq!(nl, en, "pages missing in one language");
    assert_eq!(nl, fr, "pages missing in French");
    // No page of the default handbook falls back to the other language.
    for (path, bytes) in snapshot(&out) {
        if path.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            assert!(!html.contains(r#"<p class="notice">This page is not yet translated"#), "{path}");
            assert!(!html.contains("Deze pagina is nog niet vertaald"), "{path}");
            assert!(!html.contains("Cette page n'est pas encore traduite"), "{path}");
        }
    }
    // Every conditional step says in words when it applies, in the page's language.
    for (lang, only_if, general) in [
        ("en", "Only if the answer to", "only in some cases"),
        ("nl", "Alleen als het antwoord op", "alleen in sommige gevallen"),
        ("fr", "Seulement si la réponse à", "seulement dans certains cas"),
    ] {
        let html = fs::read_to_string(out.join(lang).join("playbooks/data-breach.html")).unwrap();
        assert!(html.contains(only_if), "{lang}: no condition in words");
        assert!(!html.contains(general), "{lang}: a condition was left as the general note");
    }
    let html = fs::read_to_string(out.join("nl/playbooks/data-breach.html")).unwrap();
    assert!(
        html.contains("In welk land is de organisatie (hoofdvestiging) gevestigd?” ‘Nederland’ is."),
        "Dutch labels"
    );
    // The paper binder's cover says which version of the handbook it is.
    for (lang, label) in [("nl", "Versie"), ("en", "Version"), ("fr", "Version")] {
        let html = fs::read_to_string(out.join(lang).join("playbooks/binder.html")).unwrap();
        assert!(
            html.contains(&format!("<p class=\"binder-version\">{label} 2026.12</p>")),
            "{lang}: no version on the cover"
        );
    }
}

#[test]
fn every_link_and_anchor_in_the_built_site_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    build_default(&out);
    let files: BTreeMap<String, String> = snapshot(&out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect();
    let ids = |html: &str| -> BTreeSet<String> {
        html.match_indices(" id=\"").map(|(i, m)| html[i + m.len()..].split('"').next().unwrap().to_string()).collect()
    };
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, html) in &files {
        let dir = Path::new(page).parent().unwrap_or(Path::new(""));
        for attr in [" href=\"", " src=\""] {
            for (i, m) in html.match_indices(attr) {
                let url = html[i + m.len()..].split('"').next().unwrap();
                if url.starts_with("http://")
                    || url.starts_with("https://")
                    || url.starts_with("mailto:")
                    || url.starts_with("tel:")
                {
                    continue;
                }
                let (path, frag) = url.split_once('#').map_or((url, None), |(p, f)| (p, Some(f)));
                let target = if path.is_empty() {
                    page.clone()
                } else {
                    let joined = dir.join(path);
                    let mut parts: Vec<String> = Vec::new();
                    for c in joined.components() {
                        match c {
                            std::path::Component::ParentDir => {
                                parts.pop();
                            }
                            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                            _ => {}
                        }
                    }
                    parts.join("/")
                };
                checked += 1;
                if !out.join(&target).is_file() {
                    broken.push(format!("{page}: {url} (no file {target})"));
                    continue;
                }
                if let (Some(frag), Some(target_html)) = (frag, files.get(&target)) {
                    if !frag.is_empty() && !ids(target_html).contains(frag) {
                        broken.push(format!("{page}: {url} (no id `{frag}` in {target})"));
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "checked {checked} links");
    assert!(broken.is_empty(), "{} broken links:\n{}", broken.len(), broken.join("\n"));
    let _ = fs::metadata(&out);
}
