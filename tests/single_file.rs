//! `irbook build --single-file FILE`: the whole handbook as one HTML file,
//! with every link inside the document, everything inline and a CSP that
//! names each inline script and style by its hash.

mod common;
use base64::Engine as _;
use common::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

fn build_single(root: &Path, file: &Path, cwd: &Path) -> std::process::Output {
    run(&["build", root.to_str().unwrap(), "--single-file", file.to_str().unwrap()], cwd)
}

/// The values of every `name="…"` attribute in the document (our output always uses double quotes).
fn attr_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!(" {name}=\"");
    html.match_indices(&needle)
        .map(|(i, _)| {
            let rest = &html[i + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// The contents of every `<tag>…</tag>` without attributes.
fn inline_blocks<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    html.match_indices(&open)
        .map(|(i, _)| {
            let rest = &html[i + open.len()..];
            &rest[..rest.find(&close).unwrap()]
        })
        .collect()
}

fn hash(s: &str) -> String {
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes())))
}

#[test]
fn default_handbook_becomes_one_self_contained_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("handbook.html");
    let o = build_single(&repo().join("content"), &file, tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("into the single file"), "{}", stdout(&o));
    assert!(!tmp.path().join("public").exists(), "only the file is written, not the folder");
    let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary files are left: {leftovers:?}");
    let html = fs::read_to_string(&file).unwrap();

    // Every page of the normal site is a section, the two home pages included.
    let site = tmp.path().join("site");
    assert!(run(&["build", repo().join("content").to_str().unwrap(), "-o", site.to_str().unwrap(), "-q"], tmp.path())
        .status
        .success());
    let pages = snapshot(&site).into_iter().filter(|(p, _)| p.ends_with(".html") && p.contains('/')).count();
    assert_eq!(html.matches("<section class=\"sf-page").count(), pages);
    for id in ["p-nl-index", "p-en-index", "p-nl-playbooks-ransomware", "p-en-assessments-triage", "p-nl-faq"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
    assert_eq!(html.matches("<main").count(), 1);

    // Nothing outside the file: links are fragments, data: or other sites; sources are data:.
    for href in attr_values(&html, "href") {
        assert!(
            ["#", "data:", "https://", "http://", "mailto:", "tel:"].iter().any(|p| href.starts_with(p)),
            "a link leaves the file: {href}"
        );
    }
    for src in attr_values(&html, "src") {
        assert!(src.starts_with("data:"), "a source leaves the file: {src}");
    }
    assert!(!html.contains("<script src"), "scripts are inline");

    // Ids are unique and every in-document link has its target.
    let ids: Vec<&str> = attr_values(&html, "id");
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "duplicate ids");
    for href in attr_values(&html, "href") {
        if let Some(target) = href.strip_prefix('#').filter(|t| !t.is_empty()) {
            assert!(unique.contains(target), "link to a missing id: {href}");
        }
    }
    // Links between pages keep their anchors: a phase page lists steps of playbooks.
    assert!(html.contains("href=\"#p-nl-playbooks-ransomware--step-"), "step anchors across pages");
    // Each questionnaire mints its ids under its own section.
    assert!(html.contains("data-id-prefix=\"p-en-assessments-triage--\""));

    // The CSP names exactly the inline scripts and the style, by hash, and nothing else.
    let csp = attr_values(&html, "content").into_iter().find(|c| c.starts_with("default-src")).unwrap();
    let scripts = inline_blocks(&html, "script");
    assert!(scripts.len() >= 3, "engine, questionnaire data and glue");
    assert_eq!(scripts.iter().filter(|s| s.contains("let wasm_bindgen =")).count(), 1, "the engine, once");
    assert_eq!(
        scripts.iter().filter(|s| s.contains("(window.IRBOOK_SEARCH = window.IRBOOK_SEARCH || {})")).count(),
        3,
        "the search index of each language (nl, en, fr)"
    );
    let script_src: Vec<String> = scripts.iter().map(|s| hash(s)).collect();
    let styles = inline_blocks(&html, "style");
    assert_eq!(styles.len(), 1);
    let expected = format!(
        "default-src 'none'; script-src {} 'wasm-unsafe-eval'; style-src {}; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'",
        script_src.join(" "),
        hash(styles[0])
    );
    assert_eq!(csp, expected);
    assert!(!html.contains(" style=\""), "no style attributes (the CSP would block them)");

    // Byte-identical when built again.
    let again = tmp.path().join("again.html");
    assert!(build_single(&repo().join("content"), &again, tmp.path()).status.success());
    assert!(fs::read(&file).unwrap() == fs::read(&again).unwrap(), "the single file is deterministic");
}

#[test]
fn static_files_go_inside_when_small_and_are_named_when_big() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("hb");
    copy_dir(&fixture("minimal"), &root);
    fs::write(root.join("static/plan.pdf"), b"%PDF-1.4 small").unwrap();
    fs::write(root.join("static/big.pdf"), vec![b'x'; 1024 * 1024 + 1]).unwrap();
    let page = root.join("pages/guides/log.nl.md");
    let mut text = fs::read_to_string(&page).unwrap();
    text.push_str("\nZie [het plan](../../static/plan.pdf) en [de bijlage](../../static/big.pdf).\n");
    fs::write(&page, text).unwrap();

    let file = tmp.path().join("out.html");
    let o = build_single(&root, &file, tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let html = fs::read_to_string(&file).unwrap();
    // The logo image and the small PDF are inline; the PDF downloads under its own name.
    assert!(html.contains("src=\"data:image/svg+xml;base64,"), "the logo is inline");
    let pdf = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4 small");
    assert!(html.contains(&format!("href=\"data:application/pdf;base64,{pdf}\" download=\"plan.pdf\"")), "{html}");
    // The big file stays outside, and the build says so.
    assert!(html.contains("href=\"static/big.pdf\""));
    let err = stderr(&o);
    assert!(err.contains("static/big.pdf") && err.contains("too big to go inside the single file"), "{err}");
    // Footnotes and the section's own links still meet their targets.
    let ids: BTreeSet<&str> = attr_values(&html, "id").into_iter().collect();
    for href in attr_values(&html, "href") {
        if let Some(target) = href.strip_prefix('#').filter(|t| !t.is_empty()) {
            assert!(ids.contains(target), "link to a missing id: {href}");
        }
    }
}

#[test]
fn refuses_a_file_inside_the_content_and_keeps_the_previous_file_on_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("hb");
    copy_dir(&fixture("minimal"), &root);

    let inside = root.join("handbook.html");
    let o = build_single(&root, &inside, tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("would be inside the handbook folder"), "{}", stderr(&o));
    assert!(!inside.exists());

    let file = tmp.path().join("out.html");
    assert!(build_single(&root, &file, tmp.path()).status.success());
    let before = fs::read(&file).unwrap();
    fs::write(root.join("playbooks/lost.yaml"), "id: lost\nsteps: [\n").unwrap();
    let o = build_single(&root, &file, tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is unchanged"), "{}", stderr(&o));
    assert!(fs::read(&file).unwrap() == before, "a failed build leaves the previous file as it was");
}

#[test]
fn leaves_other_files_alone_and_is_not_combined_with_an_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let notes = tmp.path().join("notes.html");
    fs::write(&notes, "<p>my own notes</p>").unwrap();
    let o = build_single(&fixture("minimal"), &notes, tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("was not made by irbook"), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(&notes).unwrap(), "<p>my own notes</p>");

    let o = run(&["build", fixture("minimal").to_str().unwrap(), "-o", "site", "--single-file", "x.html"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "usage error: {}", stderr(&o));
    assert!(!tmp.path().join("x.html").exists() && !tmp.path().join("site").exists());
}
