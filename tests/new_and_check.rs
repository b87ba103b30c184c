//! `irbook new` (starter handbook and client variant) and what `irbook check`
//! reports beyond the build: orphan pages, old sources, missing translations,
//! unreachable questions, `--strict` and `--format json`.

mod common;
use common::*;
use std::fs;

#[test]
fn new_starter_builds_and_checks() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["new", "hb", "--lang", "nl,en,fr"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Created hb"), "{}", stdout(&o));
    let hb = fs::read_to_string(dir.path().join("hb/handbook.yaml")).unwrap();
    assert!(hb.contains("languages: [nl, en, fr]"), "{hb}");
    assert!(dir.path().join("hb/phases/01-first-hours.fr.md").is_file());
    let o = run(&["check", "hb"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    // The only thing left to do is fill in the example contacts.
    let err = stderr(&o);
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(err.contains("example contacts still to fill in"), "{err}");
    let o = run(&["check", "hb", "--strict"], dir.path());
    assert_eq!(o.status.code(), Some(1), "--strict fails on warnings");
    let o = run(&["build", "hb", "-o", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let fr = fs::read_to_string(dir.path().join("out/fr/playbooks/data-breach.html")).unwrap();
    assert!(fr.contains("<html lang=\"fr\">") && fr.contains("Aller au contenu"), "French interface texts");
    assert!(fr.contains("Fuite de données"), "French content from the starter");
}

#[test]
fn a_language_the_theme_does_not_speak_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run(&["new", "hb", "--lang", "de,en"], dir.path()).status.success());
    let o = run(&["check", "hb"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: handbook.yaml: the theme has no interface texts in `de`; menus and buttons of those pages are in English"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn new_refuses_a_folder_with_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("taken")).unwrap();
    fs::write(dir.path().join("taken/notes.txt"), "mine").unwrap();
    let o = run(&["new", "taken"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("`taken` already exists and is not empty, so nothing was written"), "{}", stderr(&o));
    assert_eq!(fs::read_dir(dir.path().join("taken")).unwrap().count(), 1);
    let o = run(&["new", "x", "--lang", "Dutch"], dir.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn new_variant_extends_the_base() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("minimal"), &dir.path().join("base"));
    fs::create_dir(dir.path().join("clients")).unwrap();
    let o = run(&["new", "clients/acme", "--extends", "base"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let hb = fs::read_to_string(dir.path().join("clients/acme/handbook.yaml")).unwrap();
    assert!(hb.contains("extends: \"../../base\""), "{hb}");
    assert!(hb.contains("branding:"), "{hb}");
    let o = run(&["build", "clients/acme", "-o", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fs::read_to_string(dir.path().join("out/nl/index.html")).unwrap().contains("Client name"));

    let o = run(&["new", "v", "--extends", "irbook:default"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let contacts = fs::read_to_string(dir.path().join("v/contacts.yaml")).unwrap();
    assert!(contacts.contains("  incident-lead:") && contacts.contains("example: true"), "{contacts}");
    let o = run(&["new", "w", "--extends", "nowhere"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.path().join("w").exists(), "nothing is written for a bad base");
}

/// The minimal fixture with a page nothing links to, an old source, a
/// playbook title in one language only, and a question that can never show.
fn audited() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let hb = dir.path().join("hb");
    copy_dir(&fixture("minimal"), &hb);
    fs::write(hb.join("pages/lonely.nl.md"), "---\ntitle: Alleen\n---\nNiemand linkt hierheen.\n").unwrap();
    fs::write(hb.join("pages/lonely.en.md"), "---\ntitle: Alone\n---\nNo one links here.\n").unwrap();
    let pb = hb.join("playbooks/lost.yaml");
    let text = fs::read_to_string(&pb).unwrap().replace("title: {nl: Evalueer, en: Evaluate}", "title: {nl: Evalueer}");
    fs::write(&pb, text).unwrap();
    let q = hb.join("assessments/quick.yaml");
    let text = fs::read_to_string(&q)
        .unwrap()
        .replace("show_if: \"personal_data != no\"", "show_if: \"personal_data = yes and personal_data = no\"");
    fs::write(&q, text).unwrap();
    dir
}

#[test]
fn check_reports_what_the_build_does_not() {
    let dir = audited();
    let o = run(&["check", "hb", "--today", "2028-06-01"], dir.path());
    assert!(o.status.success(), "warnings only: {}", stderr(&o));
    let err = stderr(&o);
    for want in [
        "warning: pages/lonely.nl.md: no page links to this page, so readers cannot find it",
        "warning: sources/sources.yaml:8:19: source `gdpr-art33` was last checked 559 days ago (on 2026-11-20); the limit is 365 days",
        "warning: playbooks/lost.yaml:25:12: this text has no en version",
        "warning: assessments/quick.yaml:",
    ] {
        assert!(err.contains(want), "missing {want:?} in:\n{err}");
    }
    // The build does not depend on the date or audit links between pages.
    let o = run(&["build", "hb", "-o", "out"], dir.path());
    assert!(!stderr(&o).contains("no page links") && !stderr(&o).contains("days ago"), "{}", stderr(&o));
}

#[test]
fn check_json_for_ci() {
    let dir = audited();
    fs::write(
        dir.path().join("hb/handbook.yaml"),
        "title: X\nlanguages: [nl, en]\ncheck: {max_source_age_days: 30}\nstart: nowhere.md\n",
    )
    .unwrap();
    let o = run(&["check", "hb", "--format", "json", "--today", "2026-12-31"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("stdout is JSON");
    assert_eq!(v["ok"], false);
    assert!(v["errors"].as_u64().unwrap() >= 1);
    let problems = v["problems"].as_array().unwrap();
    let start =
        problems.iter().find(|p| p["message"].as_str().unwrap_or("").contains("nowhere.md")).expect("start error");
    assert_eq!(start["severity"], "error");
    assert_eq!(start["file"], "handbook.yaml");
    assert!(start["line"].as_u64().unwrap() > 0);
    for p in problems {
        for key in ["severity", "file", "line", "column", "message", "hint", "layer"] {
            assert!(p.get(key).is_some(), "{key} missing in {p}");
        }
    }
}

#[test]
fn check_date_must_be_a_date() {
    let dir = audited();
    let o = run(&["check", "hb", "--today", "tomorrow"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("`tomorrow` is not a date; write it as YYYY-MM-DD"));
}

/// Issue 15: in a folder made by `irbook new … --extends irbook:default`, a
/// plain `irbook build` builds that folder, not the built-in handbook.
#[test]
fn build_without_root_inside_a_handbook_builds_that_folder() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["new", "acme", "--extends", "irbook:default"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let acme = dir.path().join("acme");
    let hb = fs::read_to_string(acme.join("handbook.yaml")).unwrap();
    let own: String = hb.lines().filter(|l| !l.starts_with("organisation:")).map(|l| format!("{l}\n")).collect();
    fs::write(acme.join("handbook.yaml"), format!("{own}organisation: Acme Zorg BV\n")).unwrap();
    let o = run(&["build", "-q"], &acme);
    assert!(o.status.success(), "{}", stderr(&o));
    // Next to the folder, as `irbook build acme` from the parent would: a
    // site is never written inside its handbook.
    let home = fs::read_to_string(dir.path().join("public/nl/index.html")).unwrap();
    assert!(home.contains("Acme Zorg BV"), "the folder's own handbook was built");
    assert!(!acme.join("public").exists());
    // And again, replacing the previous output.
    let o = run(&["build", "-q"], &acme);
    assert!(o.status.success(), "{}", stderr(&o));
}
