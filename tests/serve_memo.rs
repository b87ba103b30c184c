//! `irbook serve` keeps what earlier builds made (src/memo.rs) and renders a
//! page again only when something it shows changed. These tests edit the
//! default handbook the ways an author does and check, after every edit,
//! that the remembering build gives exactly the files and problems a fresh
//! build gives.

use irbook::diag::{Diagnostic, Report};
use irbook::load::Tree;
use irbook::memo::Memo;
use std::collections::BTreeMap;
use std::sync::Arc;

type Files = BTreeMap<String, irbook::render::FileBytes>;

fn build(tree: &Tree) -> (Option<Files>, Vec<Diagnostic>) {
    let sink = irbook::render::Memory::default();
    let mut report = Report::default();
    let ok = irbook::site::render(tree, &mut report, &sink).is_some();
    tree.memo.sweep();
    (ok.then(|| sink.into_files()), report.sorted())
}

fn fresh(tree: &Tree) -> (Option<Files>, Vec<Diagnostic>) {
    let mut plain = tree.clone();
    plain.memo = Arc::new(Memo::disabled());
    build(&plain)
}

fn text(tree: &Tree, path: &str) -> String {
    String::from_utf8(tree.files[path].bytes.clone()).expect("UTF-8")
}

fn set(tree: &mut Tree, path: &str, text: String) {
    let label = tree.label.clone();
    tree.files.insert(
        path.to_string(),
        irbook::load::SourceFile { path: path.to_string(), bytes: text.into_bytes(), layer: label },
    );
}

fn replace(tree: &mut Tree, path: &str, from: &str, to: &str) {
    let t = text(tree, path);
    assert!(t.contains(from), "{path} holds `{from}`");
    set(tree, path, t.replacen(from, to, 1));
}

/// Applies each edit in turn and compares the remembering build with a fresh one.
/// What an author does, named.
type Edit<'a> = (&'a str, &'a dyn Fn(&mut Tree));

fn check(edits: &[Edit]) {
    let mut tree = irbook::load::builtin_content();
    tree.memo = Arc::new(Memo::enabled());
    let first = build(&tree);
    assert!(first.0.is_some(), "the default handbook builds: {:?}", first.1);
    for (what, edit) in edits {
        edit(&mut tree);
        let (files, problems) = build(&tree);
        let (want_files, want_problems) = fresh(&tree);
        assert_eq!(problems, want_problems, "after `{what}`: the same problems as a fresh build");
        match (&files, &want_files) {
            (Some(a), Some(b)) => {
                let differ: Vec<&String> = b.keys().filter(|k| a.get(*k) != b.get(*k)).collect();
                let extra: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
                assert!(differ.is_empty() && extra.is_empty(), "after `{what}`: {differ:?} differ, {extra:?} extra");
            }
            (None, None) => {}
            _ => panic!("after `{what}`: one build failed and the other did not"),
        }
        assert!(!tree.memo.is_empty(), "the memo keeps values");
    }
}

#[test]
fn page_and_navigation_edits_match_a_fresh_build() {
    check(&[
        ("a paragraph added to a page", &|t| {
            let s = text(t, "pages/about.en.md") + "\nA new paragraph.\n";
            set(t, "pages/about.en.md", s);
        }),
        ("a phase renamed (every page's navigation)", &|t| {
            replace(t, "phases/02-analysis.en.md", "title: Analysis", "title: Investigation")
        }),
        ("a broken link added", &|t| {
            let s = text(t, "pages/about.en.md") + "\nSee [nowhere](no-such-page.md).\n";
            set(t, "pages/about.en.md", s);
        }),
        ("the broken link removed again", &|t| {
            let s = text(t, "pages/about.en.md").replace("\nSee [nowhere](no-such-page.md).\n", "");
            set(t, "pages/about.en.md", s);
        }),
        ("a page deleted", &|t| {
            t.files.remove("pages/about.fr.md");
        }),
    ]);
}

#[test]
fn playbook_contact_and_handbook_edits_match_a_fresh_build() {
    check(&[
        ("a step renamed (playbook, phases, binder, questionnaires)", &|t| {
            replace(
                t,
                "playbooks/misdirected.yaml",
                "Ask the recipient to delete or return it",
                "Ask the recipient to delete it",
            )
        }),
        ("a step's condition changed (its words on the playbook page)", &|t| {
            replace(
                t,
                "playbooks/data-breach.yaml",
                "when: \"org_role = processor\"",
                "when: \"org_role != controller\"",
            )
        }),
        ("an answer reworded (the words of conditions that name it)", &|t| {
            replace(
                t,
                "assessments/triage.yaml",
                "en: \"Our own data: we are the controller\"",
                "en: \"Our own data: we decide what it is for\"",
            )
        }),
        ("a contact renamed", &|t| replace(t, "contacts.yaml", "Fill in name", "Jan Jansen")),
        ("the handbook retitled", &|t| {
            replace(t, "handbook.yaml", "en: Data breach and incident handbook", "en: Incident handbook")
        }),
        ("a template override added", &|t| {
            let page = text(t, "pages/about.en.md");
            assert!(!page.is_empty());
            set(
                t,
                "templates/sources.html",
                "{% extends \"base.html\" %}{% block main %}<p>Sources go here.</p>{% endblock main %}".into(),
            );
        }),
        ("a step's text given a link to a page", &|t| {
            replace(
                t,
                "playbooks/misdirected.yaml",
                "Call the wrong recipient as soon as possible;",
                "Call the wrong recipient as soon as possible ([about us](../pages/about.en.md));",
            )
        }),
        ("the page a step links to deleted", &|t| {
            t.files.remove("pages/about.en.md");
        }),
        ("a YAML error introduced", &|t| {
            let s = text(t, "contacts.yaml") + "\n  broken: [\n";
            set(t, "contacts.yaml", s);
        }),
    ]);
}
